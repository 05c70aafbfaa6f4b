"""Reading a CSV someone hands us: its encoding found, its header and quoting checked, rows streamed.

Why: `msa label` takes files from spreadsheets and other tools. Excel writes Windows-1252, a
"Unicode text" export is UTF-16 with a byte-order mark, a header may name a column twice, and one
stray quote silently swallows the rows after it. Each of these is either a stated fallback or a
clear error with its line number: never a traceback, never rows silently merged.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# Longest BOMs first: the UTF-32-LE mark begins with the UTF-16-LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
FALLBACK_ENCODINGS = ("cp1252", "latin-1")  # Excel's "CSV" on Windows; latin-1 decodes any byte
MAX_FIELD_BYTES = 10_000_000  # no sentence is this long: a field this size is a quote left open
CHUNK = 1 << 20


class CsvInputError(ValueError):
    """The CSV cannot be read as it is: the message says where and what to change."""


def _decodes(path: Path, encoding: str) -> tuple[bool, int]:
    """Whether the whole file decodes as `encoding`, and else the offset of the first bad byte."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return False, offset + exc.start
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return False, offset + exc.start
    return True, offset


def _line_of(path: Path, offset: int) -> int:
    with open(path, "rb") as fh:
        return fh.read(offset).count(b"\n") + 1


def detect_encoding(path: Path) -> tuple[str, str | None]:
    """(encoding, note): a byte-order mark, else UTF-8 if the whole file is UTF-8, else Windows-1252.

    The note says why when the file was read with a fallback; CsvInputError when the file looks
    like UTF-16/32 without a byte-order mark (which no fallback would read right).
    """
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(CHUNK)
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding, None
    if b"\x00" in head:
        raise CsvInputError(
            f"{path}: holds NUL bytes, as UTF-16 or UTF-32 without a byte-order mark does; "
            "save it as UTF-8 (or as UTF-16 with its byte-order mark)"
        )
    utf8, bad = _decodes(path, "utf-8")
    if utf8:
        return "utf-8", None
    encoding = next(e for e in FALLBACK_ENCODINGS if _decodes(path, e)[0])
    note = (
        f"{path}: not UTF-8 (byte {bad:,}, line {_line_of(path, bad)}); read as {encoding} "
        "(Windows Latin-1). Save it as UTF-8 if that is not what it is."
    )
    return encoding, note


@contextmanager
def _field_limit(limit: int):
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def check_header(path: Path, header: list[str], required: tuple[str, ...]) -> None:
    """Refuse a header that names a column twice or lacks a required one."""
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        if name in seen:
            raise CsvInputError(
                f"{path}: column {name!r} appears twice in the header (columns {seen[name]} and {i}); "
                "rename or remove one"
            )
        seen[name] = i
    missing = [c for c in required if c not in seen]
    if missing:
        raise CsvInputError(f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(header)}")


def is_number(value: str) -> bool:
    """Whether a field reads as a number (the default test of a row's key column)."""
    return value.strip().lstrip("-").replace(".", "", 1).isdigit()


def _looks_like_rows(value: str, width: int, number_at: int, key_test: Callable[[str], bool]) -> int:
    """How many of the lines after the first in a field parse as whole rows of this file."""
    count = 0
    for fields in csv.reader(value.splitlines()[1:]):
        if len(fields) >= width and key_test(fields[number_at]):
            count += 1
    return count


def _unterminated(path: Path, start: int, end: int, detail: str) -> CsvInputError:
    return CsvInputError(
        f"{path}: line {start}: {detail} (the record runs to line {end}); an unterminated quote? "
        'Close the quote, or double a quote inside a field ("")'
    )


def read_header(path: Path, encoding: str, required: tuple[str, ...]) -> list[str]:
    """The header row, checked (check_header)."""
    with _field_limit(MAX_FIELD_BYTES), open(path, encoding=encoding, newline="") as fh:
        try:
            header = next(csv.reader(fh, strict=True), [])
        except (csv.Error, UnicodeError) as exc:
            raise CsvInputError(f"{path}: the header cannot be read: {exc}") from None
    check_header(Path(path), header, required)
    return header


def iter_records(
    path: Path,
    encoding: str,
    required: tuple[str, ...],
    number_column: str,
    key_test: Callable[[str], bool] = is_number,
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, fields) for each record after the header, after the checks.

    `number_column` is a column whose every value passes `key_test` (by default: is a number): a
    quoted field that contains lines which parse as rows passing it there is rows merged by a
    quote left open.
    """
    path = Path(path)
    with _field_limit(MAX_FIELD_BYTES), open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, strict=True)
        try:
            header = next(reader, [])
            check_header(path, header, required)
            number_at = header.index(number_column)
            start = reader.line_num + 1
            for fields in reader:
                end, line = reader.line_num, start
                start = end + 1
                if not fields:
                    continue
                if len(fields) != len(header):
                    if end > line:
                        raise _unterminated(
                            path, line, end, f"{len(fields)} fields, the header has {len(header)}"
                        )
                    raise CsvInputError(
                        f"{path}: line {line} has {len(fields)} fields, the header has {len(header)}"
                    )
                if end > line:
                    merged = max(
                        _looks_like_rows(v, len(header), number_at, key_test) for v in fields if "\n" in v
                    )
                    if merged:
                        raise _unterminated(path, line, end, f"a quoted field holds {merged} more row(s)")
                yield line, fields
        except csv.Error as exc:
            raise _unterminated(path, start, reader.line_num, str(exc)) from None
        except UnicodeError as exc:
            raise CsvInputError(f"{path}: near line {reader.line_num}: not {encoding}: {exc}") from None
