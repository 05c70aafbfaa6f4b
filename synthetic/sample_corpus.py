"""Build the fictional sample corpus (sample_corpus/) from sample_corpus/sources/.

Everything under registry/ and sites/ is an output of this script: statement
PDFs and HTML pages from sources/documents/*.txt, registry CSVs and
registry/au/statements.json from sources/registry_*.toml. The two output
folders are deleted and rebuilt on every run, so a URL with no source (the
dead link) stays absent. reportlab runs with invariant=1: re-running gives
identical bytes.

    python -m synthetic.sample_corpus           # rebuild
    python -m synthetic.sample_corpus --check   # rebuild, then check every output against expected.json

Document source format (one file per document):

    key: value            front matter, until a line '---'; 'output' may repeat
    ---
    # Title               '#', '##', '###' headings
    text lines            joined into one paragraph until a blank line
    - item                bullet list item
    | a | b |             table row; the first row of a table is its header
    > line                kept as its own line (signature blocks, addresses)
    [[page]]              page break (PDF only)
    [[columns]]           end of the full-width intro of a two-column PDF
    [text](url), **bold** inline markup
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from reportlab import rl_config

rl_config.invariant = 1  # fixed document id and dates: byte-identical rebuilds

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_LEFT  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    BaseDocTemplate,
    Frame,
    FrameBreak,
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from synthetic.corpus_layout import (  # noqa: E402
    AU_COLUMNS,
    AU_CSV,
    AU_INDEX,
    AU_PAGE_URL,
    UK_CSV,
    UK_SUMMARY_URL,
    au_entity,
    row_values,
    uk_columns,
    write_csv,
    write_file,
)

ROOT = Path(__file__).resolve().parents[1] / "sample_corpus"
SOURCES = ROOT / "sources"
OUTPUT_DIRS = ("registry", "sites")

# --- registry layouts ------------------------------------------------------------------------------------

UK_AREAS = {  # key in sources/registry_uk.toml -> (flag column, reason column)
    "structure": ("StatementIncludesOrgStructure", "NoOrgStructureReason"),
    "policies": ("StatementIncludesPolicies", "NoPoliciesReason"),
    "risk": ("StatementIncludesRisksAssessment", "NoRiskAssessmentReason"),
    "due_diligence": ("StatementIncludesDueDiligence", "NoDueDiligenceReason"),
    "training": ("StatementIncludesTraining", "NoTrainingReason"),
    "goals": ("StatementIncludesGoals", "NoGoalsReason"),
}
UK_BOM_YEARS = {2022, 2024}  # the real files may start with a BOM; some of ours do, some do not
CRLF = "\r\n"  # UK rows end in CRLF and multi-line fields use CRLF inside the quotes


def write_uk_registry(out: Path) -> None:
    """One StatementSummaries{YEAR}.csv per registry year, one row per organisation per statement."""
    spec = tomllib.loads((SOURCES / "registry_uk.toml").read_text(encoding="utf-8"))
    by_year: dict[int, list[dict]] = {}
    for st in spec["statement"]:
        by_year.setdefault(st["year"], []).append(st)
    for year, statements in sorted(by_year.items()):
        columns = uk_columns(year)
        rows = [
            row_values(columns, uk_row(year, st, org), f"{st['org_id']} ({year} layout)")
            for st in statements
            for org in st["organisation"]
        ]
        write_csv(out / UK_CSV.format(year=year), columns, rows, bom=year in UK_BOM_YEARS, line_end=CRLF)


def uk_row(year: int, st: dict, org: dict) -> dict[str, str]:
    """The registry row of one organisation of a statement, by column name."""
    yes, no = ("Yes", "No") if year <= 2021 else ("Yes", "")
    row = {
        "StatementYear": str(year),
        "OrganisationName": org["name"],
        "Address": CRLF.join(org.get("address", [])),
        "SectorType": org.get("sector_type", "Private"),
        "CompanyNumber": org.get("company_number", ""),
        "LastUpdated": st["last_updated"],
        "GroupSubmission": "Yes" if st.get("group") else "No",
        "ParentName": st.get("parent_name", ""),
        "StatementURL": st.get("statement_url", ""),
        "EmailAddressNoURL": st.get("email", ""),
        "StatementSummaryURL": UK_SUMMARY_URL.format(org_id=st["org_id"], year=year),
        "StatementStartDate": st["start"],
        "StatementEndDate": st["end"],
        "ApprovingPerson": st["approving_person"],
        "DateApproved": st["date_approved"],
        "OrganisationSectors": CRLF.join(st.get("sectors", [])),
        "Turnover": st["turnover"],
        "YearsProducingStatements": st.get("years_producing", ""),
    }
    for key, (flag, reason) in UK_AREAS.items():
        included = st["areas"].get(key, False)
        row[flag] = yes if included else no
        if not included:
            row[reason] = st.get("no_reasons", {}).get(key, "")
    if year > 2021:
        row["IsVoluntary"] = "Yes" if st.get("voluntary") else ""
        row["StatementVersion"] = str(st.get("version", 1))
        row["PDFURL"] = st.get("pdf_url", "")
        row["PDFDate"] = st.get("pdf_date", "")
        row["StatementPublishedDate"] = st.get("published", st["last_updated"])
    for name, value in st.get("extra", {}).items():
        row[name] = CRLF.join(value) if isinstance(value, list) else str(value)
    return row


def write_au_registry(out: Path) -> None:
    """The register's CSV export and statements.json (numeric statement id -> PDF token and file)."""
    spec = tomllib.loads((SOURCES / "registry_au.toml").read_text(encoding="utf-8"))
    rows, index = [], {}
    for st in spec["statement"]:
        reporting = st.get("reporting_entities", [])
        included = st.get("included_entities", [])
        values = {
            "IDX": st["idx"],
            "PeriodStart": st["period_start"],
            "PeriodEnd": st["period_end"],
            "Type": st["type"],
            "HeadquarteredCountries": ", ".join(st["headquartered_countries"]),
            "AnnualRevenue": st["annual_revenue"],
            "ReportingEntities": ", ".join(au_entity(e["name"], e.get("abn")) for e in reporting),
            "IncludedEntities": ", ".join(au_entity(e["name"], e.get("abn")) for e in included),
            "ABN": ", ".join(e["abn"] for e in reporting + included if e.get("abn")),
            "ACN": ", ".join(st.get("acn", [])),
            "ARBN": ", ".join(st.get("arbn", [])),
            "Link": AU_PAGE_URL.format(id=st["link_id"]),
            "IndustrySectors": "\n".join(st["sectors"]),
            "RelatedStatements": ", ".join(st.get("related", [])),
        }
        rows.append(row_values(AU_COLUMNS, values, st["idx"]))
        index[str(st["link_id"])] = {"token": st["token"], "file": f"pdf/{st['token']}.pdf"}
    # the AU export uses LF, also inside quoted fields
    write_csv(out / AU_CSV, AU_COLUMNS, rows, bom=False, line_end="\n")
    write_file(out / AU_INDEX, json.dumps(index, indent=2, sort_keys=True) + "\n")


