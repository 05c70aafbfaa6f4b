"""Writes what the spiders yield to `<MSA_DATA_DIR>/msa.db` and `<MSA_DATA_DIR>/documents/` via db.store.

Also keeps the crawl report (statements new/changed, documents fetched/failed by reason), logs a
progress line now and then, and stores the report as a `crawl_runs` row when the spider closes.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from crawler.items import DocumentItem, StatementItem
from crawler.media import describe_body, sniff_media_type
from crawler.registry_spider import error_category
from db.schema import connect
from db.store import (
    clear_failed_fetches,
    record_crawl_run,
    record_fetch,
    set_registry_pdf_url,
    store_document,
    upsert_statement,
    utc_now,
)

logger = logging.getLogger(__name__)


class StorePipeline:
    """One database connection per spider; every item is committed as it arrives (a crash loses nothing)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.data_dir = Path(settings.get("MSA_DATA_DIR") or "data").resolve()
        self.run_id = settings.get("MSA_RUN_ID") or f"{utc_now()}-{crawler.spidercls.name}"
        self.progress_seconds = settings.getfloat("MSA_PROGRESS_SECONDS", 30.0)
        self.statements: Counter[str] = Counter()
        self.documents: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self.started_at = utc_now()
        self.last_progress = time.monotonic()
        self.db: Any = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.db = connect(self.data_dir / "msa.db")

    def process_item(self, item: Any) -> Any:
        if isinstance(item, StatementItem):
            outcome = upsert_statement(self.db, item.statement, item.organisations, item.links)
            self.statements["seen"] += 1
            self.statements[outcome.outcome] += 1
        elif isinstance(item, DocumentItem):
            self.store_document(item)
        if time.monotonic() - self.last_progress >= self.progress_seconds:
            self.last_progress = time.monotonic()
            logger.info("progress %s", self.progress_line())
        return item

    def store_document(self, item: DocumentItem) -> None:
        fetch: dict[str, Any] = {
            "statement_id": item.statement_id,
            "url": item.url,
            "role": item.role,
            "http_status": item.http_status,
            "final_url": item.final_url,
            "etag": item.etag,
            "last_modified": item.last_modified,
        }
        error = item.error
        media_type = None
        if error is None:
            body = item.body or b""
            media_type = sniff_media_type(body)
            if media_type is None:
                error = f"not_a_document: neither PDF nor HTML ({describe_body(body)})"
        if item.role == "registry_pdf":  # the page that led here worked this time
            set_registry_pdf_url(self.db, item.statement_id, item.url)
            clear_failed_fetches(self.db, item.statement_id, "registry_page")
        if error is not None:
            record_fetch(self.db, {**fetch, "status": "failed", "error": error, "document_id": None})
            self.documents["failed"] += 1
            self.failures[error_category(error)] += 1
            return
        document_id, stored_now = store_document(
            self.db, self.data_dir, item.body or b"", media_type or "other"
        )
        record_fetch(self.db, {**fetch, "status": "fetched", "error": None, "document_id": document_id})
        self.documents["fetched"] += 1
        self.documents["stored"] += int(stored_now)

    def progress_line(self) -> str:
        name = self.crawler.spidercls.name
        return (
            f"{name}: {self.statements['seen']} statements ({self.statements['new']} new, "
            f"{self.statements['changed']} changed); documents {self.documents['fetched']} fetched "
            f"({self.documents['stored']} new), {self.documents['failed']} failed"
        )

    def report(self, finish_reason: str) -> dict[str, Any]:
        stats = self.crawler.stats
        return {
            "run_id": self.run_id,
            "spider": self.crawler.spidercls.name,
            "started_at": self.started_at,
            "finished_at": utc_now(),
            "finish_reason": finish_reason,
            "statements_seen": self.statements["seen"],
            "statements_new": self.statements["new"],
            "statements_changed": self.statements["changed"],
            "statements_unchanged": self.statements["unchanged"],
            "documents_fetched": self.documents["fetched"],
            "documents_stored": self.documents["stored"],
            "documents_failed": self.documents["failed"],
            "failures_by_reason": dict(sorted(self.failures.items())),
            "rows_skipped": stats.get_value("msa/rows_skipped", 0),
            "skipped_rows": stats.get_value("msa/skipped_rows", []),
            "registry_files": stats.get_value("msa/registry_files", {}),
            "requests": stats.get_value("downloader/request_count", 0),
        }

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Runs after the engine has stopped: the report is complete, so store it and close the database."""
        if self.db is None:
            return
        logger.info("done %s (%s)", self.progress_line(), reason)
        record_crawl_run(self.db, self.report(reason))
        self.db.conn.close()
        self.db = None
