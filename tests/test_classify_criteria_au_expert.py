"""The AIMS.au expert set loads as an 11-question source, and statement-level agreement counts right."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from db.schema import CRITERIA
from training.criteria_au_expert import AU_EXPERT_FILE, COLUMNS, first_index, load_au_expert
from training.criteria_cv import grouped_folds
from training.criteria_data import load_labelled
from training.criteria_scores import source_report, statement_agreement
from training.shared_corpus import SHARED_DIR

SHARED = SHARED_DIR.resolve()


def fictional_file(folder: Path, rows: list[tuple], columns: dict[str, str] = COLUMNS) -> Path:
    """A small expert-style CSV with fictional sentences, in the shared file's layout."""
    frame = pd.DataFrame(rows, columns=["statement_id", "sentence_orig_idxs", "sentence", *columns.values()])
    path = folder / AU_EXPERT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def test_columns_follow_the_schema_order() -> None:
    assert tuple(COLUMNS) == CRITERIA
    assert COLUMNS["c1_reporting_entity"].startswith("C1") and COLUMNS["c6_consultation"].startswith("C6")


def test_first_index_reads_merged_positions() -> None:
    assert first_index(12) == 12 and first_index("12,13") == 12 and first_index("[4, 5]") == 4


def test_loader_orders_sentences_and_maps_columns(tmp_path: Path) -> None:
    zero = [0] * 11
    c1 = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    fictional_file(
        tmp_path,
        [
            (7, 1, "Wattle Grocers Pty Ltd is the reporting entity.", *c1),
            (7, 0, "Modern Slavery Statement 2024", *zero),
            (3, 0, "Bilby Freight Ltd runs two depots.", *zero),
        ],
    )
    frame, targets, mask = load_au_expert(tmp_path)
    assert frame["statement_id"].tolist() == ["aue-3", "aue-7", "aue-7"]
    assert frame["sentence"].iloc[1] == "Modern Slavery Statement 2024"
    assert targets[2, CRITERIA.index("c1_reporting_entity")] == 1 and targets.sum() == 1
    assert mask.all()


def test_loader_rejects_a_missing_question_or_a_bad_value(tmp_path: Path) -> None:
    columns = dict(COLUMNS)
    del columns["c6_consultation"]
    fictional_file(tmp_path, [(1, 0, "A fictional line.", *([0] * 10))], columns)
    with pytest.raises(ValueError, match="C6"):
        load_au_expert(tmp_path)
    fictional_file(tmp_path, [(1, 0, "A fictional line.", *([0] * 10), 2)])
    with pytest.raises(ValueError, match="0 or 1"):
        load_au_expert(tmp_path)


def test_absent_file_gives_none(tmp_path: Path) -> None:
    assert load_au_expert(tmp_path) is None


def test_grouped_folds_deal_each_stratum_into_every_fold() -> None:
    groups = np.array([f"uk{i}" for i in range(40)] + [f"aue{i}" for i in range(15)])
    strata = np.array(["uk"] * 40 + ["aue"] * 15)
    folds = grouped_folds(groups, 5, seed=2, strata=strata)
    for train, test in folds:
        assert (strata[test] == "aue").sum() == 3 and (strata[test] == "uk").sum() == 8
        assert not set(groups[train]) & set(groups[test])


def test_statement_agreement_counts_statement_and_criterion_pairs() -> None:
    ids = np.array(["a", "a", "b", "b"])
    y = np.zeros((4, len(CRITERIA)), dtype=np.int8)
    pred = np.zeros_like(y)
    y[0, 0] = 1  # statement a addresses approval
    pred[1, 0] = 1  # found in another sentence of a: agrees at statement level
    pred[2, 1] = 1  # statement b: signature predicted, not labelled: disagrees
    mask = np.ones_like(y, dtype=bool)
    mask[3, 2] = False  # C1 of statement b not fully annotated: not counted
    out = statement_agreement(y, pred, mask, ids)
    assert out["n"] == 2 * len(CRITERIA) - 1
    assert out["agree"] == out["n"] - 1
    assert out["per_criterion"]["approval"] == 1.0 and out["per_criterion"]["signature"] == 0.5
    rep = source_report(y, pred.astype(np.float32), np.full(len(CRITERIA), 0.5), mask, ids, ids == "a")
    assert rep["n_statements"] == 1 and rep["statements"]["share"] == 1.0


@pytest.mark.skipif(not (SHARED / AU_EXPERT_FILE).exists(), reason="../shared/labels has no expert AU set")
def test_shared_expert_set_has_all_questions_with_c1_and_c6_positives() -> None:
    frame, targets, mask = load_au_expert(SHARED)
    assert frame["statement_id"].nunique() == 15 and len(frame) == 1408
    positives = dict(zip(CRITERIA, targets.sum(0).tolist(), strict=True))
    assert positives["c1_reporting_entity"] == 28 and positives["c6_consultation"] == 14
    data = load_labelled(SHARED, ("uk", "aue"))
    c1 = CRITERIA.index("c1_reporting_entity")
    is_aue = (data.frame["source"] == "aue").to_numpy()
    assert data.mask[is_aue, c1].all() and not data.mask[~is_aue, c1].any()
