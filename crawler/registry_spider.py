"""What both registry spiders share: registry CSV fetching, document requests, fetch outcomes as items.

Every document fetch ends in a DocumentItem, success or not, so the database says for each link
what happened. Failure reasons read `category: detail`; the category (`http_404`, `timeout`, `dns`,
`robots_txt`, `too_large`, `redirect_loop`, ...) is what the crawl report counts.

Re-crawls are conditional: a registry CSV whose server sent a Content-MD5 is first asked for it with
HEAD (the UK files' Last-Modified changes nightly even when nothing else does), and every request for a
stored file carries If-None-Match / If-Modified-Since, so an unchanged file costs a 304 and no body.
Callbacks are spider methods named in the requests (JOBDIR queues store requests on disk).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from http import HTTPStatus
from pathlib import Path
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
from crawler.items import DocumentItem, RegistryFileItem
from crawler.landing import statement_pdf_link
from crawler.options import statement_limit
from crawler.registry_copies import RegistryCopy, content_md5, load_copy, read_copy
from crawler.stored import CrawlMemory
from db.schema import connect
from vocabulary.media import HTML, sniff_media_type
from vocabulary.roles import LINKED_PDF, STATEMENT

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

    @property
    def data_dir(self) -> Path:
        return Path(self.settings.get("MSA_DATA_DIR") or "data").resolve()

    @cached_property
    def memory(self) -> CrawlMemory:
        """What earlier crawls stored, read on first use (a resumed crawl's queued requests may come
        before `start()` has run)."""
        db = connect(self.data_dir / "msa.db")
        try:
            memory = CrawlMemory.load(
                db,
                self.data_dir,
                self.name,
                self.settings.get("MSA_RUN_ID") or "",
                resuming=self.settings.getbool("MSA_RESUMING"),
            )
        finally:
            db.conn.close()
        if memory.resume_since:
            self.logger.info(
                "resuming the crawl begun %s: %d document URLs already tried are not fetched again",
                memory.resume_since,
                len(memory.tried_since_resume),
            )
        return memory

    def registry_files_already_requested(self) -> bool:
        """True in a crawl resumed from the JOBDIR queue of a cleanly stopped one: that run requested the
        registry files, and everything that followed from them is in the queue. Reading them again would
        list every statement, and queue its documents, a second time. (`state` is Scrapy's spider state,
        kept in the JOBDIR; without a JOBDIR there is none.)"""
        state = getattr(self, "state", None)
        if state is None:
            return False
        if state.get("registry_files_requested"):
            self.logger.info("resuming from the job queue: the registry files were read before the stop")
            return True
        state["registry_files_requested"] = True
        return False

    # registry CSV files

    def registry_file_request(
        self, url: str, name: str, then: str, kwargs: dict[str, Any], headers: dict[str, str] | None = None
    ) -> scrapy.Request:
        """Fetch a registry CSV, then call the spider method `then(body, url, **kwargs)`.

        `name` is where its copy is kept (crawler/registry_copies.py). `body` is None when there is no
        file to read (404, a failure, an HTML page instead of CSV); the outcome is in the report.
        """
        copy = load_copy(self.data_dir, name)
        cb_kwargs = {"url": url, "name": name, "then": then, "kwargs": kwargs, "headers": headers or {}}
        if copy is not None and copy.content_md5:
            return scrapy.Request(
                url,
                method="HEAD",
                headers=headers,
                callback=self.registry_file_head,
                errback=self.registry_file_head_failed,
                cb_kwargs=cb_kwargs,
                meta={"handle_httpstatus_list": [404, 405]},
            )
        return self._registry_file_get(copy, **cb_kwargs)

    def _registry_file_get(
        self,
        copy: RegistryCopy | None,
        url: str,
        name: str,
        then: str,
        kwargs: dict[str, Any],
        headers: dict[str, str],
    ) -> scrapy.Request:
        conditional = {}
        if copy is not None and copy.etag:
            conditional["If-None-Match"] = copy.etag
        if copy is not None and copy.last_modified:
            conditional["If-Modified-Since"] = copy.last_modified
        return scrapy.Request(
            url,
            headers={**headers, **conditional},
            callback=self.registry_file_response,
            errback=self.registry_file_failed,
            cb_kwargs={"url": url, "name": name, "then": then, "kwargs": kwargs},
            meta={"handle_httpstatus_list": [304, 404]},
        )

    def registry_file_head(self, response: Response, **cb_kwargs: Any) -> Iterator[Any]:
        """HEAD answered: the same Content-MD5 as the stored copy means the copy is the file."""
        copy = load_copy(self.data_dir, cb_kwargs["name"])
        served_md5 = _header(response, b"Content-MD5")
        if response.status == 200 and copy is not None and served_md5 == copy.content_md5:
            body = read_copy(self.data_dir, copy)
            if body is not None:
                yield from self._registry_body(body, cb_kwargs, "unchanged (same Content-MD5), not fetched")
                return
        yield self._registry_file_get(copy, **cb_kwargs)

    def registry_file_head_failed(self, failure: Failure) -> Iterator[Any]:
        cb_kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        yield self._registry_file_get(load_copy(self.data_dir, cb_kwargs["name"]), **cb_kwargs)

    def registry_file_response(
        self, response: Response, url: str, name: str, then: str, kwargs: dict[str, Any]
    ) -> Iterator[Any]:
        cb_kwargs = {"url": url, "name": name, "then": then, "kwargs": kwargs}
        copy = load_copy(self.data_dir, name)
        stored = read_copy(self.data_dir, copy) if copy is not None else None
        if response.status == 304:
            if stored is not None:
                yield from self._registry_body(stored, cb_kwargs, "unchanged (304 Not Modified)")
            else:
                yield from self._registry_none(cb_kwargs, "not_modified_without_copy: 304 but no stored copy")
            return
        if response.status == 404:
            self.logger.info("no registry file (404, not published yet): %s", response.url)
            yield from self._registry_none(cb_kwargs, "http_404: not published (yet)")
            return
        if sniff_media_type(response.body) == HTML:
            self.logger.error("registry file is an HTML page, not CSV: %s", response.url)
            yield from self._registry_none(cb_kwargs, "not_csv: the server sent an HTML page")
            return
        served_md5 = _header(response, b"Content-MD5")
        if served_md5 and served_md5 != content_md5(response.body):
            self.logger.error("registry file %s does not match its Content-MD5", response.url)
            if stored is not None:
                yield from self._registry_body(stored, cb_kwargs, "md5_mismatch: read the previous copy")
            else:
                yield from self._registry_none(cb_kwargs, "md5_mismatch: the body does not match Content-MD5")
            return
        yield RegistryFileItem(
            name=name,
            url=url,
            body=response.body,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            content_md5=served_md5,
        )
        yield from self._registry_body(response.body, cb_kwargs, None)

    def registry_file_failed(self, failure: Failure) -> Iterator[Any]:
        reason = failure_reason(failure)
        cb_kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        self.logger.error("registry file %s failed: %s", cb_kwargs["url"], reason)
        yield from self._registry_none(cb_kwargs, reason)

    def _registry_body(self, body: bytes, cb_kwargs: dict[str, Any], note: str | None) -> Iterator[Any]:
        outcome = yield from getattr(self, cb_kwargs["then"])(body, cb_kwargs["url"], **cb_kwargs["kwargs"])
        self.note_registry_file(cb_kwargs["url"], f"{outcome}; {note}" if note else outcome)

    def _registry_none(self, cb_kwargs: dict[str, Any], outcome: str) -> Iterator[Any]:
        self.note_registry_file(cb_kwargs["url"], outcome)
        yield from getattr(self, cb_kwargs["then"])(None, cb_kwargs["url"], **cb_kwargs["kwargs"])

    # statement documents

    def document_requests(
        self,
        url: str,
        statement_ids: list[str],
        role: str,
        callback: Any = None,
        errback: Any = None,
        **extra: Any,
    ) -> Iterator[scrapy.Request | DocumentItem]:
        """One request for a document, shared by every statement that links it.

        A stored document is asked for conditionally. When resuming an interrupted crawl, a URL it
        already tried is not asked again (a landing page's stored copy is still followed).
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
        if self.memory.already_tried(url):
            self.crawler.stats.inc_value("msa/documents_resumed", len(statement_ids))
            stored = self.memory.stored(url)
            if role == STATEMENT and stored is not None and stored.media_type == HTML:
                yield from self.follow_landing_page(self.memory.body(url) or b"", url, statement_ids)
            return
        headers = self.memory.conditional_headers(url)
        yield scrapy.Request(
            fixed,
            headers=headers,
            callback=callback or self.parse_document,
            errback=errback or self.document_failed,
            cb_kwargs={"statement_ids": statement_ids, "role": role, "url": url, **extra},
            meta={"handle_httpstatus_list": [304]} if headers else {},
            dont_filter=True,
        )

    def parse_document(
        self, response: Response, statement_ids: list[str], role: str, url: str, **extra: Any
    ) -> Iterator[Any]:
        if response.status == 304:
            yield from self.not_modified(response, statement_ids, role, url)
            return
        for statement_id in statement_ids:
            yield document_from_response(response, statement_id, role, url)
        if role == STATEMENT and sniff_media_type(response.body) == HTML:
            yield from self.follow_landing_page(response.body, response.url, statement_ids)

    def not_modified(
        self, response: Response, statement_ids: list[str], role: str, url: str
    ) -> Iterator[Any]:
        """A 304: the stored document is still the server's (a stored landing page is followed again),
        or the body refused last time is still the same, and refused for the same reason."""
        stored = self.memory.stored(url)
        if stored is None:
            refused = self.memory.refused.get(url)
            yield from response_items(
                response,
                statement_ids,
                role,
                url,
                error=refused.error if refused else "not_modified_without_copy: 304 but no stored copy",
                etag=refused.etag if refused else None,
                last_modified=refused.last_modified if refused else None,
            )
            return
        yield from response_items(
            response,
            statement_ids,
            role,
            url,
            etag=_header(response, b"ETag") or stored.etag,
            last_modified=_header(response, b"Last-Modified") or stored.last_modified,
            not_modified=True,
            document_id=stored.document_id,
        )
        if role == STATEMENT and stored.media_type == HTML:
            yield from self.follow_landing_page(self.memory.body(url) or b"", response.url, statement_ids)

    def follow_landing_page(self, body: bytes, page_url: str, statement_ids: list[str]) -> Iterator[Any]:
        """A landing page's statement PDF is fetched too, with role `linked_pdf` (one hop, no further)."""
        link = statement_pdf_link(body, page_url)
        if link is not None:
            self.crawler.stats.inc_value("msa/landing_pages_followed")
            yield from self.document_requests(link, statement_ids, LINKED_PDF)

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


def response_items(
    response: Response, statement_ids: list[str], role: str, url: str, **fields: Any
) -> Iterator[DocumentItem]:
    """One DocumentItem per statement that links `url`, with the response's final URL and status."""
    for statement_id in statement_ids:
        yield DocumentItem(
            statement_id, url, role, final_url=response.url, http_status=response.status, **fields
        )


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
        content_type=_header(response, b"Content-Type"),
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
    ((ResponseDataLossError,), "truncated"),
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
        if "max redirections" in str(exc):
            return "redirect_loop: too many redirects (a loop, or a chain longer than REDIRECT_MAX_TIMES)"
        category = "robots_txt" if "robots.txt" in str(exc) else "ignored"
        return f"{category}: {exc or 'request ignored'}"
    if isinstance(exc, DownloadCancelledError | defer.CancelledError) and "max size" in str(exc):
        return f"too_large: larger than DOWNLOAD_MAXSIZE ({exc})"
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
