"""Serving benchmark: p50/p95 latency of every canned query and of the ranked search under load.

1. Makes (or reuses) a SYNTHETIC database of --sentences sentences (synthetic/bench_db.py).
2. Serves it with `msa serve` (a metadata copy whose title and description say it is synthetic),
   once per worker count in --workers: one worker (the baseline) and msa's default.
3. Picks parameters from the data: search words at several frequencies, company names, sectors,
   boilerplate ids, so that each query runs as people would run it.
4. Drives the server from a second process (bench/load_driver.py) on localhost.
5. Writes bench_results.json and bench_results.md beside the database and prints the table.

    python bench/bench_serve.py --sentences 5000000 --db /tmp/msa-bench/msa.db
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from msa.paths import METADATA_PATH  # noqa: E402
from msa.serve import DEFAULT_SETTINGS, default_workers  # noqa: E402
from publish.dashboard import dashboard  # noqa: E402
from synthetic.bench_db import SYNTHETIC_NOTE, make_bench_db  # noqa: E402
from tests.publish_fixture import http_get, start_msa_serve  # noqa: E402

STOPWORDS = frozenset(
    [
        "the",
        "and",
        "our",
        "for",
        "with",
        "that",
        "this",
        "are",
        "have",
        "has",
        "from",
        "their",
        "all",
        "any",
        "which",
        "will",
        "not",
        "been",
        "its",
        "was",
        "were",
        "also",
        "such",
        "who",
        "into",
        "more",
        "than",
        "them",
    ]
)


def synthetic_metadata(folder: Path) -> Path:
    """The repository's metadata, titled and described as the synthetic benchmark corpus."""
    meta = json.loads(METADATA_PATH.read_text(encoding="utf-8"))
    meta["title"] = "msa: SYNTHETIC benchmark corpus (not real statements)"
    meta["description_html"] = f"<p><strong>{SYNTHETIC_NOTE}.</strong></p>" + meta["description_html"]
    path = folder / "metadata-synthetic.json"
    path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def _q(query: str, **params: str) -> str:
    return f"/msa/{query}.json?" + urlencode({**params, "_shape": "objects"})


def search_terms(conn: sqlite3.Connection, sentences: int) -> dict[str, tuple[str, int]]:
    """Indexed words of the text column at three frequencies: (word, sentences containing it)."""
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, sentences_fts, col)")
    rows = conn.execute(
        "SELECT term, doc FROM temp.vocab WHERE col = 'text' AND length(term) >= 4 AND term GLOB '[a-z]*' "
        "AND term NOT GLOB '*[^a-z]*' ORDER BY doc DESC"
    ).fetchall()
    rows = [(t, d) for t, d in rows if t not in STOPWORDS]

    def nearest(target: float) -> tuple[str, int]:
        return min(rows, key=lambda r: abs(r[1] - target))

    return {"common": rows[0], "one_percent": nearest(sentences / 100), "rare": nearest(sentences / 10_000)}


