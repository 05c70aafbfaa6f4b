"""Serving the corpus with Datasette: read-only, immutable, bounded queries, robots kept out.

`datasette_command` (the CLI `msa serve` runs) and `datasette_app` (the in-process app tests use)
share the settings, metadata, plugin and template folders, so what the tests check is what is
served. The database is opened immutable (`-i`): no writes, and Datasette may cache counts.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from msa.paths import METADATA_PATH, REPO_ROOT

PLUGINS_DIR = REPO_ROOT / "publish" / "plugins"
TEMPLATES_DIR = REPO_ROOT / "publish" / "templates"
ROBOTS_ENV = "MSA_ROBOTS_TXT"
ALLOW_ROBOTS_TXT = "User-agent: *\nAllow: /"
DEFAULT_SETTINGS: dict[str, Any] = {
    "sql_time_limit_ms": 3000,
    "max_returned_rows": 1000,
    "facet_time_limit_ms": 500,
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


def _cli_value(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def datasette_command(
    db_path: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    metadata: Path = METADATA_PATH,
    settings: dict[str, Any] | None = None,
) -> list[str]:
    """The `datasette serve` command line msa uses: immutable database, metadata, plugin, limits."""
    cmd = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "-i",
        str(db_path),
        "--host",
        host,
        "--port",
        str(port),
    ]
    if metadata.exists():
        load_metadata(metadata)
        cmd += ["--metadata", str(metadata)]
    cmd += ["--plugins-dir", str(PLUGINS_DIR), "--template-dir", str(TEMPLATES_DIR)]
    for key, value in {**DEFAULT_SETTINGS, **(settings or {})}.items():
        cmd += ["--setting", key, _cli_value(value)]
    return cmd


def child_command(cmd: list[str]) -> list[str]:
    """A `datasette_command` run through msa.serve_child, so that it dies with this process."""
    python, dash_m, _datasette, *args = cmd
    return [python, dash_m, "msa.serve_child", str(os.getpid()), *args]


def serve_env(allow_robots: bool = False) -> dict[str, str]:
    """The environment Datasette runs in; robots.txt disallows all unless `allow_robots`."""
    env = {k: v for k, v in os.environ.items() if k != ROBOTS_ENV}
    if allow_robots:
        env[ROBOTS_ENV] = ALLOW_ROBOTS_TXT
    return env


def datasette_app(
    db_path: Path,
    *,
    metadata: Path = METADATA_PATH,
    allow_robots: bool = False,
    settings: dict[str, Any] | None = None,
):
    """An in-process Datasette configured as `msa serve` configures it (for tests and scripts)."""
    from datasette.app import Datasette

    meta = load_metadata(metadata)
    if allow_robots:
        meta.setdefault("plugins", {})["datasette-block-robots"] = {"literal": ALLOW_ROBOTS_TXT}
    return Datasette(
        files=[],
        immutables=[str(db_path)],
        metadata=meta,
        plugins_dir=str(PLUGINS_DIR),
        template_dir=str(TEMPLATES_DIR),
        settings={**DEFAULT_SETTINGS, **(settings or {})},
    )


def serve(
    db_path: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    allow_robots: bool = False,
    metadata: Path = METADATA_PATH,
) -> int:
    """Run Datasette in the foreground until interrupted or terminated; returns its exit code.

    Datasette runs as a child process; SIGTERM and Ctrl+C are passed on to it, and it dies with
    `msa serve` even when that is killed outright (msa.serve_child), so stopping `msa serve` never
    leaves a server behind.
    """
    cmd = child_command(datasette_command(db_path, host=host, port=port, metadata=metadata))
    print(f"Serving {db_path} at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    child = subprocess.Popen(cmd, env=serve_env(allow_robots))
    main_thread = threading.current_thread() is threading.main_thread()  # only it may set handlers
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: child.terminate()) if main_thread else None
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.terminate()
        child.wait()
        return 0
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
