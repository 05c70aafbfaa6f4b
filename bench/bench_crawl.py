"""Benchmark: both spiders against a local replica of a synthetic registry, politeness off.

    python -m bench.bench_crawl [--statements 2000] [--fault-share 0.05] [--pdf-kb 20] [--json OUT.json]

Generates a fictional corpus (synthetic/corpus.py, marked synthetic) into a temp dir, serves it
with synthetic.replica, and crawls it three ways, each into its own data dir except the re-crawl:

- clean: every document answers;
- re-crawl: the clean data dir crawled again, nothing changed (Content-MD5 / ETag: 304s, no bodies);
- faults: a fresh crawl with `--fault-share` of the documents spoilt, the modes taken in turn (404, 500,
  a 503 that recovers, timeout, redirect loop, HTML served as .pdf, zero bytes, oversized, a dropped
  connection, a wrong Content-Type).

Prints statements/s and documents/s (wall clock of `crawler.run.crawl`, child process start and CSV
parsing included), peak memory of the crawl process, and the ratios to the clean run. The replica runs
in this process on the same CPUs, so the figures are a floor for the crawler itself.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from crawler.run import crawl
from synthetic.corpus import SyntheticCorpus, write_synthetic_corpus
from synthetic.replica import Fault, Replica

SPIDERS = ["uk_registry", "au_register"]
DOWNLOAD_TIMEOUT = 5
MAXSIZE = 5 * 1024 * 1024
POLITENESS_OFF = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_TIMEOUT": DOWNLOAD_TIMEOUT,
    "DOWNLOAD_MAXSIZE": MAXSIZE,
    "MSA_YEARS": "2021,2024",
    "MSA_PROGRESS_SECONDS": 10,
    "LOG_LEVEL": "ERROR",
}
FAULT_MODES = (
    ("http_404", Fault(status=404)),
    ("http_500", Fault(status=500)),
    ("503_then_ok", Fault(status=503, times=1)),
    ("timeout", Fault(delay_s=DOWNLOAD_TIMEOUT + 1)),
    ("redirect_loop", None),  # to itself: built per URL
    (
        "html_not_pdf",
        Fault(body=b"<!DOCTYPE html><html><body>Not found</body></html>", content_type="text/html"),
    ),
    ("empty_body", Fault(body=b"")),
    ("too_large", Fault(body=b"%PDF-1.4\n" + b"0" * (MAXSIZE + 1))),
    ("truncated", Fault(drop_after=500)),
    ("wrong_content_type", Fault(content_type="text/html")),
)


def inject_faults(replica: Replica, corpus: SyntheticCorpus, share: float) -> dict[str, int]:
    """Spoil every n-th document URL so that `share` of them are faulty; returns faults per mode."""
    count = round(len(corpus.document_urls) * share)
    step = max(len(corpus.document_urls) // max(count, 1), 1)
    injected: dict[str, int] = {}
    for n, url in enumerate(corpus.document_urls[::step][:count]):
        mode, fault = FAULT_MODES[n % len(FAULT_MODES)]
        replica.add_fault(url, fault or Fault(redirect_to=url))
        injected[mode] = injected.get(mode, 0) + 1
    return injected


def timed_crawl(name: str, data_dir: Path, settings: dict[str, Any]) -> dict[str, Any]:
    print(f"{name}: crawling into {data_dir} ...", flush=True)
    start = time.perf_counter()
    report = crawl(SPIDERS, data_dir, settings)
    seconds = time.perf_counter() - start
    documents = report["documents_fetched"] + report["documents_not_modified"] + report["documents_failed"]
    figures = {
        "seconds": round(seconds, 2),
        "statements": report["statements_seen"],
        "statements_per_s": round(report["statements_seen"] / seconds, 1),
        "documents": documents,
        "documents_per_s": round(documents / seconds, 1),
        "documents_fetched": report["documents_fetched"],
        "documents_not_modified": report["documents_not_modified"],
        "documents_failed": report["documents_failed"],
        "failures_by_reason": report["failures_by_reason"],
        "requests": report["requests"],
        "peak_rss_mb": max(spider["peak_rss_mb"] for spider in report["spiders"].values()),
    }
    print(
        f"{name}: {figures['statements']} statements in {seconds:.1f} s = {figures['statements_per_s']}/s; "
        f"{documents} documents = {figures['documents_per_s']}/s; peak {figures['peak_rss_mb']} MB",
        flush=True,
    )
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=2000)
    parser.add_argument("--fault-share", type=float, default=0.05)
    parser.add_argument("--pdf-kb", type=int, default=20, help="size of each synthetic PDF")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="msa-bench-crawl-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        corpus = write_synthetic_corpus(
            root / "corpus", statements=args.statements, pdf_bytes=args.pdf_kb * 1024
        )
        print(
            f"synthetic corpus: {corpus.statements} statements ({corpus.uk_statements} UK, "
            f"{corpus.au_statements} AU), {len(corpus.document_urls)} PDFs of {args.pdf_kb} KB, "
            f"written in {time.perf_counter() - start:.1f} s; {os.cpu_count()} CPUs",
            flush=True,
        )
        results: dict[str, Any] = {"statements": corpus.statements, "cpus": os.cpu_count()}
        with Replica(corpus.root) as replica:
            settings = {**POLITENESS_OFF, **replica.settings}
            results["clean"] = timed_crawl("clean", root / "clean", settings)
            results["recrawl"] = timed_crawl("re-crawl, unchanged", root / "clean", settings)
            results["injected"] = inject_faults(replica, corpus, args.fault_share)
            results["faults"] = timed_crawl(f"{args.fault_share:.0%} faults", root / "faults", settings)

    clean = results["clean"]
    print("\nfigures (statements/s, documents/s, peak MB, ratio of statements/s to clean):")
    for name in ("clean", "recrawl", "faults"):
        figures = results[name]
        ratio = figures["statements_per_s"] / clean["statements_per_s"]
        print(
            f"  {name:8} {figures['statements_per_s']:8.1f} {figures['documents_per_s']:8.1f} "
            f"{figures['peak_rss_mb']:8.1f}   x{ratio:.2f}"
        )
    print(f"  faults injected: {results['injected']}")
    print(f"  failures recorded: {results['faults']['failures_by_reason']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
