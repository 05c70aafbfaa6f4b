"""Landing pages: a small HTML page whose main job is to link to the statement PDF.

Many StatementURLs point at such a page ("Read our modern slavery statement (PDF)") rather than at the
statement itself. The crawler follows its link and stores the PDF with role `linked_pdf`. What counts
as a landing page, and which of its links is the statement, is vocabulary.landing's rule (extraction
asks the same one); this module finds the page's main content and PDF links with lxml (crawler/ does
not import extract/). Pure functions, bytes in, a URL out.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from vocabulary.landing import landing_link

# Site furniture around the content: its words and links say nothing about the page's purpose.
_CHROME_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "svg")
_CHROME_NAMES = re.compile(r"cookie|banner|breadcrumb|menu|navbar|sidebar|footer|header", re.IGNORECASE)
_CONTENT = ("//main", "//article", "//*[@role='main']", "//*[@id='content' or @id='main-content']")


def statement_pdf_link(body: bytes, page_url: str) -> str | None:
    """The absolute URL of the statement PDF a landing page links to, or None if it is not one."""
    content = _main_content(body)
    if content is None:
        return None
    return landing_link(len(content.text_content().split()), pdf_links(content, page_url))


def pdf_links(content: lxml_html.HtmlElement, page_url: str) -> list[tuple[str, str]]:
    """(absolute URL, link text) of the http(s) links in `content` that name a PDF, in page order."""
    found: dict[str, str] = {}
    page = page_url.split("#", 1)[0]
    for anchor in content.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        url = urljoin(page_url, href).split("#", 1)[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or url == page:
            continue
        label = " ".join(anchor.text_content().split())
        if parts.path.lower().endswith(".pdf") or re.search(r"\bpdf\b", label, re.IGNORECASE):
            found.setdefault(url, label)
    return list(found.items())


def _main_content(body: bytes) -> lxml_html.HtmlElement | None:
    """The page's main content element with site chrome removed; None if the bytes are not HTML."""
    try:
        root = lxml_html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return None
    for element in list(root.iter(*_CHROME_TAGS)):
        _drop(element)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        names = f"{element.get('id') or ''} {element.get('class') or ''}"
        if element.tag not in ("html", "body", "main", "article") and _CHROME_NAMES.search(names):
            _drop(element)
    for xpath in _CONTENT:
        found = root.xpath(xpath)
        if found:
            return found[0]
    body_element = root.find("body")
    return body_element if body_element is not None else root


def _drop(element: lxml_html.HtmlElement) -> None:
    if element.getparent() is not None:
        element.drop_tree()