# --- document sources ------------------------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # heading, para, bullets, table, lines, page, columns
    text: str = ""
    level: int = 0
    items: list = field(default_factory=list)


@dataclass
class Document:
    name: str
    meta: dict[str, list[str]]
    blocks: list[Block]

    def get(self, key: str, default: str = "") -> str:
        return self.meta.get(key, [default])[0]


def parse_document(path: Path) -> Document:
    """Read one source file: front matter, then the block markup described in the module docstring."""
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    meta: dict[str, list[str]] = {}
    for line in head.splitlines():
        if line.strip():
            key, _, value = line.partition(":")
            meta.setdefault(key.strip(), []).append(value.strip())
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("para", " ".join(para)))
            para.clear()

    def last(kind: str) -> Block:
        if not blocks or blocks[-1].kind != kind:
            blocks.append(Block(kind))
        return blocks[-1]

    for raw in body.splitlines():
        line = raw.rstrip()
        if not line.strip():
            flush()
            blocks.append(Block("gap"))
        elif line.startswith("#"):
            flush()
            hashes, _, title = line.partition(" ")
            blocks.append(Block("heading", title.strip(), level=len(hashes)))
        elif line in ("[[page]]", "[[columns]]"):
            flush()
            blocks.append(Block(line.strip("[]")))
        elif line.startswith("- "):
            flush()
            last("bullets").items.append(line[2:].strip())
        elif line.startswith("|"):
            flush()
            last("table").items.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif line.startswith(">"):
            flush()
            last("lines").items.append(line[1:].strip())
        else:
            para.append(line.strip())
    flush()
    return Document(path.stem, meta, [b for b in blocks if b.kind != "gap"])


def inline(text: str, link: str) -> str:
    """Escape text and turn [t](u) and **b** into markup; link is a format string with {url} and {text}."""
    out = html.escape(text, quote=False)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    return re.sub(r"\[([^\]]+)\]\(([^)]+)\)", lambda m: link.format(text=m[1], url=m[2]), out)


# --- PDF -------------------------------------------------------------------------------------------------

PAGE_W, PAGE_H = A4
MARGIN = 2.2 * cm


