"""Classify stage: extracted sentences → labels → one summary per statement.

Labels a document's sentences together, in order, so each sentence's
neighbours serve as context; only sentences without labels of the current
version are labelled again. Workers (msa.engines) each hold one Labeller;
this process reads each document's sentences, hands them out, and writes the
labels one transaction per batch, marking the summaries those labels feed as
stale in the same transaction, so a run killed midway still recomputes them.
Summaries are recomputed when their inputs move. The queries and writes are in db/classify_sql.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import sqlite_utils

from classify import LABEL_VERSION, SUMMARY_VERSION, Labeller, summarise_statement
from db.classify_sql import (
    document_note,
    document_sentences,
    documents_to_label,
    primary_documents,
    statement_row,
    statements_to_summarise,
    stored_doc_metadata,
    summary_sentences,
    write_label_batch,
    write_summaries,
)
from db.runs import StageReport
from db.schema import CRITERIA
from db.store import utc_now
from msa.engines import DEFAULT_ENGINE, EngineOptions, map_and_write
from msa.progress import progress

# At most this many failed document ids are listed in the stage report.
REPORTED_FAILURES = 100
# Statement summaries written per transaction.
SUMMARY_BATCH = 256


@dataclass(frozen=True)
class ClassifyOptions:
    """Switches the user sets on the command line: relabel everything, how the workers run, progress bars."""

    force: bool = False
    engine: EngineOptions = DEFAULT_ENGINE
    show_progress: bool = True


def label_rows(sentence_ids: Sequence[str], labels: Sequence[Any]) -> list[dict[str, Any]]:
    """Flatten labeller output into `labels` table rows."""
    rows = []
    for sid, lab in zip(sentence_ids, labels, strict=True):
        row: dict[str, Any] = {"sentence_id": sid, "label_version": LABEL_VERSION}
        for name in CRITERIA:
            row[name] = int(lab.criteria[name])
            row[f"{name}_p"] = round(float(lab.criteria_p[name]), 4)
        row["evidence"] = lab.evidence
        row["evidence_p"] = round(float(lab.evidence_p), 4)
        rows.append(row)
    return rows


@dataclass
class LabelJob:
    """Labelling as a worker runs it: one document's sentences through a Labeller held by the worker."""

    labeller: Labeller | None = field(default=None, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        return {"labeller": None}  # each worker loads its own models

    def setup(self) -> None:
        self.labeller = Labeller.load()

    def run(self, item: dict[str, Any]) -> dict[str, Any]:
        assert self.labeller is not None, "setup() loads the labeller"
        labels = self.labeller.label_document(item["texts"])
        return {"document_id": item["document_id"], "rows": label_rows(item["sentence_ids"], labels)}

    def failed(self, item: dict[str, Any], reason: str) -> dict[str, Any]:
        return {"document_id": item["document_id"], "rows": [], "error": reason}


def documents_for_labelling(
    db: sqlite_utils.Database, document_ids: Iterable[str]
) -> Iterator[dict[str, Any]]:
    """Each document's sentence ids and texts in reading order, read when a worker needs them."""
    for document_id in document_ids:
        rows = document_sentences(db, document_id)
        yield {
            "document_id": document_id,
            "sentence_ids": [r["sentence_id"] for r in rows],
            "texts": [r["text"] for r in rows],
        }


def run(
    db: sqlite_utils.Database, data_dir: Path, options: ClassifyOptions = ClassifyOptions()
) -> StageReport:
    """Label every unlabelled sentence with the engine's workers, then refresh the statement summaries.

    Reads and writes only the database (`data_dir` is the stage contract's; the documents are not
    read again). Returns the stage report, also stored in stage_runs.
    """
    report = StageReport(stage="classify", version=f"{LABEL_VERSION}+{SUMMARY_VERSION}")
    engine = options.engine
    documents = documents_to_label(db, LABEL_VERSION, force=options.force)
    labelled = 0
    failed_documents: list[str] = []
    items = documents_for_labelling(db, documents)
    write = partial(write_label_batch, db)
    for result in map_and_write(
        LabelJob(),
        items,
        engine,
        write,
        total=len(documents),
        desc="classify",
        show_progress=options.show_progress,
    ):
        report.processed += 1
        labelled += len(result["rows"])
        if "error" in result:
            report.fail(result["error"])
            failed_documents.append(result["document_id"])
    summaries = refresh_summaries(db, force=options.force, show_progress=options.show_progress)
    report.extra.update({"sentences_labelled": labelled, "summaries": summaries, **engine.report_fields()})
    if failed_documents:
        report.extra["failed_documents"] = failed_documents[:REPORTED_FAILURES]
    report.save(db)
    return report


def summary_row(
    db: sqlite_utils.Database, statement_id: str, primary: tuple[str, int] | None
) -> dict[str, Any]:
    """One statement's statement_summaries row, from its primary document's labelled sentences."""
    statement = statement_row(db, statement_id)
    sentences = summary_sentences(db, primary[0]) if primary else []
    statement["document_id"] = primary[0] if primary else None
    statement["document_note"] = None if primary else document_note(db, statement)
    statement["doc_metadata"] = stored_doc_metadata(db, primary[0]) if primary else None
    return {**summarise_statement(statement, sentences), "summarised_at": utc_now()}


def refresh_summaries(db: sqlite_utils.Database, *, force: bool = False, show_progress: bool = True) -> int:
    """Recompute stale statement summaries, SUMMARY_BATCH per transaction; returns how many were written."""
    primaries = primary_documents(db)
    todo = statements_to_summarise(db, primaries, SUMMARY_VERSION, force=force)
    rows: list[dict[str, Any]] = []
    for statement_id in progress(todo, total=len(todo), desc="summarise", unit="stmt", enabled=show_progress):
        rows.append(summary_row(db, statement_id, primaries.get(statement_id)))
        if len(rows) == SUMMARY_BATCH:
            write_summaries(db, rows)
            rows = []
    write_summaries(db, rows)
    return len(todo)
