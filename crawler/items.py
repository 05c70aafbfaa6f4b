"""What the spiders yield: statement metadata, and the outcome of fetching one statement document.

Spiders only parse and yield; the pipeline (crawler/pipelines.py) writes both kinds to the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class StatementItem:
    """One statement as the registry lists it: the arguments of `db.store.upsert_statement`.

    `listed_documents`: the document links the registry gives, by role (None: it gives none now), so
    that fetch records of links it no longer lists are dropped.
    """

    statement: dict[str, Any]
    organisations: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    listed_documents: dict[str, str | None] = field(default_factory=dict)


@dataclass
class DocumentItem:
    """One try at fetching a statement's document: the bytes, or an `error` of the form `category: detail`.

    `role` says which link it was: `statement` (the company's StatementURL), `registry_pdf` (a copy
    hosted by the registry), `registry_page` (the AU statement page that should lead to the PDF) or
    `linked_pdf` (the PDF a landing page at the StatementURL links to). `not_modified`: the server
    answered 304, so the stored `document_id` is still current and there is no body.
    """

    statement_id: str
    url: str
    role: str
    final_url: str | None = None
    http_status: int | None = None
    body: bytes | None = field(default=None, repr=False)
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    not_modified: bool = False
    document_id: str | None = None


@dataclass
class RegistryFileItem:
    """A registry CSV as downloaded, to keep as the copy a later crawl compares with."""

    name: str
    url: str
    body: bytes = field(repr=False)
    etag: str | None = None
    last_modified: str | None = None
    content_md5: str | None = None
