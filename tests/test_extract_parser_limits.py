"""Parser limits no longer cost whole documents: a page of 1,200 staircased lines, a block over
spaCy's 1,000,000 characters, one page PDFium cannot load; and the linear layout gives the same
blocks as the quadratic code it replaced (kept in bench/bench_layout.py as the baseline).
"""

from __future__ import annotations

import io
import random

import pytest
from reportlab.pdfgen import canvas

from bench.bench_layout import HEIGHT, baseline_layout_page, prose_page, table_page
from extract import extract_document
from extract.pdf_geometry import Line, Word
from extract.pdf_layout import layout_page
from extract.sentences import MAX_PIECE_CHARS, _pieces
from synthetic.documents import pdf_from_objects


def staircase_pdf(lines: int = 1200) -> bytes:
    """One page of `lines` one-letter lines, each right of and below the last, a gutter apart."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(lines * 6 + 20, 792))
    pdf.setFont("Helvetica", 1)
    for n in range(lines):
        pdf.drawString(1 + n * 6, 791 - n * 0.6, "a")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_a_page_of_1200_staircase_lines_is_read_in_order():
    body = staircase_pdf()
    assert len(body) < 12_000
    doc = extract_document(body, "application/pdf")
    assert doc.status == "ok", doc.error
    assert len(doc.sentences) == 1200


def test_a_block_over_a_million_characters_is_split_into_sentences():
    paragraph = "Workers were paid on time. " * 60_000  # 1.6 MB in one paragraph
    doc = extract_document(f"<html><body><p>{paragraph}</p></body></html>".encode(), "text/html")
    assert doc.status == "ok", doc.error
    assert len(doc.sentences) == 60_000
    text = doc.pages[0].text
    assert all(
        text[s.char_start : s.char_end] == s.text == "Workers were paid on time." for s in doc.sentences
    )


def test_long_text_is_cut_at_sentence_ends_into_pieces_that_cover_it():
    text = "".join(f"Sentence number {n} is here. " for n in range(20_000))
    pieces = _pieces(text)
    assert len(pieces) > 1 and "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= MAX_PIECE_CHARS for _, piece in pieces)
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in pieces)
    assert all(piece.endswith(" is here. ") for _, piece in pieces[:-1])
    assert _pieces("x" * (MAX_PIECE_CHARS * 2 + 5)) == [
        (0, "x" * MAX_PIECE_CHARS),
        (MAX_PIECE_CHARS, "x" * MAX_PIECE_CHARS),
        (2 * MAX_PIECE_CHARS, "xxxxx"),
    ]


def page_text(words: bytes) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (" + words + b") Tj ET"


def pdf_with_pages(kids: bytes, count: int) -> bytes:
    """A PDF whose page tree lists `kids`: 3 0 R and 7 0 R are pages, 6 0 R is not a page dictionary."""
    first = page_text(b"This statement is made under section 54 of the Modern Slavery Act.")
    last = page_text(b"It was approved by the board of directors in June.")
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(first) + first + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"42",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 8 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(last) + last + b"\nendstream",
        ]
    )


def test_an_unloadable_page_is_recorded_and_the_other_pages_kept():
    doc = extract_document(pdf_with_pages(b"3 0 R 6 0 R 7 0 R", 3), "application/pdf")
    assert doc.status == "ok"
    assert [page.page_no for page in doc.pages] == [1, 2, 3] and doc.pages[1].text == ""
    assert [s.page_no for s in doc.sentences] == [1, 3]
    assert list(doc.metadata["unloadable_pages"]) == ["2"]
    assert "1 of 3 pages could not be loaded: pages [2]" in doc.error


def test_a_pdf_with_no_loadable_page_is_an_error():
    doc = extract_document(pdf_with_pages(b"6 0 R", 1), "application/pdf")
    assert doc.status == "error" and doc.error.startswith("pdf: no page could be loaded")


def blocks(found) -> list:
    return [(b.kind, [line.text for line in b.lines], b.rows) for b in found]


def columns_page(seed: int) -> list[Line]:
    """Random paragraphs in one to three columns, with full-width headings between sections."""
    rng = random.Random(seed)
    lines, top, n = [], 0.0, 0
    for _ in range(12):
        lines.append(Line([Word(f"Heading {n}", 72, top, 300, top + 14, n)]))
        top += 20
        columns = rng.choice([1, 2, 3])
        width = 450 / columns
        depth = rng.randint(2, 8)
        for column in range(columns):
            for row in range(depth):
                x0 = 72 + column * width
                y = top + row * 1.2 * HEIGHT
                lines.append(Line([Word(f"text {n} {column} {row}", x0, y, x0 + width - 20, y + HEIGHT, n)]))
                n += 1
        top += depth * 1.2 * HEIGHT + rng.choice([4, 12, 30])
    return lines


@pytest.mark.parametrize(
    "page",
    [prose_page(300), table_page(300), *(columns_page(seed) for seed in range(6))],
    ids=["prose", "table", *(f"columns-{seed}" for seed in range(6))],
)
def test_the_linear_layout_gives_the_blocks_of_the_former_one(page):
    assert blocks(layout_page(page, HEIGHT)) == blocks(baseline_layout_page(page, HEIGHT))
