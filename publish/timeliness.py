"""`statement_timeliness`: when each statement was approved and published against its period's end.

The check a regulator runs first. The Australian Act wants a statement given to the Minister within
6 months after the end of the reporting period (Modern Slavery Act 2018 (Cth) s.13(2)(c), s.14(2)(c));
UK statutory guidance asks for publication within 6 months of the financial year end. Each date is read
from the registry first and from the statement's text (what extraction found, `documents.doc_metadata`)
when the registry lacks it, and every date keeps the name of its source.

Not every registry date says when a statement was published. UK `LastUpdated` is the last change to
the registry entry and `PDFDate` the registry copy's upload, AU `PublishedAt` the register's own
publication after lodgement: each shows the statement was out by then, not that it was not out earlier.
Such a date can show a statement was on time, never that it was late (`published_exact` = 0). The
current AU export dates no lodgement at all, and the dates on an AU statement page are not read (the
crawler keeps only the PDF the page leads to), so AU lateness rests on an approval after the deadline.

Pure functions (dates in, a row out) and `build_statement_timeliness`, the build-stage edge.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import sqlite_utils

TABLE = "statement_timeliness"
DEADLINE_MONTHS = {"uk": 6, "au": 6}
DEADLINE_RULE = {
    "au": "Modern Slavery Act 2018 (Cth) s.13(2)(c), s.14(2)(c): given to the Minister within 6 months "
    "after the end of the reporting period",
    "uk": "Home Office statutory guidance (s.54 Modern Slavery Act 2015): published within 6 months of "
    "the financial year end",
}
# A reporting period is a financial year; company law lets one run to 18 months (a changed year end).
LONGEST_PERIOD_MONTHS = 18
# Registry columns that date a statement's publication, best first: (column, exact). An inexact one
# is a date the statement was out by (a later change or upload), see the module docstring. Real UK files
# seen so far have PDFDate and LastUpdated; StatementPublishedDate is the sample corpus's; SubmittedAt and
# PublishedAt are the older AU export's.
PUBLICATION_COLUMNS: tuple[tuple[str, bool], ...] = (
    ("StatementPublishedDate", True),
    ("SubmittedAt", True),
    ("PDFDate", False),
    ("PublishedAt", False),
    ("LastUpdated", False),
)
REGISTRY_COLUMN = {
    "uk": {
        "period_start": "StatementStartDate",
        "period_end": "StatementEndDate",
        "approved": "DateApproved",
    },
    "au": {"period_start": "PeriodStart", "period_end": "PeriodEnd"},
}
TEXT_PERIOD = "statement text (reporting period)"
TEXT_APPROVAL = "statement text (approval sentence)"
TEXT_SIGNATURE = "statement text (signature date)"


@dataclass(frozen=True)
class Dated:
    """A date and where it was read (a registry column, or the statement text)."""

    value: date
    source: str
    exact: bool = True


@dataclass(frozen=True)
class StatementDates:
    """The dates a statement's timeliness is judged on, each with its source; None where none is known."""

    jurisdiction: str
    period_start: Dated | None = None
    period_end: Dated | None = None
    approved: Dated | None = None
    published: Dated | None = None
    text_period_end: date | None = None  # the text's own period end and approval date, to check the registry
    text_approved: date | None = None
    unreadable: tuple[str, ...] = ()  # registry values given but not readable as dates, with their column


_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO_DATE = re.compile(rf"(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}")
_DAY_FIRST = re.compile(rf"(\d{{1,2}})[/.-](\d{{1,2}})[/.-](\d{{4}}){_TIME}")


def to_date(value: Any) -> date | None:
    """A registry date → a date; None if unreadable.

    Day first when the year comes last, as both registries write them (UK `14/05/2021`), else ISO
    (`2021-05-14`, the AU register, the crawler's parsed columns, UK `PDFDate` with its time).
    """
    return _read_date(value.strip()) if isinstance(value, str) else None


