"""Statement summary rows: counts, impact share, criteria, AU verdicts, UK mismatch, rationale."""

import json

from classify.summary import SUMMARY_VERSION, summarise_statement
from classify.summary_areas import MET, NOT_MET, PARTLY, au_verdict
from db.schema import AU_CRITERIA, CRITERIA, UK_AREAS


def _row(idx: int, text: str, evidence: str, p: float = 0.9, page: int = 1, **criteria: int) -> dict:
    row = {
        "sentence_id": f"doc-{idx:05d}",
        "sentence_idx": idx,
        "page_no": page,
        "text": text,
        "evidence": evidence,
        "evidence_p": p,
        "document_id": "doc",
    }
    for c in CRITERIA:
        row[c] = criteria.get(c, 0)
        row[f"{c}_p"] = 0.9 if row[c] else 0.05
    return row


SENTENCES = [
    _row(0, "Brightwater Foods Ltd makes soups in Leeds.", "none", c2_operations=1, c1_reporting_entity=1),
    _row(1, "Our group has two subsidiaries.", "none", c2_structure=1),
    _row(2, "We buy vegetables from farms in Spain and Kenya.", "none", c2_supply_chains=1),
    _row(3, "Seasonal agriculture carries a higher risk of forced labour.", "none", c3_risk_description=1),
    _row(4, "Our supplier code of conduct prohibits recruitment fees.", "commitment", c4_risk_mitigation=1),
    _row(5, "We audited 12 farms in 2023.", "action", page=2, c4_risk_mitigation=1),
    _row(
        6,
        "Two farms were found charging fees; 80 workers were repaid.",
        "impact",
        p=0.8,
        page=3,
        c4_remediation=1,
        c5_effectiveness=1,
    ),
    _row(7, "We will train buyers next year.", "commitment", page=3, c4_risk_mitigation=1),
    _row(8, "This statement was approved by the board.", "none", page=4, approval=1),
    _row(9, "Signed by Jane Example, Managing Director.", "none", page=4, signature=1),
]


def test_summary_row_has_every_schema_column() -> None:
    row = summarise_statement({"statement_id": "uk-2023-1", "jurisdiction": "UK"}, SENTENCES)
    expected = {
        "statement_id",
        "summary_version",
        "document_id",
        "sentence_count",
        "impact_share",
        "n_impact_confident",
        "shows_impact",
        "uk_mismatch",
        "criteria_sentences",
        "top_impact",
        "signatory",
        "rationale",
    }
    expected |= {f"n_{x}" for x in ("commitment", "action", "impact", "negative", "none")}
    expected |= set(CRITERIA) | set(AU_CRITERIA) | {f"uk_detected_{a}" for a in UK_AREAS}
    assert set(row) == expected
    assert row["summary_version"] == SUMMARY_VERSION
    assert row["document_id"] == "doc"


def test_counts_and_impact_share() -> None:
    row = summarise_statement({"statement_id": "s", "jurisdiction": "AU"}, SENTENCES)
    assert (row["n_commitment"], row["n_action"], row["n_impact"], row["n_none"]) == (2, 1, 1, 6)
    assert row["impact_share"] == 0.25
    top = json.loads(row["top_impact"])
    assert top[0]["sentence_id"] == "doc-00006" and top[0]["page_no"] == 3


def test_criteria_addressed_and_cited() -> None:
    row = summarise_statement({"statement_id": "s", "jurisdiction": "AU"}, SENTENCES)
    assert row["approval"] == 1 and row["signature"] == 1 and row["c6_consultation"] == 0
    assert json.loads(row["criteria_sentences"])["c4_remediation"] == ["doc-00006"]
    assert row["signatory"] == "Jane Example"


def test_au_verdicts() -> None:
    row = summarise_statement({"statement_id": "s", "jurisdiction": "AU"}, SENTENCES)
    assert row["au_c2"] == MET  # structure, operations and supply chains all present
    assert row["au_c3"] == PARTLY  # one risk sentence only
    assert row["au_c4"] == MET
    assert row["au_c5"] == MET  # the effectiveness sentence reports an outcome
    assert row["au_c6"] == NOT_MET


def test_effectiveness_only_promised_is_partly() -> None:
    rows = [_row(0, "We will measure effectiveness with KPIs.", "commitment", c5_effectiveness=1)]
    assert au_verdict(rows, "au_c5") == PARTLY


def test_uk_mismatch_against_registry_declaration() -> None:
    statement = {
        "statement_id": "s",
        "jurisdiction": "UK",
        "declared_org_structure": 1,
        "declared_policies": 1,
        "declared_risk_assessment": 1,
        "declared_due_diligence": 1,
        "declared_training": 1,
        "declared_goals": 0,
    }
    row = summarise_statement(statement, SENTENCES)
    assert row["uk_detected_due_diligence"] == 1 and row["uk_detected_policies"] == 1
    # "We will train buyers next year" is a promise: training is declared, not yet in the text;
    # workers repaid is an outcome, not a goal or KPI.
    assert row["uk_detected_training"] == 0 and row["uk_detected_goals"] == 0
    assert json.loads(row["uk_mismatch"]) == ["training:declared_not_detected"]
    kpi = _row(10, "We track three indicators every quarter.", "action", c5_effectiveness=1)
    row = summarise_statement(statement, [*SENTENCES, kpi])
    assert json.loads(row["uk_mismatch"]) == ["training:declared_not_detected", "goals:detected_not_declared"]


def test_no_declaration_means_no_mismatch_claim() -> None:
    row = summarise_statement({"statement_id": "s", "jurisdiction": "UK"}, SENTENCES)
    assert row["uk_mismatch"] is None


def test_rationale_cites_sentence_ids() -> None:
    row = summarise_statement({"statement_id": "s", "jurisdiction": "AU"}, SENTENCES)
    assert "doc-00006" in row["rationale"] and "impact share 25%" in row["rationale"]


def test_empty_statement() -> None:
    row = summarise_statement({"statement_id": "s", "jurisdiction": "AU"}, [])
    assert row["sentence_count"] == 0 and row["impact_share"] is None
    assert row["au_c1"] == NOT_MET


def test_shows_impact_only_on_a_confident_impact_sentence() -> None:
    statement = {"statement_id": "s", "jurisdiction": "UK"}
    impact = [r for r in SENTENCES if r["evidence"] == "impact"]
    assert impact, "the fixture needs an impact sentence"
    top = max(float(r["evidence_p"]) for r in impact)
    shown = summarise_statement(statement, SENTENCES, impact_confidence=top)
    assert shown["shows_impact"] == 1 and shown["n_impact_confident"] >= 1
    hidden = summarise_statement(statement, SENTENCES, impact_confidence=top + 0.01)
    assert hidden["shows_impact"] == 0 and hidden["n_impact_confident"] == 0
    assert hidden["n_impact"] == shown["n_impact"]  # the count of labels is unchanged
