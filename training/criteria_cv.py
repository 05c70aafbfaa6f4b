"""Grouped folds: every statement's sentences fall in exactly one test fold.

Why: sentences of one statement share boilerplate, names and layout; a split that put some in
train and others in test would measure memory of the statement, not generalisation.
"""

from __future__ import annotations

import numpy as np


def grouped_folds(
    groups: np.ndarray, n_folds: int = 5, seed: int = 13, strata: np.ndarray | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train_rows, test_rows) pairs; statements are shuffled with ``seed`` and dealt into folds.

    With ``strata`` (per row, e.g. the source), each stratum's groups are dealt into the folds on
    their own, so that a small source (15 expert AU statements) has its share in every test fold.
    Rows keep their original order inside each side, so statements stay contiguous.
    """
    groups = np.asarray(groups)
    strata = np.zeros(len(groups), dtype=np.int8) if strata is None else np.asarray(strata)
    rng = np.random.default_rng(seed)
    fold_groups: list[list] = [[] for _ in range(n_folds)]
    for stratum in np.unique(strata):
        unique = np.unique(groups[strata == stratum])
        rng.shuffle(unique)
        for k, part in enumerate(np.array_split(unique, n_folds)):
            fold_groups[k].extend(part.tolist())
    folds = []
    for test_groups in fold_groups:
        test = np.isin(groups, test_groups)
        folds.append((np.flatnonzero(~test), np.flatnonzero(test)))
    return folds


def cross_source_folds(sources: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train on one jurisdiction, test on the other (UK -> CA and CA -> UK): a proxy for unseen text."""
    sources = np.asarray(sources)
    names = sorted(set(sources.tolist()))
    return [(np.flatnonzero(sources != n), np.flatnonzero(sources == n)) for n in names]
