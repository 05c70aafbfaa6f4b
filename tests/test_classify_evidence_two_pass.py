"""The two-pass evidence labels: positions and hashes only, joined back to real text from ../shared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db.schema import EVIDENCE_LABELS
from training.evidence_data import load_training, statement_group
from training.evidence_two_pass import LABELS_FILE, label_spec, load_two_pass

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
RESERVED = SHARED / "labels" / "evidence_reserved_statements.txt"


def test_labels_file_stores_no_text_and_valid_labels() -> None:
    spec = label_spec()
    assert spec["agreement"]["cohen_kappa"] > 0.8
    for entry in spec["statements"].values():
        for item in entry["items"]:
            assert set(item) <= {"idx", "sha1", "a", "b", "label", "drawn"}
            assert {item["a"], item["b"], item["label"]} <= set(EVIDENCE_LABELS)
            assert len(item["sha1"]) == 12
            assert item["label"] in (item["a"], item["b"]) or item["a"] != item["b"]


def test_no_reserved_statement_is_labelled() -> None:
    if not RESERVED.exists():
        pytest.skip("../shared absent")
    reserved = {
        line.strip().rsplit("-", 1)[1] for line in RESERVED.read_text().splitlines() if line.startswith("uk-")
    }
    keys = label_spec()["statements"]
    assert not [k for k in keys if k.startswith("ukh-") and k.rsplit("-", 1)[1] in reserved]


def test_groups_keep_a_company_together() -> None:
    assert statement_group("uk-hackathon-6") == statement_group("ukh-labeled-6") == "uk-6"
    assert statement_group("doc-UK-AU_airbus-se_2020.pdf") == statement_group(
        "doc-UK-AU-CA_airbus-se_2024.pdf"
    )
    assert statement_group("doc-AU_american-express-australia_2022.pdf") == statement_group(
        "doc-AU_american-express-australia_2024.pdf"
    )


def test_a_moved_sentence_is_dropped_not_mislabelled(tmp_path) -> None:
    spec = label_spec()
    key, entry = next((k, e) for k, e in spec["statements"].items() if k.startswith("ukh-"))
    frame = load_two_pass()
    if frame.empty:
        pytest.skip("../shared absent")
    item = dict(entry["items"][0])
    broken = {**spec, "statements": {key: {**entry, "items": [item, {**item, "sha1": "000000000000"}]}}}
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(broken))
    assert len(load_two_pass(path=path)) == 1


def test_training_rows_join_back_to_text() -> None:
    if not (SHARED / "labels" / "evidence_dev.csv").exists():
        pytest.skip("../shared absent")
    frame = load_training()
    stored = sum(len(e["items"]) for e in label_spec()["statements"].values())
    two = frame[frame["source"] == "two_pass"]
    assert len(two) >= 0.98 * stored  # sentences the extractor still gives the same way
    assert (two["label"] == "impact").sum() >= 100
    assert two["whole"].any() and (two["context_before"] != "").mean() > 0.9
    assert LABELS_FILE.exists()
