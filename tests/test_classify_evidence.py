"""EvidenceClassifier: the API the labeller calls, with committed weights and without."""

import numpy as np

from classify.evidence import EvidenceClassifier
from db.schema import EVIDENCE_LABELS

SENTENCES = [
    "Fernhill Foods Ltd grows and packs salad leaves in Kent.",
    "We are committed to preventing forced labour in our supply chain.",
    "During 2023 we audited 30 growers and trained every buyer.",
    "The audits found that one labour provider charged recruitment fees; 45 workers were reimbursed.",
    "We have not identified any cases of modern slavery in our own operations.",
]


def test_predict_shapes_and_labels() -> None:
    clf = EvidenceClassifier.load()
    labels, proba = clf.predict(SENTENCES)
    assert len(labels) == len(SENTENCES) and proba.shape == (len(SENTENCES), len(EVIDENCE_LABELS))
    assert set(labels) <= set(EVIDENCE_LABELS)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    assert labels == [EVIDENCE_LABELS[i] for i in proba.argmax(axis=1)]


def test_predict_empty() -> None:
    labels, proba = EvidenceClassifier.load().predict([])
    assert labels == [] and proba.shape == (0, len(EVIDENCE_LABELS))


def test_rules_fallback_without_weights(tmp_path) -> None:
    clf = EvidenceClassifier.load(tmp_path)
    assert clf.meta["kind"] == "rules"
    labels, _ = clf.predict(SENTENCES)
    assert labels[1] == "commitment" and labels[4] == "negative"


def test_clear_cases() -> None:
    labels, _ = EvidenceClassifier.load().predict(SENTENCES)
    assert labels[0] == "none"
    assert labels[1] == "commitment"
    assert labels[4] == "negative"
