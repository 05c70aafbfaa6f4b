"""`extract_document`: bytes of a statement document in, an ExtractedDocument out.

Decides PDF or HTML by vocabulary.media's rule, the one the crawler stored
the document's media type by: the bytes first (a stated media type can be
wrong: servers send PDFs as octet-stream and HTML error pages as PDF), the
stated type when the bytes do not say. Runs the matching extractor, splits
sentences and reads the metadata. Expected failures come back as a document
with status "error" and a reason.
"""

from __future__ import annotations

import os

from extract.html_content import document_links, html_page
from extract.metadata import document_metadata
from extract.pdf_document import MAX_PAGES, check_backend, extract_pdf
from extract.sentences import split_sentences
from extract.structures import ExtractedDocument, failed
from vocabulary.landing import landing_link, statement_links_first
from vocabulary.media import HTML, PDF, sniff_media_type
from vocabulary.pdf_backends import DEFAULT_PDF_BACKEND

MAX_BYTES = 200 * 1024 * 1024


def size_refusal(size: int, max_bytes: int) -> str | None:
    """Why a document of `size` bytes is not read (empty, or over `max_bytes`); None when it is."""
    if size == 0:
        return "empty document (0 bytes)"
    if size > max_bytes:
        return f"document too large: {size} bytes > {max_bytes}"
    return None


def extract_document(
    body: bytes,
    media_type: str | None = None,
    *,
    backend: str = DEFAULT_PDF_BACKEND,
    ocr: bool = False,
    url: str | None = None,
    max_pages: int = MAX_PAGES,
    max_bytes: int = MAX_BYTES,
) -> ExtractedDocument:
    """Pages, sentences, metadata and links of one document.

    `media_type` is the stated type (`pdf`/`html` as documents.media_type holds it, or a
    Content-Type), used when the bytes do not say; `backend` picks the PDF reader (one of
    vocabulary.pdf_backends.PDF_BACKENDS); `ocr` reads image-only pages with Tesseract; `url`
    resolves relative links of an HTML page.
    """
    check_backend(backend)
    if refusal := size_refusal(len(body), max_bytes):
        return failed(refusal, media_type=media_type or "")
    kind = sniff_media_type(body, media_type)
    if kind == PDF:
        return _extract_pdf_document(body, backend=backend, ocr=ocr, max_pages=max_pages)
    if kind == HTML:
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
    if refusal := size_refusal(size, max_bytes):
        return failed(refusal, media_type=media_type or "")
    try:
        with open(path, "rb") as handle:
            body = handle.read(max_bytes + 1)
    except OSError as exc:
        return failed(f"unreadable: {exc}", media_type=media_type or "")
    return extract_document(body, media_type, max_bytes=max_bytes, **options)  # type: ignore[arg-type]


def _extract_pdf_document(body: bytes, *, backend: str, ocr: bool, max_pages: int) -> ExtractedDocument:
    result = extract_pdf(body, backend=backend, ocr=ocr, max_pages=max_pages)
    doc = ExtractedDocument(status=result.status, error=result.error, backend=result.backend, media_type=PDF)
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
        status="ok", backend="trafilatura", media_type=HTML, pages=[page], links=statement_links_first(links)
    )
    if statement_link := landing_link(len(page.text.split()), links):
        doc.status = "landing_page"
        doc.error = f"landing page: links to {statement_link}"
        return doc
    doc.sentences = split_sentences(doc.pages)
    if not doc.sentences:
        doc.status = "no_text"
        doc.error = "no main content found in the HTML page"
        return doc
    doc.metadata = document_metadata(doc.pages, doc.sentences)
    return doc
