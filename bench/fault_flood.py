"""Flood scenario for `msa serve`: abusive SQL in flight while readers load pages.

`run_flood_scenario(db_path)` starts `msa serve` on a loopback port and runs three phases, each
for `seconds`, while two samplers load the home page and a canned query every `sample_every` s:

1. idle: nothing else running;
2. flood: `flood` clients each sending, one after the other, `select randomblob(500000000)` or
   a recursive-CTE counter (half each);
3. cross joins: `cross_joins` clients each sending a four-way cross join of `sentences`.

Every request is loopback-only and bounded (a client timeout, a deadline per phase). A watchdog
reads the Datasette process's memory every 0.1 s and kills it past `rss_cap_mb`, so an unbounded
server cannot take the machine. Returns the p95 of each sampled page per phase, the answers the
flood got, the server's peak RSS and whether it survived (still answering at the end).

    python -m bench.fault_flood [--db PATH] [--seconds 10]

prints the figures for the server without msa's SQL limits (`msa-limits` disabled in a metadata
copy: what msa served before) and with them.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import multiprocessing
import os
import queue
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from msa.paths import METADATA_PATH  # noqa: E402
from synthetic.publish_db import build_fixture_db  # noqa: E402
from tests.publish_fixture import start_msa_serve  # noqa: E402

RECURSIVE_COUNTER = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
CROSS_JOIN = "select count(*) from sentences a, sentences b, sentences c, sentences d"
HOME = "/"
CANNED = "/msa/search_sentences?" + urlencode({"q": "passports"})
CLIENT_TIMEOUT_S = 30.0


def randomblob_sql(blob_bytes: int) -> str:
    return f"select randomblob({blob_bytes})"


def sql_path(sql: str) -> str:
    return "/msa.json?" + urlencode({"sql": sql})


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def timed_get(base: str, path: str, timeout: float = CLIENT_TIMEOUT_S) -> tuple[float, int]:
    """(seconds, status) of one GET on a fresh connection; status 0 when it failed or timed out."""
    parts = urlsplit(base)
    start = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return time.perf_counter() - start, response.status
    except (OSError, http.client.HTTPException):
        return time.perf_counter() - start, 0
    finally:
        conn.close()


def server_pids(serve_pid: int) -> list[int]:
    """Every process under `msa serve` (its serving child, that one's workers), or itself without any."""
    found, stack = [], [serve_pid]
    while stack:
        pid = stack.pop()
        try:
            children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            continue
        found += children
        stack += children
    return found or [serve_pid]


def memory_mb(pid: int, field: str = "VmRSS") -> float | None:
    """A memory figure of a live process from /proc (VmRSS now, VmHWM peak), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def total_memory_mb(pids: list[int], field: str = "VmRSS") -> float | None:
    """The figure summed over the live ones of `pids` (VmHWM: the sum of their peaks); None if none lives."""
    figures = [mb for mb in (memory_mb(pid, field) for pid in pids) if mb is not None]
    return sum(figures) if figures else None


class Watchdog(threading.Thread):
    """Tracks the server's processes' summed peak RSS and kills them all past a cap (as the OOM killer
    would take the machine's largest process)."""

    def __init__(self, pids: list[int], cap_mb: float):
        super().__init__(daemon=True)
        self.pids, self.cap_mb = pids, cap_mb
        self.peak_mb, self.killed = 0.0, False
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.1):
            rss = total_memory_mb(self.pids)
            if rss is None:
                return
            self.peak_mb = max(self.peak_mb, rss)
            if rss > self.cap_mb:
                self.killed = True
                for pid in self.pids:
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                return


def _loop(base: str, paths: list[str], until: float, answers: Counter, lock: threading.Lock) -> None:
    i = 0
    while time.monotonic() < until:
        _, status = timed_get(base, paths[i % len(paths)], timeout=max(1.0, until - time.monotonic()))
        with lock:
            answers[status] += 1
        i += 1


def _sample(base: str, path: str, until: float, every: float, out: list[float]) -> None:
    while time.monotonic() < until:
        start = time.monotonic()
        elapsed, status = timed_get(base, path, timeout=CLIENT_TIMEOUT_S)
        out.append(elapsed if status == 200 else CLIENT_TIMEOUT_S)  # a failed page counts as the worst
        time.sleep(max(0.0, every - (time.monotonic() - start)))


def _load_process(base: str, load: list[list[str]], until: float, results) -> None:
    """The flood's clients, one thread each, in a process of their own; puts their answer counts."""
    answers: Counter = Counter()
    lock = threading.Lock()
    clients = [
        threading.Thread(target=_loop, args=(base, paths, until, answers, lock), daemon=True)
        for paths in load
    ]
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=max(0.0, until - time.monotonic()) + CLIENT_TIMEOUT_S + 5)
    results.put(dict(answers))


