"""msa's Datasette plugin for source documents: the stored copy of each document, served offline.

A statement's links point at the hosts it was crawled from, which move or die (and, on the demo,
are a replica that is gone once the demo stops). The content store keeps every document by its
sha256; this route serves exactly those, by the id the documents table holds, so a link opens
at `/-/documents/<sha256>#page=N` on this server. Self-contained (Datasette and stdlib only).
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response

# The content store's copy of a document, by its sha256 (the documents table's id): nothing else.
DOCUMENT_ROUTE = r"^/-/documents/(?P<document_id>[0-9a-f]{64})$"
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
# A stored web page is the company's markup, not ours: no scripts, no requests, its own origin.
HTML_POLICY = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


async def _document_row(datasette, document_id: str):
    """(database folder, documents row) of the first database that stores this document."""
    for name, db in datasette.databases.items():
        if name == "_internal" or not db.path or not await db.table_exists("documents"):
            continue
        row = (
            await db.execute("SELECT path, media_type FROM documents WHERE document_id = ?", [document_id])
        ).first()
        if row is not None:
            return Path(db.path).parent, row
    return None, None


def _not_found(message: str) -> Response:
    return Response.text(message, status=404)


async def stored_document(datasette, request) -> Response:
    """The stored bytes of one document, as its media type, opened inline (a #page=N fragment works)."""
    document_id = request.url_vars["document_id"]
    folder, row = await _document_row(datasette, document_id)
    if row is None:
        return _not_found(f"No document {document_id} in this corpus.")
    store = (folder / "documents").resolve()
    path = (folder / row["path"]).resolve()
    if path.parent != store or not path.name.startswith(document_id):
        return _not_found("This document's stored path is outside the content store.")
    if not path.is_file():
        return _not_found("The stored copy of this document is not on this server.")
    body = await asyncio.get_running_loop().run_in_executor(None, path.read_bytes)
    if hashlib.sha256(body).hexdigest() != document_id:
        return _not_found("The stored copy of this document does not match its id.")
    media_type = row["media_type"] if (row["media_type"] or "").isalnum() else "bin"
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'inline; filename="{document_id[:16]}.{media_type}"',
        "Cache-Control": "public, max-age=31536000, immutable",
    }
    if media_type != "pdf":
        headers["Content-Security-Policy"] = HTML_POLICY
    return Response(
        body, headers=headers, content_type=DOCUMENT_TYPES.get(media_type, "application/octet-stream")
    )


@hookimpl
def register_routes():
    return [(DOCUMENT_ROUTE, stored_document)]
