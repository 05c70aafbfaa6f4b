"""What counts as a PDF: `%PDF-` opening the body, after at most a little junk, never after a tag.

Real PDFs may start with a BOM, blank lines or a few stray bytes before their header; an HTML
page that mentions "%PDF-" in its first kilobyte (a link text, a script) is HTML.
"""

from __future__ import annotations

import pytest

from extract import extract_document
from extract.document import sniff_media_type
from vocabulary.media import PDF_HEADER_MAX_OFFSET, starts_as_pdf


@pytest.mark.parametrize(
    "head",
    [
        b"%PDF-1.7\n",
        b"\xef\xbb\xbf%PDF-1.4\n",  # a UTF-8 BOM
        b"\r\n\r\n  %PDF-1.5\n",  # blank lines and spaces
        b"\x00\x00junk%PDF-1.6\n",  # a few stray bytes
        b"x" * PDF_HEADER_MAX_OFFSET + b"%PDF-1.3\n",  # the most junk allowed
    ],
)
def test_a_pdf_header_at_the_start_after_a_little_junk_is_a_pdf(head):
    assert starts_as_pdf(head + b"rest of the file")
    assert sniff_media_type(head + b"rest of the file", "text/html") == "application/pdf"


@pytest.mark.parametrize(
    "body",
    [
        b"x" * (PDF_HEADER_MAX_OFFSET + 1) + b"%PDF-1.3\n",  # one byte too many before it
        b"<p>%PDF-1.4</p>",  # after a tag, however close
        b"<!doctype html><html><body><a href='s.pdf'>Download (%PDF-1.7, 2 MB)</a></body></html>",
    ],
)
def test_pdf_marker_further_in_or_after_a_tag_is_not_a_pdf(body):
    assert not starts_as_pdf(body)
    assert sniff_media_type(body) != "application/pdf"


def test_an_html_page_mentioning_pdf_in_its_first_kilobyte_is_read_as_html():
    page = (
        "<!doctype html><html><head><title>Statement</title>"
        "<script>var kind = '%PDF-1.7';</script></head><body><main>"
        + "<p>We audited every supplier of the group for forced labour risks this year.</p>" * 8
        + "</main></body></html>"
    ).encode()
    assert b"%PDF-" in page[:1024]
    doc = extract_document(page, "text/html")
    assert doc.media_type == "text/html" and doc.status == "ok"
    assert doc.sentences[0].text.startswith("We audited every supplier")
