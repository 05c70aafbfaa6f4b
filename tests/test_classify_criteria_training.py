"""The numpy head the runtime uses computes what the torch head trained (on synthetic data)."""

import numpy as np
import torch

from classify.criteria import NgramHead, blend_scores
from db.schema import CRITERIA
from training.criteria_train import (
    Features,
    PartScores,
    TrainConfig,
    blend_grid,
    choose_blend,
    cross_validate,
    cv_reports,
    fit_head,
    fit_ngram,
    ngram_rows,
    predict_rows,
    rule_only_slots,
    to_arrays,
)

# Fictional sentence pieces: "remediation" sentences are the positives of c4_remediation.
WORDS = ["supplier audit", "remediation of the case", "annual report", "our offices", "staff training"]


def synthetic_features(n_statements: int = 6, per: int = 9, dim: int = 20, seed: int = 0) -> Features:
    rng = np.random.default_rng(seed)
    n = n_statements * per
    x = rng.normal(size=(n, dim + len(CRITERIA))).astype(np.float32)
    x[:, -len(CRITERIA) :] = rng.uniform(size=(n, len(CRITERIA)))  # the rule-score block
    y = (rng.uniform(size=(n, len(CRITERIA))) < 0.3).astype(np.int8)
    ids = np.repeat([f"s{i}" for i in range(n_statements)], per)
    text = np.array([f"{WORDS[i % len(WORDS)]} number {i % 3}" for i in range(n)], dtype=object)
    y[:, CRITERIA.index("c4_remediation")] = [
        WORDS[i % len(WORDS)].startswith("remediation") for i in range(n)
    ]
    return Features(x, y, np.ones_like(y, dtype=bool), ids, text)


def test_numpy_head_matches_torch_head() -> None:
    feats = synthetic_features()
    head, mean, scale = fit_head(feats, TrainConfig(epochs=2, proj_dim=8), seed=0)
    arrays = to_arrays([(head, mean, scale)])
    rows = slice(0, 9)  # one statement
    x = feats.x[rows]
    with torch.no_grad():
        starts = torch.zeros(len(x), dtype=torch.long)
        ends = torch.full((len(x),), len(x), dtype=torch.long)
        expected = torch.sigmoid(head(torch.tensor((x - mean) / scale), starts, ends)).numpy()
    np.testing.assert_allclose(arrays(x), expected, atol=1e-5)


def without_positives(feats: Features, names: tuple[str, ...]) -> Features:
    """The same rows with no positive label for ``names`` (as the UK/CA sets have none for C1/C6)."""
    y = feats.y.copy()
    for name in names:
        y[:, CRITERIA.index(name)] = 0
    return Features(feats.x, y, feats.mask, feats.statement_ids, feats.sentences)


def test_rule_only_slots_take_the_rule_scores() -> None:
    feats = without_positives(synthetic_features(), ("c1_reporting_entity", "c6_consultation"))
    assert rule_only_slots(feats) == ["c1_reporting_entity", "c6_consultation"]
    arrays = to_arrays([fit_head(feats, TrainConfig(epochs=1, proj_dim=8), seed=1)])
    p = predict_rows(arrays, feats, 0.4, rule_only_slots(feats))
    rules = feats.x[:, -len(CRITERIA) :]
    for name in ("c1_reporting_entity", "c6_consultation"):
        j = CRITERIA.index(name)
        np.testing.assert_allclose(p[:, j], rules[:, j])


def test_cross_validate_leaves_a_criterion_to_the_rules_where_a_fold_never_saw_it() -> None:
    feats = synthetic_features(n_statements=4)
    j = CRITERIA.index("c6_consultation")
    feats.y[:, j] = 0
    feats.y[:9, j] = 1  # only the first statement has C6 positives
    folds = [(np.arange(9, 36), np.arange(9)), (np.arange(9), np.arange(9, 36))]
    parts = cross_validate(feats, TrainConfig(epochs=1, proj_dim=8, n_seeds=1, ngram_min_df=1), folds)
    # Testing on the first statement, the fold trained without any C6 positive: the rules' score.
    np.testing.assert_allclose(parts.blend(0.1, 0.4)[:9, j], feats.rules[:9, j], atol=1e-6)
    assert not np.allclose(parts.head[9:, j], feats.rules[9:, j])


