"""One stage contract: every stage is `run(db, data_dir, options) -> StageReport`, and every report is a
row of the one runs table (`stage_runs`); the crawl's per-spider counts are `crawl_runs` rows under the
same run id, and the crawl report joins the two. A schema-2 database keeps all its run rows.
"""

from __future__ import annotations

import inspect
import json
import sqlite3
from pathlib import Path

import pytest

from crawler import run as crawl_stage
from crawler.run import CRAWL_VERSION, CrawlError, CrawlOptions, crawl_report
from crawler.stored import resume_point
from db import SCHEMA_VERSION, connect
from db.crawl_sql import record_crawl_run, spider_reports
from db.runs import StageReport
from msa import build_stage, classify_stage, extract_stage
from msa.build_stage import BuildOptions
from msa.classify_stage import ClassifyOptions
from msa.demo import REPLICA_CRAWL_SETTINGS
from msa.engines import EngineOptions
from msa.extract_stage import ExtractOptions
from msa.paths import SAMPLE_CORPUS, db_path
from synthetic.replica import Replica


def stored_run(db, run_id: str) -> dict:
    return dict(next(db.query("SELECT * FROM stage_runs WHERE run_id = ?", [run_id])))


def assert_saved(db, report: StageReport, stage: str) -> None:
    """The report is its stage_runs row: same counts, failures and detail, and a finished run."""
    assert isinstance(report, StageReport) and report.stage == stage
    row = stored_run(db, report.run_id)
    assert (row["stage"], row["version"], row["started_at"]) == (stage, report.version, report.started_at)
    assert (row["processed"], row["failed"], row["skipped"]) == (
        report.processed,
        report.failed,
        report.skipped,
    )
    assert json.loads(row["failures"]) == dict(report.failures)
    assert json.loads(row["report"]) == json.loads(json.dumps(report.extra, default=str))
    assert row["finished_at"] >= row["started_at"]


def test_every_stage_runs_through_the_contract_and_saves_its_report(tmp_path):
    data_dir = tmp_path / "data"
    db = connect(db_path(data_dir))
    with Replica(SAMPLE_CORPUS) as replica:
        settings = {**REPLICA_CRAWL_SETTINGS, **replica.settings, "MSA_LIMIT": 2}
        crawled = crawl_stage.run(db, data_dir, CrawlOptions(spiders=("au_register",), settings=settings))
    one_worker = EngineOptions(workers=1)
    extracted = extract_stage.run(db, data_dir, ExtractOptions(engine=one_worker, show_progress=False))
    classified = classify_stage.run(db, data_dir, ClassifyOptions(engine=one_worker, show_progress=False))
    built = build_stage.run(db, data_dir, BuildOptions())

    assert crawled.processed == 2 and crawled.version == CRAWL_VERSION
    assert extracted.processed == db["documents"].count > 0
    assert classified.extra["sentences_labelled"] == db["labels"].count > 0
    assert built.extra["sentences_indexed"] == db["sentences"].count
    for report, stage in (
        (crawled, "crawl"),
        (extracted, "extract"),
        (classified, "classify"),
        (built, "build"),
    ):
        assert_saved(db, report, stage)
    assert [r["stage"] for r in db.query("SELECT stage FROM stage_runs ORDER BY rowid")] == [
        "crawl",
        "extract",
        "classify",
        "build",
    ]
    # The crawl report is the spiders' crawl_runs rows joined to the run's stage_runs row.
    report = crawl_report(db, crawled.run_id)
    spider = report["spiders"]["au_register"]
    run_row = stored_run(db, crawled.run_id)
    assert (spider["started_at"], spider["finished_at"]) == (run_row["started_at"], run_row["finished_at"])
    assert spider["finish_reason"] == "finished" and report["statements_seen"] == crawled.processed
    assert report["documents_failed"] == crawled.failed and report["failures_by_reason"] == dict(
        crawled.failures
    )


def test_a_crawl_that_cannot_finish_leaves_its_reason_in_the_runs_table(tmp_path):
    db = connect(tmp_path / "msa.db")
    nowhere = {"MSA_UK_DOWNLOADS_URL": "http://127.0.0.1:9", "MSA_UK_REGISTRY_URL": "http://127.0.0.1:9"}
    options = CrawlOptions(spiders=("uk_registry",), settings=nowhere, timeout=0.01)
    with pytest.raises(CrawlError, match="did not finish"):
        crawl_stage.run(db, tmp_path, options)
    (row,) = db.query("SELECT * FROM stage_runs")
    assert (row["stage"], row["failed"], json.loads(row["failures"])) == ("crawl", 1, {"timed out": 1})
    assert row["finished_at"] is not None


def test_a_crawl_report_sums_its_spiders_and_takes_its_times_from_the_runs_table(tmp_path):
    db = connect(tmp_path / "msa.db")
    run = StageReport(
        stage="crawl", version=CRAWL_VERSION, run_id="crawl-x", started_at="2026-01-01T00:00:00"
    )
    run.save(db, finished=False)
    for spider, seen, failures in (("uk_registry", 3, {"http_404": 1}), ("au_register", 2, {"http_404": 2})):
        report = {"run_id": "crawl-x", "spider": spider, "finish_reason": "finished", "statements_seen": seen}
        record_crawl_run(
            db, {**report, "failures_by_reason": failures, "requests": 7, "retries": 1}, "ignored"
        )
    assert stored_run(db, "crawl-x")["version"] == CRAWL_VERSION  # the run's own row, not remade
    combined = crawl_report(db, "crawl-x")
    assert combined["statements_seen"] == 5 and combined["requests"] == 14
    assert combined["failures_by_reason"] == {"http_404": 3}
    assert combined["spiders"]["uk_registry"]["retries"] == 1  # the detail kept as JSON comes back
    assert {s["started_at"] for s in combined["spiders"].values()} == {"2026-01-01T00:00:00"}
    assert {s["finished_at"] for s in combined["spiders"].values()} == {None}  # not finished yet
    run.save(db)
    assert {s["finished_at"] for s in crawl_report(db, "crawl-x")["spiders"].values()} == {
        stored_run(db, "crawl-x")["finished_at"]
    }


