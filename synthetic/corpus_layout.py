"""What a corpus directory holds and how its registry files look, for every generator here.

The registries' hosts and URL shapes, the file paths of the replica layout (docs/ARCHITECTURE.md),
the CSV headers (the crawler's own column lists, so a generated file has exactly the columns the
parsers read) and the writers. Real hosts, fictional content.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from crawler.au_csv import EXPORT_COLUMNS
from crawler.uk_csv import UK_COLUMNS, UK_LATER_COLUMNS

UK_DOWNLOADS_HOST = "downloads.modern-slavery-statement-registry.service.gov.uk"
UK_REGISTRY_HOST = "modern-slavery-statement-registry.service.gov.uk"
AU_REGISTER_HOST = "modernslaveryregister.gov.au"

UK_SUMMARY_URL = f"https://{UK_REGISTRY_HOST}/statement-summary/{{org_id}}/{{year}}"
UK_PDF_URL = f"https://{UK_DOWNLOADS_HOST}/pdf-published/{{path}}"
AU_PAGE_URL = f"https://{AU_REGISTER_HOST}/statements/{{id}}/"
AU_PDF_URL = f"https://{AU_REGISTER_HOST}/statements/{{token}}/pdf/"

UK_CSV = "registry/uk/StatementSummaries{year}.csv"
UK_PDF_DIR = "registry/uk/pdf-published"
AU_CSV = "registry/au/all-statement-information.csv"
AU_INDEX = "registry/au/statements.json"  # {"<numeric id>": {"token": ..., "file": "pdf/<token>.pdf"}}
AU_PDF_DIR = "registry/au/pdf"


def columns_after(columns: Sequence[str], after: str, *new: str) -> list[str]:
    """`columns` with `new` inserted after the column `after`."""
    i = list(columns).index(after) + 1
    return [*columns[:i], *new, *columns[i:]]


UK_71 = list(UK_COLUMNS)
# 2022+ files: the 71 plus PDFURL and PDFDate (seen in real data) and three made-up columns placed
# mid-row, so that a reader that goes by position breaks.
UK_76 = columns_after(UK_71, "SectorType", "IsVoluntary")
UK_76 = columns_after(UK_76, "LastUpdated", "StatementVersion")
UK_76 = columns_after(UK_76, "StatementURL", *UK_LATER_COLUMNS)
UK_76 = columns_after(UK_76, "DateApproved", "StatementPublishedDate")
AU_COLUMNS = list(EXPORT_COLUMNS)


def uk_columns(year: int) -> list[str]:
    """The header of a registry year's file: 71 columns up to 2021, 76 from 2022."""
    return UK_71 if year <= 2021 else UK_76


def row_values(columns: Sequence[str], values: Mapping[str, str], what: str = "row") -> list[str]:
    """One CSV row in header order from values by column name; a name not in the header is an error."""
    unknown = set(values) - set(columns)
    if unknown:
        raise ValueError(f"{what}: columns not in the header: {sorted(unknown)}")
    return [values.get(name, "") for name in columns]


def au_entity(name: str, abn: str | None = None) -> str:
    """'NAME (12 345 678 901)' as the AU register writes an entity with an ABN, else the bare name."""
    return f"{name} ({abn[:2]} {abn[2:5]} {abn[5:8]} {abn[8:]})" if abn else name


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    bom: bool,
    raw_tail: str = "",
    line_end: str = "\r\n",
) -> None:
    """A registry CSV as the registries write them: `line_end` rows (also inside quoted fields'
    line breaks as given), an optional BOM, and an optional raw tail (a truncated last row)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows(rows)
    write_file(path, (b"\xef\xbb\xbf" if bom else b"") + (buffer.getvalue() + raw_tail).encode("utf-8"))


def write_file(path: Path, data: bytes | str) -> None:
    """Write bytes (or UTF-8 text), making the folders on the way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
