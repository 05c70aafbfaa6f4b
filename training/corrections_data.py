"""Readers' corrections (the `corrections` table of an msa database) as extra training labels.

Why: a correction is a label a person made on real text the model got wrong, the most useful row
a retraining can get. Each holding correction (the latest for its sentence and field) gives one
row: the sentence as it read when corrected, its neighbours where the document still reads that
way, and its statement, which grouped cross-validation keeps in one fold. The database is opened
read-only: training never writes the corpus.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

from db.schema import CRITERIA

# The latest correction of each sentence and field, with the statement its document was summarised
# for (else its document) and the neighbours, when the sentence still reads as it was corrected.
HOLDING_SQL = """
SELECT c.correction_id, c.sentence_id, c.value, c.sentence_text,
       coalesce((SELECT ss.statement_id FROM statement_summaries ss WHERE ss.document_id = c.document_id
                 ORDER BY ss.statement_id LIMIT 1), c.document_id) AS statement_id,
       CASE WHEN s.text = c.sentence_text THEN coalesce(
         (SELECT b.text FROM sentences b WHERE b.document_id = s.document_id
          AND b.sentence_idx = s.sentence_idx - 1), '') ELSE '' END AS context_before,
       CASE WHEN s.text = c.sentence_text THEN coalesce(
         (SELECT a.text FROM sentences a WHERE a.document_id = s.document_id
          AND a.sentence_idx = s.sentence_idx + 1), '') ELSE '' END AS context_after
FROM corrections c
LEFT JOIN sentences s ON s.sentence_id = c.sentence_id
WHERE c.field = ?
  AND NOT EXISTS (SELECT 1 FROM corrections later WHERE later.sentence_id = c.sentence_id
                  AND later.field = c.field AND later.correction_id > c.correction_id)
ORDER BY statement_id, c.sentence_idx, c.correction_id
"""
SOURCE = "correction"


def read_corrections(db_path: str | Path, field: str) -> pd.DataFrame:
    """The holding corrections of `field` in the database at `db_path` (opened read-only)."""
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such database")
    conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    try:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'corrections'"
        ).fetchone()
        if not has_table:
            raise ValueError(f"{path}: holds no corrections table (not an msa database?)")
        return pd.read_sql_query(HOLDING_SQL, conn, params=[field])
    finally:
        conn.close()


def evidence_rows(db_path: str | Path) -> pd.DataFrame:
    """Evidence corrections as evidence_data.load_training rows (statement_id, sentence, context, label)."""
    found = read_corrections(db_path, "evidence")
    return pd.DataFrame(
        {
            "statement_id": found["statement_id"].astype(str),
            "sentence": found["sentence_text"].astype(str),
            "context_before": found["context_before"].fillna("").astype(str),
            "context_after": found["context_after"].fillna("").astype(str),
            "label": found["value"].astype(str),
            "source": SOURCE,
            "whole": False,
        }
    )


def criteria_rows(db_path: str | Path) -> tuple[pd.DataFrame, np.ndarray, np.ndarray] | None:
    """Criteria corrections as criteria_data.load_labelled rows: one per corrected sentence, with
    0/1 targets and a mask true only on the slots a reader corrected. None when there are none."""
    per_sentence: dict[str, dict] = {}
    for slot, name in enumerate(CRITERIA):
        for r in read_corrections(db_path, name).itertuples():
            entry = per_sentence.setdefault(
                r.sentence_id,
                {
                    "statement_id": str(r.statement_id),
                    "sentence": str(r.sentence_text),
                    "targets": np.zeros(len(CRITERIA), dtype=np.int8),
                    "mask": np.zeros(len(CRITERIA), dtype=bool),
                },
            )
            entry["targets"][slot] = int(r.value)
            entry["mask"][slot] = True
    if not per_sentence:
        return None
    # sentence ids sort in document order within a statement's document
    ordered = sorted(per_sentence.items(), key=lambda item: (item[1]["statement_id"], item[0]))
    frame = pd.DataFrame(
        {
            "statement_id": [e["statement_id"] for _, e in ordered],
            "sentence": [e["sentence"] for _, e in ordered],
            "source": SOURCE,
        }
    )
    frame["group"] = frame["statement_id"]
    return frame, np.stack([e["targets"] for _, e in ordered]), np.stack([e["mask"] for _, e in ordered])
