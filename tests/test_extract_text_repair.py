"""Ligatures, unmapped glyphs, line-end hyphenation, page furniture and the backend rule."""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas

import extract.pdf_document as pdf_document
from extract import extract_document
from extract.pdf_geometry import Line, Word
from extract.pdf_margins import is_page_number
from extract.pdf_pages import RawPage
from extract.text_repair import join_hyphenated, repair_characters


def test_ligatures_and_spaces_are_normalised():
    assert repair_characters("e\ufb03cient \ufb01nance\u00a0o\ufb00ice") == "efficient finance office"


def test_glyph_without_unicode_mapping_is_guessed_from_the_word():
    assert repair_characters("Asia-Paci\x1fc") == "Asia-Pacific"


def test_line_end_hyphens():
    assert join_hyphenated("com-", "panies") == "companies"
    assert join_hyphenated("self-", "assessment") == "self-assessment"
    assert join_hyphenated("Anti-", "Slavery") == "Anti-Slavery"
    assert join_hyphenated("day-to-", "day") == "day-to-day"
    assert join_hyphenated("Brightwa-", "ter", frozenset({"brightwater"})) == "Brightwater"


def test_page_numbers():
    for text in ("7", "Page 7", "7 of 12", "- 7 -", "│ 001", "vii"):
        assert is_page_number(text), text
    assert not is_page_number("2023 Annual Report")


def page_of(text: str) -> RawPage:
    words = [Word(w, 72 + 40 * i, 100, 100 + 40 * i, 112) for i, w in enumerate(text.split())]
    return RawPage(1, 612, 792, [Line(words)], len(text))


def test_garbled_rule():
    assert pdf_document.pdfium_text_is_garbled(page_of("\ue001\ue002\ue003 " * 20))
    assert not pdf_document.pdfium_text_is_garbled(page_of("We audit our suppliers every year " * 3))


def test_auto_sends_garbled_pages_to_pdfplumber(monkeypatch):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "We audit our suppliers every year and publish the results.")
    pdf.save()
    monkeypatch.setattr(pdf_document, "pdfium_text_is_garbled", lambda page: True)
    doc = extract_document(buffer.getvalue(), "application/pdf", backend="auto")
    assert doc.backend == "pdfplumber" and doc.metadata["page_backends"] == {"1": "pdfplumber"}
    assert doc.sentences[0].text == "We audit our suppliers every year and publish the results."
