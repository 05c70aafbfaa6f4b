"""`verdict_sentences`: the sentences behind every verdict a regulator can export, with their pages.

A verdict (approval or signature found or missing, an AU s.16(1) paragraph met / partly / not met,
a UK s.54(5) area found or not, hence a registry mismatch) is only as good as the sentences it
rests on, so each one is published with them: the sentences the statement summary cites
(`criteria_sentences`; for the UK areas, the classifier's own area detector run over the
summarised document), or, when nothing was found, the closest candidates by model score, so a
reader can check that nothing was missed. One row per (statement, verdict, sentence).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator

import sqlite_utils

from classify.summary_areas import AU_MAP, AU_NAMES, uk_area_sentences
from msa.progress import progress
from publish.compliance import AU_COLUMNS
from vocabulary.labels import CRITERIA, UK_AREAS
from vocabulary.media import PDF

TABLE = "verdict_sentences"
CLOSEST = 3  # candidates shown for a verdict with no sentence found
FOUND_LISTED = 5  # sentences shown for a verdict, best first (as the summary cites per criterion)
STORED_PREFIX = "/-/documents/"  # publish/plugins/msa_documents.py serves the content store there
# The AIMS questions a UK area is read from (classify/summary_areas.uk_area_sentences's docstring):
# ranks the closest candidates when the detector found none.
UK_AREA_CRITERIA: dict[str, tuple[str, ...]] = {
    "org_structure": ("c2_structure", "c2_operations", "c2_supply_chains"),
    "policies": ("c4_risk_mitigation",),
    "risk_assessment": ("c3_risk_description",),
    "due_diligence": ("c4_remediation", "c4_risk_mitigation"),
    "training": ("c4_risk_mitigation", "c4_remediation"),
    "goals": ("c5_effectiveness",),
}
AU_VERDICTS = tuple(code for code in AU_MAP if AU_MAP[code])  # (a)-(f); (g) has no question
UK_AREA_NAMES = {
    "org_structure": "UK s.54(5)(a) organisation structure",
    "policies": "UK s.54(5)(b) policies",
    "risk_assessment": "UK s.54(5)(d) risk assessment",
    "due_diligence": "UK s.54(5)(c) due diligence",
    "training": "UK s.54(5)(f) training",
    "goals": "UK s.54(5)(e) goals and KPIs",
}
COLUMNS = (
    "statement_id",
    "verdict",
    "verdict_name",
    "outcome",
    "basis",
    "rank",
    "sentence_id",
    "page_no",
    "score",
    "evidence",
    "text",
    "source_url",
    "stored_copy",
)


class DocumentScores:
    """Each sentence's best model score over a set of criteria, computed once per document and set."""

    def __init__(self, rows: list[dict]):
        self.rows = rows
        self.position = {r["sentence_id"]: i for i, r in enumerate(rows)}
        self._by_criteria: dict[tuple[str, ...], list[float]] = {}

    def scores(self, criteria: tuple[str, ...]) -> list[float]:
        if criteria not in self._by_criteria:
            columns = [[float(r.get(f"{c}_p") or 0.0) for r in self.rows] for c in criteria]
            self._by_criteria[criteria] = [max(v) for v in zip(*columns, strict=True)] if columns else []
        return self._by_criteria[criteria]

    def score(self, row: dict, criteria: tuple[str, ...]) -> float:
        return self.scores(criteria)[self.position[row["sentence_id"]]]

    def best(self, rows: list[dict], criteria: tuple[str, ...], n: int) -> list[dict]:
        """The n highest-scored of `rows` (ties: reading order)."""
        scores, position = self.scores(criteria), self.position
        return heapq.nsmallest(
            n, rows, key=lambda r: (-scores[position[r["sentence_id"]]], position[r["sentence_id"]])
        )


def statement_verdicts(
    statement: dict, scores: DocumentScores
) -> Iterator[tuple[str, str, str, tuple[str, ...], list[dict], str]]:
    """(verdict, name, outcome, criteria read, sentences, basis) for one statement.

    `scores` holds its document's labelled sentences. basis is `found` (the sentences the verdict
    rests on, best first, at most FOUND_LISTED) or `closest` (none found: the best candidates).
    """
    rows = scores.rows
    cited = json.loads(statement.get("criteria_sentences") or "{}")

    def verdict(code: str, name: str, outcome: str, criteria: tuple[str, ...], sentences: list[dict]):
        if sentences:
            return code, name, outcome, criteria, scores.best(sentences, criteria, FOUND_LISTED), "found"
        return code, name, outcome, criteria, scores.best(rows, criteria, CLOSEST), "closest"

    def found(criteria: tuple[str, ...]) -> list[dict]:
        ids = dict.fromkeys(i for c in criteria for i in cited.get(c, []) if i in scores.position)
        return [rows[scores.position[i]] for i in ids]

    for code in ("approval", "signature"):
        outcome = "found" if statement.get(code) else "missing"
        yield verdict(code, code, outcome, (code,), found((code,)))
    if statement["jurisdiction"] == "au":
        for code in AU_VERDICTS:
            criteria = AU_MAP[code]
            yield verdict(code, f"AU s.16(1){AU_NAMES[code]}", statement[code], criteria, found(criteria))
    if statement["jurisdiction"] == "uk":
        detected = uk_area_sentences(rows)
        for area in UK_AREAS:
            outcome = "found" if statement.get(f"uk_detected_{area}") else "not found"
            declared = statement.get(f"declared_{area}")
            if declared is not None:
                outcome += "; declared" if declared else "; not declared"
            yield verdict(area, UK_AREA_NAMES[area], outcome, UK_AREA_CRITERIA[area], detected[area])


