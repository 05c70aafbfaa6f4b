"""Every canned query, run through Datasette's own client against the fictional corpus."""

from __future__ import annotations

import json

import pytest

from msa.serve import datasette_app
from tests.publish_fixture import build_fixture_db, fetch, rows


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    return datasette_app(build_fixture_db(tmp_path_factory.mktemp("publish") / "msa.db"))


TESTED = {
    "search_sentences",
    "search_organisations",
    "company_statements",
    "search_impact_sentences",
    "statements_with_impact",
    "company_impact_sentences",
    "impact_statements",
    "compliance_summary",
    "missing_content",
    "registry_mismatches",
    "search_boilerplate",
    "boilerplate_uses",
}


def test_every_canned_query_is_tested_here(ds):
    assert set(ds.metadata("queries", database="msa")) == TESTED


def test_no_canned_query_writes(ds):
    assert not [name for name, q in ds.metadata("queries", database="msa").items() if q.get("write")]


def test_search_sentences_ranks_by_relevance(ds):
    found = rows(ds, "/msa/search_sentences.json?q=recruitment+fees")
    assert len(found) == 5
    relevance = [r["relevance"] for r in found]
    assert relevance == sorted(relevance, reverse=True)
    # The sentence naming both words twice over ranks above those that name them once.
    assert found[0]["relevance"] >= found[-1]["relevance"]
    assert all("recruitment fee" in r["text"] for r in found)


def test_search_sentences_ranks_only_the_latest_matches_of_a_very_common_word(ds):
    from urllib.parse import urlencode

    from msa.publish.queries import search_sentences_sql

    everything = rows(ds, "/msa/search_sentences.json?q=recruitment+fees")
    sql = search_sentences_sql(rank_window=2)
    params = {"q": "recruitment fees", "evidence": "", "criterion": "", "jurisdiction": "", "year": ""}
    capped = rows(ds, "/msa.json?" + urlencode({"sql": sql, **params}))
    assert len(capped) == 2 and len(everything) == 5
    quoted = ",".join(f"'{r['sentence_id']}'" for r in everything)
    by_rowid = rows(
        ds,
        "/msa.json?"
        + urlencode(
            {"sql": f"SELECT sentence_id FROM sentences WHERE sentence_id IN ({quoted}) ORDER BY rowid DESC"}
        ),
    )
    # the window is the two highest rowids among the matches, still ordered by relevance
    assert {r["sentence_id"] for r in capped} == {r["sentence_id"] for r in by_rowid[:2]}
    assert [r["relevance"] for r in capped] == sorted((r["relevance"] for r in capped), reverse=True)


def test_search_sentences_filters_by_evidence_label(ds):
    found = rows(ds, "/msa/search_sentences.json?q=recruitment+fees&evidence=impact")
    assert [r["organisation"] for r in found] == ["Harbourline Foods Limited"]
    assert found[0]["evidence"] == "impact"
    assert found[0]["registry_year"] == 2022
    assert found[0]["source_url"] == "https://www.harbourline.example/modern-slavery/2022.pdf#page=3"
    assert found[0]["criteria"] == "c4_remediation"


def test_search_sentences_filters_by_criterion_jurisdiction_and_year(ds):
    au = rows(ds, "/msa/search_sentences.json?q=zero+tolerance&jurisdiction=au")
    assert {r["organisation"] for r in au} == {"Wattle Ridge Mining Pty Ltd", "Banksia Retail Group"}
    y2023 = rows(ds, "/msa/search_sentences.json?q=zero+tolerance&jurisdiction=au&year=2023")
    assert {r["statement_id"] for r in y2023} == {"au-2023-202", "au-2023-303"}
    remediation = rows(ds, "/msa/search_sentences.json?q=workers&criterion=c4_remediation")
    assert remediation and all("c4_remediation" in r["criteria"] for r in remediation)


