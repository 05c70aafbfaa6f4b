"""Hostile input, served by the replica with injected faults: every bad input gets a recorded reason and the
crawl goes on. One crawl of a small synthetic corpus covers them all; each test reads one case back.

Document faults: 404, 500, a 503 and a 429 that recover (retried after a backoff), a timeout, a redirect,
a redirect loop, HTML served as .pdf, a PDF with a wrong Content-Type, zero bytes, oversized, a
connection dropped mid-body. Registry faults: a UK file missing columns, one truncated mid-row (and with
unknown extra columns), one answering 500, one that is an HTML page; the AU export in its older column
set. Only localhost is contacted.
"""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest

from crawler.run import crawl
from synthetic.corpus import SITE_HOSTS, write_synthetic_corpus
from synthetic.replica import AU_REGISTER_HOST, UK_DOWNLOADS_HOST, Fault, Replica

MAXSIZE = 200_000
BACKOFF = 0.5
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "ERROR",
    "MSA_YEARS": "2021-2024",
    "RETRY_TIMES": 1,
    "MSA_RETRY_BACKOFF_BASE": BACKOFF,
    "DOWNLOAD_TIMEOUT": 1,
    "DOWNLOAD_MAXSIZE": MAXSIZE,
}
UK_FILES = f"https://{UK_DOWNLOADS_HOST}/publicdownloads/StatementSummaries{{}}.csv"
AU_EXPORT = f"https://{AU_REGISTER_HOST}/statements/?csv=1"
OLDER_AU_COLUMNS = [
    "StatementId",
    "PeriodStart",
    "PeriodEnd",
    "Type",
    "SubmittedAt",
    "PublishedAt",
    "Countries",
    "Trademarks",
    "AnnualRevenue",
    "Entities",
    "Link",
    "IndustrySectors",
    "OverseasObligations",
]


def pdf_url(year: int, i: int) -> str:
    """The company PDF of synthetic UK statement `i` of `year` (synthetic/corpus.py's layout)."""
    return (
        f"https://www.synthetic-{i % SITE_HOSTS}.example/org-{year}-{i}/modern-slavery-statement-{year}.pdf"
    )


def statement_id(year: int, i: int) -> str:
    return f"uk-{year}-S{year % 100:02d}{i:05d}"


# statement → (fault on its company PDF, what the crawl records: a failure category or "fetched")
DOCUMENT_FAULTS = {
    (2021, 5): (Fault(status=404), "http_404"),
    (2021, 6): (Fault(status=500), "http_500"),
    (2021, 7): (Fault(status=503, times=1), "fetched"),
    (2021, 8): (Fault(status=429, times=1, headers=(("Retry-After", "1"),)), "fetched"),
    (2021, 9): (Fault(delay_s=2.5), "timeout"),
    (2021, 10): (Fault(redirect_to=pdf_url(2021, 11)), "fetched"),
    (2021, 12): (Fault(redirect_to=pdf_url(2021, 12)), "redirect_loop"),
    (2021, 13): (
        Fault(
            body=b"<!DOCTYPE html><html><body><p>Page not found</p></body></html>", content_type="text/html"
        ),
        "html_not_pdf",
    ),
    (2021, 14): (Fault(content_type="text/html; charset=utf-8"), "fetched"),
    (2024, 5): (Fault(body=b""), "empty_body"),
    (2024, 6): (Fault(body=b"%PDF-1.4\n" + b"0" * (MAXSIZE + 1000)), "too_large"),
    (2024, 7): (Fault(drop_after=300), "truncated"),
}


def without_columns(body: bytes, dropped: set[str]) -> bytes:
    """A registry CSV with some columns removed (a file that lacks columns the parser reads)."""
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    keep = [i for i, name in enumerate(rows[0]) if name not in dropped]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([[row[i] for i in keep] for row in rows])
    return out.getvalue().encode()


