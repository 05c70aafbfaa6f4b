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


def test_decide_reproduces_predict_proba_and_weights_move_the_argmax() -> None:
    from classify.evidence import RuleMasks

    clf = EvidenceClassifier.load()
    if not clf.heads:
        return
    head_proba, head = clf.head_proba(SENTENCES)
    masks = RuleMasks.of(SENTENCES)
    decided = clf.decide(head_proba, masks, clf.class_weights(head))
    np.testing.assert_allclose(decided, clf.predict_proba(SENTENCES), atol=1e-6)
    weights = np.ones(len(EVIDENCE_LABELS))
    weights[EVIDENCE_LABELS.index("commitment")] = 1e6
    meta = {**clf.meta, "class_weights": {head: weights.tolist()}}
    labels, proba = EvidenceClassifier(clf.vocab, clf.heads, meta, clf.labels).predict(SENTENCES)
    assert labels == ["commitment"] * len(SENTENCES)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)


def test_choose_class_weights_raises_an_under_called_label() -> None:
    from classify.evidence import RuleMasks
    from training.evidence_train import IMPACT, choose_class_weights

    action, none = EVIDENCE_LABELS.index("action"), EVIDENCE_LABELS.index("none")
    y = np.array([IMPACT] * 10 + [action] * 10 + [none] * 10)
    head = np.full((30, len(EVIDENCE_LABELS)), 0.0, dtype=np.float32)
    head[:10, IMPACT], head[:10, action] = 0.4, 0.6  # impact read as action
    head[10:20, IMPACT], head[10:20, action] = 0.1, 0.9
    head[20:, none] = 1.0
    no_rules = RuleMasks(*(np.zeros(30, dtype=bool) for _ in range(3)))
    weights = choose_class_weights(y, head, no_rules)
    assert 1.5 < weights[IMPACT] < 9 and weights[none] == 1.0
    decided = EvidenceClassifier.decide(head, no_rules, weights).argmax(axis=1)
    assert (decided == y).all()