def test_search_sentences_matches_stems_phrases_and_prefixes(ds):
    stems = {r["text"] for r in rows(ds, "/msa/search_sentences.json?q=audits")}  # porter: audit, audited
    assert any("We audited 12" in t for t in stems) and any("supplier audits" in t for t in stems)
    phrase = rows(ds, '/msa/search_sentences.json?q="holiday+pay"')
    assert [r["statement_id"] for r in phrase] == ["uk-2023-HLF00001"]
    prefix = rows(ds, "/msa/search_sentences.json?q=traffick*")
    assert len(prefix) == 7


def test_search_sentences_survives_what_people_type(ds):
    for q in ["", "child-labour", '"unbalanced', "OR", "NOT fees", "fees AND", "**", "(", "ev_impact"]:
        response = fetch(ds, f"/msa/search_sentences.json?q={q}&_shape=objects")
        assert response.status_code == 200, (q, response.text[:200])
    # Tags are not searchable as words: a reader typing a label gets text matches only.
    assert rows(ds, "/msa/search_sentences.json?q=ev_impact") == []


def test_search_organisations(ds):
    found = rows(ds, "/msa/search_organisations.json?q=fellgate")
    assert {r["name"]: r["statements"] for r in found} == {
        "Fellgate Textiles plc": 1,
        "Fellgate Dyeing Limited": 1,
    }
    wattle = rows(ds, "/msa/search_organisations.json?q=wattle+mining")
    assert wattle[0]["statements"] == 2 and (wattle[0]["first_year"], wattle[0]["last_year"]) == (2022, 2023)


def test_company_statements_over_the_years(ds):
    found = rows(ds, "/msa/company_statements.json?company=harbourline")
    assert [r["registry_year"] for r in found] == [2021, 2022, 2023]
    assert [r["criteria_addressed"] for r in found] == [3, 6, 5]
    assert [r["signature"] for r in found] == [0, 1, 1]
    assert [r["impact_share"] for r in found] == [0.0, 0.167, 0.75]
    assert [r["impact_share_change"] for r in found] == [None, 0.167, 0.583]
    assert found[0]["document_url"] == "https://www.harbourline.example/modern-slavery/2021.pdf"
    assert found[0]["registry_url"].endswith("/statement-summary/HLF00001/2021")


def test_company_statements_finds_group_members_and_needs_a_name(ds):
    member = rows(ds, "/msa/company_statements.json?company=Fellgate+Dyeing")
    assert [r["statement_id"] for r in member] == ["uk-2023-FGT00002"]
    assert rows(ds, "/msa/company_statements.json?company=") == []


def test_impact_sentences_by_company_sector_and_year(ds):
    everything = rows(ds, "/msa/search_impact_sentences.json")
    assert len(everything) == 7
    assert [r["registry_year"] for r in everything] == sorted(
        (r["registry_year"] for r in everything), reverse=True
    )
    by_company = rows(ds, "/msa/search_impact_sentences.json?company=wattle")
    assert [r["statement_id"] for r in by_company] == ["au-2023-202", "au-2022-101"]
    by_sector = rows(ds, "/msa/search_impact_sentences.json?sector=textiles")
    assert [r["organisation"] for r in by_sector] == ["Banksia Retail Group"]
    by_year = rows(ds, "/msa/search_impact_sentences.json?year=2022&jurisdiction=uk")
    assert len(by_year) == 1 and by_year[0]["text"].startswith("In 2022, 37 migrant workers")
    assert by_year[0]["source_url"].endswith("/2022.pdf#page=3") and by_year[0]["page_no"] == 3


