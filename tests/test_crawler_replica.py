"""The replica registry (synthetic/replica.py), and both real spiders crawling it through `crawler.run.crawl`.

Corpus: tests/files/crawler/ (fictional; its README.md says what each entry exercises, and
synthetic/crawler_fixtures.py writes it).
Only localhost is contacted.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import re
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlite_utils

from crawler.run import crawl, report_lines
from crawler.settings import USER_AGENT
from db.crawl_sql import spider_reports
from synthetic.replica import AU_REGISTER_HOST, UK_DOWNLOADS_HOST, Fault, Replica

CORPUS = Path(__file__).parent / "files" / "crawler"
SAMPLE_CORPUS = Path(__file__).parent.parent / "sample_corpus"
# Fast and quiet against localhost; the politeness settings are for real servers.
FAST = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "RETRY_TIMES": 1,
    "MSA_RETRY_BACKOFF_BASE": 0.1,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "WARNING",
    "MSA_YEARS": "2020,2021,2024",
}


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers or {}), timeout=10
        ) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def raw_get(url: str) -> http.client.HTTPResponse:
    """The response with headers, redirects not followed."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", parts.path)
    return connection.getresponse()


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
        replica.clear_faults()
    assert get(replica.url_for(url))[0] == 200


def test_files_carry_validators_and_unchanged_files_answer_304(replica):
    url = replica.url_for("https://www.osprey-marine.example/msa-2020.pdf")
    response = raw_get(url)
    body = response.read()
    etag, last_modified = response.headers["ETag"], response.headers["Last-Modified"]
    assert response.headers["Content-MD5"] == base64.b64encode(hashlib.md5(body).digest()).decode()
    assert get(url, {"If-None-Match": etag})[0] == 304
    assert get(url, {"If-None-Match": '"something-else"'})[0] == 200
    assert get(url, {"If-Modified-Since": last_modified})[0] == 304
    assert get(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
    # A CSV's validators are those of the body as served (URLs rewritten to this replica).
    csv_url = replica.url_for(f"https://{UK_DOWNLOADS_HOST}/publicdownloads/StatementSummaries2024.csv")
    csv_response = raw_get(csv_url)
    csv_md5 = base64.b64encode(hashlib.md5(csv_response.read()).digest()).decode()
    assert csv_response.headers["Content-MD5"] == csv_md5
    assert get(csv_url, {"If-None-Match": csv_response.headers["ETag"]})[0] == 304


def test_fault_modes_redirects_dropped_connections_and_recovery(replica):
    pdf = "https://www.osprey-marine.example/msa-2020.pdf"
    moved = "https://www.osprey-marine.example/old/msa.pdf"
    replica.add_fault(moved, Fault(redirect_to=pdf))
    replica.add_fault(pdf, Fault(status=503, times=2))
    try:
        redirect = raw_get(replica.url_for(moved))
        assert redirect.status == 302 and redirect.headers["Location"] == replica.url_for(pdf)
        assert [get(replica.url_for(pdf))[0] for _ in range(3)] == [503, 503, 200]
        replica.add_fault(pdf, Fault(drop_after=100))
        dropped = raw_get(replica.url_for(pdf))
        with pytest.raises(http.client.IncompleteRead):
            dropped.read()
    finally:
        replica.clear_faults()


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
    assert dict(db.execute("SELECT jurisdiction, count(*) FROM statements GROUP BY 1")) == {"au": 4, "uk": 10}
    assert (report["statements_seen"], report["statements_new"], report["statements_changed"]) == (14, 14, 0)
    assert report["rows_skipped"] == 1  # the truncated last row of the 2020 file
    uk_files = report["spiders"]["uk_registry"]["registry_files"]
    assert [outcome.split(":")[0] for outcome in uk_files.values()] == ["ok", "http_404", "ok"]
    assert dict(db.execute("SELECT spider, statements_seen FROM crawl_runs")) == {
        "uk_registry": 10,
        "au_register": 4,
    }


def test_every_registry_year_from_2020_to_next_year_is_asked_for(replica, tmp_path):
    seen_before = len(replica.requests)
    report = crawl(["uk_registry"], tmp_path, {**FAST, **replica.settings, "MSA_YEARS": "", "MSA_LIMIT": 1})
    asked = [r.path for r in replica.requests[seen_before:] if r.path.startswith("/publicdownloads/")]
    # The limit is reached in 2020, so later years are not asked for; without it, every year is.
    assert asked == ["/publicdownloads/StatementSummaries2020.csv"]
    assert report["statements_seen"] == 1
    years = crawl(["uk_registry"], tmp_path / "all", {**FAST, **replica.settings, "MSA_YEARS": ""})
    outcomes = years["spiders"]["uk_registry"]["registry_files"]
    from datetime import date

    expected = [f"StatementSummaries{y}.csv" for y in range(2020, date.today().year + 2)]
    assert [url.rsplit("/", 1)[1] for url in outcomes] == expected
    assert {url.rsplit("/", 1)[1] for url, outcome in outcomes.items() if outcome.startswith("http_404")} == (
        set(expected) - {"StatementSummaries2020.csv", "StatementSummaries2024.csv"}
    )


def test_uk_rows_read_by_name_whatever_their_quirks(first_crawl, db):
    # 2020: 71 columns, a BOM, CRLF inside quoted fields, dd/MM/yyyy dates.
    address = one(db, "SELECT address FROM organisations WHERE organisation_id = 'uk-co-01234567'")[0]
    assert address == "1 Mill Lane\r\nFernhill\r\nFH1 2AB"
    assert one(
        db,
        "SELECT period_start, period_end, date_approved FROM statements WHERE statement_id = ?",
        "uk-2020-FhG20aB1",
    ) == ("2020-01-01", "2020-12-31", "2021-04-21")
    # A bare-number OrganisationName: the real name is in ParentName.
    assert one(db, "SELECT title FROM statements WHERE statement_id = 'uk-2020-OsM20iJ5'") == (
        "Osprey Marine Services Limited",
    )
    # Literal quote marks; a blank company number gives a name-based organisation id.
    assert one(
        db,
        "SELECT o.organisation_id, o.name, o.company_number FROM organisations o "
        "JOIN statement_organisations so USING (organisation_id) WHERE so.statement_id = 'uk-2020-HqM20kL6'",
    ) == ("uk-org-hawthorn-quality-meats-ltd", 'Hawthorn "Quality" Meats Ltd', None)
    # 2024: 76 columns, PDFURL read by name; the made-up extra columns are reported, not misread.
    assert one(db, "SELECT registry_pdf_url FROM statements WHERE statement_id = 'uk-2024-BwF20cD2'")[
        0
    ].endswith("/pdf-published/BwF20cD2/2024/Modern Slavery Statement 2024.pdf")
    outcome_2024 = list(first_crawl[1]["spiders"]["uk_registry"]["registry_files"].values())[2]
    assert outcome_2024 == (
        "ok: 4 statements, 0 rows skipped; "
        "unknown columns: IsVoluntary, StatementVersion, StatementPublishedDate"
    )


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
    # One statement, one document fetch for the shared StatementURL.
    assert one(db, "SELECT count(*) FROM statement_documents WHERE statement_id = 'uk-2020-FhG20aB1'") == (1,)


def test_au_joint_statement_numbers_and_related_statements(db):
    entities = db.execute(
        "SELECT so.role, o.organisation_id, o.abn FROM statement_organisations so JOIN organisations o "
        "USING (organisation_id) WHERE so.statement_id = 'au-2021-101' ORDER BY 2"
    ).fetchall()
    assert entities == [
        ("reporting", "au-abn-12345678901", "12345678901"),
        ("reporting", "au-abn-23456789012", "23456789012"),
    ]
    assert one(
        db, "SELECT statement_type, related_statements FROM statements WHERE statement_id = ?", "au-2021-101"
    ) == ("joint", '["au-2022-88"]')
    assert one(
        db, "SELECT organisation_id, arbn FROM organisations WHERE name = 'Coral Reef Airlines, Inc.'"
    ) == (
        "au-arbn-612345678",
        "612345678",
    )
    assert one(db, "SELECT role FROM statement_organisations WHERE statement_id = 'au-2022-90'") == (
        "included",
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


def test_landing_page_is_followed_to_the_statement_pdf(first_crawl, db):
    rows = db.execute(
        "SELECT sd.role, sd.url, d.media_type FROM statement_documents sd "
        "JOIN documents d USING (document_id) WHERE sd.statement_id = 'uk-2024-TsP24rS9' ORDER BY sd.role"
    ).fetchall()
    assert [(role, media) for role, _, media in rows] == [("linked_pdf", "pdf"), ("statement", "html")]
    assert rows[0][1].endswith("/documents/Modern-Slavery-Statement-2024.pdf")  # not the cookie or price PDF
    asked = {r.path for r in first_crawl[2]}
    assert "/cookies.pdf" not in asked and "/documents/price-list.pdf" not in asked
    assert first_crawl[1]["landing_pages_followed"] == 1


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
    assert (report["documents_fetched"], report["documents_failed"]) == (10, 5)
    # Brightwater 2024's company PDF and registry copy are the same bytes: one document.
    assert report["documents_stored"] == one(db, "SELECT count(*) FROM documents")[0] == 8
    assert dict(db.execute("SELECT media_type, count(*) FROM documents GROUP BY 1")) == {"html": 2, "pdf": 6}
    assert len(list((first_crawl[0] / "documents").iterdir())) == 8
    assert not any((first_crawl[0] / "jobs").iterdir())  # a finished crawl leaves no JOBDIR to resume


def test_requests_say_who_we_are_and_send_the_au_referer(first_crawl):
    requests = first_crawl[2]
    assert {record.headers.get("User-Agent") for record in requests} == {USER_AGENT}
    export = next(r for r in requests if r.host == AU_REGISTER_HOST and "csv=1" in r.path)
    assert export.headers["Referer"].endswith(
        "/statements/?q=&search_type=name&ordering=default&spsf=&spet=&voluntarity="
    )


def test_report_is_stored_and_reads_as_lines(first_crawl, db):
    report = first_crawl[1]
    stored = spider_reports(sqlite_utils.Database(db), report["run_id"])["au_register"]
    assert stored == report["spiders"]["au_register"] and stored["finish_reason"] == "finished"
    assert one(db, "SELECT stage, processed, failed FROM stage_runs WHERE run_id = ?", report["run_id"]) == (
        "crawl",
        report["statements_seen"],
        report["documents_failed"],
    )
    lines = report_lines(report)
    assert lines[0] == "statements: 14 seen, 14 new, 0 changed, 0 unchanged"
    assert lines[2] == "failed by reason: connection_refused 1, http_404 2, not_a_document 1, robots_txt 1"


def test_second_crawl_of_an_unchanged_registry_downloads_nothing(first_crawl, replica):
    """Conditional re-download: CSVs by Content-MD5 (HEAD), documents by ETag (304)."""
    data_dir = first_crawl[0]
    files_before = sorted(p.name for p in (data_dir / "documents").iterdir())
    seen_before = len(replica.requests)
    report = crawl(["uk_registry", "au_register"], data_dir, {**FAST, **replica.settings})
    requests = replica.requests[seen_before:]
    assert (report["statements_new"], report["statements_changed"], report["statements_unchanged"]) == (
        0,
        0,
        14,
    )
    assert (report["documents_fetched"], report["documents_not_modified"], report["documents_stored"]) == (
        0,
        10,
        0,
    )
    # The same failures, for the same reasons (the PNG is not downloaded again either).
    assert report["failures_by_reason"] == first_crawl[1]["failures_by_reason"]
    bodies = [r for r in requests if r.body_bytes and r.status == 200 and not r.path.endswith("robots.txt")]
    assert bodies == []
    csv_requests = [(r.method, r.status) for r in requests if r.path.startswith("/publicdownloads/")]
    assert sorted(csv_requests) == [("GET", 404), ("HEAD", 200), ("HEAD", 200)]
    # The AU statement pages are skipped: the PDFs found behind them last time are asked for directly;
    # only the page that was missing is asked for again.
    pages = [r.path for r in requests if r.host == AU_REGISTER_HOST and r.path.startswith("/statements/50")]
    assert pages == ["/statements/5004/"]
    assert all(
        "unchanged" in outcome for outcome in report["spiders"]["au_register"]["registry_files"].values()
    )
    assert sorted(p.name for p in (data_dir / "documents").iterdir()) == files_before
    with sqlite3.connect(data_dir / "msa.db") as connection:
        assert connection.execute("SELECT count(*) FROM documents").fetchone() == (8,)
        assert connection.execute("SELECT count(*) FROM crawl_runs").fetchone() == (4,)
        assert connection.execute(
            "SELECT count(*) FROM statement_documents WHERE http_status = 304 AND status = 'fetched'"
        ).fetchone() == (10,)


def test_last_modified_alone_is_enough_to_re_crawl_without_downloading(replica, tmp_path):
    """A server that sends neither ETag nor Content-MD5: If-Modified-Since does it."""
    settings = {**FAST, **replica.settings, "MSA_YEARS": "2024"}
    csv_url = f"https://{UK_DOWNLOADS_HOST}/publicdownloads/StatementSummaries2024.csv"
    document = "https://www.teasel-packaging.example/documents/Modern-Slavery-Statement-2024.pdf"
    for url in (csv_url, document):
        replica.add_fault(url, Fault(without_headers=("ETag", "Content-MD5")))
    try:
        crawl(["uk_registry"], tmp_path, settings)
        seen_before = len(replica.requests)
        report = crawl(["uk_registry"], tmp_path, settings)
    finally:
        replica.clear_faults()
    asked = {r.path: r for r in replica.requests[seen_before:]}
    for path in (
        "/publicdownloads/StatementSummaries2024.csv",
        "/documents/Modern-Slavery-Statement-2024.pdf",
    ):
        assert asked[path].method == "GET" and asked[path].status == 304
        assert "If-Modified-Since" in asked[path].headers and "If-None-Match" not in asked[path].headers
    assert report["spiders"]["uk_registry"]["registry_files"][replica.url_for(csv_url)].endswith(
        "unchanged (304 Not Modified)"
    )
    assert report["documents_fetched"] == 0


def test_changes_are_fetched_and_a_moved_link_replaces_the_old_record(replica, tmp_path):
    settings = {**FAST, **replica.settings, "MSA_YEARS": "2024"}
    crawl(["uk_registry"], tmp_path, settings)
    csv_url = f"https://{UK_DOWNLOADS_HOST}/publicdownloads/StatementSummaries2024.csv"
    moved = (
        (CORPUS / "registry/uk/StatementSummaries2024.csv")
        .read_bytes()
        .replace(
            b"https://www.brightwater-foods.example/files/msa-2024.pdf",
            b"https://www.osprey-marine.example/msa-2020.pdf",
        )
    )
    replica.add_fault(csv_url, Fault(body=replica.rewrite(moved)))
    edited = "https://www.teasel-packaging.example/documents/Modern-Slavery-Statement-2024.pdf"
    replica.add_fault(edited, Fault(body=b"%PDF-1.4\n% a corrected statement\n%%EOF\n"))
    try:
        report = crawl(["uk_registry"], tmp_path, settings)
    finally:
        replica.clear_faults()
    assert (report["statements_changed"], report["statements_unchanged"]) == (1, 3)
    assert report["spiders"]["uk_registry"]["registry_files"][replica.url_for(csv_url)].startswith("ok: 4")
    # The edited PDF's ETag no longer matches: fetched and stored; the rest answered 304.
    assert (report["documents_fetched"], report["documents_stored"]) == (2, 2)
    with sqlite3.connect(tmp_path / "msa.db") as connection:
        links = connection.execute(
            "SELECT role, url FROM statement_documents WHERE statement_id = 'uk-2024-BwF20cD2' ORDER BY role"
        ).fetchall()
    assert [role for role, _ in links] == ["registry_pdf", "statement"]
    assert links[1][1] == replica.url_for("https://www.osprey-marine.example/msa-2020.pdf")


def test_a_changed_au_entry_is_looked_up_on_its_statement_page_again(replica, tmp_path):
    settings = {**FAST, **replica.settings}
    crawl(["au_register"], tmp_path, settings)
    export = f"https://{AU_REGISTER_HOST}/statements/?csv=1"
    body = (CORPUS / "registry/au/all-statement-information.csv").read_bytes()
    replica.add_fault(
        export, Fault(body=replica.rewrite(body.replace(b"2021-101,2020-07-01", b"2021-101,2020-07-02")))
    )
    seen_before = len(replica.requests)
    try:
        report = crawl(["au_register"], tmp_path, settings)
    finally:
        replica.clear_faults()
    assert (report["statements_changed"], report["statements_unchanged"]) == (1, 3)
    pages = sorted(
        r.path for r in replica.requests[seen_before:] if re.fullmatch(r"/statements/\d+/", r.path)
    )
    assert pages == ["/statements/5001/", "/statements/5004/"]  # the changed entry, and the missing page


def test_cli_crawl_with_years_limit_and_data_dir_prints_the_report(replica, tmp_path):
    from click.testing import CliRunner

    from msa.cli import main

    settings = [f"--setting={name}={value}" for name, value in {**FAST, **replica.settings}.items()]
    result = CliRunner().invoke(
        main, ["crawl", "uk", "--years", "2024", "--limit", "3", "--data-dir", str(tmp_path), *settings]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "statements: 3 seen, 3 new, 0 changed, 0 unchanged"
    assert lines[1].startswith("documents: ")
    assert any(
        line.startswith("uk_registry ") and "StatementSummaries2024.csv: ok: 3 statements" in line
        for line in lines
    )
    with sqlite3.connect(tmp_path / "msa.db") as connection:
        assert connection.execute("SELECT registry_year, count(*) FROM statements GROUP BY 1").fetchall() == [
            (2024, 3)
        ]


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
        linked = connection.execute(
            "SELECT d.media_type FROM statement_documents sd JOIN documents d USING (document_id) "
            "WHERE sd.statement_id = 'uk-2023-bA5nC7hx' AND sd.role = 'linked_pdf'"
        ).fetchall()
    assert untried == 0
    assert linked == [("pdf",)]  # Blue Anchor's landing page leads to its PDF
