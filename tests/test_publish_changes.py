"""What changed since the previous statement: the diff functions, the previous-statement lookup
(entities and the organisation fallback), statement_changes on the demo and the what_changed query."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from db import connect
from publish.changes import (
    Chained,
    SentenceDiff,
    change_row,
    compare_verdicts,
    diff_sentences,
    normalise_sentence,
    pick_previous,
    previous_statements,
    reading,
)
from synthetic.publish_db import build_fixture_db
from tests.demo_fixture import BRIGHTWATER
from tests.publish_fixture import fetch, rows

SAMPLE = Path(__file__).resolve().parents[1] / "sample_corpus"


def test_normalised_sentences_ignore_case_spacing_quotes_and_end_punctuation():
    assert normalise_sentence("  We  audit our ‘key’ suppliers;") == normalise_sentence(
        "we audit our 'key' suppliers."
    )
    assert normalise_sentence("- Workers are free to leave") == normalise_sentence(
        "Workers are free to leave"
    )
    assert normalise_sentence("We employ 1,300 people.") != normalise_sentence("We employ 1,350 people.")
    assert normalise_sentence("...") == ""


def test_diff_counts_new_dropped_and_repeated_sentences_as_multisets():
    previous = ["Our policies", "We audited 12 farms.", "We audited 12 farms.", "We will train buyers."]
    current = ["Our policies", "We audited 12 farms.", "We audited 31 farms.", "Two workers were repaid."]
    diff = diff_sentences(previous, current)
    assert diff.new == (2, 3)
    assert diff.dropped == (2, 3)  # the second "12 farms" and the training promise
    assert diff.repeated == 2
    keys = [normalise_sentence(t) for t in previous]
    assert diff.previous_chars == sum(len(k) for k in keys)
    assert diff.share_repeated == pytest.approx(
        (len("our policies") + len("we audited 12 farms")) / sum(map(len, keys))
    )


def test_identical_and_disjoint_texts():
    same = diff_sentences(["A sentence here.", "Another one."], ["a sentence here", "Another one!"])
    assert (same.new, same.dropped, same.share_repeated, same.share_new, same.text_changed) == (
        (),
        (),
        1.0,
        0.0,
        0.0,
    )
    apart = diff_sentences(["One thing."], ["Another thing."])
    assert (apart.repeated, apart.share_repeated, apart.text_changed) == (0, 0.0, 1.0)
    empty = diff_sentences([], ["Only now."])
    assert empty.share_repeated is None and empty.new == (0,)


def _chained(sid, year, org="o1", entity=None, jurisdiction="uk", period_end=None):
    return Chained(sid, jurisdiction, year, period_end, org, entity)


def test_previous_is_the_latest_earlier_year_of_the_same_entity_and_jurisdiction():
    found = pick_previous(
        [
            _chained("s2021", 2021),
            _chained("s2023", 2023),
            _chained("s2022", 2022),
            _chained("au2022", 2022, jurisdiction="au"),
            _chained("other2021", 2021, org="o2"),
        ]
    )
    assert found == {"s2021": None, "s2022": "s2021", "s2023": "s2022", "au2022": None, "other2021": None}


def test_same_year_statements_are_not_each_others_previous_and_the_main_organisation_wins():
    found = pick_previous(
        [
            _chained("group2022", 2022, org="parent", entity="e1"),
            _chained("member2022", 2022, org="member", entity="e1"),
            _chained("group2023", 2023, org="parent", entity="e1"),
            _chained("member2023", 2023, org="member", entity="e1"),
        ]
    )
    assert found["group2022"] is None and found["member2022"] is None
    assert found["group2023"] == "group2022"
    assert found["member2023"] == "member2022"


def test_reading_of_a_change():
    row = {
        "previous_statement_id": "a",
        "registry_year": 2023,
        "previous_year": 2022,
        "comparison": "compared",
        "share_repeated": 0.92,
        "sentences_new": 3,
        "sentences_dropped": 1,
        "new_impact_sentences": 2,
        "impact_share_then": 0.1,
        "impact_share_now": 0.3,
        "criteria_gained": '["c5_effectiveness"]',
        "au_verdicts_changed": '["s.16(1)(e) not_met → met"]',
    }
    assert reading(row, [4, 4]) == (
        "repeats 92% of last year's text word for word; 3 new sentences, 1 dropped; "
        "2 new impact sentences (p. 4); impact share 0.10 → 0.30; now addresses c5_effectiveness; "
        "s.16(1)(e) not_met → met"
    )
    assert reading({**row, "previous_year": 2020}, [2, 4]).startswith(
        "repeats 92% of the 2020 statement's text"
    )
    assert reading({"previous_statement_id": None}) == "no previous statement"


def test_change_row_flags_what_the_feed_alerts_on():
    then = {"statement_id": "a", "registry_year": 2022, "impact_share": 0.1, "au_s16_1_d_actions": "partly"}
    now = {"statement_id": "b", "registry_year": 2023, "impact_share": 0.12, "au_s16_1_d_actions": "met"}
    verdicts = compare_verdicts(then, now, "au")
    assert [(v.name, v.then, v.now) for v in verdicts if v.changed] == [
        ("au_s16_1_d_actions", "partly", "met")
    ]
    assert all(v.changed is None for v in verdicts if v.kind == "criterion")  # not assessed on either side
    diff = SentenceDiff(
        new=(), dropped=(), repeated=4, previous_chars=100, current_chars=100, repeated_chars=95
    )
    row = change_row(now, then, diff, [], verdicts)
    assert (row["impact_changed"], row["repeats_most"], row["alert"]) == (0, 1, 1)
    assert "s.16(1)(d) partly → met" in row["reading"]
    assert row["change_size"] == pytest.approx(0.05 + 0.1 + 0.02)
    first = change_row(now, None, None, [], [])
    assert (first["comparison"], first["reading"], first["previous_statement_id"]) == (
        "first",
        "no previous statement",
        None,
    )


@pytest.fixture
def fixture_db(tmp_path):
    return build_fixture_db(tmp_path / "msa.db")


def test_lookup_falls_back_to_the_main_organisation_without_entity_links(fixture_db):
    from publish.changes import build_statement_changes

    db = connect(fixture_db)
    db.execute("DROP TABLE entity_links")  # the build made them (publish/entities.py): here, none
    db.execute("DROP TABLE entities")
    build_statement_changes(db)
    found = previous_statements(db)
    assert found["uk-2022-HLF00001"] == "uk-2021-HLF00001"
    assert found["uk-2023-HLF00001"] == "uk-2022-HLF00001"
    assert found["au-2023-202"] == "au-2022-101"
    assert found["uk-2023-FGT00002"] is None  # the group's parent has no earlier statement
    changes = {r["statement_id"]: r for r in db.query("SELECT * FROM statement_changes")}
    assert changes["uk-2022-HLF00001"]["entity_basis"] == "organisation"
    assert changes["uk-2022-HLF00001"]["entity_id"] == "uk-co-90000001"


def test_lookup_uses_linked_entities_when_the_table_exists(fixture_db):
    """An entity links Harbourline 2021 and 2023 (2022 is only a candidate); Fellgate is a candidate of
    that entity and linked to its own: candidates never chain statements."""
    from publish.changes import build_statement_changes

    db = connect(fixture_db)
    db.execute("DROP TABLE entity_links")  # the build's own (publish/entities.py), replaced by these
    db.execute("DROP TABLE entities")
    db.execute(
        "CREATE TABLE entities (entity_id TEXT PRIMARY KEY, name TEXT, n_organisations INTEGER, "
        "n_statements INTEGER, jurisdictions TEXT, first_year INTEGER, last_year INTEGER)"
    )
    db.execute(
        "CREATE TABLE entity_links (entity_id TEXT, organisation_id TEXT, statement_id TEXT, "
        "jurisdiction TEXT, registry_year INTEGER, evidence TEXT, score REAL, status TEXT)"
    )
    db["entities"].insert_all(
        [
            {"entity_id": "ent-harbourline", "name": "Harbourline Foods"},
            {"entity_id": "ent-fellgate", "name": "Fellgate"},
        ]
    )
    links = [
        ("ent-harbourline", "uk-co-90000001", "uk-2021-HLF00001", 2021, "linked"),
        ("ent-harbourline", "uk-co-90000001", "uk-2022-HLF00001", 2022, "candidate"),
        ("ent-harbourline", "uk-co-90000001", "uk-2023-HLF00001", 2023, "linked"),
        # a wrong candidate must not chain Fellgate to Harbourline
        ("ent-harbourline", "uk-co-90000002", "uk-2023-FGT00002", 2023, "candidate"),
        ("ent-fellgate", "uk-co-90000002", "uk-2023-FGT00002", 2023, "linked"),
    ]
    db["entity_links"].insert_all(
        {
            "entity_id": e,
            "organisation_id": o,
            "statement_id": s,
            "jurisdiction": "uk",
            "registry_year": y,
            "evidence": "company_number",
            "score": 1.0,
            "status": status,
        }
        for e, o, s, y, status in links
    )
    db.conn.commit()
    found = previous_statements(db)
    assert found["uk-2023-HLF00001"] == "uk-2021-HLF00001"  # through the entity, skipping the candidate
    assert found["uk-2022-HLF00001"] is None  # its organisation's chain has no earlier statement
    assert found["uk-2023-FGT00002"] is None
    build_statement_changes(db)
    changes = {r["statement_id"]: r for r in db.query("SELECT * FROM statement_changes")}
    row = changes["uk-2023-HLF00001"]
    assert (row["entity_id"], row["entity"], row["entity_basis"]) == (
        "ent-harbourline",
        "Harbourline Foods",
        "entity",
    )
    assert row["previous_statement_id"] == "uk-2021-HLF00001" and row["previous_year"] == 2021
    assert row["reading"].startswith("repeats 0% of the 2021 statement's text word for word")
    assert changes["uk-2022-HLF00001"]["entity_basis"] == "organisation"


def test_fixture_changes_list_new_sentences_and_verdicts(fixture_db):
    db = connect(fixture_db)
    row = db["statement_changes"].get("uk-2022-HLF00001")
    # Only the Employer Pays line is repeated: the zero-tolerance line names the company differently.
    assert (row["sentences_then"], row["sentences_now"]) == (6, 9)
    assert (row["sentences_repeated"], row["sentences_new"], row["sentences_dropped"]) == (1, 8, 5)
    assert row["new_impact_sentences"] == 1
    assert "1 new impact sentence (p. 3)" in row["reading"]
    assert json.loads(row["criteria_gained"]) == [
        "signature",
        "c2_supply_chains",
        "c3_risk_description",
        "c4_remediation",
        "c5_effectiveness",
    ]
    assert json.loads(row["uk_areas_changed"]) == ["text now covers training", "text now covers goals"]
    new = list(
        db.query(
            "SELECT page_no, evidence FROM statement_change_sentences "
            "WHERE statement_id = 'uk-2022-HLF00001' AND change = 'new' ORDER BY sentence_idx"
        )
    )
    assert [r["evidence"] for r in new].count("impact") == 1
    verdicts = {
        (r["kind"], r["name"]): r
        for r in db.query("SELECT * FROM statement_change_verdicts WHERE statement_id = 'uk-2022-HLF00001'")
    }
    assert (
        verdicts[("criterion", "c4_remediation")]["then_value"],
        verdicts[("criterion", "c4_remediation")]["now_value"],
    ) == (0, 1)
    assert verdicts[("declared", "goals")]["changed"] == 0
    email_only = db["statement_changes"].get("uk-2022-KST00004")
    assert email_only["comparison"] == "first"


# --- the demo corpus: Brightwater Foods UK 2021 -> 2022 -> 2023 (sample_corpus/sources/documents) ---

BRIGHTWATER_MAKES = (
    "Brightwater Foods makes chilled soups, sauces and ready meals for UK supermarkets and food service "
    "customers."
)
REPEATED_2022 = {  # 2021 sentences said again word for word in 2022
    "Our business and supply chains",
    BRIGHTWATER_MAKES,
    "Training",
    "Approval",
    "Helen Marsh",
}
REPEATED_2023 = {
    "About this statement",
    BRIGHTWATER_MAKES,
    "Due diligence",
    "Approval",
    "Helen Marsh",
}


def _read_only(demo_db: Path) -> sqlite_utils.Database:
    """The shared demo database, opened read-only: `db.connect` would bring its schema up to date,
    a write under the Datasette that serves the same file immutable to the other tests."""
    return sqlite_utils.Database(sqlite3.connect(f"file:{demo_db}?mode=ro", uri=True))


def _demo_changes(demo_db: Path) -> dict[str, dict]:
    db = _read_only(demo_db)
    return {r["statement_id"]: r for r in db.query("SELECT * FROM statement_changes")}


def _sentences(demo_db: Path, statement_id: str, change: str) -> list[dict]:
    db = _read_only(demo_db)
    return list(
        db.query(
            "SELECT s.text, c.page_no, c.evidence FROM statement_change_sentences c "
            "JOIN sentences s ON s.sentence_id = c.sentence_id WHERE c.statement_id = ? AND c.change = ? "
            "ORDER BY c.sentence_idx",
            [statement_id, change],
        )
    )


def _all_sentences(demo_db: Path, statement_id: str) -> list[str]:
    db = _read_only(demo_db)
    return [
        r[0]
        for r in db.execute(
            "SELECT s.text FROM statement_summaries ss JOIN sentences s ON s.document_id = ss.document_id "
            "WHERE ss.statement_id = ? ORDER BY s.sentence_idx",
            [statement_id],
        )
    ]


def test_brightwater_first_statement_has_no_previous(demo_db):
    first = _demo_changes(demo_db)["uk-2021-Bw7fQ2kd"]
    assert (first["comparison"], first["previous_statement_id"], first["reading"]) == (
        "first",
        None,
        "no previous statement",
    )


@pytest.mark.parametrize(
    ("statement_id", "previous_id", "repeated", "then", "now"),
    [
        ("uk-2022-Bw7fQ2kd", "uk-2021-Bw7fQ2kd", REPEATED_2022, 35, 48),
        ("uk-2023-Bw7fQ2kd", "uk-2022-Bw7fQ2kd", REPEATED_2023, 48, 66),
    ],
)
def test_brightwater_year_on_year(demo_db, statement_id, previous_id, repeated, then, now):
    row = _demo_changes(demo_db)[statement_id]
    assert row["previous_statement_id"] == previous_id and row["comparison"] == "compared"
    assert (row["sentences_then"], row["sentences_now"]) == (then, now)
    assert row["sentences_repeated"] == len(repeated)
    assert (row["sentences_new"], row["sentences_dropped"]) == (now - len(repeated), then - len(repeated))
    current = _all_sentences(demo_db, statement_id)
    new_texts = {r["text"] for r in _sentences(demo_db, statement_id, "new")}
    assert set(current) - new_texts == repeated
    dropped = {r["text"] for r in _sentences(demo_db, statement_id, "dropped")}
    assert set(_all_sentences(demo_db, previous_id)) - dropped == repeated
    chars = sum(len(normalise_sentence(t)) for t in _all_sentences(demo_db, previous_id))
    assert row["share_repeated"] == pytest.approx(
        sum(len(normalise_sentence(t)) for t in repeated) / chars, abs=1e-4
    )
    assert row["reading"].startswith(
        f"repeats {round(100 * row['share_repeated'])}% of last year's text word for word"
    )


def test_brightwater_2023_new_impact_sentences_with_their_pages(demo_db):
    expected = json.loads((SAMPLE / "expected.json").read_text())["statements"]["uk-2023-Bw7fQ2kd"][
        "sentences"
    ]
    expected_impact = {(s["text"], s["page"]) for s in expected if s["evidence"] == "impact"}
    new = _sentences(demo_db, "uk-2023-Bw7fQ2kd", "new")
    new_impact = [r for r in new if r["evidence"] == "impact"]
    assert expected_impact and expected_impact <= {(r["text"], r["page_no"]) for r in new}
    row = _demo_changes(demo_db)["uk-2023-Bw7fQ2kd"]
    assert row["new_impact_sentences"] == len(new_impact) and row["n_impact_now"] == len(new_impact)
    pages = sorted({r["page_no"] for r in new_impact})
    assert f"{len(new_impact)} new impact sentences (pp. {', '.join(map(str, pages))})" in row["reading"]
    assert (
        row["impact_share_then"] < row["impact_share_now"]
        and row["impact_changed"] == 1
        and row["alert"] == 1
    )


def test_brightwater_2022_declares_goals_it_did_not_declare_in_2021(demo_db):
    row = _demo_changes(demo_db)["uk-2022-Bw7fQ2kd"]
    assert json.loads(row["declarations_changed"]) == ["registry now declares goals"]
    assert "registry now declares goals" in row["reading"]
    assert "2 new impact sentences (p. 1)" in row["reading"]  # the passports found and returned


def test_southern_cross_au_verdicts_then_and_now(demo_db):
    row = _demo_changes(demo_db)["au-2022-1503"]
    assert row["previous_statement_id"] == "au-2021-1187"
    db = _read_only(demo_db)
    verdicts = list(
        db.query(
            "SELECT name, then_value, now_value, changed FROM statement_change_verdicts "
            "WHERE statement_id = 'au-2022-1503' AND kind = 'au_verdict'"
        )
    )
    assert len(verdicts) == 7
    changed = [
        f"s.16(1)({v['name'].split('_')[3]}) {v['then_value']} → {v['now_value']}"
        for v in verdicts
        if v["changed"]
    ]
    assert json.loads(row["au_verdicts_changed"]) == changed
    compliance = {
        r["statement_id"]: r for r in db.query("SELECT * FROM compliance WHERE jurisdiction = 'au'")
    }
    for v in verdicts:
        assert v["then_value"] == compliance["au-2021-1187"][v["name"]]
        assert v["now_value"] == compliance["au-2022-1503"][v["name"]]


def test_what_changed_for_one_entity_year_by_year(demo_ds):
    found = rows(demo_ds, "/msa/what_changed.json?entity=Brightwater")
    # Brightwater's entity spans both registries (publish/entities.py): its AU subsidiary's joint
    # statement is the first of its AU chain, the UK chain runs 2021-2023.
    assert sorted((r["registry_year"], r["jurisdiction"], r["entity"]) for r in found) == [
        (2021, "uk", BRIGHTWATER),
        (2022, "uk", BRIGHTWATER),
        (2023, "au", BRIGHTWATER),
        (2023, "uk", BRIGHTWATER),
    ]
    by_statement = {r["statement_id"]: r for r in found}
    assert by_statement["uk-2021-Bw7fQ2kd"]["reading"] == "no previous statement"
    assert by_statement["au-2023-2876"]["reading"] == "no previous statement"
    assert by_statement["uk-2023-Bw7fQ2kd"]["reading"].startswith(
        "repeats 4% of last year's text word for word"
    )
    by_id = rows(demo_ds, f"/msa/what_changed.json?entity={found[0]['entity_id']}")
    assert [r["statement_id"] for r in by_id] == [r["statement_id"] for r in found]


def test_what_changed_for_a_year_by_size_of_change(demo_ds):
    found = rows(demo_ds, "/msa/what_changed.json?year=2022")
    assert {r["registry_year"] for r in found} == {2022}
    sizes = [r["change_size"] for r in found if r["change_size"] is not None]
    assert sizes == sorted(sizes, reverse=True) and len(sizes) == 2  # Brightwater and Southern Cross
    assert found[len(sizes)]["reading"] == "no previous statement"  # first statements last


def test_what_changed_page_offers_an_entity_picker_and_links_new_sentences(demo_ds):

    page = fetch(demo_ds, "/msa/what_changed")
    assert page.status_code == 200 and 'class="msa-entity"' in page.text and BRIGHTWATER in page.text
    entity = fetch(demo_ds, "/msa/what_changed?entity=Brightwater")
    assert 'class="msa-entity-picker"' not in entity.text
    assert "statement_change_sentences?statement_id=uk-2023-Bw7fQ2kd&amp;change=new" in entity.text
    listed = rows(demo_ds, "/msa/statement_change_sentences.json?statement_id=uk-2023-Bw7fQ2kd&change=new")
    assert len(listed) == 61
