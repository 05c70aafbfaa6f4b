"""A small fictional corpus written through the schema, for the publishing tests and the benchmark.

Every organisation, sentence and URL here is invented (hosts under the reserved `.example`
TLD). Labels are written as they are, not computed, so the tests check the published queries
against values they can see, whatever the classifiers currently say; each statement's summary
is the real `classify.summarise_statement` of those labels, as the classify stage writes it.
The comment on each statement says which verdicts its sentences are there to produce.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from classify.summary import summarise_statement
from db import connect
from db.schema import CRITERIA, UK_AREAS
from msa import build_stage

LABEL_VERSION = "fixture-1"
SUMMARISED_AT = "2024-01-01T00:00:00+00:00"
# The fixture's impact sentences are labelled with p = 0.9; a fixed threshold keeps `shows_impact`
# independent of the committed evidence model's.
IMPACT_CONFIDENCE = 0.75
ZERO_TOLERANCE = (
    "{org} has a zero tolerance approach to modern slavery and human trafficking in its business."
)
NO_FEES = (
    "We expect every supplier to follow the Employer Pays Principle, "
    "so that no worker pays a recruitment fee."
)


@dataclass
class Line:
    """One sentence: its text, evidence label, positive criteria and page; `borderline` names
    criteria it is not labelled with but scores 0.4 on (a borderline mention)."""

    text: str
    evidence: str = "none"
    criteria: tuple[str, ...] = ()
    page: int = 1
    borderline: tuple[str, ...] = ()


@dataclass
class Statement:
    statement_id: str
    jurisdiction: str
    year: int
    organisation: tuple[str, str]  # (organisation_id, name)
    lines: list[Line] = field(default_factory=list)
    members: tuple[tuple[str, str], ...] = ()
    sectors: tuple[str, ...] = ()
    turnover: str | None = None
    declared: dict[str, int] = field(default_factory=dict)
    email_only: bool = False
    statement_type: str = "single"


HARBOURLINE = ("uk-co-90000001", "Harbourline Foods Limited")
FELLGATE = ("uk-co-90000002", "Fellgate Textiles plc")
FELLGATE_DYEING = ("uk-co-90000003", "Fellgate Dyeing Limited")
KESTREL = ("uk-co-90000004", "Kestrel Logistics Ltd")
WATTLE = ("au-abn-90000000001", "Wattle Ridge Mining Pty Ltd")
BANKSIA = ("au-abn-90000000002", "Banksia Retail Group")
ALL_DECLARED = {area: 1 for area in UK_AREAS}


def statements() -> list[Statement]:
    """The fictional statements, chosen so each published query has rows to find and rows to skip."""
    zero = ZERO_TOLERANCE
    return [
        Statement(
            "uk-2021-HLF00001",
            "uk",
            2021,
            HARBOURLINE,
            sectors=("Food and beverages",),
            turnover="£60 million to £100 million",
            declared=ALL_DECLARED,
            # UK areas found: all but training and goals (declared, so two mismatches).
            lines=[
                Line(zero.format(org="Harbourline Foods"), "commitment", ("c4_risk_mitigation",)),
                Line(
                    "Harbourline Foods makes chilled soups and sauces at two sites in Yorkshire.",
                    "none",
                    ("c2_operations",),
                ),
                Line(
                    "Our supplier code of conduct applies to every supplier, and we carried out a risk "
                    "assessment and audits of our high-risk suppliers in 2021.",
                    "action",
                    ("c4_risk_mitigation",),
                ),
                Line(
                    "We will introduce supplier audits for our prawn processors next year.",
                    "commitment",
                    ("c4_risk_mitigation",),
                    2,
                ),
                Line(NO_FEES, "commitment", ("c4_risk_mitigation",), 2),
                Line(
                    "This statement was approved by the Board of Directors on 30 June 2021.",
                    "none",
                    ("approval",),
                    3,
                ),
            ],
        ),
        Statement(
            "uk-2022-HLF00001",
            "uk",
            2022,
            HARBOURLINE,
            sectors=("Food and beverages",),
            turnover="£60 million to £100 million",
            declared=ALL_DECLARED,
            # UK areas found: all six.
            lines=[
                Line(zero.format(org="HARBOURLINE FOODS LIMITED"), "commitment", ("c4_risk_mitigation",)),
                Line(
                    "We audited 12 prawn processors in Thailand during 2022, using an independent auditor.",
                    "action",
                    ("c4_risk_mitigation", "c3_risk_description", "c2_supply_chains"),
                    2,
                ),
                Line(
                    "Our supplier code of conduct sets out what we require of every supplier we buy from.",
                    "none",
                    ("c4_risk_mitigation",),
                    2,
                ),
                Line(
                    "In 2022, 37 migrant workers at a prawn processor in Thailand were repaid recruitment "
                    "fees totalling £21,400.",
                    "impact",
                    ("c4_remediation",),
                    3,
                ),
                Line(NO_FEES, "commitment", ("c4_risk_mitigation",), 3),
                Line(
                    "All buyers completed modern slavery training in 2022.",
                    "action",
                    ("c4_risk_mitigation",),
                    3,
                ),
                Line(
                    "We track the share of high-risk suppliers with a current audit as our key measure.",
                    "action",
                    ("c5_effectiveness",),
                    4,
                ),
                Line("This statement was approved by the Board on 28 June 2022.", "none", ("approval",), 4),
                Line("Signed: Amelia Hart, Managing Director.", "none", ("signature",), 4),
            ],
        ),
        Statement(
            "uk-2023-HLF00001",
            "uk",
            2023,
            HARBOURLINE,
            sectors=("Food and beverages",),
            turnover="£100 million to £500 million",
            declared={**ALL_DECLARED, "goals": 0},
            # UK areas found: all six (goals not declared: one mismatch).
            lines=[
                Line(zero.format(org="Harbourline Foods Ltd"), "commitment", ("c4_risk_mitigation",)),
                Line(
                    "Our supplier code of conduct, and the training our buyers receive on it, apply at "
                    "both of our Yorkshire sites and to our high-risk suppliers.",
                    "none",
                    ("c2_operations", "c4_risk_mitigation"),
                ),
                Line(
                    "Fourteen agency workers at our Leeds site received back-payments of holiday pay "
                    "after reports to our hotline.",
                    "impact",
                    ("c4_remediation",),
                    2,
                ),
                Line(
                    "Two vegetable packers in Spain were removed from our supply base after they failed "
                    "to correct serious findings.",
                    "impact",
                    ("c4_remediation",),
                    2,
                ),
                Line(
                    "78% of our high-risk suppliers now have a current independent audit, up from 41%.",
                    "impact",
                    ("c5_effectiveness",),
                    3,
                ),
                Line("Signed: Amelia Hart, Managing Director, 29 June 2023.", "none", ("signature",), 4),
                Line(
                    "Approved by the Board of Harbourline Foods Limited on 29 June 2023.",
                    "none",
                    ("approval",),
                    4,
                ),
            ],
        ),
        Statement(
            "uk-2023-FGT00002",
            "uk",
            2023,
            FELLGATE,
            members=(FELLGATE, FELLGATE_DYEING),
            statement_type="group",
            sectors=("Textiles and clothing", "Retail"),
            turnover="Over £500 million",
            declared={**ALL_DECLARED, "due_diligence": 0},
            # UK areas found: all but training (declared); due diligence found but not declared.
            lines=[
                Line(zero.format(org="Fellgate Textiles"), "commitment", ("c4_risk_mitigation",)),
                Line(
                    "We assessed the risks in our supply chain and audited our 15 high-risk spinners "
                    "against our supplier code of conduct, and the share of them audited rose to 80%.",
                    "action",
                    ("c4_risk_mitigation", "c3_risk_description", "c5_effectiveness"),
                ),
                Line(
                    "Our cotton is spun in Turkey and woven at our mill in Lancashire.",
                    "none",
                    ("c2_supply_chains",),
                ),
                Line(NO_FEES, "commitment", ("c4_risk_mitigation",), 2),
                Line(
                    "We have not identified any instances of modern slavery in our operations or "
                    "supply chains this year.",
                    "negative",
                    ("c3_risk_description",),
                    2,
                ),
                Line("The Board approved this statement on 1 September 2023.", "none", ("approval",), 3),
            ],
        ),
        Statement(
            "uk-2022-KST00004",
            "uk",
            2022,
            KESTREL,
            sectors=("Transport and storage",),
            turnover="Under £36 million",
            declared=ALL_DECLARED,
            email_only=True,
        ),
        Statement(
            "au-2022-101",
            "au",
            2022,
            WATTLE,
            sectors=("Mining",),
            turnover="500-600M",
            # AU verdicts: (a), (b), (d), (f) met; (c) partly (one risk sentence); (e), (g) not met.
            lines=[
                Line(
                    "This is the joint modern slavery statement of Wattle Ridge Mining Pty Ltd "
                    "(ABN 90 000 000 001) for the year ending 30 June 2022.",
                    "none",
                    ("c1_reporting_entity",),
                ),
                Line(zero.format(org="Wattle Ridge Mining"), "commitment", ("c4_risk_mitigation",)),
                Line(
                    "We operate two open-cut mines in Western Australia through two owned entities, and "
                    "consulted both on this statement.",
                    "none",
                    ("c2_operations", "c2_structure", "c6_consultation"),
                ),
                Line(
                    "Solar panels and personal protective equipment carry a high risk of forced labour.",
                    "none",
                    ("c3_risk_description", "c2_supply_chains"),
                    2,
                ),
                Line(
                    "We consulted each owned entity through its managing director.",
                    "action",
                    ("c6_consultation",),
                    2,
                ),
                Line(
                    "We removed a uniform supplier after an audit found passports retained by a labour "
                    "agent, and the workers' passports were returned.",
                    "impact",
                    ("c4_remediation",),
                    3,
                ),
                Line(
                    "This statement was approved by the Board of Wattle Ridge Mining Pty Ltd on "
                    "15 December 2022.",
                    "none",
                    ("approval",),
                    3,
                ),
            ],
        ),
        Statement(
            "au-2023-202",
            "au",
            2023,
            WATTLE,
            sectors=("Mining",),
            turnover="500-600M",
            # AU verdicts: (a), (d), (e) met; (g) partly (one claim outside (a)-(f)).
            lines=[
                Line(zero.format(org="Wattle Ridge Mining Pty Ltd"), "commitment", ("c4_risk_mitigation",)),
                Line(
                    "Wattle Ridge Mining (ABN 90 000 000 001) is the reporting entity.",
                    "none",
                    ("c1_reporting_entity",),
                ),
                Line(
                    "Our grievance line received nine reports, and two led to back-pay for 31 contract "
                    "cleaners.",
                    "impact",
                    ("c4_remediation", "c5_effectiveness"),
                    2,
                ),
                Line(
                    "We joined an industry initiative on the responsible sourcing of solar panels in 2023.",
                    "action",
                    (),
                    2,
                ),
                Line("Signed by Noah Reid, Chair.", "none", ("signature",), 3),
            ],
        ),
        Statement(
            "au-2023-303",
            "au",
            2023,
            BANKSIA,
            sectors=("Retail", "Textiles"),
            turnover="1BN+",
            # AU verdicts: (b), (c) and (e) partly ((e) only a borderline mention); (f) and (g) not met.
            lines=[
                Line(
                    "Banksia Retail Group has a zero-tolerance approach to modern slavery and human "
                    "trafficking in its business!",
                    "commitment",
                    ("c4_risk_mitigation",),
                ),
                Line(NO_FEES, "commitment", ("c4_risk_mitigation",)),
                Line(
                    "Cotton from some regions carries a high risk of state-imposed forced labour.",
                    "none",
                    ("c3_risk_description", "c2_supply_chains"),
                    2,
                ),
                Line(
                    "After our audit, 120 garment workers in Bangladesh were paid the legal minimum wage "
                    "for the first time.",
                    "impact",
                    ("c4_remediation",),
                    2,
                    borderline=("c5_effectiveness",),
                ),
            ],
        ),
    ]


def document_id(statement: Statement) -> str:
    return hashlib.sha256(statement.statement_id.encode()).hexdigest()


def document_url(statement: Statement) -> str:
    host = statement.organisation[1].split()[0].lower()
    return f"https://www.{host}.example/modern-slavery/{statement.year}.pdf"


def registry_url(statement: Statement) -> str:
    if statement.jurisdiction == "uk":
        org_code = statement.statement_id.split("-")[2]
        return f"https://modern-slavery-statement-registry.service.gov.uk/statement-summary/{org_code}/{statement.year}"
    return f"https://modernslaveryregister.gov.au/statements/{statement.statement_id.split('-')[2]}/"


def write_statement(db: sqlite_utils.Database, st: Statement) -> None:
    """Write one statement with its organisations, document, sentences, labels and summary."""
    organisations = st.members or (st.organisation,)
    db["organisations"].upsert_all(
        [
            {"organisation_id": oid, "name": name, "jurisdiction": st.jurisdiction}
            for oid, name in organisations
        ],
        pk="organisation_id",
        alter=False,
    )
    role = "reporting" if st.jurisdiction == "au" else "member"
    links = [
        {"statement_id": st.statement_id, "organisation_id": oid, "role": role} for oid, _ in organisations
    ]
    if st.members:
        links.append(
            {"statement_id": st.statement_id, "organisation_id": st.organisation[0], "role": "parent"}
        )
    db["statement_organisations"].upsert_all(
        links, pk=("statement_id", "organisation_id", "role"), alter=False
    )
    statement = {
        "statement_id": st.statement_id,
        "jurisdiction": st.jurisdiction,
        "registry_year": st.year,
        "statement_type": st.statement_type,
        "title": st.organisation[1],
        "registry_url": registry_url(st),
        "statement_url": None if st.email_only else document_url(st),
        "email_only": int(st.email_only),
        "turnover_band": st.turnover,
        "sectors": json.dumps(list(st.sectors)),
        "approving_person": "Amelia Hart (Managing Director)" if st.organisation == HARBOURLINE else None,
        **{f"declared_{a}": st.declared.get(a) for a in UK_AREAS if st.declared},
    }
    db["statements"].upsert(statement, pk="statement_id", alter=False)
    doc = None
    sentence_rows: list[dict] = []
    label_rows: list[dict] = []
    if st.lines:
        doc = document_id(st)
        db["documents"].upsert(
            {
                "document_id": doc,
                "media_type": "pdf",
                "size_bytes": 1000,
                "path": f"documents/{doc}.pdf",
                "extract_status": "ok",
                "page_count": max(line.page for line in st.lines),
                "sentence_count": len(st.lines),
            },
            pk="document_id",
            alter=False,
        )
        db["statement_documents"].upsert(
            {
                "statement_id": st.statement_id,
                "url": document_url(st),
                "role": "statement_url",
                "status": "fetched",
                "http_status": 200,
                "final_url": document_url(st),
                "document_id": doc,
                "fetched_at": "2024-01-01T00:00:00+00:00",
            },
            pk=("statement_id", "url"),
            alter=False,
        )
        for idx, line in enumerate(st.lines):
            sid = f"{doc[:16]}-{idx:05d}"
            sentence_rows.append(
                {
                    "sentence_id": sid,
                    "document_id": doc,
                    "sentence_idx": idx,
                    "page_no": line.page,
                    "block_idx": idx,
                    "block_kind": "paragraph",
                    "char_start": 0,
                    "char_end": len(line.text),
                    "text": line.text,
                }
            )
            label = {
                "sentence_id": sid,
                "label_version": LABEL_VERSION,
                "evidence": line.evidence,
                "evidence_p": 0.9,
            }
            for c in CRITERIA:
                label[c] = int(c in line.criteria)
                label[f"{c}_p"] = 0.9 if c in line.criteria else 0.4 if c in line.borderline else 0.05
            label_rows.append(label)
        db["sentences"].upsert_all(sentence_rows, pk="sentence_id", alter=False)
        db["labels"].upsert_all(label_rows, pk="sentence_id", alter=False)
    labelled = [{**sentence, **label} for sentence, label in zip(sentence_rows, label_rows, strict=True)]
    summary = summarise_statement(
        {**statement, "document_id": doc, "doc_metadata": {}}, labelled, impact_confidence=IMPACT_CONFIDENCE
    )
    db["statement_summaries"].upsert(
        {**summary, "summarised_at": SUMMARISED_AT}, pk="statement_id", alter=False
    )


def build_fixture_db(path: Path) -> Path:
    """Write the fictional corpus to `path` and run the build stage; returns the path."""
    db = connect(path)
    with db.atomic():
        for st in statements():
            write_statement(db, st)
    build_stage.run(db, path.parent)
    db.conn.close()
    return path
