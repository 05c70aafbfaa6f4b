"""What a document's bytes are: the PDF header rule that the crawler (at fetch) and extraction share.

Real PDFs may carry a little junk before their header (a BOM, blank lines, a stray byte or two of a
mail or HTTP wrapper); a page that mentions "%PDF-" further in, or after a tag, is not one.
"""

from __future__ import annotations

PDF_HEADER_MAX_OFFSET = 16


def starts_as_pdf(body: bytes) -> bool:
    """Whether `%PDF-` opens the body: at most PDF_HEADER_MAX_OFFSET bytes before it, none of them `<`."""
    offset = body.find(b"%PDF-", 0, PDF_HEADER_MAX_OFFSET + 5)
    return 0 <= offset <= PDF_HEADER_MAX_OFFSET and b"<" not in body[:offset]