@lru_cache(maxsize=65536)  # registries repeat the same few thousand dates; strptime was the build's cost
def _read_date(text: str) -> date | None:
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def period_last_day(first_day: date, months: int) -> date:
    """The last day of a period of `months` months beginning on `first_day`.

    As the Acts Interpretation Act 1901 (Cth) s.2G counts: the day before the same-numbered day
    `months` later, or the last day of that month when it has no such day (6 months from 30 August
    end on the last day of February).
    """
    index = first_day.month - 1 + months
    year, month = first_day.year + index // 12, index % 12 + 1
    days_in_month = calendar.monthrange(year, month)[1]
    if first_day.day > days_in_month:
        return date(year, month, days_in_month)
    return date(year, month, first_day.day) - timedelta(days=1)


def deadline(period_end: date, months: int = 6) -> date:
    """The last day a statement is on time: `months` months after the period's end (30 June → 31 December)."""
    return period_last_day(period_end + timedelta(days=1), months)


def first_dated(candidates: Iterable[tuple[Any, str]]) -> Dated | None:
    """The first (value, source) candidate whose value reads as a date."""
    for value, source in candidates:
        if (day := to_date(value)) is not None:
            return Dated(day, source)
    return None


def publication_date(registry_rows: list[Mapping[str, Any]], prefix: str) -> Dated | None:
    """The statement's publication date from its registry row(s): an exact date when the registry gives
    one, else the earliest date it was out by (a group statement has one row per member)."""
    for column, exact in PUBLICATION_COLUMNS:
        days = [day for row in registry_rows if (day := to_date(row.get(column))) is not None]
        if days and exact:
            return Dated(min(days), f"{prefix} {column}", True)
    bounds = [
        Dated(day, f"{prefix} {column}", False)
        for column, exact in PUBLICATION_COLUMNS
        if not exact
        for row in registry_rows
        if (day := to_date(row.get(column))) is not None
    ]
    return min(bounds, key=lambda dated: dated.value) if bounds else None


def statement_dates(
    statement: Mapping[str, Any],
    registry_rows: list[Mapping[str, Any]],
    doc_metadata: Mapping[str, Any] | None,
) -> StatementDates:
    """Every date of one statement: its `statements` row (registry values the crawler parsed) and its
    registry row(s) as the registry wrote them (`statements.registry_row`) first, then what extraction
    read in its text (`doc_metadata`)."""
    jurisdiction = statement["jurisdiction"]
    prefix = "registry" if jurisdiction == "uk" else "register"
    columns = REGISTRY_COLUMN.get(jurisdiction, {})
    meta = doc_metadata or {}
    period, signed = (
        part if isinstance(part := meta.get(key), dict) else {} for key in ("reporting_period", "signatory")
    )
    text_end, text_approved = to_date(period.get("end")), to_date(meta.get("approval_date_iso"))

    def registry(field: str) -> tuple[Any, str]:
        value = statement.get("date_approved" if field == "approved" else field)
        return value, f"{prefix} {columns.get(field, field)}"

    read = [*columns.values(), *(column for column, _ in PUBLICATION_COLUMNS)]
    unreadable = tuple(
        f"{prefix} {column} {value!r}"
        for row in registry_rows
        for column in read
        if isinstance(value := row.get(column), str) and value.strip() and to_date(value) is None
    )
    return StatementDates(
        jurisdiction=jurisdiction,
        period_start=first_dated(
            [
                registry("period_start"),
                (period.get("start"), TEXT_PERIOD),
            ]
        ),
        period_end=first_dated([registry("period_end"), (period.get("end"), TEXT_PERIOD)]),
        approved=first_dated(
            [
                registry("approved"),
                (meta.get("approval_date_iso"), TEXT_APPROVAL),
                (signed.get("date_iso"), TEXT_SIGNATURE),
            ]
        ),
        published=publication_date(registry_rows, prefix),
        text_period_end=text_end,
        text_approved=text_approved,
        unreadable=tuple(dict.fromkeys(unreadable)),
    )


