"""`entities` and `entity_links`: one row per real-world organisation or group, and how each
registry organisation, in which statement and year, belongs to it.

A reader asks about "Brightwater", not about `uk-co-99418203` in 2022 and `au-abn-…` in 2023.
The rules live in publish/entity_linking.py (pure); this module reads organisations, statements
and their readable documents, and writes the two tables. Every organisation belongs to exactly
one entity through its `linked` rows; `candidate` rows name an organisation of another entity
that a rule was not sure enough to merge (it stays in its own entity too).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import sqlite_utils

from publish.entity_linking import Filing, Linking, Organisation, link_organisations, name_key

ENTITIES = "entities"
LINKS = "entity_links"
ENTITY_ID_PREFIX = "ent-"
# organisation id → [(statement id, registry year, its leading role in that statement)]
Appearances = dict[str, list[tuple[str, int | None, str]]]


def entity_id(root_organisation_id: str) -> str:
    """An entity's id is its lead organisation's (the one its statements are by)."""
    return f"{ENTITY_ID_PREFIX}{root_organisation_id}"


def read_organisations(db: sqlite_utils.Database) -> list[Organisation]:
    rows = db.execute(
        "SELECT organisation_id, name, jurisdiction, company_number, abn, acn, arbn FROM organisations"
    ).fetchall()
    return [Organisation(*row) for row in rows]


def read_filings(db: sqlite_utils.Database) -> list[Filing]:
    """Every statement with its organisations and the documents of it that extraction could read."""
    organisations: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for statement_id, org_id, role in db.execute(
        "SELECT statement_id, organisation_id, role FROM statement_organisations ORDER BY 1, 2, 3"
    ):
        organisations[statement_id].append((org_id, role))
    documents: dict[str, set[str]] = defaultdict(set)
    for statement_id, document_id in db.execute(
        """SELECT sd.statement_id, sd.document_id FROM statement_documents sd
           JOIN documents d ON d.document_id = sd.document_id
           WHERE sd.status = 'fetched' AND d.extract_status = 'ok'"""
    ):
        documents[statement_id].add(document_id)
    return [
        Filing(statement_id, tuple(orgs), tuple(sorted(documents.get(statement_id, ()))))
        for statement_id, orgs in organisations.items()
    ]


def _create_tables(db: sqlite_utils.Database) -> None:
    conn = db.conn
    conn.execute(f"DROP TABLE IF EXISTS {LINKS}")
    conn.execute(f"DROP TABLE IF EXISTS {ENTITIES}")
    conn.execute(
        f"""CREATE TABLE {ENTITIES} (
            entity_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            n_organisations INTEGER,
            n_statements INTEGER,
            jurisdictions TEXT,
            first_year INTEGER,
            last_year INTEGER,
            lead_organisation_id TEXT REFERENCES organisations(organisation_id),
            n_candidates INTEGER
        )"""
    )
    conn.execute(
        f"""CREATE TABLE {LINKS} (
            entity_id TEXT NOT NULL REFERENCES {ENTITIES}(entity_id),
            organisation_id TEXT NOT NULL REFERENCES organisations(organisation_id),
            statement_id TEXT REFERENCES statements(statement_id),
            jurisdiction TEXT,
            registry_year INTEGER,
            evidence TEXT NOT NULL,
            score REAL NOT NULL,
            status TEXT NOT NULL,
            organisation TEXT,
            role TEXT
        )"""
    )


def _link_rows(linking: Linking, appearances: Appearances, by_id: dict[str, Organisation]) -> list[tuple]:
    rows = []

    def add(entity: str, org_id: str, evidence: str, score: float, status: str) -> None:
        org = by_id[org_id]
        for statement_id, year, role in appearances.get(org_id) or [(None, None, None)]:
            rows.append(
                (
                    entity,
                    org_id,
                    statement_id,
                    org.jurisdiction,
                    year,
                    evidence,
                    score,
                    status,
                    org.name,
                    role,
                )
            )

    for org_id, root in linking.entity_of.items():
        evidence, score = linking.joined_by[org_id]
        add(entity_id(root), org_id, evidence, round(score, 3), "linked")
    for candidate in linking.candidates:
        for here, there in ((candidate.a, candidate.b), (candidate.b, candidate.a)):
            add(entity_id(linking.entity_of[here]), there, candidate.kind, candidate.score, "candidate")
    return rows


def _root_rank(appearances: Appearances, titles: dict[str, str]) -> Callable[[Organisation], tuple]:
    """An entity is named after the member its statements are by (the registry's title names it,
    or it is their named parent), then one with a registered number, more statements, a later year."""

    def rank(org: Organisation) -> tuple:
        seen = appearances.get(org.organisation_id, [])
        key = name_key(org.name).full
        titled = sum(1 for statement_id, _, _ in seen if titles.get(statement_id) == key)
        titled += sum(1 for _, _, role in seen if role == "parent")
        years = [year for _, year, _ in seen if year is not None]
        numbered = bool(org.company_number or org.abn or org.acn or org.arbn)
        return (-titled, not numbered, -len(seen), -max(years, default=0), org.organisation_id)

    return rank


def build_entities(db: sqlite_utils.Database) -> int:
    """Recreate `entities` and `entity_links` from organisations and statements; returns entities."""
    organisations = read_organisations(db)
    by_id = {org.organisation_id: org for org in organisations}
    appearances: Appearances = defaultdict(list)
    for org_id, statement_id, year, role in db.execute(
        """SELECT so.organisation_id, so.statement_id, s.registry_year, so.role
           FROM statement_organisations so JOIN statements s ON s.statement_id = so.statement_id
           ORDER BY 1, 3, 2, CASE so.role WHEN 'parent' THEN 0 WHEN 'reporting' THEN 1 ELSE 2 END"""
    ):
        # One row per statement, with the organisation's leading role in it.
        if not appearances[org_id] or appearances[org_id][-1][0] != statement_id:
            appearances[org_id].append((statement_id, year, role))
    titles = {
        statement_id: name_key(title).full
        for statement_id, title in db.execute(
            "SELECT statement_id, title FROM statements WHERE title IS NOT NULL"
        )
    }
    linking = link_organisations(organisations, read_filings(db), _root_rank(appearances, titles))
    _create_tables(db)
    conn = db.conn
    conn.executemany(
        f"INSERT INTO {LINKS} VALUES (?,?,?,?,?,?,?,?,?,?)", _link_rows(linking, appearances, by_id)
    )
    candidates: dict[str, int] = defaultdict(int)
    for candidate in linking.candidates:
        candidates[linking.entity_of[candidate.a]] += 1
        candidates[linking.entity_of[candidate.b]] += 1
    entity_rows = []
    for root, members in linking.members.items():
        seen = [a for org_id in members for a in appearances.get(org_id, [])]
        years = [year for _, year, _ in seen if year is not None]
        jurisdictions = sorted({by_id[org_id].jurisdiction.upper() for org_id in members})
        entity_rows.append(
            (
                entity_id(root),
                by_id[root].name,
                len(members),
                len({statement_id for statement_id, _, _ in seen}),
                ",".join(jurisdictions),
                min(years, default=None),
                max(years, default=None),
                root,
                candidates.get(root, 0),
            )
        )
    conn.executemany(f"INSERT INTO {ENTITIES} VALUES (?,?,?,?,?,?,?,?,?)", entity_rows)
    conn.execute(f"CREATE INDEX idx_{LINKS}_entity ON {LINKS}(entity_id, status)")
    conn.execute(f"CREATE INDEX idx_{LINKS}_organisation ON {LINKS}(organisation_id, status)")
    conn.execute(f"CREATE INDEX idx_{LINKS}_statement ON {LINKS}(statement_id, status)")
    conn.execute(f"CREATE INDEX idx_{ENTITIES}_name ON {ENTITIES}(name)")
    conn.commit()
    return len(entity_rows)
