"""The datasette-dashboards dashboard: criteria coverage and impact share by year, sector, jurisdiction.

Every chart reads the small `compliance` table (one row per statement), so the dashboard stays
fast on a corpus of millions of sentences. `[[ ... ]]` clauses apply only when a filter is set.
"""

from __future__ import annotations

from db.schema import AU_CRITERIA, CRITERIA
from msa.publish.compliance import AU_COLUMNS

DB = "msa"
FILTERS_SQL = (
    "[[ AND c.jurisdiction = :jurisdiction ]] "
    "[[ AND EXISTS (SELECT 1 FROM json_each(c.sectors) j WHERE j.value = :sector) ]]"
)
AU_SHOWN = [AU_COLUMNS[c] for c in AU_CRITERIA[:6]]  # (g) is discretionary
AU_VALUES = ", ".join(f"('{c}')" for c in AU_SHOWN)
AU_CASE = "CASE k.criterion " + " ".join(f"WHEN '{c}' THEN c.{c}" for c in AU_SHOWN) + " END"


def _coverage_sql(group: str, limit_sectors: bool = False) -> str:
    source = "compliance c"
    if group == "sector":
        source = "compliance c, json_each(c.sectors) s"
    group_expr = {"registry_year": "c.registry_year", "jurisdiction": "c.jurisdiction", "sector": "s.value"}[
        group
    ]
    top = ""
    if limit_sectors:
        top = (
            " AND s.value IN (SELECT j.value FROM compliance x, json_each(x.sectors) j WHERE x.assessed = 1 "
            "GROUP BY j.value ORDER BY count(*) DESC LIMIT 12)"
        )
    # One pass over the table for all eleven averages, then one row per criterion (a cross join
    # with the criteria list would evaluate a CASE per statement and criterion: ten times slower).
    averages = ", ".join(f"avg(c.{name}) AS a{i}" for i, name in enumerate(CRITERIA))
    rows = " UNION ALL ".join(
        f"SELECT {group}, '{name}' AS criterion, {i} AS ord, round(a{i}, 3) AS share, statements FROM agg"
        for i, name in enumerate(CRITERIA)
    )
    return (
        f"WITH agg AS (SELECT {group_expr} AS {group}, {averages}, count(*) AS statements FROM {source} "
        f"WHERE c.assessed = 1 {FILTERS_SQL}{top} GROUP BY {group_expr}) "
        f"{rows} ORDER BY {group}, ord"
    )


def _heatmap(x: str, x_title: str, x_type: str = "ordinal") -> dict:
    return {
        "mark": {"type": "rect", "tooltip": True},
        "encoding": {
            "x": {"field": x, "type": x_type, "title": x_title},
            "y": {"field": "criterion", "type": "nominal", "title": None, "sort": list(CRITERIA)},
            "color": {
                "field": "share",
                "type": "quantitative",
                "title": "share",
                "scale": {"domain": [0, 1], "scheme": "blues"},
            },
        },
    }


