"""The entity linking rules (publish/entity_linking.py) on fictional organisations and filings."""

from __future__ import annotations

import pytest

from publish.entity_linking import (
    SCORES,
    Filing,
    Organisation,
    link_organisations,
    name_key,
)


def uk(org_id: str, name: str, number: str | None = None) -> Organisation:
    return Organisation(org_id, name, "uk", company_number=number)


def au(org_id: str, name: str, abn: str | None = None, acn: str | None = None, arbn=None) -> Organisation:
    return Organisation(org_id, name, "au", abn=abn, acn=acn, arbn=arbn)


def single(statement_id: str, org_id: str, role: str = "member", *documents: str) -> Filing:
    return Filing(statement_id, ((org_id, role),), documents)


@pytest.mark.parametrize(
    ("name", "core", "family", "qualifier"),
    [
        ("Brightwater Foods Limited", "brightwater foods", "limited", None),
        ("BRIGHTWATER FOODS LTD.", "brightwater foods", "limited", None),
        ("Brightwater Foods Australia Pty Ltd", "brightwater foods", "pty", "australia"),
        ("Brightwater Foods (Australia) Pty Limited", "brightwater foods", "pty", "australia"),
        ("Brightwater Foods (UK) Ltd", "brightwater foods", "limited", "uk"),
        ('The "Blue Anchor" Trading Company Limited', "blue anchor trading company", "limited", None),
        ("Kestrel Print & Packaging Limited", "kestrel print and packaging", "limited", None),
        ("Hartwell Group plc", "hartwell group", "plc", None),
        ("Fellgate Dyeing GmbH", "fellgate dyeing", "gmbh", None),
        ("Harbourline Inc.", "harbourline", "inc", None),
        ("Harbourline Holdings, LLC", "harbourline holdings", "llc", None),
        ("Waratah Shipping Company of Australia Limited", "waratah shipping company", "limited", "australia"),
        ("The Limited", "limited", None, None),  # a name that is nothing but a suffix keeps it
    ],
)
def test_name_key_drops_legal_forms_punctuation_and_country_words(name, core, family, qualifier):
    key = name_key(name)
    assert (key.core, key.family, key.qualifier) == (core, family, qualifier)


def entities_of(organisations, filings):
    linking = link_organisations(organisations, filings)
    return linking, {frozenset(members) for members in linking.members.values()}


def test_same_name_in_one_registry_merges_and_conflicting_numbers_do_not():
    orgs = [
        uk("uk-org-harbourline-ltd", "Harbourline Ltd"),
        uk("uk-co-99000001", "HARBOURLINE LIMITED", "99000001"),
        uk("uk-co-99000002", "Harbourline Limited", "99000002"),
    ]
    linking, entities = entities_of(orgs, [])
    # Two numbers mean two legal entities; a name without a number could be either of them.
    assert len(entities) == 3
    assert linking.entity_of["uk-co-99000001"] != linking.entity_of["uk-co-99000002"]
    assert {(c.why, c.sure) for c in linking.candidates} == {
        ("conflicting_numbers", False),
        ("ambiguous_name", False),
    }


def test_acn_inside_an_abn_links_and_abn_scores_full():
    orgs = [
        au("au-acn-612345678", "FELLGATE DYEING PTY LTD", acn="612345678"),
        au("au-abn-11612345678", "Fellgate Dyeing Pty Limited", abn="11612345678"),
        au("au-abn-22612345670", "Fellgate Dyeing Pty Ltd", abn="22612345670"),
    ]
    linking, entities = entities_of(orgs, [])
    assert frozenset({"au-acn-612345678", "au-abn-11612345678"}) in entities
    assert "au-abn-22612345670" not in linking.members[linking.entity_of["au-acn-612345678"]]
    # Two ABNs ending in the same nine digits, and no ACN stated: two entities.
    _, apart = entities_of(
        [
            au("au-abn-11712345678", "Alpha Pty Ltd", abn="11712345678"),
            au("au-abn-33712345678", "Beta", abn="33712345678"),
        ],
        [],
    )
    assert len(apart) == 2
    joined = {linking.joined_by[o] for o in ("au-acn-612345678", "au-abn-11612345678")}
    assert joined == {("abn", 1.0), ("acn", SCORES["acn"])}


