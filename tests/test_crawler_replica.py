"""The replica registry (crawler/replica.py), and both real spiders crawling it through `crawler.run.crawl`.

Corpus: tests/files/crawler/ (fictional; see make_fixtures.py there for what each entry exercises).
Only localhost is contacted.
"""

from __future__ import annotations

import hashlib
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from crawler.replica import AU_REGISTER_HOST, UK_DOWNLOADS_HOST, Fault, Replica
from crawler.run import crawl
from crawler.settings import USER_AGENT

CORPUS = Path(__file__).parent / "files" / "crawler"
SAMPLE_CORPUS = Path(__file__).parent.parent / "sample_corpus"
# Fast and quiet against localhost; the politeness settings are for real servers.
FAST = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "RETRY_TIMES": 1,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "WARNING",
    "MSA_YEARS": "2020,2021,2024",
}


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


@pytest.fixture(scope="module")
def replica():
    with Replica(CORPUS) as running:
        yield running


# The replica on its own


def test_url_for_maps_known_hosts_and_sends_vanished_sites_to_a_closed_port(replica):
    csv_url = replica.url_for(f"https://{UK_DOWNLOADS_HOST}/publicdownloads/StatementSummaries2020.csv")
    assert csv_url == f"{replica.settings['MSA_UK_DOWNLOADS_URL']}/publicdownloads/StatementSummaries2020.csv"
    site = replica.url_for("https://www.brightwater-foods.example/files/msa-2024.pdf")
    assert site.startswith("http://127.0.0.1:") and site.endswith("/files/msa-2024.pdf")
    gone = replica.url_for("https://www.vanished-trading.example/msa.pdf")
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(gone, timeout=5)
    assert replica.url_for("https://www.gov.uk/x") == "https://www.gov.uk/x"


def test_csv_is_served_with_bom_kept_and_urls_rewritten(replica):
    status, content_type, body = get(
        replica.url_for(f"https://{UK_DOWNLOADS_HOST}/publicdownloads/StatementSummaries2020.csv")
    )
    assert status == 200 and content_type.startswith("text/csv")
    assert body.startswith(b"\xef\xbb\xbf")
    assert b"modern-slavery-statement-registry.service.gov.uk" not in body
    assert b".example" not in body.replace(b"kestrel-couriers.example", b"")  # e-mail addresses are not URLs
    assert (
        get(replica.url_for(f"https://{UK_DOWNLOADS_HOST}/publicdownloads/StatementSummaries2021.csv"))[0]
        == 404
    )


def test_au_export_statement_page_and_pdf(replica):
    base = replica.settings["MSA_AU_REGISTRY_URL"]
    status, content_type, body = get(f"{base}/statements/?q=&search_type=name&csv=1")
    assert (status, content_type) == (200, "text/csv; charset=utf-8") and body.startswith(b"IDX,")
    status, content_type, page = get(f"{base}/statements/5001/")
    assert status == 200 and content_type.startswith("text/html")
    assert b'<div id="the-statement-file"><iframe src="/statements/Wb7kQ2mNp4Rt8Xz/pdf/"' in page
    assert b'class="au-btn"' in page
    status, content_type, pdf = get(f"{base}/statements/Wb7kQ2mNp4Rt8Xz/pdf/")
    assert (status, content_type) == (200, "application/pdf") and pdf.startswith(b"%PDF-")
    assert get(f"{base}/statements/5004/")[0] == 404


def test_robots_summary_pages_traversal_and_faults(replica):
    assert get(f"{replica.settings['MSA_UK_REGISTRY_URL']}/robots.txt")[2] == b"User-agent: *\nAllow: /\n"
    assert b"Disallow: /private/" in get(replica.url_for("https://www.merlin-software.example/robots.txt"))[2]
    status, _, page = get(
        replica.url_for(
            "https://modern-slavery-statement-registry.service.gov.uk/statement-summary/FhG20aB1/2020"
        )
    )
    assert status == 200 and b"Fernhill Bakeries Limited" in page and b'rel="external"' in page
    assert (
        get(replica.url_for("https://www.osprey-marine.example/../../registry/au/statements.json"))[0] == 404
    )
    url = "https://www.osprey-marine.example/msa-2020.pdf"
    replica.add_fault(url, Fault(status=503, truncate_to=10))
    try:
        assert get(replica.url_for(url))[0] == 503
    finally:
        replica.faults.clear()
    assert get(replica.url_for(url))[0] == 200


