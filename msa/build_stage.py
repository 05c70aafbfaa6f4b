"""Build stage: make the database ready to publish (derived tables, search indexes, statistics).

Everything here is derived from what crawl, extract and classify stored and is rebuilt from
scratch on every run, so a build is repeatable and the earlier stages' writes stay fast (no FTS
triggers, no summary tables kept in step). Order matters: `entities` comes first (later
tables may read which entity a statement is by), then `compliance`, which the impact, verdict and
boilerplate tables read.
"""

from __future__ import annotations

import time

import sqlite_utils

from msa.stage_report import StageReport
from publish.boilerplate import build_boilerplate
from publish.compliance import build_compliance
from publish.entities import build_entities
from publish.impact import build_impact_sentences
from publish.search import build_name_search, build_sentence_search
from publish.verdicts import build_verdict_sentences

BUILD_VERSION = "build-3"
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


def build_search(db: sqlite_utils.Database) -> dict[str, int]:
    """Rebuild every full-text index; returns rows indexed per table."""
    return {"sentences": build_sentence_search(db), **build_name_search(db)}


def run_build(db: sqlite_utils.Database) -> StageReport:
    """Rebuild derived tables, search indexes and planner statistics; returns the stage report."""
    report = StageReport(stage="build", version=BUILD_VERSION)
    timings: dict[str, float] = {}

    def timed(name: str, fn, *args):
        start = time.perf_counter()
        result = fn(*args)
        timings[name] = round(time.perf_counter() - start, 2)
        return result

    timed("indexes", create_publish_indexes, db)
    entity_rows = timed("entities", build_entities, db)
    compliance_rows = timed("compliance", build_compliance, db)
    impact_rows = timed("impact_sentences", build_impact_sentences, db)
    verdict_rows = timed("verdict_sentences", build_verdict_sentences, db)
    boilerplate = timed("boilerplate", build_boilerplate, db)
    counts = timed("search", build_search, db)
    timed("analyze", db.execute, "ANALYZE")
    db.conn.commit()
    report.processed = sum(counts.values())
    report.extra.update({f"{table}_indexed": n for table, n in counts.items()})
    report.extra.update(
        {
            "entities": entity_rows,
            "compliance_rows": compliance_rows,
            "impact_sentences": impact_rows,
            "verdict_sentences": verdict_rows,
            **boilerplate,
            "seconds": timings,
        }
    )
    report.save(db)
    seal_for_serving(db)
    return report


def seal_for_serving(db: sqlite_utils.Database) -> None:
    """Fold the write-ahead log into the file, so Datasette can open it immutable."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode=DELETE")
