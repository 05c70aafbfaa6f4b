"""The committed criteria model loads offline and gives sensible output on fictional sentences."""

import os

import numpy as np
import pytest

from classify.context import context_features, group_slices, shift, window_mean
from classify.criteria import MODEL_DIR, CriteriaClassifier
from db.schema import CRITERIA

# A fictional statement written for this test.
STATEMENT = [
    "Modern Slavery Statement 2024",
    "Wattle Grocers Pty Ltd (ABN 98 765 432 109) is the reporting entity for this statement.",
    "Wattle Grocers runs 48 supermarkets and two distribution centres across Queensland.",
    "Our suppliers provide fresh produce, packaging and cleaning services, mainly from Thailand.",
    "Seasonal farm work and outsourced cleaning carry a higher risk of forced labour and debt bondage.",
    "All suppliers must sign our Supplier Code of Conduct and complete an ethical sourcing questionnaire.",
    "Where we find a case we work with the supplier on remediation, including repaying recruitment fees.",
    "We measure the effectiveness of these actions with KPIs, such as the share of buyers trained (92%).",
    "We consulted our two controlled entities while preparing this statement.",
    "This statement was approved by the Board of Wattle Grocers Pty Ltd on 10 December 2024.",
    "Signed: Priya Natarajan, Chair of the Board",
]


@pytest.fixture(scope="module")
def clf() -> CriteriaClassifier:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return CriteriaClassifier.load()


def test_committed_model_is_present() -> None:
    assert (MODEL_DIR / "head.npz").exists() and (MODEL_DIR / "meta.json").exists()


def test_predict_proba_shape_and_range(clf: CriteriaClassifier) -> None:
    p = clf.predict_proba(STATEMENT)
    assert p.shape == (len(STATEMENT), len(CRITERIA))
    assert np.isfinite(p).all() and (p >= 0).all() and (p <= 1).all()
    assert clf.thresholds.shape == (len(CRITERIA),)
    assert clf.predict_proba([]).shape == (0, len(CRITERIA))


def test_model_is_not_the_rules_fallback(clf: CriteriaClassifier) -> None:
    assert clf.head is not None and clf.version != "rules"


@pytest.mark.parametrize(
    ("row", "criterion"),
    [
        (1, "c1_reporting_entity"),
        (2, "c2_operations"),
        (3, "c2_supply_chains"),
        (4, "c3_risk_description"),
        (5, "c4_risk_mitigation"),
        (6, "c4_remediation"),
        (7, "c5_effectiveness"),
        (8, "c6_consultation"),
        (9, "approval"),
        (10, "signature"),
    ],
)
def test_each_criterion_scores_its_own_sentence_highest(
    clf: CriteriaClassifier, row: int, criterion: str
) -> None:
    p = clf.predict_proba(STATEMENT)
    j = CRITERIA.index(criterion)
    assert p[row, j] >= clf.thresholds[j]
    assert p[0, j] < clf.thresholds[j]  # the title line is relevant to nothing


def test_embeddings_can_be_shared(clf: CriteriaClassifier) -> None:
    emb = clf.embed(STATEMENT)
    assert emb.shape == (len(STATEMENT), 384)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-3)
    np.testing.assert_allclose(clf.predict_proba(STATEMENT, emb), clf.predict_proba(STATEMENT), atol=1e-6)


def test_rules_only_fallback_works_without_a_model() -> None:
    rules = CriteriaClassifier.rules_only()
    y = rules.predict(STATEMENT)
    assert y.shape == (len(STATEMENT), len(CRITERIA))
    assert y[9, CRITERIA.index("approval")] == 1


def test_context_blocks_stay_inside_the_statement() -> None:
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    assert (shift(x, 1)[0] == 0).all() and (shift(x, 1)[1] == x[0]).all()
    assert (shift(x, -1)[-1] == 0).all() and (shift(x, -1)[0] == x[1]).all()
    np.testing.assert_allclose(window_mean(x, 1)[0], x[1])
    np.testing.assert_allclose(window_mean(x, 1)[1], (x[0] + x[2]) / 2)
    assert context_features(x).shape == (4, 15)
    assert group_slices(["a", "a", "b"]) == [slice(0, 2), slice(2, 3)]


def test_label_version_changes_with_the_weights(tmp_path) -> None:
    """A retrained model keeps its recipe name, yet labels made by the old weights must go stale."""
    from classify import _model_version

    (tmp_path / "meta.json").write_text('{"version": "criteria-x"}')
    (tmp_path / "head.npz").write_bytes(b"weights one")
    (tmp_path / "cv_report.json").write_text("{}")
    first = _model_version(tmp_path / "meta.json", "rules")
    assert first.startswith("criteria-x@")
    (tmp_path / "cv_report.json").write_text('{"macro": 1}')  # a report is not a weight
    assert _model_version(tmp_path / "meta.json", "rules") == first
    (tmp_path / "head.npz").write_bytes(b"weights two")
    assert _model_version(tmp_path / "meta.json", "rules") != first
    assert _model_version(tmp_path / "missing.json", "rules") == "rules"
