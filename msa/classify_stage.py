"""Classify stage: extracted sentences → labels → one summary per statement.

Labels a document's sentences together, in order, so each sentence's
neighbours serve as context; only sentences without labels of the current
version are labelled again. Workers (msa.engines) each hold one Labeller;
this process reads each document's sentences, hands them out, and writes the
labels one transaction per batch, marking the summaries those labels feed as
stale in the same transaction, so a run killed midway still recomputes them.
Summaries are recomputed when their inputs move.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import sqlite_utils

from classify import LABEL_VERSION, SUMMARY_VERSION, Labeller, summarise_statement
from db.corrections import apply_corrections
from db.schema import CRITERIA, DOCUMENT_ROLE_PREFERENCE
from db.store import utc_now
from msa.engines import DEFAULT_ENGINE, EngineOptions, map_and_write
from msa.progress import progress
from msa.stage_report import StageReport

# When several documents of one statement have text, prefer the registry's own copy.
ROLE_PREFERENCE = {role: rank for rank, role in enumerate(DOCUMENT_ROLE_PREFERENCE)}
# summary_version of a summary whose document was relabelled after it was written: recompute it.
STALE_SUMMARY = "stale: labels changed"
# At most this many failed document ids are listed in the stage report.
REPORTED_FAILURES = 100
# Statement summaries written per transaction.
SUMMARY_BATCH = 256


def documents_to_label(db: sqlite_utils.Database, *, force: bool = False) -> list[str]:
    """Documents with at least one sentence lacking a current label."""
    if force:
        sql = "SELECT DISTINCT document_id FROM sentences ORDER BY document_id"
        return [r[0] for r in db.execute(sql).fetchall()]
    sql = """
        SELECT DISTINCT s.document_id FROM sentences s
        LEFT JOIN labels l ON l.sentence_id = s.sentence_id
        WHERE l.sentence_id IS NULL OR l.label_version != ?
        ORDER BY s.document_id
    """
    return [r[0] for r in db.execute(sql, [LABEL_VERSION]).fetchall()]


def document_sentences(db: sqlite_utils.Database, document_id: str) -> list[dict[str, Any]]:
    """One document's sentences in reading order."""
    sql = "SELECT sentence_id, text FROM sentences WHERE document_id = ? ORDER BY sentence_idx"
    return [dict(r) for r in db.query(sql, [document_id])]


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


def primary_documents(db: sqlite_utils.Database) -> dict[str, tuple[str, int]]:
    """For each statement, the document whose sentences the summary reads."""
    sql = """
        SELECT sd.statement_id, sd.role, d.document_id, d.sentence_count
        FROM statement_documents sd JOIN documents d ON d.document_id = sd.document_id
        WHERE sd.status = 'fetched' AND d.extract_status = 'ok' AND d.sentence_count > 0
    """
    best: dict[str, tuple[str, int, int]] = {}
    for statement_id, role, document_id, count in db.execute(sql).fetchall():
        rank = ROLE_PREFERENCE.get(role, 3)
        current = best.get(statement_id)
        # Most sentences wins; the registry copy wins a tie.
        if current is None or (count, -rank) > (current[1], -current[2]):
            best[statement_id] = (document_id, count, rank)
    return {k: (v[0], v[1]) for k, v in best.items()}


def document_note(db: sqlite_utils.Database, statement: dict[str, Any]) -> str | None:
    """Why a statement has no text to summarise, in words a reader understands."""
    if statement.get("email_only"):
        return "email-only registry entry: no statement document was published"
    rows = db.execute(
        """SELECT sd.url, sd.status, sd.error, d.extract_status, d.extract_error
           FROM statement_documents sd LEFT JOIN documents d ON d.document_id = sd.document_id
           WHERE sd.statement_id = ?""",
        [statement["statement_id"]],
    ).fetchall()
    if not rows:
        return "no statement document was linked or fetched"
    reasons = []
    for url, status, error, extract_status, extract_error in rows:
        if status != "fetched":
            reasons.append(f"{url}: fetch failed ({error})")
        elif extract_status != "ok":
            reasons.append(f"{url}: {extract_status} ({extract_error or 'no sentences'})")
        else:
            reasons.append(f"{url}: no sentences")
    return "; ".join(reasons)


def statements_to_summarise(
    db: sqlite_utils.Database,
    primaries: dict[str, tuple[str, int]],
    *,
    force: bool,
) -> list[str]:
    """Ids of statements with no summary, an old or stale one (STALE_SUMMARY), or one from other inputs."""
    existing = {
        r[0]: (r[1], r[2], r[3])
        for r in db.execute(
            "SELECT statement_id, summary_version, document_id, summarised_at FROM statement_summaries"
        )
    }
    todo = []
    for st in db.query("SELECT statement_id, updated_at FROM statements ORDER BY statement_id"):
        primary = primaries.get(st["statement_id"], (None, 0))[0]
        prev = existing.get(st["statement_id"])
        stale = (
            force
            or prev is None
            or prev[0] != SUMMARY_VERSION
            or prev[1] != primary
            or (st.get("updated_at") or "") > (prev[2] or "")
        )
        if stale:
            todo.append(st["statement_id"])
    return todo


