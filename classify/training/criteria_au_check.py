"""Four AIMS questions on real Australian statements: the developers' sentence labels, and model scores.

Why: the shared labelled sets (UK, Canada) hold no positive C1 (reporting entity) or C6
(consultation) sentence, so those two questions come from rules, and the rules need some check on
the text they are meant for; approval and signature are learnt from UK/CA layouts, and Australian
statements word them after their own Act. ``bench/labels/au_sentence_labels.json`` holds labels
that the developers gave, reading the AIMS definitions, to the sentences of the Australian and
joint statements in ``../shared/research/statement_docs``. It stores sentence positions and text
hashes, never text.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from classify.training.criteria_data import shared_dir
from db.schema import CRITERIA

LABELS_FILE = Path(__file__).resolve().parents[2] / "bench" / "labels" / "au_sentence_labels.json"
STATEMENT_DOCS = Path("research/statement_docs")
# C2-C5 on four AU statements, labelled in two independent passes (A, B) blind to each other and the model.
TWO_PASS_FILE = LABELS_FILE.parent / "au_c2_c5_two_pass.json"
TWO_PASS_QUESTIONS = CRITERIA[3:10]  # c2_structure .. c5_effectiveness
QUESTIONS = {
    "approval": "approval",
    "signature": "signature",
    "c1": "c1_reporting_entity",
    "c6": "c6_consultation",
}


def text_hash(text: str) -> str:
    """The first 12 hex digits of the text's SHA-1: how the labels file names a sentence."""
    return hashlib.sha1(text.encode()).hexdigest()[:12]


@dataclass
class LabelledDocument:
    """One statement's extracted sentences with the developers' positives per question (positions)."""

    name: str
    split: str
    sentences: list[str]
    positives: dict[str, set[int]]
    moved: list[int]  # labelled positions whose text hash no longer matches (the extractor changed)


def statement_sentences(path: Path) -> list[str]:
    """One statement PDF's sentences as msa's extractor gives them (the positions the labels use)."""
    from extract.document import extract_document

    return [s.text for s in extract_document(path.read_bytes(), "application/pdf").sentences]


def load_documents(shared: str | Path | None = None) -> list[LabelledDocument]:
    """Extract each labelled PDF with msa's extractor and attach its labels; [] when the PDFs are absent."""
    folder = shared_dir(shared) / STATEMENT_DOCS
    spec = json.loads(LABELS_FILE.read_text())["documents"]
    docs = []
    for name, entry in spec.items():
        path = folder / name
        if not path.exists():
            continue
        sentences = statement_sentences(path)
        positives, moved = {}, []
        for key in QUESTIONS:
            positives[key] = {item["idx"] for item in entry.get(key, [])}
            moved += _moved(sentences, entry.get(key, []))
        docs.append(LabelledDocument(name, entry["split"], sentences, positives, moved))
    return docs


def _moved(sentences: list[str], items: list[dict]) -> list[int]:
    return [
        item["idx"]
        for item in items
        if item["idx"] >= len(sentences) or text_hash(sentences[item["idx"]]) != item["sha1"]
    ]


@dataclass
class TwoPassDocument:
    """One statement's sentences with each annotation pass's positives per C2-C5 question."""

    name: str
    sentences: list[str]
    passes: dict[str, dict[str, set[int]]]  # pass ("A", "B") -> question -> positive positions
    moved: list[int]

    def gold(self, annotation: str, question: str) -> np.ndarray:
        """0/1 per sentence; ``annotation`` is a pass name or "A&B" (the sentences both passes call yes)."""
        names = annotation.split("&")
        out = np.ones(len(self.sentences), dtype=bool)
        for name in names:
            out &= np.isin(np.arange(len(self.sentences)), list(self.passes[name][question]))
        return out


def load_two_pass_documents(
    shared: str | Path | None = None, extracted: dict[str, list[str]] | None = None
) -> list[TwoPassDocument]:
    """The C2-C5 two-pass labels on their PDFs; [] when the PDFs are absent.

    ``extracted`` maps PDF names to sentences already extracted (``load_documents`` gives them), so
    a caller that has both does not extract twice.
    """
    folder = shared_dir(shared) / STATEMENT_DOCS
    spec = json.loads(TWO_PASS_FILE.read_text())["documents"]
    docs = []
    for name, entry in spec.items():
        path = folder / name
        if not path.exists():
            continue
        sentences = (extracted or {}).get(name) or statement_sentences(path)
        passes, moved = {}, []
        for annotation, questions in entry["passes"].items():
            passes[annotation] = {q: {item["idx"] for item in items} for q, items in questions.items()}
            moved += [i for items in questions.values() for i in _moved(sentences, items)]
        docs.append(TwoPassDocument(name, sentences, passes, sorted(set(moved))))
    return docs


