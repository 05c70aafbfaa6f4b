"""Inputs and process probes the fault-injection tests share: long generated PDFs stored as a corpus,
the `msa` command started with a marker, and the processes that carry the marker.

Every document is written here with reportlab (fictional text), none is committed.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from reportlab.pdfgen import canvas

from db import connect
from db.store import record_fetch, store_document, upsert_statement
from msa.paths import REPO_ROOT, db_path

SENTENCE = "Supplier {n} was assessed for modern slavery risk on page {page} and its workers were interviewed."


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


def start_msa(args: list[str], marker: str | None = None) -> tuple[subprocess.Popen, str]:
    """`msa ARGS` in its own process, every descendant carrying MSA_TEST_RUN=<marker> in its environment."""
    marker = marker or uuid.uuid4().hex
    proc = subprocess.Popen(
        [sys.executable, "-m", "msa.cli", *args],
        cwd=REPO_ROOT,
        env={**os.environ, "MSA_TEST_RUN": marker},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    return proc, marker


def marked_processes(marker: str) -> dict[int, int]:
    """{pid: parent pid} of every live process whose environment carries the marker."""
    needle = f"MSA_TEST_RUN={marker}".encode()
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if needle not in (proc / "environ").read_bytes():
                continue
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":  # a zombie has already exited
            found[int(proc.name)] = int(fields[1])
    return found


def children(marker: str, parent: int) -> list[int]:
    """Marked processes whose parent is `parent`."""
    return sorted(pid for pid, ppid in marked_processes(marker).items() if ppid == parent)


def survivors(marker: str, within_s: float) -> dict[int, int]:
    """Marked processes still alive after waiting up to `within_s` for them to go."""
    deadline = time.monotonic() + within_s
    while True:
        alive = marked_processes(marker)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def wait_for(condition, timeout_s: float, step_s: float = 0.05):
    """Poll `condition()` until it returns something truthy; that value, or None after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step_s)
    return None


def kill_tree(marker: str) -> None:
    """SIGKILL every marked process (a test's cleanup after a run it left hanging)."""
    for pid in marked_processes(marker):
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
