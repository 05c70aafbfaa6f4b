"""The datasette-dashboards dashboard: criteria coverage and impact share by year, sector, jurisdiction.

Every chart reads `compliance_rollup` (publish/compliance.py: sums over the assessed statements
per jurisdiction, year and sector, a few hundred rows), so the dashboard stays fast on a corpus of
millions of sentences. `[[ ... ]]` clauses apply only when a filter is set.
"""

from __future__ import annotations

from publish.compliance import AU_COLUMNS
from vocabulary.labels import AU_CRITERIA, CRITERIA

DB = "msa"
# The rollup's rows over every sector (sector ''), or those of the sector picked: any sector name
# sorts after ''.
FILTERS_SQL = (
    "[[ AND c.jurisdiction = :jurisdiction ]] "
    "AND c.sector = (SELECT max(s) FROM (SELECT '' AS s [[ UNION ALL SELECT :sector ]]))"
)
SECTOR_FILTERS_SQL = (
    "AND c.sector != '' [[ AND c.jurisdiction = :jurisdiction ]] [[ AND c.sector = :sector ]]"
)
ROLLUP = "compliance_rollup c"
AU_SHOWN = [AU_COLUMNS[c] for c in AU_CRITERIA[:6]]  # (g) is discretionary
STATEMENTS = "CAST(sum(c.statements) AS INTEGER)"


def _share(total: str) -> str:
    return f"CAST(sum(c.{total}) AS REAL) / sum(c.statements)"


def _coverage_sql(group: str, limit_sectors: bool = False) -> str:
    filters = SECTOR_FILTERS_SQL if group == "sector" else FILTERS_SQL
    top = ""
    if limit_sectors:
        top = (
            " AND c.sector IN (SELECT sector FROM compliance_rollup WHERE sector != '' "
            "GROUP BY sector ORDER BY sum(statements) DESC, sector LIMIT 12)"
        )
    # One pass for all eleven shares, then one row per criterion.
    averages = ", ".join(f"{_share(name)} AS a{i}" for i, name in enumerate(CRITERIA))
    rows = " UNION ALL ".join(
        f"SELECT {group}, '{name}' AS criterion, {i} AS ord, round(a{i}, 3) AS share, statements FROM agg"
        for i, name in enumerate(CRITERIA)
    )
    return (
        f"WITH agg AS (SELECT c.{group} AS {group}, {averages}, {STATEMENTS} AS statements FROM {ROLLUP} "
        f"WHERE 1 = 1 {filters}{top} GROUP BY c.{group}) "
        f"{rows} ORDER BY {group}, ord"
    )


def _au_status_sql() -> str:
    parts = " UNION ALL ".join(
        f"SELECT '{col}' AS criterion, '{v}' AS status, CAST(sum(c.{col}_{v}) AS INTEGER) AS statements "
        f"FROM {ROLLUP} WHERE c.jurisdiction = 'au' {FILTERS_SQL}"
        for col in AU_SHOWN
        for v in ("met", "partly", "not_met")
    )
    return f"SELECT * FROM ({parts}) WHERE statements > 0 ORDER BY criterion"


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
            "query": "SELECT DISTINCT sector FROM compliance_rollup WHERE sector != '' ORDER BY sector",
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
            "query": f"SELECT coalesce({STATEMENTS}, 0) AS n FROM {ROLLUP} WHERE 1 = 1 {FILTERS_SQL}",
            "library": "metric",
            "display": {"field": "n"},
        },
        "impact": {
            "title": "Mean impact share",
            "db": DB,
            "query": "SELECT round(100 * sum(c.impact_share_sum) / sum(c.impact_share_n), 1) AS pct "
            f"FROM {ROLLUP} WHERE 1 = 1 {FILTERS_SQL}",
            "library": "metric",
            "display": {"field": "pct", "suffix": "%"},
        },
        "impact-statements": {
            "title": "Statements showing evidence of impact, beside the statements read",
            "db": DB,
            "query": f"SELECT c.registry_year, c.jurisdiction, {STATEMENTS} AS statements_read, "
            "CAST(sum(c.shows_impact) AS INTEGER) AS with_evidence_of_impact "
            f"FROM {ROLLUP} WHERE 1 = 1 {FILTERS_SQL} GROUP BY c.registry_year, c.jurisdiction "
            "ORDER BY c.jurisdiction, c.registry_year",
            "library": "vega-lite",
            "display": {
                "transform": [
                    {
                        "fold": ["statements_read", "with_evidence_of_impact"],
                        "as": ["count_of", "statements"],
                    },
                    {"calculate": "upper(datum.jurisdiction) + ' ' + datum.registry_year", "as": "group"},
                ],
                "encoding": {
                    "x": {
                        "field": "group",
                        "type": "nominal",
                        "sort": None,
                        "title": "Jurisdiction, registry year",
                    },
                    "xOffset": {"field": "count_of", "sort": ["statements_read", "with_evidence_of_impact"]},
                    "y": {"field": "statements", "type": "quantitative", "title": "Statements"},
                    "color": {
                        "field": "count_of",
                        "type": "nominal",
                        "title": None,
                        "sort": ["statements_read", "with_evidence_of_impact"],
                        "scale": {"range": ["#adb5bd", "#1971c2"]},
                        "legend": {"labelExpr": "replace(datum.label, /_/g, ' ')"},
                    },
                },
                "layer": [
                    {"mark": {"type": "bar", "tooltip": True}},
                    {"mark": {"type": "text", "dy": -6}, "encoding": {"text": {"field": "statements"}}},
                ],
            },
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
            "query": "SELECT c.registry_year, c.jurisdiction, "
            "round(sum(c.impact_share_sum) / sum(c.impact_share_n), 3) AS impact_share, "
            f"{STATEMENTS} AS statements FROM {ROLLUP} WHERE 1 = 1 {FILTERS_SQL} "
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
            "query": "SELECT c.sector, "
            "round(sum(c.impact_share_sum) / sum(c.impact_share_n), 3) AS impact_share, "
            f"{STATEMENTS} AS statements FROM {ROLLUP} WHERE 1 = 1 {SECTOR_FILTERS_SQL} "
            "GROUP BY c.sector ORDER BY statements DESC, c.sector LIMIT 15",
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
            "query": _au_status_sql(),
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
                ["impact-statements", "impact-statements", "impact-year", "impact-year"],
                ["coverage-year", "coverage-year", "coverage-jurisdiction", "coverage-jurisdiction"],
                ["coverage-sector", "coverage-sector", "au-status", "au-status"],
                ["impact-sector", "impact-sector", "impact-sector", "impact-sector"],
            ],
            "filters": filters,
            "charts": charts,
        }
    }