def inconsistencies(dates: StatementDates, today: date) -> list[str]:
    """What cannot all be true of a statement's dates, in words."""
    start, end, approved, published = dates.period_start, dates.period_end, dates.approved, dates.published
    found: list[str] = []
    if start and end and end.value < start.value:
        found.append(f"period ends ({end.value}) before it starts ({start.value})")
    elif start and end and end.value > period_last_day(start.value, LONGEST_PERIOD_MONTHS):
        found.append(f"period longer than {LONGEST_PERIOD_MONTHS} months ({start.value} to {end.value})")
    if approved and published and published.value < approved.value:
        found.append(f"published ({published.value}) before approved ({approved.value})")
    if end and published and published.value < end.value:
        found.append(f"published ({published.value}) before the period ended ({end.value})")
    if end and dates.text_period_end and end.source != TEXT_PERIOD and dates.text_period_end != end.value:
        found.append(
            f"period end {end.value} ({end.source}) but {dates.text_period_end} in the statement text"
        )
    if (
        approved
        and dates.text_approved
        and approved.source != TEXT_APPROVAL
        and dates.text_approved != approved.value
    ):
        found.append(
            f"approved {approved.value} ({approved.source}) but {dates.text_approved} in the statement text"
        )
    for name, dated in (
        ("period start", start),
        ("period end", end),
        ("approval", approved),
        ("publication", published),
    ):
        if dated and dated.value > today:
            found.append(f"{name} {dated.value} is in the future")
    return found


def timeliness_row(
    statement_id: str, registry_year: int | None, dates: StatementDates, today: date
) -> dict[str, Any]:
    """The `statement_timeliness` row of one statement.

    late: 1 when it was approved after the deadline, or published after it by an exact date; 0 when
    it was published (out by) the deadline; NULL when its dates cannot tell.
    """
    end, approved, published = dates.period_end, dates.approved, dates.published
    due = deadline(end.value, DEADLINE_MONTHS.get(dates.jurisdiction, 6)) if end else None
    late = late_by = None
    past = None
    if due is not None:
        if approved and approved.value > due:
            late, late_by, past = 1, "approval", (approved.value - due).days
        elif published and published.exact and published.value > due:
            late, late_by, past = 1, "publication", (published.value - due).days
        elif published and published.value <= due:
            late, late_by = 0, "publication"
    missing = [
        name
        for name, dated in (("period end", end), ("approval", approved), ("publication", published))
        if dated is None
    ]
    missing += [f"unreadable: {value}" for value in dates.unreadable]
    found = inconsistencies(dates, today)

    def days(dated: Dated | None) -> int | None:
        return (dated.value - end.value).days if dated and end else None

    def iso(dated: Dated | None) -> str | None:
        return dated.value.isoformat() if dated else None

    return {
        "statement_id": statement_id,
        "jurisdiction": dates.jurisdiction,
        "registry_year": registry_year,
        "period_start": iso(dates.period_start),
        "period_start_source": dates.period_start.source if dates.period_start else None,
        "period_end": iso(end),
        "period_end_source": end.source if end else None,
        "approved_on": iso(approved),
        "approved_source": approved.source if approved else None,
        "published_on": iso(published),
        "published_source": published.source if published else None,
        "published_exact": int(published.exact) if published else None,
        "deadline": due.isoformat() if due else None,
        "days_to_approval": days(approved),
        "days_to_publication": days(published),
        "late": late,
        "late_by": late_by,
        "days_past_deadline": past,
        "approved_before_period_end": int(approved.value <= end.value) if approved and end else None,
        "dates_missing": int(bool(missing)),
        "missing_dates": "; ".join(missing) or None,
        "dates_inconsistent": int(bool(found)),
        "inconsistencies": "; ".join(found) or None,
    }


