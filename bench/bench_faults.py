"""Faults injected into real runs, and what survived them.

    python -m bench.bench_faults [--shared ../shared/research] [--scale 6] [--workers 2]
                                 [--kill-after 5] [--kill-run-after 30] [--only clean,run killed]

The corpus is bench.bench_scale's synthetic one: every real statement PDF under `--shared`, copied
`--scale` times (25 x 6 = 150 documents). Each scenario runs `msa extract` as the CLI would, in a
fresh process on a fresh copy of the corpus, and returns a dict of figures; the table prints one
row per scenario:

- `clean`: one uninterrupted run, the reference for the sentences the others should end with;
- `worker killed`: `kill -9` of one worker `--kill-after` seconds in (once it has used 4 CPU
  seconds, so past its setup), then a re-run (which retries the document that worker held, a
  transient failure);
- `run killed`: `kill -9` of `msa extract` itself `--kill-run-after` seconds in (a few batches
  written), then a re-run;
- `server flood`: `msa serve` while 30 `randomblob` / recursive-CTE requests, then 4 four-way cross
  joins, are in flight (bench/fault_flood.py): the worst p95 of the home page and a canned query.

Columns: runs that completed (of those started and not killed on purpose), documents extracted
(of the corpus) and whether any was stored twice, sentences at the end (against the clean run),
processes of the run left alive 5 s after it ended or was killed, wall seconds. A scenario that
measures something else (a server's p95 under load) adds its own keys; missing ones print "-".
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.bench_extract import SHARED_RESEARCH, real_pdfs
from bench.bench_scale import build_corpus, copy_corpus
from bench.fault_flood import run_flood_scenario
from bench.process_tree import children, cpu_seconds, kill_tree, start_msa, survivors, wait_for
from msa.paths import db_path
from synthetic.publish_db import build_fixture_db

RUN_TIMEOUT_S = 1200
ORPHAN_WAIT_S = 5.0
WORKER_SETUP_CPU_S = 4.0
Scenario = Callable[[Path, argparse.Namespace], dict[str, object]]


def extract_args(data_dir: Path, workers: int) -> list[str]:
    return ["extract", "--data-dir", str(data_dir), "--workers", str(workers), "--quiet"]


def finish(proc: subprocess.Popen, marker: str) -> tuple[bool, int]:
    """Wait for a run; (completed with status 0, processes of it left alive afterwards)."""
    try:
        completed = proc.wait(RUN_TIMEOUT_S) == 0
    except subprocess.TimeoutExpired:
        completed = False
        proc.kill()
    left = len(survivors(marker, ORPHAN_WAIT_S))
    kill_tree(marker)
    return completed, left


def run_to_end(data_dir: Path, workers: int) -> tuple[bool, int]:
    proc, marker = start_msa(extract_args(data_dir, workers))
    return finish(proc, marker)


def stored(data_dir: Path) -> dict[str, int]:
    """What the database holds: documents extracted, sentences, and sentences stored twice."""
    conn = sqlite3.connect(db_path(data_dir))
    try:
        return {
            "documents": conn.execute("SELECT count(*) FROM documents").fetchone()[0],
            "extracted": conn.execute(
                "SELECT count(*) FROM documents WHERE extract_status != 'pending'"
            ).fetchone()[0],
            "errors": conn.execute(
                "SELECT count(*) FROM documents WHERE extract_status = 'error'"
            ).fetchone()[0],
            "sentences": conn.execute("SELECT count(*) FROM sentences").fetchone()[0],
            "duplicates": conn.execute(
                "SELECT count(*) FROM (SELECT 1 FROM sentences GROUP BY document_id, sentence_idx "
                "HAVING count(*) > 1)"
            ).fetchone()[0],
        }
    finally:
        conn.close()


def clean(data_dir: Path, args: argparse.Namespace) -> dict[str, object]:
    start = time.monotonic()
    completed, left = run_to_end(data_dir, args.workers)
    return {"runs": f"{int(completed)}/1", "orphans": left, "seconds": time.monotonic() - start}


def worker_killed(data_dir: Path, args: argparse.Namespace) -> dict[str, object]:
    start = time.monotonic()
    proc, marker = start_msa(extract_args(data_dir, args.workers))
    time.sleep(args.kill_after)
    # a worker past its setup (a few CPU seconds), so that it holds a document when killed
    victim = wait_for(
        lambda: [pid for pid in children(marker, proc.pid) if cpu_seconds(pid) > WORKER_SETUP_CPU_S], 120
    )
    if victim:
        os.kill(victim[0], signal.SIGKILL)
    completed, left = finish(proc, marker)
    failed = stored(data_dir)["errors"]
    again, left_again = run_to_end(data_dir, args.workers)
    return {
        "runs": f"{int(completed) + int(again)}/2",
        "orphans": left + left_again,
        "seconds": time.monotonic() - start,
        "note": f"a worker killed; {failed} document(s) failed in the first run"
        if victim
        else "no worker found",
    }


def run_killed(data_dir: Path, args: argparse.Namespace) -> dict[str, object]:
    start = time.monotonic()
    proc, marker = start_msa(extract_args(data_dir, args.workers))
    time.sleep(args.kill_run_after)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    left = len(survivors(marker, ORPHAN_WAIT_S))
    kill_tree(marker)
    before = stored(data_dir)["extracted"]
    again, left_again = run_to_end(data_dir, args.workers)
    return {
        "runs": f"{int(again)}/1",
        "orphans": left + left_again,
        "seconds": time.monotonic() - start,
        "note": f"{before} documents written before the kill",
    }


def server_flood(data_dir: Path, args: argparse.Namespace) -> dict[str, object]:
    """msa serve on the publishing fixture while 30 heavy SQL requests and 4 cross joins are in flight
    (bench/fault_flood.py): the worst p95 of the home page and a canned query, and whether it held."""
    db = data_dir / "flood" / "msa.db"  # msa serve reads <data dir>/msa.db
    db.parent.mkdir(parents=True, exist_ok=True)
    result = run_flood_scenario(build_fixture_db(db), seconds=args.flood_seconds)
    loaded = [result["phases"][name] for name in ("flood", "cross_join")]
    worst = max(max(p["home_p95_ms"], p["canned_p95_ms"]) for p in loaded)
    return {
        "runs": "1/1" if result["survived"] else "0/1",
        "p95 ms": f"{worst:.0f}",
        "note": f"peak server RSS {result['peak_rss_mb']:.0f} MB",
    }


SCENARIOS: dict[str, Scenario] = {
    "clean": clean,
    "worker killed": worker_killed,
    "run killed": run_killed,
    "server flood": server_flood,
}
COLUMNS = ("runs", "documents", "stored twice", "sentences", "orphans", "p95 ms", "seconds", "note")


def row(name: str, figures: dict[str, object], reference: int | None) -> str:
    cells = {"scenario": name, **{key: figures.get(key, "-") for key in COLUMNS}}
    if isinstance(cells["seconds"], float):
        cells["seconds"] = f"{cells['seconds']:.0f}"
    if "sentences" in figures and reference is not None:
        cells["sentences"] = f"{figures['sentences']}/{reference}"
    return (
        f"{cells['scenario']:<14} "
        + " ".join(f"{str(cells[key]):>12}" for key in COLUMNS[:-1])
        + (f"  {cells['note']}" if cells["note"] != "-" else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED_RESEARCH)
    parser.add_argument("--scale", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-after", type=float, default=5.0, help="Seconds before a worker is killed.")
    parser.add_argument("--kill-run-after", type=float, default=30.0, help="Seconds before msa is killed.")
    parser.add_argument("--only", help="Comma-separated scenario names (default: all).")
    parser.add_argument("--flood-seconds", type=float, default=10.0, help="Length of each flood phase.")
    args = parser.parse_args()
    pdfs = real_pdfs(args.shared)
    if not pdfs:
        raise SystemExit(f"no PDFs under {args.shared}")
    names = args.only.split(",") if args.only else list(SCENARIOS)
    with tempfile.TemporaryDirectory(prefix="msa-bench-faults-") as tmp:
        corpus = Path(tmp) / "corpus"
        documents = build_corpus(corpus, pdfs, args.scale)
        print(f"corpus: {documents} documents ({len(pdfs)} PDFs x {args.scale}), {args.workers} workers")
        results: dict[str, dict[str, object]] = {}
        for name in names:
            data_dir = Path(tmp) / name.replace(" ", "-")
            copy_corpus(corpus, data_dir)
            figures = SCENARIOS[name](data_dir, args)
            if name != "server flood":  # the flood serves its own database, not the corpus
                state = stored(data_dir)
                figures.update(
                    documents=f"{state['extracted']}/{state['documents']}",
                    sentences=state["sentences"],
                )
                figures["stored twice"] = state["duplicates"]
            results[name] = figures
    reference = results["clean"]["sentences"] if "clean" in results else None
    print(f"{'scenario':<14} " + " ".join(f"{key:>12}" for key in COLUMNS[:-1]))
    for name, figures in results.items():
        print(row(name, figures, reference))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
