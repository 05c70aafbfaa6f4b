"""Criteria classifier throughput on 10,000 real sentences, context building included.

Prints sentences/s for the full model (encoder, rules, context and n-gram heads; one statement per
call, as the pipeline calls it), for the same without the neighbour context, and for the
baselines in the same run: the model committed on 2026-12-03 before the expert AU data
(``--baseline-rev``, read from git), the rules alone and the encoder alone. Also prints the
committed model's grouped-CV macro-F1 beside the rules' (from cv_report.json).

    PYTHONPATH=. python bench/bench_criteria.py [--sentences 10000] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classify.context import group_slices  # noqa: E402
from classify.criteria import (  # noqa: E402
    HEAD_FILE,
    META_FILE,
    MODEL_DIR,
    NGRAM_FILE,
    CriteriaClassifier,
    criteria_inputs,
)
from classify.criteria_rules import rule_matrix  # noqa: E402
from training.criteria_data import available, load_labelled, load_unlabelled  # noqa: E402

TARGET = 500.0
BASELINE_REV = "46cd8fc"  # the committed model of 2026-12-03, before the expert AU set
REPO = Path(__file__).resolve().parents[1]


def model_at(rev: str, folder: Path) -> CriteriaClassifier | None:
    """The criteria model committed at git ``rev`` (its weights written to ``folder``); None if absent."""
    rel = MODEL_DIR.relative_to(REPO)
    for name in (HEAD_FILE, NGRAM_FILE, META_FILE):
        shown = subprocess.run(["git", "show", f"{rev}:{rel / name}"], cwd=REPO, capture_output=True)
        if shown.returncode:
            return None
        (folder / name).write_bytes(shown.stdout)
    meta = json.loads((folder / META_FILE).read_text())
    meta["encoder_dir"] = str((MODEL_DIR / meta.get("encoder_dir", "../encoder")).resolve())
    (folder / META_FILE).write_text(json.dumps(meta))
    return CriteriaClassifier.load(folder)


def real_statements(shared: Path | None, n: int) -> list[list[str]]:
    """About ``n`` real sentences as whole statements: the labelled sets, then unlabelled UK texts."""
    frame = load_labelled(shared).frame[["statement_id", "sentence"]]
    statements = [frame["sentence"].iloc[s].tolist() for s in group_slices(frame["statement_id"].to_numpy())]
    total = sum(map(len, statements))
    extra = load_unlabelled(shared)
    if extra is not None and total < n:
        for s in group_slices(extra["statement_id"].to_numpy()):
            statements.append(extra["sentence"].iloc[s].tolist())
            total += s.stop - s.start
            if total >= n:
                break
    out, count = [], 0
    for st in statements:  # cut to exactly n sentences
        take = st[: n - count]
        if take:
            out.append(take)
            count += len(take)
    return out


def rate(fn, statements: list[list[str]]) -> float:
    n = sum(map(len, statements))
    t = time.perf_counter()
    for st in statements:
        fn(st)
    return n / (time.perf_counter() - t)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=10_000)
    ap.add_argument("--shared", type=Path, default=None)
    ap.add_argument("--baseline-rev", default=BASELINE_REV, help="git revision of the baseline model")
    args = ap.parse_args()
    if not available(args.shared):
        print("skipped: ../shared labelled sets not found")
        return 0
    statements = real_statements(args.shared, args.sentences)
    n = sum(map(len, statements))
    started = time.perf_counter()
    clf = CriteriaClassifier.load()
    clf.predict_proba(statements[0])  # warm up onnxruntime
    startup = time.perf_counter() - started
    rules_only = CriteriaClassifier.rules_only()

    def no_context(st: list[str]) -> np.ndarray:
        x = criteria_inputs(clf.embed(st), rule_matrix(st))
        head = clf.head
        z = (x - head.mean) / head.scale
        h = np.maximum(z @ head.w_proj[0] + head.b_proj[0], 0)
        return h @ head.w_out[0][: h.shape[1]] + head.b_out[0]

    results = {
        "model (encoder + rules + context + n-gram heads)": rate(clf.predict_proba, statements),
        "model without neighbour context": rate(no_context, statements),
    }
    with tempfile.TemporaryDirectory() as tmp:
        before = model_at(args.baseline_rev, Path(tmp))
        if before is not None:
            before.predict_proba(statements[0])
            results[f"baseline: model of {args.baseline_rev}"] = rate(before.predict_proba, statements)
    results["baseline: rules alone"] = rate(rules_only.predict_proba, statements)
    results["baseline: encoder alone"] = rate(clf.embed, statements)
    full = results["model (encoder + rules + context + n-gram heads)"]
    print(f"{n} real sentences in {len(statements)} statements, model {clf.version}")
    print(f"{'variant':42s} {'sent/s':>8s} {'vs model':>9s}")
    for name, r in results.items():
        print(f"{name:42s} {r:8.0f} {r / full:8.2f}x")
    with_startup = n / (n / full + startup)
    print(f"model with start-up (load and first call, {startup:.2f} s) counted: {with_startup:.0f} sent/s")
    print(
        f"target {TARGET:.0f} sent/s: {'met' if with_startup >= TARGET else 'NOT met'} "
        f"({with_startup / TARGET:.2f}x, start-up included)"
    )
    report = MODEL_DIR / "cv_report.json"
    if report.exists():
        rep = json.loads(report.read_text())
        m, r = rep["grouped_cv"]["macro"]["f1"], rep["rules_only"]["macro"]["f1"]
        print(f"grouped-CV macro-F1: model {m:.3f} vs rules alone {r:.3f} ({m / r:.2f}x)")
        aue = rep.get("by_source", {}).get("aue")
        if aue:
            print(
                f"AIMS.au experts' AU statements, grouped CV: macro-F1 {aue['macro']['f1']:.3f}, "
                f"statement-level agreement {aue['statements']['share']:.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
