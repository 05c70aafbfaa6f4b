"""Scores of criteria predictions against labels: per-criterion P/R/F1, macro-F1, statement agreement.

Why its own module: training (model selection, cross-validation reports) and evaluation
(``msa evaluate criteria``, training.criteria_eval) both score with these, and evaluation runs
training, so the scoring sits below both.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from classify.context import group_slices
from db.schema import CRITERIA


def score_table(
    targets: np.ndarray,
    scores: np.ndarray,
    thresholds: Sequence[float],
    mask: np.ndarray,
    sources: np.ndarray | None = None,
) -> dict:
    """Scores per criterion over the annotated slots; macro-F1 over the criteria that have positives.

    Returns {"rows": [...], "macro": {...}, "text": printable table}.
    """
    thresholds = np.asarray(thresholds)
    rows = []
    for j, name in enumerate(CRITERIA):
        annotated = mask[:, j]
        y = targets[annotated, j]
        if not annotated.any() or y.sum() == 0:
            rows.append({"criterion": name, "support": 0, "precision": None, "recall": None, "f1": None})
            continue
        pred = scores[annotated, j] >= thresholds[j]
        p, r, f, _ = precision_recall_fscore_support(y, pred, average="binary", zero_division=0)
        row = {
            "criterion": name,
            "support": int(y.sum()),
            "precision": float(p),
            "recall": float(r),
            "f1": float(f),
        }
        if sources is not None:
            for src in sorted(set(sources.tolist())):
                sel = annotated & (sources == src)
                if targets[sel, j].sum():
                    row[f"f1_{src}"] = float(
                        precision_recall_fscore_support(
                            targets[sel, j],
                            scores[sel, j] >= thresholds[j],
                            average="binary",
                            zero_division=0,
                        )[2]
                    )
        rows.append(row)
    scored = [r for r in rows if r["f1"] is not None]
    macro = {k: float(np.mean([r[k] for r in scored])) for k in ("precision", "recall", "f1")}
    macro["n_criteria"] = len(scored)
    # Per source, over the criteria that source has positives for (AU: seven C2-C5 plus two).
    for key in sorted({k for r in scored for k in r if k.startswith("f1_")}):
        macro[key] = float(np.mean([r[key] for r in scored if key in r]))
    return {"rows": rows, "macro": macro, "text": format_table(rows, macro)}


def statement_agreement(
    targets: np.ndarray, predicted: np.ndarray, mask: np.ndarray, statement_ids: np.ndarray
) -> dict:
    """Statement-level agreement: per statement and criterion, does the statement address it at all
    (any sentence positive), model vs labels; only (statement, criterion) pairs whose every sentence
    was annotated count. Returns {"per_criterion": {name: share or None}, "agree": k, "n": n, "share"}.

    Why: the compliance summary reads a statement's criteria this way, so a missed or spurious
    single sentence matters more there than in sentence F1.
    """
    agree = np.zeros(len(CRITERIA))
    count = np.zeros(len(CRITERIA))
    for s in group_slices(np.asarray(statement_ids)):
        full = mask[s].all(0)
        hit = (np.asarray(predicted[s]) > 0).any(0) == (targets[s] > 0).any(0)
        agree += full & hit
        count += full
    per = {c: (float(agree[j] / count[j]) if count[j] else None) for j, c in enumerate(CRITERIA)}
    n = int(count.sum())
    return {
        "per_criterion": per,
        "agree": int(agree.sum()),
        "n": n,
        "share": float(agree.sum() / n) if n else None,
    }


def source_report(
    targets: np.ndarray,
    scores: np.ndarray,
    thresholds: Sequence[float],
    mask: np.ndarray,
    statement_ids: np.ndarray,
    rows: np.ndarray,
) -> dict:
    """One labelled set on its own: per-criterion P/R/F1, macro-F1 and statement-level agreement.

    Returns {"rows", "macro", "statements": statement_agreement(...), "n_statements", "text"}.
    """
    y, m, ids = targets[rows], mask[rows], np.asarray(statement_ids)[rows]
    table = score_table(y, scores[rows], thresholds, m)
    agreement = statement_agreement(y, scores[rows] >= np.asarray(thresholds), m, ids)
    for r in table["rows"]:
        r["statement_agreement"] = agreement["per_criterion"][r["criterion"]]
    text = format_table(table["rows"], table["macro"])
    if agreement["n"]:
        text += (
            f"\nstatement-level agreement (does the statement address the criterion at all): "
            f"{agreement['agree']}/{agreement['n']} = {agreement['share']:.3f}; per criterion: "
            + ", ".join(f"{c} {v:.2f}" for c, v in agreement["per_criterion"].items() if v is not None)
        )
    return {
        "rows": table["rows"],
        "macro": table["macro"],
        "statements": agreement,
        "n_statements": int(len(np.unique(ids))),
        "text": text,
    }


def format_table(rows: list[dict], macro: dict) -> str:
    """A fixed-width text table of the score rows."""
    extra = sorted({k for r in rows for k in r if k.startswith("f1_")})
    head = f"{'criterion':22s} {'support':>7s} {'P':>6s} {'R':>6s} {'F1':>6s}" + "".join(
        f" {k:>6s}" for k in extra
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        if r["f1"] is None:
            lines.append(f"{r['criterion']:22s} {'-':>7s}   (no positive labels: rules only, not scored)")
            continue
        cells = "".join(f" {r[k]:6.3f}" if k in r else f" {'-':>6s}" for k in extra)
        lines.append(
            f"{r['criterion']:22s} {r['support']:7d} {r['precision']:6.3f} {r['recall']:6.3f} "
            f"{r['f1']:6.3f}{cells}"
        )
    lines.append("-" * len(head))
    cells = "".join(f" {macro[k]:6.3f}" if k in macro else f" {'-':>6s}" for k in extra)
    lines.append(
        f"{'macro (' + str(macro['n_criteria']) + ' criteria)':22s} {'':7s} {macro['precision']:6.3f} "
        f"{macro['recall']:6.3f} {macro['f1']:6.3f}{cells}"
    )
    return "\n".join(lines)