def document_metadata(db: sqlite_utils.Database, document_id: str) -> dict[str, Any]:
    """What the extractor read from the document's text (period, approval, signatory)."""
    row = db.execute("SELECT doc_metadata FROM documents WHERE document_id = ?", [document_id]).fetchone()
    try:
        meta = json.loads(row[0]) if row and row[0] else {}
    except ValueError:
        meta = {}
    return meta if isinstance(meta, dict) else {}


def summary_sentences(db: sqlite_utils.Database, document_id: str) -> list[dict[str, Any]]:
    """Sentences of a document joined with their labels, as summarise_statement reads them."""
    cols = ", ".join(f"l.{c}, l.{c}_p" for c in CRITERIA)
    sql = f"""
        SELECT s.sentence_id, s.sentence_idx, s.page_no, s.block_kind, s.text,
               l.evidence, l.evidence_p, {cols}
        FROM sentences s JOIN labels l ON l.sentence_id = s.sentence_id
        WHERE s.document_id = ? ORDER BY s.sentence_idx
    """
    return [dict(r) for r in db.query(sql, [document_id])]


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


def write_label_batch(db: sqlite_utils.Database, results: list[dict[str, Any]]) -> None:
    """Store a batch of documents' labels in one transaction and mark their summaries stale."""
    labelled = [r["document_id"] for r in results if r["rows"]]
    with db.atomic():
        for result in results:
            if result["rows"]:
                db["labels"].upsert_all(result["rows"], pk="sentence_id", batch_size=1000)
        if labelled:
            apply_corrections(db, labelled, fresh=True)  # a relabel keeps every reader's correction
            marks = ", ".join("?" for _ in labelled)
            db.execute(
                f"UPDATE statement_summaries SET summary_version = ? WHERE document_id IN ({marks})",
                [STALE_SUMMARY, *labelled],
            )


def run_classify(
    db: sqlite_utils.Database,
    *,
    engine: EngineOptions = DEFAULT_ENGINE,
    force: bool = False,
    show_progress: bool = True,
) -> StageReport:
    """Label every unlabelled sentence with `engine`'s workers, then refresh the statement summaries."""
    report = StageReport(stage="classify", version=f"{LABEL_VERSION}+{SUMMARY_VERSION}")
    documents = documents_to_label(db, force=force)
    labelled = 0
    failed_documents: list[str] = []
    items = documents_for_labelling(db, documents)
    write = partial(write_label_batch, db)
    for result in map_and_write(
        LabelJob(), items, engine, write, total=len(documents), desc="classify", show_progress=show_progress
    ):
        report.processed += 1
        labelled += len(result["rows"])
        if "error" in result:
            report.fail(result["error"])
            failed_documents.append(result["document_id"])
    summaries = refresh_summaries(db, force=force, show_progress=show_progress)
    report.extra.update({"sentences_labelled": labelled, "summaries": summaries, **engine.report_fields()})
    if failed_documents:
        report.extra["failed_documents"] = failed_documents[:REPORTED_FAILURES]
    report.save(db)
    return report


def summary_row(
    db: sqlite_utils.Database, statement_id: str, primary: tuple[str, int] | None
) -> dict[str, Any]:
    """One statement's statement_summaries row, from its primary document's labelled sentences."""
    statement = dict(next(db.query("SELECT * FROM statements WHERE statement_id = ?", [statement_id])))
    sentences = summary_sentences(db, primary[0]) if primary else []
    statement["document_id"] = primary[0] if primary else None
    statement["document_note"] = None if primary else document_note(db, statement)
    statement["doc_metadata"] = document_metadata(db, primary[0]) if primary else {}
    return {**summarise_statement(statement, sentences), "summarised_at": utc_now()}


def refresh_summaries(db: sqlite_utils.Database, *, force: bool = False, show_progress: bool = True) -> int:
    """Recompute stale statement summaries, SUMMARY_BATCH per transaction; returns how many were written."""
    primaries = primary_documents(db)
    todo = statements_to_summarise(db, primaries, force=force)
    rows: list[dict[str, Any]] = []
    for statement_id in progress(todo, total=len(todo), desc="summarise", unit="stmt", enabled=show_progress):
        rows.append(summary_row(db, statement_id, primaries.get(statement_id)))
        if len(rows) == SUMMARY_BATCH:
            write_summaries(db, rows)
            rows = []
    write_summaries(db, rows)
    return len(todo)


def write_summaries(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> None:
    """Store summary rows in one transaction (one upsert each, so no row's columns blank another's)."""
    with db.atomic():
        for row in rows:
            db["statement_summaries"].upsert(row, pk="statement_id", alter=False)
