"""The build stage's statements on the stored tables: the indexes the published queries need, planner
statistics, and sealing the file for immutable serving.

The tables the build derives (compliance, impact and verdict sentences, boilerplate, FTS) are the
publish package's own and keep their DDL there (publish/*.py).
"""

from __future__ import annotations

import sqlite_utils

# Lookups the published queries make that the pipeline's own indexes do not cover.
PUBLISH_INDEXES = {
    "idx_statement_summaries_document": "statement_summaries(document_id)",
    "idx_statement_documents_statement_document": "statement_documents(statement_id, document_id)",
    "idx_labels_evidence_p": "labels(evidence, evidence_p)",
}


def create_publish_indexes(db: sqlite_utils.Database) -> None:
    """Indexes the canned queries rely on (idempotent)."""
    for name, target in PUBLISH_INDEXES.items():
        db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
    db.conn.commit()


def analyze(db: sqlite_utils.Database) -> None:
    """Refresh the query planner's statistics."""
    db.execute("ANALYZE")


def seal_for_serving(db: sqlite_utils.Database) -> None:
    """Fold the write-ahead log into the file, so Datasette can open it immutable."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode=DELETE")
