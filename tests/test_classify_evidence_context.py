"""The evidence layer reads each sentence with its true neighbours, from one encoder pass."""

from __future__ import annotations

import numpy as np

from classify import Labeller
from classify.context import adjacent, first_sentence, last_sentence, neighbour_vectors
from classify.evidence import EvidenceClassifier

FINDING = "Two suppliers were found to retain workers' passports."
FOLLOW_UP = "Both returned them and were re-audited within a month."
OTHER = "Our head office is in Leeds."


def test_neighbours_are_rows_one_position_apart() -> None:
    prev_ok, next_ok = adjacent([3, 4, 9, 10, 11], 5)
    assert prev_ok.tolist() == [False, True, False, True, True]
    assert next_ok.tolist() == [True, False, True, True, False]
    prev_ok, next_ok = adjacent(None, 3)
    assert prev_ok.tolist() == [False, True, True] and next_ok.tolist() == [True, True, False]


def test_neighbour_vectors_are_zero_where_no_neighbour() -> None:
    vectors = np.arange(12, dtype=np.float32).reshape(4, 3) + 1
    prev, nxt = neighbour_vectors(vectors, [0, 1, 5, 6])
    np.testing.assert_array_equal(prev[1], vectors[0])
    assert not prev[0].any() and not prev[2].any() and not nxt[1].any()
    np.testing.assert_array_equal(nxt[2], vectors[3])


def test_context_strings_cut_to_the_adjacent_sentence() -> None:
    assert last_sentence("We audit growers. Two suppliers were found to retain passports.") == (
        "Two suppliers were found to retain passports."
    )
    assert first_sentence("Both returned them. We will re-audit in 2025.") == "Both returned them."


def test_committed_model_reads_context_when_trained_with_it() -> None:
    clf = EvidenceClassifier.load()
    assert clf.uses_embeddings and clf.meta.get("context_weight"), "the committed model reads context"
    labeller = Labeller.load()
    vectors = labeller.criteria.embed([OTHER, FOLLOW_UP, FINDING])
    alone = clf.predict_proba([FOLLOW_UP], vectors[1:2], (np.zeros((1, 384)), np.zeros((1, 384))))
    after_finding = clf.predict_proba([FOLLOW_UP], vectors[1:2], (vectors[2:3], np.zeros((1, 384))))
    assert not np.allclose(alone, after_finding)


def test_csv_context_columns_stand_in_for_missing_neighbours() -> None:
    labeller = Labeller.load()
    sampled = labeller.label_document([FOLLOW_UP, OTHER], positions=[7, 40])
    with_context = labeller.label_document(
        [FOLLOW_UP, OTHER], positions=[7, 40], context_texts=(["We audit. " + FINDING, ""], ["", ""])
    )
    in_document = labeller.label_document([FINDING, FOLLOW_UP])
    assert abs(with_context[0].evidence_p - in_document[1].evidence_p) < 0.05
    assert (
        sampled[0].evidence_p != with_context[0].evidence_p or sampled[0].evidence != with_context[0].evidence
    )
