"""HTML statements: main content without site chrome, blocks by kind, landing pages recognised."""

from __future__ import annotations

from extract import extract_document

CHROME = """<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li></ul></nav>
<div id="cookie-banner"><p>We use cookies to improve your experience. Accept all cookies?</p></div>"""
FOOTER = "<footer><p>Copyright 2024 Brightwater Foods Ltd. All rights reserved.</p></footer>"
PARAGRAPH = (
    "This statement is made pursuant to section 54 of the Modern Slavery Act 2015 and sets out the steps "
    "Brightwater Foods Ltd has taken during the financial year ending 31 March 2024 "
    "to prevent modern slavery. "
)


def page(main: str) -> bytes:
    body = f"<body>{CHROME}<main>{main}</main>{FOOTER}</body>"
    return f"<html><head><title>Statement</title></head>{body}</html>".encode()


STATEMENT = page(
    "<h1>Modern Slavery Statement 2024</h1>"
    f"<p>{PARAGRAPH * 3}</p>"
    "<h2>Our supply chains</h2>"
    "<ul><li>We source fruit from 12 countries</li><li>We audit our tier one packers</li></ul>"
    "<table><tr><td>Year</td><td>Audits</td></tr><tr><td>2024</td><td>45</td></tr></table>"
    f"<p>{PARAGRAPH * 2}This statement was approved by the Board of Directors on 12 June 2024.</p>"
)


def test_main_content_only_with_block_kinds():
    doc = extract_document(STATEMENT, "text/html")
    assert doc.status == "ok" and doc.backend == "trafilatura"
    text = doc.pages[0].text
    assert "cookies" not in text and "About us" not in text and "All rights reserved" not in text
    kinds = {(s.kind, s.text) for s in doc.sentences}
    assert ("heading", "Our supply chains") in kinds
    assert ("list_item", "We source fruit from 12 countries") in kinds
    assert ("table", "2024 | 45") in kinds
    assert doc.metadata["approval_date_iso"] == "2024-06-12"
    assert doc.metadata["reporting_period"]["end"] == "2024-03-31"


def test_media_type_is_sniffed_from_the_bytes():
    assert extract_document(STATEMENT, "application/octet-stream").status == "ok"


def test_landing_page_that_only_links_to_the_pdf():
    landing = page(
        "<h1>Modern slavery</h1><p>Read our latest statement.</p>"
        '<p><a href="/docs/modern-slavery-statement-2024.pdf">Modern Slavery Statement 2024 (PDF)</a></p>'
    )
    doc = extract_document(landing, "text/html", url="https://www.brightwater-foods.example/modern-slavery")
    assert doc.status == "landing_page"
    assert doc.links == ["https://www.brightwater-foods.example/docs/modern-slavery-statement-2024.pdf"]
    assert not doc.sentences


def test_page_without_main_content_is_no_text():
    doc = extract_document(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "text/html")
    assert doc.status == "no_text"
