"""Every CSV export comes with its data dictionary: a `dictionary` export beside it on the page and
in its Link header, describing exactly its columns. On the demo database, through Datasette's client."""

from __future__ import annotations

import csv
import io

import pytest

from msa.serve import datasette_app
from tests.publish_fixture import fetch, rows

REGULATOR_EXPORTS = [
    "/msa/compliance.csv?jurisdiction=uk&_stream=on",
    "/msa/compliance_summary.csv?_stream=on",
    "/msa/compliance_by_sector.csv?jurisdiction=au",
    "/msa/missing_content.csv",
    "/msa/registry_mismatches.csv",
]


@pytest.fixture(scope="module")
def ds(demo_db):
    return datasette_app(demo_db)


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("path", REGULATOR_EXPORTS)
def test_csv_export_names_a_dictionary_of_its_columns(ds, path):
    export = fetch(ds, path)
    assert export.status_code == 200
    link = export.headers["link"]
    assert link.endswith('; rel="describedby"; type="text/csv"')
    target = link[1 : link.index(">")]
    assert target.startswith(path.split("?")[0].replace(".csv", ".dictionary"))
    dictionary = fetch(ds, target)
    assert dictionary.status_code == 200 and dictionary.headers["content-type"].startswith("text/csv")
    header, *entries = _csv(dictionary.text)
    assert header == ["column", "description"]
    assert [column for column, _ in entries] == _csv(export.text)[0]
    assert [column for column, description in entries if not description] == []


def test_pages_offer_the_dictionary_beside_csv(ds):
    for page in ("/msa/compliance", "/msa/compliance_summary", "/msa/statements"):
        html = fetch(ds, page).text
        assert f'<a href="{page}.dictionary' in html and f'<a href="{page}.csv' in html


def test_a_streamed_csv_holds_every_row(ds):
    statements = rows(ds, "/msa.json?sql=select+count(*)+as+n+from+compliance")[0]["n"]
    # no _size: the plugin asks for full pages, every row still comes once
    streamed = _csv(fetch(ds, "/msa/compliance.csv?_stream=on").text)
    assert len(streamed) == 1 + statements == 22
    assert len({r[0] for r in streamed[1:]}) == statements
    paged = _csv(fetch(ds, "/msa/compliance.csv?_stream=on&_size=3").text)
    assert sorted(r[0] for r in paged[1:]) == sorted(r[0] for r in streamed[1:])
