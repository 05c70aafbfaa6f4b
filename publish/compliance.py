"""`compliance`: one row per statement with everything a regulator filters, exports and charts.

Joins the registry metadata (`statements`) with the statement summary (`statement_summaries`)
and the document the summary read, so the compliance summary, the dashboard and CSV exports
read one small, indexed table instead of re-joining the corpus on every request. Statements
whose text could not be read keep their registry columns but carry NULL criteria (`assessed` = 0):
"not assessed" is not "not met". AU s.16 verdicts are filled for AU statements only and the UK
s.54(5) areas for UK statements only, since each test is its own jurisdiction's law. The timeliness
flags come from `statement_timeliness` (publish/timeliness.py), which the build makes first.
"""

from __future__ import annotations

import sqlite_utils

from db.schema import PRIMARY_DOCUMENT_URL_SQL
from publish.timeliness import COLUMNS as TIMELINESS_TABLE_COLUMNS
from vocabulary.labels import AU_CRITERIA, CRITERIA, EVIDENCE_LABELS, UK_AREAS
from vocabulary.roles import PARENT, REPORTING

TABLE = "compliance"
GROUPS_TABLE = "compliance_groups"
ROLLUP_TABLE = "compliance_rollup"
ALL_SECTORS = ""  # the rollup's sector for rows over every sector
# The AU s.16(1) paragraphs under the names a regulator reads them by (statement_summaries keeps
# the short codes classify/ writes).
AU_COLUMNS: dict[str, str] = {
    "au_c1": "au_s16_1_a_reporting_entity",
    "au_c2": "au_s16_1_b_structure_operations_supply_chains",
    "au_c3": "au_s16_1_c_risks",
    "au_c4": "au_s16_1_d_actions",
    "au_c5": "au_s16_1_e_effectiveness",
    "au_c6": "au_s16_1_f_consultation",
    "au_c7": "au_s16_1_g_other_information",
}
assert tuple(AU_COLUMNS) == AU_CRITERIA
# Who a statement is "by": a group's parent, an AU reporting entity, else the first member.
LEAD_ORGANISATION_SQL = f"""(SELECT so.organisation_id FROM statement_organisations so
    WHERE so.statement_id = st.statement_id
    ORDER BY CASE so.role WHEN '{PARENT}' THEN 0 WHEN '{REPORTING}' THEN 1 ELSE 2 END, so.organisation_id
    LIMIT 1)"""
# From `statement_timeliness` (publish/timeliness.py, built before this table): each statement's
# deadline, days from its period end, and flags, so the compliance CSV carries them.
TIMELINESS_FLAGS = ("late", "approved_before_period_end", "dates_missing", "dates_inconsistent")
TIMELINESS_COLUMNS: dict[str, str] = {
    name: sql_type
    for name, sql_type in TIMELINESS_TABLE_COLUMNS
    if name in ("deadline", "days_to_approval", "days_to_publication", *TIMELINESS_FLAGS)
}


def columns() -> list[tuple[str, str]]:
    """(name, SQL type) of every column, in the order Datasette shows them."""
    cols = [
        ("statement_id", "TEXT PRIMARY KEY REFERENCES statements(statement_id)"),
        ("organisation", "TEXT"),
        ("organisation_id", "TEXT REFERENCES organisations(organisation_id)"),
        ("jurisdiction", "TEXT"),
        ("registry_year", "INTEGER"),
        ("statement_type", "TEXT"),
        ("turnover_band", "TEXT"),
        ("sector_type", "TEXT"),
        ("sectors", "TEXT"),
        ("assessed", "INTEGER"),
        ("sentence_count", "INTEGER"),
        ("approval", "INTEGER"),
        ("signature", "INTEGER"),
        ("signatory", "TEXT"),
        ("approving_person", "TEXT"),
        ("date_approved", "TEXT"),
        ("criteria_addressed", "INTEGER"),
    ]
    cols += [(c, "INTEGER") for c in CRITERIA if c not in ("approval", "signature")]
    cols += [("au_criteria_met", "INTEGER")] + [(AU_COLUMNS[c], "TEXT") for c in AU_CRITERIA]
    cols += [("uk_mismatches", "INTEGER"), ("uk_mismatch", "TEXT")]
    for area in UK_AREAS:
        cols += [(f"declared_{area}", "INTEGER"), (f"detected_{area}", "INTEGER")]
    cols += [
        ("impact_share", "REAL"),
        *[(f"n_{label}", "INTEGER") for label in ("impact", "action", "commitment", "negative", "none")],
        ("shows_impact", "INTEGER"),
        ("document_url", "TEXT"),
        ("registry_url", "TEXT"),
        ("registry_pdf_url", "TEXT"),
        ("period_start", "TEXT"),
        ("period_end", "TEXT"),
        *[(name, sql_type) for name, sql_type in TIMELINESS_COLUMNS.items()],
    ]
    return cols


