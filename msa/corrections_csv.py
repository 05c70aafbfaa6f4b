"""Reading a corrections CSV (`sentence_id, field, value, reason, who`), every row checked first.

Why all rows before any write: a reader fixing labels in a spreadsheet should see every mistake
in one go, and a file with one bad row must not leave half its corrections stored. Structure
(encoding, header, quoting, column counts) is read by msa.csv_input, as `msa label` reads its
input; values are checked against the database (the sentence exists) and the label vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from db.corrections import FIELDS, parse_value
from db.schema import EVIDENCE_LABELS
from msa.csv_input import CsvInputError, detect_encoding, iter_records, read_header

COLUMNS: tuple[str, ...] = ("sentence_id", "field", "value", "reason", "who")
# extract stage ids: {document_id[:16]}-{sentence_idx:05d}
SENTENCE_ID = re.compile(r"[0-9a-f]{16}-\d{5,}")
LOOKUP_CHUNK = 500


class CorrectionsError(ValueError):
    """The file cannot be stored as it is; `errors` lists every problem found, one line each."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class Correction:
    """One checked row: `value` in its stored form ('1'/'0' or an evidence label)."""

    line: int
    sentence_id: str
    field: str
    value: str
    reason: str
    who: str


def looks_like_sentence_id(value: str) -> bool:
    """Whether a field reads as a sentence id (the key test for rows merged by an open quote)."""
    return SENTENCE_ID.fullmatch(value.strip()) is not None


def _value_error(field: str, raw: str) -> str:
    if field == "evidence":
        return f"value {raw!r} is not an evidence label: use one of {', '.join(EVIDENCE_LABELS)}"
    return f"value {raw!r} for {field}: use 1 or 0 (yes/no, true/false)"


def check_row(line: int, record: dict[str, str]) -> tuple[Correction | None, list[str]]:
    """One row's own checks (everything but whether its sentence exists)."""
    errors = []
    sentence_id = record["sentence_id"].strip()
    field = record["field"].strip().lower()
    reason, who = record["reason"].strip(), record["who"].strip()
    if not sentence_id:
        errors.append("sentence_id is empty")
    value = None
    if field not in FIELDS:
        errors.append(
            f"unknown field {record['field']!r}: use evidence or a criterion ({', '.join(FIELDS[:-1])})"
        )
    else:
        value = parse_value(field, record["value"])
        if value is None:
            errors.append(_value_error(field, record["value"]))
    if not reason:
        errors.append("reason is empty: say why the label is wrong")
    if not who:
        errors.append("who is empty: say who corrects it")
    if errors or value is None:
        return None, errors
    return Correction(line, sentence_id, field, value, reason, who), []


def known_sentences(db: sqlite_utils.Database, sentence_ids: Sequence[str]) -> set[str]:
    """Which of `sentence_ids` are sentences of the database."""
    ids = sorted(set(sentence_ids))
    found: set[str] = set()
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        found.update(
            r[0]
            for r in db.execute(f"SELECT sentence_id FROM sentences WHERE sentence_id IN ({marks})", chunk)
        )
    return found


def _open(path: Path) -> tuple[str, list[str]]:
    """The file's encoding and header, or CorrectionsError when it is not a UTF CSV with our columns."""
    if not path.read_bytes().strip():
        raise CorrectionsError([f"{path}: the file is empty: its first line must be {','.join(COLUMNS)}"])
    try:
        encoding, fallback = detect_encoding(path)
        if fallback:
            where = fallback.split("; read as")[0]  # "<path>: not UTF-8 (byte N, line L)"
            raise CorrectionsError([f"{where}: save it as UTF-8 (a reason or a name is stored as written)"])
        header = read_header(path, encoding, COLUMNS)
    except CsvInputError as exc:
        raise CorrectionsError([str(exc)]) from None
    extra = [name for name in header if name not in COLUMNS]
    if extra:
        raise CorrectionsError(
            [f"{path}: unknown column(s) {', '.join(extra)}; the columns are {', '.join(COLUMNS)}"]
        )
    return encoding, header


def read_corrections(path: Path, db: sqlite_utils.Database) -> list[Correction]:
    """Every row of the file, checked; CorrectionsError listing every problem when any row has one."""
    path = Path(path)
    encoding, header = _open(path)
    errors: list[str] = []
    rows: list[Correction] = []
    named: list[tuple[int, str]] = []  # (line, sentence_id) of every row that names one
    try:
        for line, fields in iter_records(path, encoding, COLUMNS, "sentence_id", looks_like_sentence_id):
            record = dict(zip(header, fields, strict=True))
            row, problems = check_row(line, record)
            errors.extend(f"{path}: line {line}: {p}" for p in problems)
            if record["sentence_id"].strip():
                named.append((line, record["sentence_id"].strip()))
            if row is not None:
                rows.append(row)
    except CsvInputError as exc:
        errors.append(str(exc))
    known = known_sentences(db, [sid for _, sid in named])
    errors.extend(
        f"{path}: line {line}: unknown sentence_id {sid!r}" for line, sid in named if sid not in known
    )
    if not errors and not rows:
        errors.append(f"{path}: holds a header but no corrections")
    if errors:
        raise CorrectionsError(sorted(errors, key=_line_order))
    return rows


def _line_order(message: str) -> int:
    match = re.search(r": line (\d+)", message)
    return int(match.group(1)) if match else 0
