"""`extract_document`: bytes of a statement document in, an ExtractedDocument out.

Decides PDF or HTML from the bytes themselves (a stated media type can be
wrong: servers send PDFs as octet-stream and HTML error pages as PDF), runs
the matching extractor, splits sentences and reads the metadata. Expected
failures come back as a document with status "error" and a reason.
"""

from __future__ import annotations

import os

from extract.html_content import document_links, html_page, is_landing_page, rank_links
from extract.metadata import document_metadata
from extract.pdf_document import BACKENDS, MAX_PAGES, extract_pdf
from extract.sentences import split_sentences
from extract.structures import ExtractedDocument, failed
from vocabulary.media import starts_as_pdf

MAX_BYTES = 200 * 1024 * 1024


def sniff_media_type(body: bytes, media_type: str | None = None) -> str | None:
    """'application/pdf', 'text/html' or None, from the leading bytes first and the stated type second."""
    head = body[:1024].lstrip().lower()
    if starts_as_pdf(body):
        return "application/pdf"
    if head.startswith(
        (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<!--", b"<meta", b"<div")
    ):
        return "text/html"
    stated = (media_type or "").split(";")[0].strip().lower()
    if stated in {"application/pdf", "application/x-pdf"}:
        return "application/pdf"
    if stated in {"text/html", "application/xhtml+xml"}:
        return "text/html"
    if b"<html" in body[:4096].lower() or b"<p" in body[:4096].lower():
        return "text/html"
    return None


def extract_document(
    body: bytes,
    media_type: str | None = None,
    *,
    backend: str = "auto",
    ocr: bool = False,
    url: str | None = None,
    max_pages: int = MAX_PAGES,
    max_bytes: int = MAX_BYTES,
) -> ExtractedDocument:
    """Pages, sentences, metadata and links of one document.

    `backend` picks the PDF reader ("auto", "pdfium", "pdfplumber"); `ocr`
    reads image-only pages with Tesseract; `url` resolves relative links of
    an HTML page.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if not body:
        return failed("empty document (0 bytes)", media_type=media_type or "")
    if len(body) > max_bytes:
        return failed(f"document too large: {len(body)} bytes > {max_bytes}", media_type=media_type or "")
    kind = sniff_media_type(body, media_type)
    if kind == "application/pdf":
        return _extract_pdf_document(body, backend=backend, ocr=ocr, max_pages=max_pages)
    if kind == "text/html":
        return _extract_html_document(body, url=url)
    return failed(f"unsupported document type: {media_type or 'unknown'}", media_type=media_type or "")


def extract_file(
    path: str | os.PathLike[str],
    media_type: str | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    **options: object,
) -> ExtractedDocument:
    """`extract_document` on a file: its size is checked before a byte is read, so that a huge file is
    refused without entering memory; a file that cannot be read is a recorded error."""
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        return failed(f"unreadable: {exc}", media_type=media_type or "")
    if size == 0:
        return failed("empty document (0 bytes)", media_type=media_type or "")
    if size > max_bytes:
        return failed(f"document too large: {size} bytes > {max_bytes}", media_type=media_type or "")
    try:
        with open(path, "rb") as handle:
            body = handle.read(max_bytes + 1)
    except OSError as exc:
        return failed(f"unreadable: {exc}", media_type=media_type or "")
    return extract_document(body, media_type, max_bytes=max_bytes, **options)  # type: ignore[arg-type]


def _extract_pdf_document(body: bytes, *, backend: str, ocr: bool, max_pages: int) -> ExtractedDocument:
    result = extract_pdf(body, backend=backend, ocr=ocr, max_pages=max_pages)
    doc = ExtractedDocument(
        status=result.status, error=result.error, backend=result.backend, media_type="application/pdf"
    )
    if result.status == "error":
        return doc
    doc.pages = result.pages
    doc.sentences = split_sentences(result.pages)
    doc.metadata = document_metadata(doc.pages, doc.sentences)
    doc.metadata["page_backends"] = {str(k): v for k, v in sorted(result.page_backends.items())}
    if result.image_only_pages:
        doc.metadata["image_only_pages"] = result.image_only_pages
    if result.ocr_pages:
        doc.metadata["ocr_pages"] = result.ocr_pages
    if result.ocr_unread_pages:
        doc.metadata["ocr_unread_pages"] = result.ocr_unread_pages
    if result.unloadable_pages:
        doc.metadata["unloadable_pages"] = {str(k): v for k, v in sorted(result.unloadable_pages.items())}
    return doc


def _extract_html_document(body: bytes, *, url: str | None) -> ExtractedDocument:
    page = html_page(body)
    links = document_links(body, url)
    doc = ExtractedDocument(
        status="ok", backend="trafilatura", media_type="text/html", pages=[page], links=rank_links(links)
    )
    if is_landing_page(page, links):
        doc.status = "landing_page"
        doc.error = f"landing page: links to {doc.links[0]}"
        return doc
    doc.sentences = split_sentences(doc.pages)
    if not doc.sentences:
        doc.status = "no_text"
        doc.error = "no main content found in the HTML page"
        return doc
    doc.metadata = document_metadata(doc.pages, doc.sentences)
    return doc
