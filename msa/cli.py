"""The `msa` command line: a thin skin over the stage runners.

Every command is one library call; options only choose paths and switches.
Heavy imports happen inside commands so `msa --help` stays instant.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from crawler.run import CrawlOptions
from msa.engines.options import DEFAULT_BATCH_SIZE, ENGINES, EngineOptions
from msa.paths import DEFAULT_DATA_DIR, db_path
from msa.serve import serve as run_serve
from vocabulary.pdf_backends import DEFAULT_PDF_BACKEND, PDF_BACKENDS

SPIDERS = {"uk": ["uk_registry"], "au": ["au_register"], "all": ["uk_registry", "au_register"]}

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DATA_DIR,
    show_default=True,
    help="Where msa.db and the document store live.",
)
quiet_option = click.option("--quiet", is_flag=True, help="No progress bars.")
backend_option = click.option(
    "--backend",
    type=click.Choice(PDF_BACKENDS),
    default=DEFAULT_PDF_BACKEND,
    show_default=True,
    help="The PDF reader: pdfium, pdfplumber, or auto (pdfium, pdfplumber for garbled pages).",
)


def parse_years(value: str | None) -> list[int] | None:
    """'2021,2023' or '2020-2022' → a list of years (None: the spider's default)."""
    if not value:
        return None
    years: list[int] = []
    for part in value.split(","):
        part = part.strip()
        if "-" in part:
            start, end = (int(x) for x in part.split("-", 1))
            years.extend(range(start, end + 1))
        elif part:
            years.append(int(part))
    return years


def crawl_options(
    spiders: list[str], years: str | None, limit: int | None, settings: tuple[str, ...] = ()
) -> CrawlOptions:
    """CLI options → the crawl stage's options (years, limit, extra Scrapy settings NAME=VALUE)."""
    parsed = parse_years(years)
    return CrawlOptions(
        spiders=tuple(spiders),
        years=tuple(parsed) if parsed else None,
        limit=limit,
        settings=dict(s.split("=", 1) for s in settings),
    )


@click.group()
@click.version_option(package_name="msa")
def main() -> None:
    """msa: collect, extract, classify and publish Modern Slavery Act statements."""


@main.command()
@click.argument("registry", type=click.Choice(sorted(SPIDERS)))
@click.option("--years", help="Registry years, e.g. 2021,2022 or 2020-2026 (UK only).")
@click.option("--limit", type=int, help="Stop after this many statements per registry.")
@data_dir_option
@click.option("--setting", "settings", multiple=True, help="Extra Scrapy setting NAME=VALUE (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole crawl report as JSON.")
def crawl(
    registry: str,
    years: str | None,
    limit: int | None,
    data_dir: Path,
    settings: tuple[str, ...],
    as_json: bool,
) -> None:
    """Crawl the UK registry, the AU register, or both, into the database.

    Logs a progress line every MSA_PROGRESS_SECONDS; ends with the crawl report (also stored in the
    stage_runs and crawl_runs tables). An interrupted crawl (Ctrl-C) resumes when run again.
    """
    from crawler import run as crawl_stage  # lazy: Scrapy and sqlite-utils
    from db import connect  # lazy: sqlite-utils

    db = connect(db_path(data_dir))
    try:
        run_id = crawl_stage.run(
            db, data_dir, crawl_options(SPIDERS[registry], years, limit, settings)
        ).run_id
        report = crawl_stage.crawl_report(db, run_id)
    except KeyboardInterrupt:
        click.echo("crawl interrupted: run the same command again to resume it", err=True)
        sys.exit(130)
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True, default=str))
    else:
        click.echo("\n".join(crawl_stage.report_lines(report)))


ENGINE_OPTIONS = (
    click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="local",
        show_default=True,
        help="local: worker processes here; ray: Ray actors (a cluster with --address, else a local Ray).",
    ),
    click.option(
        "--workers",
        type=click.IntRange(min=1),
        help="Workers (default: every core; ray: every CPU of the cluster).",
    ),
    click.option("--address", help="Ray cluster address, e.g. ray://head:10001 or auto (ray engine)."),
    click.option(
        "--batch-size",
        type=click.IntRange(min=1),
        default=DEFAULT_BATCH_SIZE,
        show_default=True,
        help="Documents per write transaction (bounds the results held in memory).",
    ),
)


