"""`msa label`: classify a CSV of sentences without a database.

Input columns `statement_id, sentence_idx, sentence` (others are kept), in any encoding that
msa.csv_input can tell; each statement's rows are labelled together in `sentence_idx` order, and
rows whose `sentence_idx` differ by one serve as each other's context. Optional `context_before` /
`context_after` columns give the context of a sampled sentence whose neighbours are not rows of
the file. Output keeps the input order and adds, per criterion, a 0/1 column and `<name>_p`, then
`evidence` and `evidence_p`.

Memory is bounded by the batch, not by the file: rows are streamed into a temporary SQLite file,
each statement is labelled in runs of `batch_size` sentences read with `CONTEXT_MARGIN` neighbours
either side (so a sentence at a run's edge is read as in one pass over its statement), and the
output is streamed back in file order. It is written beside its target and moved into place only
when every row is labelled: a bad input leaves no output, and an earlier output stays.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TypeVar

import numpy as np

from classify import Labeller
from classify.criteria_rules import REPEATED_LINE, line_key
from msa.csv_input import CsvInputError, detect_encoding, iter_records, read_header
from msa.progress import progress
from vocabulary.labels import CRITERIA

REQUIRED_COLUMNS = ("statement_id", "sentence_idx", "sentence")
CONTEXT_COLUMNS = ("context_before", "context_after")
BATCH_SIZE = 2000
# The farthest a label looks at its neighbours: the criteria heads pool 3 sentences either side
# (classify.context.WINDOW), the evidence model reads a plans lead-in up to 12 sentences back
# (classify.evidence_rules.forward_list_items); a margin past both keeps run edges exact.
CONTEXT_MARGIN = 16
SPILL_BATCH = 5000
T = TypeVar("T")

LabelInputError = CsvInputError  # the name the CLI catches


def output_columns(input_columns: list[str]) -> list[str]:
    """Input columns, then the label columns in the contract's order."""
    return [c for c in input_columns if c not in label_columns()] + label_columns()


def label_columns() -> list[str]:
    added = []
    for name in CRITERIA:
        added += [name, f"{name}_p"]
    return added + ["evidence", "evidence_p"]


