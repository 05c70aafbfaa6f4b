"""Build stage: make the database ready to publish (derived tables, search indexes, statistics).

Everything here is derived from what crawl, extract and classify stored and is rebuilt from
scratch on every run, so a build is repeatable and the earlier stages' writes stay fast (no FTS
triggers, no summary tables kept in step). Order matters: `entities` comes first (statement_changes
reads which entity a statement is by), then `statement_timeliness` (the compliance table carries its
flags), then `compliance`, which the impact, verdict, boilerplate and statement_changes tables read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from db.build_sql import analyze, create_publish_indexes, seal_for_serving
from db.runs import StageReport
from publish.boilerplate import build_boilerplate
from publish.changes import build_statement_changes
from publish.compliance import build_compliance
from publish.entities import build_entities
from publish.impact import build_impact_sentences
from publish.search import build_name_search, build_sentence_search
from publish.timeliness import build_statement_timeliness
from publish.verdicts import build_verdict_sentences

BUILD_VERSION = "build-3"


@dataclass(frozen=True)
class BuildOptions:
    """The build has no switches: it rebuilds everything it derives, every time."""


def build_search(db: sqlite_utils.Database) -> dict[str, int]:
    """Rebuild every full-text index; returns rows indexed per table."""
    return {"sentences": build_sentence_search(db), **build_name_search(db)}


def run(db: sqlite_utils.Database, data_dir: Path, options: BuildOptions = BuildOptions()) -> StageReport:
    """Rebuild derived tables, search indexes and planner statistics; returns the stage report.

    Reads and writes only the database (`data_dir` is the stage contract's).
    """
    report = StageReport(stage="build", version=BUILD_VERSION)
    timings: dict[str, float] = {}

    def timed(name: str, fn, *args):
        start = time.perf_counter()
        result = fn(*args)
        timings[name] = round(time.perf_counter() - start, 2)
        return result

    timed("indexes", create_publish_indexes, db)
    entity_rows = timed("entities", build_entities, db)
    timeliness_rows = timed("statement_timeliness", build_statement_timeliness, db)
    compliance_rows = timed("compliance", build_compliance, db)
    impact_rows = timed("impact_sentences", build_impact_sentences, db)
    verdict_rows = timed("verdict_sentences", build_verdict_sentences, db)
    boilerplate = timed("boilerplate", build_boilerplate, db)
    changes = timed("statement_changes", build_statement_changes, db)
    counts = timed("search", build_search, db)
    timed("analyze", analyze, db)
    db.conn.commit()
    report.processed = sum(counts.values())
    report.extra.update({f"{table}_indexed": n for table, n in counts.items()})
    report.extra.update(
        {
            "entities": entity_rows,
            "statement_timeliness_rows": timeliness_rows,
            "compliance_rows": compliance_rows,
            "impact_sentences": impact_rows,
            "verdict_sentences": verdict_rows,
            **boilerplate,
            **changes,
            "seconds": timings,
        }
    )
    report.save(db)
    seal_for_serving(db)
    return report
