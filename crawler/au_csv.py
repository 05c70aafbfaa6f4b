"""AU register CSV export → statements, organisations and their links.

One row per statement (`IDX` → `au-{IDX}`). Entity lists such as
`NAME (77 159 767 843), OTHER NAME (88 000 014 675)` become organisations with roles `reporting` and
`included`; names may contain commas (`American Airlines, Inc.`) and parentheses
(`ALDI STORES (A LIMITED PARTNERSHIP)`). Read by header name, tolerating the older export's column
names (StatementId, Entities, Countries). Pure functions: text in, dicts for `db.store.upsert_statement` out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from crawler.csv_rows import (
    RegistryParse,
    SkippedRow,
    clean,
    column,
    parse_date,
    read_csv_rows,
    short_sha1,
    slugify,
    split_commas,
    split_lines,
)
from vocabulary.roles import INCLUDED, REPORTING

# Our name → the register's column names, current first, then older exports'.
COLUMNS = {
    "idx": ("IDX", "StatementId"),
    "reporting": ("ReportingEntities", "Entities"),
    "included": ("IncludedEntities",),
    "countries": ("HeadquarteredCountries", "Countries"),
    "revenue": ("AnnualRevenue",),
    "type": ("Type",),
    "start": ("PeriodStart",),
    "end": ("PeriodEnd",),
    "link": ("Link",),
    "sectors": ("IndustrySectors",),
    "related": ("RelatedStatements",),
    "abn": ("ABN",),
    "acn": ("ACN",),
    "arbn": ("ARBN",),
}

# The current export's header, in order (research/registries/au_all-statement-information_sample.csv).
EXPORT_COLUMNS: tuple[str, ...] = (
    "IDX",
    "PeriodStart",
    "PeriodEnd",
    "Type",
    "HeadquarteredCountries",
    "AnnualRevenue",
    "ReportingEntities",
    "IncludedEntities",
    "ABN",
    "ACN",
    "ARBN",
    "Link",
    "IndustrySectors",
    "RelatedStatements",
)
# Columns of the older export that the parser does not read (known, so not reported as unknown).
OLDER_COLUMNS = ("SubmittedAt", "PublishedAt", "Trademarks", "OverseasObligations")

STATEMENT_TYPES = {"single": "single", "joint": "joint", "voluntary": "voluntary", "group": "group"}

# A number in parentheses ending an entity: 11 digits is an ABN, 9 an ACN.
_ENTITY_NUMBER = re.compile(r"\(\s*(\d[\d ]*\d)\s*\)\s*(?=,|$)")
# A comma-separated piece that continues the previous name rather than starting a new entity.
_NAME_CONTINUATION = re.compile(
    r"^(inc|incorporated|ltd|limited|llc|l\.l\.c|plc|lp|l\.p|llp|co|corp|corporation|pty|pte|s\.?a|s\.?a\.?s"
    r"|n\.?v|b\.?v|ag|se|gmbh|k\.?k|s\.?p\.?a|s\.?r\.?l|oy|ab|a/?s|asa|ulc|lda|kft|s\.?a\.?r\.?l|s\.?l)\.?$",
    re.IGNORECASE,
)
_IDX_YEAR = re.compile(r"^(\d{4})-\d+$")


@dataclass(frozen=True)
class Entity:
    """One organisation named in an entity list, with the number given beside it, if any."""

    name: str
    abn: str | None = None
    acn: str | None = None
    arbn: str | None = None


def parse_au_csv(text: str, source: str | None = "au_register_csv") -> RegistryParse:
    """Parse the register's CSV export (current or older column set)."""
    table = read_csv_rows(text)
    if table.header and not any(name in table.header for name in COLUMNS["idx"]):
        return RegistryParse(skipped=[SkippedRow(1, "no IDX or StatementId column: not a register export")])
    known = {name for names in COLUMNS.values() for name in names} | set(OLDER_COLUMNS)
    result = RegistryParse(
        skipped=list(table.skipped),
        missing_columns=[
            names[0] for names in COLUMNS.values() if not any(name in table.header for name in names)
        ],
        unknown_columns=[name for name in table.header if name not in known],
    )
    seen: set[str] = set()
    for row in table.rows:
        idx = column(row.values, *COLUMNS["idx"])
        if idx is None:
            result.skipped.append(SkippedRow(row.line, "no IDX"))
            continue
        if idx in seen:
            result.skipped.append(SkippedRow(row.line, f"duplicate IDX {idx}"))
            continue
        seen.add(idx)
        result.statements.append(_statement(idx, row.values, source))
    return result


