"""The rules baseline follows the guidelines' decision order on fictional sentences."""

import pytest

from classify.evidence_rules import CUE_NAMES, cue_matrix, rule_label, sentence_cues


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("We will roll out supplier training across all sites by 2026.", "commitment"),
        ("Fernhill Foods has a zero tolerance approach to forced labour.", "commitment"),
        ("If a supplier breaches the code, we will agree a corrective action plan.", "commitment"),
        ("During the year we audited 40 supplier sites against our code of conduct.", "action"),
        ("In 2023 we updated our supplier code of conduct and shared it with every vendor.", "action"),
        ("Our audits found three suppliers withholding passports; all were returned.", "impact"),
        ("We have not identified any instances of modern slavery in our supply chain this year.", "negative"),
        ("No concerns were raised through the hotline during the period.", "negative"),
        ("Brightwater Foods is headquartered in Leeds and employs 1,200 people.", "none"),
        ("CONTENTS", "none"),
    ],
)
def test_rule_label_follows_guidelines(text: str, label: str) -> None:
    assert rule_label(text) == label


def test_number_alone_is_not_impact() -> None:
    assert rule_label("In 2023, 1,500 colleagues completed our modern slavery training module.") == "action"


def test_future_framing_blocks_impact() -> None:
    text = "We will report the number of cases identified and remediated next year."
    assert rule_label(text) == "commitment"


def test_cue_matrix_shape_and_names() -> None:
    m = cue_matrix(["We will audit suppliers.", ""])
    assert m.shape == (2, len(CUE_NAMES))
    assert sentence_cues("We will audit suppliers.")["future"]
    assert not sentence_cues("our policy applies to all staff")["list"]
