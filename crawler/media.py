"""What a fetched body is, decided from its bytes: servers mislabel content types, so headers are not asked.

A body that is neither a PDF nor an HTML page (an image, a JSON error, an empty reply) is not a
statement document; the pipeline records it as a failed fetch with the reason this module gives.
"""

from __future__ import annotations

# PDF readers accept the header anywhere in the first KiB; so do we.
_PDF_WINDOW = 1024
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
    if b"%PDF-" in body[:_PDF_WINDOW]:
        return "pdf"
    head = body[:_HTML_WINDOW].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and any(marker in head for marker in _HTML_MARKERS):
        return "html"
    if head.startswith(b"<?xml") and b"<html" in head:
        return "html"
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