def parse_entity_list(text: str | None) -> list[Entity]:
    """`NAME (77 159 767 843), American Airlines, Inc., OTHER (123 456 789)` → entities with ABN/ACN."""
    text = clean(text)
    if text is None:
        return []
    entities: list[Entity] = []
    position = 0
    for match in _ENTITY_NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match.group(1))
        if len(digits) not in (9, 11):
            continue  # a parenthesised part of a name, e.g. (2019)
        names = _split_names(text[position : match.start()])
        if not names:
            continue
        *unnumbered, numbered = names
        entities += [Entity(name) for name in unnumbered]
        entities.append(Entity(numbered, abn=digits) if len(digits) == 11 else Entity(numbered, acn=digits))
        position = match.end()
    entities += [Entity(name) for name in _split_names(text[position:])]
    return entities


def _split_names(segment: str) -> list[str]:
    names: list[str] = []
    for piece in segment.split(","):
        piece = piece.strip()
        if not piece:
            continue
        if names and (_NAME_CONTINUATION.match(piece) or piece[0].islower() or piece[0] in "&("):
            names[-1] = f"{names[-1]}, {piece}"
        else:
            names.append(piece)
    return names


def organisation_id(entity: Entity) -> str:
    """`au-abn-…`, else `au-acn-…`, else `au-arbn-…`, else `au-org-{slug(name)}`."""
    if entity.abn:
        return f"au-abn-{entity.abn}"
    if entity.acn:
        return f"au-acn-{entity.acn}"
    if entity.arbn:
        return f"au-arbn-{entity.arbn}"
    return f"au-org-{slugify(entity.name) or short_sha1(entity.name)}"


def _statement(idx: str, values: dict[str, str], source: str | None) -> dict[str, Any]:
    reporting = parse_entity_list(column(values, *COLUMNS["reporting"]))
    included = parse_entity_list(column(values, *COLUMNS["included"]))
    reporting, included = _assign_column_numbers(values, reporting, included)
    organisations: dict[str, dict[str, Any]] = {}
    links: dict[tuple[str, str], dict[str, str]] = {}
    for role, entities in ((REPORTING, reporting), (INCLUDED, included)):
        for entity in entities:
            org_id = organisation_id(entity)
            organisations.setdefault(
                org_id,
                {
                    "organisation_id": org_id,
                    "name": entity.name,
                    "jurisdiction": "au",
                    "abn": entity.abn,
                    "acn": entity.acn,
                    "arbn": entity.arbn,
                },
            )
            links[(org_id, role)] = {"organisation_id": org_id, "role": role}
    year = _IDX_YEAR.match(idx)
    statement_type = column(values, *COLUMNS["type"])
    sectors = split_lines(column(values, *COLUMNS["sectors"]))
    related = [f"au-{item}" for item in split_commas(column(values, *COLUMNS["related"]))]
    names = [entity.name for entity in reporting or included]
    statement: dict[str, Any] = {
        "statement_id": f"au-{idx}",
        "jurisdiction": "au",
        "registry_year": int(year.group(1)) if year else None,
        "statement_type": STATEMENT_TYPES.get((statement_type or "").lower(), statement_type),
        "title": names[0] if names else None,
        "period_start": parse_date(column(values, *COLUMNS["start"])),
        "period_end": parse_date(column(values, *COLUMNS["end"])),
        "registry_url": column(values, *COLUMNS["link"]),
        "statement_url": None,
        "email_only": 0,
        "turnover_band": column(values, *COLUMNS["revenue"]),
        "sectors": json.dumps(sectors, ensure_ascii=False) if sectors else None,
        # Kept as the register writes it: country names can contain commas ("Korea, Republic of").
        "headquartered_countries": column(values, *COLUMNS["countries"]),
        "related_statements": json.dumps(related) if related else None,
        "registry_row": json.dumps([values], ensure_ascii=False),
        "source": source,
    }
    # registry_pdf_url is left out on purpose: it comes from the statement page, not the CSV, and an
    # upsert must not blank it.
    return {
        "statement": statement,
        "organisations": list(organisations.values()),
        "links": list(links.values()),
    }


def _assign_column_numbers(
    values: dict[str, str], reporting: list[Entity], included: list[Entity]
) -> tuple[list[Entity], list[Entity]]:
    """Give the ABN/ACN/ARBN column's number to an entity listed without one.

    Only when exactly one entity lacks a number and exactly one number of a kind is left over: the
    columns do not say which number belongs to which name, and a wrong guess would merge two companies.
    """
    entities = reporting + included
    for kind in ("abn", "acn", "arbn"):
        used = {getattr(entity, kind) for entity in entities}
        left = [
            number
            for number in (re.sub(r"\D", "", item) for item in split_commas(column(values, *COLUMNS[kind])))
            if number and number not in used
        ]
        missing = [i for i, entity in enumerate(entities) if not (entity.abn or entity.acn or entity.arbn)]
        if len(left) == 1 and len(missing) == 1:
            entities[missing[0]] = replace(entities[missing[0]], **{kind: left[0]})
    return entities[: len(reporting)], entities[len(reporting) :]