def _position(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("inf")


def context_runs(items: Iterable[T], size: int, margin: int) -> Iterator[tuple[list[T], slice]]:
    """Consecutive runs of `size` items, each with up to `margin` items either side as context.

    Yields (chunk, keep): `chunk[keep]` is the run, the rest of `chunk` its context. Holds at
    most size + 2 * margin items at a time.
    """
    it = iter(items)
    before: list[T] = []
    ahead = list(islice(it, size + margin))
    while ahead:
        run = ahead[:size]
        yield before + ahead, slice(len(before), len(before) + len(run))
        before = (before + run)[-margin:] if margin else []
        rest = ahead[size:]
        ahead = rest + list(islice(it, size + margin - len(rest)))


def _spill(input_path: Path, encoding: str, conn: sqlite3.Connection) -> tuple[list[str], int]:
    """Stream the checked records into the spill database; returns (header, row count)."""
    header = read_header(input_path, encoding, REQUIRED_COLUMNS)
    sid, idx, text = (header.index(c) for c in REQUIRED_COLUMNS)
    context = [header.index(c) if c in header else None for c in CONTEXT_COLUMNS]
    conn.executescript(
        """CREATE TABLE statements (statement_id TEXT PRIMARY KEY, rank INTEGER);
           CREATE TABLE rows (n INTEGER PRIMARY KEY, rank INTEGER, position REAL, sentence TEXT,
                              before TEXT, after TEXT, line_key TEXT, fields TEXT);
           CREATE TABLE labels (n INTEGER PRIMARY KEY, fields TEXT);"""
    )
    ranks: dict[str, int] = {}
    count = 0
    records = iter_records(input_path, encoding, REQUIRED_COLUMNS, "sentence_idx")
    while batch := list(islice(records, SPILL_BATCH)):
        rows = []
        for _line, fields in batch:
            rank = ranks.setdefault(fields[sid], len(ranks))
            before, after = ((fields[c] or "").strip() if c is not None else "" for c in context)
            sentence = fields[text].strip()
            row = (count, rank, _position(fields[idx]), sentence, before, after, line_key(sentence))
            rows.append((*row, json.dumps(fields)))
            count += 1
        conn.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO statements VALUES (?, ?)", ranks.items())
    conn.execute("CREATE INDEX rows_order ON rows (rank, position, n)")
    conn.commit()
    return header, count


Row = tuple[int, float, str, str, str, int]  # n, position, sentence, before, after, repeated header


def _runs(conn: sqlite3.Connection, batch_size: int) -> Iterator[tuple[list[Row], slice]]:
    """Every statement's runs of rows in sentence order (stable: file order breaks ties)."""
    for (rank,) in conn.execute("SELECT rank FROM statements ORDER BY rank").fetchall():
        # a page header repeated across the statement is one whatever run a copy falls in
        query = f"""SELECT n, position, sentence, before, after,
                          length(line_key) >= 30 AND count(*) OVER (PARTITION BY line_key) >= {REPEATED_LINE}
                   FROM rows WHERE rank = ? ORDER BY position, n"""
        rows = conn.execute(query, [rank])
        yield from context_runs(rows, batch_size, CONTEXT_MARGIN)


def _run_count(conn: sqlite3.Connection, batch_size: int) -> int:
    sizes = conn.execute("SELECT count(*) FROM rows GROUP BY rank").fetchall()
    return sum(-(-n // batch_size) for (n,) in sizes)


def _label_fields(lab) -> list[str]:
    out = []
    for name in CRITERIA:
        out += [str(int(lab.criteria[name])), f"{float(lab.criteria_p[name]):.4f}"]
    return out + [lab.evidence, f"{float(lab.evidence_p):.4f}"]


def _write_output(conn: sqlite3.Connection, header: list[str], path: Path) -> None:
    added = label_columns()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=output_columns(header), extrasaction="ignore")
        writer.writeheader()
        query = "SELECT r.fields, l.fields FROM rows r JOIN labels l USING (n) ORDER BY n"
        for fields, labels in conn.execute(query):
            row = dict(zip(header, json.loads(fields), strict=True))
            row.update(zip(added, json.loads(labels), strict=True))
            writer.writerow(row)


def label_csv(
    input_path: Path,
    output_path: Path,
    *,
    labeller: Labeller | None = None,
    show_progress: bool = True,
    batch_size: int | None = BATCH_SIZE,
) -> int:
    """Label every row of `input_path` into `output_path`; returns the row count.

    `batch_size=None` labels each statement in one call (memory grows with the statement).
    """
    input_path, output_path = Path(input_path), Path(output_path)
    encoding, note = detect_encoding(input_path)
    if note:
        print(note, file=sys.stderr)
    size = batch_size or sys.maxsize // 2  # islice takes at most sys.maxsize
    output_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="msa-label-", dir=output_path.parent) as tmp:
        conn = sqlite3.connect(Path(tmp) / "rows.db")
        try:
            header, count = _spill(input_path, encoding, conn)
            labeller = labeller or Labeller.load()
            runs = progress(
                _runs(conn, size),
                total=_run_count(conn, size),
                desc="label",
                unit="batch",
                enabled=show_progress,
            )
            for chunk, keep in runs:
                _, positions, texts, before, after, repeated = zip(*chunk, strict=True)
                labels = labeller.label_document(
                    list(texts), list(positions), (before, after), np.array(repeated, dtype=bool)
                )
                conn.executemany(
                    "INSERT INTO labels VALUES (?, ?)",
                    [
                        (row[0], json.dumps(_label_fields(lab)))
                        for row, lab in zip(chunk[keep], labels[keep], strict=True)
                    ],
                )
            conn.commit()
            partial = Path(tmp) / "output.csv"
            _write_output(conn, header, partial)
        finally:
            conn.close()
        partial.replace(output_path)
    return count
