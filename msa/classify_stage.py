"""Classify stage: extracted sentences → labels → one summary per statement.

Labels a document's sentences together, in order, so each sentence's
neighbours serve as context; only sentences without labels of the current
version are labelled again. Summaries are recomputed when their inputs move.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlite_utils

from classify import LABEL_VERSION, SUMMARY_VERSION, Labeller, summarise_statement
from db.schema import CRITERIA
from db.store import utc_now
from msa.progress import progress
from msa.stage_report import StageReport

# When several documents of one statement have text, prefer the registry's own copy.
ROLE_PREFERENCE = {"registry_pdf": 0, "statement": 1, "linked_pdf": 2, "registry_page": 3}


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
    relabelled: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """Statements with no summary, an old one, or one built from other inputs."""
    existing = {
        r[0]: (r[1], r[2], r[3])
        for r in db.execute(
            "SELECT statement_id, summary_version, document_id, summarised_at FROM statement_summaries"
        )
    }
    todo = []
    for st in db.query("SELECT * FROM statements ORDER BY statement_id"):
        primary = primaries.get(st["statement_id"], (None, 0))[0]
        prev = existing.get(st["statement_id"])
        stale = (
            force
            or prev is None
            or prev[0] != SUMMARY_VERSION
            or prev[1] != primary
            or primary in relabelled
            or (st.get("updated_at") or "") > (prev[2] or "")
        )
        if stale:
            todo.append(dict(st))
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


def run_classify(
    db: sqlite_utils.Database,
    *,
    labeller: Labeller | None = None,
    force: bool = False,
    show_progress: bool = True,
) -> StageReport:
    """Label every unlabelled sentence, then refresh the statement summaries."""
    report = StageReport(stage="classify", version=f"{LABEL_VERSION}+{SUMMARY_VERSION}")
    documents = documents_to_label(db, force=force)
    labelled = 0
    if documents:
        labeller = labeller or Labeller.load()
        for document_id in progress(
            documents, total=len(documents), desc="classify", unit="doc", enabled=show_progress
        ):
            rows = document_sentences(db, document_id)
            labels = labeller.label_document([r["text"] for r in rows])
            with db.conn:
                db["labels"].upsert_all(
                    label_rows([r["sentence_id"] for r in rows], labels), pk="sentence_id"
                )
            labelled += len(rows)
            report.processed += 1
    summaries = refresh_summaries(
        db, force=force, relabelled=frozenset(documents), show_progress=show_progress
    )
    report.extra.update({"sentences_labelled": labelled, "summaries": summaries})
    report.save(db)
    return report


def refresh_summaries(
    db: sqlite_utils.Database,
    *,
    force: bool = False,
    relabelled: frozenset[str] = frozenset(),
    show_progress: bool = True,
) -> int:
    """Recompute stale statement summaries; returns how many were written."""
    primaries = primary_documents(db)
    todo = statements_to_summarise(db, primaries, force=force, relabelled=relabelled)
    written = 0
    for statement in progress(todo, total=len(todo), desc="summarise", unit="stmt", enabled=show_progress):
        primary = primaries.get(statement["statement_id"])
        sentences = summary_sentences(db, primary[0]) if primary else []
        statement["document_id"] = primary[0] if primary else None
        statement["document_note"] = None if primary else document_note(db, statement)
        statement["doc_metadata"] = document_metadata(db, primary[0]) if primary else {}
        row = summarise_statement(statement, sentences)
        row.update(
            {
                "statement_id": statement["statement_id"],
                "summary_version": SUMMARY_VERSION,
                "document_id": statement["document_id"],
                "summarised_at": utc_now(),
            }
        )
        for key, value in list(row.items()):
            if isinstance(value, (list, dict)):
                row[key] = json.dumps(value, sort_keys=True)
        with db.conn:
            db["statement_summaries"].upsert(row, pk="statement_id", alter=False)
        written += 1
    return written
