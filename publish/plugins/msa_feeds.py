"""msa's Datasette plugin around datasette-atom's `.atom` output, and the what-changed picker.

datasette-atom renders a query with atom_id, atom_title and atom_updated columns as an Atom feed.
Two gaps for a feed readers subscribe to, closed here by wrapping its renderer (a pluggy
hookwrapper on register_output_renderer; its HTML sanitising with bleach is kept as it is):

- a feed whose filters match nothing made it fail (500: max() of no rows); it is now a valid,
  empty feed;
- entry links are absolute: the queries give statement row paths (`/msa/statements/<id>`), which
  are resolved against the feed's own URL, so a feed reader opens the statement page of the server
  that served the feed.

The `what_changed` query page, opened with no entity and no year, lists the entities with the most
statements to pick from; a statement's page says in a line what changed since its previous one.
Self-contained (Datasette, feedgen and the standard library).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode, urljoin

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import Response
from feedgen.feed import FeedGenerator
from markupsafe import Markup, escape

REQUIRED_COLUMNS = frozenset({"atom_id", "atom_title", "atom_updated"})
WHAT_CHANGED = "what_changed"
ENTITIES_LISTED = 100
ENTITIES_SQL = f"""SELECT entity_id, entity, count(*) AS statements, min(registry_year) AS first_year,
       max(registry_year) AS last_year, group_concat(DISTINCT jurisdiction) AS jurisdictions
FROM statement_changes GROUP BY entity_id
ORDER BY statements DESC, last_year DESC, entity LIMIT {ENTITIES_LISTED}"""


def absolute_links(rows, columns, base_url: str) -> list:
    """The rows with each atom_link resolved against `base_url` (rows as Datasette gives them)."""
    if "atom_link" not in columns:
        return list(rows)
    out = []
    for row in rows:
        item = dict(zip(columns, row, strict=True)) if not hasattr(row, "keys") else dict(row)
        if item.get("atom_link"):
            item["atom_link"] = urljoin(base_url, item["atom_link"])
        out.append(item)
    return out


def _feed_title(datasette, database: str, query_name: str | None, sql: str) -> str:
    try:
        return datasette.metadata(database=database)["queries"][query_name]["title"]
    except (KeyError, TypeError):
        return sql


def empty_feed(datasette, request, database: str, query_name: str | None, sql: str) -> Response:
    """A valid Atom feed with no entries (what datasette-atom cannot render)."""
    fg = FeedGenerator()
    fg.id(request.url)
    fg.link(href=request.url, rel="self")
    fg.title(_feed_title(datasette, database, query_name, sql))
    fg.updated(datetime.datetime.now(datetime.UTC).replace(microsecond=0))
    return Response(fg.atom_str(pretty=True), content_type="application/xml; charset=utf-8", status=200)


def wrap_atom_renderer(render):
    """datasette-atom's render function, with empty results and relative links handled.

    Datasette passes a renderer only the arguments its signature names, so this one names them all.
    """

    def render_feed(datasette, request, sql, columns, rows, database, table, query_name, view_name, data):
        if set(columns) >= REQUIRED_COLUMNS and not rows:
            return empty_feed(datasette, request, database, query_name, sql)
        return render(
            datasette=datasette,
            request=request,
            sql=sql,
            columns=columns,
            rows=absolute_links(rows, columns, request.url),
            database=database,
            table=table,
            query_name=query_name,
            view_name=view_name,
            data=data,
        )

    return render_feed


@hookimpl(hookwrapper=True)
def register_output_renderer(datasette):
    outcome = yield
    for result in outcome.get_result() or []:
        for renderer in result if isinstance(result, list) else [result]:
            if isinstance(renderer, dict) and renderer.get("extension") == "atom" and renderer.get("render"):
                renderer["render"] = wrap_atom_renderer(renderer["render"])


async def _entities(datasette, database: str) -> list[dict]:
    db = datasette.get_database(database)
    if not await db.table_exists("statement_changes"):
        return []
    found = await db.execute(ENTITIES_SQL)
    base = datasette.urls.query(database, WHAT_CHANGED)
    return [{**dict(r), "url": base + "?" + urlencode({"entity": r["entity_id"]})} for r in found.rows]


async def _statement_change(datasette, database: str, statement_id: str) -> dict:
    db = datasette.get_database(database)
    if not await db.table_exists("statement_changes"):
        return {}
    row = (
        await db.execute(
            "SELECT reading, entity_id, previous_statement_id FROM statement_changes WHERE statement_id = ?",
            [statement_id],
        )
    ).first()
    if row is None:
        return {}
    previous = row["previous_statement_id"]
    return {
        "msa_change": {
            "reading": row["reading"],
            "url": datasette.urls.query(database, WHAT_CHANGED)
            + "?"
            + urlencode({"entity": row["entity_id"]}),
            "previous_url": datasette.urls.row(database, "statements", tilde_encode(previous))
            if previous
            else None,
        }
    }


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    """On the what_changed page with no entity and no year: the entity picker; on a statement's
    page: what changed since its previous statement."""
    if request is not None and view_name == "row" and table == "statements":
        statement_id = tilde_decode(request.url_vars.get("pks", ""))

        async def change():
            return await _statement_change(datasette, database, statement_id)

        return change
    if request is None or table is not None or view_name != "table":
        return {}
    if request.url_vars.get("table") != WHAT_CHANGED:
        return {}
    if request.args.get("entity", "").strip() or request.args.get("year", "").strip():
        return {}

    async def entities():
        return {"msa_entities": await _entities(datasette, database)}

    return entities


@hookimpl
def render_cell(value, column, table, database, datasette):
    """The new sentences of a statement, as a link to them (what_changed's new_sentences_link)."""
    if column != "new_sentences_link" or not isinstance(value, str):
        return None
    if not value.startswith("statement_change_sentences?"):
        return None
    href = datasette.urls.database(database) + "/" + value
    return Markup(f'<a class="msa-new-sentences" href="{escape(href)}">new sentences</a>')
