"""Run extraction in a child process with a time and memory limit, so a hostile file cannot stop a run.

A decompression bomb, a page tree that loops, or a parser crash in native
code end the child, not the caller: the parent gets back an ExtractedDocument
with status "error" and the reason (timeout, out of memory, crash).
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing as mp
import os
import resource
import signal
from functools import lru_cache
from multiprocessing.connection import Connection
from pathlib import Path

from extract.document import MAX_BYTES, extract_document
from extract.pdf_document import MAX_PAGES
from extract.sentences import sentence_pipeline
from extract.structures import ExtractedDocument, failed
from extract.text_repair import word_zipf

DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MAX_MEMORY_MB = 2048


def _child(
    conn: Connection, source: bytes | str, media_type: str | None, options: dict, max_memory_mb: int
) -> None:
    """Body of the child process: cap the address space, extract, send the result back."""
    # A native abort under the memory cap is reported by the parent as a reason; a faulthandler
    # inherited from the parent (pytest enables one) would only print a stack dump.
    faulthandler.disable()
    limit = max_memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):  # a platform without RLIMIT_AS still gets the timeout
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        body = Path(source).read_bytes() if isinstance(source, str) else source
        doc = extract_document(body, media_type, **options)
    except MemoryError:
        doc = failed(f"out of memory (limit {max_memory_mb} MB)", media_type=media_type or "")
    except Exception as exc:  # an unexpected parser failure on hostile input is a recorded reason
        doc = failed(f"extractor crashed: {type(exc).__name__}: {exc}"[:500], media_type=media_type or "")
    try:
        conn.send(doc)
    except MemoryError:
        conn.send(failed(f"out of memory sending the result (limit {max_memory_mb} MB)"))
    finally:
        conn.close()


@lru_cache(maxsize=1)
def _warm_parent() -> None:
    """Load spaCy and the word frequencies once here, so that every forked child starts with them."""
    sentence_pipeline()
    word_zipf("the")


def _context() -> mp.context.BaseContext:
    # fork starts in milliseconds and shares the loaded modules; spawn where fork is unavailable
    return mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


def extract_document_guarded(
    body_or_path: bytes | str | os.PathLike[str],
    media_type: str | None = None,
    *,
    backend: str = "auto",
    ocr: bool = False,
    url: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB,
    max_pages: int = MAX_PAGES,
    max_bytes: int = MAX_BYTES,
) -> ExtractedDocument:
    """`extract_document` in a child process limited to `timeout_s` seconds and `max_memory_mb` of memory.

    Cheap checks (size, empty body) run first in the caller; a path is read
    in the child, so that a huge file never enters the caller's memory.
    """
    source: bytes | str
    if isinstance(body_or_path, bytes | bytearray):
        source = bytes(body_or_path)
        size = len(source)
    else:
        source = os.fspath(body_or_path)
        try:
            size = os.path.getsize(source)
        except OSError as exc:
            return failed(f"unreadable: {exc}", media_type=media_type or "")
    if size == 0:
        return failed("empty document (0 bytes)", media_type=media_type or "")
    if size > max_bytes:
        return failed(f"document too large: {size} bytes > {max_bytes}", media_type=media_type or "")
    options = {"backend": backend, "ocr": ocr, "url": url, "max_pages": max_pages, "max_bytes": max_bytes}
    context = _context()
    if context.get_start_method() == "fork":
        _warm_parent()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(sender, source, media_type, options, max_memory_mb), daemon=True
    )
    process.start()
    sender.close()
    try:
        if receiver.poll(timeout_s):
            try:
                return receiver.recv()
            except EOFError:
                pass  # the child died while sending: reported below from its exit code
        else:
            return failed(f"timed out after {timeout_s:g} s", media_type=media_type or "")
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    return failed(_death_reason(process.exitcode, max_memory_mb), media_type=media_type or "")


def _death_reason(exitcode: int | None, max_memory_mb: int) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        if -exitcode in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS):
            return (
                f"extractor process died ({name}); memory limit {max_memory_mb} MB or a native parser crash"
            )
        return f"extractor process died ({name})"
    return f"extractor process exited with code {exitcode} without a result (memory limit {max_memory_mb} MB)"
