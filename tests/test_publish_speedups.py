"""What the serving speed-ups (bench/bench_serve.py) must not change: the rows and bytes a reader gets.

Each speed-up is an index or a rewritten query. These tests serve the fictional corpus twice, once
as built and once without the speed-up, and require the same rows, in the same order, for the
parameters people use.
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from msa.serve import datasette_app
from synthetic.publish_db import build_fixture_db
from tests.publish_fixture import fetch, rows

IMPACT_INDEX = "idx_impact_sentences_year_p"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_fixture_db(tmp_path_factory.mktemp("speed") / "msa.db")


def _without(built, tmp_path, sql: str):
    """A copy of the built database with `sql` applied (the speed-up undone), served."""
    plain = tmp_path / "plain" / "msa.db"  # the same name: Datasette names the database by its file
    plain.parent.mkdir()
    shutil.copy(built, plain)
    conn = sqlite3.connect(plain)
    conn.executescript(sql)
    conn.commit()
    conn.close()
    return datasette_app(plain)


@pytest.mark.parametrize(
    "params",
    [
        "",
        "company=wattle",
        "company=a",
        "sector=retail",
        "year=2022&jurisdiction=uk",
        "jurisdiction=au&company=e",
    ],
)
def test_impact_sentences_index_keeps_the_rows(built, tmp_path, params):
    plain = _without(built, tmp_path, f"DROP INDEX {IMPACT_INDEX}")
    url = f"/msa/search_impact_sentences.json?{params}"
    expected = rows(plain, url)
    assert rows(datasette_app(built), url) == expected
    if params in ("", "company=a"):
        assert expected  # the comparison is over rows, not two empty answers


def test_impact_sentences_index_holds_what_the_filters_read(built):
    conn = sqlite3.connect(built)
    columns = [r[2] for r in conn.execute(f"PRAGMA index_info({IMPACT_INDEX})")]
    conn.close()
    assert columns == ["registry_year", "evidence_p", "organisation", "jurisdiction"]


def _served(app, path: str) -> list[dict]:
    """The ASGI events an app sends for a GET of `path`."""
    import asyncio

    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(event):
        sent.append(event)

    scope = {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": []}
    asyncio.run(app(scope, receive, send))
    return sent


def test_streamed_csv_reaches_the_server_as_the_same_bytes_in_few_writes(built):
    from publish.plugins.msa_datasette import CSV_CHUNK, asgi_wrapper

    lines = [f"row {i},{'x' * 90}\r\n".encode() for i in range(3000)]  # one event per row, as Datasette

    async def csv_rows(scope, receive, send):
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/csv")]}
        )
        for line in lines:
            await send({"type": "http.response.body", "body": line, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    app = asgi_wrapper(datasette_app(built))(csv_rows)
    events = _served(app, "/msa/compliance.csv")
    bodies = [e for e in events if e["type"] == "http.response.body"]
    assert b"".join(e["body"] for e in bodies) == b"".join(lines)
    assert [e["more_body"] for e in bodies] == [True] * (len(bodies) - 1) + [False]
    assert len(bodies) <= sum(map(len, lines)) // CSV_CHUNK + 2
    assert (b"link", b'</msa/compliance.dictionary>; rel="describedby"; type="text/csv"') in events[0][
        "headers"
    ]


def test_streamed_csv_export_holds_every_row(built):
    ds = datasette_app(built)
    table = rows(ds, "/msa/compliance.json?_size=max")
    streamed = fetch(ds, "/msa/compliance.csv?_stream=on").text
    unstreamed = fetch(ds, "/msa/compliance.csv?_size=max").text
    assert streamed == unstreamed
    assert len(streamed.strip().splitlines()) == len(table) + 1
