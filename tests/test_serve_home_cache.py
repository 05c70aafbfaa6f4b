"""The home page is rendered once per database state and shared only between anonymous readers."""

from __future__ import annotations

import asyncio
import importlib.util
import os
from pathlib import Path

import pytest

from msa.serve import PLUGINS_DIR, datasette_app
from synthetic.publish_db import build_fixture_db


def load_cache_plugin():
    spec = importlib.util.spec_from_file_location("msa_home_cache", PLUGINS_DIR / "msa_home_cache.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("home_cache") / "msa.db")


def counting_app(db: Path):
    """Datasette as msa serves it, counting the permission checks the home page view makes."""
    ds = datasette_app(db)
    calls = {"n": 0}
    original = ds.check_visibility

    async def counted(*args, **kwargs):
        calls["n"] += 1
        return await original(*args, **kwargs)

    ds.check_visibility = counted
    return ds, calls


def fetch(ds, path: str, **kwargs):
    return asyncio.run(ds.client.get(path, **kwargs))


def test_second_home_page_is_answered_without_rendering(fixture_db):
    ds, calls = counting_app(fixture_db)
    first = fetch(ds, "/")
    rendered = calls["n"]
    assert first.status_code == 200 and rendered > 0
    second = fetch(ds, "/")
    assert calls["n"] == rendered, "the cached home page ran the index view again"
    assert second.status_code == 200
    assert second.text == first.text
    assert second.headers["content-type"] == first.headers["content-type"]


def test_json_home_and_query_strings_are_kept_apart(fixture_db):
    ds, _ = counting_app(fixture_db)
    html = fetch(ds, "/")
    as_json = fetch(ds, "/.json")
    assert as_json.headers["content-type"].startswith("application/json")
    assert fetch(ds, "/.json").json() == as_json.json()
    assert fetch(ds, "/").text == html.text


def test_a_reader_with_an_actor_is_never_given_the_shared_page(fixture_db):
    ds, calls = counting_app(fixture_db)
    fetch(ds, "/")
    before = calls["n"]
    fetch(ds, "/", cookies={"ds_actor": "someone"})
    assert calls["n"] > before
    before = calls["n"]
    fetch(ds, "/", headers={"authorization": "Bearer x"})
    assert calls["n"] > before


def test_a_changed_database_file_renders_the_home_page_anew(fixture_db, tmp_path):
    db = tmp_path / "msa.db"
    db.write_bytes(fixture_db.read_bytes())
    ds, calls = counting_app(db)
    fetch(ds, "/")
    before = calls["n"]
    stat = db.stat()
    os.utime(db, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    fetch(ds, "/")
    assert calls["n"] > before


def test_other_pages_are_not_cached():
    plugin = load_cache_plugin()
    assert not plugin.shareable_request({"method": "GET", "path": "/msa", "headers": []})
    assert not plugin.shareable_request({"method": "HEAD", "path": "/", "headers": []})
    assert plugin.shareable_request({"method": "GET", "path": "/", "headers": [(b"cookie", b"csrftoken=a")]})


def test_only_a_plain_200_is_shared():
    plugin = load_cache_plugin()
    assert plugin.shareable_response({"status": 200, "headers": [(b"content-type", b"text/html")]})
    assert not plugin.shareable_response({"status": 500, "headers": []})
    assert not plugin.shareable_response({"status": 200, "headers": [(b"set-cookie", b"ds_messages=x")]})


def test_the_cache_is_bounded_and_drops_the_oldest():
    plugin = load_cache_plugin()
    cache = plugin.ResponseCache(max_entries=2)
    for key in ("a", "b"):
        cache.put((key,), {"status": 200}, key.encode())
    cache.get(("a",))  # a is now the most recent
    cache.put(("c",), {"status": 200}, b"c")
    assert cache.get(("b",)) is None
    assert cache.get(("a",))[1] == b"a" and cache.get(("c",))[1] == b"c"
