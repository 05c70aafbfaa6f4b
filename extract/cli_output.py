"""Records for `msa extract-doc FILE...`: one JSON-ready dict per sentence, file by file, in order.

The CLI prints each record as one JSON line; baselines are compared on
these records, so their keys are fixed: file, page, kind, text. A file that
fails yields one record with its status and reason instead of sentences.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from extract.guard import extract_document_guarded


def iter_sentence_records(
    paths: Iterable[str | os.PathLike[str]],
    *,
    backend: str = "auto",
    ocr: bool = False,
    timeout_s: float = 120.0,
    max_memory_mb: int = 2048,
) -> Iterator[dict]:
    """{file, page, kind, text} for every sentence of every file; {file, status, error} for a failed file."""
    for path in paths:
        name = os.fspath(path)
        media_type = mimetypes.guess_type(name)[0]
        doc = extract_document_guarded(
            Path(name), media_type, backend=backend, ocr=ocr, timeout_s=timeout_s, max_memory_mb=max_memory_mb
        )
        if doc.status not in ("ok",) and not doc.sentences:
            yield {"file": name, "status": doc.status, "error": doc.error}
            continue
        for sentence in doc.sentences:
            yield {"file": name, "page": sentence.page_no, "kind": sentence.kind, "text": sentence.text}
