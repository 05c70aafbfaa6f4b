"""Every table and every canned query has its own page, and every link filters what it says it does."""

from __future__ import annotations

import re
import sqlite3
from html import unescape
from urllib.parse import parse_qs, urlsplit

from tests.demo_fixture import BRIGHTWATER_2023
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
