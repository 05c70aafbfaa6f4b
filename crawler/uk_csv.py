"""UK registry `StatementSummaries{YEAR}.csv` → statements, organisations and their links.

A group statement arrives as one row per member organisation, all sharing one StatementSummaryURL:
it becomes one statement with many organisations (role `member`, and `parent` for the ParentName).
Columns are read by name, so the 71-column files (2020/2021) and the 76-column ones (with PDFURL)
go through the same code. Pure functions: text in, dicts for `db.store.upsert_statement` out.
"""

from __future__ import annotations

import json
import re
from typing import Any

from crawler.csv_rows import (
    CsvRow,
    RegistryParse,
    SkippedRow,
    clean,
    name_key,
    parse_date,
    parse_flag,
    parse_int,
    read_csv_rows,
    short_sha1,
    slugify,
    split_lines,
)
from vocabulary.roles import MEMBER, PARENT

_RISK_PARTS = ("", "Area", "SupplyChainTier", "GroupAffected", "OtherGroupAffected", "Location", "Mitigation")
# The 71 columns of the 2020/2021 files, in order; later files add PDFURL and PDFDate (and others,
# unknown). Read by name: these say what a file lacks or adds, never where a value is.
UK_COLUMNS: tuple[str, ...] = (
    *[
        "StatementYear",
        "OrganisationName",
        "Address",
        "SectorType",
        "CompanyNumber",
        "LastUpdated",
        "GroupSubmission",
        "ParentName",
        "StatementURL",
        "EmailAddressNoURL",
        "StatementSummaryURL",
        "StatementStartDate",
        "StatementEndDate",
        "ApprovingPerson",
        "DateApproved",
        "StatementIncludesOrgStructure",
        "NoOrgStructureReason",
        "StatementIncludesPolicies",
        "NoPoliciesReason",
        "StatementIncludesRisksAssessment",
        "NoRiskAssessmentReason",
        "StatementIncludesDueDiligence",
        "NoDueDiligenceReason",
        "StatementIncludesTraining",
        "NoTrainingReason",
        "StatementIncludesGoals",
        "NoGoalsReason",
        "OrganisationSectors",
        "OtherOrganisationSector",
        "Turnover",
        "YearsProducingStatements",
        "Policies",
        "OtherPolicies",
        "NoPolicies",
        "Training",
        "OtherTraining",
        "NoTraining",
        "WorkingConditionsEngagement",
        "NoEngagement",
        "SocialAudits",
        "NoSocialAudits",
        "GrievanceMechanisms",
        "NoGrievanceMechanisms",
        "OtherMonitoring",
        "NoRisks",
    ],
    *(f"Risk{i}{part}" for i in (1, 2, 3) for part in _RISK_PARTS),
    *[
        "ILOIndicatorsInStatement",
        "NoILOIndicatorsInStatement",
        "ILOIndicatorsActions",
        "ILOIndicatorsNoActions",
        "DemonstrateProgress",
    ],
)
UK_LATER_COLUMNS: tuple[str, ...] = ("PDFURL", "PDFDate")

_SUMMARY_PATH = re.compile(r"/statement-summary/([^/?#\s]+)/(\d{4})")
_BARE_NUMBER = re.compile(r"^\d+$")

# Registry column → statements column, for the six areas a statement declares it covers.
DECLARED_AREAS = {
    "StatementIncludesOrgStructure": "declared_org_structure",
    "StatementIncludesPolicies": "declared_policies",
    "StatementIncludesRisksAssessment": "declared_risk_assessment",
    "StatementIncludesDueDiligence": "declared_due_diligence",
    "StatementIncludesTraining": "declared_training",
    "StatementIncludesGoals": "declared_goals",
}


def parse_uk_csv(text: str, year: int | None = None, source: str | None = None) -> RegistryParse:
    """Parse one registry-year file.

    `year` (the file's registry year) is the fallback when a row has no readable StatementYear;
    `source` is stored on each statement (e.g. `StatementSummaries2021.csv`).
    """
    table = read_csv_rows(text)
    if table.header and "OrganisationName" not in table.header:
        return RegistryParse(
            skipped=[SkippedRow(1, "no OrganisationName column: not a statement summaries file")]
        )
    known = {*UK_COLUMNS, *UK_LATER_COLUMNS}
    result = RegistryParse(
        skipped=list(table.skipped),
        missing_columns=[name for name in UK_COLUMNS if name not in table.header],
        unknown_columns=[name for name in table.header if name not in known],
    )
    groups: dict[str, list[CsvRow]] = {}
    for row in table.rows:
        problem = _row_problem(row.values, year)
        if problem:
            result.skipped.append(SkippedRow(row.line, problem))
            continue
        groups.setdefault(_group_key(row.values, year), []).append(row)
    for rows in groups.values():
        result.statements.append(_statement(rows, year, source))
    return result


def _row_problem(values: dict[str, str], year: int | None) -> str | None:
    if not (clean(values.get("OrganisationName")) or clean(values.get("ParentName"))):
        return "no OrganisationName or ParentName"
    if _registry_year(values, year) is None:
        return f"no readable StatementYear ({values.get('StatementYear')!r})"
    return None