def plan(db: Path) -> tuple[list[dict], dict]:
    """Requests to time, with parameters taken from the database; and what was picked."""
    conn = sqlite3.connect(db)  # the temp vocab table needs a writable connection; main is not written
    sentences = conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
    terms = search_terms(conn, sentences)
    org = conn.execute(
        "SELECT organisation FROM compliance WHERE assessed = 1 ORDER BY statement_id LIMIT 1 OFFSET "
        "(SELECT count(*) / 2 FROM compliance)"
    ).fetchone()[0]
    broad = " ".join(org.split()[:2])  # e.g. "Amber Foods": a few hundred organisations
    specific = " ".join(org.split()[:3])  # with its number: one organisation
    top_boilerplate, median_boilerplate = conn.execute(
        "SELECT min(boilerplate_id), (SELECT boilerplate_id FROM boilerplate ORDER BY boilerplate_id "
        "LIMIT 1 OFFSET (SELECT count(*) / 2 FROM boilerplate)) FROM boilerplate"
    ).fetchone()
    conn.close()
    common, medium, rare = (terms[k][0] for k in ("common", "one_percent", "rare"))
    items = [
        ("search_sentences", f"common word '{common}'", _q("search_sentences", q=common)),
        ("search_sentences", f"1% word '{medium}'", _q("search_sentences", q=medium)),
        ("search_sentences", f"rare word '{rare}'", _q("search_sentences", q=rare)),
        ("search_sentences", 'phrase "recruitment fees"', _q("search_sentences", q='"recruitment fees"')),
        (
            "search_sentences",
            f"'{common}' + evidence=impact",
            _q("search_sentences", q=common, evidence="impact"),
        ),
        (
            "search_sentences",
            f"'{medium}' + uk + 2023",
            _q("search_sentences", q=medium, jurisdiction="uk", year="2023"),
        ),
        ("search_sentences", f"'{medium}' HTML page", f"/msa/search_sentences?{urlencode({'q': medium})}"),
        (
            "table search (unranked)",
            f"sentences?_search={medium}",
            "/msa/sentences.json?" + urlencode({"_search": medium, "_shape": "objects"}),
        ),
        ("search_organisations", f"'{broad}'", _q("search_organisations", q=broad)),
        ("company_statements", f"one company '{specific}'", _q("company_statements", company=specific)),
        ("company_statements", f"broad '{broad}'", _q("company_statements", company=broad)),
        ("search_impact_sentences", "no filter", _q("search_impact_sentences")),
        ("search_impact_sentences", f"company '{specific}'", _q("search_impact_sentences", company=specific)),
        ("search_impact_sentences", "sector Retail", _q("search_impact_sentences", sector="Retail")),
        ("search_impact_sentences", "uk 2023", _q("search_impact_sentences", jurisdiction="uk", year="2023")),
        ("compliance_summary", "all", _q("compliance_summary")),
        (
            "compliance_summary",
            "au 2023 Mining",
            _q("compliance_summary", jurisdiction="au", year="2023", sector="Mining"),
        ),
        (
            "compliance_summary",
            "uk CSV _stream=on",
            "/msa/compliance_summary.csv?" + urlencode({"jurisdiction": "uk", "_stream": "on"}),
        ),
        (
            "compliance_summary",
            "compliance table uk 2023 CSV _stream=on (every row)",
            "/msa/compliance.csv?"
            + urlencode({"jurisdiction": "uk", "registry_year": "2023", "_stream": "on"}),
        ),
        ("missing_content", "all", _q("missing_content")),
        ("missing_content", "au 2023", _q("missing_content", jurisdiction="au", year="2023")),
        ("registry_mismatches", "all", _q("registry_mismatches")),
        ("registry_mismatches", "2023 training", _q("registry_mismatches", year="2023", area="training")),
        ("search_boilerplate", "default (3+ organisations)", _q("search_boilerplate")),
        (
            "search_boilerplate",
            "contains 'supplier', 100+",
            _q("search_boilerplate", contains="supplier", min_organisations="100"),
        ),
        (
            "boilerplate_uses",
            "most used sentence",
            _q("boilerplate_uses", boilerplate_id=str(top_boilerplate)),
        ),
        (
            "boilerplate_uses",
            "median sentence",
            _q("boilerplate_uses", boilerplate_id=str(median_boilerplate)),
        ),
    ]
    for name, chart in dashboard()["coverage"]["charts"].items():
        if "query" in chart:
            from datasette_dashboards import replace_opts_in_query

            sql = replace_opts_in_query(chart["query"], {})
            path = "/msa.json?" + urlencode({"sql": sql, "_shape": "objects"})
            items.append(("dashboard charts", name, path))
    picked = {
        "terms": terms,
        "organisation": org,
        "broad": broad,
        "specific": specific,
        "boilerplate_ids": [top_boilerplate, median_boilerplate],
    }
    return [{"query": q, "variant": v, "path": p} for q, v, p in items], picked


def corpus_facts(db: Path) -> dict:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    facts = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("sentences", "statements", "organisations", "boilerplate", "impact_sentences")
    }
    row = conn.execute(
        "SELECT report FROM stage_runs WHERE stage = 'build' ORDER BY finished_at DESC LIMIT 1"
    ).fetchone()
    facts["build_seconds"] = json.loads(row[0]).get("seconds") if row else None
    facts["synthetic_statements"] = conn.execute(
        "SELECT count(*) FROM statements WHERE statement_id LIKE 'synthetic-%'"
    ).fetchone()[0]
    conn.close()
    facts["bytes"] = db.stat().st_size
    return facts