def pdf_styles(accent: colors.Color) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body", fontName="Helvetica", fontSize=10, leading=14, spaceAfter=6, alignment=TA_LEFT
    )
    return {
        "body": body,
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=20,
            leading=24,
            textColor=accent,
            spaceAfter=12,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=13,
            leading=17,
            textColor=accent,
            spaceBefore=10,
            spaceAfter=5,
        ),
        "h3": ParagraphStyle(
            "h3", parent=body, fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=6, spaceAfter=3
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11, spaceAfter=0),
        "head": ParagraphStyle(
            "head",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=8.5,
            leading=11,
            spaceAfter=0,
            textColor=colors.white,
        ),
        "line": ParagraphStyle("line", parent=body, spaceAfter=0),
    }


def page_chrome_canvas(header: str, footer: str, accent: colors.Color):
    """A canvas class that draws the running header and 'Page n of N' footer once the page count is known."""

    class ChromeCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._draw_chrome(number, len(self._pages))
                super().showPage()
            super().save()

        def _draw_chrome(self, number: int, total: int) -> None:
            self.saveState()
            top = PAGE_H - 1.3 * cm
            self.setFillColor(accent)
            self.rect(MARGIN, top - 0.1 * cm, 0.45 * cm, 0.45 * cm, stroke=0, fill=1)
            self.setFillColor(colors.HexColor("#444444"))
            self.setFont("Helvetica", 8)
            self.drawString(MARGIN + 0.7 * cm, top, header)
            self.setStrokeColor(colors.HexColor("#bbbbbb"))
            self.setLineWidth(0.5)
            self.line(MARGIN, top - 0.3 * cm, PAGE_W - MARGIN, top - 0.3 * cm)
            self.line(MARGIN, 1.7 * cm, PAGE_W - MARGIN, 1.7 * cm)
            self.drawString(MARGIN, 1.2 * cm, footer)
            self.drawRightString(PAGE_W - MARGIN, 1.2 * cm, f"Page {number} of {total}")
            self.restoreState()

    return ChromeCanvas


def pdf_flowables(doc: Document, styles: dict[str, ParagraphStyle], width: float) -> list:
    """Platypus flowables for the blocks; width is the frame width tables must fit."""
    link = '<link href="{url}" color="#1a55a3">{text}</link>'
    flow: list = []
    for block in doc.blocks:
        if block.kind == "heading":
            flow.append(Paragraph(inline(block.text, link), styles[f"h{min(block.level, 3)}"]))
        elif block.kind == "para":
            flow.append(Paragraph(inline(block.text, link), styles["body"]))
        elif block.kind == "bullets":
            items = [ListItem(Paragraph(inline(t, link), styles["body"]), leftIndent=14) for t in block.items]
            bullets = ListFlowable(items, bulletType="bullet", start="\u2022", leftIndent=14)
            flow.append(bullets)
        elif block.kind == "table":
            flow.append(pdf_table(block.items, styles, width))
            flow.append(Spacer(1, 8))
        elif block.kind == "lines":
            lines = [Paragraph(inline(t, link), styles["line"]) for t in block.items]
            flow.append(KeepTogether([Spacer(1, 6), *lines, Spacer(1, 8)]))
        elif block.kind == "page":
            flow.append(PageBreak())
        elif block.kind == "columns":
            flow.append(FrameBreak())
    return flow


def pdf_table(rows: list[list[str]], styles: dict[str, ParagraphStyle], width: float) -> Table:
    """A table with a coloured header row; column widths follow the longest cell of each column."""
    weights = [max(6, min(40, max(len(r[i]) for r in rows))) for i in range(len(rows[0]))]
    widths = [width * w / sum(weights) for w in weights]
    cells = [
        [Paragraph(inline(c, "{text}"), styles["head" if i == 0 else "cell"]) for c in r]
        for i, r in enumerate(rows)
    ]
    table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), styles["h2"].textColor),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def render_pdf(doc: Document) -> bytes:
    """The document as PDF bytes: one or two columns, running header and footer on every page."""
    accent = colors.HexColor(doc.get("accent", "#1f4e79"))
    styles = pdf_styles(accent)
    buf = io.BytesIO()
    template = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=2.2 * cm,
        bottomMargin=2.2 * cm,
        title=doc.get("title"),
        author=doc.get("author"),
        subject="Modern slavery statement",
        creator="msa sample corpus (fictional)",
    )
    body_w, body_h = template.width, template.height
    x, y = template.leftMargin, template.bottomMargin
    if doc.get("columns", "1") == "2":
        gap = 0.8 * cm
        col_w = (body_w - gap) / 2
        intro_h = float(doc.get("intro_height_cm", "6")) * cm
        first = [
            Frame(x, y + body_h - intro_h, body_w, intro_h, id="intro"),
            Frame(x, y, col_w, body_h - intro_h, id="left1"),
            Frame(x + col_w + gap, y, col_w, body_h - intro_h, id="right1"),
        ]
        later = [Frame(x, y, col_w, body_h, id="left"), Frame(x + col_w + gap, y, col_w, body_h, id="right")]
        template.addPageTemplates([PageTemplate("first", first), PageTemplate("later", later)])
        flow = [NextPageTemplate("later"), *pdf_flowables(doc, styles, col_w - 12)]
    else:
        template.addPageTemplates([PageTemplate("single", [Frame(x, y, body_w, body_h, id="body")])])
        flow = pdf_flowables(doc, styles, body_w - 12)
    maker = page_chrome_canvas(doc.get("header"), doc.get("footer"), accent)
    template.build(flow, canvasmaker=maker)
    return buf.getvalue()


