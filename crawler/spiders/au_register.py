"""AU register: the whole-register CSV export, then each statement page and the PDF it embeds.

The PDF's URL carries a token that only the statement page gives (`/statements/{token}/pdf/`), so a
first crawl costs two requests per statement. A re-crawl goes straight to the PDF found last time
(conditionally), and back to the page only if that PDF has gone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from typing import Any

from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.au_csv import parse_au_csv
from crawler.csv_rows import decode_csv_bytes
from crawler.items import StatementItem
from crawler.options import base_url
from crawler.registry_spider import RegistrySpider, response_items
from db.store import metadata_hash
from vocabulary.roles import REGISTRY_PAGE, REGISTRY_PDF

SEARCH_QUERY = "q=&search_type=name&ordering=default&spsf=&spet=&voluntarity="
EXPORT_COPY = "au/all-statement-information.csv"


class AuRegisterSpider(RegistrySpider):
    name = "au_register"

    async def start(self) -> AsyncIterator[Any]:
        if self.registry_files_already_requested():
            return
        search = f"{base_url(self.settings.get('MSA_AU_REGISTRY_URL'))}/statements/?{SEARCH_QUERY}"
        yield self.registry_file_request(
            f"{search}&csv=1", EXPORT_COPY, then="statements", kwargs={}, headers={"Referer": search}
        )

    def statements(self, body: bytes | None, url: str) -> Generator[Any, None, str]:
        if body is None:
            return "no file"
        parsed = parse_au_csv(decode_csv_bytes(body))
        self.note_skipped_rows("au_register_csv", parsed.skipped)
        pages: dict[str, list[str]] = {}
        changed: set[str] = set()
        count = 0
        for entry in parsed.statements:
            if self.limit_reached():
                break
            self.statements_yielded += 1
            count += 1
            statement = entry["statement"]
            yield StatementItem(**entry, listed_documents={REGISTRY_PAGE: statement["registry_url"]})
            if statement["registry_url"]:
                pages.setdefault(statement["registry_url"], []).append(statement["statement_id"])
            if self.memory.statement_hashes.get(statement["statement_id"]) != metadata_hash(statement):
                changed.add(statement["statement_id"])
        for link, statement_ids in pages.items():
            yield from self.statement_requests(link, statement_ids, changed)
        return parsed.outcome(count)

    def statement_requests(self, page: str, statement_ids: list[str], changed: set[str]) -> Iterator[Any]:
        """The PDF found behind this page last time, if every statement on it has one and none of their
        register entries changed (a changed entry may point at a new file); else the page."""
        known = {self.memory.registry_pdfs.get(statement_id) for statement_id in statement_ids}
        pdf = known.pop() if len(known) == 1 and not changed.intersection(statement_ids) else None
        if pdf is not None and self.memory.stored(pdf) is not None:
            yield from self.document_requests(
                pdf, statement_ids, REGISTRY_PDF, errback=self.known_pdf_failed, page=page
            )
        else:
            yield from self.document_requests(page, statement_ids, REGISTRY_PAGE, callback=self.parse_page)

    def known_pdf_failed(self, failure: Failure) -> Iterator[Any]:
        """A PDF that has gone (404, 410) is looked for on the statement page again; other failures count."""
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        if failure.check(HttpError) and failure.value.response.status in (404, 410):
            yield from self.document_requests(
                kwargs["page"], kwargs["statement_ids"], REGISTRY_PAGE, callback=self.parse_page
            )
        else:
            yield from self.document_failed(failure)

    def parse_page(self, response: Response, statement_ids: list[str], role: str, url: str) -> Iterator[Any]:
        """Statement page → the PDF in `div#the-statement-file iframe`, else the `a.au-btn` Download link."""
        pdf = pdf_link(response)
        if pdf is None:
            error = "no_pdf_link: the statement page has no statement file or Download link"
            yield from response_items(response, statement_ids, role, url, error=error)
            return
        yield from self.document_requests(response.urljoin(pdf), statement_ids, REGISTRY_PDF)


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
