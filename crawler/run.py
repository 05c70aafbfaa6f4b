"""Run spiders from Python and get the crawl report back: `crawl(["uk_registry", "au_register"], "data")`.

Twisted's reactor cannot be restarted within a process, so each call runs the crawl in a fresh child
process (multiprocessing, spawn context) and reads the report back from the `crawl_runs` rows the
child's pipelines wrote. That makes `crawl` safe to call any number of times from one process (the
CLI, tests, a notebook). As with any spawn-based multiprocessing, a script that calls it needs the
`if __name__ == "__main__":` guard, and code piped to `python -` cannot use it.

Resumable: each spider gets a JOBDIR under `<data>/jobs/{spider}`. A crawl stopped cleanly (Ctrl-C,
SIGTERM: Scrapy finishes the requests in flight and saves its queue) leaves it with a `clean-stop`
mark, and the next call resumes from its queue. A crawl killed outright (SIGKILL, a lost machine)
leaves a queue that cannot be trusted: the next call discards it and starts over. Either way the
resumed spiders skip the document URLs the interrupted run already recorded in the database
(crawler/stored.py), so no document is fetched twice. A finished crawl removes its JOBDIR.
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
import sys
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from db.schema import connect

SPIDERS = ("uk_registry", "au_register")
SUMMED = (
    "statements_seen",
    "statements_new",
    "statements_changed",
    "statements_unchanged",
    "documents_fetched",
    "documents_stored",
    "documents_not_modified",
    "documents_failed",
    "documents_already_tried",
    "landing_pages_followed",
    "rows_skipped",
    "requests",
)
# Written into a JOBDIR by a crawl that stopped cleanly: its queue on disk is complete.
CLEAN_STOP = "clean-stop"


class CrawlError(RuntimeError):
    """The crawl process failed before it could report (bad settings, a crash): see its log."""


def crawl(
    spiders: Sequence[str] = SPIDERS,
    data_dir: str | Path = "data",
    settings_overrides: Mapping[str, Any] | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Crawl with the given spiders into `data_dir`; returns the combined crawl report.

    `settings_overrides` are Scrapy settings (e.g. `{"MSA_YEARS": "2024", "MSA_LIMIT": 20,
    "MSA_UK_DOWNLOADS_URL": ...}`) and win over the environment and crawler/settings.py. The report
    has the summed counts, `failures_by_reason` ({category: count}), and one report per spider
    under `spiders` (also stored as `crawl_runs` rows).
    """
    unknown = [name for name in spiders if name not in SPIDERS]
    if unknown or not spiders:
        raise ValueError(f"unknown spider(s) {unknown}; choose from {list(SPIDERS)}")
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
    context = multiprocessing.get_context("spawn")
    child = context.Process(
        target=_crawl_in_child,
        args=(list(spiders), str(data_dir), dict(settings_overrides or {}), run_id),
        name=f"msa-crawl-{run_id}",
    )
    child.start()
    try:
        child.join(timeout)
    except KeyboardInterrupt:
        child.join(30)  # the child got the same Ctrl-C and is closing its spiders
        raise
    if child.is_alive():
        child.terminate()
        child.join(10)
        raise CrawlError(f"crawl {run_id} did not finish within {timeout} s")
    reports = _read_reports(data_dir, run_id, spiders)
    missing = [name for name in spiders if name not in reports]
    if missing:
        raise CrawlError(f"crawl {run_id} exited with code {child.exitcode} and no report from {missing}")
    return combine_reports(run_id, data_dir, reports)


