"""What the serving speed-ups (bench/bench_serve.py) must not change: the rows a reader gets.

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
from tests.publish_fixture import rows

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
