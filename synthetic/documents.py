"""Documents written without a library, byte for byte: minimal PDFs and bare HTML pages.

For corpora that need many small valid documents fast (synthetic/corpus.py, the crawler test corpus),
for the replica's own pages, and for tests that hand-build hostile PDFs from raw objects.
"""

from __future__ import annotations

import html
import io


def pdf_from_objects(objects: list[bytes], version: bytes = b"1.4") -> bytes:
    """A valid PDF file around numbered object bodies (object 1 the catalog), with its xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-" + version + b"\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def minimal_pdf(*lines: str, padding: int = 0) -> bytes:
    """A small valid one-page PDF showing the given lines; `padding` bytes of comment make it bigger."""
    text = (
        "BT /F1 11 Tf 72 720 Td 14 TL "
        + " ".join(
            "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*"
            for line in lines
        )
        + " ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text.encode("latin-1") + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(pdf_from_objects(objects))
    for start in range(0, padding, 64):  # comment lines after %%EOF: readers ignore them
        out.write(b"%" + b"x" * min(63, padding - start - 1) + b"\n")
    return out.getvalue()


def html_page(title: str, body: str) -> str:
    """A bare HTML page: `body` (markup) inside <main>, under an escaped <title>."""
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
