"""Extract stage: documents waiting in the database → pages and sentences.

Workers (msa.engines) call the extractor on each pending document's path in the content store;
the worker is the one crash boundary: the engine ends it at the time limit or when it dies, and
records the document's failure as transient. This process writes pages, sentences and the
document's status back, one transaction per batch, so a killed run redoes only the documents of
unwritten batches. Stored sentences are replaced only by a successful extraction, and labels go
only with sentences whose text changed. Transient failures are retried by later runs, at most
MAX_TRANSIENT_ATTEMPTS times; `retry_failed` retries every failure. The queries and writes are in
db/extract_sql.py.
"""

from __future__ import annotations

import contextlib
import faulthandler
import resource
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import sqlite_utils

from db.extract_sql import pending_documents, write_extraction
from db.runs import StageReport
from extract import EXTRACT_VERSION, ExtractedDocument
from extract.document import extract_file
from extract.ocr import OCR_MAX_BUDGET_S, remove_stale_ocr_folders
from extract.sentences import sentence_pipeline
from extract.structures import failed
from extract.text_repair import word_zipf
from msa.engines import DEFAULT_ENGINE, EngineOptions, map_and_write

DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MAX_MEMORY_MB = 2048


@dataclass(frozen=True)
class ExtractOptions:
    """Switches the user sets on the command line: how a document is read, which documents, how the
    workers run (`engine`), at most `limit` documents, progress bars."""

    backend: str = "auto"
    ocr: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB
    force: bool = False
    retry_failed: bool = False
    engine: EngineOptions = DEFAULT_ENGINE
    limit: int | None = None
    show_progress: bool = True

    def document_timeout_s(self) -> float:
        """The engine's hard limit per document: the extraction's, plus OCR's own budget when OCR is on."""
        return self.timeout_s + (OCR_MAX_BUDGET_S if self.ocr else 0.0)


def sentence_id(document_id: str, index: int) -> str:
    """Stable sentence id: a document prefix and the sentence's position."""
    return f"{document_id[:16]}-{index:05d}"


@contextlib.contextmanager
def memory_cap(max_memory_mb: int) -> Iterator[None]:
    """Let this process grow by at most `max_memory_mb` of address space while the block runs.

    Only the soft limit is lowered, so it can be put back afterwards: a huge document ends in a
    MemoryError (or a native abort the engine records), and the worker then goes on as before.
    """
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm") as statm:
            in_use = int(statm.read().split()[0]) * resource.getpagesize()
        cap = in_use + max_memory_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (OSError, ValueError, AttributeError):  # no /proc or no RLIMIT_AS: the time limit still holds
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def extract_path(path: Path, media_type: str | None, options: ExtractOptions) -> ExtractedDocument:
    """Extract one file under the memory cap; a parser failure on hostile input is a recorded reason."""
    try:
        with memory_cap(options.max_memory_mb):
            return extract_file(path, media_type, backend=options.backend, ocr=options.ocr)
    except MemoryError:
        return failed(f"out of memory (limit {options.max_memory_mb} MB)", media_type=media_type or "")
    except Exception as exc:  # noqa: BLE001 - an unexpected parser failure is the document's reason
        return failed(f"extractor crashed: {type(exc).__name__}: {exc}"[:500], media_type=media_type or "")


def document_rows(document_id: str, doc: ExtractedDocument) -> dict[str, Any]:
    """An extracted document as the rows write_extraction stores."""
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


def extract_one(row: dict, data_dir: Path, options: ExtractOptions) -> dict[str, Any]:
    """Run the extractor on one stored document, by path; returns rows ready to write.

    The file is not read here: `extract_file` checks its size first, so a huge one never enters
    the worker's memory. Pure apart from reading the document file, so any worker pool can run it.
    """
    doc = extract_path(Path(data_dir) / row["path"], row["media_type"], options)
    return document_rows(row["document_id"], doc)


def write_batch(db: sqlite_utils.Database, results: list[dict[str, Any]]) -> None:
    """Write a batch of extraction results in one transaction."""
    with db.atomic():
        for result in results:
            write_extraction(db, result, EXTRACT_VERSION)


def warm_extractor() -> None:
    """Load spaCy and the word frequencies once per worker, before its first document."""
    # A native abort under the memory cap is recorded by the engine as a reason; a faulthandler
    # inherited from the parent (pytest enables one) would only print a stack dump.
    faulthandler.disable()
    sentence_pipeline()
    word_zipf("the")


def lost_reason(reason: str, options: ExtractOptions) -> str:
    """The engine's reason for a lost worker, with what a native abort most likely means here."""
    if any(name in reason for name in ("SIGABRT", "SIGSEGV", "SIGBUS")):
        return f"{reason} (memory limit {options.max_memory_mb} MB or a native parser crash)"
    return reason


@dataclass(frozen=True)
class ExtractJob:
    """Extraction as a worker runs it: `extract_one` on a documents row, within the time limit."""

    data_dir: Path
    options: ExtractOptions

    @property
    def timeout_s(self) -> float:
        return self.options.document_timeout_s()

    def setup(self) -> None:
        warm_extractor()

    def run(self, row: dict) -> dict[str, Any]:
        return extract_one(row, self.data_dir, self.options)

    def failed(self, row: dict, reason: str) -> dict[str, Any]:
        """A worker that died or ran out of time: a transient failure, retried by a later run."""
        remove_stale_ocr_folders()  # a worker killed mid-OCR could not clean up after itself
        return {
            "document_id": row["document_id"],
            "status": "error",
            "error": lost_reason(reason, self.options),
            "transient": True,
        }


def run(db: sqlite_utils.Database, data_dir: Path, options: ExtractOptions = ExtractOptions()) -> StageReport:
    """Extract every pending document with the engine's workers; returns the stage report (also stored)."""
    report = StageReport(stage="extract", version=EXTRACT_VERSION)
    rows = pending_documents(
        db, EXTRACT_VERSION, force=options.force, retry_failed=options.retry_failed, limit=options.limit
    )
    pages = sentences = 0
    engine = options.engine
    job, write = ExtractJob(Path(data_dir), options), partial(write_batch, db)
    for result in map_and_write(
        job, rows, engine, write, total=len(rows), desc="extract", show_progress=options.show_progress
    ):
        report.processed += 1
        pages += len(result.get("pages") or [])
        sentences += len(result.get("sentences") or [])
        if result["status"] == "error":
            report.fail(result["error"] or "error")
    report.extra.update({"pages": pages, "sentences": sentences, **engine.report_fields()})
    report.save(db)
    return report
