"""Peak memory of `msa label` on one long statement: labelled in one call (as before) and in batches.

Writes a CSV of one statement of --sentences sentences (the sample corpus's fictional sentences,
drawn at random), labels it in a fresh process for each mode, and prints each process's peak RSS
and time. "one call" is `batch_size=None` (the whole statement in one `label_document` call, as
msa labelled before); "batched" is the default (runs of msa.label_csv.BATCH_SIZE sentences, read
with their neighbours).

    python bench/bench_label_memory.py [--sentences 50000]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from msa.label_csv import BATCH_SIZE  # noqa: E402
from tests.test_label_csv import sample_sentences  # noqa: E402

CHILD = (
    "import sys; from msa.label_csv import label_csv; "
    "size = None if sys.argv[3] == 'none' else int(sys.argv[3]); "
    "label_csv(sys.argv[1], sys.argv[2], show_progress=False, batch_size=size)"
)


def write_statement(path: Path, sentences: int, seed: int = 5) -> None:
    pool = sample_sentences()
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["statement_id", "sentence_idx", "sentence"])
        for i in range(sentences):
            writer.writerow(["st-long", i, rng.choice(pool)])


def peak_rss_mb(src: Path, out: Path, batch_size: int | None) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of labelling `src` in a fresh process."""
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    arg = "none" if batch_size is None else str(batch_size)
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(src), str(out), arg], env=env, cwd=REPO_ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"labelling failed with exit code {proc.returncode}")
    return usage.ru_maxrss / 1024, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="msa-label-bench-") as tmp:
        src = Path(tmp) / "in.csv"
        write_statement(src, args.sentences)
        results = {
            "one call (before)": peak_rss_mb(src, Path(tmp) / "one.csv", None),
            f"batched ({BATCH_SIZE:,})": peak_rss_mb(src, Path(tmp) / "batched.csv", BATCH_SIZE),
        }
    print(f"one statement of {args.sentences:,} sentences")
    print(f"{'mode':<20} {'peak RSS MB':>12} {'seconds':>8}")
    for mode, (rss, seconds) in results.items():
        print(f"{mode:<20} {rss:>12.0f} {seconds:>8.1f}")
    (before, _), (after, _) = results.values()
    print(f"peak RSS after / before: {after / before:.2f}")


if __name__ == "__main__":
    main()
