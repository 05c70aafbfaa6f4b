"""UK registry: the StatementSummaries{YEAR}.csv bulk files, then each statement's documents.

Years are fetched one after another (polite, and MSA_LIMIT then always takes the earliest statements);
a 404 means the registry has no file for that year yet. Each file is fetched conditionally against the
copy the last crawl kept (see RegistrySpider.registry_file_request).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from typing import Any

import scrapy

from crawler.csv_rows import decode_csv_bytes
from crawler.items import StatementItem
from crawler.options import base_url, registry_years
from crawler.registry_spider import RegistrySpider
from crawler.uk_csv import parse_uk_csv
from vocabulary.roles import REGISTRY_PDF, STATEMENT


class UkRegistrySpider(RegistrySpider):
    name = "uk_registry"

    async def start(self) -> AsyncIterator[Any]:
        if self.registry_files_already_requested():
            return
        for request in self.next_csv(registry_years(self.settings.get("MSA_YEARS"))):
            yield request

    def next_csv(self, years: list[int]) -> Iterator[scrapy.Request]:
        if years and not self.limit_reached():
            base = base_url(self.settings.get("MSA_UK_DOWNLOADS_URL"))
            file_name = f"StatementSummaries{years[0]}.csv"
            yield self.registry_file_request(
                f"{base}/publicdownloads/{file_name}",
                f"uk/{file_name}",
                then="statements_of_year",
                kwargs={"year": years[0], "later_years": years[1:]},
            )

    def statements_of_year(
        self, body: bytes | None, url: str, year: int, later_years: list[int]
    ) -> Generator[Any, None, str]:
        """The year's statements and their document requests, then the next year's file."""
        outcome = "no file"
        if body is not None:
            outcome = yield from self.statements(body, year)
        yield from self.next_csv(later_years)
        return outcome

    def statements(self, body: bytes, year: int) -> Generator[Any, None, str]:
        source = f"StatementSummaries{year}.csv"
        parsed = parse_uk_csv(decode_csv_bytes(body), year=year, source=source)
        self.note_skipped_rows(source, parsed.skipped)
        documents: dict[tuple[str, str], list[str]] = {}
        count = 0
        for entry in parsed.statements:
            if self.limit_reached():
                break
            self.statements_yielded += 1
            count += 1
            statement = entry["statement"]
            listed = {STATEMENT: statement["statement_url"], REGISTRY_PDF: statement["registry_pdf_url"]}
            yield StatementItem(**entry, listed_documents=listed)
            for role, url in listed.items():
                if url:  # email-only entries have no document
                    documents.setdefault((url, role), []).append(statement["statement_id"])
        for (url, role), statement_ids in documents.items():
            yield from self.document_requests(url, statement_ids, role)
        return parsed.outcome(count)
