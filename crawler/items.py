"""What the spiders yield: statement metadata, and the outcome of fetching one statement document.

Spiders only parse and yield; the pipeline (crawler/pipelines.py) writes both kinds to the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class StatementItem:
    """One statement as the registry lists it: the arguments of `db.store.upsert_statement`."""

    statement: dict[str, Any]
    organisations: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DocumentItem:
    """One try at fetching a statement's document: the bytes, or an `error` of the form `category: detail`.

    `role` says which link it was: `statement` (the company's StatementURL), `registry_pdf` (a copy
    hosted by the registry) or `registry_page` (the AU statement page that should lead to the PDF).
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
