"""What the pipeline stores for each item, media sniffing, and how download failures read in the database."""

from __future__ import annotations

import sqlite3

import pytest
from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.items import DocumentItem, StatementItem
from crawler.media import sniff_media_type
from crawler.pipelines import StorePipeline
from crawler.registry_spider import error_category, failure_reason, normalise_document_url
from crawler.spiders.au_register import AuRegisterSpider, pdf_link

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
    assert rows(pipeline, "SELECT status, error FROM statement_documents") == [
        ("failed", "not_a_document: neither PDF nor HTML (empty body)")
    ]
    assert pipeline.failures == {"not_a_document": 1}


def test_reaching_the_pdf_clears_an_old_page_failure_and_records_its_url(pipeline):
    page, pdf = "http://r.example/statements/7/", "http://r.example/statements/AbC/pdf/"
    pipeline.process_item(DocumentItem("au-2021-1", page, "registry_page", error="http_500: HTTP 500"))
    pipeline.process_item(DocumentItem("au-2021-1", pdf, "registry_pdf", http_status=200, body=PDF))
    assert rows(pipeline, "SELECT role, status FROM statement_documents") == [("registry_pdf", "fetched")]
    assert rows(pipeline, "SELECT registry_pdf_url FROM statements") == [(pdf,)]


def test_sniff_media_type():
    assert sniff_media_type(b"\r\n%PDF-1.7 ...") == "pdf"
    assert sniff_media_type(b"\xef\xbb\xbf  <!DOCTYPE html><html>") == "html"
    assert sniff_media_type(b"<html><body>x</body></html>") == "html"
    assert sniff_media_type(b"\x89PNG\r\n") is None
    assert sniff_media_type(b'{"error": "not found"}') is None
    assert sniff_media_type(b"") is None


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
        (ValueError("odd"), "error: ValueError: odd"),
    ],
)
def test_failure_reasons(exc, reason):
    assert failure_reason(_failure(exc)) == reason
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
