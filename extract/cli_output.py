"""Records for `msa extract-doc FILE...`: one JSON-ready dict per sentence, file by file, in order.

The CLI prints each record as one JSON line; baselines are compared on
these records, so their keys are fixed: file, page, kind, text. A file that
fails yields one record with its status and reason instead of sentences.
"""

from __future__ import annotations

from extract.structures import ExtractedDocument


def sentence_records(name: str, doc: ExtractedDocument) -> list[dict]:
    """{file, page, kind, text} for every sentence of one file; one {file, status, error} if it failed."""
    if doc.status != "ok" and not doc.sentences:
        return [{"file": name, "status": doc.status, "error": doc.error}]
    return [
        {"file": name, "page": sentence.page_no, "kind": sentence.kind, "text": sentence.text}
        for sentence in doc.sentences
    ]
