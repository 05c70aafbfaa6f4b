"""OCR for image-only pages with Tesseract, read into the same positioned lines as the text backends.

Pages are rendered with PDFium and passed to the `tesseract` command (the
Debian package tesseract-ocr), whose TSV output gives each word with its
box; the layout stage then treats OCR pages like any other.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from extract.pdf_geometry import Word, lines_from_words
from extract.pdf_pages import RawPage, open_pdfium

OCR_DPI = 300
MIN_CONFIDENCE = 30.0
OCR_PAGE_TIMEOUT_S = 120


class OcrUnavailable(RuntimeError):
    """Tesseract is not installed (apt-get install tesseract-ocr)."""


def tesseract_available() -> bool:
    """Whether the tesseract command is on PATH."""
    return shutil.which("tesseract") is not None


def _words_from_tsv(tsv: str, scale: float) -> list[Word]:
    words: list[Word] = []
    lines = tsv.splitlines()
    for index, row in enumerate(lines[1:]):
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        if float(cols[10]) < MIN_CONFIDENCE:
            continue
        left, top, width, height = (int(c) / scale for c in cols[6:10])
        words.append(Word(cols[11].strip(), left, top, left + width, top + height, index))
    return words


def ocr_image(png: Path, scale: float, language: str = "eng") -> list[Word]:
    """Words Tesseract reads on one rendered page, with boxes in PDF points."""
    completed = subprocess.run(
        ["tesseract", str(png), "stdout", "-l", language, "--psm", "3", "tsv"],
        capture_output=True,
        text=True,
        timeout=OCR_PAGE_TIMEOUT_S,
        check=True,
    )
    return _words_from_tsv(completed.stdout, scale)


def ocr_pages(body: bytes, page_numbers: list[int], language: str = "eng") -> dict[int, RawPage]:
    """Selected pages (1-based) read by OCR; raises OcrUnavailable when Tesseract is missing."""
    if not tesseract_available():
        raise OcrUnavailable("tesseract is not installed (apt-get install -y tesseract-ocr)")
    scale = OCR_DPI / 72
    pdf = open_pdfium(body)
    result: dict[int, RawPage] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="msa-ocr-") as folder:
            for number in page_numbers:
                page = pdf[number - 1]
                width, height = page.get_size()
                image = page.render(scale=scale, grayscale=True).to_pil()
                png = Path(folder) / f"page-{number}.png"
                image.save(png)
                page.close()
                words = ocr_image(png, scale, language)
                text_chars = sum(len(w.text) for w in words)
                result[number] = RawPage(number, width, height, lines_from_words(words), text_chars)
    finally:
        pdf.close()
    return result
