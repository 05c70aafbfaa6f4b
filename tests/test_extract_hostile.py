"""Hostile and broken inputs end with a recorded reason within bounded time and memory; the run goes on.

Every file is generated here at test time (reportlab and hand-written PDF bytes), none is committed.
"""

from __future__ import annotations

import io
import time
import zlib
from pathlib import Path

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from extract import extract_document, extract_file
from msa.extract_files import extract_files, iter_sentence_records
from msa.extract_stage import ExtractOptions
from synthetic.documents import pdf_from_objects
from tests.fault_corpus import long_statement_pdf


def extract_isolated(tmp_path: Path, body: bytes, name: str = "hostile.pdf", **options):
    """`body` written to a file and extracted in an engine worker with the given limits."""
    path = tmp_path / name
    path.write_bytes(body)
    ((_, doc),) = extract_files([path], ExtractOptions(**options))
    return doc


def statement_pdf(pages: int = 1, encrypt: StandardEncryption | None = None) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=encrypt)
    for number in range(pages):
        pdf.drawString(
            72, 720, f"This statement is made under section 54 of the Modern Slavery Act 2015. {number}"
        )
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def decompression_bomb(inflated_mb: int = 400) -> bytes:
    """A one-page PDF whose content stream inflates from about 0.4 MB to `inflated_mb` MB of spaces."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    stream = b"".join(packer.compress(chunk) for _ in range(inflated_mb)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return pdf_from_objects(objects, version=b"1.7")


def test_zero_byte_file():
    doc = extract_document(b"", "application/pdf")
    assert doc.status == "error" and "0 bytes" in doc.error


def test_corrupt_bytes_labelled_pdf():
    doc = extract_document(b"%PDF-1.4\n" + bytes(range(256)) * 40, "application/pdf")
    assert doc.status == "error" and doc.error.startswith("pdf:")


def test_truncated_pdf():
    body = statement_pdf(pages=3)
    doc = extract_document(body[: len(body) // 2], "application/pdf")
    assert doc.status in {"error", "ok"}  # PDFium may recover the pages before the cut
    if doc.status == "error":
        assert doc.error


def test_encrypted_with_a_password():
    body = statement_pdf(encrypt=StandardEncryption("secret", ownerPassword="owner"))
    doc = extract_document(body, "application/pdf")
    assert doc.status == "error" and "password" in doc.error


def test_unknown_bytes_are_unsupported():
    doc = extract_document(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")
    assert doc.status == "error" and "unsupported" in doc.error


def test_thousand_page_pdf_is_refused_by_the_page_cap():
    body = statement_pdf(pages=1000)
    start = time.perf_counter()
    doc = extract_document(body, "application/pdf")
    assert doc.status == "error" and "too many pages: 1000" in doc.error
    assert time.perf_counter() - start < 5


def test_thousand_page_pdf_within_a_raised_cap_finishes_in_bounded_time():
    body = statement_pdf(pages=1000)
    start = time.perf_counter()
    doc = extract_document(body, "application/pdf", max_pages=1000)
    assert doc.status == "ok" and len(doc.pages) == 1000
    assert time.perf_counter() - start < 120


def test_decompression_bomb_ends_with_a_reason_within_limits(tmp_path: Path):
    start = time.perf_counter()
    doc = extract_isolated(tmp_path, decompression_bomb(), timeout_s=30, max_memory_mb=256)
    elapsed = time.perf_counter() - start
    assert elapsed < 40
    assert doc.status in {"error", "no_text"}
    if doc.status == "error":
        assert doc.error
    else:  # PDFium held the inflated stream within the limit: no text, and no harm done
        assert not doc.sentences


def test_a_document_over_the_time_limit_is_ended_and_reported(tmp_path: Path):
    doc = extract_isolated(tmp_path, long_statement_pdf(150), timeout_s=0.5)  # seconds of work
    assert doc.status == "error" and doc.error.startswith("timed out")


def test_a_document_over_the_memory_limit_is_reported(tmp_path: Path):
    doc = extract_isolated(tmp_path, decompression_bomb(), max_memory_mb=128, timeout_s=30)
    assert doc.status == "error" and "memory" in doc.error


def test_the_size_cap_is_checked_before_any_work(tmp_path: Path):
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"0" * 5000)
    doc = extract_file(path, "application/pdf", max_bytes=1000)
    assert doc.status == "error" and "too large" in doc.error


def test_run_goes_on_after_bad_files(tmp_path: Path):
    good = tmp_path / "good.pdf"
    good.write_bytes(statement_pdf())
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    records = list(iter_sentence_records([empty, good, broken, good]))
    files = [r["file"] for r in records]
    runs = [f for i, f in enumerate(files) if i == 0 or files[i - 1] != f]
    assert runs == [str(empty), str(good), str(broken), str(good)]
    failures = [r for r in records if "status" in r]
    assert [r["file"] for r in failures] == [str(empty), str(broken)]
    assert all(r["status"] == "error" and r["error"] for r in failures)
    first = records[1]
    assert first["page"] == 1 and first["kind"] == "paragraph"
    assert first["text"].startswith("This statement is made under section 54")


@pytest.mark.parametrize("backend", ["nonsense"])
def test_unknown_backend_is_a_caller_error(backend: str):
    with pytest.raises(ValueError):
        extract_document(statement_pdf(), "application/pdf", backend=backend)
