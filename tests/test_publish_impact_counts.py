"""How many statements show evidence of impact, and on which sentences: the grouped counts, the
statements behind each count, the sentences behind each statement, and the dashboard's chart."""

from __future__ import annotations

import re
import sqlite3
from html import unescape
from urllib.parse import urlencode

from publish.dashboard import dashboard
from publish.queries import IMPACT_CONFIDENCE
from tests.publish_fixture import fetch, rows


def _links(html: str, column: str) -> list[tuple[str, int]]:
    cells = re.findall(rf'<td class="col-{column}"><a href="([^"]+)">(\d+)</a></td>', unescape(html))
    return [(href, int(n)) for href, n in cells]


def _expected(demo_db) -> dict[tuple[str, int], tuple[int, int, int]]:
    """Per jurisdiction and year: statements with an impact sentence at the model's threshold, read, filed."""
    conn = sqlite3.connect(demo_db)
    found = conn.execute(
        "SELECT jurisdiction, registry_year, sum(assessed AND statement_id IN "
        "(SELECT statement_id FROM impact_sentences WHERE evidence_p >= ?)), sum(assessed), count(*) "
        "FROM compliance GROUP BY 1, 2",
        [IMPACT_CONFIDENCE],
    ).fetchall()
    conn.close()
    return {(j, y): (w, r, n) for j, y, w, r, n in found}


def test_counts_of_statements_with_impact_stand_beside_the_statements_read(demo_ds, demo_db):
    found = rows(demo_ds, "/msa/statements_with_impact.json")
    got = {
        (r["jurisdiction"], r["registry_year"]): (
            r["statements_with_impact"],
            r["statements_read"],
            r["statements"],
        )
        for r in found
    }
    assert got == _expected(demo_db)
    # The fictional corpus's UK 2021 shows no impact: its only candidates were a pandemic closure and
    # a risk description, which the evidence model no longer counts.
    uk_2021 = next(r for r in found if (r["jurisdiction"], r["registry_year"]) == ("uk", 2021))
    assert uk_2021["statements_with_impact"] == 0 and uk_2021["statements_read"] == 2


def test_each_count_links_to_the_statements_and_each_statement_to_its_sentences(demo_ds):
    html = fetch(demo_ds, "/msa/statements_with_impact").text
    statement_links = _links(html, "statements_with_impact")
    assert statement_links and sum(n for _, n in statement_links) > 0
    for href, count in statement_links:
        statements = rows(demo_ds, href.replace("/msa/impact_statements?", "/msa/impact_statements.json?"))
        assert len(statements) == count, href
        page = fetch(demo_ds, href).text
        for sentences_href, n in _links(page, "impact_sentences"):
            sentences = rows(
                demo_ds, sentences_href.replace("/msa/impact_sentences?", "/msa/impact_sentences.json?")
            )
            assert len(sentences) == n >= 1
            assert len({r["statement_id"] for r in sentences}) == 1
        for row in statements:  # the sentence each is counted on is shown, with its page
            assert row["strongest_sentence"] and row["page_no"] and row["confidence"] is not None
    for href, count in _links(html, "impact_sentences"):
        assert (
            len(
                rows(
                    demo_ds,
                    href.replace("/msa/impact_sentences?", "/msa/impact_sentences.json?") + "&_size=max",
                )
            )
            == count
        )


def test_min_confidence_counts_only_sentences_the_model_is_sure_of(demo_ds, demo_db):
    conn = sqlite3.connect(demo_db)
    weakest_best = conn.execute(
        "SELECT min(best) FROM (SELECT max(evidence_p) AS best FROM impact_sentences "
        "WHERE jurisdiction = 'uk' AND registry_year = 2022 GROUP BY statement_id)"
    ).fetchone()[0]
    counts = []
    for threshold in (0.0, 0.5, round(weakest_best + 0.0005, 4)):
        expected = conn.execute(
            "SELECT count(DISTINCT statement_id) FROM impact_sentences WHERE evidence_p >= ? "
            "AND jurisdiction = 'uk' AND registry_year = 2022",
            [threshold],
        ).fetchone()[0]
        query = f"jurisdiction=uk&year=2022&min_confidence={threshold}"
        sure = rows(demo_ds, f"/msa/statements_with_impact.json?{query}")
        assert sure[0]["statements_with_impact"] == expected
        listed = rows(demo_ds, f"/msa/impact_statements.json?{query}")
        assert len(listed) == expected and all(r["confidence"] >= threshold for r in listed)
        counts.append(expected)
    conn.close()
    assert counts[0] > counts[-1]  # just above one statement's strongest sentence: it drops out
    default = rows(demo_ds, "/msa/statements_with_impact.json?jurisdiction=uk&year=2022")[0]
    assert default["min_confidence"] == round(IMPACT_CONFIDENCE, 2)


def test_dashboard_chart_counts_statements_with_impact_beside_the_total(demo_ds, demo_db):
    from datasette_dashboards import replace_opts_in_query

    chart = dashboard()["coverage"]["charts"]["impact-statements"]
    sql = replace_opts_in_query(chart["query"], {})
    found = rows(demo_ds, "/msa.json?" + urlencode({"sql": sql}))
    expected = _expected(demo_db)
    assert {
        (r["jurisdiction"], r["registry_year"]): (r["with_evidence_of_impact"], r["statements_read"])
        for r in found
    } == {k: (w, r) for k, (w, r, _) in expected.items() if r}
    filtered = rows(
        demo_ds,
        "/msa.json?"
        + urlencode(
            {"sql": replace_opts_in_query(chart["query"], {"jurisdiction": "au"}), "jurisdiction": "au"}
        ),
    )
    assert {r["jurisdiction"] for r in filtered} == {"au"}
    html = fetch(demo_ds, "/-/dashboards/coverage").text
    assert chart["title"] in unescape(html)
