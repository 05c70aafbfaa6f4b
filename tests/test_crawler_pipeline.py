"""What the pipeline stores for each item, media sniffing, how download failures read in the database,
and the small pieces behind re-crawls and resumes (backoff, registry copies, resume point, job dirs)."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

import pytest
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.items import DocumentItem, RegistryFileItem, StatementItem
from crawler.media import classify_body, content_type_mismatch
from crawler.pipelines import StorePipeline
from crawler.quiet_logs import RobotsErrorsAsWarnings
from crawler.registry_copies import content_md5, load_copy, read_copy
from crawler.registry_spider import error_category, failure_reason, normalise_document_url
from crawler.retry import backoff_seconds, retry_after_seconds
from crawler.run import CLEAN_STOP, CRAWL_VERSION, prepare_jobdir
from crawler.spiders.au_register import AuRegisterSpider, pdf_link
from crawler.stored import CrawlMemory, resume_point
from db.crawl_sql import record_crawl_run, spider_reports
from db.schema import connect

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def pipeline(tmp_path):
    crawler = get_crawler(AuRegisterSpider, {"MSA_DATA_DIR": str(tmp_path), "MSA_RUN_ID": "test-run"})
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    store.process_item(
        StatementItem({"statement_id": "au-2021-1", "jurisdiction": "au", "registry_year": 2021})
    )
    yield store
    store.db.conn.close()


def rows(pipeline: StorePipeline, sql: str) -> list[tuple]:
    with sqlite3.connect(pipeline.data_dir / "msa.db") as connection:
        return connection.execute(sql).fetchall()


def test_document_is_sniffed_stored_once_and_linked(pipeline):
    for url in ("http://a.example/x.pdf", "http://b.example/y"):
        pipeline.process_item(DocumentItem("au-2021-1", url, "statement", http_status=200, body=PDF))
    assert pipeline.documents == {"fetched": 2, "stored": 1}
    assert rows(pipeline, "SELECT media_type, path FROM documents")[0][0] == "pdf"
    assert {row[0] for row in rows(pipeline, "SELECT document_id FROM statement_documents")} == {
        rows(pipeline, "SELECT document_id FROM documents")[0][0]
    }


def test_body_that_is_no_document_is_a_failed_fetch(pipeline):
    pipeline.process_item(
        DocumentItem("au-2021-1", "http://a.example/x", "statement", http_status=200, body=b"")
    )
    pipeline.process_item(
        DocumentItem("au-2021-1", "http://a.example/y", "linked_pdf", http_status=200, body=b"\x89PNG\r\n")
    )
    assert rows(pipeline, "SELECT url, status, error FROM statement_documents ORDER BY url") == [
        ("http://a.example/x", "failed", "empty_body: the server sent no bytes"),
        ("http://a.example/y", "failed", "not_a_document: neither PDF nor HTML (a PNG image, 6 bytes)"),
    ]
    assert pipeline.failures == {"empty_body": 1, "not_a_document": 1}


def test_reaching_the_pdf_clears_an_old_page_failure_and_records_its_url(pipeline):
    page, pdf = "http://r.example/statements/7/", "http://r.example/statements/AbC/pdf/"
    pipeline.process_item(DocumentItem("au-2021-1", page, "registry_page", error="http_500: HTTP 500"))
    pipeline.process_item(DocumentItem("au-2021-1", pdf, "registry_pdf", http_status=200, body=PDF))
    assert rows(pipeline, "SELECT role, status FROM statement_documents") == [("registry_pdf", "fetched")]
    assert rows(pipeline, "SELECT registry_pdf_url FROM statements") == [(pdf,)]


def _failure(exc: Exception) -> Failure:
    try:
        raise exc
    except Exception:
        return Failure()


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (HttpError(Response("http://a.example/", status=404), "Ignoring"), "http_404: HTTP 404 Not Found"),
        (IgnoreRequest("Forbidden by robots.txt"), "robots_txt: Forbidden by robots.txt"),
        (CannotResolveHostError("a.example"), "dns: CannotResolveHostError: a.example"),
        (
            DownloadTimeoutError("took longer than 120 s"),
            "timeout: DownloadTimeoutError: took longer than 120 s",
        ),
        (IgnoreRequest("max redirections reached"), "redirect_loop: too many redirects"),
        (
            DownloadCancelledError("Expected to receive 9 bytes which is larger than download max size (5)"),
            "too_large:",
        ),
        (
            ResponseDataLossError("Getting data failed"),
            "truncated: ResponseDataLossError: Getting data failed",
        ),
        (ValueError("odd"), "error: ValueError: odd"),
    ],
)
def test_failure_reasons(exc, reason):
    assert failure_reason(_failure(exc)).startswith(reason)
    assert error_category(reason) == reason.split(":")[0]


def test_document_urls_are_normalised_or_refused():
    assert normalise_document_url(" https://a.example/x.pdf ") == "https://a.example/x.pdf"
    assert normalise_document_url("www.a.example/msa.pdf") == "http://www.a.example/msa.pdf"
    assert normalise_document_url("see our website") is None
    assert normalise_document_url("mailto:msa@a.example") is None


def test_pdf_link_prefers_the_iframe_then_the_download_button():
    def page(body: str) -> HtmlResponse:
        return HtmlResponse(
            "http://r.example/statements/7/", body=body.encode(), request=Request("http://r.example/")
        )

    iframe = '<div id="the-statement-file"><iframe src="/statements/AbC/pdf/"></iframe></div>'
    button = '<a class="au-btn" href="/statements/XyZ/pdf/">Download</a>'
    assert pdf_link(page(button + iframe)) == "/statements/AbC/pdf/"
    assert pdf_link(page(button)) == "/statements/XyZ/pdf/"
    assert pdf_link(page('<a class="au-btn" href="/search/">Back</a>')) is None


def test_what_is_and_is_not_a_statement_document():
    page = b"<!DOCTYPE html><html><body><p>Not found</p></body></html>"
    assert classify_body(PDF, "statement", "https://a.example/msa") == ("pdf", None)
    assert classify_body(page, "statement", "https://a.example/modern-slavery/") == ("html", None)
    for role, url in (("statement", "https://a.example/MSA-2024.PDF"), ("linked_pdf", "https://a.example/x")):
        media_type, error = classify_body(page, role, url)
        assert media_type is None and error.startswith("html_not_pdf:")
    assert classify_body(b"", "statement", "https://a.example/x.pdf") == (
        None,
        "empty_body: the server sent no bytes",
    )
    assert content_type_mismatch("pdf", "application/pdf") is None
    assert (
        content_type_mismatch("pdf", "application/octet-stream") == "pdf served as application/octet-stream"
    )
    assert content_type_mismatch("html", "text/html; charset=utf-8") is None
    assert content_type_mismatch("pdf", None) == "pdf served as no Content-Type"


def test_not_modified_keeps_the_stored_document_and_counts_apart(pipeline):
    url = "http://a.example/msa.pdf"
    pipeline.process_item(DocumentItem("au-2021-1", url, "statement", http_status=200, body=PDF, etag='"v1"'))
    document_id = rows(pipeline, "SELECT document_id FROM documents")[0][0]
    pipeline.process_item(
        DocumentItem(
            "au-2021-1",
            url,
            "statement",
            http_status=304,
            etag='"v1"',
            not_modified=True,
            document_id=document_id,
        )
    )
    assert rows(
        pipeline, "SELECT status, http_status, document_id, etag, error FROM statement_documents"
    ) == [("fetched", 304, document_id, '"v1"', None)]
    assert pipeline.documents == {"fetched": 1, "stored": 1, "not_modified": 1}


def test_a_moved_link_replaces_the_old_record_and_what_it_led_to(pipeline):
    def fetch(url: str, role: str) -> None:
        pipeline.process_item(DocumentItem("au-2021-1", url, role, http_status=200, body=PDF))

    fetch("http://a.example/landing/", "statement")
    fetch("http://a.example/old.pdf", "linked_pdf")
    fetch("http://a.example/2025/msa.pdf", "statement")  # the registry now lists another StatementURL
    assert rows(pipeline, "SELECT url, role FROM statement_documents") == [
        ("http://a.example/2025/msa.pdf", "statement")
    ]
    # A registry entry that no longer lists a link (now email-only) drops the record of the old one.
    pipeline.process_item(
        StatementItem(
            {"statement_id": "au-2021-1", "jurisdiction": "au", "registry_year": 2021},
            listed_documents={"statement": None},
        )
    )
    assert rows(pipeline, "SELECT count(*) FROM statement_documents") == [(0,)]


def test_registry_file_copy_round_trip_and_a_spoilt_copy_is_no_copy(pipeline):
    body = b"IDX,Link\r\n2024-1,x\r\n"
    pipeline.process_item(
        RegistryFileItem(
            "au/export.csv", "http://r.example/x.csv", body, etag='"e"', content_md5=content_md5(body)
        )
    )
    copy = load_copy(pipeline.data_dir, "au/export.csv")
    assert (copy.url, copy.etag, copy.content_md5, copy.size_bytes) == (
        "http://r.example/x.csv",
        '"e"',
        content_md5(body),
        len(body),
    )
    assert read_copy(pipeline.data_dir, copy) == body
    (pipeline.data_dir / "registry/au/export.csv").write_bytes(body.upper())  # same size, other bytes
    assert read_copy(pipeline.data_dir, copy) is None
    (pipeline.data_dir / "registry/au/export.csv").write_bytes(b"short")
    assert load_copy(pipeline.data_dir, "au/export.csv") is None


def test_the_run_row_is_written_when_the_spider_opens(pipeline):
    report = spider_reports(pipeline.db, "test-run")["au_register"]
    assert report["finish_reason"] is None and report["finished_at"] is None  # what a killed run leaves
    # A spider started without the stage's run() (a bare `scrapy crawl`) makes its run's row itself.
    assert rows(pipeline, "SELECT stage, version FROM stage_runs WHERE run_id = 'test-run'") == [
        ("crawl", CRAWL_VERSION)
    ]


def test_resume_point_is_the_start_of_the_first_unfinished_run_since_the_last_finished_one(tmp_path):
    db = connect(tmp_path / "msa.db")
    for run_id, started, reason in (
        ("a", "2026-01-01T00:00:00+00:00", "finished"),
        ("b", "2026-01-02T00:00:00+00:00", "shutdown"),
        ("c", "2026-01-03T00:00:00+00:00", None),
    ):
        record_crawl_run(
            db,
            {"run_id": run_id, "spider": "uk_registry", "started_at": started, "finish_reason": reason},
            CRAWL_VERSION,
        )
    assert resume_point(db, "uk_registry", "now") == "2026-01-02T00:00:00+00:00"
    assert resume_point(db, "au_register", "now") is None
    record_crawl_run(
        db,
        {"run_id": "d", "spider": "uk_registry", "started_at": "2026-01-04", "finish_reason": "finished"},
        CRAWL_VERSION,
    )
    assert resume_point(db, "uk_registry", "now") is None
    memory = CrawlMemory.load(db, tmp_path, "uk_registry", "now", resuming=True)
    assert memory.resume_since is None and memory.tried_since_resume == set()


def test_prepare_jobdir_keeps_a_clean_stop_and_discards_a_killed_run(tmp_path):
    assert prepare_jobdir(tmp_path / "never") is False
    clean = tmp_path / "clean"
    (clean / "requests.queue").mkdir(parents=True)
    (clean / CLEAN_STOP).write_text("shutdown\n")
    assert prepare_jobdir(clean) is True
    assert (clean / "requests.queue").is_dir() and not (clean / CLEAN_STOP).exists()
    killed = tmp_path / "killed"
    (killed / "requests.queue").mkdir(parents=True)
    assert prepare_jobdir(killed) is True
    assert not killed.exists()


def test_backoff_doubles_honours_retry_after_and_is_capped():
    assert 0.9 <= backoff_seconds(1, 1.0, 60.0) <= 1.1
    assert 3.6 <= backoff_seconds(3, 1.0, 60.0) <= 4.4
    assert backoff_seconds(1, 1.0, 60.0, retry_after=30.0) == 30.0
    assert backoff_seconds(10, 1.0, 60.0) == 60.0
    assert backoff_seconds(1, 1.0, 60.0, retry_after=3600.0) == 60.0
    assert retry_after_seconds(b"120") == 120.0
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_robots_txt_errors_become_one_line_warnings():
    record = logging.LogRecord("scrapy.downloadermiddlewares.robotstxt", logging.ERROR, "", 0, "x", (), None)
    record.exc_info = (ValueError, ValueError("boom"), None)
    assert RobotsErrorsAsWarnings().filter(record) is True
    assert (record.levelno, record.levelname, record.exc_info) == (logging.WARNING, "WARNING", None)


def test_polite_by_default_and_retries_back_off():
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings")
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.get("USER_AGENT").startswith("msa/") and "+http" in settings.get("USER_AGENT")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2 and settings.getfloat("DOWNLOAD_DELAY") > 0
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 100 * 1024 * 1024
    assert {429, 500, 502, 503, 504} <= {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert "crawler.retry.BackoffRetryMiddleware" in middlewares
    assert settings.getbool("REDIRECT_ENABLED") and settings.getint("REDIRECT_MAX_TIMES") >= 5
