"""The extract stage's queries: which documents wait for extraction, and how a result is stored.

Only a successful result replaces stored sentences: a failure, or a document that now reads as empty,
keeps the earlier text and notes why. A document's labels stay when its sentences come back the same
(classification depends on nothing else), and go otherwise.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from db.store import utc_now
from vocabulary.doc_metadata import encode_doc_metadata

# Transient failures (a worker that died or ran out of time) are retried by later runs this many times.
MAX_TRANSIENT_ATTEMPTS = 3

PENDING_SQL = """
SELECT document_id, media_type, path, extract_status FROM documents
WHERE {where} ORDER BY document_id
"""
NEEDS_EXTRACTION = (
    "extract_status = 'pending' OR COALESCE(extract_version, '') != :version "
    "OR (extract_failure = 'transient' AND extract_attempts < :attempts)"
)


def pending_documents(
    db: sqlite_utils.Database,
    version: str,
    *,
    force: bool = False,
    retry_failed: bool = False,
    limit: int | None = None,
) -> list[dict]:
    """Documents never extracted, extracted by another extractor `version`, or whose last try failed
    transiently fewer than MAX_TRANSIENT_ATTEMPTS times; every failed one too with `retry_failed`."""
    where = "1=1" if force else NEEDS_EXTRACTION
    if retry_failed and not force:
        where += " OR extract_status = 'error' OR extract_failure IS NOT NULL"
    sql = PENDING_SQL.format(where=where)
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [dict(row) for row in db.query(sql, {"version": version, "attempts": MAX_TRANSIENT_ATTEMPTS})]


def _kept_earlier_text(
    db: sqlite_utils.Database, result: dict[str, Any], version: str, failure: str | None
) -> bool:
    """Note a failed or empty re-extraction on a document whose earlier text is kept; False if none."""
    document_id = result["document_id"]
    previous = db.execute(
        "SELECT extract_status, extract_attempts FROM documents WHERE document_id = ?", [document_id]
    ).fetchone()
    if not previous or previous[0] != "ok":
        return False
    outcome = "failed" if result["status"] == "error" else f"gave {result['status']}"
    db.execute(
        """UPDATE documents SET extract_error = ?, extract_version = ?, extracted_at = ?,
               extract_failure = ?, extract_attempts = ? WHERE document_id = ?""",
        [
            f"re-extraction with {version} {outcome}, kept earlier text: {result['error']}",
            version,
            utc_now(),
            failure,
            (previous[1] or 0) + 1 if failure else 0,
            document_id,
        ],
    )
    return True


def _same_sentences(db: sqlite_utils.Database, document_id: str, sentences: list[dict[str, Any]]) -> bool:
    stored = db.execute(
        "SELECT sentence_id, text FROM sentences WHERE document_id = ? ORDER BY sentence_idx", [document_id]
    ).fetchall()
    return [tuple(r) for r in stored] == [(s["sentence_id"], s["text"]) for s in sentences]


def write_extraction(db: sqlite_utils.Database, result: dict[str, Any], version: str) -> None:
    """Store one document's extraction by extractor `version`; the caller holds the transaction."""
    document_id = result["document_id"]
    failure = (
        ("transient" if result.get("transient") else "permanent") if result["status"] == "error" else None
    )
    if result["status"] != "ok" and _kept_earlier_text(db, result, version, failure):
        return
    sentences = result.get("sentences") or []
    if not _same_sentences(db, document_id, sentences):
        db.execute(
            "DELETE FROM labels WHERE sentence_id IN "
            "(SELECT sentence_id FROM sentences WHERE document_id = ?)",
            [document_id],
        )
    db.execute("DELETE FROM sentences WHERE document_id = ?", [document_id])
    db.execute("DELETE FROM pages WHERE document_id = ?", [document_id])
    if result.get("pages"):
        db["pages"].insert_all(result["pages"], pk=("document_id", "page_no"))
    if sentences:
        db["sentences"].insert_all(sentences, pk="sentence_id", batch_size=1000)
    metadata = dict(result.get("metadata") or {})
    if result.get("links"):
        metadata["links"] = result["links"]
    db.execute(
        """UPDATE documents SET extract_status = ?, extract_error = ?, extract_version = ?,
           extracted_at = ?, backend = ?, page_count = ?, sentence_count = ?, doc_metadata = ?,
           extract_failure = ?,
           extract_attempts = CASE WHEN ? IS NULL THEN 0 ELSE extract_attempts + 1 END
           WHERE document_id = ?""",
        [
            result["status"],
            result.get("error"),
            version,
            utc_now(),
            result.get("backend"),
            len(result.get("pages") or []),
            len(sentences),
            encode_doc_metadata(metadata),
            failure,
            failure,
            document_id,
        ],
    )
