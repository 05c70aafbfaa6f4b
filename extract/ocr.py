"""OCR for image-only pages with Tesseract, read into the same positioned lines as the text backends.

Pages are rendered with PDFium and passed to the `tesseract` command (the
Debian package tesseract-ocr), whose TSV output gives each word with its
box; the layout stage then treats OCR pages like any other.

OCR is slow (seconds a page), so it runs page by page within a time budget
that grows with the number of pages: the pages read before the budget ran
out are kept and the rest are named. Tesseract runs in its own process group
and dies with its caller; on timeout the group is killed, and the folder of
rendered pages (`msa-ocr-<pid>-*` in the temp folder) is always removed, or
swept later by `remove_stale_ocr_folders` when its process was killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from extract.pdf_geometry import Word, lines_from_words
from extract.pdf_pages import RawPage, open_pdfium

OCR_DPI = 300
MIN_CONFIDENCE = 30.0
# The budget: a base for starting up, then so many seconds a page (about 15 s a page was measured
# at 300 dpi on a loaded 2-core machine), and an upper bound whatever the page count.
OCR_BASE_BUDGET_S = 30.0
OCR_PAGE_BUDGET_S = 30.0
OCR_MAX_BUDGET_S = 3600.0
OCR_FOLDER_PREFIX = "msa-ocr-"
_OCR_FOLDER = re.compile(rf"^{OCR_FOLDER_PREFIX}(\d+)-")
PR_SET_PDEATHSIG = 1


class OcrUnavailable(RuntimeError):
    """Tesseract is not installed (apt-get install tesseract-ocr)."""


@dataclass
class OcrResult:
    """Pages read by OCR, and those left unread when the time budget ran out."""

    pages: dict[int, RawPage] = field(default_factory=dict)
    unread: list[int] = field(default_factory=list)
    budget_s: float = 0.0


def tesseract_available() -> bool:
    """Whether the tesseract command is on PATH."""
    return shutil.which("tesseract") is not None


def ocr_budget_s(pages: int) -> float:
    """Seconds OCR may spend on a document with `pages` pages to read."""
    return min(OCR_MAX_BUDGET_S, OCR_BASE_BUDGET_S + OCR_PAGE_BUDGET_S * pages)


def _words_from_tsv(tsv: str, scale: float) -> list[Word]:
    words: list[Word] = []
    lines = tsv.splitlines()
    for index, row in enumerate(lines[1:]):
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        if float(cols[10]) < MIN_CONFIDENCE:
            continue
        left, top, width, height = (int(c) / scale for c in cols[6:10])
        words.append(Word(cols[11].strip(), left, top, left + width, top + height, index))
    return words


def _die_with_parent() -> None:
    """In the tesseract child before exec: be killed when the process that started it dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def run_tesseract(png: Path, timeout_s: float, language: str = "eng") -> str:
    """Tesseract's TSV for one image; on timeout its whole process group is killed and
    subprocess.TimeoutExpired raised."""
    process = subprocess.Popen(
        ["tesseract", str(png), "stdout", "-l", language, "--psm", "3", "tsv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
    )
    try:
        out, err = process.communicate(timeout=max(0.01, timeout_s))
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, process.args, out, err)
    return out


def ocr_pages(
    body: bytes,
    page_numbers: list[int],
    language: str = "eng",
    *,
    budget_s: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> OcrResult:
    """Selected pages (1-based) read by OCR, page by page, until `budget_s` (default: ocr_budget_s of
    the page count) is spent; raises OcrUnavailable when Tesseract is missing."""
    if not tesseract_available():
        raise OcrUnavailable("tesseract is not installed (apt-get install -y tesseract-ocr)")
    budget = ocr_budget_s(len(page_numbers)) if budget_s is None else budget_s
    deadline = clock() + budget
    scale = OCR_DPI / 72
    result = OcrResult(budget_s=budget)
    pdf = open_pdfium(body)
    try:
        with tempfile.TemporaryDirectory(prefix=f"{OCR_FOLDER_PREFIX}{os.getpid()}-") as folder:
            for position, number in enumerate(page_numbers):
                if clock() >= deadline:
                    result.unread = page_numbers[position:]
                    break
                page = pdf[number - 1]
                width, height = page.get_size()
                png = Path(folder) / f"page-{number}.png"
                page.render(scale=scale, grayscale=True).to_pil().save(png)
                page.close()
                try:
                    tsv = run_tesseract(png, deadline - clock(), language)
                except subprocess.TimeoutExpired:
                    result.unread = page_numbers[position:]
                    break
                finally:
                    png.unlink(missing_ok=True)
                words = _words_from_tsv(tsv, scale)
                text_chars = sum(len(w.text) for w in words)
                result.pages[number] = RawPage(number, width, height, lines_from_words(words), text_chars)
    finally:
        pdf.close()
    return result


def remove_stale_ocr_folders(temp_dir: str | None = None) -> int:
    """Remove OCR page folders whose process is gone (killed before it could clean up); returns how many."""
    removed = 0
    root = Path(temp_dir or tempfile.gettempdir())
    for folder in root.glob(f"{OCR_FOLDER_PREFIX}*"):
        match = _OCR_FOLDER.match(folder.name)
        if not match or not folder.is_dir():
            continue
        try:
            os.kill(int(match.group(1)), 0)
            continue  # its process still runs
        except ProcessLookupError:
            pass
        except PermissionError:
            continue  # someone else's live process
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed
