"""Per-criterion precision, recall and F1 and the macro-F1, as ``msa evaluate criteria`` prints them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from db.schema import CRITERIA

if TYPE_CHECKING:
    from classify.criteria import CriteriaClassifier


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
    from classify.context import group_slices

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


def au_out_of_sample_lines(report: dict) -> list[str]:
    """C2-C5 on the AU statements, out of sample, from a training report (cv_report.json).

    Why: the two-pass AU statements are training data, so the committed model's fit on them says
    little; the company-grouped CV (AU companies never in their own training folds) and the
    model trained without any AU label are the honest figures.
    """
    grouped = {r["criterion"]: r.get("f1_au") for r in report["grouped_cv"]["rows"]}
    cross = {r["criterion"]: r.get("f1_au") for r in report.get("cross_jurisdiction", {}).get("rows", [])}
    names = [c for c in CRITERIA if grouped.get(c) is not None]
    if not names:
        return []
    lines = [
        "C2-C5 on the AU statements, out of sample (F1 over the sentences both passes agree on):",
        f"{'criterion':<22}{'grouped CV (AU by company)':>28}{'without any AU label':>25}",
    ]
    for c in names:
        other = f"{cross[c]:>25.3f}" if cross.get(c) is not None else f"{'-':>25}"
        lines.append(f"{c:<22}{grouped[c]:>28.3f}{other}")
    g = float(np.mean([grouped[c] for c in names]))
    x = [cross[c] for c in names if cross.get(c) is not None]
    tail = f"{float(np.mean(x)):>25.3f}" if len(x) == len(names) else f"{'-':>25}"
    lines.append(f"{'macro (' + str(len(names)) + ')':<22}{g:>28.3f}{tail}")
    return lines


def saved_report_text(path: str | Path | None = None) -> str:
    """The tables stored by the last ``msa train criteria`` (cv_report.json), without re-running anything."""
    from classify.criteria import MODEL_DIR

    report = json.loads(Path(path or MODEL_DIR / "cv_report.json").read_text())
    titles = {
        "grouped_cv": "grouped 5-fold CV by statement (AU by company)",
        "cross_jurisdiction": "trained on the other sources, tested on each (f1_au: without any AU label)",
        "rules_only": "baseline, rules alone",
    }
    parts = [
        f"{title}:\n{format_table(report[key]['rows'], report[key]['macro'])}"
        for key, title in titles.items()
        if key in report
    ]
    for src, rep in report.get("by_source", {}).items():
        parts.append(f"{src} on its own, grouped CV, out of fold:\n{source_text(rep)}")
    if "without_tune_source" in report:
        parts.append(f"aue, trained without it:\n{source_text(report['without_tune_source'])}")
    return "\n\n".join(parts)


def source_text(rep: dict) -> str:
    """A stored ``source_report`` (its JSON form) as text: the table, then the statement-level line."""
    text = format_table(rep["rows"], rep["macro"])
    st = rep.get("statements") or {}
    if st.get("n"):
        text += f"\nstatement-level agreement: {st['agree']}/{st['n']} = {st['share']:.3f}"
    return text


def evaluate_criteria(shared: str | Path | None = None, cross: bool = True) -> str:
    """``msa evaluate criteria``: re-run the grouped CV (and the cross-jurisdiction split); return the tables.

    Takes about 2-3 minutes on the 2-core CPU; ``saved_report_text`` prints the last training's tables
    instantly instead.
    """
    from training.criteria_train import run_evaluation

    lines: list[str] = []
    run_evaluation(shared, cross=cross, log=lines.append)
    au = au_check_text(shared)
    if au:
        lines += ["", au]
    return "\n".join(lines)


def au_check_text(shared: str | Path | None = None) -> str:
    """The checks on real AU statements (four questions, then C2-C5 in two passes); "" when absent.

    Why here: the grouped CV cannot score C1 and C6 (no positive label in the shared sets) and scores
    approval and signature only on UK/CA layouts, so evaluation reports the one check on Australian
    text there is (training.criteria_au_check).
    """
    from classify.criteria import CriteriaClassifier
    from training.criteria_au_check import load_documents, scores_by_split

    docs = load_documents(shared)
    if not docs:
        return ""
    clf = CriteriaClassifier.load()
    predicted = {d.name: clf.predict(d.sentences) for d in docs}
    lines = [
        f"Approval, signature, C1 and C6 (the last two from the rules) on the developers' labels of "
        f"{len(docs)} real AU or joint statements "
        f"({sum(len(d.sentences) for d in docs)} sentences; bench/labels/au_sentence_labels.json):",
        f"{'criterion':<22}{'split':<10}{'support':>8}{'P':>7}{'R':>7}{'F1':>7}",
    ]
    for name, split, r in scores_by_split(docs, predicted):
        cells = f"{r['precision']:>7.3f}{r['recall']:>7.3f}{r['f1']:>7.3f}"
        lines.append(f"{name:<22}{split:<10}{r['tp'] + r['fn']:>8}{cells}")
    two_pass = au_two_pass_lines(clf, shared, predicted)
    return "\n".join(lines + ([""] + two_pass if two_pass else []))


def au_two_pass_lines(
    clf: CriteriaClassifier,
    shared: str | Path | None = None,
    predicted: dict[str, np.ndarray] | None = None,
    baseline: bool = False,
) -> list[str]:
    """C2-C5 on the two-pass AU statements: the in-sample table, then the out-of-sample figures.

    ``predicted`` (per PDF name) spares work a caller has already done; with ``baseline`` the rules
    alone get a macro line too. [] when the PDFs are absent. Shared by
    ``msa evaluate criteria`` and bench/bench_criteria_au.py.
    """
    from classify.criteria import MODEL_DIR, CriteriaClassifier
    from training.criteria_two_pass import load_au, two_pass_scores, two_pass_text

    docs = load_au(shared)
    if not docs:
        return []
    predicted = dict(predicted or {})
    for d in docs:
        predicted.setdefault(d.name, clf.predict(d.sentences))
    lines = [
        f"C2-C5 on {len(docs)} real AU statements ({sum(len(d.sentences) for d in docs)} sentences) in "
        "two annotation passes (bench/labels/au_c2_c5_two_pass.json; A vs B = their agreement). In "
        "sample: the model trains on these statements, so its columns show fit, not generalisation:",
        *two_pass_text(two_pass_scores(docs, predicted)),
    ]
    if baseline:
        rules = CriteriaClassifier.rules_only()
        base = two_pass_scores(docs, {d.name: rules.predict(d.sentences) for d in docs})
        lines.append(two_pass_text(base, "baseline: rules alone (7)", agreement=False)[-1])
    report_path = MODEL_DIR / "cv_report.json"
    if report_path.exists():
        lines += ["", *au_out_of_sample_lines(json.loads(report_path.read_text()))]
    return lines