def verdict_rows(statement: dict, scores: DocumentScores) -> list[dict]:
    """The table rows of one statement: one per verdict and sentence it rests on (or candidate)."""
    out = []
    pdf = statement.get("media_type") == PDF
    for code, name, outcome, criteria, sentences, basis in statement_verdicts(statement, scores):
        for rank, r in enumerate(sentences, 1):
            page = f"#page={r['page_no']}" if pdf and r.get("page_no") else ""
            out.append(
                {
                    "statement_id": statement["statement_id"],
                    "verdict": code,
                    "verdict_name": name,
                    "outcome": outcome,
                    "basis": basis,
                    "rank": rank,
                    "sentence_id": r["sentence_id"],
                    "page_no": r.get("page_no"),
                    "score": round(scores.score(r, criteria), 3),
                    "evidence": r.get("evidence"),
                    "text": r["text"],
                    "source_url": (statement.get("document_url") or "") + page
                    if statement.get("document_url")
                    else None,
                    "stored_copy": STORED_PREFIX + statement["document_id"] + page,
                }
            )
    return out


STATEMENTS_SQL = f"""SELECT c.statement_id, c.jurisdiction, c.approval, c.signature, c.document_url,
       {", ".join(f"c.{AU_COLUMNS[code]} AS {code}" for code in AU_VERDICTS)},
       {", ".join(f"c.detected_{a} AS uk_detected_{a}, c.declared_{a}" for a in UK_AREAS)},
       ss.criteria_sentences, ss.document_id, d.media_type
FROM compliance c
JOIN statement_summaries ss ON ss.statement_id = c.statement_id
LEFT JOIN documents d ON d.document_id = ss.document_id
WHERE c.assessed = 1
ORDER BY ss.document_id"""
# the columns summarise_statement reads (db/classify_sql.summary_sentences): headings decide areas
SENTENCES_SQL = f"""SELECT s.sentence_id, s.sentence_idx, s.page_no, s.block_kind, s.text,
       l.evidence, l.evidence_p, {", ".join(f"l.{c}, l.{c}_p" for c in CRITERIA)}
FROM sentences s LEFT JOIN labels l ON l.sentence_id = s.sentence_id
WHERE s.document_id = ? ORDER BY s.sentence_idx"""


def build_verdict_sentences(db: sqlite_utils.Database, *, show_progress: bool = False) -> int:
    """Recreate the table from `compliance`, the summaries and the labelled sentences; returns its rows."""
    conn = db.conn
    conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
    conn.execute(
        f"""CREATE TABLE {TABLE} (
            statement_id TEXT NOT NULL REFERENCES statements(statement_id),
            verdict TEXT NOT NULL,
            verdict_name TEXT NOT NULL,
            outcome TEXT,
            basis TEXT NOT NULL,
            rank INTEGER NOT NULL,
            sentence_id TEXT NOT NULL REFERENCES sentences(sentence_id),
            page_no INTEGER,
            score REAL,
            evidence TEXT,
            text TEXT NOT NULL,
            source_url TEXT,
            stored_copy TEXT,
            PRIMARY KEY (statement_id, verdict, rank)
        )"""
    )
    statements = [dict(r) for r in db.query(STATEMENTS_SQL)]
    cached: tuple[str | None, DocumentScores] = (None, DocumentScores([]))
    insert = f"INSERT INTO {TABLE} VALUES ({', '.join('?' for _ in COLUMNS)})"
    steps = progress(
        statements, total=len(statements), desc="verdict sentences", unit="stmt", enabled=show_progress
    )
    for statement in steps:
        if cached[0] != statement["document_id"]:  # statements sharing a document read it once
            found = conn.execute(SENTENCES_SQL, [statement["document_id"]])
            names = [d[0] for d in found.description]
            cached = (
                statement["document_id"],
                DocumentScores([dict(zip(names, r, strict=True)) for r in found]),
            )
        conn.executemany(insert, [tuple(r[c] for c in COLUMNS) for r in verdict_rows(statement, cached[1])])
    conn.execute(f"CREATE INDEX idx_{TABLE}_statement_verdict ON {TABLE}(statement_id, verdict)")
    conn.commit()
    return db[TABLE].count
