"""HTML statements: the main content without site chrome, as heading / paragraph / list / table blocks.

trafilatura finds the main content (menus, cookie banners and footers
dropped) and returns it as XML whose elements map onto block kinds. Links
to documents are collected from the whole page, because a landing page
that only points at the statement PDF must hand that link to the crawler.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from extract.structures import Block, Page
from extract.text_repair import repair_characters

DOCUMENT_SUFFIXES = (".pdf", ".docx", ".doc")
_SPACE = re.compile(r"[ \t\r\f\v]+")


def _text_of(element: etree._Element, skip: tuple[str, ...] = ()) -> str:
    """Text of an element with nested `skip` elements left out, line breaks (<lb/>) kept as newlines."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == "lb":
                parts.append("\n")
            elif child.tag not in skip:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    text = repair_characters("".join(parts))
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _blocks_from_xml(root: etree._Element) -> list[tuple[str, str]]:
    blocks: list[tuple[str, str]] = []
    main = root.find("main")
    container = main if main is not None else root
    for element in container.iter():
        tag = element.tag
        if tag == "head":
            blocks.append(("heading", _text_of(element)))
        elif tag in {"p", "quote"} and not _inside(element, ("item", "cell", "quote")):
            blocks.append(("paragraph", _text_of(element)))
        elif tag == "item":
            blocks.append(("list_item", _text_of(element, skip=("list",))))
        elif tag == "table" and not _inside(element, ("table",)):
            rows = []
            for row in element.iter("row"):
                cells = [_text_of(cell, skip=("table",)).replace("\n", " ") for cell in row.findall("cell")]
                if any(cells):
                    rows.append(" | ".join(cells))
            blocks.append(("table", "\n".join(rows)))
    return [(kind, text) for kind, text in blocks if text.strip()]


def _inside(element: etree._Element, tags: tuple[str, ...]) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def document_links(body: bytes | str, base_url: str | None = None) -> list[tuple[str, str]]:
    """(href, anchor text) of every link on the page that points at a document file, in page order."""
    try:
        tree = lxml_html.fromstring(body)
    except (etree.ParserError, ValueError):
        return []
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("mailto:", "javascript:", "#")):
            continue
        path = urlsplit(href).path.lower()
        if not (path.endswith(DOCUMENT_SUFFIXES) or path.rstrip("/").endswith("/pdf")):
            continue
        url = urljoin(base_url, href) if base_url else href
        if url not in seen:
            seen.add(url)
            found.append((url, " ".join(anchor.text_content().split())))
    return found


def html_page(body: bytes | str) -> Page:
    """The page's main content as one Page of blocks separated by blank lines."""
    xml = trafilatura.extract(
        body,
        output_format="xml",
        include_tables=True,
        include_links=False,
        include_comments=False,
        include_formatting=False,
        favor_recall=True,
    )
    blocks: list[Block] = []
    if xml:
        root = etree.fromstring(xml.encode("utf-8"))
        cursor = 0
        for kind, text in _blocks_from_xml(root):
            if blocks:
                cursor += 2
            blocks.append(Block(kind, text, cursor, cursor + len(text)))
            cursor += len(text)
    return Page(1, "\n\n".join(b.text for b in blocks), tuple(blocks), "trafilatura")
