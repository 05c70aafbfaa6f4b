"""Canned queries over `statement_changes` (publish/changes.py): what changed, and the Atom feeds.

`new_statements` and `changed_statements` return the columns datasette-atom reads (atom_id,
atom_title, atom_updated, atom_link, atom_content_html, atom_author_name), so each is also served
as a feed at `/msa/<query>.atom`. Entry links are statement row pages, relative in the SQL; the feed
plugin (publish/plugins/msa_feeds.py) makes them absolute against the feed's own URL. HTML content is
escaped here and sanitised again by datasette-atom (bleach).
"""

from __future__ import annotations

from publish.changes import IMPACT_SHARE_STEP, NEAR_WHOLE_REPEAT

DATABASE = "msa"
FEED_LIMIT = 100
WHAT_CHANGED_LIMIT = 1000
ENTITY_FILTER = (
    "(:entity = '' OR ch.entity_id = :entity OR ch.entity LIKE '%' || :entity || '%' "
    "OR ch.organisation LIKE '%' || :entity || '%')"
)
FEED_FILTERS = f"""(:jurisdiction = '' OR ch.jurisdiction = lower(:jurisdiction))
  AND (:sector = '' OR EXISTS (
    SELECT 1 FROM json_each(ch.sectors) j WHERE j.value LIKE '%' || :sector || '%'))
  AND {ENTITY_FILTER}"""
# RFC 3339 with a zone, as Atom wants: when msa first saw the statement (the crawl stores UTC).
UPDATED_SQL = (
    "COALESCE(st.first_seen, st.updated_at, "
    "CAST(COALESCE(st.registry_year, 1970) AS TEXT) || '-01-01T00:00:00+00:00')"
)


def html_escape_sql(expr: str) -> str:
    """SQL for `expr` with &, < and > escaped, for HTML built in a query."""
    return f"replace(replace(replace(COALESCE({expr}, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"


def _atom_columns(kind: str, title_suffix: str) -> str:
    org = html_escape_sql("c.organisation")
    content = (
        f"'<p>' || {org} || ': ' || upper(ch.jurisdiction) || ' statement, registry year ' "
        "|| COALESCE(ch.registry_year, '?') || '.</p><p>' || "
        f"{html_escape_sql('ch.reading')} || '</p>'"
        " || CASE WHEN c.document_url LIKE 'http%' THEN '<p><a href=\"' || "
        f"{html_escape_sql('c.document_url')} || '\">the statement document</a></p>' ELSE '' END"
    )
    return f"""'urn:msa:{kind}:' || ch.statement_id AS atom_id,
       COALESCE(c.organisation, ch.statement_id) || ': ' || upper(ch.jurisdiction) || ' statement '
         || COALESCE(ch.registry_year, '') || '{title_suffix}' AS atom_title,
       {UPDATED_SQL} AS atom_updated,
       '/{DATABASE}/statements/' || ch.statement_id AS atom_link,
       {content} AS atom_content_html,
       c.organisation AS atom_author_name"""


WHAT_CHANGED = f"""-- One entity's statements year by year (entity), or all statements of a year (year)
-- by the size of the change, largest first. reading: what changed, in a line.
SELECT ch.entity, ch.jurisdiction, ch.registry_year, ch.previous_year, ch.reading, ch.change_size,
       ch.share_repeated, ch.sentences_new, ch.sentences_dropped, ch.sentences_repeated,
       ch.new_impact_sentences, round(ch.impact_share_then, 3) AS impact_share_then,
       round(ch.impact_share_now, 3) AS impact_share_now,
       ch.criteria_addressed_then, ch.criteria_addressed_now, ch.criteria_gained, ch.criteria_lost,
       ch.au_verdicts_changed, ch.uk_areas_changed, ch.declarations_changed,
       CASE WHEN ch.comparison = 'compared'
            THEN 'statement_change_sentences?statement_id=' || ch.statement_id || '&change=new' END
         AS new_sentences_link,
       ch.statement_id, ch.previous_statement_id, ch.entity_id
FROM statement_changes ch
WHERE {ENTITY_FILTER}
  AND (:year = '' OR ch.registry_year = CAST(:year AS INTEGER))
ORDER BY CASE WHEN :entity != '' THEN ch.entity_id END, CASE WHEN :entity != '' THEN ch.jurisdiction END,
         CASE WHEN :entity != '' THEN ch.registry_year END,
         ch.change_size DESC NULLS LAST, ch.registry_year DESC, ch.statement_id
LIMIT {WHAT_CHANGED_LIMIT}"""