def select_sql() -> str:
    """The SELECT that fills the table, column for column."""
    assessed = "(ss.document_id IS NOT NULL AND ss.sentence_count > 0)"
    when = f"CASE WHEN {assessed} THEN"
    exprs: dict[str, str] = {
        "statement_id": "st.statement_id",
        "organisation": "COALESCE(st.title, o.name)",
        "organisation_id": "lead.organisation_id",
        "jurisdiction": "st.jurisdiction",
        "registry_year": "st.registry_year",
        "statement_type": "st.statement_type",
        "turnover_band": "st.turnover_band",
        "sector_type": "st.sector_type",
        "sectors": "st.sectors",
        "assessed": f"COALESCE({assessed}, 0)",
        "sentence_count": "ss.sentence_count",
        "signatory": "ss.signatory",
        "approving_person": "st.approving_person",
        "date_approved": "st.date_approved",
        "criteria_addressed": f"{when} " + " + ".join(f"COALESCE(ss.{c}, 0)" for c in CRITERIA) + " END",
        "au_criteria_met": "CASE WHEN st.jurisdiction = 'au' AND "
        + assessed
        + " THEN "
        + " + ".join(f"(ss.{c} = 'met')" for c in AU_CRITERIA[:6])
        + " END",
        "uk_mismatches": f"CASE WHEN st.jurisdiction = 'uk' AND {assessed} AND ss.uk_mismatch IS NOT NULL "
        "THEN json_array_length(ss.uk_mismatch) END",
        "uk_mismatch": f"CASE WHEN st.jurisdiction = 'uk' AND {assessed} THEN ss.uk_mismatch END",
        "impact_share": "ss.impact_share",
        "shows_impact": f"{when} ss.shows_impact END",
        "document_url": PRIMARY_DOCUMENT_URL_SQL,
        "registry_url": "st.registry_url",
        "registry_pdf_url": "st.registry_pdf_url",
        "period_start": "st.period_start",
        "period_end": "st.period_end",
        **{name: f"tl.{name}" for name in TIMELINESS_COLUMNS},
    }
    for c in CRITERIA:
        exprs[c] = f"{when} ss.{c} END"
    for c in AU_CRITERIA:
        exprs[AU_COLUMNS[c]] = f"CASE WHEN st.jurisdiction = 'au' AND {assessed} THEN ss.{c} END"
    for area in UK_AREAS:
        exprs[f"declared_{area}"] = f"CASE WHEN st.jurisdiction = 'uk' THEN st.declared_{area} END"
        exprs[f"detected_{area}"] = (
            f"CASE WHEN st.jurisdiction = 'uk' AND {assessed} THEN ss.uk_detected_{area} END"
        )
    for label in EVIDENCE_LABELS:
        exprs[f"n_{label}"] = f"ss.n_{label}"
    select = ",\n       ".join(f"{exprs[name]} AS {name}" for name, _ in columns())
    return f"""SELECT {select}
FROM statements st
LEFT JOIN statement_summaries ss ON ss.statement_id = st.statement_id
LEFT JOIN (SELECT st.statement_id AS statement_id, {LEAD_ORGANISATION_SQL} AS organisation_id
           FROM statements st) lead ON lead.statement_id = st.statement_id
LEFT JOIN organisations o ON o.organisation_id = lead.organisation_id
LEFT JOIN statement_timeliness tl ON tl.statement_id = st.statement_id"""


def summary_measures() -> list[tuple[str, str]]:
    """(name, SQL over a compliance row) of every share the compliance summary reports.

    The summary's value is the mean of the expression over the rows where it is not NULL, so
    statements that were not read, or are of the other jurisdiction, do not dilute a share.
    """
    out = [(f"{c}_share", c) for c in CRITERIA]
    for code in AU_CRITERIA:
        col = AU_COLUMNS[code]
        for verdict in ("met", "partly"):
            out.append(
                (f"{col}_{verdict}_share", f"CASE WHEN {col} IS NULL THEN NULL ELSE {col} = '{verdict}' END")
            )
    for area in UK_AREAS:
        out += [
            (f"uk_{area}_declared_share", f"declared_{area}"),
            (f"uk_{area}_detected_share", f"detected_{area}"),
        ]
    out += [("uk_mismatches_per_statement", "uk_mismatches"), ("mean_impact_share", "impact_share")]
    out += [(f"{flag}_share", flag) for flag in TIMELINESS_FLAGS]
    return out


