"""`msa label`: classify a CSV of sentences without a database.

Input columns `statement_id, sentence_idx, sentence` (others are kept);
each statement's rows are labelled together, and rows whose `sentence_idx`
differ by one serve as each other's context; optional `context_before` /
`context_after` columns give the context of a sampled sentence instead. Output keeps the input order and
adds, per criterion, a 0/1 column and `<name>_p`, then `evidence` and `evidence_p`.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

from classify import Labeller
from db.schema import CRITERIA
from msa.progress import progress

REQUIRED_COLUMNS = ("statement_id", "sentence_idx", "sentence")
# optional: the text around a sampled sentence whose neighbours are not rows of the file
CONTEXT_COLUMNS = ("context_before", "context_after")


class LabelInputError(ValueError):
    """The input CSV cannot be labelled (missing columns, unreadable)."""


def output_columns(input_columns: list[str]) -> list[str]:
    """Input columns, then the label columns in the contract's order."""
    added = []
    for name in CRITERIA:
        added += [name, f"{name}_p"]
    added += ["evidence", "evidence_p"]
    return [c for c in input_columns if c not in added] + added


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Read the input CSV (UTF-8, BOM tolerated); raises LabelInputError when unusable."""
    csv.field_size_limit(sys.maxsize)
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        columns = list(reader.fieldnames or [])
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise LabelInputError(
                f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(columns)}"
            )
        rows = [row for row in reader]
    return columns, rows


def _position(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("inf")


def statement_groups(rows: list[dict[str, str]]) -> Iterator[list[int]]:
    """Row indices per statement, in first-appearance order, each group in sentence order.

    Sorting by `sentence_idx` (stable, so file order breaks ties and keeps
    unnumbered rows) makes the neighbours right even if the file was shuffled.
    """
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(row["statement_id"], []).append(i)
    for group in groups.values():
        yield sorted(group, key=lambda i: _position(rows[i]["sentence_idx"]))


def label_csv(
    input_path: Path, output_path: Path, *, labeller: Labeller | None = None, show_progress: bool = True
) -> int:
    """Label every row of `input_path` into `output_path`; returns the row count."""
    columns, rows = read_rows(Path(input_path))
    labeller = labeller or Labeller.load()
    groups = list(statement_groups(rows))
    for group in progress(groups, total=len(groups), desc="label", unit="stmt", enabled=show_progress):
        texts = [(rows[i]["sentence"] or "").strip() for i in group]
        positions = [_position(rows[i]["sentence_idx"]) for i in group]
        context = None
        if CONTEXT_COLUMNS[0] in columns or CONTEXT_COLUMNS[1] in columns:
            context = tuple([(rows[i].get(col) or "").strip() for i in group] for col in CONTEXT_COLUMNS)
        for i, lab in zip(group, labeller.label_document(texts, positions, context), strict=True):
            row = rows[i]
            for name in CRITERIA:
                row[name] = str(int(lab.criteria[name]))
                row[f"{name}_p"] = f"{float(lab.criteria_p[name]):.4f}"
            row["evidence"] = lab.evidence
            row["evidence_p"] = f"{float(lab.evidence_p):.4f}"
    Path(output_path).parent.mkdir(parents=True, exist_ok=True)
    with open(output_path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=output_columns(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
