"""The crawl stage: `run(db, data_dir, CrawlOptions(spiders=("uk_registry", "au_register")))`.

Twisted's reactor cannot be restarted within a process, so each run crawls in a fresh child process
(multiprocessing, spawn context). The run's `stage_runs` row is written before the child starts; the
child's pipelines write one `crawl_runs` row per spider under the same run_id (db/crawl_sql.py), and the
crawl report is those rows joined to the run's. That makes `run` safe to call any number of times from one
process (the CLI, tests, a notebook). As with any spawn-based multiprocessing, a script that calls it needs
the `if __name__ == "__main__":` guard, and code piped to `python -` cannot use it.

Resumable: each spider gets a JOBDIR under `<data>/jobs/{spider}`. A crawl stopped cleanly (Ctrl-C,
SIGTERM: Scrapy finishes the requests in flight and saves its queue) leaves it with a `clean-stop`
mark, and the next call resumes from its queue. A crawl killed outright (SIGKILL, a lost machine)
leaves a queue that cannot be trusted: the next call discards it and starts over. Either way the
resumed spiders skip the document URLs the interrupted run already recorded in the database
(crawler/stored.py), so no document is fetched twice. A finished crawl removes its JOBDIR.
"""

from __future__ import annotations

import multiprocessing
import shutil
import sys
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from db.crawl_sql import spider_reports
from db.runs import StageReport
from db.schema import CRAWL_COUNTS, connect

SPIDERS = ("uk_registry", "au_register")
# The crawl's version in stage_runs: bump it when what a crawl stores changes.
CRAWL_VERSION = "crawl-1"
# Written into a JOBDIR by a crawl that stopped cleanly: its queue on disk is complete.
CLEAN_STOP = "clean-stop"


class CrawlError(RuntimeError):
    """The crawl process failed before it could report (bad settings, a crash): see its log."""


@dataclass(frozen=True)
class CrawlOptions:
    """What to crawl: which spiders, which UK registry years and how many statements per spider (None:
    the spiders' defaults), extra Scrapy settings, and how long to wait for the crawl (None: no limit).

    `settings` are Scrapy settings (e.g. `{"MSA_UK_DOWNLOADS_URL": ...}`) and win over the environment
    and crawler/settings.py; `years` and `limit` win over `settings`.
    """

    spiders: tuple[str, ...] = SPIDERS
    years: tuple[int, ...] | None = None
    limit: int | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    timeout: float | None = None

    def scrapy_settings(self) -> dict[str, Any]:
        """The options as the Scrapy settings the spiders read (MSA_YEARS, MSA_LIMIT, extras)."""
        overrides: dict[str, Any] = dict(self.settings)
        if self.years:
            overrides["MSA_YEARS"] = ",".join(str(y) for y in self.years)
        if self.limit is not None:
            overrides["MSA_LIMIT"] = self.limit
        return overrides


def run(
    db: sqlite_utils.Database, data_dir: str | Path, options: CrawlOptions = CrawlOptions()
) -> StageReport:
    """Crawl with the given spiders into `data_dir` (whose msa.db `db` is); returns the stage report.

    The report counts statements seen (processed), documents that failed (by reason) and documents
    already tried before an interruption (skipped); `crawl_report(db, report.run_id)` has the whole
    crawl report. Raises CrawlError when the crawl process fails before reporting (the run's row
    then records why).
    """
    unknown = [name for name in options.spiders if name not in SPIDERS]
    if unknown or not options.spiders:
        raise ValueError(f"unknown spider(s) {unknown}; choose from {list(SPIDERS)}")
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    run_id = f"crawl-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
    report = StageReport(stage="crawl", version=CRAWL_VERSION, run_id=run_id)
    report.save(db, finished=False)  # a run killed with its child leaves this row unfinished
    context = multiprocessing.get_context("spawn")
    child = context.Process(
        target=_crawl_in_child,
        args=(list(options.spiders), str(data_dir), options.scrapy_settings(), run_id),
        name=f"msa-crawl-{run_id}",
    )
    child.start()
    try:
        child.join(options.timeout)
    except KeyboardInterrupt:
        child.join(30)  # the child got the same Ctrl-C and is closing its spiders
        finish_report(db, report)
        raise
    if child.is_alive():
        child.terminate()
        child.join(10)
        finish_report(db, report, f"timed out: the crawl did not finish within {options.timeout} s")
        raise CrawlError(f"crawl {run_id} did not finish within {options.timeout} s")
    missing = [name for name in options.spiders if name not in spider_reports(db, run_id)]
    if missing:
        why = f"crawl process failed: exit code {child.exitcode} and no report from {missing}"
        finish_report(db, report, why)
        raise CrawlError(f"crawl {run_id} exited with code {child.exitcode} and no report from {missing}")
    finish_report(db, report)
    return report


def finish_report(db: sqlite_utils.Database, report: StageReport, error: str | None = None) -> None:
    """Fill the stage report from what the spiders stored under its run_id, and save it finished."""
    combined = crawl_report(db, report.run_id)
    report.processed = combined["statements_seen"]
    report.failed = combined["documents_failed"]
    report.skipped = combined["documents_already_tried"]
    report.failures = Counter(combined["failures_by_reason"])
    if error:
        report.fail(error)
    report.save(db)


def crawl_report(db: sqlite_utils.Database, run_id: str) -> dict[str, Any]:
    """The crawl report of one run: its spiders' crawl_runs rows joined to its stage_runs row, combined
    (spiders in SPIDERS order)."""
    reports = spider_reports(db, run_id)
    order = {name: i for i, name in enumerate(SPIDERS)}
    return combine_reports(
        run_id, dict(sorted(reports.items(), key=lambda item: order.get(item[0], len(order))))
    )


def crawl(
    spiders: Sequence[str] = SPIDERS,
    data_dir: str | Path = "data",
    settings_overrides: Mapping[str, Any] | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """`run` these spiders into `data_dir`'s database and return the crawl report it stored (for tests,
    benchmarks and notebooks, which read the crawler's own counts)."""
    db = connect(Path(data_dir) / "msa.db")
    try:
        options = CrawlOptions(
            spiders=tuple(spiders), settings=dict(settings_overrides or {}), timeout=timeout
        )
        return crawl_report(db, run(db, data_dir, options).run_id)
    finally:
        db.conn.close()


def combine_reports(run_id: str, reports: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One report for the whole run: counts summed over spiders, the spiders' own reports kept."""
    failures: Counter[str] = Counter()
    for report in reports.values():
        failures.update(report.get("failures_by_reason") or {})
    combined: dict[str, Any] = {"run_id": run_id}
    for key in CRAWL_COUNTS:
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
        spider_settings.set("MSA_RUN_ID", run_id, priority="cmdline")
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
