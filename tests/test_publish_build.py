"""The build stage's derived tables: search index with label tags, compliance, impact, boilerplate."""

from __future__ import annotations

import importlib.util

import pytest

from db import connect
from msa import build_stage
from msa.serve import PLUGINS_DIR
from publish.boilerplate import name_variants, normalise, text_key
from synthetic.publish_db import build_fixture_db, statements, write_statement


def load_plugin():
    spec = importlib.util.spec_from_file_location("msa_datasette", PLUGINS_DIR / "msa_datasette.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def db(tmp_path):
    build_fixture_db(tmp_path / "msa.db")
    return connect(tmp_path / "msa.db")


def test_near_verbatim_sentences_share_a_key():
    names = name_variants(["Harbourline Foods Limited"])
    a = text_key("Harbourline Foods Ltd has a zero-tolerance approach to modern slavery in 2023.", names)
    b = text_key("HARBOURLINE FOODS has a zero tolerance approach to Modern Slavery in 2024!", names)
    other = name_variants(["Banksia Retail Group"])
    c = text_key("Banksia Retail has a zero tolerance approach to modern slavery in 2021", other)
    assert a == b == c is not None
    assert text_key("Harbourline Foods has no tolerance approach to modern slavery in 2023.", names) != a


def test_short_sentences_are_not_boilerplate():
    assert text_key("Our supply chains") is None
    assert text_key("Modern Slavery and Human Trafficking Statement 2023") is None


def test_normalise_keeps_words_and_drops_legal_forms():
    assert (
        normalise("Fellgate Textiles plc: 37 workers (Ltd.)", name_variants(["Fellgate Textiles plc"]))
        == "org 0 workers"
    )


def test_search_index_carries_label_tags(db):
    def count(match: str) -> int:
        return db.execute(
            "SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH ?", [match]
        ).fetchone()[0]

    impact = db.execute("SELECT count(*) FROM labels WHERE evidence = 'impact'").fetchone()[0]
    assert count('tags : "ev_impact"') == impact == 7
    remediation = db.execute("SELECT count(*) FROM labels WHERE c4_remediation = 1").fetchone()[0]
    assert count('tags : "cr_c4_remediation"') == remediation == 6
    assert count('tags : "j_au" AND tags : "y_2022"') == 7  # the seven sentences of au-2022-101
    assert count('text : "impact"') == 0  # a tag is not a word of the text


def test_compliance_marks_unread_statements_unassessed(db):
    row = db.execute(
        "SELECT assessed, approval, criteria_addressed, declared_policies FROM compliance "
        "WHERE statement_id = 'uk-2022-KST00004'"
    ).fetchone()
    assert row == (0, None, None, 1)
    uk = db.execute(
        "SELECT au_s16_1_a_reporting_entity, detected_goals FROM compliance "
        "WHERE statement_id = 'uk-2022-HLF00001'"
    ).fetchone()
    assert uk == (None, 1)
    au = db.execute(
        "SELECT au_s16_1_a_reporting_entity, detected_goals, au_criteria_met FROM compliance "
        "WHERE statement_id = 'au-2022-101'"
    ).fetchone()
    assert au == ("met", None, 4)


def test_group_statement_is_by_its_parent(db):
    row = db.execute(
        "SELECT organisation, organisation_id FROM compliance WHERE statement_id = 'uk-2023-FGT00002'"
    )
    assert row.fetchone() == ("Fellgate Textiles plc", "uk-co-90000002")


def test_build_is_repeatable_and_sealed(db, tmp_path):
    first = {
        t: db[t].count for t in ("compliance", "impact_sentences", "boilerplate", "boilerplate_sentences")
    }
    build_stage.run(db, tmp_path)
    assert {t: db[t].count for t in first} == first
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert not (tmp_path / "msa.db-wal").exists()


def test_build_replaces_an_older_sentence_index(tmp_path):
    db = connect(tmp_path / "msa.db")
    for st in statements():
        write_statement(db, st)
    db["sentences"].enable_fts(["text"], fts_version="FTS5")  # what build-1 made
    build_stage.run(db, tmp_path)
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'sentences_fts'").fetchone()[0]
    assert "content=''" in sql and "tags" in sql


def test_fts_query_quotes_what_people_type():
    plugin = load_plugin()
    assert plugin.fts_query("recruitment fees") == '"recruitment" "fees"'
    assert plugin.fts_query('"holiday pay" OR wages') == '"holiday pay" OR "wages"'
    assert plugin.fts_query("child-labour recruit*") == '"child labour" "recruit"*'
    assert plugin.fts_query("OR NOT fees AND") == '"fees"'
    assert plugin.fts_query('" ( ** ') == ""
    assert plugin.search_match("fees", "Impact", "c4_remediation", "UK", "2023") == (
        'text : ("fees") AND tags : "ev_impact" AND tags : "cr_c4_remediation" AND tags : "jy_uk_2023"'
    )
    assert plugin.search_match("fees", "", "", "UK", "") == 'text : ("fees") AND tags : "j_uk"'
    assert plugin.search_match("fees", "", "", "", 2023) == 'text : ("fees") AND tags : "y_2023"'
    assert plugin.search_match("fees", "", "", "uk'", "20;23") == 'text : ("fees") AND tags : "jy_uk_2023"'
    assert plugin.search_match("", "impact", "", "", "") == plugin.NO_MATCH
    assert (
        plugin.search_match("fees", "impact' OR 1", None, None, None)
        == 'text : ("fees") AND tags : "ev_impactor1"'
    )


def test_a_document_filed_for_two_places_and_years_matches_only_its_own_pairs(tmp_path):
    """A jurisdiction and a year filter together match the pairs a document was filed for, not
    their cross product (with separate j_ and y_ tags, uk-2022 + au-2023 matched uk + 2023)."""
    db = connect(tmp_path / "msa.db")
    for st in statements():
        write_statement(db, st)
    uk = db.execute(
        "SELECT ss.document_id, st.registry_year FROM statement_summaries ss "
        "JOIN statements st USING (statement_id) WHERE st.jurisdiction = 'uk' AND ss.document_id IS NOT NULL "
        "ORDER BY ss.statement_id LIMIT 1"
    ).fetchone()
    au = db.execute(
        "SELECT statement_id, registry_year FROM statements WHERE jurisdiction = 'au' AND registry_year != ? "
        "ORDER BY statement_id LIMIT 1",
        [uk[1]],
    ).fetchone()
    db.execute("UPDATE statement_summaries SET document_id = ? WHERE statement_id = ?", [uk[0], au[0]])
    build_stage.run(db, tmp_path)
    plugin = load_plugin()

    def documents(jurisdiction: str, year: int) -> set[str]:
        tags = plugin.search_match("any", "", "", jurisdiction, year).split(" AND ", 1)[1]  # no words
        rows = db.execute(
            "SELECT DISTINCT s.document_id FROM sentences_fts f JOIN sentences s ON s.rowid = f.rowid "
            "WHERE sentences_fts MATCH ?",
            [tags],
        ).fetchall()
        return {r[0] for r in rows}

    assert uk[0] in documents("uk", uk[1]) and uk[0] in documents("au", au[1])
    assert uk[0] not in documents("uk", au[1]) and uk[0] not in documents("au", uk[1])
