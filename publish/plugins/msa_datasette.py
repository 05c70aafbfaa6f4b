"""msa's Datasette plugin: safe full-text queries, links between query results, statement sources.

Loaded with `--plugins-dir publish/plugins` by `msa serve`. Self-contained (imports only
Datasette and the standard library) so it loads however Datasette is started.

- SQL functions `msa_fts(q)` and `msa_search_match(q, evidence, criterion, jurisdiction, year)`
  turn what a reader types into a valid FTS5 query: a stray quote or hyphen ("child-labour")
  must not be a syntax error, while "phrases", OR, NOT and prefix* still work.
- Canned-query results link ids to their rows (Datasette links them on table pages only).
- A statement's row page lists its original documents and its registry page first.
- Every table and query page offers a `dictionary` export beside JSON and CSV: the data dictionary
  (column, description) of exactly the columns the CSV export holds; CSV responses name it in a
  `Link: <...>; rel="describedby"` header.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlencode

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

OPERATORS = ("OR", "AND", "NOT")
_TOKEN = re.compile(r'"[^"]*"?|[^\s"]+')
_WORD = re.compile(r"\w+")
_TAG_VALUE = re.compile(r"[^a-z0-9_]")
DICTIONARY = "dictionary"
# Tables of millions of rows on a full corpus.
# Where publish/metadata.py puts the canned queries' column descriptions.
DICTIONARY_CONFIG = "msa-data-dictionary"
# A valid query that matches nothing: what an empty search box runs.
NO_MATCH = '"msa_no_search_terms"'
PLUGIN = "msa_datasette"
CSV_CHUNK = 64 * 1024  # bytes of a CSV export passed to the server per write (asgi_wrapper)
STORED_PREFIX = "/-/documents/"  # msa_documents.py serves the content store there
# A sentence id as the rationale cites it: {first 16 hex of the document id}-{5-digit position}.
SENTENCE_ID = re.compile(r"\b[0-9a-f]{16}-\d{5}\b")
ROW_LINKS = {
    "statement_id": "statements",
    "sentence_id": "sentences",
    "example_sentence_id": "sentences",
    "organisation_id": "organisations",
}


def fts_query(q: str | None) -> str:
    """A reader's search text as FTS5 syntax: every word or "phrase" quoted, operators kept between terms."""
    out: list[str] = []
    for token in _TOKEN.findall(q or ""):
        if token in OPERATORS:
            if out and out[-1] not in OPERATORS:
                out.append(token)
            continue
        words = _WORD.findall(token)
        if not words:
            continue
        prefix = token.endswith("*") and not token.startswith('"')
        out.append('"' + " ".join(words) + '"' + ("*" if prefix else ""))
    while out and out[-1] in OPERATORS:
        out.pop()
    return " ".join(out)


def _tag_value(value: str | int | None) -> str:
    return _TAG_VALUE.sub("", str(value or "").strip().lower())


def _tag(prefix: str, value: str | int | None) -> str | None:
    value = _tag_value(value)
    return f'tags : "{prefix}{value}"' if value else None


def search_match(
    q: str | None,
    evidence: str | None = "",
    criterion: str | None = "",
    jurisdiction: str | None = "",
    year: str | int | None = "",
) -> str:
    """The MATCH expression for sentences_fts: the words in the text column, the filters as tags."""
    terms = fts_query(q)
    if not terms:
        return NO_MATCH
    place = [_tag("j_", jurisdiction), _tag("y_", year)]
    if all(place):
        # one tag for both (publish/search.py): bm25 would count the postings of each separately
        place = [_tag("jy_", f"{_tag_value(jurisdiction)}_{_tag_value(year)}")]
    filters = [_tag("ev_", evidence), _tag("cr_", criterion), *place]
    return " AND ".join([f"text : ({terms})", *[f for f in filters if f]])


def fts_or_nothing(q: str | None) -> str:
    """fts_query, or a query matching nothing when no words were typed."""
    return fts_query(q) or NO_MATCH


def _config(datasette) -> dict:
    """This plugin's settings from the metadata (generated from db/schema.py by publish/metadata.py)."""
    return datasette.plugin_config(PLUGIN) or {}


@hookimpl
def prepare_connection(conn):
    conn.create_function("msa_fts", 1, fts_or_nothing, deterministic=True)
    conn.create_function("msa_search_match", 5, search_match, deterministic=True)


def _compliance_link(datasette, database: str, row) -> str | None:
    """A compliance summary group's statements: the compliance rows of its year (and sectors)."""
    keys = set(row.keys())
    if not {"row_type", "jurisdiction", "registry_year"} <= keys or row["row_type"] != "group":
        return None
    args = {"jurisdiction": row["jurisdiction"], "registry_year": row["registry_year"]}
    if "sectors" in keys:
        if row["sectors"] is None:
            args["sectors__isnull"] = "1"
        else:
            args["sectors__exact"] = row["sectors"]
    return datasette.urls.table(database, "compliance") + "?" + urlencode(args)