def engine_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add the engine options to a command, which receives them as one EngineOptions `engine`."""

    @functools.wraps(command)
    def with_engine(
        *args: object,
        engine: str,
        workers: int | None,
        address: str | None,
        batch_size: int,
        **kwargs: object,
    ) -> None:
        options = EngineOptions(engine=engine, workers=workers, batch_size=batch_size, address=address)
        command(*args, engine=options, **kwargs)

    for option in reversed(ENGINE_OPTIONS):
        with_engine = option(with_engine)
    return with_engine


@main.command()
@data_dir_option
@backend_option
@click.option("--ocr", is_flag=True, help="OCR image-only PDFs with Tesseract.")
@click.option("--force", is_flag=True, help="Re-extract every document.")
@click.option(
    "--retry-failed",
    is_flag=True,
    help="Also retry every failed document (transient failures are retried anyway, up to 3 times).",
)
@click.option("--limit", type=int)
@quiet_option
@engine_options
def extract(
    data_dir: Path,
    backend: str,
    ocr: bool,
    force: bool,
    retry_failed: bool,
    limit: int | None,
    quiet: bool,
    engine: EngineOptions,
) -> None:
    """Extract pages and sentences from every pending document, in parallel over documents."""
    from db import connect  # lazy: sqlite-utils
    from msa import extract_stage  # lazy: spaCy and the PDF backends

    options = extract_stage.ExtractOptions(
        backend=backend,
        ocr=ocr,
        force=force,
        retry_failed=retry_failed,
        engine=engine,
        limit=limit,
        show_progress=not quiet,
    )
    report = extract_stage.run(connect(db_path(data_dir)), data_dir, options)
    click.echo(report.line())


@main.command()
@data_dir_option
@click.option("--force", is_flag=True, help="Relabel every sentence and resummarise every statement.")
@quiet_option
@engine_options
def classify(data_dir: Path, force: bool, quiet: bool, engine: EngineOptions) -> None:
    """Label sentences (in parallel over documents) and summarise statements."""
    from db import connect  # lazy: sqlite-utils
    from msa import classify_stage  # lazy: scipy and the models

    options = classify_stage.ClassifyOptions(force=force, engine=engine, show_progress=not quiet)
    report = classify_stage.run(connect(db_path(data_dir)), data_dir, options)
    click.echo(report.line())


@main.command()
@data_dir_option
def build(data_dir: Path) -> None:
    """Build search indexes and seal the database for serving."""
    from db import connect  # lazy: sqlite-utils
    from msa import build_stage  # lazy: sqlite-utils and scipy

    report = build_stage.run(connect(db_path(data_dir)), data_dir, build_stage.BuildOptions())
    click.echo(report.line())
    click.echo(f"Database: {db_path(data_dir).resolve()}")


@main.command()
@data_dir_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option(
    "--allow-robots", is_flag=True, help="Let search engines crawl (robots.txt blocks them by default)."
)
@click.option(
    "--metadata",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Another Datasette metadata file (default: the repository's datasette_metadata.json).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes serving the port (default: one per CPU, at most 4).",
)
def serve(
    data_dir: Path, host: str, port: int, allow_robots: bool, metadata: Path | None, workers: int | None
) -> None:
    """Serve the corpus with Datasette (read-only, immutable)."""
    path = db_path(data_dir)
    if not path.exists():
        raise click.ClickException(f"{path} does not exist: run `msa run` or `msa demo` first")
    extra = {"metadata": metadata} if metadata else {}
    sys.exit(run_serve(path, host=host, port=port, allow_robots=allow_robots, workers=workers, **extra))


@main.command()
@click.argument("registry", type=click.Choice(sorted(SPIDERS)), default="all")
@click.option("--years", help="Registry years, e.g. 2021,2022 or 2020-2026 (UK only).")
@click.option("--limit", type=int, help="Stop after this many statements per registry.")
@data_dir_option
@click.option("--ocr", is_flag=True, help="OCR image-only PDFs with Tesseract.")
@quiet_option
@engine_options
def run(
    registry: str,
    years: str | None,
    limit: int | None,
    data_dir: Path,
    ocr: bool,
    quiet: bool,
    engine: EngineOptions,
) -> None:
    """Crawl, extract, classify and build: the whole pipeline (extract and classify with --engine)."""
    from msa.pipeline import run_pipeline  # lazy: spaCy, the models and Scrapy

    for line in run_pipeline(
        data_dir,
        crawl_options(SPIDERS[registry], years, limit),
        ocr=ocr,
        engine=engine,
        show_progress=not quiet,
    ):
        click.echo(line)
    click.echo(f"Database: {db_path(data_dir).resolve()}")


@main.command()
@data_dir_option
@click.option("--serve/--no-serve", "do_serve", default=True, help="Serve Datasette when done.")
@click.option("--port", default=8001, show_default=True, type=int)
@quiet_option
def demo(data_dir: Path, do_serve: bool, port: int, quiet: bool) -> None:
    """The whole pipeline on the embedded sample corpus, against a local replica of both registries."""
    from msa.demo import run_demo  # lazy: spaCy, the models and Scrapy

    run_demo(data_dir, serve=do_serve, port=port, show_progress=not quiet)


@main.command()
@click.option(
    "--input", "input_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--output", "output_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@quiet_option
def label(input_path: Path, output_path: Path, quiet: bool) -> None:
    """Label a CSV of sentences (statement_id, sentence_idx, sentence) with both label layers."""
    from msa.label_csv import LabelInputError, label_csv  # lazy: scipy and the models

    try:
        n = label_csv(input_path, output_path, show_progress=not quiet)
    except LabelInputError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"labelled {n} rows → {output_path}", err=True)


@main.command()
@click.option("--file", "path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_dir_option
@click.option("--build/--no-build", "rebuild", default=True, help="Rebuild the published tables if built.")
def correct(path: Path, data_dir: Path, rebuild: bool) -> None:
    """Store readers' corrections (CSV: sentence_id, field, value, reason, who) and apply them.

    Every row is checked first: on any error nothing is stored and every error is printed. The
    statements the corrections touch are summarised again and the published tables rebuilt.
    """
    from db import connect  # lazy: sqlite-utils
    from msa.correct import run_correct  # lazy: sqlite-utils and, to re-summarise, the classifier
    from msa.corrections_csv import CorrectionsError  # lazy: read only by this command

    database = db_path(data_dir)
    if not database.exists():
        raise click.ClickException(f"{database} does not exist: run `msa run` or `msa demo` first")
    try:
        report = run_correct(connect(database), path, rebuild=rebuild)
    except CorrectionsError as exc:
        for error in exc.errors:
            click.echo(error, err=True)
        click.echo(f"{len(exc.errors)} error(s): nothing stored", err=True)
        sys.exit(1)
    for line in report.lines():
        click.echo(line)


@main.command("extract-doc")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@backend_option
@click.option("--ocr", is_flag=True)
def extract_doc(files: tuple[Path, ...], backend: str, ocr: bool) -> None:
    """Print one JSON object per sentence (file, page, kind, text) for each file, in order.

    Exits with status 1 when no file could be extracted.
    """
    from extract.cli_output import sentence_records  # lazy: spaCy and the PDF backends
    from msa.extract_files import extract_files  # lazy: spaCy and the PDF backends
    from msa.extract_stage import ExtractOptions  # lazy: spaCy and the PDF backends

    out = sys.stdout
    extracted = 0
    for name, doc in extract_files(list(files), ExtractOptions(backend=backend, ocr=ocr)):
        extracted += doc.status != "error"
        for record in sentence_records(name, doc):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    if not extracted:
        click.echo(f"extract-doc: every file failed ({len(files)})", err=True)
        sys.exit(1)


@main.command()
@click.argument("model", type=click.Choice(["criteria", "evidence"]))
@click.option(
    "--output", type=click.Path(file_okay=False, path_type=Path), help="Where to write the weights."
)
@click.option("--shared", type=click.Path(file_okay=False, path_type=Path), help="The shared data folder.")
@click.option(
    "--corrections",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An msa database whose readers' corrections (msa correct) join the training labels "
    "(source 'correction', grouped by statement in CV).",
)
def train(model: str, output: Path | None, shared: Path | None, corrections: Path | None) -> None:
    """Train a classifier from ../shared and write its weights (reproduces the committed ones)."""
    if model == "criteria":
        from training.criteria_train import TrainConfig, train_criteria  # lazy: torch

        cfg = TrainConfig(corrections=str(corrections) if corrections else None)
        report = train_criteria(out_dir=output, shared=shared, cfg=cfg)
        click.echo(
            json.dumps(
                report.get("macro", report) if isinstance(report, dict) else report, indent=2, default=str
            )
        )
    else:
        from training.evidence_train import MODEL_DIR  # lazy: sklearn, pandas
        from training.evidence_train import train as train_evidence  # lazy: sklearn, pandas

        for path in train_evidence(shared, output or MODEL_DIR, corrections=corrections):
            click.echo(f"{path} {path.stat().st_size / 1e6:.2f} MB")


@main.command()
@click.argument("model", type=click.Choice(["criteria", "evidence"]))
@click.option("--shared", type=click.Path(file_okay=False, path_type=Path), help="The shared data folder.")
@click.option("--saved", is_flag=True, help="Criteria: print the report saved by the last training instead.")
def evaluate(model: str, shared: Path | None, saved: bool) -> None:
    """Cross-validate a classifier, grouped by statement, and print per-label scores."""
    if model == "criteria":
        from training.criteria_eval import evaluate_criteria, saved_report_text  # lazy: sklearn, pandas

        click.echo(saved_report_text() if saved else evaluate_criteria(shared))
    else:
        from training.evidence_eval import evaluate as evaluate_evidence  # lazy: sklearn, pandas
        from training.evidence_eval import format_report  # lazy: sklearn, pandas

        click.echo(format_report(evaluate_evidence(shared)))


if __name__ == "__main__":
    main()
