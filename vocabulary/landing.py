"""Landing pages: an HTML page with little text of its own whose job is to link to the statement.

Many StatementURLs point at such a page ("Read our modern slavery statement (PDF)") rather than at
the statement itself. The crawler follows its link (crawler/landing.py, which reads the page with
lxml) and extraction records the stored page as `landing_page` (extract/html_content.py, which reads
it with trafilatura). Both ask `landing_link` with the page's word count and its document links, so
they agree on what a landing page is and which link it leads to. Pure, stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

# A landing page says little itself: a statement, even a short one, runs to several hundred words.
# A page of at most this many words (of its main content) can be a landing page.
LANDING_MAX_WORDS = 250
STATEMENT_WORDS = re.compile(r"slavery|trafficking|statement|forced[\s_-]*labou?r|s\.?\s?54", re.IGNORECASE)


def names_statement(url: str, label: str) -> bool:
    """Whether a link's path or text names the statement (the host says nothing about the link)."""
    return bool(STATEMENT_WORDS.search(f"{urlsplit(url).path} {label}"))


def landing_link(word_count: int, links: Sequence[tuple[str, str]]) -> str | None:
    """The statement link of a landing page, or None when the page is not one.

    `links` are the page's (URL, link text) document links in page order. A page of more than
    LANDING_MAX_WORDS words is a statement in its own right. Otherwise the first link that names the
    statement is taken, or the only link when there is just one; among several unnamed links none is
    guessed.
    """
    if word_count > LANDING_MAX_WORDS or not links:
        return None
    named = [url for url, label in links if names_statement(url, label)]
    if named:
        return named[0]
    return links[0][0] if len(links) == 1 else None


def statement_links_first(links: Sequence[tuple[str, str]]) -> list[str]:
    """The links' URLs, those that name the statement first (page order kept within each group)."""
    return [url for url, label in sorted(links, key=lambda link: not names_statement(*link))]