def markdown(result: dict) -> str:
    """The report: one p95 column per worker count, the first (one worker) the baseline."""
    facts, machine, runs = result["corpus"], result["machine"], result["runs"]
    limit = DEFAULT_SETTINGS["sql_time_limit_ms"]
    counts = list(runs)
    first = runs[counts[0]]
    lines = [
        "# Serving benchmark (synthetic corpus)",
        "",
        f"- Database: {facts['bytes'] / 1e9:.2f} GB, {facts['sentences']:,} sentences, "
        f"{facts['statements']:,} statements ({facts['synthetic_statements']:,} synthetic), "
        f"{facts['organisations']:,} organisations",
        f"- Served by `msa serve --workers N` (Datasette, immutable; sql_time_limit_ms={limit}), driven "
        f"from a second process: {first['requests']} requests per run, concurrency {first['concurrency']}",
    ]
    for n, load in runs.items():
        lines.append(
            f"- {n} worker(s): {load['throughput_rps']} req/s over {load['wall_seconds']} s, "
            f"server start {load['server_startup_seconds']} s"
        )
    lines += [
        f"- Machine: {machine['cpus']} CPUs, load average before {machine['loadavg_before']}, "
        f"after {machine['loadavg_after']} (shared with other work)",
        "",
        "| query | variant | " + " | ".join(f"p95 ms, {n} worker(s)" for n in counts) + " | ratio | errors |",
        "|---|---|" + "---:|" * (len(counts) + 2),
    ]

    def row(name: str, variant: str, stats: list[dict]) -> str:
        p95 = [s.get("p95_ms") for s in stats]
        ratio = f"{p95[0] / p95[-1]:.2f}x" if p95[0] and p95[-1] else "-"
        cells = " | ".join(str(v if v is not None else "-") for v in p95)
        return f"| {name} | {variant} | {cells} | {ratio} | {sum(s['errors'] for s in stats)} |"

    for i, v in enumerate(first["variants"]):
        lines.append(row(v["query"], v["variant"], [runs[n]["variants"][i] for n in counts]))
    lines += ["", "All variants of each query:", ""]
    lines += ["| query | | " + " | ".join(f"p95 ms, {n}" for n in counts) + " | ratio | errors |"]
    lines += ["|---|---|" + "---:|" * (len(counts) + 2)]
    for name in first["queries"]:
        lines.append(row(name, "all", [runs[n]["queries"][name] for n in counts]))
    return "\n".join(lines) + "\n"


def run_load(db: Path, plan_path: Path, workers: int, requests: int, concurrency: int) -> dict:
    """Serve `db` with `workers` processes and drive it with the plan; the load driver's figures."""
    started = time.perf_counter()
    metadata = str(synthetic_metadata(db.parent))
    proc, base = start_msa_serve(db, "--metadata", metadata, "--workers", str(workers), timeout=600)
    try:
        http_get(base + "/msa")  # first page: Datasette inspects the immutable file
        startup = round(time.perf_counter() - started, 1)
        out = db.parent / f"bench_load_{workers}.json"
        driver = [sys.executable, str(REPO_ROOT / "bench" / "load_driver.py"), "--base", base]
        driver += ["--plan", str(plan_path), "--requests", str(requests), "--concurrency", str(concurrency)]
        subprocess.run([*driver, "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
        return {**json.loads(out.read_text()), "server_startup_seconds": startup}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/msa-bench/msa.db"))
    parser.add_argument("--sentences", type=int, default=5_000_000)
    parser.add_argument("--source", type=Path, help="a built msa.db to resample (default: fixture + samples)")
    parser.add_argument("--regenerate", action="store_true", help="make the database even if it exists")
    parser.add_argument("--requests", type=int, default=40, help="measured requests per variant")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--workers",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, default_workers()],
        help="worker counts, one run each, the first the baseline (default: 1 and msa's default)",
    )
    args = parser.parse_args()
    if REPO_ROOT in args.db.resolve().parents:
        parser.error("--db must be outside the repository")

    generated = None
    if args.regenerate or not args.db.exists():
        generated = make_bench_db(args.db, args.sentences, args.source)
        print(json.dumps(generated, indent=2, default=str), flush=True)
    requests, picked = plan(args.db)
    plan_path = args.db.parent / "bench_plan.json"
    plan_path.write_text(json.dumps(requests, indent=2))
    loadavg_before = [round(x, 2) for x in os.getloadavg()]
    runs = {n: run_load(args.db, plan_path, n, args.requests, args.concurrency) for n in args.workers}
    result = {
        "corpus": corpus_facts(args.db),
        "generated": generated,
        "picked": picked,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "loadavg_before": loadavg_before,
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        },
        "runs": runs,
    }
    (args.db.parent / "bench_results.json").write_text(json.dumps(result, indent=2, default=str))
    report = markdown(result)
    (args.db.parent / "bench_results.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
