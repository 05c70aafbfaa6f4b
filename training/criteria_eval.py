"""The reports `msa evaluate criteria` prints: saved and re-run CV tables, the checks on real AU text."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from classify.criteria import MODEL_DIR, CriteriaClassifier
from db.schema import CRITERIA
from training.criteria_au_check import load_documents, scores_by_split
from training.criteria_scores import format_table
from training.criteria_two_pass import load_au, two_pass_scores, two_pass_text


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
    # lazy: training imports torch, which the saved report and the AU checks do not need
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
