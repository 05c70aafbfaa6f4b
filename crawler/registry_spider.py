"""What both registry spiders share: document requests, fetch outcomes as items, report bookkeeping.

Every document fetch ends in a DocumentItem, success or not, so the database says for each link
what happened. Failure reasons read `category: detail`; the category (`http_404`, `timeout`, `dns`,
`robots_txt`, ...) is what the crawl report counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer
from twisted.internet import error as twisted_error
from twisted.python.failure import Failure

from crawler.csv_rows import SkippedRow
from crawler.items import DocumentItem
from crawler.options import statement_limit

# Most skipped rows kept in the report (their count is always complete).
MAX_REPORTED_SKIPS = 50


class RegistrySpider(scrapy.Spider):
    """Base of the registry spiders; subclasses set `name` and implement `start()`."""

    statements_yielded = 0

    @property
    def limit(self) -> int | None:
        return statement_limit(self.settings.get("MSA_LIMIT"))

    def limit_reached(self) -> bool:
        return self.limit is not None and self.statements_yielded >= self.limit

    def document_requests(
        self, url: str, statement_ids: list[str], role: str, callback: Any = None
    ) -> Iterator[scrapy.Request | DocumentItem]:
        """One request for a document, shared by every statement that links it.

        dont_filter: the same URL may be listed again by another year's file, and each listing needs
        its own fetch record. A URL that cannot be requested yields failed DocumentItems at once.
        """
        fixed = normalise_document_url(url)
        if fixed is None:
            for statement_id in statement_ids:
                yield DocumentItem(
                    statement_id, url, role, error=f"invalid_url: {url!r} is not an http(s) URL"
                )
            return
        yield scrapy.Request(
            fixed,
            callback=callback or self.parse_document,
            errback=self.document_failed,
            cb_kwargs={"statement_ids": statement_ids, "role": role, "url": url},
            dont_filter=True,
        )

    def parse_document(
        self, response: Response, statement_ids: list[str], role: str, url: str
    ) -> Iterator[DocumentItem]:
        for statement_id in statement_ids:
            yield document_from_response(response, statement_id, role, url)

    def document_failed(self, failure: Failure) -> Iterator[DocumentItem]:
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        for statement_id in kwargs["statement_ids"]:
            yield document_from_failure(failure, statement_id, kwargs["role"], kwargs["url"])

    def note_registry_file(self, url: str, outcome: str) -> None:
        """Record what happened to a registry CSV (`ok: 120 statements`, `http_404: not published yet`)."""
        files = self.crawler.stats.get_value("msa/registry_files") or {}
        files[url] = outcome
        self.crawler.stats.set_value("msa/registry_files", files)

    def note_skipped_rows(self, source: str, skipped: list[SkippedRow]) -> None:
        """Record CSV rows the parser skipped, with their reasons, for the crawl report."""
        if not skipped:
            return
        for row in skipped[:MAX_REPORTED_SKIPS]:
            self.logger.warning("%s line %d skipped: %s", source, row.line, row.reason)
        if len(skipped) > MAX_REPORTED_SKIPS:
            self.logger.warning("%s: %d more rows skipped", source, len(skipped) - MAX_REPORTED_SKIPS)
        stats = self.crawler.stats
        stats.inc_value("msa/rows_skipped", len(skipped))
        kept = stats.get_value("msa/skipped_rows") or []
        room = MAX_REPORTED_SKIPS - len(kept)
        kept += [{"source": source, **row.as_dict()} for row in skipped[: max(room, 0)]]
        stats.set_value("msa/skipped_rows", kept)


def normalise_document_url(url: str) -> str | None:
    """A registry link → a fetchable URL; a bare `www.example.com/x.pdf` gets `http://`; None if hopeless."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    if not parts.scheme and " " not in url and "." in url.split("/")[0]:
        return f"http://{url}"
    return None


def document_from_response(response: Response, statement_id: str, role: str, url: str) -> DocumentItem:
    return DocumentItem(
        statement_id=statement_id,
        url=url,
        role=role,
        final_url=response.url,
        http_status=response.status,
        body=response.body,
        etag=_header(response, b"ETag"),
        last_modified=_header(response, b"Last-Modified"),
    )


def document_from_failure(failure: Failure, statement_id: str, role: str, url: str) -> DocumentItem:
    response = failure.value.response if failure.check(HttpError) else None
    return DocumentItem(
        statement_id=statement_id,
        url=url,
        role=role,
        final_url=response.url if response is not None else None,
        http_status=response.status if response is not None else None,
        error=failure_reason(failure),
    )


_FAILURE_CATEGORIES: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((CannotResolveHostError, twisted_error.DNSLookupError), "dns"),
    ((DownloadTimeoutError, twisted_error.TimeoutError, defer.TimeoutError), "timeout"),
    ((DownloadConnectionRefusedError, twisted_error.ConnectionRefusedError), "connection_refused"),
    ((DownloadCancelledError, defer.CancelledError), "cancelled"),
    ((ResponseDataLossError,), "data_loss"),
    ((UnsupportedURLSchemeError,), "invalid_url"),
    ((DownloadFailedError, twisted_error.ConnectError, twisted_error.ConnectionLost), "connection"),
)


def failure_reason(failure: Failure) -> str:
    """A download failure → `category: detail`, e.g. `http_404: HTTP 404 Not Found`."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"http_{status}: HTTP {status} {_status_phrase(status)}".rstrip()
    if isinstance(exc, IgnoreRequest):
        category = "robots_txt" if "robots.txt" in str(exc) else "ignored"
        return f"{category}: {exc or 'request ignored'}"
    for classes, category in _FAILURE_CATEGORIES:
        if isinstance(exc, classes):
            return f"{category}: {type(exc).__name__}: {exc}".rstrip(": ")
    return f"error: {type(exc).__name__}: {exc}".rstrip(": ")


def error_category(error: str) -> str:
    """The category part of a failure reason."""
    return error.split(":", 1)[0].strip() or "error"


def _status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _header(response: Response, name: bytes) -> str | None:
    value: Any = response.headers.get(name)
    return value.decode("latin-1") if value else None
