"""The msa_sentence_rules spaCy component and the block-aware splitter."""

from __future__ import annotations

import spacy

from extract.sentences import sentence_pipeline, split_sentences
from extract.structures import Block, Page


def sents(text: str) -> list[str]:
    return [s.text.strip() for s in sentence_pipeline()(text).sents]


def test_component_is_registered_by_name():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("msa_sentence_rules", after="sentencizer")
    assert [s.text for s in nlp("No. 5 is done. We audit.").sents] == ["No. 5 is done.", "We audit."]


def test_abbreviations_do_not_end_sentences():
    assert sents("We use tools, e.g. audits, and others. See Fig. 3 for details.") == [
        "We use tools, e.g. audits, and others.",
        "See Fig. 3 for details.",
    ]
    assert sents("Brightwater Foods Pty Ltd. is based in Perth.") == [
        "Brightwater Foods Pty Ltd. is based in Perth."
    ]


def test_company_suffix_can_still_close_a_sentence():
    assert sents("We acquired Acme Pty Ltd. We then audited it.") == [
        "We acquired Acme Pty Ltd.",
        "We then audited it.",
    ]


def test_numbered_list_keeps_its_enumerators():
    assert sents("1. Introduction of the policy. 2. Next item here.") == [
        "1. Introduction of the policy.",
        "2. Next item here.",
    ]


def test_bullets_without_full_stops_split():
    assert sents("Our policies include: • Code of Conduct • Supplier Code") == [
        "Our policies include:",
        "• Code of Conduct",
        "• Supplier Code",
    ]
    assert sents("Key actions\n- audit suppliers\n- train staff\nWe also did more.") == [
        "Key actions",
        "- audit suppliers",
        "- train staff",
        "We also did more.",
    ]


def test_heading_running_into_the_next_sentence_is_split():
    assert sents("Supply Chain Risk Mapping In 2020, even greater focus was placed on suppliers.") == [
        "Supply Chain Risk Mapping",
        "In 2020, even greater focus was placed on suppliers.",
    ]
    assert sents("Our Supply Chains\nWe buy goods.") == ["Our Supply Chains", "We buy goods."]


def test_line_broken_mid_sentence_is_joined():
    assert sents("This statement\nis made under section 54 of the Act.") == [
        "This statement\nis made under section 54 of the Act."
    ]


def test_empty_and_blank_blocks_give_no_sentences():
    blocks = (Block("paragraph", "", 0, 0), Block("paragraph", "   ", 2, 5))
    assert split_sentences([Page(1, "\n\n   ", blocks)]) == []


def test_split_sentences_keeps_page_block_kind_and_offsets():
    blocks = [
        Block("heading", "Our Policies", 0, 12),
        Block("list_item", "• Code of Conduct", 14, 31),
        Block("table", "Year | Audits\n2023 | 45", 33, 56),
    ]
    page = Page(3, "\n\n".join(b.text for b in blocks), tuple(blocks))
    out = split_sentences([page])
    assert [(s.kind, s.text) for s in out] == [
        ("heading", "Our Policies"),
        ("list_item", "Code of Conduct"),
        ("table", "Year | Audits"),
        ("table", "2023 | 45"),
    ]
    assert all(page.text[s.char_start : s.char_end] == s.text and s.page_no == 3 for s in out)
    assert [s.block_idx for s in out] == [0, 1, 2, 2]
