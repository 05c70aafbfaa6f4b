"""Four AIMS questions on real Australian statements (C1, C6, approval, signature), against keyword baselines.

The labelled UK and Canadian sets have no positive C1 or C6 sentence, so these two questions
come from rules; approval and signature are learnt from UK/CA layouts. This prints, on the
developers' labels of real AU and joint statements (bench/labels/au_sentence_labels.json; dev and
held-out documents apart), the committed classifier's sentence-level precision, recall and F1
beside the obvious baseline (any sentence that says "reporting entity" / "consult" / "approv" /
"signed" or "signature"), and, over every AU or joint statement in
../shared/research/statement_docs, the share of statements in which each of the 11 questions
fires at least once (every AU statement has to address all of them, so this is a recall proxy).

    PYTHONPATH=. python bench/bench_criteria_au.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classify.criteria import CriteriaClassifier  # noqa: E402
from db.schema import CRITERIA  # noqa: E402
from training.criteria_au_check import (  # noqa: E402
    STATEMENT_DOCS,
    load_documents,
    scores_by_split,
    statement_sentences,
)
from training.criteria_eval import au_two_pass_lines  # noqa: E402
from training.shared_corpus import shared_dir  # noqa: E402

BASELINES = {
    "approval": re.compile(r"approv", re.I),
    "signature": re.compile(r"\bsign(ed|ature)\b", re.I),
    "c1_reporting_entity": re.compile(r"reporting entit", re.I),
    "c6_consultation": re.compile(r"consult", re.I),
}


def keyword_baseline(sentences: list[str]) -> np.ndarray:
    """(n, 11) 0/1: each labelled question where a sentence holds its keyword (``BASELINES``)."""
    out = np.zeros((len(sentences), len(CRITERIA)), dtype=np.int8)
    for name, pattern in BASELINES.items():
        out[:, CRITERIA.index(name)] = [bool(pattern.search(s)) for s in sentences]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=None)
    args = ap.parse_args()
    docs = load_documents(args.shared)
    if not docs:
        print(f"skipped: no labelled statements under {shared_dir(args.shared) / STATEMENT_DOCS}")
        return 0
    clf = CriteriaClassifier.load()
    t = time.perf_counter()
    predicted = {d.name: clf.predict(d.sentences) for d in docs}
    n = sum(len(d.sentences) for d in docs)
    print(
        f"{len(docs)} labelled statements, {n} sentences, "
        f"classified at {n / (time.perf_counter() - t):.0f} sent/s"
    )
    moved = [(d.name, i) for d in docs for i in d.moved]
    if moved:
        print(f"warning: {len(moved)} labelled sentences no longer match their text hash: {moved[:5]}")
    print(
        f"{'question':<22}{'split':<10}{'model P':>8}{'R':>6}{'F1':>6}"
        f"{'   baseline P':>14}{'R':>6}{'F1':>6}  positives"
    )
    splits = ("dev", "held_out", "all")
    baseline = scores_by_split(docs, {d.name: keyword_baseline(d.sentences) for d in docs}, splits)
    for (name, split, model), (_, _, base) in zip(
        scores_by_split(docs, predicted, splits), baseline, strict=True
    ):
        print(
            f"{name:<22}{split:<10}{model['precision']:>8.2f}{model['recall']:>6.2f}{model['f1']:>6.2f}"
            f"{base['precision']:>14.2f}{base['recall']:>6.2f}{base['f1']:>6.2f}"
            f"  {model['tp'] + model['fn']}"
        )
    two_pass = au_two_pass_lines(clf, args.shared, predicted, baseline=True)
    if two_pass:
        print("\n" + "\n".join(two_pass))
    fired = []
    for path in sorted((shared_dir(args.shared) / STATEMENT_DOCS).glob("*AU*.pdf")):
        sentences = statement_sentences(path)  # cached: the labelled ones are not extracted twice
        if sentences:
            fired.append(clf.predict(sentences).any(axis=0))
    if fired:
        share = np.mean(fired, axis=0)
        print(
            f"\nshare of the {len(fired)} AU or joint statements with text "
            "where each question fires at least once:"
        )
        print("  " + "  ".join(f"{c}={s:.2f}" for c, s in zip(CRITERIA, share, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