def _registry_year(values: dict[str, str], fallback: int | None) -> int | None:
    year = parse_int(values.get("StatementYear"))
    if year is None:
        match = _SUMMARY_PATH.search(values.get("StatementSummaryURL") or "")
        year = int(match.group(2)) if match else None
    return year if year is not None else fallback


def _group_key(values: dict[str, str], year: int | None) -> str:
    summary_url = clean(values.get("StatementSummaryURL"))
    return summary_url.rstrip("/") if summary_url else statement_id(values, year)


def statement_id(values: dict[str, str], year: int | None = None) -> str:
    """`uk-{year}-{orgId}` from the summary URL, else `uk-{year}-{sha1(parent or org name)[:10]}`."""
    registry_year = _registry_year(values, year)
    match = _SUMMARY_PATH.search(values.get("StatementSummaryURL") or "")
    if match:
        return f"uk-{registry_year}-{match.group(1)}"
    name = clean(values.get("ParentName")) or clean(values.get("OrganisationName")) or ""
    return f"uk-{registry_year}-{short_sha1(name)}"


def organisation_name(values: dict[str, str]) -> str:
    """The member's name; a bare-number OrganisationName means the real name is in ParentName."""
    name = clean(values.get("OrganisationName"))
    parent = clean(values.get("ParentName"))
    if name is None or (_BARE_NUMBER.match(name) and parent):
        return parent or ""
    return name


def company_number(value: str | None) -> str | None:
    """Companies House numbers are 8 characters; spreadsheets drop the leading zeros of numeric ones."""
    value = clean(value)
    if value is None:
        return None
    value = re.sub(r"\s+", "", value).upper()
    return value.zfill(8) if value.isdigit() and len(value) < 8 else value


def organisation_id(name: str, number: str | None) -> str:
    if number:
        return f"uk-co-{number}"
    return f"uk-org-{slugify(name) or short_sha1(name)}"


def _statement(rows: list[CsvRow], year: int | None, source: str | None) -> dict[str, Any]:
    # Sorted so that a registry re-ordering its rows does not count as a changed statement.
    rows = sorted(rows, key=lambda row: json.dumps(row.values, sort_keys=True))
    first = rows[0].values
    organisations, links = _organisations(rows)
    members = [link for link in links if link["role"] == MEMBER]
    group = len(members) > 1 or parse_flag(first.get("GroupSubmission")) == 1
    statement_url = clean(first.get("StatementURL"))
    email = clean(first.get("EmailAddressNoURL"))
    parent = clean(first.get("ParentName"))
    sectors: dict[str, None] = {}
    for row in rows:
        for sector in split_lines(row.values.get("OrganisationSectors")):
            sectors.setdefault(sector, None)
    statement: dict[str, Any] = {
        "statement_id": statement_id(first, year),
        "jurisdiction": "uk",
        "registry_year": _registry_year(first, year),
        "statement_type": "group" if group else "single",
        "title": (parent if group and parent else None) or organisation_name(first),
        "period_start": parse_date(first.get("StatementStartDate")),
        "period_end": parse_date(first.get("StatementEndDate")),
        "registry_url": clean(first.get("StatementSummaryURL")),
        "statement_url": statement_url,
        "registry_pdf_url": clean(first.get("PDFURL")),
        "email_only": int(statement_url is None and email is not None),
        "email_address": email,
        "approving_person": clean(first.get("ApprovingPerson")),
        "date_approved": parse_date(first.get("DateApproved")),
        "turnover_band": clean(first.get("Turnover")),
        "sector_type": clean(first.get("SectorType")),
        "sectors": json.dumps(list(sectors), ensure_ascii=False) if sectors else None,
        "registry_row": json.dumps([row.values for row in rows], ensure_ascii=False),
        "source": source,
    }
    for registry_column, db_column in DECLARED_AREAS.items():
        statement[db_column] = parse_flag(first.get(registry_column))
    return {"statement": statement, "organisations": organisations, "links": links}


def _organisations(rows: list[CsvRow]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    organisations: dict[str, dict[str, Any]] = {}
    links: dict[tuple[str, str], dict[str, str]] = {}
    names: dict[str, str] = {}  # name_key → organisation_id, to find the parent among the members
    parent_name: str | None = None
    for row in rows:
        values = row.values
        name = organisation_name(values)
        number = company_number(values.get("CompanyNumber"))
        org_id = organisation_id(name, number)
        organisations.setdefault(
            org_id,
            {
                "organisation_id": org_id,
                "name": name,
                "jurisdiction": "uk",
                "company_number": number,
                "address": clean(values.get("Address")),
                "sector_type": clean(values.get("SectorType")),
            },
        )
        links[(org_id, MEMBER)] = {"organisation_id": org_id, "role": MEMBER}
        names.setdefault(name_key(name), org_id)
        parent = clean(values.get("ParentName"))
        if (
            parent and parent_name is None and name != parent
        ):  # a bare-number row's ParentName is its own name
            parent_name = parent
    if parent_name:
        parent_id = names.get(name_key(parent_name))
        if parent_id is None:
            parent_id = organisation_id(parent_name, None)
            # Only what the row says about the parent: an upsert must not blank its address or number.
            organisations[parent_id] = {
                "organisation_id": parent_id,
                "name": parent_name,
                "jurisdiction": "uk",
            }
        links[(parent_id, PARENT)] = {"organisation_id": parent_id, "role": PARENT}
    return list(organisations.values()), list(links.values())
