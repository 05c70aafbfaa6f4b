"""The rule tables are data (classify/rules/*.toml, extract/rules/*.toml) read by small engines.

tests/files/rules/expected_rule_outputs.json holds fictional sentences and what the engines gave for
them when the rules were still Python code: criteria rule scores, per-statement rule matrices
(the neighbour rules), evidence cues and rule labels, the UK-area and AU verdict rules, and the
sentence splitter's cuts. The engines reading the data files must give exactly the same.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest

from classify import criteria_rules, evidence_rules, summary_areas
from classify.rule_tables import RULES_DIR, compile_patterns, load_table, pattern_text
from db.schema import CRITERIA
from extract.sentences import split_sentences
from extract.structures import Block, Page

FIXTURE = Path(__file__).parent / "files" / "rules" / "expected_rule_outputs.json"


@pytest.fixture(scope="module")
def expected() -> dict:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    blocks = {case["document"]: case["blocks"] for case in data["sentence_splits"]}
    for doc in data["statements"]:  # one statement's sentences: its blocks' texts, with their kinds
        doc["kinds"], doc["sentences"] = map(list, zip(*blocks[doc["document"]], strict=True))
    return data


def test_the_fixture_makes_every_criteria_rule_fire(expected):
    texts = [case["text"] for case in expected["sentences"]]
    silent = [
        r.pattern.pattern[:60] for r in criteria_rules.RULES if not any(r.pattern.search(t) for t in texts)
    ]
    assert not silent, f"rules no fixture sentence exercises: {silent}"


def test_criteria_rule_scores_are_unchanged(expected):
    for case in expected["sentences"]:
        got = criteria_rules.rule_scores(case["text"])
        assert np.array_equal(got, np.array(case["scores"], dtype=np.float32)), case["text"]


def test_statement_rule_matrices_are_unchanged(expected):
    for doc in expected["statements"]:
        got = criteria_rules.rule_matrix(doc["sentences"])
        assert np.array_equal(got, np.array(doc["rule_matrix"], dtype=np.float32)), doc["document"]


def test_evidence_cues_and_rule_labels_are_unchanged(expected):
    for case in expected["sentences"]:
        cues = evidence_rules.sentence_cues(case["text"])
        assert [name for name, on in cues.items() if on] == case["cues"], case["text"]
        assert evidence_rules.rule_label(case["text"]) == case["label"], case["text"]


def test_evidence_list_and_mask_rules_are_unchanged(expected):
    for doc in expected["statements"]:
        texts = doc["sentences"]
        assert evidence_rules.activity_counts(texts).astype(int).tolist() == doc["activity_counts"]
        assert evidence_rules.business_events(texts).astype(int).tolist() == doc["business_events"]
        assert evidence_rules.forward_list_items(texts).astype(int).tolist() == doc["forward_list_items"]


def test_uk_area_and_au_verdict_rules_are_unchanged(expected):
    statements = {doc["document"]: doc for doc in expected["statements"]}
    for case in expected["uk_areas"]:
        doc = statements[case["document"]]
        rows = []  # labelled rows as the fixture made them: criteria from the rule scores, evidence by rule
        for text, kind, scores in zip(doc["sentences"], doc["kinds"], doc["rule_matrix"], strict=True):
            row = {"text": text, "block_kind": kind, "evidence": evidence_rules.rule_label(text)}
            for name, p in zip(CRITERIA, scores, strict=True):
                row[name], row[f"{name}_p"] = int(p >= 0.5), p
            rows.append(row)
        areas = summary_areas.uk_area_sentences(rows)
        assert {a: [rows.index(r) for r in rs] for a, rs in areas.items()} == case["areas"], case["document"]
        assert summary_areas.au_criteria(rows) == case["au"], case["document"]


def page_of(blocks: list[list[str]]) -> Page:
    text, out = "", []
    for kind, block_text in blocks:
        text += "\n\n" if text else ""
        out.append(Block(kind, block_text, len(text), len(text) + len(block_text)))
        text += block_text
    return Page(1, text, tuple(out))


def test_sentence_splits_are_unchanged(expected):
    for case in expected["sentence_splits"]:
        got = split_sentences([page_of(case["blocks"])])
        assert [[s.block_idx, s.kind, s.char_start, s.char_end] for s in got] == case["sentences"], case[
            "document"
        ]


def test_every_rule_file_parses():
    files = sorted(Path(__file__).resolve().parents[1].glob("*/rules/*.toml"))
    assert {f.stem for f in files} >= {
        "criteria_rules",
        "evidence_cues",
        "uk_areas",
        "sentence_words",
        "boilerplate",
    }
    assert {f.stem for f in RULES_DIR.glob("*.toml")} == {"criteria_rules", "evidence_cues", "uk_areas"}
    for f in files:
        assert tomllib.loads(f.read_text(encoding="utf-8")), f.name
    assert load_table("uk_areas")["section_headings"]


def test_a_pattern_is_the_join_of_its_parts_with_fragments_filled_in():
    fragments = {"MS": "(forced labou?r|slavery)"}
    assert (
        pattern_text([r"\b{MS}\b", r".{0,20}\brisk"], fragments)
        == r"\b(forced labou?r|slavery)\b.{0,20}\brisk"
    )
    assert compile_patterns({"x": r"\bkpi{1,2}\b"})["x"].flags & re.IGNORECASE


def test_an_unknown_fragment_is_a_clear_error():
    with pytest.raises(ValueError, match="NOPE"):
        pattern_text(r"\b{NOPE}\b", {"MS": "slavery"})


def test_a_rule_for_an_unknown_criterion_is_a_clear_error():
    table = {"fragments": {}, "rule": [{"criterion": "c9_nothing", "weight": 0.5, "pattern": "x"}]}
    with pytest.raises(ValueError, match="c9_nothing"):
        criteria_rules.load_rules(table)
