"""Scaling benchmark: extract and classify over a replicated corpus, per engine, and a projection.

    python -m bench.bench_scale [--scales 1,4,16] [--engines local-1,local-2,ray-2] [--json OUT]

The corpus is SYNTHETIC: every real statement PDF under ../shared/research, copied `scale` times.
Each copy gets a PDF comment appended after its end (`%msa-synthetic-copy N`), so its bytes and
sha256 differ and it is stored as a document of its own; statement ids start with `synthetic-`,
`statements.source` says where they came from, and `schema_info` has a `synthetic` row. It is
built in a temporary folder, never in the repository.

Each (scale, engine) runs `msa extract` then `msa classify` as the CLI would, in a fresh process
on a fresh copy of the corpus, and measures wall time and peak memory: the proportional set size
(PSS, so shared pages count once) summed over the whole process tree (workers, OCR's tesseract,
Ray's own processes), sampled every 0.2 s. The Ray engine starts and stops
a local Ray inside each run, and that is in its wall time (the note measures it alone).
Projection: the full corpus (40,000 documents, 600,000 pages, 10 million sentences) at the
largest scale's rates: extract by pages/s, classify by sentences/s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.bench_extract import SHARED_RESEARCH, real_pdfs
from db import connect
from db.store import record_fetch, store_document, upsert_statement
from msa.paths import REPO_ROOT, db_path
from msa.progress import progress

SYNTHETIC_NOTE = (
    "synthetic: real statement PDFs from ../shared/research replicated by bench/bench_scale.py "
    "(a comment appended to each copy); not a real registry corpus"
)
FULL_CORPUS = {"documents": 40_000, "pages": 600_000, "sentences": 10_000_000}
ENGINES = {"local-1": ("local", 1), "local-2": ("local", 2), "ray-2": ("ray", 2)}
SAMPLE_S = 0.5
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Runs during which other processes took more than this many cores are flagged as contended.
CONTENDED_CORES = 0.25


def synthetic_copy(body: bytes, copy: int) -> bytes:
    """The PDF with a comment line after its end: same pages and text, different sha256."""
    return body + b"\n%msa-synthetic-copy " + str(copy).encode() + b"\n"


def build_corpus(data_dir: Path, pdfs: list[Path], scale: int) -> int:
    """Store `scale` synthetic copies of every PDF, each the document of one synthetic statement."""
    db = connect(db_path(data_dir))
    for copy in range(scale):
        for pdf in pdfs:
            document_id, _ = store_document(db, data_dir, synthetic_copy(pdf.read_bytes(), copy), "pdf")
            statement_id = f"synthetic-{copy:03d}-{pdf.stem}"
            jurisdiction = "au" if pdf.stem.startswith("AU_") else "uk"
            upsert_statement(
                db,
                {
                    "statement_id": statement_id,
                    "jurisdiction": jurisdiction,
                    "title": f"{pdf.stem} (synthetic copy {copy})",
                    "source": SYNTHETIC_NOTE,
                },
            )
            record_fetch(
                db,
                {
                    "statement_id": statement_id,
                    "url": f"https://synthetic.example/{copy}/{pdf.name}",
                    "role": "statement",
                    "status": "fetched",
                    "document_id": document_id,
                },
            )
    db["schema_info"].upsert({"key": "synthetic", "value": SYNTHETIC_NOTE}, pk="key")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    documents = db["documents"].count
    db.conn.close()
    return documents


def copy_corpus(source: Path, target: Path) -> None:
    """A fresh copy of a built corpus: the database copied, the document store hard-linked."""
    target.mkdir(parents=True)
    shutil.copy2(db_path(source), db_path(target))
    shutil.copytree(source / "documents", target / "documents", copy_function=os.link)


def process_table() -> dict[int, tuple[int, float]]:
    """Every process now: pid → (parent pid, CPU seconds used so far)."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            table[int(stat.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
        except (OSError, IndexError, ValueError):
            continue
    return table