# Both spiders against the replica


@pytest.fixture(scope="module")
def first_crawl(replica, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("crawl")
    seen_before = len(replica.requests)
    report = crawl(["uk_registry", "au_register"], data_dir, {**FAST, **replica.settings})
    return data_dir, report, replica.requests[seen_before:]


@pytest.fixture(scope="module")
def db(first_crawl):
    connection = sqlite3.connect(first_crawl[0] / "msa.db")
    yield connection
    connection.close()


def one(db: sqlite3.Connection, sql: str, *args: object) -> tuple:
    return db.execute(sql, args).fetchone()


def test_statements_from_both_registries(first_crawl, db):
    report = first_crawl[1]
    assert dict(db.execute("SELECT jurisdiction, count(*) FROM statements GROUP BY 1")) == {"au": 4, "uk": 9}
    assert (report["statements_seen"], report["statements_new"], report["statements_changed"]) == (13, 13, 0)
    assert report["rows_skipped"] == 1  # the truncated last row of the 2020 file
    uk_files = report["spiders"]["uk_registry"]["registry_files"]
    assert [outcome.split(":")[0] for outcome in uk_files.values()] == ["ok", "http_404", "ok"]
    assert dict(db.execute("SELECT spider, statements_seen FROM crawl_runs")) == {
        "uk_registry": 9,
        "au_register": 4,
    }


def test_group_statement_has_its_members_and_parent(db):
    roles = dict(
        db.execute(
            "SELECT role, count(*) FROM statement_organisations WHERE statement_id = ? GROUP BY 1",
            ["uk-2020-FhG20aB1"],
        )
    )
    assert roles == {"member": 3, "parent": 1}
    assert one(db, "SELECT statement_type FROM statements WHERE statement_id = 'uk-2020-FhG20aB1'") == (
        "group",
    )


def test_email_only_statement_has_no_document(db):
    assert one(db, "SELECT email_only FROM statements WHERE statement_id = 'uk-2020-KcL20eF3'") == (1,)
    assert one(db, "SELECT count(*) FROM statement_documents WHERE statement_id = 'uk-2020-KcL20eF3'") == (0,)


def test_failed_fetches_are_recorded_with_reasons(first_crawl, db):
    status, error, http_status = one(
        db,
        "SELECT status, error, http_status FROM statement_documents WHERE statement_id = 'uk-2020-LkT20gH4'",
    )
    assert (status, http_status) == ("failed", 404) and "404" in error
    errors = dict(db.execute("SELECT statement_id, error FROM statement_documents WHERE status = 'failed'"))
    assert errors["uk-2020-HqM20kL6"].startswith("not_a_document: neither PDF nor HTML (a PNG image")
    assert errors["uk-2024-MsW24mN7"].startswith("robots_txt:")
    assert errors["uk-2024-VnT24pQ8"].startswith("connection_refused:")
    assert errors["au-2022-90"].startswith("http_404:")  # its statement page is gone
    assert first_crawl[1]["failures_by_reason"] == {
        "connection_refused": 1,
        "http_404": 2,
        "not_a_document": 1,
        "robots_txt": 1,
    }


def test_au_pdf_found_through_the_statement_page_and_stored_once(first_crawl, db):
    rows = db.execute(
        "SELECT statement_id, document_id FROM statement_documents WHERE statement_id IN "
        "('au-2021-101', 'au-2022-88') AND role = 'registry_pdf'"
    ).fetchall()
    assert len(rows) == 2 and rows[0][1] == rows[1][1] and rows[0][1] is not None
    document_id = rows[0][1]
    assert one(db, "SELECT count(*), media_type FROM documents WHERE document_id = ?", document_id) == (
        1,
        "pdf",
    )
    path = first_crawl[0] / one(db, "SELECT path FROM documents WHERE document_id = ?", document_id)[0]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == document_id
    pdf_url = one(db, "SELECT registry_pdf_url FROM statements WHERE statement_id = 'au-2021-101'")[0]
    assert pdf_url.endswith("/statements/Wb7kQ2mNp4Rt8Xz/pdf/")


def test_documents_fetched_and_stored(first_crawl, db):
    report = first_crawl[1]
    assert (report["documents_fetched"], report["documents_failed"]) == (8, 5)
    # Brightwater 2024's company PDF and registry copy are the same bytes: one document.
    assert report["documents_stored"] == one(db, "SELECT count(*) FROM documents")[0] == 6
    assert dict(db.execute("SELECT media_type, count(*) FROM documents GROUP BY 1")) == {"html": 1, "pdf": 5}
    assert len(list((first_crawl[0] / "documents").iterdir())) == 6
    assert not any((first_crawl[0] / "jobs").iterdir())  # a finished crawl leaves no JOBDIR to resume


def test_requests_say_who_we_are_and_send_the_au_referer(first_crawl):
    requests = first_crawl[2]
    assert {record.headers.get("User-Agent") for record in requests} == {USER_AGENT}
    export = next(r for r in requests if r.host == AU_REGISTER_HOST and "csv=1" in r.path)
    assert export.headers["Referer"].endswith(
        "/statements/?q=&search_type=name&ordering=default&spsf=&spet=&voluntarity="
    )


def test_second_crawl_finds_everything_unchanged(first_crawl, replica):
    data_dir = first_crawl[0]
    files_before = sorted(p.name for p in (data_dir / "documents").iterdir())
    report = crawl(["uk_registry", "au_register"], data_dir, {**FAST, **replica.settings})
    assert (report["statements_new"], report["statements_changed"], report["statements_unchanged"]) == (
        0,
        0,
        13,
    )
    assert (report["documents_fetched"], report["documents_stored"]) == (8, 0)
    assert sorted(p.name for p in (data_dir / "documents").iterdir()) == files_before
    with sqlite3.connect(data_dir / "msa.db") as connection:
        assert connection.execute("SELECT count(*) FROM documents").fetchone() == (6,)
        assert connection.execute("SELECT count(*) FROM crawl_runs").fetchone() == (4,)


def test_limit_from_the_environment_caps_statements(replica, tmp_path, monkeypatch):
    monkeypatch.setenv("MSA_LIMIT", "2")
    report = crawl(["uk_registry", "au_register"], tmp_path, {**FAST, **replica.settings})
    assert {name: spider["statements_seen"] for name, spider in report["spiders"].items()} == {
        "uk_registry": 2,
        "au_register": 2,
    }


@pytest.mark.slow
@pytest.mark.skipif(not (SAMPLE_CORPUS / "registry").is_dir(), reason="sample_corpus/registry not built yet")
def test_spiders_crawl_the_sample_corpus(tmp_path):
    with Replica(SAMPLE_CORPUS) as sample:
        report = crawl(["uk_registry", "au_register"], tmp_path, {**FAST, **sample.settings, "MSA_YEARS": ""})
    assert report["spiders"]["uk_registry"]["statements_seen"] > 0
    assert report["spiders"]["au_register"]["statements_seen"] > 0
    assert report["documents_fetched"] > 0
    with sqlite3.connect(tmp_path / "msa.db") as connection:
        untried = connection.execute(
            "SELECT count(*) FROM statements s WHERE s.statement_url IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM statement_documents d WHERE d.statement_id = s.statement_id)"
        ).fetchone()[0]
    assert untried == 0
