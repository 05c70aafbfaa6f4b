"""Remove running headers, footers and page numbers, which repeat on every page and break sentences.

A line is page furniture when it sits in the top or bottom margin band and
either is a bare page number, or its text (digits masked, so "Page 3 of 9"
matches "Page 4 of 9") recurs in the margins of a good share of the pages.
"""

from __future__ import annotations

import re
from collections import Counter

from extract.pdf_pages import RawPage

MARGIN_BAND = 0.12
REPEAT_SHARE = 0.5
_PAGE_NUMBER = re.compile(
    r"^[|│]?\s*(?:page\s*)?[\divxlc]{1,4}(?:\s*(?:of|/|\||│)\s*\d{1,4})?\s*[|│]?$|^[-–—|]\s*\d{1,4}\s*[-–—|]$",
    re.IGNORECASE,
)


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def _in_margin(top: float, bottom: float, page_height: float) -> bool:
    return bottom <= page_height * MARGIN_BAND or top >= page_height * (1 - MARGIN_BAND)


def is_page_number(text: str) -> bool:
    """A bare page number such as "7", "Page 7", "7 of 12", "- 7 -" or "vii"."""
    return bool(_PAGE_NUMBER.match(text.strip()))


def remove_page_furniture(pages: list[RawPage]) -> list[RawPage]:
    """Drop margin lines that are page numbers or that repeat across pages; the pages are changed in place.

    Repeating means: on at least half the pages, or, for a running section
    title that changes with the section, at exactly the same place in the top
    margin of two pages (footnotes repeat at the bottom, so not there).
    """
    texty = [p for p in pages if p.lines]
    counts: Counter[str] = Counter()
    placed: Counter[tuple[str, int, int]] = Counter()
    for page in texty:
        margin = [line for line in page.lines if _in_margin(line.top, line.bottom, page.height)]
        counts.update({_key(line.text) for line in margin})
        top_band = [line for line in margin if line.top < page.height / 2]
        placed.update({(_key(line.text), round(line.top), round(line.x1)) for line in top_band})
    threshold = max(2, int(REPEAT_SHARE * len(texty) + 0.5))
    repeated = {key for key, n in counts.items() if n >= threshold and len(texty) >= 2}
    if len(texty) >= 3:
        repeated |= {key for (key, _, _), n in placed.items() if n >= 2}
    for page in pages:
        page.lines = [
            line
            for line in page.lines
            if not (
                _in_margin(line.top, line.bottom, page.height)
                and (is_page_number(line.text) or _key(line.text) in repeated)
            )
        ]
    return pages