NEW_STATEMENTS = f"""-- Statements, newest first (when msa first saw them); also an Atom feed (.atom).
SELECT {_atom_columns("statement", "")},
       ch.entity, ch.jurisdiction, ch.registry_year, ch.sectors, ch.reading, ch.statement_id
FROM statement_changes ch
JOIN statements st ON st.statement_id = ch.statement_id
JOIN compliance c ON c.statement_id = ch.statement_id
WHERE {FEED_FILTERS}
ORDER BY atom_updated DESC, ch.registry_year DESC, ch.statement_id
LIMIT {FEED_LIMIT}"""

CHANGED_STATEMENTS = f"""-- Statements whose impact share moved by {IMPACT_SHARE_STEP:.2f} or more, whose AU
-- s.16(1) verdicts, UK areas or UK registry declarations changed against the previous statement, or
-- that repeat at least {NEAR_WHOLE_REPEAT:.0%} of its text word for word; also an Atom feed (.atom).
SELECT {_atom_columns("change", ": what changed")},
       ch.entity, ch.jurisdiction, ch.registry_year, ch.previous_year, ch.reading, ch.change_size,
       ch.statement_id, ch.previous_statement_id
FROM statement_changes ch
JOIN statements st ON st.statement_id = ch.statement_id
JOIN compliance c ON c.statement_id = ch.statement_id
WHERE ch.alert = 1 AND {FEED_FILTERS}
ORDER BY atom_updated DESC, ch.registry_year DESC, ch.change_size DESC, ch.statement_id
LIMIT {FEED_LIMIT}"""


def change_queries() -> dict[str, dict]:
    """name → canned query: what changed, and the two feeds."""
    feed_params = ["jurisdiction", "sector", "entity"]
    return {
        "what_changed": {
            "title": "What changed since the previous statement",
            "description": (
                "Each statement against the same entity's previous statement in the same registry: how "
                "much of the previous text it repeats word for word, sentences new and dropped, new "
                "evidence-of-impact sentences with their pages, criteria, AU s.16(1) verdicts, UK areas "
                "and registry declarations that changed, and the impact share then and now. entity: one "
                "entity (pick one, or type part of a name) year by year; year: every statement of a year, "
                "largest change first. new_sentences_link lists the new sentences."
            ),
            "sql": WHAT_CHANGED,
            "params": ["entity", "year"],
        },
        "new_statements": {
            "title": "New statements",
            "description": (
                "Statements, newest first (by when msa first saw them), with what changed against the "
                "previous one. Subscribe: this page as an Atom feed is new_statements.atom, with the "
                f"same optional filters (jurisdiction, sector, entity). The latest {FEED_LIMIT}."
            ),
            "sql": NEW_STATEMENTS,
            "params": feed_params,
        },
        "changed_statements": {
            "title": "Statements that changed against the previous year",
            "description": (
                f"Statements whose impact share moved by at least {IMPACT_SHARE_STEP:.2f}, whose AU "
                "s.16(1) verdicts, UK areas found or UK registry declarations changed, or that repeat at "
                f"least {NEAR_WHOLE_REPEAT:.0%} of the previous statement's text word for word. Subscribe: "
                "changed_statements.atom, with the same optional filters (jurisdiction, sector, entity). "
                f"The latest {FEED_LIMIT}."
            ),
            "sql": CHANGED_STATEMENTS,
            "params": feed_params,
        },
    }
