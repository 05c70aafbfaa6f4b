"""HTTP load driver for the serving benchmark: runs in its own process, standard library only.

Reads a plan (a JSON list of {"query", "variant", "path"}), sends each path `--warmup` times
unmeasured, then `--requests` measured times with `--concurrency` threads, the requests of all
variants shuffled together as mixed traffic. A latency is from sending the request to reading the
whole body. Writes per-variant and per-query p50/p95 as JSON.

    python bench/load_driver.py --base http://127.0.0.1:8001 --plan plan.json --out results.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

_local = threading.local()


def _connection(base: str) -> http.client.HTTPConnection:
    # One keep-alive connection per thread, as a browser or a script would hold.
    if getattr(_local, "conn", None) is None:
        parts = urlsplit(base)
        _local.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    return _local.conn


def get(base: str, path: str) -> tuple[float, int, int, str]:
    """(seconds, status, body bytes, error text) for one GET."""
    for attempt in range(2):
        conn = _connection(base)
        start = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - start
            error = "" if response.status == 200 else body[:300].decode(errors="replace")
            return elapsed, response.status, len(body), error
        except (http.client.HTTPException, OSError) as exc:
            conn.close()
            _local.conn = None
            if attempt:
                return time.perf_counter() - start, 0, 0, repr(exc)
    raise AssertionError("unreachable")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summarise(samples: list[tuple[float, int, int, str]]) -> dict:
    ok = [s[0] for s in samples if s[1] == 200]
    errors = [s for s in samples if s[1] != 200]
    out: dict = {"n": len(samples), "errors": len(errors)}
    if errors:
        out["first_error"] = f"{errors[0][1]}: {errors[0][3][:200]}"
    if ok:
        out.update(
            {
                "p50_ms": round(1000 * percentile(ok, 50), 1),
                "p95_ms": round(1000 * percentile(ok, 95), 1),
                "max_ms": round(1000 * max(ok), 1),
                "mean_ms": round(1000 * sum(ok) / len(ok), 1),
                "mean_bytes": round(sum(s[2] for s in samples if s[1] == 200) / len(ok)),
            }
        )
    return out


def run(base: str, plan: list[dict], requests: int, concurrency: int, warmup: int, seed: int = 1) -> dict:
    for item in plan:
        for _ in range(warmup):
            get(base, item["path"])
    jobs = [i for i, _ in enumerate(plan) for _ in range(requests)]
    random.Random(seed).shuffle(jobs)
    samples: dict[int, list] = {i: [] for i in range(len(plan))}
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for i, sample in zip(jobs, pool.map(lambda i: get(base, plan[i]["path"]), jobs), strict=True):
            samples[i].append(sample)
    wall = time.perf_counter() - started
    variants = [{**item, **summarise(samples[i])} for i, item in enumerate(plan)]
    by_query: dict[str, list] = {}
    for i, item in enumerate(plan):
        by_query.setdefault(item["query"], []).extend(samples[i])
    return {
        "requests": len(jobs),
        "concurrency": concurrency,
        "wall_seconds": round(wall, 1),
        "throughput_rps": round(len(jobs) / wall, 1),
        "queries": {name: summarise(s) for name, s in by_query.items()},
        "variants": variants,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=40, help="measured requests per variant")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = run(args.base, json.loads(args.plan.read_text()), args.requests, args.concurrency, args.warmup)
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
