"""Every table and every canned query has its own page, and every link filters what it says it does."""

from __future__ import annotations

import re
import sqlite3
from html import unescape
from urllib.parse import parse_qs, urlsplit

from tests.demo_fixture import BRIGHTWATER, BRIGHTWATER_2023, BRIGHTWATER_AU
from tests.publish_fixture import fetch, rows


def test_no_canned_query_takes_a_table_name(demo_ds, demo_db):
    conn = sqlite3.connect(demo_db)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    conn.close()
    queries = set(demo_ds.metadata("queries", database="msa"))
    assert not queries & names
    for table in names:
        assert f'<body class="table db-msa table-{table}">' in fetch(demo_ds, f"/msa/{table}").text, table
    for query in queries:
        assert f'<body class="query db-msa query-{query}">' in fetch(demo_ds, f"/msa/{query}").text, query


def test_table_facets_configured_on_impact_sentences_and_boilerplate_are_shown(demo_ds):
    impact = fetch(demo_ds, "/msa/impact_sentences.json?_size=0").json()
    assert {"jurisdiction", "registry_year"} <= set(impact["facet_results"])
    boilerplate = fetch(demo_ds, "/msa/boilerplate.json?_size=0").json()
    assert {"evidence", "jurisdictions"} <= set(boilerplate["facet_results"])


def test_statement_page_links_to_its_own_rows_in_other_tables(demo_ds):
    html = fetch(demo_ds, f"/msa/statements/{BRIGHTWATER_2023}").text
    links = re.findall(r'<a href="([^"]+)">\s*([\d,]+) rows?</a>\s*from (\w+) in (\w+)', html)
    by_table = {table: (unescape(href), int(n.replace(",", ""))) for href, n, _, table in links}
    assert "impact_sentences" in by_table
    for table, (href, count) in by_table.items():
        assert parse_qs(urlsplit(href).query)["statement_id"] == [BRIGHTWATER_2023], table
        found = rows(demo_ds, href.replace(f"/msa/{table}?", f"/msa/{table}.json?_size=max&", 1))
        assert len(found) == count, table
        assert {r["statement_id"] for r in found} == {BRIGHTWATER_2023}, table


def test_company_page_opened_empty_lists_companies_ranked_by_statements(demo_ds):
    html = unescape(fetch(demo_ds, "/msa/company_statements").text)
    listed = re.findall(r'<a class="msa-company" href="([^"]+)">([^<]+)</a></td>\s*<td>(\d+)</td>', html)
    assert listed and listed[0][1] == BRIGHTWATER and int(listed[0][2]) == 3
    counts = [int(n) for _, _, n in listed]
    assert counts == sorted(counts, reverse=True)
    by_year = rows(demo_ds, listed[0][0].replace("/msa/company_statements?", "/msa/company_statements.json?"))
    # its three UK statements, and the AU joint statement of its subsidiary that names it
    assert [(r["organisation"], r["registry_year"]) for r in by_year] == [
        (BRIGHTWATER_AU, 2023),
        (BRIGHTWATER, 2021),
        (BRIGHTWATER, 2022),
        (BRIGHTWATER, 2023),
    ]
    assert "msa-company-picker" not in fetch(demo_ds, "/msa/company_statements?company=brightwater").text


def test_organisation_search_results_link_to_the_company_over_the_years(demo_ds):
    html = unescape(fetch(demo_ds, "/msa/search_organisations?q=brightwater").text)
    href = re.search(rf'<td class="col-name"><a href="([^"]+)">{BRIGHTWATER}</a>', html).group(1)
    assert href == f"/msa/company_statements?company={BRIGHTWATER.replace(' ', '+')}"
    years = rows(demo_ds, href.replace("/msa/company_statements?", "/msa/company_statements.json?"))
    assert [r["registry_year"] for r in years] == [2023, 2021, 2022, 2023]  # the AU joint one first


def test_browser_tab_titles_are_the_query_titles(demo_ds):
    for name, query in demo_ds.metadata("queries", database="msa").items():
        html = fetch(demo_ds, f"/msa/{name}").text
        title = unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))
        assert title == f"{query['title']} · msa", name
    # Arbitrary SQL keeps Datasette's own title (the SQL is what was asked).
    assert "select 1" in fetch(demo_ds, "/msa?sql=select+1").text.split("</title>")[0]