def test_compliance_summary_by_jurisdiction_year_and_sector(ds):
    summary = rows(ds, "/msa/compliance_summary.json?jurisdiction=uk")
    by_key = {(r["registry_year"], r["sector"]): r for r in summary}
    assert set(by_key) == {
        (2021, "Food and beverages"),
        (2022, "Food and beverages"),
        (2022, "Transport and storage"),
        (2023, "Food and beverages"),
        (2023, "Textiles and clothing"),
        (2023, "Retail"),
    }
    transport = by_key[(2022, "Transport and storage")]  # email-only: counted, not assessed
    assert (transport["statements"], transport["assessed"], transport["approval"]) == (1, 0, None)
    food_2023 = by_key[(2023, "Food and beverages")]
    assert (food_2023["approval"], food_2023["signature"], food_2023["impact_share"]) == (1.0, 1.0, 0.75)
    assert food_2023["uk_goals_declared"] == 0.0 and food_2023["uk_goals_detected"] == 1.0
    assert food_2023["au_c1_met"] is None
    au = rows(ds, "/msa/compliance_summary.json?jurisdiction=au&year=2023&sector=mining")
    assert len(au) == 1 and au[0]["au_c5_met"] == 1.0 and au[0]["au_c7_partly"] == 1.0


def test_compliance_summary_exports_as_streamed_csv(ds):
    response = fetch(ds, "/msa/compliance_summary.csv?jurisdiction=au&_stream=on&_dl=1")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.strip().splitlines()
    assert lines[0].startswith("jurisdiction,registry_year,sector,statements,assessed,approval,signature")
    assert len(lines) == 1 + 4
    # One row per statement, every row streamed: the compliance table.
    table = fetch(ds, "/msa/compliance.csv?_stream=on&_size=2&jurisdiction=uk")
    assert table.status_code == 200 and len(table.text.strip().splitlines()) == 1 + 5


def test_missing_content(ds):
    found = {r["statement_id"]: r for r in rows(ds, "/msa/missing_content.json")}
    assert found["uk-2022-KST00004"]["missing"] == "statement text not available"
    assert found["uk-2021-HLF00001"]["missing"] == "signature"
    assert found["au-2023-303"]["missing"] == "approval; signature; s.16(1)(f) consultation"
    assert "s.16(1)(e) effectiveness" in found["au-2023-303"]["partly_met"]
    assert "uk-2022-HLF00001" not in found
    only_au = rows(ds, "/msa/missing_content.json?jurisdiction=au&year=2022")
    assert [r["statement_id"] for r in only_au] == ["au-2022-101"]


def test_registry_mismatches(ds):
    found = rows(ds, "/msa/registry_mismatches.json")
    pairs = {(r["statement_id"], r["area"], r["mismatch"].split(",")[0]) for r in found}
    assert pairs == {
        ("uk-2023-FGT00002", "due_diligence", "found in the text"),
        ("uk-2023-FGT00002", "training", "declared in the registry"),
        ("uk-2023-HLF00001", "goals", "found in the text"),
        ("uk-2021-HLF00001", "goals", "declared in the registry"),
        ("uk-2021-HLF00001", "training", "declared in the registry"),
    }
    declared_only = rows(ds, "/msa/registry_mismatches.json?kind=declared_not_detected&year=2021")
    assert {r["area"] for r in declared_only} == {"goals", "training"}
    assert [r["statement_id"] for r in rows(ds, "/msa/registry_mismatches.json?area=due_diligence")] == [
        "uk-2023-FGT00002"
    ]


def test_boilerplate_groups_near_verbatim_sentences(ds):
    found = rows(ds, "/msa/search_boilerplate.json")
    assert [(r["n_organisations"], r["n_statements"]) for r in found] == [(4, 7), (3, 4)]
    assert "zero tolerance approach" in found[0]["text"]
    assert found[0]["jurisdictions"] == "au,uk" and (found[0]["first_year"], found[0]["last_year"]) == (
        2021,
        2023,
    )
    assert len(rows(ds, "/msa/search_boilerplate.json?min_organisations=4")) == 1
    assert rows(ds, "/msa/search_boilerplate.json?contains=Employer+Pays")[0]["n_organisations"] == 3
    assert rows(ds, "/msa/search_boilerplate.json?evidence=impact") == []


def test_boilerplate_uses_lists_each_wording(ds):
    boilerplate_id = rows(ds, "/msa/search_boilerplate.json?contains=zero")[0]["boilerplate_id"]
    uses = rows(ds, f"/msa/boilerplate_uses.json?boilerplate_id={boilerplate_id}")
    assert len(uses) == 7
    wordings = {r["text"] for r in uses}
    assert (
        "Banksia Retail Group has a zero-tolerance approach to modern slavery and human trafficking in its "
        "business!" in wordings
    )
    assert any(text.startswith("HARBOURLINE FOODS LIMITED") for text in wordings)
    assert all(r["source_url"].endswith("#page=1") for r in uses)


