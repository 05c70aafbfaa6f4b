"""Statement summary: one `statement_summaries` row from a statement's labelled sentences.

`summarise_statement(statement, sentences)` is pure: `statement` carries the registry columns of
the `statements` table (jurisdiction, declared_* flags, approving_person, ...; optionally
`document_id`, and `doc_metadata` as the column stores it or already decoded), `sentences` the
labelled rows of its document (sentence_id, sentence_idx, page_no, text, evidence, evidence_p,
each criterion and `<criterion>_p`). The AU and UK mapping rules live in classify/summary_areas.py,
the rationale in classify/rationale.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from classify.evidence import committed_impact_confidence
from classify.rationale import statement_rationale
from classify.summary_areas import AU_MAP, au_criteria, uk_area_sentences, uk_mismatch
from vocabulary.doc_metadata import decode_doc_metadata
from vocabulary.labels import AU_CRITERIA, CRITERIA, EVIDENCE_LABELS, UK_AREAS

SUMMARY_VERSION = "2"
TOP_IMPACT = 3
CRITERIA_SENTENCES = 5
_SIGNED = re.compile(
    r"\b(?i:signed(?: by| on behalf of [^:]{0,60})?|signature)\s*[:\-]?\s*(?i:name\s*:?\s*)?"
    r"((?i:dr\.? |mr\.? |ms\.? |mrs\.? )?[A-Z][a-zA-Z'\-]+(?: [A-Z][a-zA-Z'\-]+){1,3})"
)


def _ranked(rows: Sequence[dict], key: str) -> list[dict]:
    return sorted(rows, key=lambda r: (-float(r.get(key) or 0.0), int(r.get("sentence_idx") or 0)))


def _ids(rows: Sequence[dict]) -> list[str]:
    return [str(r.get("sentence_id")) for r in rows]


def find_signatory(statement: dict, signature_rows: Sequence[dict]) -> str | None:
    """Who signed: the extractor's metadata, else a name after 'signed by' in a signature sentence,
    else the registry's approving person (UK)."""
    meta = decode_doc_metadata(statement.get("doc_metadata"))
    if meta.get("signatory"):
        return meta["signatory"]
    for row in signature_rows:
        m = _SIGNED.search(row.get("text") or "")
        if m:
            return m.group(1).strip()
    return statement.get("approving_person") or None


def _signatory_text(found: object) -> str | None:
    """The extractor gives {name, role, date}; the summary column holds 'Name, Role'."""
    if isinstance(found, dict):
        return ", ".join(str(found[k]) for k in ("name", "role") if found.get(k)) or None
    return str(found) if found else None


def summarise_statement(
    statement: dict, sentences: list[dict], impact_confidence: float | None = None
) -> dict:
    """A `statement_summaries` row (db/schema.py) for one statement.

    The statement "shows evidence of impact" (`shows_impact`) only on the strength of a sentence
    labelled impact with probability at least ``impact_confidence`` (default: the threshold the
    committed evidence model was trained with, chosen on statements labelled whole).
    """
    if impact_confidence is None:
        impact_confidence = committed_impact_confidence()
    rows = sorted(sentences, key=lambda r: int(r.get("sentence_idx") or 0))
    by_label = {label: [r for r in rows if r.get("evidence") == label] for label in EVIDENCE_LABELS}
    counts = {label: len(by_label[label]) for label in EVIDENCE_LABELS}
    claims = counts["commitment"] + counts["action"] + counts["impact"]
    impact_share = counts["impact"] / claims if claims else None
    confident = [r for r in by_label["impact"] if float(r.get("evidence_p") or 0.0) >= impact_confidence]

    top_impact = _ranked(by_label["impact"], "evidence_p")[:TOP_IMPACT]
    criteria_rows = {c: _ranked([r for r in rows if int(r.get(c) or 0) == 1], f"{c}_p") for c in CRITERIA}
    addressed = {c: int(bool(criteria_rows[c])) for c in CRITERIA}
    meta = decode_doc_metadata(statement.get("doc_metadata"))
    # A signature block ("Name / Role / date") is often lines no sentence model reads as a claim;
    # the extractor's signatory finding counts as a detected signature.
    if rows and meta.get("signatory"):
        addressed["signature"] = 1

    au = au_criteria(rows)
    au_ids = {
        code: _ids(_ranked([r for c in AU_MAP[code] for r in criteria_rows[c]], "evidence_p"))[:3]
        for code in AU_CRITERIA
    }
    area_rows = uk_area_sentences(rows)
    detected = {area: bool(area_rows[area]) for area in UK_AREAS}
    mismatch = uk_mismatch(detected, statement) if statement.get("jurisdiction", "").upper() == "UK" else None

    document_id = statement.get("document_id") or next(
        (r.get("document_id") for r in rows if r.get("document_id")), None
    )
    row: dict = {
        "statement_id": statement["statement_id"],
        "summary_version": SUMMARY_VERSION,
        "document_id": document_id,
        "sentence_count": len(rows),
        **{f"n_{label}": counts[label] for label in EVIDENCE_LABELS},
        "impact_share": impact_share,
        "n_impact_confident": len(confident),
        "shows_impact": int(bool(confident)),
        **addressed,
        **au,
        **{f"uk_detected_{area}": int(detected[area]) for area in UK_AREAS},
        "uk_mismatch": json.dumps(mismatch) if mismatch is not None else None,
        "criteria_sentences": json.dumps(
            {c: _ids(criteria_rows[c][:CRITERIA_SENTENCES]) for c in CRITERIA if criteria_rows[c]}
        ),
        "top_impact": json.dumps(
            [
                {
                    "sentence_id": r.get("sentence_id"),
                    "page_no": r.get("page_no"),
                    "evidence_p": round(float(r.get("evidence_p") or 0.0), 3),
                    "text": (r.get("text") or "")[:240],
                }
                for r in top_impact
            ]
        ),
        "signatory": _signatory_text(find_signatory(statement, criteria_rows["signature"]))
        if addressed["signature"]
        else None,
    }
    if not rows:
        note = statement.get("document_note") or "no statement text was extracted"
        row["rationale"] = f"No statement text to assess: {note}."
        return row
    row["rationale"] = statement_rationale(
        counts,
        impact_share,
        impact_ids=_ids(top_impact),
        negative_ids=_ids(_ranked(by_label["negative"], "evidence_p")),
        commitment_ids=_ids(_ranked(by_label["commitment"], "evidence_p")),
        missing_criteria=[c for c in CRITERIA if not addressed[c]],
        au=au if statement.get("jurisdiction", "").upper() == "AU" else {},
        au_ids=au_ids,
        mismatch=mismatch,
    )
    return row
