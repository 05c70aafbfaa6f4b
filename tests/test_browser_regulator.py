"""The regulator's visit, in a real browser on the demo database: the compliance summary exported
as CSV with its total row and its data dictionary, then the statements missing mandatory content
and the registry mismatches, followed to the sentences behind them.

Headless Debian Chromium through playwright's Python package, with a fresh profile; skips when
either is missing (scripts/setup.sh test installs Chromium).
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.browser_fixture import chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def page():
    with chromium_page(accept_downloads=True) as page:
        yield page


def export(page, link_text: str) -> list[dict]:
    """Follow an export link of the page's "This data as" line and read the CSV it serves."""
    href = page.locator("p.export-links a", has_text=link_text).first.evaluate("a => a.href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"].split(";")[0] in ("text/csv", "text/plain")
    if link_text == "CSV":  # the export names its data dictionary
        assert ".dictionary?" in response.headers["link"] and 'rel="describedby"' in response.headers["link"]
    return list(csv.DictReader(io.StringIO(response.text())))


def test_regulator_exports_compliance_and_follows_verdicts_to_sentences(page, demo_server, tmp_path):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # The compliance summary, from the home page: one row per jurisdiction and year, then a total.
    page.goto(demo_server + "/")
    page.get_by_role("link", name="compliance summary").click()
    page.wait_for_url("**/msa/compliance_summary*")
    table = page.locator("table.rows-and-columns tbody tr")
    kinds = table.locator("td.col-row_type").all_inner_texts()
    assert kinds[-1] == "total" and set(kinds[:-1]) == {"group"}
    shown = [int(t) for t in table.locator("td.col-statements").all_inner_texts()]
    assert sum(shown[:-1]) == shown[-1] == 21  # every demo statement once
    page.screenshot(path=str(tmp_path / "compliance_summary.png"), full_page=True)

    # Its CSV export adds up the same way; its data dictionary describes every column of it.
    rows = export(page, "CSV")
    *groups, total = rows
    assert total["row_type"] == "total" and int(total["statements"]) == 21
    assert sum(int(r["statements"]) for r in groups) == 21
    uk_2023 = next(r for r in groups if (r["jurisdiction"], r["registry_year"]) == ("uk", "2023"))
    assert uk_2023["statements"] == "6"  # six statements, whatever their sectors
    dictionary = export(page, "dictionary")
    assert [d["column"] for d in dictionary] == list(rows[0])
    assert all(d["description"] for d in dictionary)
    described = {d["column"]: d["description"] for d in dictionary}
    assert (
        "share" in described["approval_share"]
        and "s.16(1)(f)" in described["au_s16_1_f_consultation_met_share"]
    )

    # Statements missing mandatory content: the email-only statement cannot be checked.
    page.goto(demo_server + "/")
    page.get_by_role("link", name="statements missing mandatory content").click()
    page.wait_for_url("**/msa/missing_content*")
    missing = page.locator("table.rows-and-columns tbody tr")
    assert missing.count() >= 1
    kestrel = missing.filter(has_text="Kestrel Print & Packaging Limited")
    assert kestrel.locator("td.col-missing").inner_text() == "statement text not available"
    kestrel.locator("td.col-statement_id a").click()
    page.wait_for_url("**/msa/statements/uk-2022-kS2eW6yz")
    assert page.get_by_text("The registry lists no website for this statement").is_visible()

    # Registry mismatches, and the sentences of a statement they are about.
    page.goto(demo_server + "/")
    page.get_by_role("link", name="registry vs text mismatches").click()
    page.wait_for_url("**/msa/registry_mismatches*")
    mismatches = page.locator("table.rows-and-columns tbody tr")
    areas = {
        (row.locator("td.col-organisation").inner_text(), row.locator("td.col-area").inner_text())
        for row in mismatches.all()
    }
    assert ("Thistle & Fen Hospitality Limited", "policies") in areas
    assert ('The "Blue Anchor" Trading Company Limited', "due_diligence") not in areas
    page.screenshot(path=str(tmp_path / "registry_mismatches.png"), full_page=True)
    mismatches.filter(has_text="Thistle & Fen").first.locator("td.col-statement_id a").click()
    page.wait_for_url("**/msa/statements/uk-2021-tF1hZ5sj")
    page.get_by_role("link", name="Sentences with their labels").click()
    page.wait_for_url("**/msa/statement_sentences?*")
    sentences = page.locator("table.rows-and-columns tbody tr td.col-text").all_inner_texts()
    assert len(sentences) >= 18 and any("zero tolerance" in s for s in sentences)
    assert errors == []
