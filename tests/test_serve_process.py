"""`msa serve` as a process: none of its server processes (the child, its workers) outlives it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from pathlib import Path

import pytest

from bench.fault_flood import server_pids
from synthetic.publish_db import build_fixture_db
from tests.publish_fixture import http_get, start_msa_serve


def _answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_kill_9_of_msa_serve_takes_every_server_process_down_with_it(tmp_path):
    db = build_fixture_db(tmp_path / "msa.db")
    proc, base = start_msa_serve(db, "--workers", "2")
    port = int(base.rsplit(":", 1)[1])
    deadline = time.monotonic() + 20
    while len(pids := server_pids(proc.pid)) < 3 and time.monotonic() < deadline:  # child + 2 workers
        time.sleep(0.1)
    try:
        assert len(pids) >= 3 and http_get(base + "/-/versions.json")[0] == 200
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while (_answers(port) or _alive(pids)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _answers(port), "a worker kept serving after msa serve was killed"
        assert not _alive(pids), f"left behind: {_alive(pids)}"
    finally:
        for pid in _alive(pids):  # the test failed: do not leave them serving
            os.kill(pid, signal.SIGKILL)


def _alive(pids: list[int]) -> list[int]:
    """Those of `pids` still running python (a pid reused since holds another command line)."""
    alive = []
    for pid in pids:
        cmdline = Path(f"/proc/{pid}/cmdline")
        with contextlib.suppress(OSError):
            if b"python" in cmdline.read_bytes() and b"Z" not in _state(pid):
                alive.append(pid)
    return alive


def _state(pid: int) -> bytes:
    for line in Path(f"/proc/{pid}/status").read_bytes().splitlines():
        if line.startswith(b"State:"):
            return line.split()[1]
    return b""
