"""Real-data loaders and the future-task scorer (skipped where ../shared is absent)."""

from pathlib import Path

import pytest

from classify.evidence import EvidenceClassifier
from db.schema import EVIDENCE_LABELS
from training.evidence_data import load_aims_ca, load_aims_uk, load_dev
from training.evidence_eval import label_report, score_future

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
pytestmark = pytest.mark.skipif(not (SHARED / "labels" / "evidence_dev.csv").exists(), reason="no ../shared")


def test_dev_file_has_the_five_labels() -> None:
    dev = load_dev(SHARED)
    assert set(dev["label"]) == set(EVIDENCE_LABELS)
    assert dev["statement_id"].nunique() > 100


def test_aims_uk_task_matches_aimscheck_figures() -> None:
    uk = load_aims_uk(SHARED)
    assert len(uk.task) == 1247 and uk.task["target"].sum() == 90
    assert set(uk.task["sentence_id"]) <= set(uk.sentences["sentence_id"])
    report = score_future(EvidenceClassifier.load(Path("/nonexistent")), uk, None)
    assert report["aimscheck_recomputed"]["macro_f1"] == pytest.approx(0.668, abs=1e-3)
    assert report["aimscheck_recomputed"]["accuracy"] == pytest.approx(0.864, abs=1e-3)


def test_aims_ca_future_ids_are_sentences() -> None:
    ca = load_aims_ca(SHARED)
    assert ca.sentences["future"].sum() == 48 and ca.task["target"].sum() > 30


def test_label_report_shapes() -> None:
    report = label_report(["action", "none"], ["action", "commitment"])
    assert len(report["confusion"]) == len(EVIDENCE_LABELS) and report["per_label"]["action"]["f1"] == 1.0