def run_phase(base: str, load: list[list[str]], seconds: float, sample_every: float) -> dict:
    """Run `load` (one path list per client) for `seconds` while sampling the home page and a canned query.

    The load runs in a second process: 30 busy client threads beside the samplers would make the
    samplers wait for this process's GIL, and the bench would time itself, not the server.
    """
    until = time.monotonic() + seconds
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    loader = context.Process(target=_load_process, args=(base, load, until, results), daemon=True)
    loader.start()
    time.sleep(min(1.0, seconds / 4))  # let the load take hold before sampling
    home: list[float] = []
    canned: list[float] = []
    samplers = [
        threading.Thread(target=_sample, args=(base, HOME, until, sample_every, home), daemon=True),
        threading.Thread(target=_sample, args=(base, CANNED, until, sample_every, canned), daemon=True),
    ]
    for sampler in samplers:
        sampler.start()
    for thread in samplers:
        thread.join(timeout=seconds + CLIENT_TIMEOUT_S + 5)
    try:
        answers = results.get(timeout=CLIENT_TIMEOUT_S + 10)
    except queue.Empty:
        answers = {}
    loader.join(timeout=5)
    return {
        "clients": len(load),
        "home_p95_ms": _ms(percentile(home, 95)),
        "canned_p95_ms": _ms(percentile(canned, 95)),
        "samples": len(home) + len(canned),
        "answers": {str(k): v for k, v in sorted(answers.items())},
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(1000 * seconds, 1)


def unbounded_metadata(folder: Path) -> Path:
    """The repository's metadata with msa's SQL limits switched off: how msa served before them."""
    meta = json.loads(METADATA_PATH.read_text(encoding="utf-8"))
    meta.setdefault("plugins", {})["msa-limits"] = {"enabled": False}
    path = folder / "metadata-unbounded.json"
    path.write_text(json.dumps(meta), encoding="utf-8")
    return path


def run_flood_scenario(
    db_path: Path,
    *,
    bounded: bool = True,
    flood: int = 30,
    cross_joins: int = 4,
    seconds: float = 10.0,
    sample_every: float = 0.25,
    blob_bytes: int = 500_000_000,
    rss_cap_mb: float = 6000,
) -> dict:
    """Serve `db_path`, run the idle, flood and cross-join phases, and report what held.

    Returns {"limits", "phases": {"idle" | "flood" | "cross_join": {"clients", "home_p95_ms",
    "canned_p95_ms", "samples", "answers" (status -> count; "0" for a timeout)}}, "peak_rss_mb",
    "killed_at_rss_cap", "survived"}. `bounded=False` serves without msa's SQL limits.
    """
    db_path = Path(db_path)
    extra: list[str] = []
    with tempfile.TemporaryDirectory(prefix="msa-flood-") as tmp:
        if not bounded:
            extra = ["--metadata", str(unbounded_metadata(Path(tmp)))]
        proc, base = start_msa_serve(db_path, *extra)
        pids = server_pids(proc.pid)
        watchdog = Watchdog(pids, rss_cap_mb)
        watchdog.start()
        try:
            heavy = [sql_path(randomblob_sql(blob_bytes)), sql_path(RECURSIVE_COUNTER)]
            phases = {
                "idle": run_phase(base, [], seconds, sample_every),
                "flood": run_phase(
                    base, [heavy[i % 2 :] + heavy[: i % 2] for i in range(flood)], seconds, sample_every
                ),
                "cross_join": run_phase(base, [[sql_path(CROSS_JOIN)]] * cross_joins, seconds, sample_every),
            }
            _, status = timed_get(base, "/-/versions.json", timeout=10)
            peak = total_memory_mb(pids, "VmHWM") or watchdog.peak_mb
        finally:
            watchdog.stop.set()
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except Exception:
                proc.kill()
    return {
        "limits": "msa-limits" if bounded else "none (before)",
        "phases": phases,
        "peak_rss_mb": round(max(peak, watchdog.peak_mb), 1),
        "killed_at_rss_cap": watchdog.killed,
        "survived": status == 200 and not watchdog.killed,
    }


def print_table(results: list[dict]) -> None:
    """One line per run and phase: p95 of the home page and the canned query, answers, memory."""
    print(f"{'limits':<16} {'phase':<11} {'clients':>7} {'home p95 ms':>12} {'canned p95 ms':>14}  answers")
    for result in results:
        for name, phase in result["phases"].items():
            print(
                f"{result['limits']:<16} {name:<11} {phase['clients']:>7} {phase['home_p95_ms']!s:>12} "
                f"{phase['canned_p95_ms']!s:>14}  {phase['answers']}"
            )
        print(
            f"{result['limits']:<16} peak RSS {result['peak_rss_mb']} MB, survived: {result['survived']}"
            + (" (killed by the bench at its RSS cap)" if result["killed_at_rss_cap"] else "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a built msa.db (default: the publishing tests' fixture)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--flood", type=int, default=30)
    parser.add_argument("--cross-joins", type=int, default=4)
    parser.add_argument("--rss-cap-mb", type=float, default=6000)
    parser.add_argument("--after-only", action="store_true", help="skip the unbounded (before) run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="msa-flood-db-") as tmp:
        db = args.db or build_fixture_db(Path(tmp) / "msa.db")
        runs = [] if args.after_only else [False]
        results = [
            run_flood_scenario(
                db,
                bounded=bounded,
                flood=args.flood,
                cross_joins=args.cross_joins,
                seconds=args.seconds,
                rss_cap_mb=args.rss_cap_mb,
            )
            for bounded in runs + [True]
        ]
    print_table(results)


if __name__ == "__main__":
    main()