def _impact_sentences_link(datasette, database: str, row) -> str | None:
    """A count of impact sentences → those sentences: one statement's, or a group's (year, sector)."""
    keys = set(row.keys())
    if "statement_id" in keys:
        args: dict = {"statement_id": row["statement_id"]}
    elif {"jurisdiction", "registry_year"} <= keys:
        args = {"jurisdiction": row["jurisdiction"], "registry_year": row["registry_year"]}
        if "sector" in keys and row["sector"] != "(no sector given)":
            args["sectors__arraycontains"] = row["sector"]
        elif "sector" in keys:
            args["sectors__isnull"] = "1"
    else:
        return None
    if row["min_confidence"] if "min_confidence" in keys else None:
        args["evidence_p__gte"] = row["min_confidence"]
    return datasette.urls.table(database, "impact_sentences") + "?" + urlencode(args)


def column_descriptions(
    datasette, database: str, table: str | None, query_name: str | None
) -> dict[str, str]:
    """Descriptions for a table's or a canned query's columns; a query column without its own
    description takes that of the same-named column of a published table."""
    tables = (datasette.metadata("databases") or {}).get(database, {}).get("tables", {})
    found: dict[str, str] = {}
    for meta in tables.values():
        for name, text in (meta.get("columns") or {}).items():
            found.setdefault(name, text)
    if table:
        return {**found, **(tables.get(table, {}).get("columns") or {})}
    queries = (datasette.plugin_config(DICTIONARY_CONFIG) or {}).get("queries", {})
    return {**found, **queries.get(query_name or "", {})}


def render_dictionary(datasette, columns, database, table, query_name):
    """The data dictionary of one export, as CSV: column, description."""
    described = column_descriptions(datasette, database, table, query_name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["column", "description"])
    for column in columns:
        writer.writerow([column, described.get(column, "")])
    name = table or query_name or "query"
    return Response(
        out.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'inline; filename="{name}-dictionary.csv"'},
    )


def can_render_dictionary(table, query_name):
    return bool(table or query_name)


@hookimpl
def register_output_renderer(datasette):
    return {"extension": DICTIONARY, "render": render_dictionary, "can_render": can_render_dictionary}


def dictionary_path(path: str) -> str | None:
    """/msa/compliance.csv -> /msa/compliance.dictionary; None for anything not a CSV export."""
    return path[: -len(".csv")] + "." + DICTIONARY if path.endswith(".csv") else None


def served_query(path: str, query: str) -> str:
    """The query string Datasette is given for a request.

    - A streamed CSV gets `_size=max`: Datasette 0.65 streams in pages of the default size (100
      rows, one query each) unless the URL asks for more.

    (Facet suggestions, a query per column over every matching row, are off for the whole server:
    msa.serve's `suggest_facets` setting.)
    """
    args = parse_qs(query, keep_blank_values=True)
    extra = []
    if path.endswith(".csv") and "_stream" in args and "_size" not in args:
        extra.append("_size=max")
    return "&".join([query, *extra] if query else extra)


