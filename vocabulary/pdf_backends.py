"""The PDF readers extraction offers, named once for extract/ and the CLI's `--backend` choice.

"pdfium" (fast, every page), "pdfplumber" (reference, every page), "auto" (PDFium, pdfplumber for
pages whose PDFium text looks garbled; extract/pdf_document.py). Here rather than in extract/ so
that `msa --help` lists them without loading the readers.
"""

from __future__ import annotations

PDF_BACKENDS: tuple[str, ...] = ("auto", "pdfium", "pdfplumber")
DEFAULT_PDF_BACKEND = "auto"
