"""What a fetched body is, decided from its bytes: servers mislabel content types, so headers are not asked.

A body that is neither a PDF nor an HTML page (an image, a JSON error, an empty reply) is not a
statement document; the pipeline records it as a failed fetch with the reason this module gives.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from vocabulary.media import starts_as_pdf

_HTML_WINDOW = 4096
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


def sniff_media_type(body: bytes) -> str | None:
    """`pdf`, `html`, or None when the bytes are neither."""
    if starts_as_pdf(body):
        return "pdf"
    head = body[:_HTML_WINDOW].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and any(marker in head for marker in _HTML_MARKERS):
        return "html"
    if head.startswith(b"<?xml") and b"<html" in head:
        return "html"
    return None


# Content-Type values that agree with a sniffed media type.
DECLARED_TYPES = {
    "pdf": ("application/pdf", "application/x-pdf"),
    "html": ("text/html", "application/xhtml+xml"),
}
# Links that must lead to a PDF: an HTML page there is an error page or a moved file, not the statement.
PDF_ROLES = ("registry_pdf", "linked_pdf")


def classify_body(body: bytes, role: str, url: str) -> tuple[str | None, str | None]:
    """(media type, None) for a statement document, or (None, `category: reason`) for what is not one.

    A link that names a PDF (`.pdf`, or a registry or landing-page PDF link) answered with an HTML
    page is refused: the server's "not found" page or home page, not the statement.
    """
    if not body:
        return None, "empty_body: the server sent no bytes"
    media_type = sniff_media_type(body)
    if media_type is None:
        return None, f"not_a_document: neither PDF nor HTML ({describe_body(body)})"
    if media_type == "html" and (role in PDF_ROLES or urlsplit(url).path.lower().endswith(".pdf")):
        return None, f"html_not_pdf: the link names a PDF but the server sent an HTML page, {len(body)} bytes"
    return media_type, None


def content_type_mismatch(media_type: str, content_type: str | None) -> str | None:
    """`pdf served as text/html` when the Content-Type header disagrees with the bytes, else None."""
    declared = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type in DECLARED_TYPES and declared not in DECLARED_TYPES[media_type]:
        return f"{media_type} served as {declared or 'no Content-Type'}"
    return None


def describe_body(body: bytes) -> str:
    """A short, safe description of an unrecognised body, for the failure reason."""
    if not body:
        return "empty body"
    signatures = {
        b"\x89PNG": "a PNG image",
        b"\xff\xd8\xff": "a JPEG image",
        b"GIF8": "a GIF image",
        b"PK\x03\x04": "a ZIP container (docx/xlsx?)",
        b"\xd0\xcf\x11\xe0": "an OLE file (doc/xls?)",
        b"{": "JSON-like text",
        b"[": "JSON-like text",
    }
    stripped = body.lstrip()
    for signature, what in signatures.items():
        if stripped.startswith(signature):
            return f"{what}, {len(body)} bytes"
    return f"unrecognised content, {len(body)} bytes, starting {body[:16]!r}"
