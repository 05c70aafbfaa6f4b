"""The crawl's own queries: its per-spider run detail (`crawl_runs`) and what earlier crawls stored.

Its writes of statements, fetches and documents are in db/store.py; this module holds the run record
(one `crawl_runs` row per spider of a run, joined to the run's `stage_runs` row) and the reads a spider
makes when it opens (crawler/stored.py turns them into its memory between runs).
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from db.runs import start_run
from db.schema import CRAWL_COUNTS, CRAWL_REPORT_COLUMNS
from db.store import utc_now
from vocabulary.roles import REGISTRY_PDF


def record_crawl_run(db: sqlite_utils.Database, report: dict[str, Any], version: str) -> None:
    """Store one spider's part of a crawl run: its counts as crawl_runs columns, the rest as JSON.

    The run's stage_runs row is made first when the crawl was not started by the stage's run()
    (a bare `scrapy crawl`), so the join to the runs table always finds it.
    """
    start_run(db, report["run_id"], "crawl", version, report.get("started_at") or utc_now())
    row = {
        "run_id": report["run_id"],
        "spider": report["spider"],
        "finish_reason": report.get("finish_reason"),
        **{name: report.get(name) for name in CRAWL_COUNTS},
        "failures_by_reason": json.dumps(report.get("failures_by_reason") or {}, sort_keys=True),
        "report": json.dumps(
            {k: v for k, v in report.items() if k not in CRAWL_REPORT_COLUMNS}, sort_keys=True, default=str
        ),
    }
    db["crawl_runs"].upsert(row, pk=("run_id", "spider"), alter=False)
    db.conn.commit()


SPIDER_REPORTS_SQL = """
SELECT c.*, r.started_at, r.finished_at FROM crawl_runs c JOIN stage_runs r ON r.run_id = c.run_id
WHERE c.run_id = ? ORDER BY c.spider
"""


def spider_reports(db: sqlite_utils.Database, run_id: str) -> dict[str, dict[str, Any]]:
    """Each spider's report of one crawl run, as the pipeline made it: its crawl_runs row joined to the
    run's stage_runs row (start and end), with the JSON detail unpacked."""
    reports = {}
    for row in db.query(SPIDER_REPORTS_SQL, [run_id]):
        detail = json.loads(row.pop("report") or "{}")
        row["failures_by_reason"] = json.loads(row["failures_by_reason"] or "{}")
        reports[row["spider"]] = {**detail, **row}
    return reports


def spider_run_starts(
    db: sqlite_utils.Database, spider: str, other_than: str
) -> list[tuple[str, str | None]]:
    """(started_at, finish_reason) of a spider's crawl runs other than `other_than`, oldest first."""
    sql = """SELECT r.started_at, c.finish_reason FROM crawl_runs c JOIN stage_runs r ON r.run_id = c.run_id
             WHERE c.spider = ? AND c.run_id != ? ORDER BY r.started_at, c.run_id"""
    return [(row[0], row[1]) for row in db.execute(sql, [spider, other_than])]


def fetched_documents(db: sqlite_utils.Database) -> list[tuple[str, str, str, str, str | None, str | None]]:
    """(url, document_id, media_type, path, etag, last_modified) of every URL fetched, oldest fetch first."""
    return db.execute(
        """SELECT sd.url, d.document_id, d.media_type, d.path, sd.etag, sd.last_modified
           FROM statement_documents sd JOIN documents d ON d.document_id = sd.document_id
           WHERE sd.status = 'fetched' ORDER BY sd.fetched_at"""
    ).fetchall()


def refused_bodies(db: sqlite_utils.Database) -> list[tuple[str, str, str | None, str | None]]:
    """(url, error, etag, last_modified) of failed fetches whose server sent validators with the body."""
    return db.execute(
        """SELECT url, error, etag, last_modified FROM statement_documents
           WHERE status = 'failed' AND (etag IS NOT NULL OR last_modified IS NOT NULL)
           ORDER BY fetched_at"""
    ).fetchall()


def au_registry_pdfs(db: sqlite_utils.Database) -> dict[str, str]:
    """statement_id → the registry PDF URL fetched behind each AU statement page."""
    return dict(
        db.execute(
            """SELECT statement_id, url FROM statement_documents
               WHERE role = ? AND status = 'fetched' AND statement_id LIKE 'au-%'""",
            [REGISTRY_PDF],
        ).fetchall()
    )


def au_statement_hashes(db: sqlite_utils.Database) -> dict[str, str]:
    """statement_id → metadata_hash of every AU statement."""
    return dict(
        db.execute("SELECT statement_id, metadata_hash FROM statements WHERE statement_id LIKE 'au-%'")
    )


def urls_fetched_since(db: sqlite_utils.Database, since: str) -> set[str]:
    """Document URLs with a fetch recorded at or after `since`."""
    return {
        row[0] for row in db.execute("SELECT url FROM statement_documents WHERE fetched_at >= ?", [since])
    }
