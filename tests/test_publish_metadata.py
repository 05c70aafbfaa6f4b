"""datasette_metadata.json: fresh, valid for Datasette 0.65, and describing everything it publishes."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from msa.paths import METADATA_PATH
from msa.serve import datasette_app
from publish.metadata import render
from synthetic.publish_db import build_fixture_db
from tests.publish_fixture import fetch, rows


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    return datasette_app(build_fixture_db(tmp_path_factory.mktemp("publish") / "msa.db"))


def test_metadata_file_is_regenerated_from_its_source():
    assert METADATA_PATH.read_text(encoding="utf-8") == render(), "run: python -m publish.metadata"


def test_sources_and_licences_are_stated():
    meta = json.loads(METADATA_PATH.read_text(encoding="utf-8"))
    assert "Open Government Licence v3.0" in meta["license"]
    assert "Attorney-General's Department" in meta["description_html"]
    assert "copyright and disclaimer page" in meta["description_html"]
    assert meta["license_url"].startswith("https://www.nationalarchives.gov.uk/doc/open-government-licence")
    assert "Modern slavery statement registry" in meta["source"]
    assert "modernslaveryregister.gov.au" in meta["description_html"]


def test_every_table_and_column_has_a_description(ds):
    tables = ds.metadata("tables", database="msa")
    missing = []
    for table in rows(ds, "/msa.json?sql=select+name+from+sqlite_master+where+type+in+('table','view')"):
        name = table["name"]
        if name.startswith(("sqlite_", "sentences_fts", "organisations_fts", "statements_fts")):
            continue
        if not tables.get(name, {}).get("description"):
            missing.append(name)
            continue
        columns = [c["name"] for c in rows(ds, f"/msa.json?sql=select+name+from+pragma_table_info('{name}')")]
        missing += [f"{name}.{c}" for c in columns if not tables[name].get("columns", {}).get(c)]
    assert missing == []


def test_internal_tables_are_hidden(ds):
    listing = fetch(ds, "/msa.json").json()
    hidden = {t["name"] for t in listing["tables"] if t["hidden"]}
    shown = {t["name"] for t in listing["tables"] if not t["hidden"]}
    assert {
        "schema_info",
        "stage_runs",
        "crawl_runs",
        "sentences_fts",
        "sentences_fts_data",
        "organisations_fts",
        "sqlite_stat1",
    } <= hidden
    assert {"statements", "compliance", "sentences", "labels", "boilerplate", "impact_sentences"} <= shown


def test_facets_and_sorts(ds):
    page = fetch(ds, "/msa/compliance.json?_extra=facet_results").json()
    facets = page["facet_results"]
    assert {"jurisdiction", "registry_year", "sectors", "turnover_band", "approval", "signature"} <= set(
        facets
    )
    years = {item["value"]: item["count"] for item in facets["registry_year"]["results"]}
    assert years == {2021: 1, 2022: 3, 2023: 4}
    sectors = {item["value"]: item["count"] for item in facets["sectors"]["results"]}
    assert sectors["Retail"] == 2
    labels = fetch(ds, "/msa/labels.json?_extra=facet_results").json()["facet_results"]
    assert {item["value"] for item in labels["evidence"]["results"]} == {
        "commitment",
        "action",
        "impact",
        "negative",
        "none",
    }
    statement_years = [r["registry_year"] for r in rows(ds, "/msa/statements.json")]
    assert statement_years == sorted(statement_years, reverse=True)


def test_foreign_keys_show_organisation_names(ds):
    links = rows(ds, "/msa/statement_organisations.json?_labels=on&statement_id=uk-2023-FGT00002")
    names = {r["organisation_id"]["label"] for r in links}
    assert names == {"Fellgate Textiles plc", "Fellgate Dyeing Limited"}
    compliance = rows(ds, "/msa/compliance.json?_labels=on&statement_id=au-2023-303")[0]
    assert compliance["statement_id"]["label"] == "Banksia Retail Group"


def test_table_search_covers_sentences_and_organisation_names(ds):
    sentences = rows(ds, "/msa/sentences.json?_search=passports")
    assert len(sentences) == 1 and "passports were returned" in sentences[0]["text"]
    assert rows(ds, "/msa/sentences.json?_search=commitment") == []  # the label tags are not text
    organisations = rows(ds, "/msa/organisations.json?_search=banksia")
    assert [o["name"] for o in organisations] == ["Banksia Retail Group"]


def chart_rows(ds, sql: str, filters: dict[str, str]) -> list[dict]:
    """A chart's rows as the dashboard fetches them: unset [[ ]] clauses dropped, filters as params."""
    from datasette_dashboards import replace_opts_in_query

    query = replace_opts_in_query(sql, filters)
    return rows(ds, "/msa.json?" + urlencode({"sql": query, **filters}))


def test_every_dashboard_chart_query_runs(ds):
    dashboard = ds.plugin_config("datasette-dashboards")["coverage"]
    assert {name for row in dashboard["layout"] for name in row} == set(dashboard["charts"])
    for filters in ({}, {"jurisdiction": "au"}, {"jurisdiction": "uk", "sector": "Retail"}):
        for chart in dashboard["charts"].values():
            if "query" in chart:
                chart_rows(ds, chart["query"], filters)


def test_dashboard_charts_show_coverage_and_impact(ds):
    charts = ds.plugin_config("datasette-dashboards")["coverage"]["charts"]
    impact = chart_rows(ds, charts["impact-year"]["query"], {})
    assert {(r["registry_year"], r["jurisdiction"]): r["impact_share"] for r in impact}[
        (2023, "uk")
    ] == 0.375  # (0.75 + 0) / 2
    by_year = chart_rows(ds, charts["coverage-year"]["query"], {"jurisdiction": "au"})
    assert {(r["registry_year"], r["criterion"]): r["share"] for r in by_year}[
        (2023, "c1_reporting_entity")
    ] == 0.5
    assert chart_rows(ds, charts["statements"]["query"], {})[0]["n"] == 7
    sectors = chart_rows(ds, charts["coverage-sector"]["query"], {})
    assert {"Retail", "Textiles", "Textiles and clothing"} <= {r["sector"] for r in sectors}
    # A sector picked narrows every chart to its statements, each counted once.
    retail = chart_rows(ds, charts["coverage-sector"]["query"], {"sector": "Retail"})
    assert {r["sector"] for r in retail} == {"Retail"}
    in_retail = rows(
        ds,
        "/msa.json?sql=select+count(*)+as+n+from+compliance+c,+json_each(c.sectors)+j"
        "+where+c.assessed+=+1+and+j.value+=+'Retail'",
    )[0]["n"]
    assert chart_rows(ds, charts["statements"]["query"], {"sector": "Retail"})[0]["n"] == in_retail == 2


def test_dashboard_page_renders(ds):
    page = fetch(ds, "/-/dashboards/coverage")
    assert page.status_code == 200
    assert "Criteria coverage and impact share" in page.text
    assert "Criteria coverage by year" in page.text
