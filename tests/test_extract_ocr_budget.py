"""OCR runs page by page within a time budget and keeps the pages it read; when the budget runs
out, tesseract is killed and no process or page folder is left behind.

The image-only PDF is made here: text drawn into a picture (PIL), the picture placed on each page
(reportlab), so the pages have no text layer.
"""

from __future__ import annotations

import io
import os
import tempfile
import uuid
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from extract import extract_document
from extract.ocr import OCR_FOLDER_PREFIX, ocr_pages, remove_stale_ocr_folders, tesseract_available
from tests.fault_corpus import marked_processes

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PAGES = [
    "Our suppliers were audited for forced labour.",
    "The board approved this statement in June.",
    "Workers received training on recruitment fees.",
]
needs_tesseract = pytest.mark.skipif(not tesseract_available(), reason="tesseract is not installed")


def image_only_pdf(lines: list[str]) -> bytes:
    """One page per line of text, each page a picture of its text and nothing else."""
    font = ImageFont.truetype(str(FONT), 36) if FONT.exists() else ImageFont.load_default()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(400, 80))
    for line in lines:
        picture = Image.new("L", (1600, 320), 255)
        ImageDraw.Draw(picture).text((40, 130), line, fill=0, font=font)
        pdf.drawImage(ImageReader(picture), 0, 0, width=400, height=80)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def our_ocr_folders() -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"{OCR_FOLDER_PREFIX}{os.getpid()}-*"))


@needs_tesseract
def test_an_image_only_pdf_is_read_page_by_page():
    doc = extract_document(image_only_pdf(PAGES), "application/pdf", ocr=True)
    assert doc.status == "ok" and doc.metadata["ocr_pages"] == [1, 2, 3]
    assert "ocr_unread_pages" not in doc.metadata
    text = " ".join(s.text for s in doc.sentences).lower()
    assert "forced labour" in text and "recruitment fees" in text
    assert not our_ocr_folders()


class StepClock:
    """A clock that stands still for `still` readings, then jumps past any budget."""

    def __init__(self, still: int) -> None:
        self.readings = 0
        self.still = still

    def __call__(self) -> float:
        self.readings += 1
        return 0.0 if self.readings <= self.still else 1e9


@needs_tesseract
def test_the_pages_read_before_the_budget_ran_out_are_kept():
    # readings: the deadline, page 1's check, page 1's tesseract timeout; page 2's check jumps
    result = ocr_pages(image_only_pdf(PAGES), [1, 2, 3], budget_s=60, clock=StepClock(still=3))
    assert sorted(result.pages) == [1] and result.unread == [2, 3]
    assert "forced" in " ".join(line.text for line in result.pages[1].lines).lower()
    assert not our_ocr_folders()


@needs_tesseract
def test_a_spent_budget_kills_tesseract_and_removes_the_page_folder(monkeypatch):
    marker = uuid.uuid4().hex
    monkeypatch.setenv("MSA_TEST_RUN", marker)  # tesseract inherits it: any survivor is found
    result = ocr_pages(image_only_pdf(PAGES), [1, 2, 3], budget_s=0.05)
    assert result.pages == {} and result.unread == [1, 2, 3]
    assert marked_processes(marker) == {}
    assert not our_ocr_folders()


@needs_tesseract
def test_a_document_whose_ocr_ran_out_of_time_keeps_its_read_pages(monkeypatch):
    from extract import ocr

    real = ocr.ocr_pages
    monkeypatch.setattr(
        ocr, "ocr_pages", lambda body, pages: real(body, pages, budget_s=60, clock=StepClock(3))
    )
    doc = extract_document(image_only_pdf(PAGES), "application/pdf", ocr=True)
    assert doc.status == "ok"
    assert doc.metadata["ocr_pages"] == [1] and doc.metadata["ocr_unread_pages"] == [2, 3]
    assert "2 of 3 pages not read: pages [2, 3] (OCR stopped at its 60 s budget)" in doc.error
    assert "forced labour" in doc.sentences[0].text.lower()


def test_page_folders_of_processes_that_are_gone_are_swept(tmp_path):
    gone = os.fork()
    if gone == 0:
        os._exit(0)
    os.waitpid(gone, 0)
    stale = tmp_path / f"{OCR_FOLDER_PREFIX}{gone}-abc"
    live = tmp_path / f"{OCR_FOLDER_PREFIX}{os.getpid()}-def"
    other = tmp_path / f"{OCR_FOLDER_PREFIX}unnumbered"
    for folder in (stale, live, other):
        folder.mkdir()
        (folder / "page-1.png").write_bytes(b"png")
    assert remove_stale_ocr_folders(str(tmp_path)) == 1
    assert not stale.exists() and live.exists() and other.exists()