def two_pass_scores(docs: list[TwoPassDocument], predicted: dict[str, np.ndarray]) -> list[dict[str, float]]:
    """Per C2-C5 question: positives per pass, F1 of pass A against pass B, and the model's F1 against
    A, B and the sentences both call yes, from (n, 11) 0/1 ``predicted`` per document.

    Why both passes: their agreement is the ceiling a model can be read against on these labels.
    """
    from sklearn.metrics import f1_score

    rows = []
    for q in TWO_PASS_QUESTIONS:
        j = CRITERIA.index(q)
        pred = np.concatenate([np.asarray(predicted[d.name][:, j], dtype=bool) for d in docs])
        gold = {a: np.concatenate([d.gold(a, q) for d in docs]) for a in ("A", "B", "A&B")}
        rows.append(
            {
                "criterion": q,
                "positives_a": int(gold["A"].sum()),
                "positives_b": int(gold["B"].sum()),
                "f1_a_vs_b": f1_score(gold["B"], gold["A"], zero_division=0),
                "f1_vs_a": f1_score(gold["A"], pred, zero_division=0),
                "f1_vs_b": f1_score(gold["B"], pred, zero_division=0),
                "f1_vs_both": f1_score(gold["A&B"], pred, zero_division=0),
            }
        )
    return rows


def two_pass_text(rows: list[dict[str, float]]) -> list[str]:
    """The two-pass table as printed by the bench and ``msa evaluate criteria``, with the macro row."""
    keys = ("f1_a_vs_b", "f1_vs_a", "f1_vs_b", "f1_vs_both")
    lines = [
        f"{'criterion':<22}{'pos A':>6}{'pos B':>6}{'A vs B':>8}{'model vs A':>12}{'vs B':>7}{'vs A&B':>8}"
    ]
    for r in rows:
        cells = f"{r['f1_a_vs_b']:>8.3f}{r['f1_vs_a']:>12.3f}{r['f1_vs_b']:>7.3f}{r['f1_vs_both']:>8.3f}"
        lines.append(f"{r['criterion']:<22}{r['positives_a']:>6}{r['positives_b']:>6}{cells}")
    macro = [float(np.mean([r[k] for r in rows])) for k in keys]
    lines.append(f"{'macro (7)':<34}{macro[0]:>8.3f}{macro[1]:>12.3f}{macro[2]:>7.3f}{macro[3]:>8.3f}")
    return lines


def score(docs: list[LabelledDocument], predictions: dict[str, np.ndarray], key: str) -> dict[str, float]:
    """Sentence-level precision, recall, F1 and counts of 0/1 ``predictions`` (per document) vs the labels."""
    from sklearn.metrics import precision_recall_fscore_support

    pred = np.concatenate([np.asarray(predictions[d.name], dtype=bool) for d in docs])
    gold = np.concatenate([np.isin(np.arange(len(d.sentences)), list(d.positives[key])) for d in docs])
    p, r, f1, _ = precision_recall_fscore_support(gold, pred, average="binary", zero_division=0)
    tp = int((pred & gold).sum())
    return {
        "precision": p,
        "recall": r,
        "f1": f1,
        "tp": tp,
        "fp": int(pred.sum()) - tp,
        "fn": int(gold.sum()) - tp,
    }


def scores_by_split(
    docs: list[LabelledDocument],
    predicted: dict[str, np.ndarray],
    splits: tuple[str, ...] = ("dev", "held_out"),
) -> list[tuple[str, str, dict[str, float]]]:
    """(criterion, split, scores) per labelled question, from (n, 11) 0/1 ``predicted`` per document.

    The split "all" pools every document.
    """
    rows = []
    for key, name in QUESTIONS.items():
        j = CRITERIA.index(name)
        for split in splits:
            part = [d for d in docs if split in ("all", d.split)]
            if part:
                rows.append((name, split, score(part, {d.name: predicted[d.name][:, j] for d in part}, key)))
    return rows


def company(name: str) -> str:
    """The company a statement file belongs to ("AU_american-express-australia_2022.pdf" -> "american").

    Why: statements of one company across years share most of their text, so cross-validation
    keeps them in one fold.
    """
    return name.split("_")[1].split("-")[0].lower()


def au_training_set(shared: str | Path | None = None) -> tuple[pd.DataFrame, np.ndarray, np.ndarray] | None:
    """The two-pass AU statements as training rows: (frame, targets, mask); None when the PDFs are absent.

    C2-C5 targets are the sentences both passes call yes; where the passes disagree the slot is
    masked out of training and scoring. Approval, signature, C1 and C6 stay masked: C1 and C6 are
    rules only (as for the UK and Canadian sets), and approval and signature keep the developers'
    labels of these statements (``LABELS_FILE``) as a check the model never trains on. ``frame``
    has the columns of ``LabelledSet.frame`` plus ``group`` (``au-<company>``).
    """
    two_pass = load_two_pass_documents(shared)
    if not two_pass:
        return None
    frames, targets, masks = [], [], []
    for d in two_pass:
        n = len(d.sentences)
        y = np.zeros((n, len(CRITERIA)), dtype=np.int8)
        m = np.zeros((n, len(CRITERIA)), dtype=bool)
        for q in TWO_PASS_QUESTIONS:
            j = CRITERIA.index(q)
            a, b = d.gold("A", q), d.gold("B", q)
            y[:, j], m[:, j] = a & b, a == b
        stem = d.name.rsplit(".", 1)[0]
        frames.append(
            pd.DataFrame(
                {
                    "statement_id": f"au-{stem}",
                    "sentence": d.sentences,
                    "source": "au",
                    "group": f"au-{company(d.name)}",
                }
            )
        )
        targets.append(y)
        masks.append(m)
    return pd.concat(frames, ignore_index=True), np.concatenate(targets), np.concatenate(masks)
