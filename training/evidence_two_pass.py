"""Evidence-status labels that msa made in two independent passes, adjudicated: the second training source.

Why: labels/evidence_dev.csv holds 14 impact sentences out of 553, too few to learn the label the
product is named for. ``bench/labels/evidence_two_pass.json`` holds more than 4,000 real sentences
of UK statements (the 981-statement corpus, the kept-aside statements left out) and of the AU and
joint PDFs in research/statement_docs, each labelled under labels/EVIDENCE_GUIDELINES.md by two
annotators blind to each other (A and B) and, where they differ, by a third reading that saw both.
Some statements were labelled whole, in order (``whole``), for statement-level figures; the rest
were drawn with enrichment for outcome language. No text is stored: a statement key
(training.evidence_corpus), the sentence's position and the first 12 hex digits of its
SHA-1, so a change in how a source is split shows as a moved sentence and is left out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from training.criteria_au_check import text_hash
from training.evidence_corpus import statement_texts

LABELS_FILE = Path(__file__).resolve().parents[1] / "bench" / "labels" / "evidence_two_pass.json"
COLUMNS = [
    "statement_id",
    "sentence_idx",
    "sentence",
    "context_before",
    "context_after",
    "label",
    "annotator_a",
    "annotator_b",
    "whole",
    "drawn",
]


def label_spec(path: str | Path = LABELS_FILE) -> dict:
    """The labels file as stored (statements, their labelled positions, agreement figures)."""
    return json.loads(Path(path).read_text())


def load_two_pass(shared: str | Path | None = None, path: str | Path = LABELS_FILE) -> pd.DataFrame:
    """The labelled sentences with their true neighbours as context; empty when sources are absent.

    A sentence whose text no longer hashes to the stored value (the source or the splitter
    changed) is dropped rather than given another sentence's label.
    """
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    rows = []
    for key, entry in label_spec(path)["statements"].items():
        sentences = statement_texts(key, shared)
        if not sentences:
            continue
        for item in entry["items"]:
            i = item["idx"]
            if i >= len(sentences) or text_hash(sentences[i]) != item["sha1"]:
                continue
            rows.append(
                (
                    key,
                    i,
                    sentences[i],
                    sentences[i - 1] if i > 0 else "",
                    sentences[i + 1] if i + 1 < len(sentences) else "",
                    item["label"],
                    item["a"],
                    item["b"],
                    bool(entry.get("whole", False)),
                    item.get("drawn", ""),
                )
            )
    return pd.DataFrame(rows, columns=COLUMNS)
