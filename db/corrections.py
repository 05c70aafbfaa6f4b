"""Readers' corrections of labels: stored in `corrections`, written into `labels` wherever they apply.

Why into `labels`: every stage and query after classify (summaries, the build's tables, the
search, the canned queries) reads labels, so a corrected label is the label everywhere with no
second code path. The model's own value is kept in `applied_corrections`, beside the correction
it yields to, and every relabel (classify_stage.write_label_batch) applies them again.

Where a correction applies: the sentence it names, while that sentence still reads as it did
(`sentence_text`); else, after a re-extraction or a re-crawl that brought a changed document, the
sentence with that same text nearest its old position in the same document or in a document of
a statement the corrected document belongs to. A correction whose text is found nowhere is kept
but applies nowhere: `correction_status` calls it stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from db.schema import CRITERIA, EVIDENCE_LABELS
from db.store import utc_now

FIELDS: tuple[str, ...] = (*CRITERIA, "evidence")
TRUE_VALUES = ("1", "yes", "true", "y")
FALSE_VALUES = ("0", "no", "false", "n")

# The latest correction for each (sentence_id, field): the one that holds.
LATEST_SQL = """
SELECT c.correction_id, c.sentence_id, c.field, c.value, c.document_id, c.sentence_idx, c.sentence_text
FROM corrections c
WHERE NOT EXISTS (SELECT 1 FROM corrections later WHERE later.sentence_id = c.sentence_id
                  AND later.field = c.field AND later.correction_id > c.correction_id)
"""
# Documents a corrected sentence's text may have moved to: its own, and every document of the
# statements that document was filed for (a re-crawl's changed PDF).
RELATED_DOCUMENTS_SQL = """
SELECT ? AS document_id
UNION
SELECT sd2.document_id FROM statement_documents sd1
JOIN statement_documents sd2 ON sd2.statement_id = sd1.statement_id
WHERE sd1.document_id = ? AND sd2.document_id IS NOT NULL
"""


def parse_value(field: str, raw: str) -> str | None:
    """The stored form of a correction's value ('1'/'0' for a criterion, the label for evidence);
    None when `raw` is not a value of `field`."""
    value = raw.strip().lower()
    if field == "evidence":
        return value if value in EVIDENCE_LABELS else None
    if value in TRUE_VALUES:
        return "1"
    if value in FALSE_VALUES:
        return "0"
    return None


def label_value(field: str, value: str) -> tuple[Any, float]:
    """(column value, probability) a correction writes into labels: a reader's label is certain."""
    if field == "evidence":
        return value, 1.0
    return int(value), float(value)


@dataclass(frozen=True)
class ApplyReport:
    """What one application did: labels that carry a correction, corrections waiting for a labelled
    sentence or stale, and the documents whose labels changed (their summaries are out of date)."""

    applied: int = 0
    pending: int = 0
    stale: int = 0
    documents: tuple[str, ...] = ()


def _targets(db: sqlite_utils.Database, correction: dict[str, Any]) -> list[str]:
    """The sentences a correction applies to now (see the module docstring); [] when stale."""
    row = db.execute(
        "SELECT text FROM sentences WHERE sentence_id = ?", [correction["sentence_id"]]
    ).fetchone()
    unchanged = row is not None and row[0] == correction["sentence_text"]
    targets = [correction["sentence_id"]] if unchanged else []
    document_id = correction["document_id"]
    related = [r[0] for r in db.execute(RELATED_DOCUMENTS_SQL, [document_id, document_id])]
    for other in related:
        if targets and other == document_id:
            continue
        found = db.execute(
            """SELECT sentence_id FROM sentences WHERE document_id = ? AND text = ?
               ORDER BY abs(sentence_idx - ?) LIMIT 1""",
            [other, correction["sentence_text"], correction["sentence_idx"] or 0],
        ).fetchone()
        if found and found[0] not in targets:
            targets.append(found[0])
    return targets


def _in_documents(db: sqlite_utils.Database, sentence_ids: Sequence[str], documents: set[str]) -> list[str]:
    if not documents:
        return list(sentence_ids)
    kept = []
    for sid in sentence_ids:
        row = db.execute("SELECT document_id FROM sentences WHERE sentence_id = ?", [sid]).fetchone()
        if row and row[0] in documents:
            kept.append(sid)
    return kept


def _candidates(db: sqlite_utils.Database, documents: set[str]) -> list[dict[str, Any]]:
    """Latest corrections, all of them or those whose text may sit in `documents`."""
    if not documents:
        return [dict(r) for r in db.query(LATEST_SQL + " ORDER BY c.correction_id")]
    marks = ", ".join("?" for _ in documents)
    sql = f"""{LATEST_SQL} AND (c.document_id IN ({marks}) OR c.document_id IN (
                SELECT sd1.document_id FROM statement_documents sd1
                JOIN statement_documents sd2 ON sd2.statement_id = sd1.statement_id
                WHERE sd2.document_id IN ({marks})))
              ORDER BY c.correction_id"""
    return [dict(r) for r in db.query(sql, [*documents, *documents])]


def apply_corrections(
    db: sqlite_utils.Database, documents: Sequence[str] = (), *, fresh: bool = False
) -> ApplyReport:
    """Write the corrections that hold into `labels` (all, or those landing in `documents`).

    `fresh`: the labels of `documents` were just written by the model, so the model values kept
    for them are replaced by what labels hold now. Runs in the caller's transaction.
    """
    docs = set(documents)
    if docs and fresh:
        marks = ", ".join("?" for _ in docs)
        db.execute(
            f"""DELETE FROM applied_corrections WHERE sentence_id IN
                (SELECT sentence_id FROM sentences WHERE document_id IN ({marks}))""",
            list(docs),
        )
    # labels that went with their sentences (a re-extraction) carry nothing any more
    db.execute("DELETE FROM applied_corrections WHERE sentence_id NOT IN (SELECT sentence_id FROM labels)")
    applied = pending = stale = 0
    touched: set[str] = set()
    now = utc_now()
    for correction in _candidates(db, docs):
        field = correction["field"]
        if field not in FIELDS:  # a row not stored by msa correct: never a column name in SQL
            continue
        targets = _targets(db, correction)
        if not targets:
            stale += 1
        for target in _in_documents(db, targets, docs):
            label = db.execute(
                f"SELECT {field}, {field}_p, s.document_id FROM labels l "
                "JOIN sentences s ON s.sentence_id = l.sentence_id WHERE l.sentence_id = ?",
                [target],
            ).fetchone()
            if label is None:
                pending += 1
                continue
            kept = db.execute(
                "SELECT model_value, model_p FROM applied_corrections WHERE sentence_id = ? AND field = ?",
                [target, field],
            ).fetchone()
            model_value, model_p = kept if kept else (str(label[0]), label[1])
            db.execute(
                "INSERT OR REPLACE INTO applied_corrections VALUES (?, ?, ?, ?, ?, ?)",
                [target, field, correction["correction_id"], model_value, model_p, now],
            )
            value, p = label_value(field, correction["value"])
            applied += 1
            if (label[0], label[1]) != (value, p):
                db.execute(
                    f"UPDATE labels SET {field} = ?, {field}_p = ? WHERE sentence_id = ?", [value, p, target]
                )
                touched.add(label[2])
    return ApplyReport(applied=applied, pending=pending, stale=stale, documents=tuple(sorted(touched)))
