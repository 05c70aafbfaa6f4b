"""Shared fixtures: paths to the real data beside the checkout, a fresh database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
# MSA_SHARED_DIR: where shared/ is, for a checkout that does not have it beside it.
SHARED = Path(os.environ.get("MSA_SHARED_DIR") or REPO_ROOT.parent / "shared")


@pytest.fixture
def shared_dir() -> Path:
    """../shared, or a clean skip where this checkout has none beside it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent beside this checkout")
    return SHARED


@pytest.fixture
def fresh_db(tmp_path: Path):
    """An empty corpus database with the schema in place."""
    from db import connect

    return connect(tmp_path / "msa.db")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo database, built once for the whole session (tests/demo_fixture.py)."""
    from tests.demo_fixture import build_demo_db

    return build_demo_db(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def demo_server(demo_db: Path):
    """`msa serve` on the demo database, on a free port: its base URL (the browser journeys)."""
    from tests.publish_fixture import start_msa_serve

    proc, base = start_msa_serve(demo_db)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="session")
def demo_ds(demo_db: Path):
    """Datasette configured as `msa serve` serves the demo database."""
    from msa.serve import datasette_app

    return datasette_app(demo_db)


SLOW_TESTS = Path(__file__).with_name("slow_tests.txt")
# Session fixtures that build a whole demo or corpus: a test that asks for one is slow whatever it does.
SLOW_FIXTURES = {"demo_db", "demo_ds", "demo_server"}


def pytest_collection_modifyitems(config, items):
    """Mark as slow the tests measured slow (tests/slow_tests.txt) and those that build the demo, so
    that `pytest -m "not slow"` is a quick loop."""
    lines = (line.strip() for line in SLOW_TESTS.read_text().splitlines())
    listed = {line for line in lines if line and not line.startswith("#")}
    for item in items:
        if item.nodeid.split("[")[0] in listed or SLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)
