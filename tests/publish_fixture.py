"""A small fictional corpus written through the schema, for the publishing tests and the benchmark.

Every organisation, sentence and URL here is invented (hosts under the reserved `.example`
TLD). Labels and summaries are written as they are, not computed, so the tests check the
published queries against values they can see, whatever the classifiers currently say.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from db import connect
from db.schema import AU_CRITERIA, CRITERIA, UK_AREAS
from msa import build_stage
from msa.paths import REPO_ROOT

LABEL_VERSION = "fixture-1"
ZERO_TOLERANCE = (
    "{org} has a zero tolerance approach to modern slavery and human trafficking in its business."
)
NO_FEES = (
    "We expect every supplier to follow the Employer Pays Principle, "
    "so that no worker pays a recruitment fee."
)


@dataclass
class Line:
    """One sentence: its text, evidence label, positive criteria and page."""

    text: str
    evidence: str = "none"
    criteria: tuple[str, ...] = ()
    page: int = 1


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
    detected: dict[str, int] = field(default_factory=dict)
    au: dict[str, str] = field(default_factory=dict)
    email_only: bool = False
    statement_type: str = "single"


HARBOURLINE = ("uk-co-90000001", "Harbourline Foods Limited")
FELLGATE = ("uk-co-90000002", "Fellgate Textiles plc")
FELLGATE_DYEING = ("uk-co-90000003", "Fellgate Dyeing Limited")
KESTREL = ("uk-co-90000004", "Kestrel Logistics Ltd")
WATTLE = ("au-abn-90000000001", "Wattle Ridge Mining Pty Ltd")
BANKSIA = ("au-abn-90000000002", "Banksia Retail Group")
ALL_DECLARED = {area: 1 for area in UK_AREAS}
ALL_DETECTED = {area: 1 for area in UK_AREAS}


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
            detected={**ALL_DETECTED, "goals": 0, "training": 0},
            lines=[
                Line(zero.format(org="Harbourline Foods"), "commitment", ("c4_risk_mitigation",)),
                Line(
                    "Harbourline Foods makes chilled soups and sauces at two sites in Yorkshire.",
                    "none",
                    ("c2_operations",),
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
            detected=ALL_DETECTED,
            lines=[
                Line(zero.format(org="HARBOURLINE FOODS LIMITED"), "commitment", ("c4_risk_mitigation",)),
                Line(
                    "We audited 12 prawn processors in Thailand during 2022, using an independent auditor.",
                    "action",
                    ("c4_risk_mitigation", "c3_risk_description"),
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
            detected=ALL_DETECTED,
            lines=[
                Line(zero.format(org="Harbourline Foods Ltd"), "commitment", ("c4_risk_mitigation",)),
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
            detected={**ALL_DETECTED, "training": 0},
            lines=[
                Line(zero.format(org="Fellgate Textiles"), "commitment", ("c4_risk_mitigation",)),
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
            au={
                "au_c1": "met",
                "au_c2": "met",
                "au_c3": "partly",
                "au_c4": "met",
                "au_c5": "not_met",
                "au_c6": "met",
                "au_c7": "not_met",
            },
            lines=[
                Line(
                    "This is the joint modern slavery statement of Wattle Ridge Mining Pty Ltd "
                    "(ABN 90 000 000 001) for the year ending 30 June 2022.",
                    "none",
                    ("c1_reporting_entity",),
                ),
                Line(zero.format(org="Wattle Ridge Mining"), "commitment", ("c4_risk_mitigation",)),
                Line("We operate two open-cut mines in Western Australia.", "none", ("c2_operations",)),
                Line(
                    "Solar panels and personal protective equipment carry a high risk of forced labour.",
                    "none",
                    ("c3_risk_description",),
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
            au={
                "au_c1": "met",
                "au_c2": "met",
                "au_c3": "met",
                "au_c4": "met",
                "au_c5": "met",
                "au_c6": "met",
                "au_c7": "partly",
            },
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
            au={
                "au_c1": "met",
                "au_c2": "partly",
                "au_c3": "met",
                "au_c4": "partly",
                "au_c5": "partly",
                "au_c6": "not_met",
                "au_c7": "not_met",
            },
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
                    ("c3_risk_description",),
                    2,
                ),
                Line(
                    "After our audit, 120 garment workers in Bangladesh were paid the legal minimum wage "
                    "for the first time.",
                    "impact",
                    ("c4_remediation",),
                    2,
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


def _summary(st: Statement, sentence_rows: list[dict], label_rows: list[dict], doc: str | None) -> dict:
    counts = {
        e: sum(1 for r in label_rows if r["evidence"] == e)
        for e in ("commitment", "action", "impact", "negative", "none")
    }
    claims = counts["commitment"] + counts["action"] + counts["impact"]
    mismatch = None
    if st.jurisdiction == "uk" and st.declared and doc:
        mismatch = []
        for area in UK_AREAS:
            declared, detected = st.declared.get(area, 0), st.detected.get(area, 0)
            if declared and not detected:
                mismatch.append(f"{area}:declared_not_detected")
            elif detected and not declared:
                mismatch.append(f"{area}:detected_not_declared")
    row = {
        "statement_id": st.statement_id,
        "summary_version": "fixture-1",
        "document_id": doc,
        "sentence_count": len(sentence_rows),
        **{f"n_{k}": v for k, v in counts.items()},
        "impact_share": counts["impact"] / claims if claims else None,
        **{c: int(any(r[c] for r in label_rows)) for c in CRITERIA},
        **{c: st.au.get(c, "not_met") for c in AU_CRITERIA},
        **{f"uk_detected_{a}": st.detected.get(a, 0) for a in UK_AREAS},
        "uk_mismatch": json.dumps(mismatch) if mismatch is not None else None,
        "criteria_sentences": "{}",
        "top_impact": "[]",
        "signatory": "Amelia Hart" if any("Amelia Hart" in r["text"] for r in sentence_rows) else None,
        "rationale": "fixture",
        "summarised_at": "2024-01-01T00:00:00+00:00",
    }
    return row


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
    db["statements"].upsert(
        {
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
        },
        pk="statement_id",
        alter=False,
    )
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
                label[f"{c}_p"] = 0.9 if c in line.criteria else 0.05
            label_rows.append(label)
        db["sentences"].upsert_all(sentence_rows, pk="sentence_id", alter=False)
        db["labels"].upsert_all(label_rows, pk="sentence_id", alter=False)
    db["statement_summaries"].upsert(
        _summary(st, sentence_rows, label_rows, doc), pk="statement_id", alter=False
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


def fetch(ds, path: str):
    """GET a path from an in-process Datasette (its ASGI client), synchronously."""
    import asyncio

    return asyncio.run(ds.client.get(path))


def rows(ds, path: str) -> list[dict]:
    """The rows of a JSON query or table page, as dicts; fails on any status but 200."""
    sep = "&" if "?" in path else "?"
    response = fetch(ds, f"{path}{sep}_shape=objects")
    assert response.status_code == 200, response.text[:500]
    return response.json()["rows"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str) -> tuple[int, str]:
    """(status, body) of a GET, HTTP errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def start_msa_serve(db_path: Path, *extra: str, timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """Start `msa serve` on the database's data dir on a free port; returns (process, base URL).

    Its output goes to serve.log beside the database: a pipe nobody reads would fill and stall it.
    """
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    cmd = [sys.executable, "-m", "msa.cli", "serve", "--data-dir", str(db_path.parent), "--port", str(port)]
    cmd += list(extra)
    log = db_path.parent / "serve.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            http_get(base + "/-/versions.json")
            return proc, base
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")) from None
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError(f"msa serve did not start in {timeout} s: {log.read_text(errors='replace')[-2000:]}")