def test_other_legal_form_across_registries_is_only_a_candidate():
    orgs = [
        uk("uk-co-99000010", "Harbourline Marine Limited", "99000010"),
        au("au-abn-33000000010", "HARBOURLINE MARINE PTY LTD", abn="33000000010"),
        au("au-abn-33000000011", "Harbourline Marine (Australia) Pty Ltd", abn="33000000011"),
    ]
    linking, entities = entities_of(orgs, [])
    assert len(entities) == 3  # nothing merged: candidates keep every organisation in its own entity
    reasons = {frozenset({c.a, c.b}): c.why for c in linking.candidates}
    assert reasons[frozenset({"au-abn-33000000010", "uk-co-99000010"})] == "other_legal_form"
    assert reasons[frozenset({"au-abn-33000000011", "uk-co-99000010"})] == "country_qualifier"
    assert all(not c.sure and c.score < SCORES["normalised_name"] for c in linking.candidates)


def test_same_name_and_form_across_registries_links_but_a_one_word_name_does_not():
    orgs = [
        uk("uk-co-99000020", "Harbourline Marine Limited", "99000020"),
        au("au-org-harbourline-marine-limited", "HARBOURLINE MARINE LIMITED"),
        uk("uk-co-99000021", "Fellgate Limited", "99000021"),
        au("au-org-fellgate-limited", "FELLGATE LIMITED"),
    ]
    linking, entities = entities_of(orgs, [])
    assert frozenset({"uk-co-99000020", "au-org-harbourline-marine-limited"}) in entities
    assert linking.entity_of["au-org-fellgate-limited"] != linking.entity_of["uk-co-99000021"]


def test_a_group_member_filing_alone_joins_its_group_through_its_number():
    group = Filing(
        "uk-2022-G",
        (
            ("uk-co-99100000", "member"),
            ("uk-co-99100000", "parent"),
            ("uk-co-99100001", "member"),
            ("uk-org-fellgate-security-limited", "member"),
        ),
    )
    alone = Filing("uk-2023-L", (("uk-co-99100001", "member"), ("uk-org-fellgate-group-plc", "parent")))
    orgs = [
        uk("uk-co-99100000", "Fellgate Group plc", "99100000"),
        uk("uk-co-99100001", "Fellgate Logistics Limited", "99100001"),
        uk("uk-org-fellgate-security-limited", "Fellgate Security Limited"),
        uk("uk-org-fellgate-group-plc", "FELLGATE GROUP PLC"),
        uk("uk-co-99100002", "Fellgate Dairies Limited", "99100002"),  # same first word, no link
    ]
    linking, entities = entities_of(orgs, [group, alone])
    assert frozenset(o.organisation_id for o in orgs[:4]) in entities
    assert frozenset({"uk-co-99100002"}) in entities
    assert linking.joined_by["uk-org-fellgate-security-limited"] == ("parent_name", SCORES["parent_name"])


def test_the_same_document_links_filers_in_both_registries():
    orgs = [
        uk("uk-co-99200000", "Waratah Metals (UK) Limited", "99200000"),
        au("au-abn-1", "WARATAH METALS LTD", "1"),
    ]
    filings = [
        single("uk-2023-W", "uk-co-99200000", "member", "doc-a"),
        single("au-2022-9", "au-abn-1", "reporting", "doc-a"),
    ]
    linking, entities = entities_of(orgs, filings)
    assert entities == {frozenset({"uk-co-99200000", "au-abn-1"})}
    assert linking.candidates == []  # the name candidate is moot once the document merged them
    assert "same_document" in {kind for kind, _ in linking.joined_by.values()}


def test_a_document_filed_by_many_statements_is_a_candidate_only():
    orgs = [uk(f"uk-co-9930000{i}", f"Company {i} Limited", f"9930000{i}") for i in range(8)]
    filings = [
        single(f"uk-2023-{i}", org.organisation_id, "member", "template") for i, org in enumerate(orgs)
    ]
    linking, entities = entities_of(orgs, filings)
    assert len(entities) == 8
    assert {c.why for c in linking.candidates} == {"shared_document_widely"}


def test_every_organisation_gets_exactly_one_entity_rooted_at_a_number():
    orgs = [
        uk("uk-org-harbourline-limited", "Harbourline Limited"),
        uk("uk-co-99400000", "Harbourline Ltd", "99400000"),
    ]
    linking, _ = entities_of(orgs, [])
    assert set(linking.entity_of) == {o.organisation_id for o in orgs}
    assert set(linking.entity_of.values()) == {"uk-co-99400000"}
    assert linking.joined_by["uk-co-99400000"] == ("company_number", 1.0)
