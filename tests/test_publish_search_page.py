"""The search page on the demo database: its filters offer the valid values, a value that matches
nothing says so, and results come with facets (evidence, criterion, jurisdiction, year) and counts."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

from tests.publish_fixture import fetch, rows


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select id="msa-search-{name}" name="{name}">(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select)


def _facets(html: str) -> dict[str, dict[str, int]]:
    out = {}
    for name, body in re.findall(r'<div class="msa-facet" data-facet="(\w+)">(.*?)</div>', html, re.S):
        out[name] = {v: int(n) for v, n in re.findall(r'<a href="[^"]+">([^<]+)</a> ([\d,]+)</li>', body)}
    return out


def test_filters_offer_the_values_the_corpus_holds(demo_ds):
    html = fetch(demo_ds, "/msa/search_sentences?q=workers").text
    assert _options(html, "evidence") == ["", "commitment", "action", "impact", "negative", "none"]
    assert "c4_remediation" in _options(html, "criterion") and len(_options(html, "criterion")) == 12
    assert _options(html, "jurisdiction") == ["", "uk", "au"]
    years = {r["registry_year"] for r in rows(demo_ds, "/msa/compliance.json?_size=max")}
    assert _options(html, "year") == [""] + [str(y) for y in sorted(years, reverse=True)]
    assert 'class="msa-filter-warning"' not in html


def test_a_value_that_matches_nothing_is_named_with_what_was_meant(demo_ds):
    html = unescape(
        fetch(
            demo_ds, "/msa/search_sentences?q=workers&criterion=remediation&jurisdiction=United+Kingdom"
        ).text
    )
    warnings = re.findall(r'<p class="message-warning msa-filter-warning">(.*?)</p>', html)
    assert len(warnings) == 2
    assert (
        "criterion “remediation” matches nothing" in warnings[0]
        and "Did you mean c4_remediation?" in warnings[0]
    )
    assert (
        "jurisdiction “United Kingdom” matches nothing" in warnings[1] and "Did you mean uk?" in warnings[1]
    )
    year = unescape(fetch(demo_ds, "/msa/search_sentences?q=workers&year=FY2022").text)
    assert "year “FY2022” matches nothing" in year and "Did you mean 2022?" in year
    # A valid value in another case is a valid value.
    assert "msa-filter-warning" not in fetch(demo_ds, "/msa/search_sentences?q=workers&jurisdiction=UK").text


def test_results_come_with_facets_counting_the_results(demo_ds):
    html = unescape(fetch(demo_ds, "/msa/search_sentences?q=workers").text)
    found = rows(demo_ds, "/msa/search_sentences.json?q=workers")
    facets = _facets(html)
    assert set(facets) == {"evidence", "criterion", "jurisdiction", "year"}
    assert facets["evidence"] == Counter(r["evidence"] for r in found)
    assert facets["jurisdiction"] == Counter(r["jurisdiction"] for r in found)
    assert facets["year"] == Counter(str(r["registry_year"]) for r in found)
    assert facets["criterion"] == Counter(c for r in found for c in (r["criteria"] or "").split())
    assert f"{len(found)} matching sentences" in html


def test_a_facet_link_applies_its_filter(demo_ds):
    html = unescape(fetch(demo_ds, "/msa/search_sentences?q=workers").text)
    href, count = re.search(
        r'data-facet="evidence">.*?<a href="([^"]+evidence=impact[^"]*)">impact</a> (\d+)', html, re.S
    ).groups()
    filtered = rows(demo_ds, href.replace("/msa/search_sentences?", "/msa/search_sentences.json?"))
    assert len(filtered) == int(count) and {r["evidence"] for r in filtered} == {"impact"}
    page = fetch(demo_ds, href).text
    assert '<option value="impact" selected>' in page


def test_home_page_search_offers_criterion_and_jurisdiction_choices(demo_ds):
    html = fetch(demo_ds, "/").text
    form = re.search(r'<form class="msa-search".*?</form>', html, re.S).group(0)
    criterion = re.search(r'<select name="criterion".*?</select>', form, re.S).group(0)
    search_page = fetch(demo_ds, "/msa/search_sentences?q=workers").text
    assert re.findall(r'<option value="([^"]*)"', criterion) == _options(search_page, "criterion")
    jurisdiction = re.search(r'<select name="jurisdiction".*?</select>', form, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"', jurisdiction) == ["", "uk", "au"]
