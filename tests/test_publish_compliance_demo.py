"""The compliance summary on the demo database, through Datasette's client: each statement counted
once (the readers' walk found UK 2023 at 4 "statements" for 3), group rows adding up to a total."""

from __future__ import annotations

import pytest

from msa.serve import datasette_app
from tests.demo_fixture import BRIGHTWATER_2023
from tests.publish_fixture import rows


@pytest.fixture(scope="module")
def ds(demo_db):
    return datasette_app(demo_db)


def _count(ds, where: str = "1 = 1") -> int:
    return rows(ds, f"/msa.json?sql=select+count(*)+as+n+from+compliance+where+{where}")[0]["n"]


@pytest.mark.parametrize("query", ["compliance_summary", "compliance_by_sector"])
def test_groups_add_up_to_the_total(ds, query):
    *groups, total = rows(ds, f"/msa/{query}.json")
    assert total["row_type"] == "total" and {g["row_type"] for g in groups} == {"group"}
    assert sum(g["statements"] for g in groups) == total["statements"] == _count(ds) == 21
    assert sum(g["assessed"] for g in groups) == total["assessed"] == _count(ds, "assessed+=+1")


def test_uk_2023_counts_six_statements(ds):
    found = rows(ds, "/msa/compliance_summary.json?jurisdiction=uk&year=2023")
    assert [(r["row_type"], r["statements"]) for r in found] == [("group", 6), ("total", 6)]
    # Blue Anchor lists two sectors: one statement in the row of that pair.
    by_sector = rows(ds, "/msa/compliance_by_sector.json?jurisdiction=uk&year=2023")
    assert sum(r["statements"] for r in by_sector if r["row_type"] == "group") == 6
    assert any(r["sectors"] == '["Retail", "Other"]' for r in by_sector)
    retail = rows(ds, "/msa/compliance_summary.json?jurisdiction=uk&sector=retail")
    assert retail[-1]["statements"] == _count(ds, "jurisdiction='uk'+and+sectors+like+'%25Retail%25'") == 3


def test_a_document_fetched_by_two_urls_shows_the_registry_copy(ds):
    """Brightwater 2023's PDF came by its StatementURL and the registry's copy in the same crawl: the
    row shows the registry's URL (vocabulary.roles.DOCUMENT_ROLE_PREFERENCE), whichever was stored last."""
    (row,) = rows(
        ds, f"/msa.json?sql=select+document_url+from+compliance+where+statement_id='{BRIGHTWATER_2023}'"
    )
    fetched = rows(
        ds, f"/msa.json?sql=select+role+from+statement_documents+where+statement_id='{BRIGHTWATER_2023}'"
    )
    assert sorted(r["role"] for r in fetched) == ["registry_pdf", "statement"]
    assert f"/pdf-published/{BRIGHTWATER_2023.split('-')[-1]}/2023/" in row["document_url"]
