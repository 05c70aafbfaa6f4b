"""Whether a fetched body is a statement document, decided from its bytes by vocabulary.media's rule:
servers mislabel content types, so headers are not asked (a disagreeing one is only counted).

A body that is neither a PDF nor an HTML page (an image, a JSON error, an empty reply) is not a
statement document; the pipeline records it as a failed fetch with the reason this module gives.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from vocabulary.media import HTML, MIME_TYPES, sniff_media_type
from vocabulary.roles import LINKED_PDF, REGISTRY_PDF

# Links that must lead to a PDF: an HTML page there is an error page or a moved file, not the statement.
PDF_ROLES = (REGISTRY_PDF, LINKED_PDF)


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
    if media_type == HTML and (role in PDF_ROLES or urlsplit(url).path.lower().endswith(".pdf")):
        return None, f"html_not_pdf: the link names a PDF but the server sent an HTML page, {len(body)} bytes"
    return media_type, None


def content_type_mismatch(media_type: str, content_type: str | None) -> str | None:
    """`pdf served as text/html` when the Content-Type header disagrees with the bytes, else None."""
    declared = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type in MIME_TYPES and declared not in MIME_TYPES[media_type]:
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