def test_query_results_link_ids_to_rows(ds):
    html = fetch(ds, "/msa/company_statements?company=banksia").text
    assert '<a href="/msa/statements/au-2023-303">au-2023-303</a>' in html
    html = fetch(ds, "/msa/search_boilerplate").text
    assert '<a href="/msa/boilerplate_uses?boilerplate_id=1">1</a>' in html
    summary = fetch(ds, "/msa/compliance_summary?jurisdiction=au").text
    assert (
        "/msa/compliance?jurisdiction=au&amp;registry_year=2023&amp;sectors__arraycontains=Mining" in summary
    )
    assert (
        json.loads(
            fetch(
                ds,
                "/msa/compliance.json?jurisdiction=au&registry_year=2023"
                "&sectors__arraycontains=Mining&_shape=array",
            ).text
        )[0]["statement_id"]
        == "au-2023-202"
    )


def test_statements_with_impact_and_the_statements_behind_them(ds):
    found = {(r["jurisdiction"], r["registry_year"]): r for r in rows(ds, "/msa/statements_with_impact.json")}
    uk_2022 = found[("uk", 2022)]
    assert (uk_2022["statements_with_impact"], uk_2022["statements_read"], uk_2022["statements"]) == (1, 1, 2)
    assert found[("uk", 2023)]["impact_sentences"] == 3
    listed = rows(ds, "/msa/impact_statements.json?jurisdiction=uk")
    assert [(r["statement_id"], r["impact_sentences"]) for r in listed] == [
        ("uk-2023-HLF00001", 3),
        ("uk-2022-HLF00001", 1),
    ]
    assert listed[1]["strongest_sentence"].startswith("In 2022, 37 migrant workers")


def test_company_impact_sentences_marks_those_said_in_an_earlier_year(tmp_path):
    from db import connect
    from msa.build_stage import run_build
    from tests.publish_fixture import Line, statements, write_statement

    repaid = (
        "In 2022, 37 migrant workers at a prawn processor in Thailand were repaid recruitment "
        "fees totalling £21,400."
    )
    db = connect(tmp_path / "msa.db")
    for st in statements():
        if st.statement_id == "uk-2023-HLF00001":  # repeats, in other case and spacing, a 2022 sentence
            st.lines.append(Line("  " + repaid.upper(), "impact", ("c4_remediation",), 3))
        write_statement(db, st)
    run_build(db)
    db.conn.close()
    ds = datasette_app(tmp_path / "msa.db")
    found = rows(ds, "/msa/company_impact_sentences.json?company=harbourline")
    by_year = {(r["registry_year"], r["new_this_year"], r["first_said_in"]) for r in found}
    assert (2023, 0, 2022) in by_year and (2022, 1, None) in by_year
    assert sum(r["new_this_year"] == 0 for r in found) == 1
    new_only = rows(ds, "/msa/company_impact_sentences.json?company=harbourline&new_only=1")
    assert len(new_only) == len(found) - 1 and all(r["new_this_year"] == 1 for r in new_only)
    assert rows(ds, "/msa/company_impact_sentences.json?company=") == []


def test_search_boilerplate_by_company(ds):
    found = rows(ds, "/msa/search_boilerplate.json?company=wattle&min_organisations=2")
    assert found and len(found) < len(rows(ds, "/msa/search_boilerplate.json?min_organisations=2"))
    for shared in found:
        uses = rows(ds, f"/msa/boilerplate_uses.json?boilerplate_id={shared['boilerplate_id']}")
        assert "Wattle Ridge Mining Pty Ltd" in {r["organisation"] for r in uses}
    assert len(rows(ds, "/msa/search_boilerplate.json?company=nobody-like-this&min_organisations=2")) == 0
