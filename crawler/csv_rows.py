"""Registry CSV text → header-keyed rows, and the value parsers both registries share.

Registry exports are large, drift in their column sets and come from servers we do not control: rows
are read by header name, a row with the wrong number of fields is skipped with a reason instead of
being guessed at, and a value parser returns None for what it cannot read (the raw row keeps the
original). No Scrapy here: these are pure functions, tested on inline text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

# Quoted fields (policies, risk descriptions) can be long; the csv module's default cap is 128 KiB.
_FIELD_SIZE_LIMIT = 16 * 1024 * 1024


@dataclass(frozen=True)
class CsvRow:
    """One data row: the line it starts on (header = line 1) and its values by column name."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class SkippedRow:
    """A row that was not turned into a statement, and why."""

    line: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CsvTable:
    header: list[str]
    rows: list[CsvRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)


@dataclass
class RegistryParse:
    """What a registry parser returns.

    `statements` are dicts with keys `statement`, `organisations`, `links`, the arguments of
    `db.store.upsert_statement`. `missing_columns`: columns the parser reads that the file lacks (their
    values are then empty); `unknown_columns`: columns it has that the parser does not know (ignored).
    """

    statements: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    def outcome(self, statements_taken: int | None = None) -> str:
        """One line for the crawl report: `ok: 120 statements, 1 rows skipped; missing columns: X`."""
        taken = len(self.statements) if statements_taken is None else statements_taken
        parts = [f"ok: {taken} statements, {len(self.skipped)} rows skipped"]
        if self.missing_columns:
            parts.append(f"missing columns: {', '.join(self.missing_columns)}")
        if self.unknown_columns:
            parts.append(f"unknown columns: {', '.join(self.unknown_columns)}")
        return "; ".join(parts)


def decode_csv_bytes(body: bytes) -> str:
    """Bytes of a CSV export → text: UTF-8 (with or without BOM), else cp1252, else latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    return body.decode("latin-1")


def read_csv_rows(text: str) -> CsvTable:
    """Parse CSV text into rows keyed by the header's column names.

    Handles a BOM, CRLF or LF line ends, and line breaks inside quoted fields. A row whose field
    count differs from the header's is skipped with its line number (trailing empty fields are
    tolerated); blank lines are ignored.
    """
    text = text.lstrip("\ufeff")
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, _FIELD_SIZE_LIMIT))
    try:
        return _read(text)
    finally:
        csv.field_size_limit(old_limit)


def _read(text: str) -> CsvTable:
    reader = csv.reader(io.StringIO(text, newline=""))
    table: CsvTable | None = None
    previous_line = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if table is not None:
                table.skipped.append(SkippedRow(previous_line + 1, f"unreadable CSV: {exc}"))
            if reader.line_num == previous_line:  # no progress: give up rather than loop
                break
            previous_line = reader.line_num
            continue
        start_line, previous_line = previous_line + 1, reader.line_num
        if not record or (len(record) == 1 and not record[0].strip()):
            continue
        if table is None:
            table = CsvTable(header=[name.strip().lstrip("\ufeff") for name in record])
            continue
        width = len(table.header)
        if len(record) > width and not any(value.strip() for value in record[width:]):
            record = record[:width]
        if len(record) != width:
            table.skipped.append(SkippedRow(start_line, f"expected {width} fields, found {len(record)}"))
            continue
        table.rows.append(CsvRow(start_line, dict(zip(table.header, record, strict=True))))
    return table if table is not None else CsvTable(header=[])


def column(values: dict[str, str], *names: str) -> str | None:
    """The first non-empty value among the given column names (for renamed columns), stripped."""
    for name in names:
        value = clean(values.get(name))
        if value is not None:
            return value
    return None


def clean(value: str | None) -> str | None:
    """Strip whitespace; empty → None."""
    if value is None:
        return None
    value = value.strip()
    return value or None


_DATE_FORMATS = (
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d-%m-%Y",
)


def parse_date(value: str | None) -> str | None:
    """A registry date (dd/MM/yyyy, ISO, with or without a time) → ISO `yyyy-mm-dd`; None if unreadable."""
    value = clean(value)
    if value is None:
        return None
    value = value.rstrip("Z").split(".")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}


def parse_flag(value: str | None) -> int | None:
    """Yes/No → 1/0; empty or anything else → None (the registry left it blank)."""
    value = clean(value)
    if value is None:
        return None
    lowered = value.lower()
    if lowered in _TRUE:
        return 1
    if lowered in _FALSE:
        return 0
    return None


def parse_int(value: str | None) -> int | None:
    value = clean(value)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def split_lines(value: str | None) -> list[str]:
    """A multi-line field (sectors) → its non-empty lines, in order, without duplicates."""
    if value is None:
        return []
    seen: dict[str, None] = {}
    for line in re.split(r"\r\n|\r|\n", value):
        line = line.strip()
        if line:
            seen.setdefault(line, None)
    return list(seen)


def split_commas(value: str | None) -> list[str]:
    """A comma list of codes (ABNs, IDX values) → its stripped, non-empty items."""
    if value is None:
        return []
    return [item.strip() for item in value.split(",") if item.strip()]


def slugify(name: str) -> str:
    """Lower-case ASCII slug for ids: `Fernhill Mills Ltd.` → `fernhill-mills-ltd`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def short_sha1(text: str, length: int = 10) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:length]


def name_key(name: str) -> str:
    """Case- and space-insensitive form of a name, to match a parent name against member names."""
    return " ".join(name.split()).casefold()
