"""Helpers the publishing tests (and the serving benchmarks) share: the rows an in-process Datasette
returns, and `msa serve` started on a free port. The fictional database they serve is written by
synthetic/publish_db.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from msa.paths import REPO_ROOT


def fetch(ds, path: str):
    """GET a path from an in-process Datasette (its ASGI client), synchronously."""
    import asyncio

    return asyncio.run(ds.client.get(path))


def rows(ds, path: str) -> list[dict]:
    """The rows of a JSON query or table page, as dicts; fails on any status but 200."""
    sep = "&" if "?" in path else "?"
    response = fetch(ds, f"{path}{sep}_shape=objects")
    assert response.status_code == 200, response.text[:500]
    return response.json()["rows"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str) -> tuple[int, str]:
    """(status, body) of a GET, HTTP errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def start_msa_serve(db_path: Path, *extra: str, timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """Start `msa serve` on the database's data dir on a free port; returns (process, base URL).

    Its output goes to serve.log beside the database: a pipe nobody reads would fill and stall it.
    """
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    cmd = [sys.executable, "-m", "msa.cli", "serve", "--data-dir", str(db_path.parent), "--port", str(port)]
    cmd += list(extra)
    log = db_path.parent / "serve.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            http_get(base + "/-/versions.json")
            return proc, base
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")) from None
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError(f"msa serve did not start in {timeout} s: {log.read_text(errors='replace')[-2000:]}")
