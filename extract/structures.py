"""The values extraction returns: pages, blocks, sentences and the document that holds them.

Plain frozen dataclasses so that they pickle across the engine workers' process
boundary and compare equal in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BLOCK_KINDS = ("heading", "paragraph", "list_item", "table")
STATUSES = ("ok", "error", "no_text", "landing_page")


@dataclass(frozen=True)
class Block:
    """A run of page text with one role; `char_start`/`char_end` index the page text."""

    kind: str
    text: str
    char_start: int = 0
    char_end: int = 0


@dataclass(frozen=True)
class Page:
    """One page's cleaned text in reading order, blocks separated by a blank line."""

    page_no: int
    text: str
    blocks: tuple[Block, ...] = ()
    backend: str = ""


@dataclass(frozen=True)
class Sentence:
    """A sentence with where it came from: `text == page.text[char_start:char_end]`.

    `block_idx` numbers blocks across the whole document, so it groups the
    sentences of one block without needing the page number too.
    """

    page_no: int
    block_idx: int
    kind: str
    char_start: int
    char_end: int
    text: str


@dataclass
class ExtractedDocument:
    """Everything extraction learned about one document, including why it failed."""

    status: str
    error: str | None = None
    backend: str = ""
    media_type: str = ""  # what it was read as (vocabulary.media: pdf, html); on a failure, the stated type
    pages: list[Page] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)


def failed(reason: str, *, media_type: str = "", backend: str = "") -> ExtractedDocument:
    """A document that could not be processed, with the reason recorded."""
    return ExtractedDocument(status="error", error=reason, media_type=media_type, backend=backend)
