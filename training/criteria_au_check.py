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

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from db.schema import CRITERIA
from training.shared_corpus import shared_dir

LABELS_FILE = Path(__file__).resolve().parents[1] / "bench" / "labels" / "au_sentence_labels.json"
STATEMENT_DOCS = Path("research/statement_docs")
QUESTIONS = {
    "approval": "approval",
    "signature": "signature",
    "c1": "c1_reporting_entity",
    "c6": "c6_consultation",
}


def text_hash(text: str) -> str:
    """The first 12 hex digits of the text's SHA-1: how the labels file names a sentence."""
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def moved_positions(sentences: list[str], items: list[dict]) -> list[int]:
    """Labelled positions ({"idx", "sha1"} items) whose text no longer matches: the splitter changed."""
    return [
        item["idx"]
        for item in items
        if item["idx"] >= len(sentences) or text_hash(sentences[item["idx"]]) != item["sha1"]
    ]


@dataclass
class LabelledDocument:
    """One statement's extracted sentences with the developers' positives per question (positions)."""

    name: str
    split: str
    sentences: list[str]
    positives: dict[str, set[int]]
    moved: list[int]  # labelled positions whose text hash no longer matches (the extractor changed)


def statement_sentences(path: Path) -> list[str]:
    """One statement PDF's sentences as msa's extractor gives them (the positions the labels use).

    Cached per process: the AU checks, the two-pass labels and training all read the same PDFs.
    """
    return list(_extract_sentences(Path(path).resolve()))


@functools.lru_cache(maxsize=64)
def _extract_sentences(path: Path) -> tuple[str, ...]:
    from extract.document import extract_document  # lazy: spaCy and the PDF backends, only to read PDFs

    return tuple(s.text for s in extract_document(path.read_bytes(), "application/pdf").sentences)


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
            moved += moved_positions(sentences, entry.get(key, []))
        docs.append(LabelledDocument(name, entry["split"], sentences, positives, moved))
    return docs


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