COLUMNS: tuple[tuple[str, str], ...] = (
    ("statement_id", "TEXT PRIMARY KEY REFERENCES statements(statement_id)"),
    ("jurisdiction", "TEXT"),
    ("registry_year", "INTEGER"),
    ("period_start", "TEXT"),
    ("period_start_source", "TEXT"),
    ("period_end", "TEXT"),
    ("period_end_source", "TEXT"),
    ("approved_on", "TEXT"),
    ("approved_source", "TEXT"),
    ("published_on", "TEXT"),
    ("published_source", "TEXT"),
    ("published_exact", "INTEGER"),
    ("deadline", "TEXT"),
    ("days_to_approval", "INTEGER"),
    ("days_to_publication", "INTEGER"),
    ("late", "INTEGER"),
    ("late_by", "TEXT"),
    ("days_past_deadline", "INTEGER"),
    ("approved_before_period_end", "INTEGER"),
    ("dates_missing", "INTEGER"),
    ("missing_dates", "TEXT"),
    ("dates_inconsistent", "INTEGER"),
    ("inconsistencies", "TEXT"),
)
# Every registry column a date is read from; SQLite picks them out of `registry_row` (a UK row has 76
# columns) and the text's dates out of `doc_metadata`, a third of the time of parsing both in Python.
REGISTRY_DATE_COLUMNS = tuple(
    sorted({*(c for cols in REGISTRY_COLUMN.values() for c in cols.values()), *dict(PUBLICATION_COLUMNS)})
)
TEXT_DATE_PATHS = (
    "$.reporting_period.start",
    "$.reporting_period.end",
    "$.approval_date_iso",
    "$.signatory.date_iso",
)


def source_sql() -> str:
    """Each statement, its registry rows' date columns (a JSON list of lists in REGISTRY_DATE_COLUMNS
    order) and the dates its text states (TEXT_DATE_PATHS), from the document its summary read."""
    columns = ", ".join(f"'$.{column}'" for column in REGISTRY_DATE_COLUMNS)
    paths = ", ".join(f"'{path}'" for path in TEXT_DATE_PATHS)
    return f"""SELECT st.statement_id, st.jurisdiction, st.registry_year, st.period_start, st.period_end,
       st.date_approved,
       CASE WHEN json_valid(st.registry_row) AND json_type(st.registry_row) = 'array' THEN (
         SELECT json_group_array(json_extract(j.value, {columns})) FROM json_each(st.registry_row) j
         WHERE j.type = 'object') END AS registry_dates,
       CASE WHEN json_valid(d.doc_metadata) THEN json_extract(d.doc_metadata, {paths}) END AS text_dates
FROM statements st
LEFT JOIN statement_summaries ss ON ss.statement_id = st.statement_id
LEFT JOIN documents d ON d.document_id = ss.document_id
ORDER BY st.statement_id"""


def stated_dates(text_dates: list[Any]) -> dict[str, Any]:
    """The text's dates (TEXT_DATE_PATHS order) in the shape of `documents.doc_metadata`."""
    start, end, approved, signed = text_dates
    return {
        "reporting_period": {"start": start, "end": end},
        "approval_date_iso": approved,
        "signatory": {"date_iso": signed},
    }


def build_statement_timeliness(db: sqlite_utils.Database, today: date | None = None) -> int:
    """Recreate `statement_timeliness`, one row per statement; returns its row count.

    `today` (default: the build's date) is what a date "in the future" is after.
    """
    today = today or date.today()
    conn = db.conn
    conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
    body = ",\n    ".join(f"{name} {sql_type}" for name, sql_type in COLUMNS)
    conn.execute(f"CREATE TABLE {TABLE} (\n    {body}\n)")
    cursor = conn.execute(source_sql())
    names = [c[0] for c in cursor.description]
    rows = []
    for values in cursor:
        statement = dict(zip(names, values, strict=True))
        registry_rows = [
            dict(zip(REGISTRY_DATE_COLUMNS, row, strict=True))
            for row in json.loads(statement["registry_dates"] or "[]")
        ]
        text = stated_dates(json.loads(statement["text_dates"])) if statement["text_dates"] else None
        dates = statement_dates(statement, registry_rows, text)
        rows.append(timeliness_row(statement["statement_id"], statement["registry_year"], dates, today))
    placeholders = ", ".join("?" for _ in COLUMNS)
    conn.executemany(
        f"INSERT INTO {TABLE} VALUES ({placeholders})", [[row[name] for name, _ in COLUMNS] for row in rows]
    )
    conn.execute(f"CREATE INDEX idx_{TABLE}_late ON {TABLE}(late, jurisdiction, registry_year)")
    conn.commit()
    return len(rows)