def older_au_export(body: bytes) -> bytes:
    """The AU export rewritten in the older (2023) column set."""
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, OLDER_AU_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                "StatementId": row["IDX"],
                "PeriodStart": row["PeriodStart"],
                "PeriodEnd": row["PeriodEnd"],
                "Type": row["Type"],
                "SubmittedAt": "2024-12-01",
                "PublishedAt": "2024-12-20",
                "Countries": row["HeadquarteredCountries"],
                "AnnualRevenue": row["AnnualRevenue"],
                "Entities": row["ReportingEntities"],
                "Link": row["Link"],
                "IndustrySectors": row["IndustrySectors"],
            }
        )
    return out.getvalue().encode()


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    """(data_dir, report, replica requests, corpus) of one crawl with every fault in place."""
    root = tmp_path_factory.mktemp("faults")
    corpus = write_synthetic_corpus(root / "corpus", statements=40, pdf_bytes=2000)
    uk = corpus.root / "registry/uk"
    with Replica(corpus.root) as replica:
        for (year, i), (fault, _) in DOCUMENT_FAULTS.items():
            replica.add_fault(pdf_url(year, i), fault)
        replica.add_fault(
            UK_FILES.format(2021),
            Fault(
                body=replica.rewrite(
                    without_columns(
                        (uk / "StatementSummaries2021.csv").read_bytes(), {"Turnover", "ApprovingPerson"}
                    )
                )
            ),
        )
        size_2024 = len(replica.rewrite((uk / "StatementSummaries2024.csv").read_bytes()))
        replica.add_fault(UK_FILES.format(2024), Fault(truncate_to=size_2024 - 40))
        replica.add_fault(UK_FILES.format(2022), Fault(status=500))
        replica.add_fault(
            UK_FILES.format(2023),
            Fault(status=200, body=b"<!DOCTYPE html><html><body>Service unavailable</body></html>"),
        )
        au_export = (corpus.root / "registry/au/all-statement-information.csv").read_bytes()
        replica.add_fault(AU_EXPORT, Fault(body=replica.rewrite(older_au_export(au_export))))
        report = crawl(["uk_registry", "au_register"], root / "data", {**SETTINGS, **replica.settings})
        requests = list(replica.requests)
    return root / "data", report, requests, corpus


@pytest.fixture(scope="module")
def db(faulty):
    connection = sqlite3.connect(faulty[0] / "msa.db")
    yield connection
    connection.close()


def outcome(db: sqlite3.Connection, year: int, i: int) -> tuple[str, str | None, str | None]:
    """(status or failure category, error, final_url) of a statement's company document."""
    status, error, final_url = db.execute(
        "SELECT status, error, final_url FROM statement_documents "
        "WHERE statement_id = ? AND role = 'statement'",
        [statement_id(year, i)],
    ).fetchone()
    return (status if status == "fetched" else error.split(":")[0]), error, final_url


@pytest.mark.parametrize(("case", "expected"), [(case, want) for case, (_, want) in DOCUMENT_FAULTS.items()])
def test_each_document_fault_has_its_reason(db, case, expected):
    assert outcome(db, *case)[0] == expected


def test_the_crawl_goes_on_past_every_fault(faulty, db):
    report = faulty[1]
    failed = {case for case, (_, want) in DOCUMENT_FAULTS.items() if want != "fetched"}
    # Every other listed document was fetched, in the same crawl.
    unfetched = db.execute(
        "SELECT statement_id FROM statement_documents WHERE status != 'fetched' AND role != 'registry_page'"
    ).fetchall()
    assert sorted(row[0] for row in unfetched) == sorted(statement_id(*case) for case in failed)
    assert report["documents_failed"] == len(failed)
    assert sum(report["failures_by_reason"].values()) == len(failed)
    assert {name: spider["finish_reason"] for name, spider in report["spiders"].items()} == {
        "uk_registry": "finished",
        "au_register": "finished",
    }


