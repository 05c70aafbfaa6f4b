"""The numpy head the runtime uses computes what the torch head trained (on synthetic data)."""

import numpy as np
import torch

from classify.criteria import NgramHead, blend_scores
from classify.training.criteria_train import (
    Features,
    PartScores,
    TrainConfig,
    blend_grid,
    choose_blend,
    fit_head,
    fit_ngram,
    ngram_rows,
    predict_rows,
    to_arrays,
)
from db.schema import CRITERIA

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


def test_rule_only_slots_take_the_rule_scores() -> None:
    feats = synthetic_features()
    arrays = to_arrays([fit_head(feats, TrainConfig(epochs=1, proj_dim=8), seed=1)])
    p = predict_rows(arrays, feats, rule_weight=0.4)
    rules = feats.x[:, -len(CRITERIA) :]
    for name in ("c1_reporting_entity", "c6_consultation"):
        j = CRITERIA.index(name)
        np.testing.assert_allclose(p[:, j], rules[:, j])


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
    for name in ("c1_reporting_entity", "c6_consultation"):  # never labelled: no model, score ~0
        assert p[:, CRITERIA.index(name)].max() < 1e-6
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
