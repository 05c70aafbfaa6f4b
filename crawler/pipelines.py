"""Writes what the spiders yield to `<MSA_DATA_DIR>/msa.db` and `<MSA_DATA_DIR>/documents/` via db.store,
and registry CSV copies to `<MSA_DATA_DIR>/registry/`.

Also keeps the crawl report (statements new/changed/unchanged, documents fetched/not modified/failed by
reason), logs a progress line now and then, and stores the report as the spider's `crawl_runs` row under
the run's id (db/crawl_sql.py): once when the spider opens (a run that never closes, killed, is how the
next run knows to resume) and again at close.
"""

from __future__ import annotations

import logging
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from crawler.items import DocumentItem, RegistryFileItem, StatementItem
from crawler.media import classify_body, content_type_mismatch
from crawler.registry_copies import save_copy
from crawler.registry_spider import error_category
from crawler.run import CRAWL_VERSION
from db.crawl_sql import record_crawl_run
from db.schema import connect
from db.store import (
    clear_failed_fetches,
    forget_other_urls,
    record_fetch,
    set_registry_pdf_url,
    store_document,
    upsert_statement,
    utc_now,
)
from vocabulary.roles import REGISTRY_PAGE, REGISTRY_PDF

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
        self.mislabelled: Counter[str] = Counter()
        self.started_at = utc_now()
        self.started = self.last_progress = time.monotonic()
        self.db: Any = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.db = connect(self.data_dir / "msa.db")
        record_crawl_run(self.db, self.report(None), CRAWL_VERSION)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, StatementItem):
            outcome = upsert_statement(self.db, item.statement, item.organisations, item.links)
            self.statements["seen"] += 1
            self.statements[outcome.outcome] += 1
            for role, url in item.listed_documents.items():
                if url is None:
                    forget_other_urls(self.db, item.statement["statement_id"], role, None)
        elif isinstance(item, DocumentItem):
            self.store_document(item)
        elif isinstance(item, RegistryFileItem):
            save_copy(
                self.data_dir, item.name, item.url, item.body, item.etag, item.last_modified, item.content_md5
            )
        if 0 < self.progress_seconds <= time.monotonic() - self.last_progress:
            self.last_progress = time.monotonic()
            # On stderr whatever LOG_LEVEL says: a long crawl shows it is alive (0 turns it off).
            print(f"crawl progress: {self.progress_line()}", file=sys.stderr, flush=True)
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
        forget_other_urls(self.db, item.statement_id, item.role, item.url)
        if item.role == REGISTRY_PDF:  # the page that led here worked this time
            set_registry_pdf_url(self.db, item.statement_id, item.url)
            clear_failed_fetches(self.db, item.statement_id, REGISTRY_PAGE)
        if item.not_modified:
            current = {"status": "fetched", "error": None, "document_id": item.document_id}
            record_fetch(self.db, {**fetch, **current})
            self.documents["not_modified"] += 1
            return
        error, media_type = item.error, None
        if error is None:
            media_type, error = classify_body(item.body or b"", item.role, item.url)
        if media_type is not None and (mismatch := content_type_mismatch(media_type, item.content_type)):
            self.mislabelled[mismatch] += 1
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
        elapsed = max(time.monotonic() - self.started, 1e-9)
        done = self.documents["fetched"] + self.documents["not_modified"] + self.documents["failed"]
        return (
            f"{name}: {self.statements['seen']} statements ({self.statements['new']} new, "
            f"{self.statements['changed']} changed, {self.statements['seen'] / elapsed:.1f}/s); documents "
            f"{self.documents['fetched']} fetched ({self.documents['stored']} new), "
            f"{self.documents['not_modified']} not modified, {self.documents['failed']} failed "
            f"({done / elapsed:.1f}/s); {elapsed:.0f} s"
        )

    def report(self, finish_reason: str | None) -> dict[str, Any]:
        """The run's report; `finish_reason` None while it runs (the row a killed run leaves)."""
        stats = self.crawler.stats
        return {
            "run_id": self.run_id,
            "spider": self.crawler.spidercls.name,
            "started_at": self.started_at,
            "finished_at": utc_now() if finish_reason else None,
            "finish_reason": finish_reason,
            "resumed": self.crawler.settings.getbool("MSA_RESUMING"),
            "seconds": round(time.monotonic() - self.started, 3),
            "statements_seen": self.statements["seen"],
            "statements_new": self.statements["new"],
            "statements_changed": self.statements["changed"],
            "statements_unchanged": self.statements["unchanged"],
            "documents_fetched": self.documents["fetched"],
            "documents_stored": self.documents["stored"],
            "documents_not_modified": self.documents["not_modified"],
            "documents_failed": self.documents["failed"],
            "documents_already_tried": stats.get_value("msa/documents_resumed", 0),
            "landing_pages_followed": stats.get_value("msa/landing_pages_followed", 0),
            "failures_by_reason": dict(sorted(self.failures.items())),
            "content_type_mismatches": dict(sorted(self.mislabelled.items())),
            "rows_skipped": stats.get_value("msa/rows_skipped", 0),
            "skipped_rows": stats.get_value("msa/skipped_rows", []),
            "registry_files": stats.get_value("msa/registry_files", {}),
            "requests": stats.get_value("downloader/request_count", 0),
            "retries": stats.get_value("retry/count", 0),
            "bytes_downloaded": stats.get_value("downloader/response_bytes", 0),
            # Of the whole crawl process (both spiders when run together); ru_maxrss is in KiB on Linux.
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Runs after the engine has stopped: the report is complete, so store it and close the database."""
        if self.db is None:
            return
        logger.info("done %s (%s)", self.progress_line(), reason)
        record_crawl_run(self.db, self.report(reason), CRAWL_VERSION)
        self.db.conn.close()
        self.db = None
