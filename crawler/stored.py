"""What earlier crawls stored, read once when a spider opens: the spider's memory between runs.

- the validators (ETag, Last-Modified) of every document URL fetched before, so a re-crawl asks
  "changed since?" and an unchanged document costs a 304 and no body (a body that was refused, say an
  image where the statement should be, is asked for the same way, and keeps its reason);
- the registry PDF found behind each AU statement page, so a re-crawl of a statement whose register
  entry did not change goes straight to it (the metadata hash tells);
- when resuming an interrupted crawl, the URLs it already tried, so none is fetched twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from db.crawl_sql import (
    au_registry_pdfs,
    au_statement_hashes,
    fetched_documents,
    refused_bodies,
    spider_run_starts,
    urls_fetched_since,
)


@dataclass(frozen=True)
class StoredDocument:
    """The document last fetched from one URL, and the validators its server sent with it."""

    url: str
    document_id: str
    media_type: str
    path: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class RefusedBody:
    """A URL whose server sent a body that was not a statement document, and why it was refused."""

    error: str
    etag: str | None
    last_modified: str | None


@dataclass
class CrawlMemory:
    data_dir: Path
    documents: dict[str, StoredDocument] = field(default_factory=dict)
    refused: dict[str, RefusedBody] = field(default_factory=dict)
    registry_pdfs: dict[str, str] = field(default_factory=dict)  # statement_id → PDF URL
    statement_hashes: dict[str, str] = field(default_factory=dict)  # statement_id → metadata_hash
    resume_since: str | None = None
    tried_since_resume: set[str] = field(default_factory=set)

    @classmethod
    def load(
        cls, db: sqlite_utils.Database, data_dir: Path, spider: str, run_id: str, resuming: bool
    ) -> CrawlMemory:
        memory = cls(Path(data_dir))
        for url, document_id, media_type, path, etag, last_modified in fetched_documents(db):
            memory.documents[url] = StoredDocument(url, document_id, media_type, path, etag, last_modified)
        for url, error, etag, last_modified in refused_bodies(db):
            memory.refused[url] = RefusedBody(error, etag, last_modified)
        memory.registry_pdfs = au_registry_pdfs(db)
        memory.statement_hashes = au_statement_hashes(db)
        if resuming:
            memory.resume_since = resume_point(db, spider, run_id)
        if memory.resume_since is not None:
            memory.tried_since_resume = urls_fetched_since(db, memory.resume_since)
        return memory

    def stored(self, url: str) -> StoredDocument | None:
        """The stored document for a URL, if its bytes are still in the store."""
        document = self.documents.get(url)
        if document is None or not (self.data_dir / document.path).is_file():
            return None
        return document

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for a URL whose body was seen before; empty otherwise."""
        seen: StoredDocument | RefusedBody | None = self.stored(url) or self.refused.get(url)
        if seen is None:
            return {}
        headers = {}
        if seen.etag:
            headers["If-None-Match"] = seen.etag
        if seen.last_modified:
            headers["If-Modified-Since"] = seen.last_modified
        return headers

    def body(self, url: str) -> bytes | None:
        document = self.stored(url)
        return (self.data_dir / document.path).read_bytes() if document is not None else None

    def already_tried(self, url: str) -> bool:
        """True when resuming and the interrupted crawl already recorded a fetch of this URL."""
        return url in self.tried_since_resume


def resume_point(db: sqlite_utils.Database, spider: str, run_id: str) -> str | None:
    """When the interrupted crawl being resumed began: the start of the first of the spider's runs since
    its last finished one (a run killed twice is resumed twice). None if the last run finished."""
    since = None
    for started_at, reason in spider_run_starts(db, spider, run_id):
        if reason == "finished":
            since = None
        elif since is None:
            since = started_at
    return since
