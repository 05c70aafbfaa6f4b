"""A synthetic corpus of any size in the replica layout (docs/ARCHITECTURE.md), for benchmarks and for
tests that need many statements (kill and resume). Every name, number and site in it is made up and
says so (`Synthetic ... Limited`, hosts `synthetic-*.example`); nothing here is real statement text.

    corpus = write_synthetic_corpus(tmp / "corpus", statements=2000)
    with Replica(corpus.root) as replica: ...

UK statements are split over a 71-column year (2021) and a 76-column one (2024, some with a registry
PDF copy); among them group statements (three rows), email-only entries, HTML statements and landing
pages that link to the PDF. A quarter of the statements are AU ones (statement page → token → PDF).
Company documents share a few hosts, because the replica runs one server per host.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from crawler.au_csv import EXPORT_COLUMNS
from crawler.uk_csv import UK_COLUMNS

UK_SUMMARY = "https://modern-slavery-statement-registry.service.gov.uk/statement-summary/{}/{}"
UK_PDF = "https://downloads.modern-slavery-statement-registry.service.gov.uk/pdf-published/{}"
AU_LINK = "https://modernslaveryregister.gov.au/statements/{}/"
AU_COLUMNS = list(EXPORT_COLUMNS)
SITE_HOSTS = 6
UK_YEARS = (2021, 2024)


def columns_after(columns: list[str] | tuple[str, ...], after: str, *new: str) -> list[str]:
    """`columns` with `new` inserted after the column `after`."""
    i = list(columns).index(after) + 1
    return [*columns[:i], *new, *columns[i:]]


# Later files: PDFURL and PDFDate (real) and three made-up columns mid-row (the other three of the 76
# are unknown), to show that columns are read by name.
UK_76 = columns_after(UK_COLUMNS, "SectorType", "IsVoluntary")
UK_76 = columns_after(UK_76, "LastUpdated", "StatementVersion")
UK_76 = columns_after(UK_76, "StatementURL", "PDFURL", "PDFDate")
UK_76 = columns_after(UK_76, "DateApproved", "StatementPublishedDate")


def pdf_from_objects(objects: list[bytes], version: bytes = b"1.4") -> bytes:
    """A valid PDF file around numbered object bodies (object 1 the catalog), with its xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-" + version + b"\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def minimal_pdf(*lines: str, padding: int = 0) -> bytes:
    """A small valid one-page PDF showing the given lines; `padding` bytes of comment make it bigger."""
    text = (
        "BT /F1 11 Tf 72 720 Td 14 TL "
        + " ".join(
            "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*"
            for line in lines
        )
        + " ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text.encode("latin-1") + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(pdf_from_objects(objects))
    for start in range(0, padding, 64):  # comment lines after %%EOF: readers ignore them
        out.write(b"%" + b"x" * min(63, padding - start - 1) + b"\n")
    return out.getvalue()


def write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool, raw_tail: str = "") -> None:
    """A registry CSV as the registries write them: CRLF rows, optional BOM, optional raw tail."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_file(path, (b"\xef\xbb\xbf" if bom else b"") + (buffer.getvalue() + raw_tail).encode("utf-8"))


def write_file(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


@dataclass
class SyntheticCorpus:
    """Where the corpus is and what a complete crawl of it should find."""

    root: Path
    uk_statements: int = 0
    au_statements: int = 0
    # Real-shaped URLs of every document (company files, registry copies, AU PDFs), for fault injection.
    document_urls: list[str] = field(default_factory=list)
    au_page_urls: list[str] = field(default_factory=list)

    @property
    def statements(self) -> int:
        return self.uk_statements + self.au_statements


def write_synthetic_corpus(
    root: Path, statements: int = 2000, seed: int = 7, pdf_bytes: int = 20_000
) -> SyntheticCorpus:
    """Write a corpus of about `statements` statements (3/4 UK, 1/4 AU) under `root`."""
    root = Path(root)
    rng = random.Random(seed)
    corpus = SyntheticCorpus(root)
    write_file(
        root / "README.md",
        "# Synthetic corpus\n\nGenerated by synthetic/corpus.py for benchmarks and tests. "
        "Every organisation, person and site is fictional.\n",
    )
    uk_total = statements - statements // 4
    per_year = {
        year: uk_total // len(UK_YEARS) + (i < uk_total % len(UK_YEARS)) for i, year in enumerate(UK_YEARS)
    }
    for year, count in per_year.items():
        _uk_year(corpus, rng, year, count, pdf_bytes)
    _au(corpus, rng, statements // 4, pdf_bytes)
    return corpus


def _site(i: int) -> str:
    return f"www.synthetic-{i % SITE_HOSTS}.example"


def _uk_year(corpus: SyntheticCorpus, rng: random.Random, year: int, count: int, pdf_bytes: int) -> None:
    header = UK_76 if year >= 2022 else list(UK_COLUMNS)
    rows: list[list[str]] = []
    for i in range(count):
        org_id = f"S{year % 100:02d}{i:05d}"[:8]
        name = f"Synthetic Trading {year}-{i} Limited"
        site, slug = _site(i), f"org-{year}-{i}"
        values = {
            "StatementYear": str(year),
            "OrganisationName": name,
            "SectorType": rng.choice(("Private", "Public")),
            "CompanyNumber": f"{rng.randrange(10**7, 10**8)}" if rng.random() < 0.6 else "",
            "LastUpdated": f"{rng.randrange(1, 28):02d}/06/{year}",
            "GroupSubmission": "No",
            "StatementSummaryURL": UK_SUMMARY.format(org_id, year),
            "StatementStartDate": f"01/04/{year - 1}",
            "StatementEndDate": f"31/03/{year}",
            "ApprovingPerson": f"Synthetic Person {i} (Director)",
            "DateApproved": f"{rng.randrange(1, 28):02d}/05/{year}",
            "Turnover": rng.choice(("Under £36 million", "£36 million to £60 million", "Over £500 million")),
            "OrganisationSectors": "Retail\r\nWholesale",
            "StatementIncludesOrgStructure": "Yes",
        }
        lines = (f"{name}: modern slavery statement {year} (synthetic).", "We trained our buyers.")
        kind = i % 20
        if kind == 0:
            values["EmailAddressNoURL"] = f"msa@{slug}.synthetic.example"
        elif kind == 1:
            path = f"{slug}/modern-slavery.html"
            write_file(
                corpus.root / "sites" / site / path,
                f"<!DOCTYPE html><html><head><title>{name}</title></head><body><main><h1>{lines[0]}</h1>"
                f"<p>{' '.join([lines[1]] * 40)}</p></main></body></html>",
            )
            values["StatementURL"] = f"https://{site}/{path}"
        else:
            pdf_path = f"{slug}/modern-slavery-statement-{year}.pdf"
            write_file(corpus.root / "sites" / site / pdf_path, minimal_pdf(*lines, padding=pdf_bytes))
            corpus.document_urls.append(f"https://{site}/{pdf_path}")
            values["StatementURL"] = f"https://{site}/{pdf_path}"
            if kind == 2:  # a landing page that links to the PDF
                page = f"{slug}/about/modern-slavery.html"
                write_file(
                    corpus.root / "sites" / site / page,
                    f"<!DOCTYPE html><html><head><title>{name}</title></head><body><main><h1>Modern slavery"
                    f'</h1><p><a href="/{pdf_path}">Read our modern slavery statement (PDF)</a></p>'
                    "</main></body></html>",
                )
                values["StatementURL"] = f"https://{site}/{page}"
        if "PDFURL" in header and i % 3 == 0 and values.get("StatementURL"):
            copy = f"{org_id}/{year}/Modern Slavery Statement {year}.pdf"
            write_file(
                corpus.root / "registry/uk/pdf-published" / copy,
                minimal_pdf(*lines, "Registry copy.", padding=pdf_bytes),
            )
            values["PDFURL"] = UK_PDF.format(copy)
            values["PDFDate"] = f"{year}-06-02T10:00:00"
            corpus.document_urls.append(UK_PDF.format(copy))
        if kind in (3, 4):  # a group statement: one row per member, the parent named on each
            values |= {"GroupSubmission": "Yes", "ParentName": f"SYNTHETIC GROUP {year}-{i} PLC"}
            for member in range(3):
                rows.append(
                    [{**values, "OrganisationName": f"{name} Member {member}"}.get(c, "") for c in header]
                )
        else:
            rows.append([values.get(column, "") for column in header])
        corpus.uk_statements += 1
    write_csv(corpus.root / f"registry/uk/StatementSummaries{year}.csv", header, rows, bom=year < 2022)


def _au(corpus: SyntheticCorpus, rng: random.Random, count: int, pdf_bytes: int) -> None:
    rows, pages = [], {}
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    for n in range(count):
        page_id = str(90000 + n)
        token = "".join(rng.choice(alphabet) for _ in range(15))
        abns = [f"{rng.randrange(10**10, 10**11)}" for _ in range(1 + (n % 5 == 0))]
        entities = ", ".join(
            f"SYNTHETIC AU {n}-{k} PTY LTD ({abn[:2]} {abn[2:5]} {abn[5:8]} {abn[8:]})"
            for k, abn in enumerate(abns)
        )
        values = {
            "IDX": f"2024-{n + 1}",
            "PeriodStart": "2023-07-01",
            "PeriodEnd": "2024-06-30",
            "Type": "Joint" if len(abns) > 1 else "Single",
            "HeadquarteredCountries": "Australia",
            "AnnualRevenue": rng.choice(("100-150M", "1BN+", "Unknown")),
            "ReportingEntities": entities,
            "ABN": ", ".join(abns),
            "Link": AU_LINK.format(page_id),
            "IndustrySectors": "Retail Trade\nManufacturing",
            "RelatedStatements": f"2023-{n + 1}" if n % 4 == 0 else "",
        }
        rows.append([values.get(column, "") for column in AU_COLUMNS])
        pages[page_id] = {"token": token, "file": f"pdf/{token}.pdf"}
        write_file(
            corpus.root / f"registry/au/pdf/{token}.pdf",
            minimal_pdf(f"Synthetic AU statement {n}.", padding=pdf_bytes),
        )
        corpus.document_urls.append(f"https://modernslaveryregister.gov.au/statements/{token}/pdf/")
        corpus.au_page_urls.append(values["Link"])
        corpus.au_statements += 1
    write_csv(corpus.root / "registry/au/all-statement-information.csv", AU_COLUMNS, rows, bom=False)
    write_file(corpus.root / "registry/au/statements.json", json.dumps(pages, indent=1))
