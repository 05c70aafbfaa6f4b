"""AU register: the whole-register CSV export, then each statement page and the PDF it embeds.

The PDF's URL carries a token that only the statement page gives (`/statements/{token}/pdf/`), so
each statement costs two requests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.au_csv import parse_au_csv
from crawler.csv_rows import decode_csv_bytes
from crawler.items import DocumentItem, StatementItem
from crawler.media import sniff_media_type
from crawler.options import base_url
from crawler.registry_spider import RegistrySpider, failure_reason

SEARCH_QUERY = "q=&search_type=name&ordering=default&spsf=&spet=&voluntarity="


class AuRegisterSpider(RegistrySpider):
    name = "au_register"

    async def start(self) -> AsyncIterator[Any]:
        search = f"{base_url(self.settings.get('MSA_AU_REGISTRY_URL'))}/statements/?{SEARCH_QUERY}"
        yield scrapy.Request(
            f"{search}&csv=1", headers={"Referer": search}, callback=self.parse_csv, errback=self.csv_failed
        )

    def csv_failed(self, failure: Failure) -> None:
        reason = failure_reason(failure)
        self.logger.error("register export %s failed: %s", failure.request.url, reason)  # type: ignore[attr-defined]
        self.note_registry_file(failure.request.url, reason)  # type: ignore[attr-defined]

    def parse_csv(self, response: Response) -> Iterator[Any]:
        if sniff_media_type(response.body) == "html":
            self.logger.error("register export is an HTML page, not CSV: %s", response.url)
            self.note_registry_file(response.url, "not_csv: the server sent an HTML page")
            return
        parsed = parse_au_csv(decode_csv_bytes(response.body))
        self.note_skipped_rows("au_register_csv", parsed.skipped)
        pages: dict[str, list[str]] = {}
        count = 0
        for entry in parsed.statements:
            if self.limit_reached():
                break
            self.statements_yielded += 1
            count += 1
            yield StatementItem(**entry)
            if link := entry["statement"]["registry_url"]:
                pages.setdefault(link, []).append(entry["statement"]["statement_id"])
        self.note_registry_file(response.url, f"ok: {count} statements, {len(parsed.skipped)} rows skipped")
        for link, statement_ids in pages.items():
            yield from self.document_requests(link, statement_ids, "registry_page", callback=self.parse_page)

    def parse_page(self, response: Response, statement_ids: list[str], role: str, url: str) -> Iterator[Any]:
        """Statement page → the PDF in `div#the-statement-file iframe`, else the `a.au-btn` Download link."""
        pdf = pdf_link(response)
        if pdf is None:
            for statement_id in statement_ids:
                yield DocumentItem(
                    statement_id,
                    url,
                    role,
                    final_url=response.url,
                    http_status=response.status,
                    error="no_pdf_link: the statement page has no statement file or Download link",
                )
            return
        yield from self.document_requests(response.urljoin(pdf), statement_ids, "registry_pdf")


def pdf_link(response: Response) -> str | None:
    """The statement file's URL as the page gives it (often relative), or None."""
    if not isinstance(response, TextResponse):
        return None
    if src := response.css("div#the-statement-file iframe::attr(src)").get():
        return src.strip()
    for button in response.css("a.au-btn"):
        href = button.attrib.get("href", "").strip()
        text = " ".join(button.css("::text").getall()).lower()
        if href and ("download" in text or "/pdf" in href):
            return href
    return None
