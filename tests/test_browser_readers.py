"""Two readers' journeys through the demo site in headless Chromium, asserting what a person sees.

- The researcher searches, narrows the results with the filters and facets, opens a statement
  (its sentences once), and opens the source document at the sentence's page, from this server.
- The journalist picks a company, reads its statements over the years and its new impact
  sentences, finds the boilerplate it shares with other organisations, and exports a CSV.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.browser_fixture import chromium_page
from tests.demo_fixture import BRIGHTWATER, BRIGHTWATER_2023, BRIGHTWATER_AU

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def page():
    with chromium_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page
        assert errors == []


def _column(page, name: str) -> list[str]:
    return [t.strip() for t in page.locator(f"table.rows-and-columns tbody td.col-{name}").all_inner_texts()]


def test_researcher_searches_filters_opens_a_statement_and_its_source(page, demo_server, tmp_path):
    page.goto(demo_server + "/")
    page.fill("#msa-q", "recruitment fees")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/msa/search_sentences?*")
    assert page.title() == "Search sentences, most relevant first · msa"
    assert len(_column(page, "text")) > 1

    # The filters offer what the corpus holds; choosing one narrows the results.
    criteria = page.locator("#msa-search-criterion option").all_inner_texts()
    assert "c4_remediation" in criteria and len(criteria) == 12
    page.select_option("#msa-search-jurisdiction", "uk")
    page.locator("form.msa-search-form button").click()
    page.wait_for_url("**jurisdiction=uk*")
    assert set(_column(page, "jurisdiction")) == {"uk"}

    # Facets count the results; a facet link applies its value.
    impact = page.locator('.msa-facet[data-facet="evidence"] li', has_text="impact")
    count = int(impact.inner_text().split()[-1])
    impact.locator("a").click()
    page.wait_for_url("**evidence=impact*")
    assert _column(page, "evidence") == ["impact"] * count
    assert page.locator("#msa-search-evidence").input_value() == "impact"

    # A value typed by hand that matches nothing says so, and what was meant.
    page.goto(demo_server + "/msa/search_sentences?q=recruitment+fees&year=FY2023")
    warning = page.locator(".msa-filter-warning")
    assert (
        "year “FY2023” matches nothing" in warning.inner_text()
        and "Did you mean 2023?" in warning.inner_text()
    )

    # The statement: one original document, each sentence once.
    page.goto(demo_server + "/msa/search_sentences?q=recruitment+fees&jurisdiction=uk&year=2023")
    page.locator(f'td.col-statement_id a:text-is("{BRIGHTWATER_2023}")').first.click()
    page.wait_for_url(f"**/msa/statements/{BRIGHTWATER_2023}")
    assert page.locator("a.msa-document").all_inner_texts() == ["Original document (PDF, 4 pages)"]
    assert page.locator(".msa-rationale a.msa-sentence").count() >= 1
    page.screenshot(path=str(tmp_path / "statement.png"), full_page=True)
    page.get_by_role("link", name="Sentences with their labels").click()
    page.wait_for_url("**/msa/statement_sentences?*")
    shown = int(re.search(r"([\d,]+) rows?", page.locator("h3").first.inner_text()).group(1))
    ids = _column(page, "sentence_id")
    assert len(ids) == len(set(ids)) == shown > 10

    # The source document, from this server's content store, opened at the sentence's page.
    page.goto(demo_server + "/msa/search_sentences?q=recruitment+fees&jurisdiction=uk&year=2023")
    row = page.locator("table.rows-and-columns tbody tr").first
    page_no = row.locator("td.col-page_no").inner_text().strip()
    stored = row.locator("a.msa-stored-copy")
    assert stored.inner_text() == f"stored copy, page {page_no}"
    with page.expect_navigation() as navigation:
        stored.click()
    assert navigation.value.status == 200
    assert navigation.value.headers["content-type"] == "application/pdf"
    assert page.url.startswith(demo_server + "/-/documents/") and page.url.endswith(f"#page={page_no}")


def test_journalist_follows_a_company_over_the_years_to_a_csv(page, demo_server):
    page.goto(demo_server + "/")
    page.get_by_role("link", name="a company's statements over the years").click()
    page.wait_for_url("**/msa/company_statements")
    assert page.title() == "A company's statements over the years, with their scores · msa"
    page.locator("a.msa-company", has_text=BRIGHTWATER).click()
    page.wait_for_url("**/msa/company_statements?company=*")
    # Its own three UK statements, and the AU joint statement of its subsidiary that names it.
    assert _column(page, "organisation") == [BRIGHTWATER_AU] + [BRIGHTWATER] * 3
    assert _column(page, "registry_year") == ["2023", "2021", "2022", "2023"]
    company_page = page.url

    # Its impact sentences, the new ones marked: every 2023 one is new on the demo corpus.
    page.locator("a.msa-company-impact").click()
    page.wait_for_url("**/msa/company_impact_sentences?*")
    years, new = _column(page, "registry_year"), _column(page, "new_this_year")
    assert "2023" in years and len(years) == len(new)
    assert {n for y, n in zip(years, new, strict=True) if y == "2023"} == {"1"}

    # Boilerplate it shares: open one and see the other organisations using it.
    page.goto(company_page)
    page.locator("a.msa-company-boilerplate").click()
    page.wait_for_url("**/msa/search_boilerplate?*")
    shared = page.locator("table.rows-and-columns tbody tr").first
    n_organisations = int(shared.locator("td.col-n_organisations").inner_text())
    shared.locator("td.col-boilerplate_id a").click()
    page.wait_for_url("**/msa/boilerplate_uses?*")
    users = set(_column(page, "organisation"))
    assert BRIGHTWATER in users and len(users) == n_organisations >= 2

    # The company's rows as CSV, from the page's own export link.
    page.goto(company_page)
    page.get_by_role("link", name="CSV").click()
    page.wait_for_url("**/msa/company_statements.csv?*")
    exported = list(csv.DictReader(io.StringIO(page.locator("pre").inner_text())))
    assert [(r["organisation"], r["registry_year"]) for r in exported] == [
        (BRIGHTWATER_AU, "2023"),
        (BRIGHTWATER, "2021"),
        (BRIGHTWATER, "2022"),
        (BRIGHTWATER, "2023"),
    ]
