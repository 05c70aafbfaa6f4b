"""A whole PDF: open, pick a backend per page, strip page furniture, lay out, OCR scans on request.

Backends: "pdfium" (fast, every page), "pdfplumber" (reference, every
page), "auto" (PDFium, with pdfplumber only for pages whose PDFium text
looks garbled; see `pdfium_text_is_garbled` for the rule and how it was
measured). Both backends only supply positioned words: columns, blocks and
tables are worked out by msa's own layout (pdf_layout, pdf_tables) either
way, so the slow backend is not needed for layout. Image-only pages are
recorded, and read with Tesseract when `ocr=True`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pypdfium2 as pdfium

from extract.pdf_layout import LayoutBlock, block_text, layout_page
from extract.pdf_margins import remove_page_furniture
from extract.pdf_pages import SCANNED_PAGE_MAX_CHARS, PdfOpenError, RawPage, open_pdfium, pdfium_page
from extract.structures import Block, Page
from extract.text_repair import document_vocabulary
from vocabulary.pdf_backends import DEFAULT_PDF_BACKEND, PDF_BACKENDS

MAX_PAGES = 600
# An image-only page: little or no text, and images covering much of it or drawing its words one by one.
SCANNED_MIN_IMAGE_SHARE = 0.3
SCANNED_MIN_IMAGES = 50
GARBLED_MAX_SHARE = 0.15
_ODD_CHARS = re.compile(r"[\x00-\x1f\ue000-\uf8ff\ufffd\ufffe]")


@dataclass
class PdfResult:
    """Pages of a PDF and what happened on the way."""

    pages: list[Page] = field(default_factory=list)
    status: str = "ok"
    error: str | None = None
    backend: str = ""
    image_only_pages: list[int] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    ocr_unread_pages: list[int] = field(default_factory=list)
    unloadable_pages: dict[int, str] = field(default_factory=dict)
    page_backends: dict[int, str] = field(default_factory=dict)


def check_backend(backend: str) -> None:
    """Refuse a backend name that is not one of PDF_BACKENDS (a caller's mistake, not the document's)."""
    if backend not in PDF_BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(PDF_BACKENDS)}")


def is_image_only(page: RawPage) -> bool:
    """A scanned page, or one whose words are drawn as images: no usable text layer."""
    if page.char_count >= SCANNED_PAGE_MAX_CHARS:
        return False
    if sum(ch.isalpha() for line in page.lines for ch in line.text) >= 100:
        return False
    return page.image_area >= SCANNED_MIN_IMAGE_SHARE or page.image_count >= SCANNED_MIN_IMAGES


def pdfium_text_is_garbled(page: RawPage) -> bool:
    """Whether PDFium's words on this page look like a broken text mapping rather than language.

    Counted over the page's characters: the share in the Private Use Area,
    control characters, or replacement characters. Measured with
    `python -m bench.bench_extract --plumber-layout` on the 201 real pages in
    ../shared: PDFium's and pdfplumber's words agree on 197 pages (word-bag
    agreement >= 0.92); on the four that disagree pdfplumber is the one that is
    wrong (words run together without spaces, fake-bold glyphs doubled,
    image-drawn words on both sides), and msa's layout over pdfplumber words
    scored no better on the checked pages. So no real page passes this rule
    and "auto" reads them all with PDFium; the rule sends pdfplumber the pages
    whose fonts lack a Unicode map, where pdfminer may decode differently.
    """
    text = "".join(line.text for line in page.lines)
    if len(text) < 40:
        return False
    return len(_ODD_CHARS.findall(text)) / len(text) > GARBLED_MAX_SHARE


def body_text_height(pages: list[RawPage]) -> float:
    """The most common line height, weighted by characters: the body text size."""
    counts: Counter[int] = Counter()
    for page in pages:
        for line in page.lines:
            counts[round(line.height * 2)] += len(line.text)
    if not counts:
        return 10.0
    return counts.most_common(1)[0][0] / 2


def _page_from_blocks(
    page_no: int, blocks: list[LayoutBlock], vocabulary: frozenset[str], backend: str
) -> Page:
    parts: list[Block] = []
    cursor = 0
    for block in blocks:
        text = block_text(block, vocabulary).strip()
        if not text:
            continue
        if parts:
            cursor += 2  # the blank line between blocks
        parts.append(Block(block.kind, text, cursor, cursor + len(text)))
        cursor += len(text)
    return Page(page_no, "\n\n".join(b.text for b in parts), tuple(parts), backend)


def _page_or_reason(pdf: pdfium.PdfDocument, index: int) -> RawPage | str:
    """One page's lines, or why PDFium could not load it (the other pages are still read)."""
    try:
        return pdfium_page(pdf, index)
    except pdfium.PdfiumError as exc:
        return f"unloadable page: {exc}"


