"""Serving the corpus with Datasette: read-only, immutable, bounded queries, robots kept out.

`msa serve` runs `datasette_app`, the app the in-process tests use, in worker processes
(msa.serve_workers), so what the tests check is what is served: the same settings, metadata,
plugin and template folders. The database is opened immutable: no writes, and Datasette may
cache counts.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from msa.paths import METADATA_PATH, REPO_ROOT

PLUGINS_DIR = REPO_ROOT / "publish" / "plugins"
TEMPLATES_DIR = REPO_ROOT / "publish" / "templates"
ROBOTS_ENV = "MSA_ROBOTS_TXT"
MAX_DEFAULT_WORKERS = 4
CONFIG_ENV = "MSA_SERVE_CONFIG"  # the JSON each worker builds its app from (msa.serve_workers)
ALLOW_ROBOTS_TXT = "User-agent: *\nAllow: /"
DEFAULT_SETTINGS: dict[str, Any] = {
    "sql_time_limit_ms": 3000,
    "max_returned_rows": 1000,
    "facet_time_limit_ms": 500,
    # A suggestion is a query per column over every matching row: on the 5M-sentence bench corpus
    # they took the compliance table's page from 0.66 s to 5.2 s and the statements page to 2.0 s.
    # The configured facets stay, and any column can still be faceted from its menu.
    "suggest_facets": False,
    "allow_download": False,
    "allow_csv_stream": True,
    "max_csv_mb": 500,
}


class WritableQueryError(ValueError):
    """The metadata defines a canned query that writes; msa serves read-only."""


def load_metadata(path: Path = METADATA_PATH) -> dict:
    """The metadata, refusing any writable canned query."""
    metadata = json.loads(path.read_text(encoding="utf-8"))
    for database in metadata.get("databases", {}).values():
        for name, query in database.get("queries", {}).items():
            if isinstance(query, dict) and query.get("write"):
                raise WritableQueryError(f"canned query {name!r} is writable; msa serves read-only")
    return metadata


def worker_config(
    db_path: Path, metadata: Path, settings: dict[str, Any], secret: str, slots_dir: Path | None = None
) -> str:
    """The JSON every worker builds its app from (kept in CONFIG_ENV)."""
    config = {"db": str(db_path), "metadata": str(metadata), "settings": settings, "secret": secret}
    return json.dumps({**config, "slots_dir": str(slots_dir) if slots_dir else None})


def default_workers() -> int:
    """One worker per CPU this process may run on, at most MAX_DEFAULT_WORKERS."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_DEFAULT_WORKERS))


def child_command(host: str, port: int, workers: int) -> list[str]:
    """The command of the serving process (msa.serve_workers), which dies with this one."""
    return [sys.executable, "-m", "msa.serve_workers", str(os.getpid()), host, str(port), str(workers)]


def serve_env(allow_robots: bool = False, **extra: str) -> dict[str, str]:
    """The environment Datasette runs in (with `extra`); robots.txt disallows all unless `allow_robots`."""
    env = {k: v for k, v in os.environ.items() if k != ROBOTS_ENV}
    if allow_robots:
        env[ROBOTS_ENV] = ALLOW_ROBOTS_TXT
    return {**env, **extra}


def datasette_app(
    db_path: Path,
    *,
    metadata: Path = METADATA_PATH,
    allow_robots: bool = False,
    settings: dict[str, Any] | None = None,
    secret: str | None = None,
    slots_dir: Path | None = None,
):
    """The Datasette `msa serve` runs in each worker, also built in-process by tests and scripts.

    `slots_dir` is the folder whose locked files bound arbitrary SQL across all the worker
    processes of one server (msa-limits); without it, each process bounds its own.
    """
    from datasette.app import Datasette

    meta = load_metadata(metadata)
    if allow_robots:
        meta.setdefault("plugins", {})["datasette-block-robots"] = {"literal": ALLOW_ROBOTS_TXT}
    if slots_dir is not None:
        meta.setdefault("plugins", {}).setdefault("msa-limits", {})["slots_dir"] = str(slots_dir)
    return Datasette(
        files=[],
        immutables=[str(db_path)],
        metadata=meta,
        plugins_dir=str(PLUGINS_DIR),
        template_dir=str(TEMPLATES_DIR),
        settings={**DEFAULT_SETTINGS, **(settings or {})},
        secret=secret,
    )


def serve(
    db_path: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    allow_robots: bool = False,
    metadata: Path = METADATA_PATH,
    workers: int | None = None,
) -> int:
    """Run Datasette in the foreground until interrupted or terminated; returns its exit code.

    It runs in `workers` processes (default_workers()) under a child process; SIGTERM and Ctrl+C
    are passed on, and all of them die with `msa serve` even when that is killed outright
    (msa.serve_child.die_with_parent), so stopping `msa serve` never leaves a server behind. The
    workers share one folder of query slots, so msa-limits' bound on concurrent arbitrary SQL
    holds for the whole server, not per worker.
    """
    load_metadata(metadata)  # a writable canned query stops us here, before anything serves
    workers = workers or default_workers()
    print(f"Serving {db_path} at http://{host}:{port}/ with {workers} worker(s) (Ctrl+C to stop)", flush=True)
    with tempfile.TemporaryDirectory(prefix="msa-serve-") as slots:
        config = worker_config(db_path, metadata, dict(DEFAULT_SETTINGS), secrets.token_hex(32), Path(slots))
        env = serve_env(allow_robots, **{CONFIG_ENV: config})
        child = subprocess.Popen(child_command(host, port, workers), env=env)
        main_thread = threading.current_thread() is threading.main_thread()  # only it may set handlers
        stop = signal.signal(signal.SIGTERM, lambda signum, frame: child.terminate()) if main_thread else None
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.terminate()
            child.wait()
            return 0
        finally:
            if main_thread:
                signal.signal(signal.SIGTERM, stop)
