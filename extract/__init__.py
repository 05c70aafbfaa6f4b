"""extract/: statement document bytes → pages → blocks → sentences (+ metadata). Pure functions.

Owns PDF reading (PDFium fast path, pdfplumber reference, Tesseract OCR on
request), HTML main-content extraction, sentence segmentation (a spaCy
component) and metadata patterns. Imports only vocabulary/ of ours (what a
document's bytes are, what a landing page is, the PDF backends): the stage runner
in msa/ calls `extract_file` (the size checked before reading) in its worker
processes, which hold the time and memory limits, and stores what comes back.
"""

from __future__ import annotations

from extract.document import extract_document, extract_file
from extract.structures import Block, ExtractedDocument, Page, Sentence

# Bump when output for the same bytes changes, so the extract stage redoes stored documents.
EXTRACT_VERSION = "extract-1.0"

__all__ = [
    "EXTRACT_VERSION",
    "Block",
    "ExtractedDocument",
    "Page",
    "Sentence",
    "extract_document",
    "extract_file",
]
