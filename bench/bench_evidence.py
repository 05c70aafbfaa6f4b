"""Throughput of the evidence layer on this CPU, against the rules alone, in one run.

Prints sentences/s for: the rules baseline, the text head, the embedding head given the
encoder's vectors (the labeller's path: the encoder runs once for both layers), the shared
encoder itself when committed, and `summarise_statement` in statements/s. Sentences come from
../shared/labels/evidence_dev.csv when present (texts stay in memory), else from fictional ones.
Then `msa label` end to end (a new process: start-up, both label layers, neighbour context, CSV
in and out) on --label-sentences real sentences of whole UK statements, against the same command
with no evidence weights (the evidence layer's rules alone), the target being 500 sentences/s.

    PYTHONPATH=. python bench/bench_evidence.py [--repeat 5] [--label-sentences 10000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from classify.encoder import SentenceEncoder, default_encoder
from classify.evidence import MODEL_DIR, EvidenceClassifier
from classify.evidence_rules import rule_label
from classify.summary import summarise_statement
from db.schema import CRITERIA
from training.criteria_data import load_unlabelled

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / ".." / "shared" / "labels" / "evidence_dev.csv"
TARGET = 500.0
FICTIONAL = [
    "Fernhill Foods Ltd grows and packs salad leaves in Kent.",
    "We are committed to preventing forced labour in our supply chain.",
    "During 2023 we audited 30 growers and trained every buyer.",
    "The audits found one labour provider charging fees; 45 workers were reimbursed.",
    "We have not identified any cases of modern slavery in our own operations.",
    "Next year we will extend our supplier questionnaire to second-tier packaging suppliers.",
]


def load_sentences() -> list[str]:
    if DEV.exists():
        import pandas as pd

        return pd.read_csv(DEV)["sentence"].fillna("").astype(str).tolist()
    return FICTIONAL * 100


def rate(fn: Callable[[], object], n: int, repeat: int) -> float:
    """Best of `repeat` runs, in items per second."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return n / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--statement-size", type=int, default=60, help="sentences per simulated statement")
    parser.add_argument("--encoder-dir", default=None, help="encoder folder (default: the committed one)")
    parser.add_argument("--label-sentences", type=int, default=10000, help="rows for the msa label run")
    args = parser.parse_args()
    sentences = load_sentences()
    n = len(sentences)
    docs = [sentences[i : i + args.statement_size] for i in range(0, n, args.statement_size)]
    clf = EvidenceClassifier.load(encoder_dir=args.encoder_dir)
    print(f"{n} sentences in {len(docs)} statements; model {clf.version}; cpu count {os.cpu_count()}")

    rules = rate(lambda: [rule_label(s) for s in sentences], n, args.repeat)
    text = rate(lambda: [clf.predict(d) for d in docs], n, args.repeat)
    print(f"rules alone            {rules:10.0f} sentences/s")
    print(f"text head              {text:10.0f} sentences/s  ({text / rules:.2f}x the rules)")

    try:
        encoder = SentenceEncoder.load(args.encoder_dir) if args.encoder_dir else default_encoder()
    except Exception as exc:  # no committed encoder: report and go on
        encoder = None
        print(f"encoder                not available ({type(exc).__name__})")
    if encoder is not None:
        vectors = encoder.embed(sentences)
        enc = rate(lambda: encoder.embed(sentences), n, max(1, args.repeat // 2))
        print(f"encoder                {enc:10.0f} sentences/s (shared with the criteria layer)")
        if clf.uses_embeddings:
            size = args.statement_size
            blocks = [vectors[s : s + size] for s in range(0, n, size)]
            pairs = list(zip(docs, blocks, strict=True))
            head = rate(lambda: [clf.predict(d, v) for d, v in pairs], n, args.repeat)
            print(f"embedding head         {head:10.0f} sentences/s  ({head / rules:.2f}x the rules)")
            both = 1.0 / (1.0 / enc + 1.0 / head)
            print(f"encoder + head         {both:10.0f} sentences/s  (evidence layer end to end)")

    rng = np.random.default_rng(0)
    labelled = []
    for d in docs:
        labels, proba = clf.predict(d)
        rows = []
        for i, (text_, lab, p) in enumerate(zip(d, labels, proba.max(axis=1), strict=True)):
            row = {
                "sentence_id": f"d-{i:05d}",
                "sentence_idx": i,
                "page_no": 1 + i // 20,
                "text": text_,
                "evidence": lab,
                "evidence_p": float(p),
            }
            for c in CRITERIA:
                row[f"{c}_p"] = float(rng.random())
                row[c] = int(row[f"{c}_p"] > 0.8)
            rows.append(row)
        labelled.append(rows)
    statement = {"statement_id": "bench", "jurisdiction": "UK", "declared_training": 1}
    summ = rate(
        lambda: [summarise_statement(statement, rows) for rows in labelled], len(labelled), args.repeat
    )
    print(f"summarise_statement    {summ:10.0f} statements/s")
    label_command(args.label_sentences)


# `msa label` in a new process, its evidence weights read from argv[1] (the bench's baseline copy)
_RUN_LABEL = (
    "import sys; from pathlib import Path; import classify.evidence as ev; "
    "ev.MODEL_DIR = Path(sys.argv[1]); from msa.cli import main; main(sys.argv[2:])"
)


def _label_seconds(model_dir: Path, csv_path: Path, out_path: Path) -> float:
    args = ["label", "--input", str(csv_path), "--output", str(out_path), "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", _RUN_LABEL, str(model_dir), *args], check=True, env=env, cwd=ROOT)
    return time.perf_counter() - t0


def label_command(n: int) -> None:
    """`msa label` on n real sentences (whole statements, in order), with and without context."""
    frame = load_unlabelled(n_statements=400)
    if frame is None:
        print("msa label              skipped (../shared corpus absent)")
        return
    frame = frame.iloc[:n]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        frame.to_csv(tmp / "in.csv", index=False)
        rules_only = tmp / "rules_only"  # no evidence weights: the evidence layer falls back to its rules
        rules_only.mkdir()
        model = len(frame) / _label_seconds(MODEL_DIR, tmp / "in.csv", tmp / "out.csv")
        rules = len(frame) / _label_seconds(rules_only, tmp / "in.csv", tmp / "out2.csv")
    print(
        f"msa label, {len(frame)} sentences, both layers, start-up included: {model:.0f} sentences/s "
        f"with the evidence model (neighbour context), {rules:.0f} with evidence rules only "
        f"({model / rules:.2f}x); target {TARGET:.0f}"
    )


if __name__ == "__main__":
    main()
