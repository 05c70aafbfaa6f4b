"""Every canned query, run through Datasette's own client against the fictional corpus."""

from __future__ import annotations

import re

import pytest

from msa.serve import datasette_app
from synthetic.publish_db import build_fixture_db
from tests.publish_fixture import fetch, rows


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
    "compliance_by_sector",
    "missing_content",
    "registry_mismatches",
    "late_statements",
    "search_boilerplate",
    "boilerplate_uses",
    "entity_overview",
    # what changed and its feeds: tests/test_publish_changes.py and tests/test_publish_feeds.py on the
    # demo; here on the fictional corpus
    "what_changed",
    "new_statements",
    "changed_statements",
}


def test_what_changed_and_the_feed_queries_on_the_fictional_corpus(ds):
    harbourline = rows(ds, "/msa/what_changed.json?entity=Harbourline")
    assert [(r["registry_year"], r["previous_year"]) for r in harbourline] == [
        (2021, None),
        (2022, 2021),
        (2023, 2022),
    ]
    assert harbourline[1]["reading"].startswith("repeats ")
    new = rows(ds, "/msa/new_statements.json?jurisdiction=au")
    assert {r["statement_id"] for r in new} == {"au-2022-101", "au-2023-202", "au-2023-303"}
    assert all(r["atom_link"] == "/msa/statements/" + r["statement_id"] for r in new)
    changed = rows(ds, "/msa/changed_statements.json")
    # Wattle's AU verdicts changed; Harbourline's UK areas found changed both years
    assert {r["statement_id"] for r in changed} == {"au-2023-202", "uk-2022-HLF00001", "uk-2023-HLF00001"}


def test_every_canned_query_is_tested_here(ds):
    assert set(ds.metadata("queries", database="msa")) == TESTED


def test_no_canned_query_writes(ds):
    assert not [name for name, q in ds.metadata("queries", database="msa").items() if q.get("write")]


def test_search_sentences_ranks_by_relevance(ds):
    found = rows(ds, "/msa/search_sentences.json?q=recruitment+fees")
    assert len(found) == 5
    relevance = [r["relevance"] for r in found]
    assert relevance == sorted(relevance, reverse=True)
    assert all("recruitment fee" in r["text"] for r in found)
    # The one sentence that also names "repaid" ranks strictly above those naming only the rest.
    either = rows(ds, "/msa/search_sentences.json?q=recruitment+OR+repaid")
    assert "repaid" in either[0]["text"] and all("repaid" not in r["text"] for r in either[1:])
    assert either[0]["relevance"] > max(r["relevance"] for r in either[1:])


def test_search_sentences_ranks_only_the_latest_matches_of_a_very_common_word(ds):
    from urllib.parse import urlencode

    from publish.queries import search_sentences_sql

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
    assert [r["criteria_addressed"] for r in found] == [3, 7, 6]
    assert [r["signature"] for r in found] == [0, 1, 1]
    assert [r["impact_share"] for r in found] == [0.0, 0.167, 0.75]
    assert [r["impact_share_change"] for r in found] == [None, 0.167, 0.583]
    assert found[0]["document_url"] == "https://www.harbourline.example/modern-slavery/2021.pdf"
    assert found[0]["registry_url"].endswith("/statement-summary/HLF00001/2021")


def test_entity_overview_shows_one_entity_year_by_year_with_its_group_members(ds):
    # More on the demo corpus, across both registries: tests/test_publish_entities.py.
    harbourline = rows(ds, "/msa/entity_overview.json?entity=ent-uk-co-90000001")
    assert [(r["registry_year"], r["link"]) for r in harbourline] == [
        (2021, "linked"),
        (2022, "linked"),
        (2023, "linked"),
    ]
    assert harbourline[0]["impact_share_change"] is None and harbourline[1]["impact_share_change"] is not None
    group = rows(ds, "/msa/entity_overview.json?entity=fellgate")
    assert [(r["entity"], r["filed_as"]) for r in group] == [
        ("Fellgate Textiles plc", "Fellgate Textiles plc,Fellgate Dyeing Limited")
    ]
    assert rows(ds, "/msa/entity_overview.json?entity=") == []


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


def test_compliance_summary_counts_each_statement_once_with_a_total(ds):
    summary = rows(ds, "/msa/compliance_summary.json?jurisdiction=uk")
    *groups, total = summary
    assert {r["row_type"] for r in groups} == {"group"} and total["row_type"] == "total"
    assert [(r["registry_year"], r["statements"], r["assessed"]) for r in groups] == [
        (2023, 2, 2),  # Fellgate lists two sectors: one statement, not two
        (2022, 2, 1),  # the email-only statement: counted, not assessed
        (2021, 1, 1),
    ]
    assert (total["jurisdiction"], total["statements"], total["assessed"]) == (None, 5, 4)
    uk = rows(ds, "/msa.json?sql=select+count(*)+as+n+from+compliance+where+jurisdiction='uk'")[0]["n"]
    assert total["statements"] == sum(r["statements"] for r in groups) == uk
    # Of the two 2023 statements, both approved, one signed; impact shares 0.75 and 0.
    assert (groups[0]["approval_share"], groups[0]["signature_share"], groups[0]["mean_impact_share"]) == (
        1.0,
        0.5,
        0.375,
    )
    assert groups[0]["uk_goals_declared_share"] == 0.5 and groups[0]["uk_goals_detected_share"] == 1.0
    assert groups[0]["au_s16_1_a_reporting_entity_met_share"] is None  # AU verdicts: AU statements only
    assert total["uk_goals_detected_share"] == 0.75  # over the 4 assessed, not an average of rows
    au = rows(ds, "/msa/compliance_summary.json?jurisdiction=au&year=2023&sector=mining")
    assert [r["row_type"] for r in au] == ["group", "total"] and au[0]["statements"] == 1
    assert au[0]["au_s16_1_e_effectiveness_met_share"] == 1.0
    assert au[0]["au_s16_1_g_other_information_partly_share"] == 1.0


