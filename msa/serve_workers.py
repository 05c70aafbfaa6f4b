"""Datasette in one or more worker processes on one port: what `msa serve` runs.

Why several: one Datasette process runs Python on one core at a time, so on a full-size corpus
four readers queue behind each other's searches (bench/bench_serve.py on the 5M-sentence corpus:
20.6 requests/s in one process, 33.4 in two on 2 cores). uvicorn's supervisor binds the port once
and runs `workers` processes that accept from it, restarting one that dies.

Each worker builds the same app the tests use (`msa.serve.datasette_app`) from a JSON config in
its environment, with one secret shared by all, so a signed value made by one worker reads in
another. A worker dies with the process that started it (msa.serve_child.die_with_parent), and
that one dies with `msa serve`, so killing `msa serve` outright leaves nothing serving.

    python -m msa.serve_workers PARENT_PID HOST PORT WORKERS   (the config in MSA_SERVE_CONFIG)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from msa.serve import CONFIG_ENV, datasette_app
from msa.serve_child import die_with_parent

# The home page (cached per worker), the database page, and a table and a canned query page (their
# templates): what readers open first.
WARM_PATHS = ("/", "/msa", "/msa/statements?_size=1", "/msa/search_sentences?q=slavery")


def worker_datasette():
    """The Datasette of one worker, built from the config msa serve put in CONFIG_ENV."""
    config = json.loads(os.environ[CONFIG_ENV])
    return datasette_app(
        Path(config["db"]),
        metadata=Path(config["metadata"]),
        settings=config["settings"],
        secret=config["secret"],
        slots_dir=Path(config["slots_dir"]) if config.get("slots_dir") else None,
    )


async def warm_up(app, paths: tuple[str, ...] = WARM_PATHS) -> dict[str, int]:
    """Request `paths` from `app` in-process, so its first readers do not pay for a cold worker
    (templates compiled, the home page cached, the immutable file inspected); their statuses."""
    import httpx

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        return {path: (await client.get(path)).status_code for path in paths}


def create_app():
    """The ASGI app of one worker (uvicorn's factory); ends this process when its parent ends.

    Its startup (before uvicorn lets the worker accept) runs the plugins' startup hooks and
    warms the worker up.
    """
    die_with_parent(os.getppid())
    from datasette.utils.asgi import AsgiLifespan

    ds = worker_datasette()
    served = ds.app()
    return AsgiLifespan(served, on_startup=[ds.invoke_startup, lambda: warm_up(served)])


def run(host: str, port: int, workers: int) -> None:
    """Serve until a signal ends it: one process for one worker, else a supervisor and its workers."""
    import uvicorn

    uvicorn.run(
        "msa.serve_workers:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )


def main(argv: list[str] | None = None) -> None:
    parent_pid, host, port, workers = sys.argv[1:] if argv is None else argv
    die_with_parent(int(parent_pid))
    run(host, int(port), int(workers))


if __name__ == "__main__":
    main()
