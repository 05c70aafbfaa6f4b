"""Writes every stage shares: statements, fetch records, the document store.

Statement metadata is upserted by id and its hash tells new from changed;
documents are stored once by the sha256 of their bytes, so a re-crawl of an
unchanged file costs one hash and no write.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from vocabulary.roles import DERIVED_ROLES

MEDIA_EXTENSIONS = {"pdf": "pdf", "html": "html", "other": "bin"}


def utc_now() -> str:
    """ISO-8601 UTC timestamp, to the second, as every table stores it."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class UpsertOutcome:
    """What an upsert did: 'new', 'changed' or 'unchanged'."""

    statement_id: str
    outcome: str


def metadata_hash(record: dict[str, Any]) -> str:
    """Stable hash of a statement's registry metadata, ignoring bookkeeping fields."""
    ignored = {"first_seen", "last_seen", "updated_at", "metadata_hash"}
    payload = json.dumps({k: v for k, v in record.items() if k not in ignored}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def upsert_statement(
    db: sqlite_utils.Database,
    statement: dict[str, Any],
    organisations: Iterable[dict[str, Any]] = (),
    links: Iterable[dict[str, Any]] = (),
) -> UpsertOutcome:
    """Insert or update one statement with its organisations and their roles.

    `organisations` are rows of the organisations table; `links` are
    `{"organisation_id", "role"}` pairs for statement_organisations.
    """
    now = utc_now()
    record = dict(statement)
    digest = metadata_hash(record)
    existing = db.execute(
        "SELECT metadata_hash, first_seen FROM statements WHERE statement_id = ?", [record["statement_id"]]
    ).fetchone()
    record["metadata_hash"] = digest
    record["last_seen"] = now
    if existing is None:
        outcome = "new"
        record["first_seen"] = now
        record["updated_at"] = now
    elif existing[0] != digest:
        outcome = "changed"
        record["first_seen"] = existing[1]
        record["updated_at"] = now
    else:
        outcome = "unchanged"
        db.execute(
            "UPDATE statements SET last_seen = ? WHERE statement_id = ?", [now, record["statement_id"]]
        )
        _upsert_organisations(db, record["statement_id"], organisations, links)
        db.conn.commit()
        return UpsertOutcome(record["statement_id"], outcome)
    db["statements"].upsert(record, pk="statement_id", alter=False)
    _upsert_organisations(db, record["statement_id"], organisations, links)
    db.conn.commit()
    return UpsertOutcome(record["statement_id"], outcome)


def _upsert_organisations(
    db: sqlite_utils.Database,
    statement_id: str,
    organisations: Iterable[dict[str, Any]],
    links: Iterable[dict[str, Any]],
) -> None:
    # One upsert per row: a batch fills keys missing from one row with NULL, and an organisation
    # named only as a parent (no address, no number) must not blank what another statement stored.
    for org in organisations:
        db["organisations"].upsert(org, pk="organisation_id", alter=False)
    rows = [{"statement_id": statement_id, **link} for link in links]
    if rows:
        db["statement_organisations"].upsert_all(
            rows, pk=("statement_id", "organisation_id", "role"), alter=False
        )


def document_path(data_dir: Path, document_id: str, media_type: str) -> Path:
    """Where the content-addressed store keeps a document's bytes."""
    return Path(data_dir) / "documents" / f"{document_id}.{MEDIA_EXTENSIONS.get(media_type, 'bin')}"


def store_document(
    db: sqlite_utils.Database, data_dir: Path, body: bytes, media_type: str
) -> tuple[str, bool]:
    """Store bytes once by sha256; returns (document_id, stored_now)."""
    document_id = hashlib.sha256(body).hexdigest()
    if db.execute("SELECT 1 FROM documents WHERE document_id = ?", [document_id]).fetchone():
        return document_id, False
    path = document_path(data_dir, document_id, media_type)
    if not path.exists():
        write_atomically(path, body)
    db["documents"].insert(
        {
            "document_id": document_id,
            "media_type": media_type,
            "size_bytes": len(body),
            "path": str(path.relative_to(data_dir)),
            "first_fetched_at": utc_now(),
            "extract_status": "pending",
        },
        pk="document_id",
        ignore=True,
    )
    db.conn.commit()
    return document_id, True


def write_atomically(path: Path, data: bytes) -> None:
    """Write then rename, so a crash never leaves a half file under the final name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def record_fetch(db: sqlite_utils.Database, fetch: dict[str, Any]) -> None:
    """Record the outcome of fetching one statement document (success or failure).

    A failure never overwrites an earlier success for the same URL: the
    stored document stays linked and the failure is kept in `error`.
    """
    row = {"fetched_at": utc_now(), **fetch}
    previous = db.execute(
        "SELECT status, document_id FROM statement_documents WHERE statement_id = ? AND url = ?",
        [row["statement_id"], row["url"]],
    ).fetchone()
    if previous and previous[0] == "fetched" and row.get("status") == "failed":
        db.execute(
            "UPDATE statement_documents SET error = ?, fetched_at = ? WHERE statement_id = ? AND url = ?",
            [
                f"re-fetch failed, kept earlier copy: {row.get('error')}",
                row["fetched_at"],
                row["statement_id"],
                row["url"],
            ],
        )
    else:
        db["statement_documents"].upsert(row, pk=("statement_id", "url"), alter=False)
    db.conn.commit()


def set_registry_pdf_url(db: sqlite_utils.Database, statement_id: str, url: str) -> None:
    """Record the registry-hosted PDF found for a statement (AU: on its page, not in the CSV).

    Kept out of the metadata hash on purpose: the hash is of the registry row, so a page that
    could not be read on one run does not make the statement look changed on the next.
    """
    db.execute(
        "UPDATE statements SET registry_pdf_url = ? WHERE statement_id = ? AND registry_pdf_url IS NOT ?",
        [url, statement_id, url],
    )
    db.conn.commit()


def clear_failed_fetches(db: sqlite_utils.Database, statement_id: str, role: str) -> None:
    """Forget a statement's failed fetches of one kind of link, once a later run got past them.

    The crawler calls it for the AU statement page when the PDF behind it was reached, so an old
    page failure does not sit beside the document as if the link were still broken.
    """
    db.execute(
        "DELETE FROM statement_documents WHERE statement_id = ? AND role = ? AND status = 'failed'",
        [statement_id, role],
    )
    db.conn.commit()


def forget_other_urls(db: sqlite_utils.Database, statement_id: str, role: str, url: str | None) -> int:
    """A statement keeps one URL per role: drop its fetch records of `role` for any other URL (all of
    them when `url` is None, the registry no longer listing one), and what following them found.

    Without this, a statement whose StatementURL moved would keep its old link's record (and document)
    beside the new one. Returns the number of rows dropped.
    """
    dropped = db.execute(
        "DELETE FROM statement_documents WHERE statement_id = ? AND role = ? AND url IS NOT ?",
        [statement_id, role, url],
    ).rowcount
    if dropped:
        for derived in DERIVED_ROLES.get(role, ()):
            dropped += db.execute(
                "DELETE FROM statement_documents WHERE statement_id = ? AND role = ?", [statement_id, derived]
            ).rowcount
        db.conn.commit()
    return dropped
