"""Evaluate the evidence-status model: grouped CV on evidence_dev.csv and the AIMS future-commitment task.

- `cross_validate`: 5-fold StratifiedGroupKFold by statement, repeated over seeds; per-label
  precision/recall/F1, macro-F1 (mean and spread over seeds) and the confusion matrix, for the
  rules alone, the text head and the embedding head (each fold refits vocabulary and heads).
- `future_task`: AIMSCheck's future-commitment detection on AIMS.uk (the rows of
  results_future_uk.csv, anchor macro-F1 0.668 / accuracy 0.864) and AIMS.ca (relevant sentences,
  expert future ids; anchor accuracy 0.898, 0.84 recall). The model labels every statement in full
  and in order; "future" is read two ways: the `commitment` label, and forward-looking commitments
  (`EvidenceClassifier.forward_looking`), since our commitment also covers stance and policy content.

    python -m classify.training.evidence_eval [--shared ../shared] [--seeds 3]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold
from tqdm import tqdm

from classify.evidence import EvidenceClassifier, LinearHead
from classify.evidence_rules import rule_label
from classify.training.evidence_data import AimsSet, load_aims_ca, load_aims_uk, load_dev
from classify.training.evidence_train import embed_texts, fit_model
from db.schema import EVIDENCE_LABELS

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


def _classifier(vocab, heads) -> EvidenceClassifier:
    return EvidenceClassifier(vocab, {k: LinearHead(c, b) for k, (c, b) in heads.items()}, {"version": "cv"})


def cross_validate(
    shared: str | Path | None = None,
    seeds: Sequence[int] = (0, 1, 2),
    folds: int = 5,
    encoder_dir: str | Path | None = None,
) -> dict:
    """Out-of-fold predictions grouped by statement for rules, text head and embedding head."""
    dev = load_dev(shared)
    texts, labels = dev["sentence"].tolist(), np.array(dev["label"].tolist())
    groups = dev["statement_id"].to_numpy()
    emb = embed_texts(texts, encoder_dir)
    systems = ["rules", "text"] + (["embedding"] if emb is not None else [])
    preds = {name: [] for name in systems}
    bar = tqdm(total=len(seeds) * folds, desc="grouped CV", unit="fold")
    for seed in seeds:
        oof = {name: np.empty(len(texts), dtype=object) for name in systems}
        oof["rules"][:] = [rule_label(t) for t in texts]
        splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
        for tr, te in splitter.split(texts, labels, groups):
            vocab, heads = fit_model([texts[i] for i in tr], labels[tr], emb[tr] if emb is not None else None)
            clf = _classifier(vocab, heads)
            test_texts = [texts[i] for i in te]
            oof["text"][te] = [EVIDENCE_LABELS[i] for i in clf.predict_proba(test_texts).argmax(1)]
            if emb is not None:
                proba = clf.predict_proba(test_texts, emb[te])
                oof["embedding"][te] = [EVIDENCE_LABELS[i] for i in proba.argmax(1)]
            bar.update()
        for name in systems:
            preds[name].append(oof[name].tolist())
    bar.close()
    out = {}
    for name in systems:
        runs = [f1_score(labels, p, labels=list(EVIDENCE_LABELS), average="macro") for p in preds[name]]
        out[name] = label_report(labels, preds[name][0])
        out[name]["macro_f1_mean"] = round(float(np.mean(runs)), 3)
        out[name]["macro_f1_sd"] = round(float(np.std(runs)), 3)
    out["n"], out["statements"], out["seeds"] = len(texts), int(len(set(groups))), list(seeds)
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
    shared: str | Path | None = None, seeds: Sequence[int] = (0, 1, 2), encoder_dir: str | Path | None = None
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
        f"grouped CV on evidence_dev.csv: {cv['n']} sentences, {cv['statements']} statements, "
        f"seeds {cv['seeds']}"
    )
    for name in ("rules", "text", "embedding"):
        if name not in cv:
            continue
        r = cv[name]
        lines.append(
            f"\n[{name}] macro-F1 {r['macro_f1_mean']:.3f} ± {r['macro_f1_sd']:.3f} "
            f"(seed 0: {r['macro_f1']:.3f}, accuracy {r['accuracy']:.3f})"
        )
        lines.append(f"  {'label':<11}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}")
        for lab, m in r["per_label"].items():
            lines.append(
                f"  {lab:<11}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}{m['support']:>6}"
            )
        lines.append("  confusion (rows truth, cols predicted; " + ", ".join(EVIDENCE_LABELS) + ")")
        for lab, row in zip(EVIDENCE_LABELS, r["confusion"], strict=True):
            lines.append(f"  {lab:<11}" + "".join(f"{v:>6}" for v in row))
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
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--encoder-dir", default=None)
    parser.add_argument("--json", default=None, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    report = evaluate(args.shared, tuple(range(args.seeds)), args.encoder_dir)
    print(format_report(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
