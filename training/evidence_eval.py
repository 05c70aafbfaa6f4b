"""Evaluate the evidence-status model: grouped CV on every labelled source and the AIMS future task.

- `cross_validate`: 5-fold StratifiedGroupKFold, folds grouped by company (evidence_dev.csv and
  the two-pass labels, training.evidence_data.load_training), optionally over several
  seeds; per-label precision/recall/F1, macro-F1 and the confusion matrix for the rules alone, the
  model trained on evidence_dev.csv alone, and the committed recipe with and without neighbour
  context, and the committed recipe's per-label decision weights chosen on the other folds
  (nested, so the figure is honest), all on the same folds (each fold refits vocabulary and
  heads); statement-level
  precision and recall of "shows evidence of impact" on the statements labelled whole.
- `future_task`: AIMSCheck's future-commitment detection on AIMS.uk (the rows of
  results_future_uk.csv, anchor macro-F1 0.668 / accuracy 0.864) and AIMS.ca (relevant sentences,
  expert future ids; anchor accuracy 0.898, 0.84 recall). The model labels every statement in full
  and in order; "future" is read two ways: the `commitment` label, and forward-looking commitments
  (`EvidenceClassifier.forward_looking`), since our commitment also covers stance and policy content.

    python -m training.evidence_eval [--shared ../shared] [--seeds 1]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from tqdm import tqdm

from classify.evidence import EvidenceClassifier
from classify.evidence_rules import rule_label
from db.schema import EVIDENCE_LABELS
from training.evidence_data import AimsSet, load_aims_ca, load_aims_uk, load_training
from training.evidence_train import (
    CONTEXT_WEIGHT,
    choose_impact_confidence,
    embed_texts,
    fold_masks,
    grouped_folds,
    nested_decision,
    out_of_fold,
    statement_calls,
    training_vectors,
)

AIMSCHECK_UK = {"macro_f1": 0.668, "accuracy": 0.864, "recall_future": 0.67}
AIMSCHECK_CA = {"accuracy": 0.898, "recall_future": 0.84}


def label_report(y_true: Sequence[str], y_pred: Sequence[str]) -> dict:
    """Per-label precision/recall/F1/support, macro-F1, accuracy and the confusion matrix (rows = truth)."""
    labels = list(EVIDENCE_LABELS)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        "per_label": {
            lab: {
                "precision": round(float(p[i]), 3),
                "recall": round(float(r[i]), 3),
                "f1": round(float(f[i]), 3),
                "support": int(s[i]),
            }
            for i, lab in enumerate(EVIDENCE_LABELS)
        },
        "macro_f1": round(float(np.mean(f)), 3),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 3),
        "confusion": confusion_matrix(y_true, y_pred, labels=list(EVIDENCE_LABELS)).tolist(),
    }


SYSTEMS = ("rules", "dev_only", "all_no_context", "all", "all_weighted")


def cross_validate(
    shared: str | Path | None = None,
    seeds: Sequence[int] = (0,),
    folds: int = 5,
    encoder_dir: str | Path | None = None,
) -> dict:
    """Out-of-fold labels, folds grouped by company, for four systems on the same folds.

    ``rules`` alone; ``dev_only``: the model trained on evidence_dev.csv alone (the committed
    recipe before the two-pass labels); ``all_no_context``: every source, no neighbour vectors;
    ``all``: every source with the neighbours, no decision weights; ``all_weighted``: ``all``
    with the decision weights of each fold chosen on the other folds (the committed recipe). Each
    is scored on all rows, on the two-pass rows and on the dev rows; statement-level calls (of
    ``all_weighted``) on the statements labelled whole.
    """
    frame = load_training(shared)
    labels = frame["label"].to_numpy()
    vectors = training_vectors(frame, encoder_dir)
    dev_mask = (frame["source"] == "dev").to_numpy()
    bar = tqdm(total=len(seeds) * folds * 3, desc="grouped CV", unit="fold")
    runs: dict[str, list[np.ndarray]] = {name: [] for name in SYSTEMS}
    last_proba = None
    chosen_weights: list[list[list[float]]] = []
    for seed in seeds:
        split = grouped_folds(frame, seed, folds)
        runs["rules"].append(np.array([rule_label(t) for t in frame["sentence"]], dtype=object))
        for name, mask, weight in (
            ("dev_only", dev_mask, CONTEXT_WEIGHT),
            ("all_no_context", None, 0.0),
            ("all", None, CONTEXT_WEIGHT),
        ):
            head = out_of_fold(frame, vectors, split, mask, weight, bar, head_only=True)
            masks = fold_masks(frame, split)
            proba = EvidenceClassifier.decide(head, masks)
            runs[name].append(np.array([EVIDENCE_LABELS[i] for i in proba.argmax(1)], dtype=object))
            if name == "all":
                last_proba, weights = nested_decision(frame, split, head, masks)
                chosen_weights.append(weights)
                runs["all_weighted"].append(
                    np.array([EVIDENCE_LABELS[i] for i in last_proba.argmax(1)], dtype=object)
                )
    bar.close()
    subsets = {
        "all rows": np.ones(len(frame), dtype=bool),
        "two-pass rows": (frame["source"] == "two_pass").to_numpy(),
        "dev rows": dev_mask,
    }
    out: dict = {"systems": {}}
    for name in SYSTEMS:
        out["systems"][name] = {}
        for subset, mask in subsets.items():
            if not mask.any():
                continue
            report = label_report(labels[mask], runs[name][0][mask])
            scores = [
                f1_score(labels[mask], r[mask], labels=list(EVIDENCE_LABELS), average="macro")
                for r in runs[name]
            ]
            report["macro_f1_mean"] = round(float(np.mean(scores)), 3)
            report["macro_f1_sd"] = round(float(np.std(scores)), 3)
            out["systems"][name][subset] = report
    if frame["whole"].any() and last_proba is not None:
        confidence = choose_impact_confidence(frame, last_proba)
        calls = statement_calls(frame, last_proba, confidence)
        tp = int((calls["gold"] & calls["called"]).sum())
        out["statement_level"] = {
            "statements": len(calls),
            "showing_impact": int(calls["gold"].sum()),
            "called": int(calls["called"].sum()),
            "precision": round(tp / max(1, int(calls["called"].sum())), 3),
            "recall": round(tp / max(1, int(calls["gold"].sum())), 3),
            "impact_confidence": confidence,
        }
    out["class_weights_per_fold"] = chosen_weights
    out["n"], out["groups"], out["seeds"] = len(frame), int(frame["group"].nunique()), list(seeds)
    out["label_counts"] = {
        source: {str(k): int(v) for k, v in rows["label"].value_counts().items()}
        for source, rows in frame.groupby("source")
    }
    return out


def _binary(y: np.ndarray, p: np.ndarray) -> dict:
    return {
        "macro_f1": round(float(f1_score(y, p, average="macro")), 3),
        "accuracy": round(float(accuracy_score(y, p)), 3),
        "recall_future": round(float(p[y == 1].mean()) if (y == 1).any() else 0.0, 3),
        "precision_future": round(float(y[p == 1].mean()) if (p == 1).any() else 0.0, 3),
        "predicted_future": int(p.sum()),
        "future": int(y.sum()),
        "rows": len(y),
    }


def score_future(clf: EvidenceClassifier, aims: AimsSet, embeddings: np.ndarray | None) -> dict:
    """Label every statement in order, then score the task rows two ways (see module docstring)."""
    sents = aims.sentences
    labels = np.empty(len(sents), dtype=object)
    forward = np.zeros(len(sents), dtype=bool)
    for _, rows in sents.groupby("statement_id", sort=False):
        idx = rows.index.to_numpy()
        texts = rows["sentence"].tolist()
        lab, _ = clf.predict(texts, embeddings[idx] if embeddings is not None else None)
        labels[idx] = lab
        forward[idx] = clf.forward_looking(texts, lab)
    sents = sents.assign(commitment=labels == "commitment", forward=forward)
    task = aims.task.merge(sents[["sentence_id", "commitment", "forward"]], on="sentence_id", how="left")
    y = task["target"].to_numpy()
    out = {
        "commitment": _binary(y, task["commitment"].to_numpy().astype(int)),
        "forward_looking_commitment": _binary(y, task["forward"].to_numpy().astype(int)),
    }
    if "aimscheck" in task:
        out["aimscheck_recomputed"] = _binary(y, task["aimscheck"].to_numpy())
    return out


def future_task(
    shared: str | Path | None = None,
    encoder_dir: str | Path | None = None,
    clf: EvidenceClassifier | None = None,
) -> dict:
    """UK and CA future-commitment figures for the committed model (dev-trained; AIMS sets unseen)."""
    clf = clf or EvidenceClassifier.load(encoder_dir=encoder_dir)
    out = {}
    for name, loader, anchor in (("uk", load_aims_uk, AIMSCHECK_UK), ("ca", load_aims_ca, AIMSCHECK_CA)):
        aims = loader(shared)
        emb = embed_texts(aims.sentences["sentence"].tolist(), encoder_dir) if clf.uses_embeddings else None
        out[name] = {**score_future(clf, aims, emb), "aimscheck_reported": anchor}
    return out


def evaluate(
    shared: str | Path | None = None, seeds: Sequence[int] = (0,), encoder_dir: str | Path | None = None
) -> dict:
    """Everything `msa evaluate evidence` reports."""
    return {
        "cross_validation": cross_validate(shared, seeds, encoder_dir=encoder_dir),
        "future_task": future_task(shared, encoder_dir),
    }


def format_report(report: dict) -> str:
    """A plain-text rendering of `evaluate`'s result."""
    lines = []
    cv = report["cross_validation"]
    lines.append(
        f"grouped CV (folds grouped by company): {cv['n']} sentences, {cv['groups']} groups, "
        f"seeds {cv['seeds']}"
    )
    for source, counts in cv["label_counts"].items():
        lines.append(f"labels, {source}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for name, subsets in cv["systems"].items():
        for subset, r in subsets.items():
            lines.append(
                f"\n[{name}] on {subset}: macro-F1 {r['macro_f1_mean']:.3f} ± {r['macro_f1_sd']:.3f} "
                f"(seed 0: {r['macro_f1']:.3f}, accuracy {r['accuracy']:.3f})"
            )
            lines.append(f"  {'label':<11}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}")
            for lab, m in r["per_label"].items():
                lines.append(
                    f"  {lab:<11}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}{m['support']:>6}"
                )
            if name == "all_weighted" and subset == "all rows":
                lines.append("  confusion (rows truth, cols predicted; " + ", ".join(EVIDENCE_LABELS) + ")")
                for lab, row in zip(EVIDENCE_LABELS, r["confusion"], strict=True):
                    lines.append(f"  {lab:<11}" + "".join(f"{v:>6}" for v in row))
    for seed, weights in zip(cv["seeds"], cv.get("class_weights_per_fold", []), strict=False):
        lines.append(
            f"\ndecision weights ({', '.join(EVIDENCE_LABELS)}) chosen per fold, seed {seed}: "
            + "; ".join(" ".join(f"{w:g}" for w in fold) for fold in weights)
        )
    if "statement_level" in cv:
        s = cv["statement_level"]
        lines.append(
            f"\nstatement level, {s['statements']} statements labelled whole "
            f"({s['showing_impact']} show impact): "
            f"'shows impact' at confidence {s['impact_confidence']:.2f}: precision {s['precision']:.3f}, "
            f"recall {s['recall']:.3f} ({s['called']} called)"
        )
    for name, res in report.get("future_task", {}).items():
        lines.append(
            f"\nfuture-commitment task, {name.upper()} (AIMSCheck reported {res['aimscheck_reported']})"
        )
        for key in ("commitment", "forward_looking_commitment", "aimscheck_recomputed"):
            if key in res:
                m = res[key]
                lines.append(
                    f"  {key:<28} macro-F1 {m['macro_f1']:.3f}  accuracy {m['accuracy']:.3f}  "
                    f"recall {m['recall_future']:.3f}  precision {m['precision_future']:.3f}  "
                    f"({m['predicted_future']} predicted, {m['future']} future of {m['rows']})"
                )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=None)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--encoder-dir", default=None)
    parser.add_argument("--json", default=None, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    report = evaluate(args.shared, tuple(range(args.seeds)), args.encoder_dir)
    print(format_report(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