# --- HTML ------------------------------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | {site}</title>
<meta name="description" content="{description}">
<style>
body {{ font-family: Arial, sans-serif; margin: 0; color: #222; }}
.site-header, .site-footer {{ background: {accent}; color: #fff; padding: 1em 2em; }}
.site-header a, .site-footer a {{ color: #fff; }}
.main-menu ul {{ list-style: none; display: flex; gap: 1.5em; padding: 0; }}
.cookie-banner {{ position: fixed; bottom: 0; background: #f4f4f4; padding: 1em 2em; }}
main {{ display: flex; gap: 3em; padding: 2em; }}
article {{ max-width: 46em; }}
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #999; padding: .3em .6em; }}
</style>
</head>
<body>
<div id="cookie-banner" class="cookie-banner" role="region" aria-label="Cookie banner">
<p>We use essential cookies to make this site work, and optional analytics cookies to see how it is used.
Read our <a href="/cookie-policy.html">cookie policy</a>.</p>
<button type="button" class="btn-accept">Accept all cookies</button>
<button type="button" class="btn-reject">Reject optional cookies</button>
</div>
<header class="site-header">
<a class="logo" href="/">{site}</a>
<nav class="main-menu" aria-label="Main menu">
<ul>
{nav}
</ul>
</nav>
</header>
<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">Home</a> &rsaquo; {crumb}</nav>
<main id="main-content">
<article class="page-content">
{body}
</article>
<aside class="sidebar">
<h3>Related pages</h3>
<ul>
{related}
</ul>
</aside>
</main>
<footer class="site-footer">
<ul class="footer-links">
<li><a href="/privacy-policy.html">Privacy policy</a></li>
<li><a href="/cookie-policy.html">Cookies</a></li>
<li><a href="/accessibility.html">Accessibility</a></li>
<li><a href="/contact.html">Contact us</a></li>
</ul>
<p>{legal}</p>
<p>&copy; {year} {site}. All rights reserved.</p>
</footer>
<script>
document.querySelectorAll('#cookie-banner button').forEach(function (b) {{
  b.addEventListener('click', function () {{ document.getElementById('cookie-banner').hidden = true; }});
}});
</script>
</body>
</html>
"""


def render_html(doc: Document, sites: dict) -> bytes:
    """The document as a page of its company's website: cookie banner, menu, footer, text in <article>."""
    site = sites[doc.get("site")]
    link = '<a href="{url}">{text}</a>'
    parts: list[str] = []
    for block in doc.blocks:
        if block.kind == "heading":
            parts.append(f"<h{block.level}>{inline(block.text, link)}</h{block.level}>")
        elif block.kind == "para":
            parts.append(f"<p>{inline(block.text, link)}</p>")
        elif block.kind == "bullets":
            items = "\n".join(f"<li>{inline(t, link)}</li>" for t in block.items)
            parts.append(f"<ul>\n{items}\n</ul>")
        elif block.kind == "table":
            head = "".join(f"<th>{inline(c, link)}</th>" for c in block.items[0])
            rows = "\n".join(
                "<tr>" + "".join(f"<td>{inline(c, link)}</td>" for c in r) + "</tr>" for r in block.items[1:]
            )
            parts.append(f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>")
        elif block.kind == "lines":
            lines = "<br>\n".join(inline(t, link) for t in block.items)
            parts.append(f'<p class="signature">{lines}</p>')
    nav, related = (
        "\n".join(f'<li><a href="{href}">{html.escape(label)}</a></li>' for label, href in site[key])
        for key in ("nav", "related")
    )
    page = HTML_PAGE.format(
        lang=site.get("lang", "en-GB"),
        title=html.escape(doc.get("title")),
        site=html.escape(site["name"]),
        description=html.escape(doc.get("description", doc.get("title"))),
        accent=site["accent"],
        nav=nav,
        crumb=html.escape(doc.get("crumb", doc.get("title"))),
        body="\n".join(parts),
        related=related,
        legal=html.escape(site["legal"]),
        year=doc.get("year"),
    )
    return page.encode("utf-8")


# --- build and check -------------------------------------------------------------------------------------


def build(out: Path = ROOT) -> list[Path]:
    """Delete and rewrite registry/ and sites/; returns the written document paths."""
    for name in OUTPUT_DIRS:
        shutil.rmtree(out / name, ignore_errors=True)
    sites = tomllib.loads((SOURCES / "sites.toml").read_text(encoding="utf-8"))
    written: list[Path] = []
    for source in sorted((SOURCES / "documents").glob("*.txt")):
        doc = parse_document(source)
        kind = doc.get("kind")
        data = render_pdf(doc) if kind == "pdf" else render_html(doc, sites)
        for rel in doc.meta["output"]:
            assert rel.split("/")[0] in OUTPUT_DIRS, f"{source.name}: output outside registry/ or sites/"
            path = out / rel
            write_file(path, data)
            written.append(path)
    write_uk_registry(out)
    write_au_registry(out)
    return written


def normalise(text: str) -> str:
    return " ".join(text.split())


def html_text(data: bytes) -> str:
    """Visible text of an HTML page, crudely: tags become spaces, entities are decoded."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", data.decode("utf-8"), flags=re.S)
    return normalise(html.unescape(re.sub(r"<[^>]+>", " ", text)))


def pdf_page_texts(path: Path) -> list[list[str]]:
    """Per page: the text of the whole page and of each half (two-column pages read column by column)."""
    import pdfplumber

    pages = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            mid = page.width / 2
            views = [page, page.crop((0, 0, mid, page.height)), page.crop((mid, 0, page.width, page.height))]
            pages.append([normalise(v.extract_text() or "") for v in views])
    return pages


def check(out: Path = ROOT) -> list[str]:
    """Problems found when comparing the outputs with expected.json (empty when all is well)."""
    problems: list[str] = []
    expected = json.loads((out / "expected.json").read_text(encoding="utf-8"))
    for pdf in sorted(out.rglob("*.pdf")):
        pages = pdf_page_texts(pdf)
        if not pages or not all(p[0] for p in pages):
            problems.append(f"{pdf.relative_to(out)}: a page without text")
    for sid, st in expected["statements"].items():
        doc = st.get("document")
        if not doc:
            continue
        path = out / doc["path"]
        if not path.exists():
            problems.append(f"{sid}: missing {doc['path']}")
            continue
        if path.suffix == ".pdf":
            pages = pdf_page_texts(path)
            if doc.get("pages") != len(pages):
                problems.append(f"{sid}: {len(pages)} pages, expected {doc.get('pages')}")
        else:
            pages = [[html_text(path.read_bytes())]]
        for sentence in st.get("sentences", []):
            page = sentence.get("page") or 1
            if page > len(pages) or not any(normalise(sentence["text"]) in v for v in pages[page - 1]):
                problems.append(f"{sid}: not on page {page}: {sentence['text'][:70]}")
    for dead in expected["dead_urls"]:
        if (out / dead["path"]).exists():
            problems.append(f"dead URL has a file: {dead['path']}")
    for year in expected["uk_registry"]["years_absent"]:
        if (out / f"registry/uk/StatementSummaries{year}.csv").exists():
            problems.append(f"UK {year} should have no file")
    for year, counts in expected["uk_registry"]["years"].items():
        raw = (out / f"registry/uk/StatementSummaries{year}.csv").read_bytes()
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        if len(rows[0]) != counts["columns"] or len(rows) - 1 != counts["rows"]:
            problems.append(f"UK {year}: {len(rows[0])} columns, {len(rows) - 1} rows; expected {counts}")
        if raw.startswith(b"\xef\xbb\xbf") != counts["bom"]:
            problems.append(f"UK {year}: BOM is not {counts['bom']}")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    if size > 2_000_000:
        problems.append(f"corpus is {size} bytes, over 2 MB")
    return problems


def main(argv: list[str]) -> int:
    written = build()
    print(f"wrote {len(written)} documents and the registry files under {ROOT}")
    if "--check" in argv:
        problems = check()
        for problem in problems:
            print("PROBLEM:", problem)
        print("check:", "ok" if not problems else f"{len(problems)} problems")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