def dashboard() -> dict:
    """The `coverage` dashboard, as datasette-dashboards reads it from metadata."""
    filters = {
        "jurisdiction": {"name": "Jurisdiction", "type": "select", "options": ["uk", "au"]},
        "sector": {
            "name": "Sector",
            "type": "select",
            "db": DB,
            "query": "SELECT DISTINCT j.value FROM compliance c, json_each(c.sectors) j ORDER BY j.value",
        },
    }
    charts = {
        "intro": {
            "library": "markdown",
            "display": (
                "# Criteria coverage and impact\n"
                "Share of analysed statements whose text addresses each reporting criterion, and the "
                "impact share (evidence-of-impact sentences / all commitment, action and impact "
                "sentences), by year, sector and jurisdiction. Labels are machine classifications, not "
                "legal findings. Per-statement figures: the *compliance* table and the "
                "*compliance_summary* query."
            ),
        },
        "statements": {
            "title": "Statements analysed",
            "db": DB,
            "query": f"SELECT count(*) AS n FROM compliance c WHERE c.assessed = 1 {FILTERS_SQL}",
            "library": "metric",
            "display": {"field": "n"},
        },
        "impact": {
            "title": "Mean impact share",
            "db": DB,
            "query": "SELECT round(100 * avg(c.impact_share), 1) AS pct FROM compliance c "
            f"WHERE c.assessed = 1 {FILTERS_SQL}",
            "library": "metric",
            "display": {"field": "pct", "suffix": "%"},
        },
        "coverage-year": {
            "title": "Criteria coverage by year",
            "db": DB,
            "query": _coverage_sql("registry_year"),
            "library": "vega-lite",
            "display": _heatmap("registry_year", "Registry year"),
        },
        "coverage-jurisdiction": {
            "title": "Criteria coverage by jurisdiction",
            "db": DB,
            "query": _coverage_sql("jurisdiction"),
            "library": "vega-lite",
            "display": {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "y": {"field": "criterion", "type": "nominal", "title": None, "sort": list(CRITERIA)},
                    "x": {"field": "share", "type": "quantitative", "scale": {"domain": [0, 1]}},
                    "color": {"field": "jurisdiction", "type": "nominal"},
                    "yOffset": {"field": "jurisdiction"},
                },
            },
        },
        "coverage-sector": {
            "title": "Criteria coverage by sector (12 largest sectors)",
            "db": DB,
            "query": _coverage_sql("sector", limit_sectors=True),
            "library": "vega-lite",
            "display": _heatmap("sector", "Sector", "nominal"),
        },
        "impact-year": {
            "title": "Impact share by year and jurisdiction",
            "db": DB,
            "query": "SELECT c.registry_year, c.jurisdiction, round(avg(c.impact_share), 3) AS impact_share, "
            f"count(*) AS statements FROM compliance c WHERE c.assessed = 1 {FILTERS_SQL} "
            "GROUP BY c.registry_year, c.jurisdiction ORDER BY c.registry_year",
            "library": "vega-lite",
            "display": {
                "mark": {"type": "line", "point": True, "tooltip": True},
                "encoding": {
                    "x": {"field": "registry_year", "type": "ordinal", "title": "Registry year"},
                    "y": {"field": "impact_share", "type": "quantitative", "title": "Mean impact share"},
                    "color": {"field": "jurisdiction", "type": "nominal"},
                },
            },
        },
        "impact-sector": {
            "title": "Impact share by sector (sectors with most statements)",
            "db": DB,
            "query": "SELECT s.value AS sector, round(avg(c.impact_share), 3) AS impact_share, count(*) AS "
            "statements FROM compliance c, json_each(c.sectors) s WHERE c.assessed = 1 "
            f"{FILTERS_SQL} GROUP BY s.value ORDER BY statements DESC LIMIT 15",
            "library": "vega-lite",
            "display": {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "y": {"field": "sector", "type": "nominal", "sort": "-x", "title": None},
                    "x": {"field": "impact_share", "type": "quantitative", "title": "Mean impact share"},
                },
            },
        },
        "au-status": {
            "title": "AU s.16(1)(a)-(f): met, partly, not met",
            "db": DB,
            "query": f"SELECT k.criterion, {AU_CASE} AS status, count(*) AS statements FROM compliance c "
            f"CROSS JOIN (SELECT column1 AS criterion FROM (VALUES {AU_VALUES})) k "
            f"WHERE c.assessed = 1 AND c.jurisdiction = 'au' {FILTERS_SQL} "
            "GROUP BY k.criterion, status ORDER BY k.criterion",
            "library": "vega-lite",
            "display": {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "x": {"field": "criterion", "type": "nominal", "title": None},
                    "y": {
                        "field": "statements",
                        "type": "quantitative",
                        "stack": "normalize",
                        "title": "share of AU statements",
                    },
                    "color": {
                        "field": "status",
                        "type": "nominal",
                        "scale": {
                            "domain": ["met", "partly", "not_met"],
                            "range": ["#2b8a3e", "#f59f00", "#c92a2a"],
                        },
                    },
                },
            },
        },
    }
    return {
        "coverage": {
            "title": "Criteria coverage and impact share",
            "description": "How much of the mandatory content statements cover, and how much of what they "
            "claim is evidence of impact, by year, sector and jurisdiction.",
            "layout": [
                ["intro", "intro", "statements", "impact"],
                ["coverage-year", "coverage-year", "coverage-jurisdiction", "coverage-jurisdiction"],
                ["coverage-sector", "coverage-sector", "impact-year", "impact-year"],
                ["impact-sector", "impact-sector", "au-status", "au-status"],
            ],
            "filters": filters,
            "charts": charts,
        }
    }
