"""The classify stage's queries: sentences to label, labels written, and the inputs and rows of
statement summaries.

A summary reads its statement's primary document: of the documents fetched for it with text, the one
with most sentences, the registry's own copy on a tie (DOCUMENT_ROLE_PREFERENCE).
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from db.corrections import apply_corrections
from db.schema import CRITERIA, DOCUMENT_ROLE_PREFERENCE

# When several documents of one statement have text, prefer the registry's own copy.
ROLE_PREFERENCE = {role: rank for rank, role in enumerate(DOCUMENT_ROLE_PREFERENCE)}
# summary_version of a summary whose document was relabelled after it was written: recompute it.
STALE_SUMMARY = "stale: labels changed"


def documents_to_label(db: sqlite_utils.Database, label_version: str, *, force: bool = False) -> list[str]:
    """Documents with at least one sentence lacking a label of `label_version` (every one with `force`)."""
    if force:
        sql = "SELECT DISTINCT document_id FROM sentences ORDER BY document_id"
        return [r[0] for r in db.execute(sql).fetchall()]
    sql = """
        SELECT DISTINCT s.document_id FROM sentences s
        LEFT JOIN labels l ON l.sentence_id = s.sentence_id
        WHERE l.sentence_id IS NULL OR l.label_version != ?
        ORDER BY s.document_id
    """
    return [r[0] for r in db.execute(sql, [label_version]).fetchall()]


def document_sentences(db: sqlite_utils.Database, document_id: str) -> list[dict[str, Any]]:
    """One document's sentences in reading order."""
    sql = "SELECT sentence_id, text FROM sentences WHERE document_id = ? ORDER BY sentence_idx"
    return [dict(r) for r in db.query(sql, [document_id])]


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


def primary_documents(db: sqlite_utils.Database) -> dict[str, tuple[str, int]]:
    """For each statement, the document whose sentences the summary reads, and its sentence count."""
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
    summary_version: str,
    *,
    force: bool,
) -> list[str]:
    """Ids of statements with no summary, one of another `summary_version` or stale (STALE_SUMMARY), or one
    from other inputs (another primary document, registry metadata updated since)."""
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
            or prev[0] != summary_version
            or prev[1] != primary
            or (st.get("updated_at") or "") > (prev[2] or "")
        )
        if stale:
            todo.append(st["statement_id"])
    return todo


def statement_row(db: sqlite_utils.Database, statement_id: str) -> dict[str, Any]:
    """One statements row as a dict."""
    return dict(next(db.query("SELECT * FROM statements WHERE statement_id = ?", [statement_id])))


def stored_doc_metadata(db: sqlite_utils.Database, document_id: str) -> str | None:
    """The document's doc_metadata as stored; summarise_statement decodes it (vocabulary.doc_metadata)."""
    row = db.execute("SELECT doc_metadata FROM documents WHERE document_id = ?", [document_id]).fetchone()
    return row[0] if row else None


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


def write_summaries(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> None:
    """Store summary rows in one transaction (one upsert each, so no row's columns blank another's)."""
    with db.atomic():
        for row in rows:
            db["statement_summaries"].upsert(row, pk="statement_id", alter=False)
