"""Extract stage: documents waiting in the database → pages and sentences.

Workers (msa.engines) read each pending document's bytes from the content
store and call the pure extractor; this process writes pages, sentences and
the document's status back, one transaction per batch, so a killed run redoes
only the documents of unwritten batches. A document whose re-extraction fails
keeps the text an earlier run stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import sqlite_utils

from db.store import utc_now
from extract import EXTRACT_VERSION, extract_document_guarded
from msa.engines import DEFAULT_ENGINE, EngineOptions, map_and_write
from msa.stage_report import StageReport


@dataclass(frozen=True)
class ExtractOptions:
    """Switches the user sets on the command line."""

    backend: str = "auto"
    ocr: bool = False
    timeout_s: float = 120.0
    max_memory_mb: int = 2048
    force: bool = False


def sentence_id(document_id: str, index: int) -> str:
    """Stable sentence id: a document prefix and the sentence's position."""
    return f"{document_id[:16]}-{index:05d}"


def pending_documents(
    db: sqlite_utils.Database, *, force: bool = False, limit: int | None = None
) -> list[dict]:
    """Documents never extracted, or extracted by an older extractor version."""
    where = "1=1" if force else "(extract_status = 'pending' OR COALESCE(extract_version, '') != :version)"
    sql = (
        "SELECT document_id, media_type, path, extract_status FROM documents "
        f"WHERE {where} ORDER BY document_id"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [dict(row) for row in db.query(sql, {"version": EXTRACT_VERSION})]


def extract_one(row: dict, data_dir: Path, options: ExtractOptions) -> dict[str, Any]:
    """Run the extractor on one stored document; returns rows ready to write.

    Pure apart from reading the document file, so any worker pool can run it.
    """
    path = Path(data_dir) / row["path"]
    try:
        body = path.read_bytes()
    except OSError as exc:
        return {"document_id": row["document_id"], "status": "error", "error": f"unreadable: {exc}"}
    doc = extract_document_guarded(
        body,
        row["media_type"],
        backend=options.backend,
        ocr=options.ocr,
        timeout_s=options.timeout_s,
        max_memory_mb=options.max_memory_mb,
    )
    document_id = row["document_id"]
    return {
        "document_id": document_id,
        "status": doc.status,
        "error": doc.error,
        "backend": doc.backend,
        "metadata": doc.metadata,
        "pages": [{"document_id": document_id, "page_no": p.page_no, "text": p.text} for p in doc.pages],
        "sentences": [
            {
                "sentence_id": sentence_id(document_id, i),
                "document_id": document_id,
                "sentence_idx": i,
                "page_no": s.page_no,
                "block_idx": s.block_idx,
                "block_kind": s.kind,
                "char_start": s.char_start,
                "char_end": s.char_end,
                "text": s.text,
            }
            for i, s in enumerate(doc.sentences)
        ],
        "links": list(doc.links),
    }


def write_extraction(db: sqlite_utils.Database, result: dict[str, Any]) -> None:
    """Replace a document's pages and sentences; the caller holds the transaction (see write_batch).

    On failure an earlier successful extraction is kept and the error noted.
    """
    document_id = result["document_id"]
    now = utc_now()
    if result["status"] == "error":
        previous = db.execute(
            "SELECT extract_status FROM documents WHERE document_id = ?", [document_id]
        ).fetchone()
        if previous and previous[0] == "ok":
            db.execute(
                "UPDATE documents SET extract_error = ?, extracted_at = ? WHERE document_id = ?",
                [
                    f"re-extraction with {EXTRACT_VERSION} failed, kept earlier text: {result['error']}",
                    now,
                    document_id,
                ],
            )
            return
    db.execute(
        "DELETE FROM labels WHERE sentence_id IN (SELECT sentence_id FROM sentences WHERE document_id = ?)",
        [document_id],
    )
    db.execute("DELETE FROM sentences WHERE document_id = ?", [document_id])
    db.execute("DELETE FROM pages WHERE document_id = ?", [document_id])
    if result.get("pages"):
        db["pages"].insert_all(result["pages"], pk=("document_id", "page_no"))
    if result.get("sentences"):
        db["sentences"].insert_all(result["sentences"], pk="sentence_id", batch_size=1000)
    metadata = dict(result.get("metadata") or {})
    if result.get("links"):
        metadata["links"] = result["links"]
    db.execute(
        """UPDATE documents SET extract_status = ?, extract_error = ?, extract_version = ?,
           extracted_at = ?,
               backend = ?, page_count = ?, sentence_count = ?, doc_metadata = ?
           WHERE document_id = ?""",
        [
            result["status"],
            result.get("error"),
            EXTRACT_VERSION,
            now,
            result.get("backend"),
            len(result.get("pages") or []),
            len(result.get("sentences") or []),
            json.dumps(metadata, sort_keys=True, default=str) if metadata else None,
            document_id,
        ],
    )


def write_batch(db: sqlite_utils.Database, results: list[dict[str, Any]]) -> None:
    """Write a batch of extraction results in one transaction."""
    with db.atomic():
        for result in results:
            write_extraction(db, result)


@dataclass(frozen=True)
class ExtractJob:
    """Extraction as a worker runs it: `extract_one` on a documents row."""

    data_dir: Path
    options: ExtractOptions

    def setup(self) -> None:
        """Nothing to load up front: the guard loads spaCy on the first document and keeps it."""

    def run(self, row: dict) -> dict[str, Any]:
        return extract_one(row, self.data_dir, self.options)

    def failed(self, row: dict, reason: str) -> dict[str, Any]:
        return {"document_id": row["document_id"], "status": "error", "error": reason}


def run_extract(
    db: sqlite_utils.Database,
    data_dir: Path,
    options: ExtractOptions = ExtractOptions(),
    *,
    engine: EngineOptions = DEFAULT_ENGINE,
    limit: int | None = None,
    show_progress: bool = True,
) -> StageReport:
    """Extract every pending document with `engine`'s workers; returns the stage report (also stored)."""
    report = StageReport(stage="extract", version=EXTRACT_VERSION)
    rows = pending_documents(db, force=options.force, limit=limit)
    pages = sentences = 0
    job, write = ExtractJob(Path(data_dir), options), partial(write_batch, db)
    for result in map_and_write(
        job, rows, engine, write, total=len(rows), desc="extract", show_progress=show_progress
    ):
        report.processed += 1
        pages += len(result.get("pages") or [])
        sentences += len(result.get("sentences") or [])
        if result["status"] == "error":
            report.fail(result["error"] or "error")
    report.extra.update({"pages": pages, "sentences": sentences, **engine.report_fields()})
    report.save(db)
    return report
