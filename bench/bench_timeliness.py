"""How long the build's `statement_timeliness` takes at registry scale, against `compliance` in the same run.

Copies every statement of a built database (`msa demo`'s, made here in a temporary folder unless
--demo-db names one) --copies times under new ids, with its summary so the text dates are found,
into a scratch database; then builds `statement_timeliness` and `compliance` over it, each twice,
and prints their times and the ratio. Real registries hold about 45,000 statements (UK and AU).

    python bench/bench_timeliness.py [--demo-db /tmp/msa-demo/msa.db] [--copies 2500]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import sqlite_utils  # noqa: E402

from publish.compliance import build_compliance  # noqa: E402
from publish.timeliness import build_statement_timeliness  # noqa: E402


def copy_statements(path: Path, copies: int) -> int:
    """Add `copies` copies of every statement (and its summary) under ids `{id}-copy{n}`."""
    conn = sqlite3.connect(path)
    numbers = f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {copies})"
    for table in ("statements", "statement_summaries"):
        names = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        conn.execute(
            f"INSERT INTO {table} ({', '.join(names)}) {numbers} "
            f"SELECT t.statement_id || '-copy' || n.i, {', '.join(f't.{c}' for c in names[1:])} "
            f"FROM {table} t, n"
        )
    conn.commit()
    count = conn.execute("SELECT count(*) FROM statements").fetchone()[0]
    conn.close()
    return count


def timed(fn, db: sqlite_utils.Database) -> float:
    start = time.perf_counter()
    fn(db)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo-db", type=Path, help="a database `msa demo` built (default: build one)")
    parser.add_argument("--copies", type=int, default=2500)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        source = args.demo_db
        if source is None:
            from msa.demo import run_demo  # lazy: the whole pipeline, only when no database is given

            with contextlib.redirect_stdout(io.StringIO()):
                source = run_demo(Path(tmp) / "demo", serve=False, show_progress=False, port_base=None)
        scratch = Path(tmp) / "msa.db"
        shutil.copy(source, scratch)
        statements = copy_statements(scratch, args.copies)
        db = sqlite_utils.Database(scratch)
        runs = {"statement_timeliness": [], "compliance": []}
        for _ in range(2):
            runs["statement_timeliness"].append(timed(build_statement_timeliness, db))
            runs["compliance"].append(timed(build_compliance, db))
        best = {name: min(seconds) for name, seconds in runs.items()}
        print(f"statements: {statements:,}")
        for name, seconds in best.items():
            print(f"{name}: {seconds:.2f} s (best of 2), {statements / seconds:,.0f} statements/s")
        ratio = best["statement_timeliness"] / best["compliance"]
        print(f"ratio statement_timeliness / compliance: {ratio:.2f}")


if __name__ == "__main__":
    main()
