"""UK registry: the StatementSummaries{YEAR}.csv bulk files, then each statement's documents.

Years are fetched one after another (polite, and MSA_LIMIT then always takes the earliest statements);
a 404 means the registry has no file for that year yet.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.csv_rows import decode_csv_bytes
from crawler.items import StatementItem
from crawler.media import sniff_media_type
from crawler.options import base_url, registry_years
from crawler.registry_spider import RegistrySpider, failure_reason
from crawler.uk_csv import parse_uk_csv


class UkRegistrySpider(RegistrySpider):
    name = "uk_registry"

    async def start(self) -> AsyncIterator[Any]:
        for request in self.next_csv(registry_years(self.settings.get("MSA_YEARS"))):
            yield request

    def next_csv(self, years: list[int]) -> Iterator[scrapy.Request]:
        if years and not self.limit_reached():
            base = base_url(self.settings.get("MSA_UK_DOWNLOADS_URL"))
            yield scrapy.Request(
                f"{base}/publicdownloads/StatementSummaries{years[0]}.csv",
                callback=self.parse_csv,
                errback=self.csv_failed,
                cb_kwargs={"year": years[0], "later_years": years[1:]},
                meta={"handle_httpstatus_list": [404]},
            )

    def parse_csv(self, response: Response, year: int, later_years: list[int]) -> Iterator[Any]:
        if response.status == 404:
            self.logger.info("no registry file for %d (404, not published yet): %s", year, response.url)
            self.note_registry_file(response.url, "http_404: not published (yet)")
        elif sniff_media_type(response.body) == "html":
            self.logger.error("registry file for %d is an HTML page, not CSV: %s", year, response.url)
            self.note_registry_file(response.url, "not_csv: the server sent an HTML page")
        else:
            yield from self.statements(response, year)
        yield from self.next_csv(later_years)

    def csv_failed(self, failure: Failure) -> Iterator[Any]:
        reason = failure_reason(failure)
        self.logger.error("registry file %s failed: %s", failure.request.url, reason)  # type: ignore[attr-defined]
        self.note_registry_file(failure.request.url, reason)  # type: ignore[attr-defined]
        yield from self.next_csv(failure.request.cb_kwargs["later_years"])  # type: ignore[attr-defined]

    def statements(self, response: Response, year: int) -> Iterator[Any]:
        source = f"StatementSummaries{year}.csv"
        parsed = parse_uk_csv(decode_csv_bytes(response.body), year=year, source=source)
        self.note_skipped_rows(source, parsed.skipped)
        documents: dict[tuple[str, str], list[str]] = {}
        count = 0
        for entry in parsed.statements:
            if self.limit_reached():
                break
            self.statements_yielded += 1
            count += 1
            yield StatementItem(**entry)
            statement = entry["statement"]
            for url, role in (
                (statement["statement_url"], "statement"),
                (statement["registry_pdf_url"], "registry_pdf"),
            ):
                if url:  # email-only entries have no document
                    documents.setdefault((url, role), []).append(statement["statement_id"])
        self.note_registry_file(response.url, f"ok: {count} statements, {len(parsed.skipped)} rows skipped")
        for (url, role), statement_ids in documents.items():
            yield from self.document_requests(url, statement_ids, role)
