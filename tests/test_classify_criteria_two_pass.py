"""msa's two-pass C2-C5 labels: loading them on their texts, scoring against them, training rows."""

import numpy as np
import pytest

from db.schema import CRITERIA
from training.criteria_au_check import STATEMENT_DOCS
from training.criteria_two_pass import (
    QUESTIONS,
    TwoPassDocument,
    company,
    load_au,
    load_uk_hackathon,
    two_pass_scores,
    two_pass_text,
)
from training.shared_corpus import SHARED_DIR, UNLABELLED_FILE

SHARED = SHARED_DIR.resolve()


def test_company_names_the_cross_validation_group() -> None:
    assert company("AU_american-express-australia_2022.pdf") == "american"
    assert company("UK-AU-CA_microsoft_FY2023.pdf") == "microsoft"


def test_two_pass_gold_takes_one_pass_or_the_sentences_both_call_yes() -> None:
    doc = TwoPassDocument(
        "x.pdf",
        ["a", "b", "c", "d"],
        {"A": {"c3_risk_description": {0, 1}}, "B": {"c3_risk_description": {1, 2}}},
        [],
    )
    assert doc.gold("A", "c3_risk_description").tolist() == [True, True, False, False]
    assert doc.gold("A&B", "c3_risk_description").tolist() == [False, True, False, False]


def test_two_pass_text_blanks_agreement_only_for_a_baseline_row() -> None:
    doc = TwoPassDocument(
        "x.pdf",
        ["a", "b", "c", "d"],
        {"A": {q: {0, 1} for q in QUESTIONS}, "B": {q: {1, 2} for q in QUESTIONS}},
        [],
    )
    rows = two_pass_scores([doc], {"x.pdf": np.zeros((4, len(CRITERIA)), dtype=np.int8)})
    table = two_pass_text(rows)
    assert len(table) == len(QUESTIONS) + 2
    assert table[-1].split() == ["macro", "(7)", "0.500", "0.000", "0.000", "0.000"]
    baseline = two_pass_text(rows, "rules (7)", agreement=False)[-1]
    assert baseline.split() == ["rules", "(7)", "-", "0.000", "0.000", "0.000"]
    assert len(baseline) == len(table[-1])  # the cells stay under their columns


@pytest.mark.skipif(
    not (SHARED / STATEMENT_DOCS).exists(), reason="../shared/research/statement_docs is absent"
)
def test_two_pass_au_labels_load_and_the_passes_agree() -> None:
    docs = load_au()
    assert len(docs) == 8 and not [d.moved for d in docs if d.moved]
    assert all(set(d.passes[a]) == set(QUESTIONS) for d in docs for a in ("A", "B"))
    rows = two_pass_scores(docs, {d.name: np.zeros((len(d.sentences), len(CRITERIA))) for d in docs})
    assert np.mean([r["f1_a_vs_b"] for r in rows]) >= 0.8  # the passes read the definitions alike
    assert all(r["f1_vs_a"] == 0.0 for r in rows)  # a model that says no everywhere scores 0


@pytest.mark.skipif(
    not (SHARED / STATEMENT_DOCS).exists(), reason="../shared/research/statement_docs is absent"
)
def test_au_training_rows_keep_companies_together_and_mask_disagreements() -> None:
    from training.criteria_data import load_labelled

    data = load_labelled(sources=("au",))
    frame = data.frame
    assert set(frame["source"]) == {"au"} and frame["statement_id"].nunique() == 8
    # American Express 2022 and 2024 are one company: one cross-validation group.
    amex = frame[frame["statement_id"].str.contains("american-express")]
    assert amex["statement_id"].nunique() == 2 and amex["group"].nunique() == 1
    # Only C2-C5 are trained on; approval and signature stay a check, C1 and C6 rules only.
    for name in ("approval", "signature", "c1_reporting_entity", "c6_consultation"):
        assert not data.mask[:, CRITERIA.index(name)].any()
    j = CRITERIA.index("c4_risk_mitigation")
    assert 0.9 < data.mask[:, j].mean() < 1.0  # the sentences the passes disagree on are left out
    assert data.targets[data.mask[:, j], j].sum() > 500


def test_au_out_of_sample_lines_read_the_training_report() -> None:
    from training.criteria_eval import au_out_of_sample_lines

    def rows(value: float) -> list[dict]:
        return [{"criterion": c, "f1": 0.5, "f1_au": value} for c in QUESTIONS]

    report = {"grouped_cv": {"rows": rows(0.7)}, "cross_jurisdiction": {"rows": rows(0.6)}}
    lines = au_out_of_sample_lines(report)
    assert lines[-1].split() == ["macro", "(7)", "0.700", "0.600"]
    assert au_out_of_sample_lines({"grouped_cv": {"rows": [{"criterion": "approval", "f1": 0.9}]}}) == []


@pytest.mark.skipif(not (SHARED / UNLABELLED_FILE).exists(), reason="the hackathon corpus is absent")
def test_uk_hackathon_labels_load_on_their_split_texts() -> None:
    from training.criteria_data import load_labelled

    docs = load_uk_hackathon()
    assert len(docs) == 20 and not [d.moved for d in docs if d.moved]
    assert len({d.group for d in docs}) == 20  # one statement per group
    rows = two_pass_scores(docs, {d.name: np.zeros((len(d.sentences), len(CRITERIA))) for d in docs})
    assert np.mean([r["f1_a_vs_b"] for r in rows]) >= 0.8
    data = load_labelled(sources=("ukh",))
    assert set(data.frame["source"]) == {"ukh"} and len(data) == sum(len(d.sentences) for d in docs)
