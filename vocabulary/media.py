"""What a document's bytes are: one sniffing rule and one set of media-type names for every stage.

The crawler sniffs each fetched body at fetch time and stores the name in `documents.media_type`
(`pdf`, `html`); extraction reads a document by the same rule, with the stored name as its fallback
when the bytes alone do not say. Servers mislabel content types, so a stated type never overrides
the bytes: a PDF sent as octet-stream is a PDF, an HTML error page sent as a PDF is HTML.

Real PDFs may carry a little junk before their header (a BOM, blank lines, a stray byte or two of a
mail or HTTP wrapper); a page that mentions "%PDF-" further in, or after a tag, is not one.
"""

from __future__ import annotations

PDF = "pdf"
HTML = "html"
# The names documents.media_type holds; a body that is neither is not a statement document.
MEDIA_TYPES: tuple[str, ...] = (PDF, HTML)
# Content-Type values that mean each media type (a server's or a caller's stated type).
MIME_TYPES: dict[str, tuple[str, ...]] = {
    PDF: ("application/pdf", "application/x-pdf"),
    HTML: ("text/html", "application/xhtml+xml"),
}

PDF_HEADER_MAX_OFFSET = 16
# How far into the body the HTML markers are looked for.
HTML_WINDOW = 4096
_HTML_MARKERS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<title",
    b"<meta",
    b"<div",
    b"<p>",
    b"<p ",
)


def starts_as_pdf(body: bytes) -> bool:
    """Whether `%PDF-` opens the body: at most PDF_HEADER_MAX_OFFSET bytes before it, none of them `<`."""
    offset = body.find(b"%PDF-", 0, PDF_HEADER_MAX_OFFSET + 5)
    return 0 <= offset <= PDF_HEADER_MAX_OFFSET and b"<" not in body[:offset]


def looks_like_html(body: bytes) -> bool:
    """Whether the body opens with markup (after a BOM and white space) and carries an HTML tag early on."""
    head = body[:HTML_WINDOW].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and any(marker in head for marker in _HTML_MARKERS):
        return True
    return head.startswith(b"<?xml") and b"<html" in head


def media_type_named(stated: str | None) -> str | None:
    """The media type a stated type names: `pdf`/`html` themselves or a Content-Type such as
    `application/pdf; charset=binary`; None for anything else (`other`, octet-stream, nothing)."""
    name = (stated or "").split(";", 1)[0].strip().lower()
    for media_type, mime_types in MIME_TYPES.items():
        if name == media_type or name in mime_types:
            return media_type
    return None


def sniff_media_type(body: bytes, stated: str | None = None) -> str | None:
    """`pdf` or `html` from the bytes; when they do not say, what `stated` names; else None."""
    if starts_as_pdf(body):
        return PDF
    if looks_like_html(body):
        return HTML
    return media_type_named(stated)
