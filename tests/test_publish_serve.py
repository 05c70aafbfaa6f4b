"""`msa serve`: read-only, immutable, bounded, robots blocked unless asked, statements linked to sources."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from urllib.parse import urlencode

import pytest

from msa.paths import METADATA_PATH
from msa.serve import (
    CONFIG_ENV,
    DEFAULT_SETTINGS,
    MAX_DEFAULT_WORKERS,
    PLUGINS_DIR,
    TEMPLATES_DIR,
    WritableQueryError,
    datasette_app,
    default_workers,
    load_metadata,
    worker_config,
)
from msa.serve_workers import WARM_PATHS, warm_up, worker_datasette
from synthetic.publish_db import build_fixture_db
from tests.publish_fixture import fetch, http_get, rows, start_msa_serve


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("publish") / "msa.db")


@pytest.fixture(scope="module")
def ds(db_path):
    return datasette_app(db_path)


def test_workers_build_the_app_from_the_config_msa_serve_gives_them(db_path, monkeypatch):
    config = worker_config(db_path, METADATA_PATH, dict(DEFAULT_SETTINGS), "s" * 64)
    monkeypatch.setenv(CONFIG_ENV, config)
    ds = worker_datasette()
    assert ds.databases["msa"].is_mutable is False and ds.immutables == {str(db_path)}
    assert ds.setting("sql_time_limit_ms") == 3000 and ds.setting("max_returned_rows") == 1000
    assert ds.setting("allow_csv_stream") is True and ds.setting("allow_download") is False
    assert ds.plugins_dir == str(PLUGINS_DIR) and ds.template_dir == str(TEMPLATES_DIR)
    assert ds.metadata("title") == json.loads(METADATA_PATH.read_text())["title"]
    assert ds._secret == "s" * 64  # one secret for all workers: a value one signs, another reads


def test_a_worker_warms_up_on_pages_that_exist(ds):
    statuses = asyncio.run(warm_up(ds.app()))
    assert set(statuses) == set(WARM_PATHS) and set(statuses.values()) == {200}, statuses


def test_workers_default_to_one_per_cpu_at_most_four():
    assert 1 <= default_workers() <= MAX_DEFAULT_WORKERS == 4


def test_app_is_immutable_and_bounded(ds):
    assert ds.databases["msa"].is_mutable is False
    assert ds.setting("sql_time_limit_ms") == DEFAULT_SETTINGS["sql_time_limit_ms"]
    assert ds.setting("max_returned_rows") == 1000


def test_writes_are_refused(ds, db_path):
    before = db_path.stat().st_mtime_ns
    for sql in (
        "insert into schema_info values ('x', 'y')",
        "delete from statements",
        "update statements set title = 'x'",
        "drop table statements",
    ):
        response = fetch(ds, "/msa.json?" + urlencode({"sql": sql}))
        assert response.status_code == 400, sql
    # A POST to a canned query does not run it as a write (Datasette 0.65 answers 500 for read-only ones).
    assert (
        asyncio.run(ds.client.post("/msa/search_boilerplate", data={"min_organisations": "1"})).status_code
        >= 400
    )
    assert db_path.stat().st_mtime_ns == before


def test_writable_canned_query_is_rejected(tmp_path):
    meta = json.loads(METADATA_PATH.read_text())
    meta["databases"]["msa"]["queries"]["wipe"] = {"sql": "delete from statements", "write": True}
    path = tmp_path / "metadata.json"
    path.write_text(json.dumps(meta))
    with pytest.raises(WritableQueryError):
        load_metadata(path)


def test_robots_blocked_unless_allowed(db_path, ds):
    assert fetch(ds, "/robots.txt").text.splitlines() == ["User-agent: *", "Disallow: /"]
    allowing = datasette_app(db_path, allow_robots=True)
    assert "Disallow: /" not in fetch(allowing, "/robots.txt").text


def test_statement_page_links_to_document_and_registry(ds):
    html = fetch(ds, "/msa/statements/uk-2022-HLF00001").text
    assert '<a class="msa-document" href="https://www.harbourline.example/modern-slavery/2022.pdf">' in html
    assert (
        '<a class="msa-registry" href="https://modern-slavery-statement-registry.service.gov.uk/'
        'statement-summary/HLF00001/2022">Registry page</a>'
    ) in html
    au = fetch(ds, "/msa/statements/au-2023-303").text
    assert '<a class="msa-registry" href="https://modernslaveryregister.gov.au/statements/303/">' in au
    email_only = fetch(ds, "/msa/statements/uk-2022-KST00004").text
    assert "lists no website for this statement" in email_only and "msa-document" not in email_only


def test_home_page_offers_search_and_starting_points(ds):
    html = fetch(ds, "/").text
    assert '<form class="msa-search" action="/msa/search_sentences"' in html
    for target in ("/msa/company_statements", "/msa/compliance_summary", "/-/dashboards/coverage"):
        assert f'href="{target}"' in html
    assert "Open Government Licence v3.0" in html


@pytest.mark.slow
def test_msa_serve_process(db_path):
    proc, base = start_msa_serve(db_path)
    try:
        status, body = http_get(base + "/robots.txt")
        assert (status, body.splitlines()) == (200, ["User-agent: *", "Disallow: /"])
        status, body = http_get(base + "/msa/search_sentences.json?q=passports&_shape=objects")
        assert status == 200 and json.loads(body)["rows"][0]["organisation"] == "Wattle Ridge Mining Pty Ltd"
        settings = json.loads(http_get(base + "/-/settings.json")[1])
        assert settings["sql_time_limit_ms"] == 3000 and settings["max_returned_rows"] == 1000
        databases = json.loads(http_get(base + "/-/databases.json")[1])
        assert [(d["name"], d["is_mutable"]) for d in databases] == [("msa", False)]
        assert http_get(base + "/msa.json?sql=delete+from+statements")[0] == 400
    finally:
        proc.terminate()
        proc.wait(timeout=20)  # TimeoutExpired fails the test when SIGTERM does not stop it
    # SIGTERM reached Datasette itself: the port is free again.
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", int(base.rsplit(":", 1)[1]))) != 0


@pytest.mark.slow
def test_msa_serve_allow_robots(db_path):
    proc, base = start_msa_serve(db_path, "--allow-robots")
    try:
        assert http_get(base + "/robots.txt")[1].splitlines() == ["User-agent: *", "Allow: /"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_json_rows_helper_reads_tables(ds):
    assert len(rows(ds, "/msa/statements.json")) == 8