def read_raw_pages(
    body: bytes, backend: str, max_pages: int, unloadable: dict[int, str] | None = None
) -> tuple[list[RawPage], dict[int, str]]:
    """Every page's lines from the chosen backend; raises PdfOpenError or ValueError with a reason.

    A page PDFium cannot load stays in place as an empty page, and its reason goes in `unloadable`.
    """
    check_backend(backend)
    pdf = open_pdfium(body)
    try:
        count = len(pdf)
        if count > max_pages:
            raise PdfOpenError(f"too many pages: {count} > {max_pages}")
        if count == 0:
            raise PdfOpenError("no pages")
        if backend == "pdfplumber":
            from extract.pdf_plumber import plumber_pages  # lazy: pdfplumber loads only for its backend

            pages = plumber_pages(body)
            return [pages[n] for n in sorted(pages)], {n: "pdfplumber" for n in pages}
        raw = []
        for index in range(count):
            page = _page_or_reason(pdf, index)
            if isinstance(page, str):
                if unloadable is not None:
                    unloadable[index + 1] = page
                page = RawPage(index + 1, 0.0, 0.0, [], 0)
            raw.append(page)
    finally:
        pdf.close()
    if len(raw) == len(unloadable or {}):
        raise PdfOpenError(f"no page could be loaded ({next(iter(unloadable.values()))})")
    used = {page.page_no: "pdfium" for page in raw}
    if backend == "auto":
        garbled = [page.page_no for page in raw if pdfium_text_is_garbled(page)]
        if garbled:
            from extract.pdf_plumber import plumber_pages  # lazy: pdfplumber, only for garbled pages

            for number, page in plumber_pages(body, garbled).items():
                raw[number - 1] = page
                used[number] = "pdfplumber"
    return raw, used


def extract_pdf(
    body: bytes, *, backend: str = DEFAULT_PDF_BACKEND, ocr: bool = False, max_pages: int = MAX_PAGES
) -> PdfResult:
    """PDF bytes → cleaned pages with blocks in reading order, and the document's status."""
    unloadable: dict[int, str] = {}
    try:
        raw, used = read_raw_pages(body, backend, max_pages, unloadable)
    except PdfOpenError as exc:
        return PdfResult(status="error", error=f"pdf: {exc}", backend=backend)
    result = PdfResult(page_backends=used, unloadable_pages=unloadable)
    result.image_only_pages = [page.page_no for page in raw if is_image_only(page)]
    ocr_note = "" if ocr else " (OCR is off)"
    if ocr and result.image_only_pages:
        from extract.ocr import OcrUnavailable, ocr_pages  # lazy: OCR is optional and rarely asked for

        try:
            read = ocr_pages(body, result.image_only_pages)
            for number, page in read.pages.items():
                raw[number - 1] = page
                used[number] = "tesseract"
                result.ocr_pages.append(number)
            result.ocr_unread_pages = read.unread
            if read.unread:
                ocr_note = f" (OCR stopped at its {read.budget_s:g} s budget)"
        except OcrUnavailable as exc:
            ocr_note = f" ({exc})"
    remove_page_furniture(raw)
    height = body_text_height(raw)
    vocabulary = document_vocabulary([line.text for page in raw for line in page.lines])
    for page in raw:
        blocks = layout_page(page.lines, height, page.rules, page.vrules) if page.lines else []
        result.pages.append(_page_from_blocks(page.page_no, blocks, vocabulary, used[page.page_no]))
    result.backend = "+".join(sorted(set(used.values())))
    unread = [n for n in result.image_only_pages if n not in result.ocr_pages]
    if result.ocr_pages and any(page.text for page in result.pages):
        if unread:  # the pages OCR read are kept; the ones it had no time for are named
            result.error = f"{len(unread)} of {len(raw)} pages not read: pages {unread}{ocr_note}"
    elif unread and len(unread) * 2 >= len(raw) and any(page.text for page in result.pages):
        result.status = (
            "no_text"  # words drawn as images on most pages: the little text there is not the statement
        )
        result.error = f"mostly image-only: {len(unread)} of {len(raw)} pages have no text layer{ocr_note}"
    elif not any(page.text for page in result.pages):
        result.status = "no_text"
        scanned = len(result.image_only_pages)
        result.error = (
            f"no text layer: {scanned} of {len(raw)} pages are image-only{ocr_note}"
            if scanned
            else "no text found on any page"
        )
    if unloadable and result.status == "ok":
        note = f"{len(unloadable)} of {len(raw)} pages could not be loaded: pages {sorted(unloadable)}"
        result.error = f"{result.error}; {note}" if result.error else note
    return result
