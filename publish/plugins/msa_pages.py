"""msa's Datasette plugin for canned-query pages: the search form's valid values and facets, and
the company and entity pickers.

Datasette renders every canned-query parameter as a free-text box, so a reader who types
`remediation`, `United Kingdom` or `FY2022` gets 0 rows and no reason. Here the search page gets
its choices (criteria and evidence labels from the metadata, which publish/metadata.py
writes from db/schema.py; jurisdictions and years from the corpus), a line saying which typed
value matches nothing, and facets with counts over the results. The company page, opened with
no company, lists the organisations with the most statements; the entity page, opened with no
entity, lists the entities with the most statements, those in both registries first.
Self-contained (Datasette and stdlib only); templates: publish/templates/query-msa-*.html.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from datasette import hookimpl

PLUGIN = "msa_datasette"  # the settings block publish/metadata.py writes
SEARCH_QUERY = "search_sentences"
COMPANY_QUERY = "company_statements"
ENTITY_QUERY = "entity_overview"  # publish/entity_queries.py
COMPANIES_LISTED = 100
JURISDICTION_NAMES = {"uk": "United Kingdom", "au": "Australia"}
FILTERS = ("evidence", "criterion", "jurisdiction", "year")
# Which result column each filter reads, to count results per value.
FACET_COLUMNS = {
    "evidence": "evidence",
    "criterion": "criteria",
    "jurisdiction": "jurisdiction",
    "year": "registry_year",
}

COMPANIES_SQL = f"""SELECT organisation, count(*) AS statements, min(registry_year) AS first_year,
       max(registry_year) AS last_year, group_concat(DISTINCT jurisdiction) AS jurisdictions
FROM compliance GROUP BY COALESCE(organisation_id, organisation)
ORDER BY statements DESC, last_year DESC, organisation LIMIT {COMPANIES_LISTED}"""


# The entity picker: entities with the most statements, those in both registries first.
ENTITIES_SQL = f"""SELECT entity_id, name, n_statements, n_organisations, jurisdictions,
       first_year, last_year, n_candidates
FROM entities WHERE n_statements > 0
ORDER BY length(jurisdictions) DESC, n_statements DESC, last_year DESC, name LIMIT {COMPANIES_LISTED}"""


def _config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN) or {}


async def filter_choices(datasette, database: str) -> dict[str, list[tuple[str, str]]]:
    """filter name → [(value, label)] a reader may pick; each list is what the search can match."""
    db = datasette.get_database(database)
    years = [
        r[0]
        for r in (
            await db.execute(
                "SELECT DISTINCT registry_year FROM compliance "
                "WHERE registry_year IS NOT NULL ORDER BY 1 DESC"
            )
        ).rows
    ]
    jurisdictions = [
        r[0] for r in (await db.execute("SELECT DISTINCT jurisdiction FROM compliance ORDER BY 1 DESC")).rows
    ]
    config = _config(datasette)
    return {
        "evidence": [(v, v) for v in config.get("evidence_labels", [])],
        "criterion": [(v, v) for v in config.get("criteria", [])],
        "jurisdiction": [(j, f"{JURISDICTION_NAMES.get(j, j)} ({j})") for j in jurisdictions],
        "year": [(str(y), str(y)) for y in years],
    }


def _suggestions(typed: str, choices: list[tuple[str, str]]) -> list[str]:
    """Valid values a mistyped one probably meant: 'remediation' → c4_remediation, 'FY2022' → 2022."""
    needle = typed.strip().lower()
    return [v for v, label in choices if needle and (needle in label.lower() or v.lower() in needle)]


def filter_problems(args: dict[str, str], choices: dict[str, list[tuple[str, str]]]) -> list[str]:
    """A sentence per filter whose typed value is none of its choices (such a filter matches nothing)."""
    problems = []
    for name in FILTERS:
        typed = (args.get(name) or "").strip()
        valid = [v for v, _ in choices[name]]
        if not typed or typed.lower() in (v.lower() for v in valid):
            continue
        line = f"{name} “{typed}” matches nothing: it is not one of {', '.join(valid)}."
        suggested = _suggestions(typed, choices[name])
        if suggested:
            line += f" Did you mean {' or '.join(suggested)}?"
        problems.append(line)
    return problems


def facet_counts(rows, args: dict[str, str], base_url: str) -> list[dict]:
    """Per filter: each value found in the results with its count and a link that applies it.

    Called from the search template on the rows Datasette already ran, so facets cost no query.
    """
    facets = []
    columns = list(rows[0].keys()) if rows else []  # a sqlite3.Row's `in` looks at values, not names
    for name in FILTERS:
        counts: Counter[str] = Counter()
        for row in rows:
            value = row[FACET_COLUMNS[name]] if FACET_COLUMNS[name] in columns else None
            values = str(value).split() if name == "criterion" and value else [value]
            counts.update(str(v) for v in values if v not in (None, ""))
        chosen = (args.get(name) or "").strip()
        items = [
            {"value": value, "count": count, "url": base_url + "?" + urlencode({**args, name: value})}
            for value, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        clear = base_url + "?" + urlencode({**args, name: ""}) if chosen else None
        facets.append({"name": name, "chosen": chosen, "values": items, "clear_url": clear})
    return facets


async def _search_vars(datasette, database: str, request) -> dict:
    args = {name: request.args.get(name, "") for name in ("q", *FILTERS)}
    choices = await filter_choices(datasette, database)
    return {
        "choices": choices,
        "args": args,
        "problems": filter_problems(args, choices),
        "url": datasette.urls.query(database, SEARCH_QUERY),
    }


async def _companies(datasette, database: str) -> list[dict]:
    found = await datasette.get_database(database).execute(COMPANIES_SQL)
    base = datasette.urls.query(database, COMPANY_QUERY)
    return [{**dict(r), "url": base + "?" + urlencode({"company": r["organisation"]})} for r in found.rows]


async def _entities(datasette, database: str) -> list[dict]:
    found = await datasette.get_database(database).execute(ENTITIES_SQL)
    base = datasette.urls.query(database, ENTITY_QUERY)
    return [{**dict(r), "url": base + "?" + urlencode({"entity": r["entity_id"]})} for r in found.rows]


@hookimpl
def prepare_jinja2_environment(env):
    env.globals["msa_facet_counts"] = facet_counts


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    """On the search page: choices, problems and facets; on the company and entity pages: pickers."""
    if request is None or table is not None or view_name != "table":
        return {}
    query = request.url_vars.get("table")
    if query == SEARCH_QUERY:

        async def search():
            return {"msa_search": await _search_vars(datasette, database, request)}

        return search
    if query == ENTITY_QUERY and not request.args.get("entity", "").strip():

        async def entities():
            return {"msa_entities": await _entities(datasette, database)}

        return entities
    if query == COMPANY_QUERY and not request.args.get("company", "").strip():

        async def companies():
            return {"msa_companies": await _companies(datasette, database)}

        return companies
    if query == COMPANY_QUERY:
        company = request.args.get("company", "").strip()
        return {
            "msa_company_links": {
                "impact": datasette.urls.query(database, "company_impact_sentences")
                + "?"
                + urlencode({"company": company}),
                "boilerplate": datasette.urls.query(database, "search_boilerplate")
                + "?"
                + urlencode({"company": company, "min_organisations": 2}),
            }
        }
    return {}
