"""`msa correct`: store a reader's corrections, apply them, re-summarise what they touch, rebuild.

The file is checked whole first (msa.corrections_csv) and stored in one transaction with the
labels it changes, so a bad file stores nothing. Only the statements whose summarised document
holds a changed label are summarised again, by the classify stage's own code path; the derived
tables are rebuilt when the database was built before, so what Datasette shows agrees at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from db.classify_sql import primary_documents, write_summaries
from db.corrections import apply_corrections
from db.store import utc_now
from msa.corrections_csv import Correction, read_corrections


@dataclass(frozen=True)
class CorrectReport:
    """What one `msa correct` did."""

    stored: int
    applied: int
    pending: int
    stale: int
    statements: tuple[str, ...]
    rebuilt: bool

    def lines(self) -> list[str]:
        out = [
            f"stored {self.stored} correction(s); {self.applied} label(s) now carry one"
            + (
                f"; {self.pending} wait for their sentence's labels (run msa classify)"
                if self.pending
                else ""
            )
            + (f"; {self.stale} stale (their text is gone)" if self.stale else ""),
            f"re-summarised {len(self.statements)} statement(s)"
            + (f": {', '.join(self.statements[:10])}" if self.statements else ""),
        ]
        out.append(
            "rebuilt the published tables" if self.rebuilt else "published tables not built: run msa build"
        )
        return out


def store_corrections(db: sqlite_utils.Database, rows: Sequence[Correction], source: str) -> int:
    """Insert checked rows with the text of their sentences as it reads now; returns how many."""
    now = utc_now()
    records = []
    for row in rows:
        document_id, sentence_idx, text = db.execute(
            "SELECT document_id, sentence_idx, text FROM sentences WHERE sentence_id = ?", [row.sentence_id]
        ).fetchone()
        records.append(
            {
                "sentence_id": row.sentence_id,
                "field": row.field,
                "value": row.value,
                "reason": row.reason,
                "who": row.who,
                "created_at": now,
                "document_id": document_id,
                "sentence_idx": sentence_idx,
                "sentence_text": text,
                "source": f"{source}:{row.line}",
            }
        )
    db["corrections"].insert_all(records)
    return len(records)


def statements_of_documents(db: sqlite_utils.Database, documents: Sequence[str]) -> list[str]:
    """Statements whose summary reads one of `documents`."""
    if not documents:
        return []
    marks = ", ".join("?" for _ in documents)
    sql = f"SELECT statement_id FROM statement_summaries WHERE document_id IN ({marks}) ORDER BY statement_id"
    return [r[0] for r in db.execute(sql, list(documents))]


def resummarise(db: sqlite_utils.Database, statement_ids: Sequence[str]) -> None:
    """Summarise `statement_ids` again, as the classify stage does (its summary_row, write_summaries)."""
    # lazy: the classify stage loads the classifier package, needed only when labels changed
    from msa.classify_stage import summary_row

    primaries = primary_documents(db)
    write_summaries(db, [summary_row(db, sid, primaries.get(sid)) for sid in statement_ids])


def is_built(db: sqlite_utils.Database) -> bool:
    """Whether `msa build` has made the published tables (they are rebuilt, not patched)."""
    return db["compliance"].exists()


def run_correct(db: sqlite_utils.Database, path: Path, *, rebuild: bool = True) -> CorrectReport:
    """Check, store and apply a corrections file; CorrectionsError (nothing stored) when it has errors."""
    rows = read_corrections(path, db)
    with db.atomic():
        stored = store_corrections(db, rows, Path(path).name)
        applied = apply_corrections(db)
    statements = statements_of_documents(db, applied.documents)
    resummarise(db, statements)
    built = rebuild and is_built(db)
    if built:
        # lazy: the build stage imports every publish table builder
        from msa import build_stage

        build_stage.run(db, Path(db.conn.execute("PRAGMA database_list").fetchone()[2]).parent)
    return CorrectReport(
        stored=stored,
        applied=applied.applied,
        pending=applied.pending,
        stale=applied.stale,
        statements=tuple(statements),
        rebuilt=built,
    )