def build_compliance_groups(db: sqlite_utils.Database) -> int:
    """Recreate `compliance_groups`: per jurisdiction, year and sector list, the counts and the sums
    the compliance summary adds up, so it reads a few hundred rows instead of every statement.

    Each statement is in exactly one group (its `sectors` as listed), so counts add up; every
    measure keeps its sum and its count of non-NULL rows (`<name>__sum`, `<name>__n`), so a
    share over any set of groups is their sums over their counts.
    """
    conn = db.conn
    measures = summary_measures()
    conn.execute(f"DROP TABLE IF EXISTS {GROUPS_TABLE}")
    body = ",\n    ".join(
        [
            "jurisdiction TEXT",
            "registry_year INTEGER",
            "sectors TEXT",
            "statements INTEGER",
            "assessed INTEGER",
        ]
        + ["impact_sentences INTEGER"]
        + [
            f"{name}__{part} {kind}"
            for name, _ in measures
            for part, kind in (("sum", "REAL"), ("n", "INTEGER"))
        ]
    )
    conn.execute(f"CREATE TABLE {GROUPS_TABLE} (\n    {body}\n)")
    sums = ", ".join(f"sum({expr}), count({expr})" for _, expr in measures)
    conn.execute(
        f"INSERT INTO {GROUPS_TABLE} SELECT jurisdiction, registry_year, sectors, count(*), sum(assessed), "
        f"sum(n_impact), {sums} FROM {TABLE} GROUP BY jurisdiction, registry_year, sectors"
    )
    conn.execute(
        f"CREATE INDEX idx_{GROUPS_TABLE}_jurisdiction_year ON {GROUPS_TABLE}(jurisdiction, registry_year)"
    )
    conn.commit()
    return db[GROUPS_TABLE].count


def rollup_columns() -> list[tuple[str, str]]:
    """(name, SQL over an assessed compliance row) of every sum the dashboard charts add up."""
    cols = [("statements", "1")] + [(c, c) for c in CRITERIA]
    cols += [("impact_share_sum", "impact_share"), ("impact_share_n", "impact_share IS NOT NULL")]
    cols += [("shows_impact", "COALESCE(shows_impact, 0)")]
    for code in AU_CRITERIA[:6]:  # (g) is discretionary: not charted
        col = AU_COLUMNS[code]
        cols += [(f"{col}_{v}", f"{col} = '{v}'") for v in ("met", "partly", "not_met")]
    return cols


def build_compliance_rollup(db: sqlite_utils.Database) -> int:
    """Recreate `compliance_rollup`: sums over the assessed statements per jurisdiction, year and
    sector, so each dashboard chart reads a few hundred rows instead of every statement.

    Rows with sector '' hold every statement of their jurisdiction and year once; the other rows
    one sector each (a statement in two sectors is in both), for a chart by sector or filtered to one.
    """
    conn = db.conn
    cols = rollup_columns()
    conn.execute(f"DROP TABLE IF EXISTS {ROLLUP_TABLE}")
    body = ", ".join(
        ["jurisdiction TEXT", "registry_year INTEGER", "sector TEXT"] + [f"{n} REAL" for n, _ in cols]
    )
    conn.execute(f"CREATE TABLE {ROLLUP_TABLE} ({body})")
    sums = ", ".join(f"sum({expr})" for _, expr in cols)
    conn.execute(
        f"INSERT INTO {ROLLUP_TABLE} SELECT jurisdiction, registry_year, '{ALL_SECTORS}', {sums} "
        f"FROM {TABLE} WHERE assessed = 1 GROUP BY jurisdiction, registry_year"
    )
    conn.execute(
        f"INSERT INTO {ROLLUP_TABLE} SELECT jurisdiction, registry_year, j.value, {sums} "
        f"FROM {TABLE}, json_each({TABLE}.sectors) j WHERE assessed = 1 "
        "GROUP BY jurisdiction, registry_year, j.value"
    )
    conn.execute(f"CREATE INDEX idx_{ROLLUP_TABLE}_sector ON {ROLLUP_TABLE}(sector, jurisdiction)")
    conn.commit()
    return db[ROLLUP_TABLE].count


def build_compliance(db: sqlite_utils.Database) -> int:
    """Recreate the compliance table, its facet indexes and its groups; returns its row count."""
    conn = db.conn
    conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
    body = ",\n    ".join(f"{name} {sql_type}" for name, sql_type in columns())
    conn.execute(f"CREATE TABLE {TABLE} (\n    {body}\n)")
    conn.execute(f"INSERT INTO {TABLE} {select_sql()} ORDER BY st.statement_id")
    # In the order Datasette pages the table: registry_year desc, ties by statement_id. Its first
    # page sorts by the year alone, so ties must come in key order for the next pages (which add
    # statement_id) to neither repeat nor skip rows of a streamed CSV; and a jurisdiction-year
    # stream then reads each page off the index instead of sorting the year again.
    conn.execute(
        f"CREATE INDEX idx_{TABLE}_jurisdiction_year "
        f"ON {TABLE}(jurisdiction, registry_year DESC, statement_id)"
    )
    conn.execute(f"CREATE INDEX idx_{TABLE}_year ON {TABLE}(registry_year DESC, statement_id)")
    conn.execute(f"CREATE INDEX idx_{TABLE}_organisation ON {TABLE}(organisation)")
    conn.execute(f"CREATE INDEX idx_{TABLE}_organisation_id ON {TABLE}(organisation_id)")
    conn.commit()
    build_compliance_groups(db)
    build_compliance_rollup(db)
    return db[TABLE].count
