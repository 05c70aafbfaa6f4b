"""Grouped cross-validation never puts one statement's sentences in both train and test."""

from pathlib import Path

import numpy as np
import pytest

from training.criteria_cv import cross_source_folds, grouped_folds

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


def check_folds(groups: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]]) -> None:
    tested = np.concatenate([test for _, test in folds])
    assert sorted(tested.tolist()) == list(range(len(groups)))  # every row tested exactly once
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])
        assert len(np.intersect1d(train, test)) == 0


def test_grouped_folds_on_synthetic_groups() -> None:
    groups = np.repeat([f"s{i}" for i in range(23)], np.arange(1, 24))
    check_folds(groups, grouped_folds(groups, 5, seed=1))


def test_cross_source_folds_split_by_jurisdiction() -> None:
    sources = np.array(["uk", "uk", "ca", "ca", "ca"])
    folds = cross_source_folds(sources)
    assert [set(sources[test]) for _, test in folds] == [{"ca"}, {"uk"}]


@pytest.mark.skipif(
    not (SHARED / "research/corpus/aims_uk_ca_evidence").exists(), reason="shared data absent"
)
def test_grouped_folds_on_the_labelled_sets() -> None:
    from training.criteria_data import load_labelled

    data = load_labelled(SHARED)
    groups = data.frame["statement_id"].to_numpy()
    assert len(set(groups)) == 101
    check_folds(groups, grouped_folds(groups, 5, seed=13))
    assert not data.mask[:, 2].any() and not data.mask[:, 10].any()  # C1 and C6 never annotated
