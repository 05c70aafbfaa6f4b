"""Landing pages (crawler/landing.py): which HTML pages only lead to the statement PDF, and where."""

from __future__ import annotations

from pathlib import Path

from crawler.landing import statement_pdf_link
from vocabulary.landing import LANDING_MAX_WORDS

PAGE = "https://www.example-co.example/about/modern-slavery/"
BLUE_ANCHOR = (
    Path(__file__).parent.parent
    / "sample_corpus/sites/www.blue-anchor-trading.example/about-us/modern-slavery.html"
)


def page(main: str, chrome: str = "") -> bytes:
    return (
        f"<!DOCTYPE html><html><head><title>Modern slavery</title></head><body>{chrome}"
        f"<main>{main}</main></body></html>"
    ).encode()


def test_the_statement_link_is_found_among_other_pdfs_and_made_absolute():
    body = page(
        "<h1>Modern slavery</h1><p>Our statements, year by year.</p>"
        '<a href="/files/price-list.pdf">Price list (PDF)</a> '
        '<a href="../../files/MSA-2024.pdf">Modern Slavery Statement 2024</a>'
    )
    assert statement_pdf_link(body, PAGE) == "https://www.example-co.example/files/MSA-2024.pdf"


def test_a_single_pdf_link_is_taken_whatever_its_name():
    body = page('<h1>Our commitments</h1><p><a href="https://cdn.example/d/8f2a1.pdf">Read it</a></p>')
    assert statement_pdf_link(body, PAGE) == "https://cdn.example/d/8f2a1.pdf"


def test_site_chrome_links_and_words_do_not_count():
    chrome = (
        '<div id="cookie-banner"><a href="/cookies.pdf">Cookie policy (PDF)</a></div>'
        '<nav><a href="/modern-slavery-policy.pdf">Modern slavery policy</a></nav>'
        + "<footer>"
        + "word " * (LANDING_MAX_WORDS * 2)
        + "</footer>"
    )
    body = page('<h1>Statement</h1><a href="/msa.pdf">Download (PDF)</a>', chrome)
    assert statement_pdf_link(body, PAGE) == "https://www.example-co.example/msa.pdf"


def test_a_full_html_statement_is_not_a_landing_page():
    text = "<p>" + "We assess our suppliers for forced labour risks every year. " * 40 + "</p>"
    body = page(f"<h1>Modern slavery statement</h1>{text}<a href='/msa.pdf'>PDF version</a>")
    assert statement_pdf_link(body, PAGE) is None


def test_pages_without_a_statement_pdf_link_and_hostile_bytes():
    two_unnamed = page('<a href="/a.pdf">A (PDF)</a> <a href="/b.pdf">B (PDF)</a>')
    assert statement_pdf_link(two_unnamed, PAGE) is None  # which one? not guessed
    self_link = page(f'<a href="{PAGE}">Modern slavery statement (PDF)</a>')
    assert statement_pdf_link(self_link, PAGE) is None
    odd_schemes = page(
        '<a href="mailto:msa@x.example">statement.pdf</a><a href="javascript:open(\'s.pdf\')">statement</a>'
    )
    assert statement_pdf_link(odd_schemes, PAGE) is None
    assert statement_pdf_link(b"", PAGE) is None
    assert statement_pdf_link(b"\x89PNG\r\n\x1a\n\x00\x00", PAGE) is None


def test_the_sample_corpus_landing_page():
    url = "https://www.blue-anchor-trading.example/about-us/modern-slavery.html"
    assert statement_pdf_link(BLUE_ANCHOR.read_bytes(), url) == (
        "https://www.blue-anchor-trading.example/files/blue-anchor-modern-slavery-statement-2023.pdf"
    )