# What schema 2 made: crawl runs in a table of their own, one row per spider run; the other stages'
# runs in stage_runs with skipped and failures inside the report JSON.
SCHEMA_2_RUNS = """
CREATE TABLE crawl_runs (
    run_id TEXT PRIMARY KEY, spider TEXT NOT NULL, started_at TEXT, finished_at TEXT,
    statements_seen INTEGER, statements_new INTEGER, statements_changed INTEGER,
    documents_fetched INTEGER, documents_failed INTEGER, failures_by_reason TEXT, report TEXT
);
CREATE TABLE stage_runs (
    run_id TEXT PRIMARY KEY, stage TEXT NOT NULL, version TEXT, started_at TEXT, finished_at TEXT,
    processed INTEGER, failed INTEGER, report TEXT
);
"""


def schema_2_crawl_report(run_id: str, spider: str, started: str, reason: str | None, new: int) -> dict:
    """A spider's report as schema 2's pipeline stored it (the whole of it, as JSON, and some columns)."""
    return {
        "run_id": run_id,
        "spider": spider,
        "started_at": started,
        "finished_at": None if reason is None else started.replace("00:00", "00:05"),
        "finish_reason": reason,
        "resumed": False,
        "seconds": 300.0,
        "statements_seen": new + 1,
        "statements_new": new,
        "statements_changed": 1,
        "statements_unchanged": 0,
        "documents_fetched": 4,
        "documents_stored": 3,
        "documents_not_modified": 0,
        "documents_failed": 1,
        "documents_already_tried": 2,
        "landing_pages_followed": 0,
        "failures_by_reason": {"http_404": 1},
        "content_type_mismatches": {},
        "rows_skipped": 0,
        "skipped_rows": [],
        "registry_files": {"http://r.example/a.csv": "ok: 3 rows"},
        "requests": 9,
        "retries": 0,
        "bytes_downloaded": 1234,
        "peak_rss_mb": 80.5,
    }


def make_schema_2_db(path: Path) -> list[dict]:
    old = [
        schema_2_crawl_report("r1-uk_registry", "uk_registry", "2026-01-01T00:00:00+00:00", "finished", 5),
        schema_2_crawl_report("r2-uk_registry", "uk_registry", "2026-01-02T00:00:00+00:00", None, 2),
        schema_2_crawl_report("r2-au_register", "au_register", "2026-01-02T00:00:00+00:00", "shutdown", 1),
    ]
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_2_RUNS)
    for report in old:
        conn.execute(
            "INSERT INTO crawl_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                *(report[k] for k in ("run_id", "spider", "started_at", "finished_at", "statements_seen")),
                *(report[k] for k in ("statements_new", "statements_changed", "documents_fetched")),
                report["documents_failed"],
                json.dumps(report["failures_by_reason"], sort_keys=True),
                json.dumps(report, sort_keys=True),
            ],
        )
    extract_report = {"skipped": 0, "failures": {"timed out after 120 s": 1}, "pages": 12, "sentences": 340}
    conn.execute(
        "INSERT INTO stage_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ["extract-1", "extract", "extract-9", "2026-01-03", "2026-01-04", 5, 1, json.dumps(extract_report)],
    )
    conn.commit()
    conn.close()
    return old


def test_a_schema_2_database_keeps_every_run_row(tmp_path):
    path = tmp_path / "msa.db"
    old = make_schema_2_db(path)
    db = connect(path)
    connect(path).conn.close()  # a second open finds nothing more to migrate

    assert db.execute("SELECT value FROM schema_info WHERE key = 'schema_version'").fetchone()[0] == str(
        SCHEMA_VERSION
    )
    assert [
        name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'crawl_runs%'")
    ] == ["crawl_runs"]
    for report in old:
        # Each old spider run is a crawl run of its own: its times and counts in stage_runs ...
        row = stored_run(db, report["run_id"])
        assert (row["stage"], row["started_at"], row["finished_at"]) == (
            "crawl",
            report["started_at"],
            report["finished_at"],
        )
        assert (row["processed"], row["failed"], row["skipped"]) == (
            report["statements_seen"],
            report["documents_failed"],
            report["documents_already_tried"],
        )
        assert json.loads(row["failures"]) == report["failures_by_reason"]
        # ... and the crawl report joined back from both tables is the one the old pipeline stored.
        assert spider_reports(db, report["run_id"]) == {report["spider"]: report}
    extract = stored_run(db, "extract-1")
    assert (extract["processed"], extract["failed"], extract["skipped"]) == (5, 1, 0)
    assert json.loads(extract["failures"]) == {"timed out after 120 s": 1}
    assert json.loads(extract["report"]) == {"pages": 12, "sentences": 340}
    # The resume logic reads the migrated runs: uk's last run was killed, au's stopped cleanly.
    assert resume_point(db, "uk_registry", "now") == "2026-01-02T00:00:00+00:00"
    assert resume_point(db, "au_register", "now") == "2026-01-02T00:00:00+00:00"


@pytest.mark.parametrize("stage", [crawl_stage, extract_stage, classify_stage, build_stage])
def test_every_stage_module_has_the_one_run_signature(stage):
    params = list(inspect.signature(stage.run).parameters)
    assert params == ["db", "data_dir", "options"]
    assert inspect.signature(stage.run).return_annotation in ("StageReport", StageReport)
