"""`msa serve` as a process: its Datasette child never outlives it."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import pytest

from bench.fault_flood import datasette_pid
from synthetic.publish_db import build_fixture_db
from tests.publish_fixture import http_get, start_msa_serve


def _answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_kill_9_of_msa_serve_takes_datasette_down_with_it(tmp_path):
    db = build_fixture_db(tmp_path / "msa.db")
    proc, base = start_msa_serve(db)
    port = int(base.rsplit(":", 1)[1])
    child = datasette_pid(proc.pid)
    try:
        assert child != proc.pid and http_get(base + "/-/versions.json")[0] == 200
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while _answers(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _answers(port), "Datasette kept serving after msa serve was killed"
    finally:
        cmdline = Path(f"/proc/{child}/cmdline")
        if cmdline.exists() and b"msa.serve_child" in cmdline.read_bytes():  # the test failed
            os.kill(child, signal.SIGKILL)  # do not leave it serving
