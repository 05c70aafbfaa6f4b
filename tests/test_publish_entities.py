"""`entities` and `entity_links` on the demo database, and the entity_overview canned query.

The sample corpus was written with its true entities (bench/labels/entity_truth_sample.json):
Brightwater files in both registries, Hartwell Logistics files inside its group one year and
alone the next, Pennine Textiles is renamed, Southern Cross Minerals' UK subsidiary files the
Australian PDF, and an unrelated Australian Kestrel shares a UK company's name.
"""

from __future__ import annotations

import json
import sqlite3
from html import unescape
from pathlib import Path

import sqlite_utils

from publish.entities import build_entities
from tests.publish_fixture import fetch, rows

TRUTH = Path(__file__).resolve().parents[1] / "bench" / "labels" / "entity_truth_sample.json"


def linked(conn: sqlite3.Connection) -> dict[str, str]:
    """organisation id → entity id, from the linked rows (asserting there is exactly one)."""
    found: dict[str, set[str]] = {}
    for org_id, entity_id in conn.execute(
        "SELECT organisation_id, entity_id FROM entity_links WHERE status = 'linked'"
    ):
        found.setdefault(org_id, set()).add(entity_id)
    assert all(len(entities) == 1 for entities in found.values()), found
    return {org_id: entities.pop() for org_id, entities in found.items()}


def test_every_organisation_is_in_exactly_one_entity_and_the_entities_are_the_true_ones(demo_db):
    conn = sqlite3.connect(demo_db)
    entity_of = linked(conn)
    organisations = {r[0] for r in conn.execute("SELECT organisation_id FROM organisations")}
    assert set(entity_of) == organisations
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))["organisations"]
    assert set(truth) == organisations
    by_entity: dict[str, set[str]] = {}
    for org_id, entity_id in entity_of.items():
        by_entity.setdefault(entity_id, set()).add(truth[org_id])
    assert all(len(true) == 1 for true in by_entity.values()), by_entity  # no wrong merge
    assert len(by_entity) == len(set(truth.values()))  # no missed merge


def test_entities_span_both_registries_and_several_years(demo_db):
    conn = sqlite3.connect(demo_db)
    spanning = {
        r[0]: r[1:]
        for r in conn.execute(
            "SELECT name, n_statements, first_year, last_year FROM entities WHERE jurisdictions = 'AU,UK'"
        )
    }
    assert spanning == {
        "Brightwater Foods Limited": (4, 2021, 2023),
        "SOUTHERN CROSS MINERALS LIMITED": (3, 2021, 2023),
    }
    evidence = dict(
        conn.execute(
            """SELECT l.statement_id, group_concat(DISTINCT l.evidence) FROM entity_links l
               JOIN entities e ON e.entity_id = l.entity_id
               WHERE l.status = 'linked'
                 AND e.name IN ('SOUTHERN CROSS MINERALS LIMITED', 'Hartwell Group plc',
                                'Colne Valley Textiles Limited')
               GROUP BY l.statement_id"""
        ).fetchall()
    )
    assert evidence["uk-2023-Sx2mC9ra"] == "same_document"  # the UK subsidiary filed the AU PDF
    assert set(evidence["uk-2023-Hl3vQ8ks"].split(",")) == {"parent_name"}  # alone, naming its parent
    assert evidence["uk-2022-pT3nR8vc"] == evidence["uk-2023-pT3nR8vc"] == "company_number"  # renamed


def test_a_look_alike_name_is_a_candidate_not_a_merge(demo_db):
    conn = sqlite3.connect(demo_db)
    entity_of = linked(conn)
    uk, au = "uk-org-kestrel-print-packaging-limited", "au-abn-81733506219"
    assert entity_of[uk] != entity_of[au]
    candidates = conn.execute(
        "SELECT entity_id, organisation_id, evidence, score FROM entity_links WHERE status = 'candidate'"
    ).fetchall()
    assert sorted(candidates) == sorted(
        [(entity_of[au], uk, "normalised_name", 0.6), (entity_of[uk], au, "normalised_name", 0.6)]
    )


def test_rebuilding_entities_is_repeatable(demo_db, tmp_path):
    copy = tmp_path / "msa.db"
    copy.write_bytes(Path(demo_db).read_bytes())
    before = sqlite3.connect(copy).execute("SELECT * FROM entity_links ORDER BY 1, 2, 3, 7").fetchall()
    assert build_entities(sqlite_utils.Database(copy)) == 14
    assert (
        sqlite3.connect(copy).execute("SELECT * FROM entity_links ORDER BY 1, 2, 3, 7").fetchall() == before
    )


def test_entity_overview_shows_both_registries_with_scores_and_verdicts(demo_ds):
    found = rows(demo_ds, "/msa/entity_overview.json?entity=ent-uk-co-99418203")
    assert [(r["registry_year"], r["jurisdiction"]) for r in found] == [
        (2021, "uk"),
        (2022, "uk"),
        (2023, "au"),
        (2023, "uk"),
    ]
    assert {r["link"] for r in found} == {"linked"}
    au = next(r for r in found if r["jurisdiction"] == "au")
    assert au["filed_as"] == "BRIGHTWATER FOODS AUSTRALIA PTY LTD,Brightwater Foods Limited"
    assert au["au_s16_verdicts"].startswith("a ") and au["uk_areas_declared"] is None
    assert au["impact_share"] > 0
    uk_2023 = found[-1]
    assert uk_2023["uk_areas_declared"].split() == [
        "org_structure",
        "policies",
        "risk_assessment",
        "due_diligence",
        "training",
        "goals",
    ]
    assert uk_2023["au_s16_verdicts"] is None and uk_2023["impact_share_change"] is not None
    assert rows(demo_ds, "/msa/entity_overview.json?entity=") == []


def test_entity_overview_lists_candidates_after_the_linked_statements(demo_ds):
    found = rows(demo_ds, "/msa/entity_overview.json?entity=kestrel")
    assert [(r["entity"], r["jurisdiction"], r["link"]) for r in found] == [
        ("KESTREL PRINT AND PACKAGING PTY LTD", "au", "linked"),
        ("KESTREL PRINT AND PACKAGING PTY LTD", "uk", "candidate"),
        ("Kestrel Print & Packaging Limited", "uk", "linked"),
        ("Kestrel Print & Packaging Limited", "au", "candidate"),
    ]
    assert all(r["score"] == 0.6 for r in found if r["link"] == "candidate")


def test_entity_overview_picker_lists_entities_in_both_registries_first(demo_ds):
    html = unescape(fetch(demo_ds, "/msa/entity_overview").text)
    assert "msa-entity-picker" in html
    picked = html.index('href="/msa/entity_overview?entity=ent-uk-co-99418203"')
    assert picked < html.index('href="/msa/entity_overview?entity=ent-uk-co-99207714"')
    assert "msa-entity-picker" not in fetch(demo_ds, "/msa/entity_overview?entity=hartwell").text
