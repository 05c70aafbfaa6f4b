"""Abusive SQL against a real `msa serve` on 127.0.0.1: refused naming its limit; the server stays up.

One server for the module, on a copy of the fixture with a few thousand extra sentences, so that
a four-way cross join of `sentences` runs into the time limit as it does on a real corpus. Every
request loop here is bounded by a count and a deadline.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bench.fault_flood import CROSS_JOIN, RECURSIVE_COUNTER, server_pids, timed_get, total_memory_mb
from synthetic.publish_db import build_fixture_db
from tests.publish_fixture import http_get, start_msa_serve

pytestmark = pytest.mark.slow


def _sql(sql: str, fmt: str = ".json") -> str:
    return f"/msa{fmt}?" + urlencode({"sql": sql})


def _padded_fixture(path: Path, extra_sentences: int = 3000) -> Path:
    """The fixture database plus filler sentences (fictional) in one extra document."""
    build_fixture_db(path)
    conn = sqlite3.connect(path)
    rows = [
        (f"filler{i:010d}", "filler-document", i, 1, i, "paragraph", 0, 20, f"Filler sentence number {i}.")
        for i in range(extra_sentences)
    ]
    with conn:
        conn.executemany(
            "INSERT INTO sentences (sentence_id, document_id, sentence_idx, page_no, block_idx, block_kind, "
            "char_start, char_end, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    conn.close()
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits")
    db = _padded_fixture(folder / "msa.db")
    proc, base = start_msa_serve(db, "--workers", "2")  # the bounds must hold across workers
    try:
        yield base, server_pids(proc.pid), folder / "serve.log"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _get_json(base: str, path: str) -> tuple[int, dict]:
    status, body = http_get(base + path)
    return status, json.loads(body)


def test_randomblob_is_refused_before_the_server_allocates_it(server):
    base, pids, _ = server
    before = total_memory_mb(pids, "VmHWM")
    status, body = _get_json(base, _sql("select randomblob(500000000)"))
    assert status == 400
    assert "at most 2,000,000 bytes" in body["error"] and "max_value_bytes" in body["error"]
    status, html = http_get(base + _sql("select randomblob(500000000)", fmt=""))
    assert status == 400 and "at most 2,000,000 bytes" in html
    assert total_memory_mb(pids, "VmHWM") - before < 100  # peak RSS: unbounded, it grew by gigabytes


def test_a_result_too_large_in_total_is_cut_off_naming_the_limit(server):
    base, pids, _ = server
    before = total_memory_mb(pids, "VmHWM")
    many_rows = "select randomblob(1000000) from sentences limit 1000"
    status, body = _get_json(base, _sql(many_rows))
    assert status == 400 and "at most 32,000,000 bytes per query" in body["error"]
    wide_row = "select " + ", ".join(["randomblob(1900000)"] * 150)
    status, body = _get_json(base, _sql(wide_row))
    assert status == 400 and "a row may have at most 100 columns here (max_columns)" in body["error"]
    assert total_memory_mb(pids, "VmHWM") - before < 150


def test_a_where_clause_is_bounded_like_arbitrary_sql(server):
    base, _, _ = server
    status, body = _get_json(
        base, "/msa/sentences.json?" + urlencode({"_where": "length(randomblob(500000000))"})
    )
    assert status == 400 and "at most 2,000,000 bytes" in body["error"]
    start = time.monotonic()
    status, body = _get_json(base, "/msa/sentences.json?" + urlencode({"_where": f"({RECURSIVE_COUNTER})"}))
    assert status == 400 and "stopped after 1,000 ms" in body["error"]
    assert time.monotonic() - start < 2.8


def test_arbitrary_sql_time_limit_is_tighter_than_pages_and_stated(server):
    base, _, _ = server
    start = time.monotonic()
    status, body = _get_json(base, _sql(CROSS_JOIN))
    elapsed = time.monotonic() - start
    assert status == 400
    assert "stopped after 1,000 ms" in body["error"] and "canned queries may run 3,000 ms" in body["error"]
    assert elapsed < 2.8  # the pages' 3,000 ms would have let it run on
    # a reader may ask for less, never for more
    status, body = _get_json(base, _sql(RECURSIVE_COUNTER) + "&_timelimit=200")
    assert status == 400 and "stopped after 200 ms" in body["error"]
    status, body = _get_json(base, _sql(RECURSIVE_COUNTER) + "&_timelimit=60000")
    assert status == 400 and "stopped after 1,000 ms" in body["error"]
    status, html = http_get(base + _sql(RECURSIVE_COUNTER, fmt=""))
    assert status == 400 and "stopped after 1,000 ms" in html
    # canned queries and table pages keep theirs
    status, body = _get_json(base, "/msa/search_sentences.json?q=passports&_shape=objects")
    assert status == 200 and body["rows"][0]["organisation"] == "Wattle Ridge Mining Pty Ltd"
    status, body = _get_json(base, "/msa/sentences.json?_size=max")
    assert status == 200 and len(body["rows"]) == 1000
    assert _get_json(base, "/-/settings.json")[1]["sql_time_limit_ms"] == 3000


def test_one_arbitrary_query_runs_at_a_time_and_the_rest_are_told_the_limit(server):
    base, _, _ = server
    answers: list[tuple[int, str]] = []

    def send():
        answers.append(http_get(base + _sql(RECURSIVE_COUNTER)))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    statuses = sorted(status for status, _ in answers)
    assert len(answers) == 4 and statuses.count(503) >= 2, statuses
    busy = json.loads(next(body for status, body in answers if status == 503))
    assert "at most 1 queries written in the query box at a time" in busy["error"]
    assert "arbitrary_sql_concurrency" in busy["error"]


def test_pages_keep_answering_while_heavy_queries_are_in_flight(server):
    """Unbounded, 12 counters queue behind each other for 3 s each on 3 SQL threads: pages wait ~12 s."""
    base, _, _ = server
    until = time.monotonic() + 6
    stop = threading.Event()

    def flood():
        while not stop.is_set() and time.monotonic() < until:
            timed_get(base, _sql(RECURSIVE_COUNTER), timeout=10)

    threads = [threading.Thread(target=flood, daemon=True) for _ in range(12)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    pages = [
        timed_get(base, path, timeout=10)
        for path in ("/", "/msa/search_sentences?q=passports", "/msa/statements")
    ]
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    assert all(status == 200 for _, status in pages), pages
    assert max(seconds for seconds, _ in pages) < 6.0, pages


def test_refused_writes_answer_405_and_log_no_error(server):
    base, _, log = server
    size_before = log.stat().st_size
    for path in (
        "/msa/sentences/-/insert",
        "/msa/sentences/-/upsert",
        "/msa/-/create",
        "/msa/sentences/-/drop",
    ):
        body = b'{"row": {"text": "x"}}'
        request = urllib.request.Request(base + path, data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        try:
            urllib.request.urlopen(request, timeout=10)
            raise AssertionError(f"{path} accepted a write")
        except urllib.error.HTTPError as exc:
            assert exc.code == 405 and exc.headers["Allow"] == "GET, HEAD, OPTIONS"
            assert "read-only" in exc.read().decode()
    time.sleep(0.5)
    logged = log.read_bytes()[size_before:].decode(errors="replace")
    assert "Traceback" not in logged and "ERROR" not in logged, logged[:2000]
    assert logged.count("405") == 4  # one access line per refused write


def test_unknown_plugin_static_file_is_404_without_a_traceback(server):
    base, _, log = server
    size_before = log.stat().st_size
    assert http_get(base + "/-/static-plugins/msa_datasette/msa_datasette.py")[0] == 404
    assert http_get(base + "/-/static-plugins/msa_limits/msa_limits.py")[0] == 404
    assert http_get(base + "/no/such/page")[0] == 404
    time.sleep(0.5)
    logged = log.read_bytes()[size_before:].decode(errors="replace")
    assert "Traceback" not in logged and "ERROR" not in logged, logged[:2000]
