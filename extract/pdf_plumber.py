"""The reference PDF backend: pdfplumber (pdfminer.six) words, read into the same lines as PDFium's.

Slow (about a hundred times PDFium on designed statements, whose vector
backgrounds pdfminer parses in Python) but independent of PDFium's text
mapping, so it is the second opinion for pages PDFium reads badly.
"""

from __future__ import annotations

import io

import pdfplumber

from extract.pdf_geometry import Line, Word, lines_from_words
from extract.pdf_pages import RawPage

_BOLD_HINTS = ("bold", "black", "heavy", "semibold", "demi")


def plumber_page(page: pdfplumber.page.Page, page_no: int) -> RawPage:
    """One pdfplumber page as lines; words keep pdfminer's stream order."""
    chars = page.chars
    words_raw = page.extract_words(
        keep_blank_chars=False, use_text_flow=True, extra_attrs=["fontname"], x_tolerance=1.5, y_tolerance=2
    )
    words: list[Word] = []
    bold_at: dict[int, bool] = {}
    for index, w in enumerate(words_raw):
        words.append(Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], index))
        bold_at[index] = any(h in w.get("fontname", "").lower() for h in _BOLD_HINTS)
    lines: list[Line] = lines_from_words(words)
    for line in lines:
        first, last = line.words[0].char_index, line.words[-1].char_index
        line.bold = bold_at.get(first, False) and bold_at.get(last, False)
    images = page.images
    area = sum(max(0.0, im["x1"] - im["x0"]) * max(0.0, im["bottom"] - im["top"]) for im in images)
    coverage = min(1.0, area / max(1.0, float(page.width * page.height)))
    rules = [(e["x0"], e["x1"], e["top"]) for e in page.horizontal_edges if e["x1"] - e["x0"] >= 8]
    vrules = [(e["x0"], e["top"], e["bottom"]) for e in page.vertical_edges if e["bottom"] - e["top"] >= 8]
    width, height = float(page.width), float(page.height)
    return RawPage(page_no, width, height, lines, len(chars), len(images), coverage, rules, vrules)


def open_plumber(body: bytes) -> pdfplumber.PDF:
    """Open PDF bytes with pdfplumber (an empty user password is tried by pdfminer itself)."""
    return pdfplumber.open(io.BytesIO(body))


def plumber_pages(body: bytes, page_numbers: list[int] | None = None) -> dict[int, RawPage]:
    """Selected pages (1-based numbers; all when None) read by pdfplumber."""
    result: dict[int, RawPage] = {}
    with open_plumber(body) as pdf:
        numbers = page_numbers if page_numbers is not None else list(range(1, len(pdf.pages) + 1))
        for number in numbers:
            page = pdf.pages[number - 1]
            result[number] = plumber_page(page, number)
            page.close()
    return result
