"""Reading the MSA_* settings (years, limit, base URLs) into the values spiders use.

Settings arrive as strings from the environment or `scrapy crawl -s`, or as Python values from
`crawler.run.CrawlOptions(settings=...)`; both are accepted here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

FIRST_UK_REGISTRY_YEAR = 2020


def default_years(today: date | None = None) -> str:
    """The UK registry years worth asking for: 2020 to next year (a 404 means not yet)."""
    today = today or date.today()
    return f"{FIRST_UK_REGISTRY_YEAR}-{today.year + 1}"


def registry_years(value: Any, today: date | None = None) -> list[int]:
    """`"2020-2022,2025"`, `"2021"`, `[2020, 2021]` or empty (→ the default range) → sorted years."""
    if value is None or value == "" or value == []:
        value = default_years(today)
    items: Iterable[Any] = value if isinstance(value, list | tuple | set) else re.split(r"[,\s]+", str(value))
    years: set[int] = set()
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if match := re.fullmatch(r"(\d{4})\s*[-:]\s*(\d{4})", text):
            years.update(range(int(match.group(1)), int(match.group(2)) + 1))
        elif text.isdigit():
            years.add(int(text))
        else:
            raise ValueError(f"MSA_YEARS: cannot read {text!r} (expected e.g. 2021 or 2020-2026)")
    return sorted(years)


def statement_limit(value: Any) -> int | None:
    """MSA_LIMIT: a positive cap on statements per spider; empty or 0 → no cap."""
    if value is None or value == "":
        return None
    limit = int(value)
    return limit if limit > 0 else None


def base_url(value: Any) -> str:
    """A base URL setting without its trailing slash, so paths can be appended."""
    return str(value).rstrip("/")