def descendants(root: int, table: dict[int, tuple[int, float]]) -> set[int]:
    """A process and all processes below it."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    found, stack = set(), [root]
    while stack:
        pid = stack.pop()
        found.add(pid)
        stack.extend(children.get(pid, []))
    return found


def pss_kb(pid: int) -> int:
    """A process's proportional set size in kB (shared pages divided among their users)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def machine_busy_s() -> float:
    """CPU seconds all cores have spent not idle since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / CLOCK_TICKS


def wait_for_quiet(limit_s: float, window_s: float = 3.0) -> float:
    """Wait (at most `limit_s`) until other processes use under CONTENDED_CORES; returns seconds waited.

    The machine may be shared: a measurement taken while something else computes says little.
    """
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        before = machine_busy_s()
        time.sleep(window_s)
        if (machine_busy_s() - before) / window_s < CONTENDED_CORES:
            break
    return time.perf_counter() - start


@dataclass
class Measured:
    """What one command cost: wall time, peak memory of its tree, and the CPU others took meanwhile."""

    wall_s: float
    peak_kb: int
    cpu_s: float
    other_cores: float


def run_measured(command: list[str]) -> Measured:
    """Run a command, sampling its process tree's memory and every other process's CPU time.

    The run's CPU is the machine's busy time less what processes outside its tree used (those
    outside are long-lived, so sampling sees them; the run's own short-lived children are not
    missed this way), and `other_cores` says how much of the machine others took meanwhile.
    """
    peak = 0
    first_seen: dict[int, float] = {}
    last_seen: dict[int, float] = {}
    busy_before, start = machine_busy_s(), time.perf_counter()
    proc = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(SAMPLE_S):
            table = process_table()
            tree = descendants(proc.pid, table)
            peak = max(peak, sum(pss_kb(pid) for pid in tree))
            for pid, (_, cpu) in table.items():
                if pid not in tree:
                    first_seen.setdefault(pid, cpu)
                    last_seen[pid] = cpu

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall, busy = time.perf_counter() - start, machine_busy_s() - busy_before
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{err[-3000:]}")
    others = sum(last_seen[pid] - first_seen[pid] for pid in last_seen)
    return Measured(wall, peak, max(0.0, busy - others), others / wall)


@dataclass
class StageRun:
    """One stage of one engine on one scale: what it did and what it cost."""

    scale: int
    engine: str
    stage: str
    documents: int
    pages: int
    sentences: int
    wall_s: float
    peak_mb: float
    db_mb: float
    cpu_s: float
    other_cores: float

    @property
    def contended(self) -> bool:
        return self.other_cores > CONTENDED_CORES

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall_s

    @property
    def sentences_per_s(self) -> float:
        return self.sentences / self.wall_s


def corpus_counts(data_dir: Path, stage: str) -> tuple[int, int, int]:
    """(documents, pages, sentences) the stage handled, read from the database it wrote."""
    conn = sqlite3.connect(db_path(data_dir))
    documents, pages = conn.execute(
        "SELECT count(*), COALESCE(sum(page_count), 0) FROM documents WHERE extract_status != 'pending'"
    ).fetchone()
    table = "sentences" if stage == "extract" else "labels"
    sentences = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    conn.close()
    return documents, pages, sentences


def run_engine(corpus: Path, work: Path, scale: int, engine: str, quiet_wait_s: float) -> list[StageRun]:
    """Extract then classify a fresh copy of `corpus` with one engine, through the CLI."""
    data_dir = work / f"{scale}x-{engine}"
    copy_corpus(corpus, data_dir)
    kind, workers = ENGINES[engine]
    runs = []
    for stage in ("extract", "classify"):
        command = [sys.executable, "-m", "msa.cli", stage, "--data-dir", str(data_dir), "--quiet"]
        command += ["--engine", kind, "--workers", str(workers)]
        wait_for_quiet(quiet_wait_s)
        cost = run_measured(command)
        documents, pages, sentences = corpus_counts(data_dir, stage)
        db_mb = sum(p.stat().st_size for p in data_dir.glob("msa.db*")) / 2**20
        runs.append(
            StageRun(
                scale,
                engine,
                stage,
                documents,
                pages,
                sentences,
                cost.wall_s,
                cost.peak_kb / 1024,
                db_mb,
                cost.cpu_s,
                cost.other_cores,
            )
        )
    shutil.rmtree(data_dir)
    return runs


def ray_start_stop_s() -> float:
    """Seconds a local Ray takes to start and stop with nothing to do (the Ray engine's fixed cost)."""
    script = "import ray; ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False); ray.shutdown()"
    return run_measured([sys.executable, "-c", script]).wall_s


def table(runs: list[StageRun]) -> str:
    """The measurements, one line per stage run."""
    head = (
        f"{'scale':>5} {'engine':<8} {'stage':<8} {'docs':>5} {'pages':>6} {'sentences':>9} "
        f"{'wall s':>7} {'pages/s':>8} {'sent/s':>8} {'peak MB':>8} {'db MB':>6} {'CPU s':>6} {'others':>6}"
    )
    lines = [head, "-" * len(head)]
    for r in runs:
        lines.append(
            f"{r.scale:>4}x {r.engine:<8} {r.stage:<8} {r.documents:>5} {r.pages:>6} {r.sentences:>9} "
            f"{r.wall_s:>7.1f} {r.pages_per_s:>8.1f} {r.sentences_per_s:>8.1f} "
            f"{r.peak_mb:>8.0f} {r.db_mb:>6.1f} {r.cpu_s:>6.0f} {r.other_cores:>6.2f}"
            + (" contended" if r.contended else "")
        )
    return "\n".join(lines)


def ratios(runs: list[StageRun]) -> list[str]:
    """Speed-up of 2 local workers over 1 and of Ray over local-2, and growth with scale."""
    by = {(r.scale, r.engine, r.stage): r for r in runs}
    lines = []
    for scale in sorted({r.scale for r in runs}):
        for stage in ("extract", "classify"):
            one, two, ray = (by.get((scale, e, stage)) for e in ENGINES)
            parts = []
            if one and two:
                parts.append(f"local-2/local-1 {one.wall_s / two.wall_s:.2f}x")
            if two and ray:
                parts.append(f"ray-2/local-2 {two.wall_s / ray.wall_s:.2f}x")
            if parts:
                lines.append(f"{scale:>4}x {stage:<8} speed-up: " + ", ".join(parts))
    scales = sorted({r.scale for r in runs})
    for engine in ENGINES:
        for stage in ("extract", "classify"):
            small, large = by.get((scales[0], engine, stage)), by.get((scales[-1], engine, stage))
            if small and large and small is not large:
                rate = "pages_per_s" if stage == "extract" else "sentences_per_s"
                lines.append(
                    f"{engine:<8} {stage:<8} {scales[0]}x→{scales[-1]}x: work "
                    f"{large.pages / max(1, small.pages):.0f}x, throughput "
                    f"{getattr(large, rate) / getattr(small, rate):.2f}x, "
                    f"peak memory {large.peak_mb / small.peak_mb:.2f}x"
                )
    return lines


def projection(runs: list[StageRun]) -> list[str]:
    """Hours for the full corpus at the largest scale's rates, per engine; and the CPU-bound floor."""
    largest = max(r.scale for r in runs)
    cores = os.cpu_count() or 1
    lines = [
        f"projection for {FULL_CORPUS['documents']:,} documents, {FULL_CORPUS['pages']:,} pages, "
        f"{FULL_CORPUS['sentences']:,} sentences on this machine ({cores} cores), "
        f"at the {largest}x rates (extract by pages/s, classify by sentences/s):"
    ]
    best: tuple[float, str] | None = None
    for engine in ENGINES:
        stages = {r.stage: r for r in runs if r.scale == largest and r.engine == engine}
        if len(stages) < 2:
            continue
        extract, classify = stages["extract"], stages["classify"]
        extract_h = FULL_CORPUS["pages"] / extract.pages_per_s / 3600
        classify_h = FULL_CORPUS["sentences"] / classify.sentences_per_s / 3600
        db_gb = classify.db_mb / max(1, classify.sentences) * FULL_CORPUS["sentences"] / 1024
        total = extract_h + classify_h
        note = " (contended: other processes took CPU)" if extract.contended or classify.contended else ""
        lines.append(
            f"  {engine:<8} extract {extract_h:5.1f} h + classify {classify_h:5.1f} h = {total:5.1f} h, "
            f"database about {db_gb:.0f} GB before build{note}"
        )
        if best is None or total < best[0]:
            best = (total, engine)
    if best:
        lines.append(f"  best measured: {best[1]}, about {best[0]:.1f} h ({best[0] / 24:.1f} days)")
    at_scale = [r for r in runs if r.scale == largest]
    extract_cpu = min(r.cpu_s / r.pages for r in at_scale if r.stage == "extract")
    classify_cpu = min(r.cpu_s / r.sentences for r in at_scale if r.stage == "classify")
    floor_h = (extract_cpu * FULL_CORPUS["pages"] + classify_cpu * FULL_CORPUS["sentences"]) / cores / 3600
    lines.append(
        f"  CPU cost: {extract_cpu * 1000:.0f} CPU s per 1,000 pages extracted, "
        f"{classify_cpu * 1000:.1f} CPU s per 1,000 sentences classified; all {cores} cores busy with "
        f"nothing else: about {floor_h:.1f} h (the floor)"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,4,16", help="Copies of the real corpus, comma-separated.")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"Any of {', '.join(ENGINES)}.")
    parser.add_argument(
        "--largest-engines",
        help="Engines for the largest scale only (default: all of --engines), to keep a run short.",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=300,
        help="Seconds to wait, at most, before each run for other processes to leave the CPU.",
    )
    parser.add_argument("--json", type=Path, help="Also write every measurement here.")
    args = parser.parse_args(argv)
    pdfs = real_pdfs()
    if not pdfs:
        print(f"no PDFs under {SHARED_RESEARCH}; nothing to measure", file=sys.stderr)
        return 1
    scales = [int(s) for s in args.scales.split(",")]
    engines = args.engines.split(",")
    largest_engines = args.largest_engines.split(",") if args.largest_engines else engines
    plan = [(s, e) for s in scales for e in (largest_engines if s == max(scales) else engines)]
    runs: list[StageRun] = []
    with tempfile.TemporaryDirectory(prefix="msa-bench-scale-") as tmp:
        work = Path(tmp)
        corpora = {}
        for scale in scales:
            corpora[scale] = work / f"corpus-{scale}x"
            documents = build_corpus(corpora[scale], pdfs, scale)
            print(f"{scale}x: {documents} synthetic documents from {len(pdfs)} real PDFs", file=sys.stderr)
        for scale, engine in progress(plan, total=len(plan), desc="bench", unit="run"):
            runs.extend(run_engine(corpora[scale], work, scale, engine, args.quiet_wait))
        ray_s = None
        if any(ENGINES[e][0] == "ray" for _, e in plan):
            wait_for_quiet(args.quiet_wait)
            ray_s = ray_start_stop_s()
    print(f"synthetic corpus: {len(pdfs)} real PDFs (../shared/research) x {', '.join(map(str, scales))}")
    print(table(runs))
    print()
    print("\n".join(ratios(runs)))
    if ray_s is not None:
        print(
            f"a local Ray starting and stopping with nothing to do: {ray_s:.1f} s (in every ray-2 wall time)"
        )
    print()
    print("\n".join(projection(runs)))
    if args.json:
        rows = [
            {**asdict(r), "pages_per_s": r.pages_per_s, "sentences_per_s": r.sentences_per_s} for r in runs
        ]
        args.json.write_text(json.dumps({"runs": rows, "ray_start_stop_s": ray_s}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
