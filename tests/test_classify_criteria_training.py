"""The numpy head the runtime uses computes what the torch head trained (on synthetic data)."""

import numpy as np
import torch

from classify.criteria import blend_scores
from classify.training.criteria_train import Features, TrainConfig, fit_head, predict_rows, to_arrays
from db.schema import CRITERIA


def synthetic_features(n_statements: int = 6, per: int = 9, dim: int = 20, seed: int = 0) -> Features:
    rng = np.random.default_rng(seed)
    n = n_statements * per
    x = rng.normal(size=(n, dim + len(CRITERIA))).astype(np.float32)
    x[:, -len(CRITERIA) :] = rng.uniform(size=(n, len(CRITERIA)))  # the rule-score block
    y = (rng.uniform(size=(n, len(CRITERIA))) < 0.3).astype(np.int8)
    ids = np.repeat([f"s{i}" for i in range(n_statements)], per)
    return Features(x, y, np.ones_like(y, dtype=bool), ids)


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