def test_compliance_by_sector_adds_up_to_its_total(ds):
    found = rows(ds, "/msa/compliance_by_sector.json")
    *groups, total = found
    everything = rows(ds, "/msa.json?sql=select+count(*)+as+n+from+compliance")[0]["n"]
    assert total["row_type"] == "total" and total["statements"] == everything == 8
    assert sum(r["statements"] for r in groups) == total["statements"]
    two = [r for r in groups if r["sectors"] == '["Textiles and clothing", "Retail"]']
    assert len(two) == 1 and two[0]["statements"] == 1
    # Each group's count links to exactly its statements in the compliance table.
    page = fetch(ds, "/msa/compliance_by_sector?jurisdiction=uk&year=2023").text
    link = "/msa/compliance?jurisdiction=uk&amp;registry_year=2023&amp;sectors__exact="
    assert link in page
    listed = rows(
        ds, "/msa/compliance.json?jurisdiction=uk&registry_year=2023&sectors__exact=" + two[0]["sectors"]
    )
    assert [r["statement_id"] for r in listed] == ["uk-2023-FGT00002"]


def test_share_columns_say_they_hold_shares_and_au_columns_their_section(ds):
    columns = fetch(ds, "/msa/compliance_summary.json?_size=1").json()["columns"]
    assert "approval" not in columns and "c2_operations" not in columns
    assert {"approval_share", "c2_operations_share", "au_s16_1_f_consultation_met_share"} <= set(columns)
    assert not [c for c in columns if re.match(r"au_c\d", c)]
    table = fetch(ds, "/msa/compliance.json?_size=1").json()["columns"]
    assert "au_s16_1_f_consultation" in table and not [c for c in table if re.match(r"au_c\d", c)]


def test_compliance_summary_exports_as_streamed_csv(ds):
    response = fetch(ds, "/msa/compliance_summary.csv?jurisdiction=au&_stream=on&_dl=1")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.strip().splitlines()
    assert lines[0].startswith("row_type,jurisdiction,registry_year,statements,assessed,approval_share")
    assert len(lines) == 1 + 2 + 1  # AU 2023, AU 2022, total
    assert lines[-1].startswith("total,,,3,3,")
    # One row per statement, every row streamed: the compliance table.
    table = fetch(ds, "/msa/compliance.csv?_stream=on&_size=2&jurisdiction=uk")
    assert table.status_code == 200 and len(table.text.strip().splitlines()) == 1 + 5


def test_missing_content(ds):
    found = {r["statement_id"]: r for r in rows(ds, "/msa/missing_content.json")}
    assert found["uk-2022-KST00004"]["missing"] == "statement text not available"
    assert found["uk-2021-HLF00001"]["missing"] == "signature"
    # Banksia never names its reporting entity: (a) is missing with the approval, signature and (f).
    assert found["au-2023-303"]["missing"] == (
        "approval; signature; s.16(1)(a) reporting entity; s.16(1)(f) consultation"
    )
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


def test_late_statements_calls_nothing_late_without_dates(ds):
    # The fixture's registry rows carry no dates: every statement is listed, none late or on time.
    # Its known dates are in the demo (tests/test_publish_timeliness.py).
    found = rows(ds, "/msa/late_statements.json")
    assert len(found) == rows(ds, "/msa.json?sql=select+count(*)+as+n+from+statements")[0]["n"]
    assert {(r["flags"], r["late"], r["missing_dates"]) for r in found} == {
        ("dates_missing; late_unknown", None, "period end; approval; publication")
    }
    assert rows(ds, "/msa/late_statements.json?flag=late") == []
    assert {r["statement_id"] for r in rows(ds, "/msa/late_statements.json?jurisdiction=au&year=2023")} == {
        "au-2023-202",
        "au-2023-303",
    }


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
    assert '<a href="/msa/compliance?jurisdiction=au&amp;registry_year=2023">2</a>' in summary
    listed = rows(ds, "/msa/compliance.json?jurisdiction=au&registry_year=2023")
    assert sorted(r["statement_id"] for r in listed) == ["au-2023-202", "au-2023-303"]


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
    from msa import build_stage
    from synthetic.publish_db import Line, statements, write_statement

    repaid = (
        "In 2022, 37 migrant workers at a prawn processor in Thailand were repaid recruitment "
        "fees totalling £21,400."
    )
    db = connect(tmp_path / "msa.db")
    for st in statements():
        if st.statement_id == "uk-2023-HLF00001":  # repeats, in other case and spacing, a 2022 sentence
            st.lines.append(Line("  " + repaid.upper(), "impact", ("c4_remediation",), 3))
        write_statement(db, st)
    build_stage.run(db, tmp_path)
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


def test_tables_skip_facet_suggestions_but_keep_their_facets(ds):
    """A query per column over every match: on a full-size corpus, seconds per table page."""
    sentences = fetch(ds, "/msa/sentences.json?_search=passports&_extra=suggested_facets").json()
    assert sentences["suggested_facets"] == []
    statements = fetch(ds, "/msa/statements.json?_extra=suggested_facets&_extra=facet_results").json()
    assert statements["suggested_facets"] == []
    assert {"jurisdiction", "registry_year", "sectors"} <= set(statements["facet_results"])