def test_row_weights_reach_the_ngram_loss() -> None:
    feats = synthetic_features(n_statements=8, per=10)
    j = CRITERIA.index("c2_structure")
    heavy = Features(
        feats.x,
        feats.y,
        feats.mask,
        feats.statement_ids,
        feats.sentences,
        np.where(feats.y[:, j] == 1, 20.0, 1.0).astype(np.float32),
    )
    cfg = TrainConfig(ngram_min_df=1)
    plain, weighted = ngram_rows(fit_ngram(feats, cfg), feats), ngram_rows(fit_ngram(heavy, cfg), feats)
    pos = feats.y[:, j] == 1
    assert weighted[pos, j].mean() > plain[pos, j].mean()  # up-weighted positives score higher


def test_blend_scores_mixes_head_and_rules() -> None:
    head_p = np.full((2, len(CRITERIA)), 0.8, dtype=np.float32)
    rules = np.full((2, len(CRITERIA)), 0.2, dtype=np.float32)
    p = blend_scores(head_p, rules, 0.25, [CRITERIA.index("c6_consultation")])
    np.testing.assert_allclose(p[:, 0], 0.65)
    np.testing.assert_allclose(p[:, CRITERIA.index("c6_consultation")], 0.2)


def test_blend_scores_gives_the_ngram_head_its_weight() -> None:
    head_p = np.full((1, len(CRITERIA)), 0.8, dtype=np.float32)
    rules = np.full((1, len(CRITERIA)), 0.2, dtype=np.float32)
    ngram_p = np.full((1, len(CRITERIA)), 0.5, dtype=np.float32)
    p = blend_scores(head_p, rules, 0.2, [], ngram_p, 0.3)
    np.testing.assert_allclose(p, 0.5 * 0.8 + 0.2 * 0.2 + 0.3 * 0.5, atol=1e-6)


def test_ngram_head_learns_words_and_survives_save_and_load(tmp_path) -> None:
    feats = synthetic_features(n_statements=8, per=10)
    head = fit_ngram(feats, TrainConfig(ngram_context=0.5, ngram_min_df=1))
    p = ngram_rows(head, feats)
    j = CRITERIA.index("c4_remediation")
    pos = feats.y[:, j] == 1
    assert p[pos, j].min() > p[~pos, j].max()  # the word "remediation" separates them
    unlabelled = without_positives(feats, ("c1_reporting_entity", "c6_consultation"))
    p_unlabelled = ngram_rows(fit_ngram(unlabelled, TrainConfig(ngram_min_df=1)), unlabelled)
    for name in ("c1_reporting_entity", "c6_consultation"):  # no positive: no model, score ~0
        assert p_unlabelled[:, CRITERIA.index(name)].max() < 1e-6
    head.save(tmp_path / "ngram.npz")
    again = NgramHead.load(tmp_path / "ngram.npz")
    np.testing.assert_allclose(ngram_rows(again, feats), p, atol=2e-3)  # float16 weights on disk


def test_choose_blend_picks_from_the_grid_and_prefers_the_better_part() -> None:
    feats = synthetic_features()
    y = feats.y.astype(np.float32)
    noise = np.random.default_rng(3).uniform(size=y.shape).astype(np.float32)
    parts = PartScores(head=noise, ngram=y, rules=noise)  # only the n-gram part knows the labels
    cfg = TrainConfig()
    r, g = choose_blend(parts, feats, cfg)
    assert (r, g) in blend_grid(cfg)
    assert g == max(w for _, w in blend_grid(cfg) if _ == r) and r == min(cfg.rule_weights)


def test_cv_reports_give_each_expert_set_its_table_and_the_row_without_the_au_set(tmp_path) -> None:
    import json

    import pandas as pd

    from training.criteria_data import LabelledSet
    from training.criteria_eval import saved_report_text

    feats = synthetic_features(n_statements=10, per=9)
    sources = np.repeat(["uk"] * 5 + ["aue"] * 5, 9)
    frame = pd.DataFrame(
        {"statement_id": feats.statement_ids, "source": sources, "group": feats.statement_ids}
    )
    data = LabelledSet(frame=frame, targets=feats.y, mask=feats.mask)
    cfg = TrainConfig(
        epochs=1, proj_dim=8, n_seeds=1, ngram_min_df=1, rule_weights=(0.1,), ngram_weights=(0.4,)
    )
    report = cv_reports(feats, data, cfg, log=lambda _: None)
    aue = report["by_source"]["aue"]
    assert aue["n_statements"] == 5 and aue["statements"]["n"] == 5 * len(CRITERIA)
    assert report["by_source"]["uk"]["n_statements"] == 5
    assert report["without_tune_source"]["n_statements"] == 5
    assert len(report["chosen"]["thresholds"]) == len(CRITERIA)
    path = tmp_path / "cv_report.json"
    path.write_text(json.dumps(report))
    text = saved_report_text(path)
    assert "aue on its own" in text and "trained without it" in text and "statement-level agreement" in text
