"""Build time of `statement_changes` (publish/changes.py) on a SYNTHETIC corpus, against a baseline.

Generates a synthetic database (bench/make_bench_db.py: organisations filing 1-6 consecutive years),
builds `compliance`, then times, in the same run:

- baseline: reading every statement's sentences with the query the build uses, nothing else;
- the build: the previous-statement lookup, the word-for-word diff of every pair, and the three tables.

and prints statements/s, sentences/s and the build's time as a multiple of the baseline.

    python bench/bench_changes.py --sentences 500000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.make_bench_db import generate, source_docs  # noqa: E402
from db import connect  # noqa: E402
from publish.changes import SENTENCES_SQL, build_statement_changes  # noqa: E402
from publish.compliance import build_compliance  # noqa: E402


def read_all_sentences(db) -> int:
    """The baseline: every statement's sentences read once, as the build reads them."""
    n = 0
    for (statement_id,) in db.execute("SELECT statement_id FROM compliance ORDER BY statement_id").fetchall():
        n += len(db.execute(SENTENCES_SQL, [statement_id]).fetchall())
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="msa-bench-changes-") as tmp:
        out = Path(tmp) / "msa.db"
        counts = generate(out, args.sentences, source_docs(None), args.seed)
        db = connect(out)
        build_compliance(db)
        start = time.perf_counter()
        read = read_all_sentences(db)
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        tables = build_statement_changes(db, show_progress=True)
        built = time.perf_counter() - start
        statements = db.execute("SELECT count(*) FROM compliance").fetchone()[0]
        compared = db.execute(
            "SELECT count(*) FROM statement_changes WHERE comparison = 'compared'"
        ).fetchone()[0]
        print(
            f"synthetic corpus: {statements:,} statements, {counts['sentences']:,} sentences ({read:,} read)"
        )
        print(f"baseline, read every statement's sentences: {baseline:.2f} s")
        print(
            f"statement_changes build: {built:.2f} s ({statements / built:,.0f} statements/s, "
            f"{read / built:,.0f} sentences/s), {built / baseline:.1f}x the baseline"
        )
        print(f"compared {compared:,} statements with their previous one; rows: {tables}")


if __name__ == "__main__":
    main()
