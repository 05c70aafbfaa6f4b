"""A person's first visit, in a real browser: home page, a search, the dashboard.

Drives Debian's Chromium headless (tests/browser_fixture.py; scripts/setup.sh installs it, and
the test skips where it is absent). Screenshots are saved in the test's tmp dir.
"""

from __future__ import annotations

import pytest

from synthetic.publish_db import build_fixture_db
from tests.browser_fixture import chromium_page
from tests.publish_fixture import start_msa_serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db_path = build_fixture_db(tmp_path_factory.mktemp("browser") / "msa.db")
    proc, base = start_msa_serve(db_path)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture
def page():
    with chromium_page() as page:
        yield page


def test_home_search_and_dashboard(page, server, tmp_path):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # Home page: what the corpus is, where it comes from, and a search box.
    page.goto(server + "/")
    assert "msa: Modern Slavery Act statements" in page.title()
    assert page.get_by_text("Open Government Licence v3.0").first.is_visible()
    search_box = page.locator("#msa-q")
    assert search_box.is_visible()
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    # A search for impact evidence: typed into the box, filtered by label, ranked results.
    search_box.fill("recruitment fees")
    page.select_option("select[name=evidence]", "impact")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/msa/search_sentences?*")
    results = page.locator("table.rows-and-columns tbody tr")
    assert results.count() == 1
    first = results.first
    assert "37 migrant workers" in first.locator("td.col-text").inner_text()
    assert first.locator("td.col-organisation").inner_text() == "Harbourline Foods Limited"
    assert first.locator("td.col-evidence").inner_text() == "impact"
    source = first.locator("td.col-source_url a")
    assert source.get_attribute("href") == "https://www.harbourline.example/modern-slavery/2022.pdf#page=3"
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)

    # The statement behind the result: links to the original document and the registry page.
    first.locator("td.col-statement_id a").click()
    page.wait_for_url("**/msa/statements/uk-2022-HLF00001")
    assert page.locator("a.msa-document").get_attribute("href").endswith("/modern-slavery/2022.pdf")
    assert page.locator("a.msa-registry").is_visible()

    # The dashboard, reached from the home page: charts drawn from the data.
    page.goto(server + "/")
    page.get_by_role("link", name="dashboard").click()
    page.wait_for_url("**/-/dashboards/coverage")
    assert page.get_by_role("heading", name="Criteria coverage and impact share").is_visible()
    page.wait_for_function("document.querySelectorAll('.vega-embed canvas, .vega-embed svg').length >= 7")
    metric = page.locator("#chart-statements p")
    metric.wait_for()
    assert metric.inner_text() == "7"
    for title in (
        "Statements showing evidence of impact, beside the statements read",
        "Criteria coverage by year",
        "Impact share by year and jurisdiction",
    ):
        assert page.get_by_text(title).first.is_visible()
    page.wait_for_timeout(500)  # let the last charts finish drawing before the picture
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert errors == []
    for name in ("home.png", "search.png", "dashboard.png"):
        assert (tmp_path / name).stat().st_size > 10_000