@hookimpl
def asgi_wrapper(datasette):
    """Name the data dictionary in every CSV export's headers (rel=describedby), and pass a streamed
    CSV on in chunks of CSV_CHUNK bytes; see served_query."""

    def wrap(app):
        async def add_link(scope, receive, send):
            if scope.get("type") != "http":
                await app(scope, receive, send)
                return
            path = scope.get("path", "")
            query = served_query(path, scope.get("query_string", b"").decode("latin-1"))
            scope = {**scope, "query_string": query.encode("latin-1")}
            target = dictionary_path(path)
            if target is None:
                await app(scope, receive, send)
                return
            link = f'<{target}{"?" + query if query else ""}>; rel="describedby"; type="text/csv"'

            pending = bytearray()

            async def send_with_link(event):
                if event["type"] == "http.response.start":
                    event = {
                        **event,
                        "headers": [*event.get("headers", []), (b"link", link.encode("latin-1"))],
                    }
                elif event["type"] == "http.response.body":
                    # A streamed CSV arrives one row per event: pass it on in chunks of about
                    # CSV_CHUNK bytes, the same bytes in far fewer writes by the server.
                    pending.extend(event.get("body", b""))
                    more = event.get("more_body", False)
                    if more and len(pending) < CSV_CHUNK:
                        return
                    event = {**event, "body": bytes(pending), "more_body": more}
                    pending.clear()
                await send(event)

            await app(scope, receive, send_with_link)

        return add_link

    return wrap


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Link ids in query results (table pages already link them), and stored copies everywhere."""
    if column == "stored_copy" and isinstance(value, str) and value.startswith(STORED_PREFIX):
        page = value.partition("#page=")[2]
        text = f"stored copy, page {page}" if page else "stored copy"
        return Markup(f'<a class="msa-stored-copy" href="{escape(datasette.urls.path(value))}">{text}</a>')
    if column == "sentences_link" and isinstance(value, str) and value.startswith("verdict_sentences?"):
        href = datasette.urls.database(database) + "/" + value
        return Markup(f'<a class="msa-verdict-sentences" href="{escape(href)}">sentences</a>')
    if table is not None or value is None or isinstance(value, bytes):
        return None
    if column in ROW_LINKS:
        href = datasette.urls.row(database, ROW_LINKS[column], tilde_encode(str(value)))
    elif column == "boilerplate_id":
        href = datasette.urls.query(database, "boilerplate_uses") + "?" + urlencode({"boilerplate_id": value})
    elif column == "statements":
        href = _compliance_link(datasette, database, row)
    elif column == "impact_sentences" and isinstance(value, int):
        href = _impact_sentences_link(datasette, database, row)
    elif column == "statements_with_impact" and {"jurisdiction", "registry_year"} <= set(row.keys()):
        args = {"jurisdiction": row["jurisdiction"], "year": row["registry_year"]}
        if "min_confidence" in set(row.keys()):
            args["min_confidence"] = row["min_confidence"]
        href = datasette.urls.query(database, "impact_statements") + "?" + urlencode(args)
    elif column == "name" and "organisation_id" in list(row.keys()):  # an organisation: its years
        href = datasette.urls.query(database, "company_statements") + "?" + urlencode({"company": value})
    else:
        return None
    if href is None:
        return None
    return Markup(f'<a href="{escape(href)}">{escape(str(value))}</a>')


def document_path(datasette, document_id: str) -> str:
    """Where this server serves the stored copy of a document (the route is msa_documents.py's)."""
    return datasette.urls.path(STORED_PREFIX + document_id)


def link_sentence_ids(datasette, database: str, text: str, pages: dict[str, tuple]) -> Markup:
    """The rationale with each sentence id a link to its row, and its page to the stored copy."""
    out, last = [], 0
    for match in SENTENCE_ID.finditer(text):
        sid = match.group(0)
        out.append(escape(text[last : match.start()]))
        href = datasette.urls.row(database, "sentences", tilde_encode(sid))
        link = f'<a class="msa-sentence" href="{escape(href)}">{escape(sid)}</a>'
        if sid in pages and pages[sid][0]:
            page_no, document_id, media_type = pages[sid]
            stored = document_path(datasette, document_id) + (
                f"#page={page_no}" if media_type == "pdf" else ""
            )
            link += f' <a class="msa-sentence-page" href="{escape(stored)}">p.&nbsp;{page_no}</a>'
        out.append(Markup(link))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


async def _statement_verdicts(datasette, database: str, statement_id: str) -> dict:
    """The summary's rationale (ids linked) and each verdict with the sentences behind it."""
    db = datasette.get_database(database)
    summary = (
        await db.execute("SELECT rationale FROM statement_summaries WHERE statement_id = ?", [statement_id])
    ).first()
    if summary is None or not await db.table_exists("verdict_sentences"):
        return {}
    rationale = summary["rationale"] or ""
    ids = sorted(set(SENTENCE_ID.findall(rationale)))
    found = await db.execute(
        "SELECT s.sentence_id, s.page_no, s.document_id, d.media_type FROM sentences s "
        "LEFT JOIN documents d ON d.document_id = s.document_id "
        f"WHERE s.sentence_id IN ({', '.join('?' for _ in ids)})",
        ids,
    )
    pages = {r["sentence_id"]: (r["page_no"], r["document_id"], r["media_type"]) for r in found.rows}
    rows = await db.execute(
        "SELECT verdict, verdict_name, outcome, basis, sentence_id, page_no, stored_copy, text "
        "FROM verdict_sentences WHERE statement_id = ? ORDER BY rowid",
        [statement_id],
    )
    verdicts: dict[str, dict] = {}
    for r in rows.rows:
        entry = verdicts.setdefault(
            r["verdict"],
            {
                "name": r["verdict_name"],
                "outcome": r["outcome"],
                "basis": r["basis"],
                "sentences": [],
                "url": datasette.urls.table(database, "verdict_sentences")
                + "?"
                + urlencode({"statement_id": statement_id, "verdict": r["verdict"]}),
            },
        )
        entry["sentences"].append(
            {
                "sentence_id": r["sentence_id"],
                "url": datasette.urls.row(database, "sentences", tilde_encode(r["sentence_id"])),
                "page_no": r["page_no"],
                "stored_url": datasette.urls.path(r["stored_copy"]),
                "text": r["text"],
            }
        )
    return {
        "rationale": link_sentence_ids(datasette, database, rationale, pages),
        "verdicts": list(verdicts.values()),
    }


STATEMENT_CORRECTIONS_SQL = """SELECT s.sentence_id, s.page_no, s.text, a.field, a.model_value, c.value,
       c.reason, c.who, c.created_at
FROM statement_summaries ss
JOIN sentences s ON s.document_id = ss.document_id
JOIN applied_corrections a ON a.sentence_id = s.sentence_id
JOIN corrections c ON c.correction_id = a.correction_id
WHERE ss.statement_id = ?
ORDER BY s.sentence_idx, a.field"""


async def _statement_corrections(datasette, database: str, statement_id: str) -> list[dict]:
    """Readers' corrections of this statement's sentences, each beside the model's label."""
    db = datasette.get_database(database)
    if not await db.table_exists("applied_corrections"):
        return []
    rows = (await db.execute(STATEMENT_CORRECTIONS_SQL, [statement_id])).rows
    return [
        {**dict(r), "url": datasette.urls.row(database, "sentences", tilde_encode(r["sentence_id"]))}
        for r in rows
    ]


def group_documents(datasette, rows: list[dict]) -> list[dict]:
    """One entry per stored document (first URL kept, the others under `also_at`), then the failures.

    A document fetched by two URLs (the registry's copy and the company's own link) is one document.
    """
    out: list[dict] = []
    by_id: dict[str, dict] = {}
    for row in rows:
        doc_id = row.get("document_id") if row.get("status") == "fetched" else None
        if doc_id and doc_id in by_id:
            by_id[doc_id]["also_at"].append({"url": row["url"], "role": row["role"]})
            continue
        entry = {**row, "also_at": []}
        if doc_id:
            by_id[doc_id] = entry
            entry["stored_url"] = document_path(datasette, doc_id)
        out.append(entry)
    return out


async def _statement_sources(datasette, database: str, statement_id: str) -> dict:
    db = datasette.get_database(database)
    statement = (
        await db.execute(
            "SELECT title, registry_url, statement_url, registry_pdf_url, email_only, email_address "
            "FROM statements WHERE statement_id = ?",
            [statement_id],
        )
    ).first()
    if statement is None:
        return {}
    documents = (
        await db.execute(
            """SELECT sd.role, sd.status, sd.error, COALESCE(sd.final_url, sd.url) AS url, d.media_type,
                  d.page_count, d.extract_status, d.document_id,
                  sd.document_id IS NOT NULL AND sd.document_id = ss.document_id AS summarised
           FROM statement_documents sd
           LEFT JOIN documents d ON d.document_id = sd.document_id
           LEFT JOIN statement_summaries ss ON ss.statement_id = sd.statement_id
           WHERE sd.statement_id = ?
           ORDER BY summarised DESC, sd.status, sd.fetched_at DESC""",
            [statement_id],
        )
    ).rows
    roles = _config(datasette).get("document_roles", [])
    documents = sorted(  # stable: within a rank, the latest fetch first
        documents,
        key=lambda d: (
            -d["summarised"],
            d["status"],
            roles.index(d["role"]) if d["role"] in roles else len(roles),
        ),
    )
    return {
        "statement": dict(statement),
        "documents": group_documents(datasette, [dict(d) for d in documents]),
        **await _statement_verdicts(datasette, database, statement_id),
        "corrections": await _statement_corrections(datasette, database, statement_id),
        "compliance_url": datasette.urls.row(database, "compliance", tilde_encode(statement_id)),
        "sentences_url": datasette.urls.table(database, "statement_sentences")
        + "?"
        + urlencode({"statement_id": statement_id, "_sort": "sentence_idx"}),
        "company_url": datasette.urls.query(database, "company_statements")
        + "?"
        + urlencode({"company": statement["title"] or ""}),
    }


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    """On a statement's row page: its documents, registry page, verdicts and related views; on its
    compliance row: the verdicts with their sentences."""
    if view_name != "row" or table not in ("statements", "compliance") or request is None:
        return {}

    async def inner():
        statement_id = tilde_decode(request.url_vars.get("pks", ""))
        if table == "compliance":
            verdicts = await _statement_verdicts(datasette, database, statement_id)
            url = datasette.urls.row(database, "statements", tilde_encode(statement_id))
            return {"msa_sources": {**verdicts, "statement_url": url}}
        return {"msa_sources": await _statement_sources(datasette, database, statement_id)}

    return inner