def combine_reports(run_id: str, data_dir: Path, reports: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One report for the whole call: counts summed over spiders, the spiders' own reports kept."""
    failures: Counter[str] = Counter()
    for report in reports.values():
        failures.update(report.get("failures_by_reason") or {})
    combined: dict[str, Any] = {"run_id": run_id, "data_dir": str(data_dir)}
    for key in SUMMED:
        combined[key] = sum(int(report.get(key) or 0) for report in reports.values())
    combined["failures_by_reason"] = dict(sorted(failures.items()))
    combined["finish_reasons"] = {name: report.get("finish_reason") for name, report in reports.items()}
    combined["spiders"] = reports
    return combined


def report_lines(report: dict[str, Any]) -> list[str]:
    """The crawl report in a few lines for a person: statements, documents, failures by reason."""
    lines = [
        f"statements: {report['statements_seen']} seen, {report['statements_new']} new, "
        f"{report['statements_changed']} changed, {report['statements_unchanged']} unchanged",
        f"documents: {report['documents_fetched']} fetched ({report['documents_stored']} new), "
        f"{report['documents_not_modified']} not modified, {report['documents_failed']} failed, "
        f"{report['documents_already_tried']} already tried before an interruption",
    ]
    if failures := report.get("failures_by_reason"):
        lines.append("failed by reason: " + ", ".join(f"{why} {count}" for why, count in failures.items()))
    for name, spider in (report.get("spiders") or {}).items():
        for url, outcome in (spider.get("registry_files") or {}).items():
            lines.append(f"{name} {url}: {outcome}")
        if spider.get("finish_reason") != "finished":
            lines.append(f"{name} stopped ({spider.get('finish_reason')}): run again to resume")
    return lines


def prepare_jobdir(jobdir: Path) -> bool:
    """Make `jobdir` ready for a run; True when a previous run was interrupted (this one resumes).

    A cleanly stopped run's queue is kept; a killed run's is discarded (its queue files and seen-request
    log are not flushed, so they would lose or repeat requests, or filter out the registry files). The
    clean-stop mark is removed either way: only this run's own clean stop may write it again.
    """
    if not jobdir.exists():
        return False
    mark = jobdir / CLEAN_STOP
    if mark.exists():
        mark.unlink()
    else:
        shutil.rmtree(jobdir, ignore_errors=True)
    return True


def spider_run_id(run_id: str, spider: str) -> str:
    return f"{run_id}-{spider}"


def _read_reports(data_dir: Path, run_id: str, spiders: Sequence[str]) -> dict[str, dict[str, Any]]:
    db = connect(data_dir / "msa.db")
    try:
        reports = {}
        for name in spiders:
            row = db.execute(
                "SELECT report FROM crawl_runs WHERE run_id = ?", [spider_run_id(run_id, name)]
            ).fetchone()
            if row:
                reports[name] = json.loads(row[0])
        return reports
    finally:
        db.conn.close()


def _crawl_in_child(spiders: list[str], data_dir: str, overrides: dict[str, Any], run_id: str) -> None:
    """Child process: run the spiders side by side, each with its own JOBDIR under `<data>/jobs/`."""
    from scrapy.crawler import AsyncCrawlerProcess, Crawler
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(overrides, priority="cmdline")
    settings.set("MSA_DATA_DIR", data_dir, priority="cmdline")
    process = AsyncCrawlerProcess(settings)
    crawlers: list[tuple[Crawler, Path | None]] = []
    for name in spiders:
        spider_settings = settings.copy()
        spider_settings.set("MSA_RUN_ID", spider_run_id(run_id, name), priority="cmdline")
        jobdir = None
        if "JOBDIR" not in overrides:  # JOBDIR=None in the overrides turns resumability off
            jobdir = Path(data_dir) / "jobs" / name
            spider_settings.set("MSA_RESUMING", prepare_jobdir(jobdir), priority="cmdline")
            spider_settings.set("JOBDIR", str(jobdir), priority="cmdline")
        crawler = Crawler(process.spider_loader.load(name), spider_settings)
        crawlers.append((crawler, jobdir))
        process.crawl(crawler)
    process.start()
    for crawler, jobdir in crawlers:
        if jobdir is None or not jobdir.exists():
            continue
        # A finished crawl's JOBDIR would make the next one skip every request it has seen; an
        # interrupted one keeps it, marked clean, so the next run resumes where this one stopped.
        reason = crawler.stats.get_value("finish_reason")
        if reason == "finished":
            shutil.rmtree(jobdir, ignore_errors=True)
        elif reason:  # closed properly (not forced by a second Ctrl-C): its queue was saved
            (jobdir / CLEAN_STOP).write_text(f"{reason}\n")
    if process.bootstrap_failed:
        sys.exit(1)
