"""Encoder throughput by depth: the committed 1-layer encoder against deeper cuts of the same model.

Why: the criteria issue (16) weighs a deeper frozen encoder (better vectors) against the
500 sentences/s that ``msa label`` must keep on this 2-core CPU. This prints, in one run and on
the same real sentences (UK statements of ../shared in a seeded order, each in its own order, as
bench/bench_criteria.py draws them), the sentences/s of the
committed encoder and of all-MiniLM-L6-v2 cut to each requested depth (exported to a temporary
folder with training.encoder_export, int8 ONNX, exactly as the committed one was made), and each
one's speed as a share of the committed one's. Encoding only: rules and heads are not included
(bench/bench_criteria.py times the whole classifier).

    PYTHONPATH=. python bench/bench_encoder_depth.py [--sentences 3000] [--layers 3 6]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classify.encoder import ENCODER_DIR, SentenceEncoder  # noqa: E402
from training.criteria_data import load_unlabelled  # noqa: E402
from training.encoder_export import base_encoder_dir, export_encoder  # noqa: E402


def real_sentences(n: int, shared: str | None) -> list[str]:
    """The first ``n`` sentences of the unlabelled UK statements, as bench_criteria draws them."""
    frame = load_unlabelled(shared)
    return [] if frame is None else frame["sentence"].head(n).tolist()


def rate(folder: Path, sentences: list[str]) -> float:
    """Sentences/s of the encoder in ``folder`` (after one warm-up batch)."""
    encoder = SentenceEncoder.load(folder)
    encoder.embed(sentences[:50])
    started = time.perf_counter()
    encoder.embed(sentences)
    return len(sentences) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=3000)
    parser.add_argument("--layers", type=int, nargs="+", default=[3, 6])
    parser.add_argument("--shared", default=None)
    args = parser.parse_args()
    sentences = real_sentences(args.sentences, args.shared)
    if not sentences:
        print("no real sentences: ../shared/research/corpus is absent; nothing to measure")
        return
    baseline = rate(ENCODER_DIR, sentences)
    print(f"{len(sentences)} real sentences; target for the whole classifier: 500 sentences/s")
    print(f"{'encoder':<28} {'sent/s':>8} {'vs committed':>13}")
    print(f"{'committed (1 layer)':<28} {baseline:>8.0f} {1.0:>12.2f}x")
    with tempfile.TemporaryDirectory(prefix="msa-enc-") as tmp:
        for layers in args.layers:
            folder = Path(tmp) / f"layers{layers}"
            export_encoder(base_encoder_dir(), folder, layers=layers)
            r = rate(folder, sentences)
            print(f"{f'MiniLM cut to {layers} layers':<28} {r:>8.0f} {r / baseline:>12.2f}x")


if __name__ == "__main__":
    main()
