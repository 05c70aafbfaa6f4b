"""The canned query over entities (publish/entities.py): one organisation or group, every statement
it filed in either registry, year by year, with its scores and verdicts side by side.

A journalist asking "what did Brightwater say, here and in Australia" gets one table instead of
two registry searches under different names. Candidate statements (an organisation a rule was
not sure of) are listed after the linked ones, marked `candidate`.
"""

from __future__ import annotations

from db.schema import AU_CRITERIA, UK_AREAS
from publish.compliance import AU_COLUMNS

ENTITY_QUERY = "entity_overview"  # its picker: publish/plugins/msa_pages.py
# The AU s.16(1) paragraphs a)..g) as one line: "a met · b met · c partly · ...".
AU_VERDICTS_SQL = (
    "CASE WHEN c.jurisdiction = 'au' AND c.assessed = 1 THEN "
    + " || ' · ' || ".join(
        f"'{chr(ord('a') + i)} ' || COALESCE(c.{AU_COLUMNS[code]}, '?')" for i, code in enumerate(AU_CRITERIA)
    )
    + " END"
)


def _uk_areas_sql(prefix: str) -> str:
    """The UK areas a statement declares (prefix `declared`) or its text addresses (`detected`, only
    for a statement whose text was read: not read is not "addresses none")."""
    parts = " || ".join(f"CASE WHEN c.{prefix}_{area} = 1 THEN '{area} ' ELSE '' END" for area in UK_AREAS)
    read = " AND c.assessed = 1" if prefix == "detected" else ""
    return f"CASE WHEN c.jurisdiction = 'uk'{read} THEN rtrim({parts}) END"


ENTITY_OVERVIEW = f"""-- Every statement of one entity (its id or part of its name), both registries, by year.
WITH chosen AS (
  SELECT entity_id, name FROM entities
  WHERE :entity != '' AND (entity_id = :entity OR name LIKE '%' || :entity || '%')
),
filed AS (
  SELECT l.entity_id, l.statement_id, max(l.status) AS link,
         group_concat(DISTINCT l.organisation) AS filed_as, group_concat(DISTINCT l.evidence) AS evidence,
         min(l.score) AS score
  FROM entity_links l JOIN chosen ch ON ch.entity_id = l.entity_id
  WHERE l.statement_id IS NOT NULL
  GROUP BY l.entity_id, l.statement_id
)
SELECT ch.name AS entity, c.registry_year, c.jurisdiction, c.organisation, f.filed_as, f.link, f.evidence,
       f.score, c.statement_type, c.assessed, c.approval, c.signature, c.criteria_addressed,
       round(c.impact_share, 3) AS impact_share,
       round(c.impact_share - lag(c.impact_share) OVER (
         PARTITION BY f.entity_id, f.link, c.jurisdiction ORDER BY c.registry_year), 3)
         AS impact_share_change,
       c.n_impact, c.au_criteria_met, {AU_VERDICTS_SQL} AS au_s16_verdicts,
       {_uk_areas_sql("declared")} AS uk_areas_declared, {_uk_areas_sql("detected")} AS uk_areas_found,
       c.uk_mismatches, c.document_url, c.statement_id, f.entity_id
FROM filed f
JOIN chosen ch ON ch.entity_id = f.entity_id
JOIN compliance c ON c.statement_id = f.statement_id
ORDER BY ch.name, f.entity_id, f.link DESC, c.registry_year, c.jurisdiction, c.statement_id"""


def entity_queries() -> dict[str, dict]:
    """The entity canned queries, as publish/queries.py lists them."""
    return {
        ENTITY_QUERY: {
            "title": "One organisation or group across registries and years",
            "description": (
                "Pick an entity (or type its id or part of its name): every statement it filed in the UK "
                "and Australian registries, year by year, with how its organisations were linked "
                "(evidence, score; candidate rows are statements a rule was not sure belong to it), the "
                "criteria addressed, the impact share and its change from the year before in the same "
                "registry, the AU s.16(1) verdicts (paragraphs a-g: met, partly, not_met) and the UK "
                "areas declared in the registry beside those the text addresses."
            ),
            "sql": ENTITY_OVERVIEW,
            "params": ["entity"],
        }
    }
