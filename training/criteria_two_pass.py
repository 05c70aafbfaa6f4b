"""C2-C5 labels that msa made in two independent passes, and their use as training rows.

Why: the expert sets (UK, Canada) are small, and nothing labelled is Australian. Two annotation
passes (A and B), made from the AIMS definitions after calibrating on expert examples and blind to
each other and to the classifier, label the seven C2-C5 questions in real statements: 8 Australian or
joint statements (PDFs in ../shared/research/statement_docs) and 20 UK statements of the unlabelled
hackathon corpus. Where both passes say yes a sentence is a positive; where they disagree it is left
out. The files in bench/labels store sentence positions and text hashes, never text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from db.schema import CRITERIA
from training.criteria_au_check import (
    LABELS_FILE,
    STATEMENT_DOCS,
    moved_positions,
    statement_sentences,
)
from training.shared_corpus import UNLABELLED_FILE, shared_dir, split_sentences

AU_FILE = LABELS_FILE.parent / "au_c2_c5_two_pass.json"
UK_HACKATHON_FILE = LABELS_FILE.parent / "uk_hackathon_c2_c5_two_pass.json"
QUESTIONS = CRITERIA[3:10]  # c2_structure .. c5_effectiveness


@dataclass
class TwoPassDocument:
    """One statement's sentences with each annotation pass's positives per C2-C5 question."""

    name: str
    sentences: list[str]
    passes: dict[str, dict[str, set[int]]]  # pass ("A", "B") -> question -> positive positions
    moved: list[int]
    group: str = ""  # what cross-validation keeps together (the company for AU)

    def gold(self, annotation: str, question: str) -> np.ndarray:
        """0/1 per sentence; ``annotation`` is a pass name or "A&B" (the sentences both passes call yes)."""
        names = annotation.split("&")
        out = np.ones(len(self.sentences), dtype=bool)
        for name in names:
            out &= np.isin(np.arange(len(self.sentences)), list(self.passes[name][question]))
        return out


def two_pass_scores(docs: list[TwoPassDocument], predicted: dict[str, np.ndarray]) -> list[dict[str, float]]:
    """Per C2-C5 question: positives per pass, F1 of pass A against pass B, and the model's F1 against
    A, B and the sentences both call yes, from (n, 11) 0/1 ``predicted`` per document.

    Why both passes: their agreement is the ceiling a model can be read against on these labels.
    """
    from sklearn.metrics import f1_score

    rows = []
    for q in QUESTIONS:
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


def two_pass_text(
    rows: list[dict[str, float]], macro_label: str = "macro (7)", agreement: bool = True
) -> list[str]:
    """The two-pass table as printed by the bench and ``msa evaluate criteria``, with the macro row last.

    ``agreement=False`` leaves the macro row's A vs B cell blank, for a baseline's row under the table.
    """
    keys = ("f1_a_vs_b", "f1_vs_a", "f1_vs_b", "f1_vs_both")
    lines = [
        f"{'criterion':<22}{'pos A':>6}{'pos B':>6}{'A vs B':>8}{'model vs A':>12}{'vs B':>7}{'vs A&B':>8}"
    ]
    for r in rows:
        cells = f"{r['f1_a_vs_b']:>8.3f}{r['f1_vs_a']:>12.3f}{r['f1_vs_b']:>7.3f}{r['f1_vs_both']:>8.3f}"
        lines.append(f"{r['criterion']:<22}{r['positives_a']:>6}{r['positives_b']:>6}{cells}")
    macro = [float(np.mean([r[k] for r in rows])) for k in keys]
    first = f"{macro[0]:>8.3f}" if agreement else f"{'-':>8}"
    lines.append(f"{macro_label:<34}{first}{macro[1]:>12.3f}{macro[2]:>7.3f}{macro[3]:>8.3f}")
    return lines


def company(name: str) -> str:
    """The company a statement file belongs to ("AU_american-express-australia_2022.pdf" -> "american").

    Why: statements of one company across years share most of their text, so cross-validation
    keeps them in one fold.
    """
    return name.split("_")[1].split("-")[0].lower()


def _documents(spec: dict, sentences_of: dict[str, list[str]], group_of) -> list[TwoPassDocument]:
    docs = []
    for name, entry in spec.items():
        if name not in sentences_of:
            continue
        sentences = sentences_of[name]
        passes, moved = {}, []
        for annotation, questions in entry["passes"].items():
            passes[annotation] = {q: {item["idx"] for item in items} for q, items in questions.items()}
            moved += [i for items in questions.values() for i in moved_positions(sentences, items)]
        docs.append(TwoPassDocument(name, sentences, passes, sorted(set(moved)), group_of(name)))
    return docs


def load_au(shared: str | Path | None = None) -> list[TwoPassDocument]:
    """The AU two-pass labels on their PDFs, grouped by company; [] when the PDFs are absent."""
    folder = shared_dir(shared) / STATEMENT_DOCS
    spec = json.loads(AU_FILE.read_text())["documents"]
    sentences_of = {name: statement_sentences(folder / name) for name in spec if (folder / name).exists()}
    return _documents(spec, sentences_of, lambda name: f"au-{company(name)}")


def load_uk_hackathon(shared: str | Path | None = None) -> list[TwoPassDocument]:
    """The UK two-pass labels on the hackathon texts (split as ``split_sentences`` does); [] when absent."""
    path = shared_dir(shared) / UNLABELLED_FILE
    if not path.exists():
        return []
    spec = json.loads(UK_HACKATHON_FILE.read_text())["documents"]
    frame = pd.read_parquet(path, columns=["ID", "TEXT", "source"])
    frame = frame[frame["source"] == "labeled"]  # IDs repeat across the corpus's two parts
    texts = dict(zip(frame["ID"].astype(str), frame["TEXT"].fillna(""), strict=True))
    sentences_of = {
        name: split_sentences(texts[entry["id"]]) for name, entry in spec.items() if entry["id"] in texts
    }
    return _documents(spec, sentences_of, lambda name: f"ukh-{name}")


def training_rows(
    docs: list[TwoPassDocument], source: str
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray] | None:
    """Two-pass documents as training rows: (frame, targets, mask); None when there are none.

    C2-C5 targets are the sentences both passes call yes; where the passes disagree the slot is
    masked out of training and scoring. Approval, signature, C1 and C6 stay masked: C1 and C6 are
    rules only (as for the UK and Canadian sets), and the developers' approval and signature labels
    of the AU statements (``LABELS_FILE``) stay a check the model never trains on. ``frame`` has the
    columns of ``LabelledSet.frame`` plus ``group``.
    """
    if not docs:
        return None
    frames, targets, masks = [], [], []
    for d in docs:
        n = len(d.sentences)
        y = np.zeros((n, len(CRITERIA)), dtype=np.int8)
        m = np.zeros((n, len(CRITERIA)), dtype=bool)
        for q in QUESTIONS:
            j = CRITERIA.index(q)
            a, b = d.gold("A", q), d.gold("B", q)
            y[:, j], m[:, j] = a & b, a == b
        stem = d.name.rsplit(".", 1)[0]
        frames.append(
            pd.DataFrame(
                {
                    "statement_id": f"{source}-{stem}",
                    "sentence": d.sentences,
                    "source": source,
                    "group": d.group,
                }
            )
        )
        targets.append(y)
        masks.append(m)
    return pd.concat(frames, ignore_index=True), np.concatenate(targets), np.concatenate(masks)
