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
LARGE_TABLES = frozenset({"sentences", "labels", "pages", "statement_sentences", "boilerplate_sentences"})
# Where msa/publish/metadata.py puts the canned queries' column descriptions.
DICTIONARY_CONFIG = "msa-data-dictionary"
# A valid query that matches nothing: what an empty search box runs.
NO_MATCH = '"msa_no_search_terms"'
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


def _tag(prefix: str, value: str | None) -> str | None:
    value = _TAG_VALUE.sub("", str(value or "").strip().lower())
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
    filters = [_tag("ev_", evidence), _tag("cr_", criterion), _tag("j_", jurisdiction), _tag("y_", year)]
    return " AND ".join([f"text : ({terms})", *[f for f in filters if f]])


def fts_or_nothing(q: str | None) -> str:
    """fts_query, or a query matching nothing when no words were typed."""
    return fts_query(q) or NO_MATCH


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
    - Pages of the tables of millions of rows skip facet suggestions (a query per column over
      every matching row: most of a table search's time on 5M sentences).
    """
    args = parse_qs(query, keep_blank_values=True)
    extra = []
    if path.endswith(".csv") and "_stream" in args and "_size" not in args:
        extra.append("_size=max")
    table = path.rsplit("/", 1)[-1].split(".")[0]
    if table in LARGE_TABLES and "_nosuggest" not in args:
        extra.append("_nosuggest=1")
    return "&".join([query, *extra] if query else extra)


@hookimpl
def asgi_wrapper(datasette):
    """Name the data dictionary in every CSV export's headers (rel=describedby); see served_query."""

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

            async def send_with_link(event):
                if event["type"] == "http.response.start":
                    event = {
                        **event,
                        "headers": [*event.get("headers", []), (b"link", link.encode("latin-1"))],
                    }
                await send(event)

            await app(scope, receive, send_with_link)

        return add_link

    return wrap


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Link ids in query results (table pages already link them)."""
    if table is not None or value is None or isinstance(value, bytes):
        return None
    if column in ROW_LINKS:
        href = datasette.urls.row(database, ROW_LINKS[column], tilde_encode(str(value)))
    elif column == "boilerplate_id":
        href = datasette.urls.query(database, "boilerplate_uses") + "?" + urlencode({"boilerplate_id": value})
    elif column == "statements":
        href = _compliance_link(datasette, database, row)
    else:
        return None
    if href is None:
        return None
    return Markup(f'<a href="{escape(href)}">{escape(str(value))}</a>')


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
                  d.page_count, d.extract_status,
                  sd.document_id IS NOT NULL AND sd.document_id = ss.document_id AS summarised
           FROM statement_documents sd
           LEFT JOIN documents d ON d.document_id = sd.document_id
           LEFT JOIN statement_summaries ss ON ss.statement_id = sd.statement_id
           WHERE sd.statement_id = ? ORDER BY summarised DESC, sd.status, sd.role""",
            [statement_id],
        )
    ).rows
    return {
        "statement": dict(statement),
        "documents": [dict(d) for d in documents],
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
    """On a statement's row page: its documents, registry page and related views."""
    if view_name != "row" or table != "statements" or request is None:
        return {}

    async def inner():
        statement_id = tilde_decode(request.url_vars.get("pks", ""))
        return {"msa_sources": await _statement_sources(datasette, database, statement_id)}

    return inner
