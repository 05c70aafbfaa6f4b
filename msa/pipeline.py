"""The whole pipeline in order: crawl, extract, classify, build.

Every stage is `run(db, data_dir, options) -> StageReport` and stores its report in `stage_runs`.
Each reads what the previous one wrote to the database, so any stage can also be run on its own and
a re-run does only new work.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from crawler import run as crawl_stage
from crawler.run import CrawlOptions
from db import connect
from msa import build_stage, classify_stage, extract_stage
from msa.build_stage import BuildOptions
from msa.classify_stage import ClassifyOptions
from msa.engines import DEFAULT_ENGINE, EngineOptions
from msa.extract_stage import ExtractOptions
from msa.paths import db_path


def run_stages(
    data_dir: Path,
    *,
    ocr: bool = False,
    engine: EngineOptions = DEFAULT_ENGINE,
    show_progress: bool = True,
) -> Iterator[str]:
    """Extract, classify (both with `engine`) and build what the crawl stored; yields one line per stage."""
    db = connect(db_path(data_dir))
    extract = ExtractOptions(ocr=ocr, engine=engine, show_progress=show_progress)
    yield extract_stage.run(db, data_dir, extract).line()
    yield classify_stage.run(db, data_dir, ClassifyOptions(engine=engine, show_progress=show_progress)).line()
    yield build_stage.run(db, data_dir, BuildOptions()).line()


def run_pipeline(
    data_dir: Path,
    crawl: CrawlOptions,
    *,
    ocr: bool = False,
    engine: EngineOptions = DEFAULT_ENGINE,
    show_progress: bool = True,
) -> Iterator[str]:
    """Crawl as `crawl` says, then every later stage; yields progress lines."""
    db = connect(db_path(data_dir))
    report = crawl_stage.run(db, data_dir, crawl)
    lines = crawl_stage.report_lines(crawl_stage.crawl_report(db, report.run_id))
    db.conn.close()  # the build seals the file, which takes every other connection closed
    yield "crawl: " + "; ".join(lines)
    yield from run_stages(data_dir, ocr=ocr, engine=engine, show_progress=show_progress)
