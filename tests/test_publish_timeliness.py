"""Timeliness: dates read from the registries and the statement text, the 6-month deadline at its
boundaries, the flags, and what the demo database and Datasette show (publish/timeliness.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from db import connect
from msa.serve import datasette_app
from publish.timeliness import (
    Dated,
    StatementDates,
    build_statement_timeliness,
    deadline,
    statement_dates,
    timeliness_row,
    to_date,
)
from tests.publish_fixture import fetch, rows

TODAY = date(2026, 1, 1)


def _dates(**kwargs) -> StatementDates:
    """StatementDates from plain ISO strings: period_end='2023-03-31', published=('2023-10-01', False)."""
    values = {}
    for name, value in kwargs.items():
        if name in ("jurisdiction", "text_period_end", "text_approved", "unreadable"):
            values[name] = date.fromisoformat(value) if name.startswith("text_") else value
            continue
        day, exact = value if isinstance(value, tuple) else (value, True)
        values[name] = Dated(date.fromisoformat(day), f"registry {name}", exact)
    values.setdefault("jurisdiction", "uk")
    return StatementDates(**values)


def _row(**kwargs) -> dict:
    return timeliness_row("uk-2023-x", 2023, _dates(**kwargs), TODAY)


# --- reading dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/04/2022", date(2022, 4, 3)),  # UK registry: day first, never April the 3rd read as 4 March
        ("14/05/2021", date(2021, 5, 14)),
        ("2022-04-03", date(2022, 4, 3)),  # AU register and the crawler's own ISO form
        ("2023-07-24T10:15:00", date(2023, 7, 24)),  # UK PDFDate
        ("2023-07-24T10:15:00Z", date(2023, 7, 24)),
        ("2023-07-24T10:15:00.123+01:00", date(2023, 7, 24)),
        ("2023-07-24 10:15", date(2023, 7, 24)),
        (" 1/4/2022 ", date(2022, 4, 1)),
        ("14/05/2021 09:30:00", date(2021, 5, 14)),
        ("2021/05/14", None),  # neither form
        ("14/05/21", None),  # a two-digit year is not guessed at
        ("29/02/2024", date(2024, 2, 29)),
        ("29/02/2023", None),  # not a leap year
        ("31/04/2022", None),
        ("13/13/2022", None),
        ("", None),
        ("  ", None),
        (None, None),
        ("next week", None),
        (20220403, None),
    ],
)
def test_registry_dates_are_read_day_first_or_iso(text, expected):
    assert to_date(text) == expected


UK_STATEMENT = {
    "jurisdiction": "uk",
    "period_start": "2022-04-01",
    "period_end": "2023-03-31",
    "date_approved": "2023-07-19",
}
AU_STATEMENT = {
    "jurisdiction": "au",
    "period_start": "2021-07-01",
    "period_end": "2022-06-30",
    "date_approved": None,
}


def test_uk_dates_and_their_sources_from_the_registry_row():
    row = {
        "StatementEndDate": "31/03/2023",
        "DateApproved": "19/07/2023",
        "StatementPublishedDate": "24/07/2023",
        "PDFDate": "2023-07-20T09:00:00",
        "LastUpdated": "02/08/2023",
    }
    dates = statement_dates(UK_STATEMENT, [row], None)
    assert (dates.period_end.value, dates.period_end.source) == (
        date(2023, 3, 31),
        "registry StatementEndDate",
    )
    assert (dates.approved.value, dates.approved.source) == (date(2023, 7, 19), "registry DateApproved")
    # an exact publication date wins over an earlier upload date
    assert dates.published.value == date(2023, 7, 24)
    assert (dates.published.source, dates.published.exact) == ("registry StatementPublishedDate", True)


def test_without_a_publication_date_the_earliest_date_it_was_out_by_is_used():
    group = [
        {"PDFDate": "2023-08-09T10:00:00", "LastUpdated": "02/08/2023"},
        {"PDFDate": "", "LastUpdated": "28/07/2023"},  # a group statement: one row per member
    ]
    dates = statement_dates(UK_STATEMENT, group, None)
    assert dates.published.value == date(2023, 7, 28)
    assert (dates.published.source, dates.published.exact) == ("registry LastUpdated", False)


def test_au_dates_come_from_the_register_and_the_statement_text():
    metadata = {
        "approval_date": "15 December 2022",
        "approval_date_iso": "2022-12-15",
        "reporting_period": {"start": "2021-07-01", "end": "2022-06-30", "text": "..."},
    }
    dates = statement_dates(AU_STATEMENT, [{"IDX": "2022-1", "PeriodEnd": "2022-06-30"}], metadata)
    assert (dates.period_end.source, dates.approved.source) == (
        "register PeriodEnd",
        "statement text (approval sentence)",
    )
    assert dates.approved.value == date(2022, 12, 15) and dates.published is None
    # an older export's lodgement date is exact, the register's own publication a date it was out by
    older = [{"SubmittedAt": "2022-12-20", "PublishedAt": "2023-01-09"}]
    assert statement_dates(AU_STATEMENT, older, metadata).published.source == "register SubmittedAt"
    assert statement_dates(AU_STATEMENT, [{"PublishedAt": "2023-01-09"}], metadata).published.exact is False


def test_text_dates_fill_what_the_registry_lacks():
    statement = {**UK_STATEMENT, "period_end": None, "date_approved": None}
    signed = {
        "reporting_period": {"end": "2023-03-31"},
        "signatory": {"name": "A B", "date_iso": "2023-07-01"},
    }
    dates = statement_dates(statement, [], signed)
    assert (dates.period_end.source, dates.approved.source) == (
        "statement text (reporting period)",
        "statement text (signature date)",
    )
    with_sentence = {**signed, "approval_date_iso": "2023-06-30"}
    assert statement_dates(statement, [], with_sentence).approved.value == date(2023, 6, 30)


def test_unreadable_registry_values_are_named_not_guessed():
    row = {"DateApproved": "31/02/2023", "StatementPublishedDate": "soon", "LastUpdated": 20230801}
    dates = statement_dates({**UK_STATEMENT, "date_approved": None}, [row], {"reporting_period": "garbled"})
    found = timeliness_row("uk-2023-x", 2023, dates, TODAY)
    assert found["dates_missing"] == 1
    assert found["missing_dates"] == (
        "approval; publication; unreadable: registry DateApproved '31/02/2023'; "
        "unreadable: registry StatementPublishedDate 'soon'"
    )
    assert found["late"] is None


def test_the_build_reads_what_it_can_of_broken_rows(tmp_path):
    db = connect(tmp_path / "msa.db")
    good = {"StatementEndDate": "31/03/2023", "StatementPublishedDate": "24/07/2023"}
    for statement_id, registry_row in [
        ("uk-2023-good", json.dumps([good])),
        ("uk-2023-broken", "{not json"),
        ("uk-2023-object", json.dumps(good)),
        ("uk-2023-none", None),
    ]:
        db["statements"].insert(
            {
                **UK_STATEMENT,
                "statement_id": statement_id,
                "registry_year": 2023,
                "registry_row": registry_row,
            }
        )
    db["documents"].insert(
        {"document_id": "d1", "media_type": "pdf", "size_bytes": 1, "path": "x", "doc_metadata": "{bad"}
    )
    db["statement_summaries"].insert(
        {"statement_id": "uk-2023-broken", "summary_version": "s", "document_id": "d1", "sentence_count": 0}
        | {f"n_{label}": 0 for label in ("commitment", "action", "impact", "negative", "none")}
    )
    assert build_statement_timeliness(db, today=TODAY) == 4
    found = {r["statement_id"]: r for r in db["statement_timeliness"].rows}
    assert (found["uk-2023-good"]["published_on"], found["uk-2023-good"]["late"]) == ("2023-07-24", 0)
    for statement_id in ("uk-2023-broken", "uk-2023-object", "uk-2023-none"):
        row = found[statement_id]
        # the statements table's own parsed dates still count; the publication is missing
        assert (row["period_end"], row["approved_on"], row["missing_dates"]) == (
            "2023-03-31",
            "2023-07-19",
            "publication",
        ), statement_id


# --- the deadline ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period_end", "last_day"),
    [
        ("2022-06-30", "2022-12-31"),  # the AU financial year: due by 31 December
        ("2021-12-31", "2022-06-30"),
        ("2023-03-31", "2023-09-30"),
        ("2021-09-30", "2022-03-31"),
        ("2023-08-31", "2024-02-29"),  # into a leap February
        ("2022-08-31", "2023-02-28"),
        ("2022-08-30", "2023-02-28"),  # no 30 February: the month's last day
        ("2023-02-28", "2023-08-31"),  # a month end counts to a month end
        ("2024-02-28", "2024-08-28"),  # not a month end in a leap year
        ("2024-02-29", "2024-08-31"),
        ("2023-01-15", "2023-07-15"),
    ],
)
def test_the_deadline_is_six_months_after_the_period_end(period_end, last_day):
    assert deadline(date.fromisoformat(period_end)) == date.fromisoformat(last_day)


def test_published_on_the_deadline_is_on_time_the_day_after_late():
    on_time = _row(period_end="2023-03-31", approved="2023-09-01", published="2023-09-30")
    assert (on_time["late"], on_time["deadline"], on_time["days_to_publication"]) == (0, "2023-09-30", 183)
    late = _row(period_end="2023-03-31", approved="2023-09-01", published="2023-10-01")
    assert (late["late"], late["late_by"], late["days_past_deadline"]) == (1, "publication", 1)
    assert late["dates_missing"] == late["dates_inconsistent"] == 0


def test_approved_after_the_deadline_is_late_whatever_the_publication_date():
    row = _row(period_end="2022-02-28", approved="2022-09-01", published=("2022-09-05", False))
    assert (row["late"], row["late_by"], row["days_past_deadline"], row["deadline"]) == (
        1,
        "approval",
        1,
        "2022-08-31",
    )


def test_a_date_it_was_out_by_clears_a_statement_but_cannot_make_it_late():
    cleared = _row(period_end="2020-12-31", approved="2021-06-30", published=("2021-06-30", False))
    assert cleared["late"] == 0 and cleared["published_exact"] == 0
    unknown = _row(period_end="2020-12-31", approved="2021-06-30", published=("2021-07-02", False))
    assert unknown["late"] is None and unknown["days_to_publication"] == 183


def test_approved_on_or_before_the_period_end():
    assert (
        _row(period_end="2024-03-31", approved="2024-03-31", published="2024-04-02")[
            "approved_before_period_end"
        ]
        == 1
    )
    before = _row(period_end="2024-03-31", approved="2024-03-28", published="2024-05-13")
    assert (before["approved_before_period_end"], before["days_to_approval"], before["late"]) == (1, -3, 0)
    after = _row(period_end="2024-03-31", approved="2024-04-01", published="2024-05-13")
    assert after["approved_before_period_end"] == 0


def test_missing_dates_leave_lateness_unknown():
    row = _row(approved="2023-07-01")
    assert (row["late"], row["deadline"], row["days_to_approval"]) == (None, None, None)
    assert (row["dates_missing"], row["missing_dates"]) == (1, "period end; publication")


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (
            {"period_start": "2023-04-01", "period_end": "2023-03-31"},
            "period ends (2023-03-31) before it starts (2023-04-01)",
        ),
        (
            {"period_start": "2022-01-01", "period_end": "2023-07-01"},
            "period longer than 18 months (2022-01-01 to 2023-07-01)",
        ),
        (
            {"approved": "2024-05-22", "published": "2024-05-20"},
            "published (2024-05-20) before approved (2024-05-22)",
        ),
        (
            {"period_end": "2024-03-31", "published": "2024-03-01"},
            "published (2024-03-01) before the period ended (2024-03-31)",
        ),
        ({"approved": "2033-06-28"}, "approval 2033-06-28 is in the future"),
        (
            {"approved": "2023-07-21", "text_approved": "2023-07-19"},
            "approved 2023-07-21 (registry approved) but 2023-07-19 in the statement text",
        ),
        (
            {"period_end": "2023-03-31", "text_period_end": "2023-06-30"},
            "period end 2023-03-31 (registry period_end) but 2023-06-30 in the statement text",
        ),
    ],
)
def test_inconsistent_dates_are_named(dates, expected):
    row = _row(**dates)
    assert (row["dates_inconsistent"], row["inconsistencies"]) == (1, expected)


def test_consistent_dates_are_not_flagged():
    row = _row(
        period_start="2022-01-01",
        period_end="2023-06-30",  # 18 months: a changed year end
        approved="2023-07-19",
        published="2023-07-24",
        text_approved="2023-07-19",
        text_period_end="2023-06-30",
    )
    assert (row["dates_inconsistent"], row["inconsistencies"], row["late"]) == (0, None, 0)


# --- the demo database ----------------------------------------------------------------------------

# (statement, late, days past the deadline, days to approval, days to publication, flags) as the
# sample corpus's registry dates make them (sample_corpus/README.md, Timeliness).
DEMO = {
    "uk-2022-Hx4tLm9P": (1, 46, 165, 227, "late"),  # approved in time, published 15 August
    "uk-2023-Oa9cK1rq": (1, 4, 183, 187, "late"),  # approved on the deadline, published 4 days after
    "uk-2022-kS2eW6yz": (0, None, 179, 181, ""),  # published on the deadline itself
    "uk-2023-Bw7fQ2kd": (0, None, 110, 115, ""),
    "uk-2024-gS7fY2pn": (0, None, -3, 43, "approved_before_period_end"),
    "uk-2024-cB8dG3mt": (0, None, 143, 141, "dates_inconsistent"),
    "uk-2021-tF1hZ5sj": (None, None, 181, 183, "late_unknown"),  # only LastUpdated, after the deadline
    "au-2022-1503": (None, None, 168, None, "dates_missing; late_unknown"),
}


@pytest.fixture(scope="module")
def ds(demo_db):
    return datasette_app(demo_db)


def test_demo_holds_late_and_on_time_statements(ds):
    found = {
        r["statement_id"]: r for r in rows(ds, "/msa.json?sql=select+*+from+statement_timeliness&_size=max")
    }
    for statement_id, (late, past, to_approval, to_publication, _) in DEMO.items():
        row = found[statement_id]
        assert (
            row["late"],
            row["days_past_deadline"],
            row["days_to_approval"],
            row["days_to_publication"],
        ) == (
            late,
            past,
            to_approval,
            to_publication,
        ), statement_id
    assert found["uk-2022-Hx4tLm9P"]["published_source"] == "registry StatementPublishedDate"
    assert found["uk-2021-tF1hZ5sj"]["published_source"] == "registry LastUpdated"
    assert (
        found["uk-2024-cB8dG3mt"]["inconsistencies"] == "published (2024-05-20) before approved (2024-05-22)"
    )
    au = found["au-2022-1503"]
    assert (au["period_end_source"], au["approved_source"], au["approved_on"], au["deadline"]) == (
        "register PeriodEnd",
        "statement text (approval sentence)",
        "2022-12-15",
        "2022-12-31",
    )
    assert au["missing_dates"] == "publication"


def test_late_statements_lists_the_flagged_with_their_dates_and_sources(ds):
    listed = rows(ds, "/msa/late_statements.json")
    by_id = {r["statement_id"]: r for r in listed}
    for statement_id, (*_, flags) in DEMO.items():
        assert (by_id[statement_id]["flags"] if statement_id in by_id else "") == flags, statement_id
    # late first, most days past the deadline first
    assert [r["statement_id"] for r in listed[:2]] == ["uk-2022-Hx4tLm9P", "uk-2023-Oa9cK1rq"]
    hartwell = by_id["uk-2022-Hx4tLm9P"]
    assert (hartwell["period_end"], hartwell["deadline"], hartwell["published_on"]) == (
        "2021-12-31",
        "2022-06-30",
        "2022-08-15",
    )
    assert (hartwell["approved_source"], hartwell["published_exact"]) == ("registry DateApproved", 1)


def test_late_statements_filters_by_jurisdiction_year_sector_and_flag(ds):
    found = rows(ds, "/msa/late_statements.json?jurisdiction=uk&year=2022&sector=transport")
    assert [r["statement_id"] for r in found] == ["uk-2022-Hx4tLm9P"]
    au = rows(ds, "/msa/late_statements.json?jurisdiction=AU")
    assert au and {r["jurisdiction"] for r in au} == {"au"}
    assert {r["approved_source"] for r in au} == {"statement text (approval sentence)"}
    early = rows(ds, "/msa/late_statements.json?flag=approved_before_period_end")
    assert "uk-2024-gS7fY2pn" in {r["statement_id"] for r in early}
    assert all("approved_before_period_end" in r["flags"].split("; ") for r in early)
    late = rows(ds, "/msa/late_statements.json?flag=late&year=2023")
    assert [r["statement_id"] for r in late] == ["uk-2023-Oa9cK1rq"]


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_compliance_csv_and_summary_carry_the_flags(ds):
    exported = {r["statement_id"]: r for r in _csv(fetch(ds, "/msa/compliance.csv?_stream=on").text)}
    hartwell = exported["uk-2022-Hx4tLm9P"]
    assert (hartwell["late"], hartwell["deadline"], hartwell["days_to_publication"]) == (
        "1",
        "2022-06-30",
        "227",
    )
    assert exported["uk-2024-gS7fY2pn"]["approved_before_period_end"] == "1"
    assert exported["uk-2024-cB8dG3mt"]["dates_inconsistent"] == "1"
    assert exported["uk-2021-tF1hZ5sj"]["late"] == ""
    dictionary = {r["column"]: r["description"] for r in _csv(fetch(ds, "/msa/compliance.dictionary").text)}
    assert dictionary["late"].startswith("1 if approved after the deadline")
    summary = rows(ds, "/msa/compliance_summary.json?jurisdiction=uk&year=2023")
    per_statement = [
        r["late"] for r in exported.values() if r["jurisdiction"] == "uk" and r["registry_year"] == "2023"
    ]
    told = [int(late) for late in per_statement if late != ""]
    assert exported["uk-2023-Oa9cK1rq"]["late"] == "1" and len(told) >= 3
    assert summary[-1]["late_share"] == round(sum(told) / len(told), 3)


def test_late_statements_csv_has_a_dictionary_of_every_column(ds):
    header = next(csv.reader(io.StringIO(fetch(ds, "/msa/late_statements.csv").text)))
    described = _csv(fetch(ds, "/msa/late_statements.dictionary").text)
    assert [r["column"] for r in described] == header
    assert [r["column"] for r in described if not r["description"]] == []
