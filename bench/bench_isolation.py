"""Crash isolation for extraction, measured: the engine worker alone, or a child forked per document.

    python -m bench.bench_isolation [--rounds 3]

Both run the same documents (every PDF and HTML file of sample_corpus/, `--rounds` times) in one
process standing in for an engine worker, with spaCy already loaded:

- `worker`: `extract_document` in the worker itself (what msa does now: the worker is the one
  isolation boundary; the engine's parent times it out and records its death);
- `worker+fork`: the former guard (extract/guard.py until this change), kept here as the baseline:
  one forked child per document, the result pickled back over a pipe.

Prints seconds per document, documents per second and the ratio; the faster one is kept.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time
from pathlib import Path

from extract import extract_document
from extract.sentences import sentence_pipeline
from extract.text_repair import word_zipf
from msa.paths import SAMPLE_CORPUS


def sample_documents() -> list[Path]:
    """The sample corpus's statement documents (PDF and HTML)."""
    return sorted(p for p in SAMPLE_CORPUS.rglob("*") if p.suffix in {".pdf", ".html"})


def in_worker(path: Path) -> int:
    """Extraction in the calling process: sentences found."""
    return len(extract_document(path.read_bytes()).sentences)


def _child(conn, path: str) -> None:
    conn.send(extract_document(Path(path).read_bytes()))
    conn.close()


def forked_per_document(path: Path) -> int:
    """The baseline: a child forked for this document, its result received over a pipe."""
    context = mp.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, str(path)), daemon=True)
    process.start()
    sender.close()
    doc = receiver.recv()
    process.join()
    receiver.close()
    return len(doc.sentences)


def measure(run, paths: list[Path]) -> tuple[float, int]:
    start = time.perf_counter()
    sentences = sum(run(path) for path in paths)
    return time.perf_counter() - start, sentences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sentence_pipeline()  # both start warm, as a worker after its first document
    word_zipf("the")
    paths = sample_documents() * args.rounds
    results = {}
    for name, run in (("worker", in_worker), ("worker+fork", forked_per_document)):
        run(paths[0])
        results[name] = measure(run, paths)
    base = results["worker+fork"][0]
    print(f"{len(paths)} documents ({len(paths) // args.rounds} sample files x {args.rounds})")
    print(f"{'mechanism':<12} {'seconds':>8} {'s/doc':>7} {'docs/s':>7} {'sentences':>9} {'vs fork':>8}")
    for name, (seconds, sentences) in results.items():
        print(
            f"{name:<12} {seconds:8.2f} {seconds / len(paths):7.3f} {len(paths) / seconds:7.1f} "
            f"{sentences:9d} {base / seconds:7.2f}x"
        )


if __name__ == "__main__":
    main()
