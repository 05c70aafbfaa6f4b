"""The whole pipeline in order: crawl, extract, classify, build.

Each stage reads what the previous one wrote to the database, so any stage
can also be run on its own and a re-run does only new work.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crawler.run import crawl, report_lines
from db import connect
from msa.build_stage import run_build
from msa.classify_stage import run_classify
from msa.engines import DEFAULT_ENGINE, EngineOptions
from msa.extract_stage import ExtractOptions, run_extract
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
    options = ExtractOptions(ocr=ocr)
    yield run_extract(db, data_dir, options, engine=engine, show_progress=show_progress).line()
    yield run_classify(db, engine=engine, show_progress=show_progress).line()
    yield run_build(db).line()


def crawl_overrides(
    years: list[int] | None, limit: int | None, settings: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Pipeline options → the Scrapy settings the spiders read (MSA_YEARS, MSA_LIMIT, extras)."""
    overrides: dict[str, Any] = dict(settings or {})
    if years:
        overrides["MSA_YEARS"] = ",".join(str(y) for y in years)
    if limit is not None:
        overrides["MSA_LIMIT"] = limit
    return overrides


def run_pipeline(
    data_dir: Path,
    spiders: list[str],
    *,
    years: list[int] | None = None,
    limit: int | None = None,
    ocr: bool = False,
    settings: dict[str, str | int] | None = None,
    engine: EngineOptions = DEFAULT_ENGINE,
    show_progress: bool = True,
) -> Iterator[str]:
    """Crawl with the given spiders, then every later stage; yields progress lines."""
    report = crawl(spiders, data_dir=data_dir, settings_overrides=crawl_overrides(years, limit, settings))
    yield "crawl: " + "; ".join(report_lines(report))
    yield from run_stages(data_dir, ocr=ocr, engine=engine, show_progress=show_progress)
