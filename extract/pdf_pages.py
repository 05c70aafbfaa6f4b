"""The fast PDF backend: positioned words from PDFium's text layer.

PDFium gives the page text in one call; asking it for the box of every
character is what makes a layout-aware extractor slow, so this module asks
only for the first and last character of each word (two calls per word)
and for the font weight of each line's first word.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extract.pdf_geometry import Line, Word, lines_from_words

# PDFium marks a hyphen it found at a line end with U+FFFE and joins the two lines in its text.
PDFIUM_LINE_HYPHEN = "\ufffe"
_WORD = re.compile(r"[^ \t\r\n\f\v\u00a0\u2000-\u200b\u3000\ufffe]+\ufffe?|\ufffe")
# Below this many characters a page may be a scan with a stray text run (a page number, a stamp).
SCANNED_PAGE_MAX_CHARS = 200
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


@dataclass(slots=True)
class RawPage:
    """What a backend saw on one page, before layout analysis."""

    page_no: int
    width: float
    height: float
    lines: list[Line]
    char_count: int
    image_count: int = 0
    image_area: float = 0.0
    rules: list[tuple[float, float, float]] = field(default_factory=list)
    vrules: list[tuple[float, float, float]] = field(default_factory=list)


class PdfOpenError(Exception):
    """The bytes are not a PDF PDFium can open (corrupt, truncated, or needs a password)."""


_PDFIUM_ERRORS = {
    1: "unknown error",
    2: "file not found or could not be opened",
    3: "not a PDF or corrupted",
    4: "password required (encrypted)",
    5: "unsupported security scheme",
    6: "page not found or content error",
}


def open_pdfium(body: bytes) -> pdfium.PdfDocument:
    """Open PDF bytes (empty-password encryption is handled by PDFium); raises PdfOpenError with a reason."""
    try:
        return pdfium.PdfDocument(body)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        reason = _PDFIUM_ERRORS.get(code, str(exc)) if code is not None else str(exc)
        raise PdfOpenError(reason) from exc


def _font_is_bold(textpage: pdfium.PdfTextPage, index: int) -> bool:
    raw = textpage.raw
    weight = pdfium_c.FPDFText_GetFontWeight(raw, index)
    if weight >= 600:
        return True
    flags = ctypes.c_int()
    size = pdfium_c.FPDFText_GetFontInfo(raw, index, None, 0, ctypes.byref(flags))
    if size <= 0:
        return False
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFText_GetFontInfo(raw, index, buffer, size, ctypes.byref(flags))
    name = buffer.value.decode("utf-8", "replace")
    return bool(_BOLD_NAME.search(name)) or bool(flags.value & (1 << 18))  # 1<<18: ForceBold


def page_words(textpage: pdfium.PdfTextPage, page_height: float) -> tuple[list[Word], int]:
    """Words of one page with boxes; returns (words, character count)."""
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    if count <= 0:
        return [], 0
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # characters outside the BMP: read one code point per index instead
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i) or 32) for i in range(count))
    rect = pdfium_c.FS_RECTF()
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    words: list[Word] = []
    for match in _WORD.finditer(text):
        start, end = match.start(), match.end() - 1
        if not get_box(raw, start, rect):
            continue
        x0, top, bottom = rect.left, page_height - rect.top, page_height - rect.bottom
        if end != start and get_box(raw, end, rect):
            x1 = rect.right
            top, bottom = min(top, page_height - rect.top), max(bottom, page_height - rect.bottom)
        else:
            x1 = rect.right
        if x1 < x0 or bottom - top > 200:  # rotated or mirrored run: boxes do not describe a line
            x0, x1 = min(x0, x1), max(x0, x1)
        word = match.group().replace(PDFIUM_LINE_HYPHEN, "-")
        words.append(Word(word, x0, top, x1, bottom, start))
    return words, count


def _image_coverage(page: pdfium.PdfPage) -> tuple[int, float]:
    """Number of image objects on the page and the share of the page they cover (capped at 1)."""
    width, height = page.get_size()
    area = 0.0
    images = 0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        images += 1
        left, bottom, right, top = obj.get_bounds()
        area += max(0.0, right - left) * max(0.0, top - bottom)
        if images > 2000:  # pages of image-drawn words: the count alone says enough
            break
    return images, min(1.0, area / max(1.0, width * height))


Edges = list[tuple[float, float, float]]


def ruling_edges(page: pdfium.PdfPage, page_height: float) -> tuple[Edges, Edges]:
    """Edges drawn by paths: horizontal (x0, x1, y) and vertical (x, top, bottom), boxes giving all four."""
    rules: Edges = []
    vrules: Edges = []
    raw = page.raw
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for index in range(pdfium_c.FPDFPage_CountObjects(raw)):
        obj = pdfium_c.FPDFPage_GetObject(raw, index)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        width, height = right.value - left.value, top.value - bottom.value
        y_top, y_bottom = page_height - top.value, page_height - bottom.value
        if width >= 8:
            rules.append((left.value, right.value, y_top))
            if height > 2:
                rules.append((left.value, right.value, y_bottom))
        if height >= 8:
            vrules.append((left.value, y_top, y_bottom))
            if width > 2:
                vrules.append((right.value, y_top, y_bottom))
    return rules, vrules


def has_shared_baselines(lines: list[Line], pieces: int = 2) -> bool:
    """Whether some baseline holds `pieces` or more separate line pieces: a possible table row."""
    counts: dict[int, int] = {}
    for line in lines:
        key = round(line.bottom / 2)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] >= pieces:
            return True
    return False


def pdfium_page(pdf: pdfium.PdfDocument, index: int) -> RawPage:
    """Read one page: words grouped into lines, and (for a page with little text) how much of it is image."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            words, count = page_words(textpage, height)
            lines = lines_from_words(words)
            for line in lines:
                # bold only when the whole line is: an inline bold phrase must not look like a heading
                first, last = line.words[0].char_index, line.words[-1].char_index
                line.bold = (
                    first >= 0
                    and _font_is_bold(textpage, first)
                    and (last == first or _font_is_bold(textpage, last))
                )
        finally:
            textpage.close()
        images, area = _image_coverage(page) if count < SCANNED_PAGE_MAX_CHARS else (0, 0.0)
        rules, vrules = ruling_edges(page, height) if has_shared_baselines(lines) else ([], [])
        return RawPage(index + 1, width, height, lines, count, images, area, rules, vrules)
    finally:
        page.close()


def pdfium_pages(pdf: pdfium.PdfDocument) -> Iterator[RawPage]:
    """Every page of an open document, in order."""
    for index in range(len(pdf)):
        yield pdfium_page(pdf, index)