def test_retries_back_off_and_honour_retry_after(faulty):
    def times(case):
        path = pdf_url(*case).split(".example", 1)[1]
        return [r.at for r in faulty[2] if r.path == path]

    recovered = times((2021, 7))
    assert len(recovered) == 2 and recovered[1] - recovered[0] >= BACKOFF * 0.85
    told_to_wait = times((2021, 8))
    assert len(told_to_wait) == 2 and told_to_wait[1] - told_to_wait[0] >= 0.95
    assert len(times((2021, 6))) == 2  # retried once (RETRY_TIMES), then recorded as http_500
    assert faulty[1]["requests"] > 0 and faulty[1]["spiders"]["uk_registry"]["retries"] >= 4


def test_redirected_document_is_stored_with_its_final_url(db):
    status, _, final_url = outcome(db, 2021, 10)
    assert status == "fetched" and final_url.endswith("/org-2021-11/modern-slavery-statement-2021.pdf")


def test_pdf_with_a_wrong_content_type_is_stored_as_a_pdf_and_the_mismatch_counted(faulty, db):
    media_type = db.execute(
        "SELECT d.media_type FROM statement_documents sd JOIN documents d USING (document_id) "
        "WHERE sd.statement_id = ? AND sd.role = 'statement'",
        [statement_id(2021, 14)],
    ).fetchone()
    assert media_type == ("pdf",)
    assert faulty[1]["spiders"]["uk_registry"]["content_type_mismatches"] == {"pdf served as text/html": 1}


def test_oversized_is_refused_unread_and_a_timeout_is_retried_once(faulty):
    def asked(case):
        return [r.path for r in faulty[2]].count(pdf_url(*case).split(".example", 1)[1])

    # The oversized body is refused from its Content-Length, not read, and not asked for again.
    assert faulty[1]["spiders"]["uk_registry"]["bytes_downloaded"] < MAXSIZE
    assert asked((2024, 6)) == 1
    assert asked((2021, 9)) == 2


def test_registry_files_with_missing_columns_truncation_errors_and_html(faulty, db):
    files = {
        url.rsplit("/", 1)[1]: text
        for url, text in faulty[1]["spiders"]["uk_registry"]["registry_files"].items()
    }
    assert files["StatementSummaries2021.csv"] == (
        "ok: 15 statements, 0 rows skipped; missing columns: ApprovingPerson, Turnover"
    )
    assert files["StatementSummaries2022.csv"].startswith("http_500")
    assert files["StatementSummaries2023.csv"] == "not_csv: the server sent an HTML page"
    assert files["StatementSummaries2024.csv"].startswith(
        "ok: 14 statements, 1 rows skipped; unknown columns: "
    )
    # A missing column leaves its values empty; the rest of the row is read.
    assert db.execute(
        "SELECT count(*), count(turnover_band), count(approving_person), count(period_start) "
        "FROM statements WHERE registry_year = 2021"
    ).fetchone() == (15, 0, 0, 15)
    skipped = faulty[1]["spiders"]["uk_registry"]["skipped_rows"]
    assert [row["source"] for row in skipped] == ["StatementSummaries2024.csv"]
    assert skipped[0]["reason"].startswith("expected 76 fields")


def test_older_au_export_is_read_by_its_own_column_names(faulty, db):
    au = faulty[1]["spiders"]["au_register"]
    assert au["statements_seen"] == faulty[3].au_statements == 10
    assert list(au["registry_files"].values()) == [
        "ok: 10 statements, 0 rows skipped; "
        "missing columns: IncludedEntities, RelatedStatements, ABN, ACN, ARBN"
    ]
    assert db.execute(
        "SELECT count(*) FROM statements WHERE jurisdiction = 'au' AND headquartered_countries = 'Australia'"
    ).fetchone() == (10,)
    joint = db.execute(
        "SELECT count(*) FROM statement_organisations WHERE statement_id = 'au-2024-1' AND role = 'reporting'"
    ).fetchone()
    assert joint == (2,)  # entity 0 of every fifth statement is a joint statement of two ABNs
    assert db.execute(
        "SELECT count(*) FROM statement_documents WHERE statement_id LIKE 'au-%' AND status = 'fetched'"
    ).fetchone() == (10,)
