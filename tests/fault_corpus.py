"""Inputs the fault-injection tests share: long generated PDFs stored as a corpus; and the process
probes of bench/process_tree.py (the `msa` command started with a marker, the processes carrying it).

Every document is written here with reportlab (fictional text), none is committed.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfgen import canvas

from bench.process_tree import children, kill_tree, marked_processes, start_msa, survivors, wait_for
from db import connect
from db.store import record_fetch, store_document, upsert_statement
from msa.paths import db_path

__all__ = [
    "children",
    "kill_tree",
    "long_statement_pdf",
    "marked_processes",
    "start_msa",
    "store_corpus",
    "survivors",
    "wait_for",
]


@dataclass(frozen=True)
class SleepJob:
    """A document job whose items are seconds to sleep (importable by Ray workers, unlike a test module)."""

    timeout_s: float = 1.0

    def setup(self) -> None:
        pass

    def run(self, seconds: float) -> tuple[str, float]:
        time.sleep(seconds)
        return ("done", seconds)

    def failed(self, seconds: float, reason: str) -> tuple[str, float]:
        return (reason, seconds)


SENTENCE = "Supplier {n} was assessed for modern slavery risk on page {page}; its workers were interviewed."


def long_statement_pdf(pages: int = 30, tag: str = "") -> bytes:
    """A text PDF of `pages` dense pages: seconds to extract, and a result far over a pipe's 64 KB."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for page in range(pages):
        text = pdf.beginText(50, 780)
        text.setFont("Helvetica", 9)
        for n in range(60):
            text.textLine(SENTENCE.format(n=f"{tag}{page}-{n}", page=page))
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def store_corpus(data_dir: Path, bodies: list[tuple[bytes, str]]) -> Path:
    """A database with each (bytes, media type) pending as the document of its own statement."""
    db = connect(db_path(data_dir))
    for index, (body, media_type) in enumerate(bodies):
        document_id, _ = store_document(db, data_dir, body, media_type)
        statement_id = f"fault-{index:03d}"
        upsert_statement(db, {"statement_id": statement_id, "jurisdiction": "uk", "title": statement_id})
        record_fetch(
            db,
            {
                "statement_id": statement_id,
                "url": f"https://fault.example/{index}",
                "role": "statement",
                "status": "fetched",
                "document_id": document_id,
            },
        )
    db.conn.close()
    return db_path(data_dir)
