"""The canned queries: read-only, parameterised SQL for readers who do not write SQL.

Each entry becomes `databases.msa.queries.<name>` in datasette_metadata.json. Empty parameters
mean "any" (`:x = '' OR ...`), because Datasette passes '' for a field left blank. The ranked
search calls `msa_search_match`, an SQL function the publish plugin registers
(publish/plugins/msa_datasette.py), which turns what a reader types into a safe FTS5 query.
"""

from __future__ import annotations

from classify.evidence import committed_impact_confidence
from publish.change_queries import change_queries
from publish.compliance import AU_COLUMNS, summary_measures
from publish.entity_queries import entity_queries
from publish.impact import SOURCE_URL_SQL, STORED_URL_SQL
from vocabulary.labels import CRITERIA, UK_AREAS

SEARCH_LIMIT = 200
# bm25 over 200,000 matches took 1.1 s on 5M sentences, over 20,000 0.2 s (bench/bench_serve.py);
# the whole search over 10,000: 'hire' 56 -> 34 ms, "recruitment fees" 83 -> 55 ms, 'slaveri' 89 -> 73 ms.
RANK_WINDOW = 10_000

CRITERIA_LIST_SQL = (
    "trim(\n         "
    + "\n      || ".join(f"CASE WHEN l.{c} = 1 THEN '{c} ' ELSE '' END" for c in CRITERIA)
    + ")"
)
SECTOR_FILTER = (
    "(:sector = '' OR EXISTS (SELECT 1 FROM json_each(c.sectors) j WHERE j.value LIKE '%' || :sector || '%'))"
)
YEAR_FILTER = "(:year = '' OR c.registry_year = CAST(:year AS INTEGER))"
JURISDICTION_FILTER = "(:jurisdiction = '' OR c.jurisdiction = lower(:jurisdiction))"
# A statement is in the sector when any of its sectors contains what was typed.
SECTOR_GROUP_FILTER = "(:sector = '' OR c.sectors LIKE '%' || :sector || '%')"


def search_sentences_sql(rank_window: int = RANK_WINDOW) -> str:
    """The ranked sentence search; `rank_window` caps how many matches bm25 scores."""
    return f"""-- Ranked by relevance (FTS5 bm25, best first); filters are part of the MATCH.
-- bm25 scores every match, so for words found in very many sentences only the latest
-- {rank_window:,} matches (by rowid, a cheap doclist walk) are ranked.
WITH m AS (SELECT msa_search_match(:q, :evidence, :criterion, :jurisdiction, :year) AS expr),
win AS (
  SELECT coalesce((SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH (SELECT expr FROM m)
                   ORDER BY rowid DESC LIMIT 1 OFFSET {rank_window - 1}), 0) AS first_rowid
),
hits AS (
  SELECT rowid, rank FROM sentences_fts
  WHERE sentences_fts MATCH (SELECT expr FROM m) AND rowid >= (SELECT first_rowid FROM win)
  ORDER BY rank LIMIT {SEARCH_LIMIT}
)
SELECT round(-hits.rank, 2) AS relevance, c.organisation, c.jurisdiction, c.registry_year,
       s.text, l.evidence, {CRITERIA_LIST_SQL} AS criteria, s.page_no,
       {SOURCE_URL_SQL} AS source_url, {STORED_URL_SQL} AS stored_copy,
       c.statement_id, s.sentence_id
FROM hits
JOIN sentences s ON s.rowid = hits.rowid
LEFT JOIN labels l ON l.sentence_id = s.sentence_id
LEFT JOIN documents d ON d.document_id = s.document_id
LEFT JOIN compliance c ON c.statement_id = (
  -- a document filed for several statements: the one the filters ask for, latest first
  SELECT ss.statement_id FROM statement_summaries ss JOIN statements st ON st.statement_id = ss.statement_id
  WHERE ss.document_id = s.document_id
  ORDER BY (:year = '' OR st.registry_year = CAST(:year AS INTEGER)) DESC,
           (:jurisdiction = '' OR st.jurisdiction = lower(:jurisdiction)) DESC, st.registry_year DESC
  LIMIT 1)
ORDER BY hits.rank"""


SEARCH_SENTENCES = search_sentences_sql()

SEARCH_ORGANISATIONS = """-- Organisation names ranked by relevance, with how many statements each appears in.
WITH hits AS (
  SELECT rowid, rank FROM organisations_fts
  WHERE organisations_fts MATCH msa_fts(:q)
  ORDER BY rank LIMIT 200
)
SELECT o.name, o.jurisdiction, count(DISTINCT so.statement_id) AS statements,
       min(st.registry_year) AS first_year, max(st.registry_year) AS last_year,
       group_concat(DISTINCT so.role) AS roles, o.organisation_id
FROM hits
JOIN organisations o ON o.rowid = hits.rowid
LEFT JOIN statement_organisations so ON so.organisation_id = o.organisation_id
LEFT JOIN statements st ON st.statement_id = so.statement_id
GROUP BY o.organisation_id
ORDER BY min(hits.rank), o.name"""

COMPANY_STATEMENTS = """-- Every statement of the organisations whose name contains :company, year by year.
SELECT c.organisation, c.registry_year, c.jurisdiction, c.statement_type, c.assessed,
       c.approval, c.signature, c.criteria_addressed, c.au_criteria_met, c.uk_mismatches,
       round(c.impact_share, 3) AS impact_share,
       round(c.impact_share - lag(c.impact_share) OVER (
         PARTITION BY COALESCE(c.organisation_id, c.organisation) ORDER BY c.registry_year), 3)
         AS impact_share_change,
       c.n_impact, c.n_action, c.n_commitment, c.n_negative, c.sentence_count,
       c.document_url, c.registry_url, c.statement_id
FROM compliance c
WHERE :company != '' AND (
  c.organisation LIKE '%' || :company || '%'
  OR c.statement_id IN (
    SELECT so.statement_id FROM statement_organisations so
    JOIN organisations o ON o.organisation_id = so.organisation_id
    WHERE o.name LIKE '%' || :company || '%'))
ORDER BY c.organisation, c.registry_year"""

IMPACT_SENTENCES = f"""-- Evidence-of-impact sentences, most recent year first, then most confident.
SELECT c.organisation, c.jurisdiction, c.registry_year, c.text, c.evidence_p AS confidence,
       c.page_no, c.source_url, c.stored_copy, c.statement_id, c.sentence_id
FROM impact_sentences c
WHERE (:company = '' OR c.organisation LIKE '%' || :company || '%')
  AND {SECTOR_FILTER}
  AND {YEAR_FILTER}
  AND {JURISDICTION_FILTER}
ORDER BY c.registry_year DESC, c.evidence_p DESC, c.organisation
LIMIT 1000"""


IMPACT_STATEMENTS_LIMIT = 500
# Default: the threshold the committed evidence model was trained with, chosen on statements labelled
# whole (statement_summaries.shows_impact reads the same one); a reader may ask for another.
IMPACT_CONFIDENCE = committed_impact_confidence()
MIN_CONFIDENCE = f"COALESCE(CAST(NULLIF(:min_confidence, '') AS REAL), {IMPACT_CONFIDENCE:.2f})"
# The impact sentences each statement is counted on: those at or above the confidence asked for.
QUALIFYING_IMPACT = f"""qualifying AS (
  SELECT i.statement_id, count(*) AS n, max(i.evidence_p) AS best_p FROM impact_sentences i
  WHERE i.evidence_p >= {MIN_CONFIDENCE} GROUP BY i.statement_id
)"""

STATEMENTS_WITH_IMPACT = f"""-- Statements with an impact sentence at or above min_confidence (default: the
-- model's threshold), beside the statements read and all statements filed.
-- resting_on_one_sentence: those whose impact is a single sentence (open them: is it an outcome?).
WITH {QUALIFYING_IMPACT}
SELECT c.jurisdiction, c.registry_year,
       count(q.statement_id) AS statements_with_impact,
       sum(c.assessed) AS statements_read,
       count(*) AS statements,
       sum(q.n = 1) AS resting_on_one_sentence,
       COALESCE(sum(q.n), 0) AS impact_sentences,
       {MIN_CONFIDENCE} AS min_confidence
FROM compliance c LEFT JOIN qualifying q ON q.statement_id = c.statement_id
WHERE {JURISDICTION_FILTER} AND {YEAR_FILTER}
GROUP BY c.jurisdiction, c.registry_year
ORDER BY c.jurisdiction, c.registry_year DESC"""

IMPACT_STATEMENTS = f"""-- Each statement counted as showing impact, with the sentences it is counted on.
WITH {QUALIFYING_IMPACT},
chosen AS MATERIALIZED (  -- order and cut first: the strongest sentence is looked up for these only
  SELECT c.organisation, c.jurisdiction, c.registry_year, q.n, c.sentence_count, c.statement_id
  FROM qualifying q JOIN compliance c ON c.statement_id = q.statement_id
  WHERE {JURISDICTION_FILTER} AND {YEAR_FILTER}
  ORDER BY c.registry_year DESC, c.jurisdiction, q.n, c.organisation
  LIMIT {IMPACT_STATEMENTS_LIMIT}
)
SELECT ch.organisation, ch.jurisdiction, ch.registry_year, ch.n AS impact_sentences, ch.sentence_count,
       i.text AS strongest_sentence, i.evidence_p AS confidence, i.page_no, i.stored_copy,
       {MIN_CONFIDENCE} AS min_confidence, ch.statement_id
FROM chosen ch
LEFT JOIN impact_sentences i ON i.statement_id = ch.statement_id AND i.sentence_id = (
  SELECT x.sentence_id FROM impact_sentences x WHERE x.statement_id = ch.statement_id
  ORDER BY x.evidence_p DESC, x.sentence_id LIMIT 1)
ORDER BY ch.registry_year DESC, ch.jurisdiction, ch.n, ch.organisation"""


def compliance_summary_sql(by_sector: bool = False) -> str:
    """Counts and shares per (jurisdiction, year[, sector list]), then a total row.

    Reads `compliance_groups` (publish/compliance.py), where every statement is in one group,
    so the statements of the group rows add up to the total row's.
    """
    shares = ",\n       ".join(
        f"round(CAST(sum({name}__sum) AS REAL) / NULLIF(sum({name}__n), 0), 3) AS {name}"
        for name, _ in summary_measures()
    )
    sector_col = "c.sectors, " if by_sector else ""
    sector_total = "NULL, " if by_sector else ""
    sector_group = ", c.sectors" if by_sector else ""
    counts = "sum(c.statements) AS statements, coalesce(sum(c.assessed), 0) AS assessed"
    once = ", in the row of its list of sectors" if by_sector else ""
    order = ", sectors" if by_sector else ""
    tail = "sum(c.impact_sentences) AS impact_sentences"
    return f"""-- Shares are over the statements whose text was read (assessed); 1.0 = every statement.
-- AU s.16(1) verdicts count AU statements only, UK s.54(5) areas UK statements only.
-- Every statement is counted once{once}; the total row adds them up.
SELECT * FROM (
  SELECT 'group' AS row_type, c.jurisdiction, c.registry_year, {sector_col}{counts},
       {shares},
       {tail}
  FROM compliance_groups c
  WHERE {JURISDICTION_FILTER} AND {YEAR_FILTER} AND {SECTOR_GROUP_FILTER}
  GROUP BY c.jurisdiction, c.registry_year{sector_group}
  UNION ALL
  SELECT 'total', NULL, NULL, {sector_total}coalesce(sum(c.statements), 0), coalesce(sum(c.assessed), 0),
       {shares},
       {tail}
  FROM compliance_groups c
  WHERE {JURISDICTION_FILTER} AND {YEAR_FILTER} AND {SECTOR_GROUP_FILTER}
)
ORDER BY row_type = 'total', jurisdiction, registry_year DESC, statements DESC{order}"""


# The sentences behind verdicts (publish/verdicts.py), as "verdict basis: sentence id p.N; …"
# so that a CSV export carries them, and a link to them (publish plugin renders it).
def verdict_sentences_sql(where: str) -> str:
    """Sentence ids with pages behind the verdicts of `c.statement_id` that match `where` (over v)."""
    return f"""(SELECT group_concat(v.verdict || ' ' || v.basis || ': ' || v.sentence_id
                           || COALESCE(' p.' || v.page_no, ''), '; ')
   FROM verdict_sentences v WHERE v.statement_id = c.statement_id AND {where})"""


MISSING_VERDICTS = (
    "((v.verdict IN ('approval', 'signature') AND v.outcome = 'missing') "
    "OR (v.verdict LIKE 'au_c%' AND v.outcome IN ('not_met', 'partly')))"
)
MISSING_LINK = (
    "CASE WHEN c.assessed = 1 THEN 'verdict_sentences?statement_id=' || c.statement_id "
    "|| '&outcome__in=missing,not_met,partly' END"
)

MISSING_AU = {
    "au_c1": "s.16(1)(a) reporting entity",
    "au_c2": "s.16(1)(b) structure, operations, supply chains",
    "au_c3": "s.16(1)(c) risks",
    "au_c4": "s.16(1)(d) actions and remediation",
    "au_c5": "s.16(1)(e) effectiveness",
    "au_c6": "s.16(1)(f) consultation",
}


MISSING_LIMIT = 1000


def missing_content_sql() -> str:
    """Statements lacking mandatory content: approval and signature (both laws), AU s.16(1)(a)-(f)."""
    missing = " || ".join(
        [
            "CASE WHEN c.approval = 0 THEN 'approval; ' ELSE '' END",
            "CASE WHEN c.signature = 0 THEN 'signature; ' ELSE '' END",
            *[
                f"CASE WHEN c.{AU_COLUMNS[code]} = 'not_met' THEN '{label}; ' ELSE '' END"
                for code, label in MISSING_AU.items()
            ],
        ]
    )
    partly = " || ".join(
        f"CASE WHEN c.{AU_COLUMNS[code]} = 'partly' THEN '{label}; ' ELSE '' END"
        for code, label in MISSING_AU.items()
    )
    return f"""-- UK s.54(6): approved by the board and signed by a director. AU s.16(1)(a)-(f) and s.16(2).
-- Statements whose text could not be read are listed as such: they cannot be checked.
-- sentences: gathered for the {MISSING_LIMIT:,} statements shown only (not for every one sorted).
WITH picked AS MATERIALIZED (
  SELECT * FROM (
    SELECT c.jurisdiction, c.registry_year, c.organisation, c.assessed,
           CASE WHEN c.assessed = 0 THEN 'statement text not available'
                ELSE rtrim({missing}, '; ') END AS missing,
           rtrim({partly}, '; ') AS partly_met,
           c.document_url, c.registry_url, c.statement_id
    FROM compliance c
    WHERE {JURISDICTION_FILTER} AND {YEAR_FILTER} AND {SECTOR_FILTER}
  )
  WHERE missing != ''
  ORDER BY jurisdiction, registry_year DESC, organisation
  LIMIT {MISSING_LIMIT}
)
SELECT c.jurisdiction, c.registry_year, c.organisation, c.missing, c.partly_met,
       {verdict_sentences_sql(MISSING_VERDICTS)} AS sentences,
       {MISSING_LINK} AS sentences_link,
       c.document_url, c.registry_url, c.statement_id
FROM picked c
ORDER BY c.jurisdiction, c.registry_year DESC, c.organisation"""


LATE_FLAGS = {
    "late": "t.late = 1",
    "approved_before_period_end": "t.approved_before_period_end = 1",
    "dates_inconsistent": "t.dates_inconsistent = 1",
    "dates_missing": "t.dates_missing = 1",
    "late_unknown": "t.late IS NULL",
}
LATE_FLAGS_SQL = "\n      || ".join(
    f"CASE WHEN {test} THEN '{name}; ' ELSE '' END" for name, test in LATE_FLAGS.items()
)
LATE_STATEMENTS = f"""-- Statements flagged by their dates (publish/timeliness.py): late first, most days past
-- the deadline first; then approved before the period ended, dates inconsistent, dates missing,
-- and those whose lateness the dates cannot tell (late_unknown).
SELECT * FROM (
  SELECT c.organisation, c.jurisdiction, c.registry_year,
         rtrim({LATE_FLAGS_SQL}, '; ') AS flags,
         t.late, t.late_by, t.days_past_deadline, t.deadline,
         t.period_end, t.period_end_source,
         t.approved_on, t.approved_source, t.days_to_approval,
         t.published_on, t.published_source, t.published_exact, t.days_to_publication,
         t.period_start, t.period_start_source, t.missing_dates, t.inconsistencies,
         c.registry_url, c.statement_id
  FROM compliance c JOIN statement_timeliness t ON t.statement_id = c.statement_id
  WHERE {JURISDICTION_FILTER} AND {YEAR_FILTER} AND {SECTOR_FILTER}
)
WHERE flags != '' AND (:flag = '' OR ('; ' || flags || ';') LIKE '%; ' || :flag || ';%')
ORDER BY COALESCE(late, 0) DESC, days_past_deadline DESC, instr(flags, 'approved_before_period_end') > 0 DESC,
         instr(flags, 'dates_inconsistent') > 0 DESC, jurisdiction, registry_year DESC, organisation"""

AREA_SQL = "substr(m.value, 1, instr(m.value, ':') - 1)"
MISMATCHES_LIMIT = 1000
REGISTRY_MISMATCHES = f"""-- UK: an s.54(5) area declared in the registry and not in the text, or the reverse.
-- sentences: those the area was found on, or (declared, not found) the closest candidates,
-- gathered for the {MISMATCHES_LIMIT:,} mismatches shown only (not for every one sorted).
WITH picked AS MATERIALIZED (
  SELECT c.statement_id, c.registry_year, c.organisation, c.uk_mismatches, c.document_url, c.registry_url,
         m.value, {AREA_SQL} AS area
  FROM compliance c, json_each(c.uk_mismatch) m
  WHERE c.jurisdiction = 'uk' AND c.uk_mismatch IS NOT NULL
    AND (:year = '' OR c.registry_year = CAST(:year AS INTEGER))
    AND (:area = '' OR m.value LIKE :area || ':%')
    AND (:kind = '' OR m.value LIKE '%:' || :kind)
  ORDER BY c.registry_year DESC, c.uk_mismatches DESC, c.organisation, area
  LIMIT {MISMATCHES_LIMIT}
)
SELECT c.registry_year, c.organisation, c.area,
       CASE WHEN c.value LIKE '%:declared_not_detected'
            THEN 'declared in the registry, not found in the text'
            ELSE 'found in the text, not declared in the registry' END AS mismatch,
       c.uk_mismatches AS mismatches_in_statement,
       {verdict_sentences_sql("v.verdict = c.area")} AS sentences,
       'verdict_sentences?statement_id=' || c.statement_id || '&verdict=' || c.area AS sentences_link,
       c.document_url, c.registry_url, c.statement_id
FROM picked c
ORDER BY c.registry_year DESC, c.uk_mismatches DESC, c.organisation, c.area"""

COMPANY_IMPACT_SENTENCES = """-- One company's evidence-of-impact sentences year by year; new_this_year = 0
-- when the same sentence (case and spacing aside) is in one of its earlier statements.
WITH st AS MATERIALIZED (
  SELECT c.statement_id, c.registry_year FROM compliance c
  WHERE :company != '' AND c.assessed = 1 AND c.organisation LIKE '%' || :company || '%'
),
first_said AS MATERIALIZED (
  -- CROSS JOIN keeps this order: the company's few statements first, then their sentences.
  SELECT lower(trim(s.text)) AS key, min(st.registry_year) AS first_year FROM st
  CROSS JOIN statement_summaries ss ON ss.statement_id = st.statement_id
  CROSS JOIN sentences s ON s.document_id = ss.document_id
  GROUP BY key
),
impact AS (
  SELECT i.*, CASE WHEN f.first_year < i.registry_year THEN f.first_year END AS also_in
  FROM st JOIN impact_sentences i ON i.statement_id = st.statement_id
  LEFT JOIN first_said f ON f.key = lower(trim(i.text))
)
SELECT organisation, registry_year, also_in IS NULL AS new_this_year, also_in AS first_said_in, text,
       evidence_p AS confidence, page_no, source_url, stored_copy, statement_id, sentence_id
FROM impact
WHERE (:new_only = '' OR also_in IS NULL)
ORDER BY organisation, registry_year DESC, new_this_year DESC, evidence_p DESC
LIMIT 1000"""

BOILERPLATE = """-- Sentences found, word for word once names, numbers and punctuation are set aside,
-- in the statements of many organisations. Open a boilerplate_id to see who uses it.
SELECT b.boilerplate_id, b.n_organisations, b.n_statements, b.first_year, b.last_year,
       b.jurisdictions, b.evidence, b.text
FROM boilerplate b
WHERE b.n_organisations >= COALESCE(CAST(NULLIF(:min_organisations, '') AS INTEGER), 3)
  AND (:jurisdiction = '' OR instr(b.jurisdictions, lower(:jurisdiction)) > 0)
  AND (:evidence = '' OR b.evidence = :evidence)
  AND (:contains = '' OR b.text LIKE '%' || :contains || '%')
  AND (:company = '' OR b.boilerplate_id IN (
    SELECT bs.boilerplate_id FROM boilerplate_sentences bs
    JOIN compliance c ON c.statement_id = bs.statement_id
    WHERE c.organisation LIKE '%' || :company || '%'))
ORDER BY b.n_organisations DESC, b.n_sentences DESC, b.boilerplate_id
LIMIT 1000"""

USES_LIMIT = 1000
BOILERPLATE_USES = f"""-- Statements that use one boilerplate sentence, with the wording each used: the first
-- {USES_LIMIT:,} uses (read off the boilerplate_id index), then ordered by organisation and year.
WITH uses AS (
  SELECT bs.sentence_id, bs.statement_id FROM boilerplate_sentences bs
  WHERE bs.boilerplate_id = CAST(:boilerplate_id AS INTEGER) LIMIT {USES_LIMIT}
)
SELECT c.organisation, c.registry_year, c.jurisdiction, s.text, s.page_no,
       {SOURCE_URL_SQL} AS source_url, {STORED_URL_SQL} AS stored_copy, c.statement_id, s.sentence_id
FROM uses bs
JOIN sentences s ON s.sentence_id = bs.sentence_id
JOIN compliance c ON c.statement_id = bs.statement_id
LEFT JOIN documents d ON d.document_id = s.document_id
ORDER BY c.organisation, c.registry_year"""


def canned_queries() -> dict[str, dict]:
    """name → Datasette canned query (title, description, sql, params), in menu order.

    SQL is hidden by default (a "Show SQL" link reveals it): readers come for the form and rows.
    """
    queries = {
        "search_sentences": {
            "title": "Search sentences, most relevant first",
            "description": (
                "Full-text search over every sentence, ranked by relevance (BM25). Type words; "
                '"quoted words" match a phrase, OR and NOT work, a trailing * matches a prefix '
                "(recruit*). Optional filters: evidence (commitment, action, impact, negative, none), "
                "criterion (e.g. c4_remediation), jurisdiction (uk or au), year. Shows the best "
                f"{SEARCH_LIMIT} matches; a word found in more than {RANK_WINDOW:,} sentences is ranked "
                f"within the latest {RANK_WINDOW:,} of them (add words to narrow it)."
            ),
            "sql": SEARCH_SENTENCES,
            "params": ["q", "evidence", "criterion", "jurisdiction", "year"],
        },
        "search_organisations": {
            "title": "Search organisation names",
            "description": "Organisations whose name matches the words typed, most relevant first, with "
            "their number of statements and the years they cover.",
            "sql": SEARCH_ORGANISATIONS,
            "params": ["q"],
        },
        "company_statements": {
            "title": "A company's statements over the years, with their scores",
            "description": (
                "Every statement of the organisations whose name contains the text typed (a group's "
                "members included), in year order: approval and signature found, how many of the 11 "
                "criteria the text addresses, AU mandatory criteria met (of 6), UK registry mismatches, "
                "and the impact share (impact sentences / all claims) with its change from the year before."
            ),
            "sql": COMPANY_STATEMENTS,
            "params": ["company"],
        },
        **entity_queries(),
        "company_impact_sentences": {
            "title": "A company's evidence-of-impact sentences, the new ones first",
            "description": (
                "Every evidence-of-impact sentence of the organisations whose name contains the text "
                "typed, year by year; new_this_year is 0 when the same sentence is in one of its earlier "
                "statements (first_said_in: the first year it was). new_only=1 shows the new ones only."
            ),
            "sql": COMPANY_IMPACT_SENTENCES,
            "params": ["company", "new_only"],
        },
        "search_impact_sentences": {
            "title": "Evidence-of-impact sentences, by company, sector or year",
            "description": (
                "Sentences that report an outcome for people (workers repaid, remediated, freed), with a "
                "link to the source document at the page where the sentence is. Every filter is optional; "
                "sector and company match part of a name. Shows up to 1,000 sentences."
            ),
            "sql": IMPACT_SENTENCES,
            "params": ["company", "sector", "year", "jurisdiction"],
        },
        "statements_with_impact": {
            "title": "How many statements show evidence of impact, by jurisdiction and year",
            "description": (
                "Statements whose text has at least one sentence labelled evidence of impact (an outcome "
                "for people), beside the statements whose text was read and all statements filed. "
                "resting_on_one_sentence counts those whose impact is one sentence only. Only sentences "
                f"the model is at least min_confidence sure of count (default {IMPACT_CONFIDENCE:.2f}, the "
                "threshold chosen on statements labelled whole; 0 counts every impact label). Open "
                "statements_with_impact for the statements and the sentence each is counted on, "
                "impact_sentences for every such sentence. Labels are machine classifications."
            ),
            "sql": STATEMENTS_WITH_IMPACT,
            "params": ["jurisdiction", "year", "min_confidence"],
        },
        "impact_statements": {
            "title": "Statements counted as showing impact, and the sentences they are counted on",
            "description": (
                "Every statement with at least one evidence-of-impact sentence (the latest "
                f"{IMPACT_STATEMENTS_LIMIT}): how many, the most confident one with its page, and "
                "(impact_sentences) a link to all of them."
            ),
            "sql": IMPACT_STATEMENTS,
            "params": ["jurisdiction", "year", "min_confidence"],
        },
        "compliance_summary": {
            "title": "Compliance summary by jurisdiction and year, with a total",
            "description": (
                "For each jurisdiction and registry year: statements, how many were read (assessed), and "
                "the share addressing each criterion, meeting (or partly meeting) each AU s.16(1) paragraph, "
                "and declaring or covering each UK s.54(5) area; then a total row. Every statement counts "
                "once, so the rows add up to the total. sector keeps statements any of whose sectors "
                "contains the text typed. Export with the CSV link (add _stream=on to stream it); the "
                "dictionary link describes every column. By sector: compliance_by_sector. One row per "
                "statement: the compliance table."
            ),
            "sql": compliance_summary_sql(),
            "params": ["jurisdiction", "year", "sector"],
        },
        "compliance_by_sector": {
            "title": "Compliance summary by jurisdiction, year and sectors, with a total",
            "description": (
                "As the compliance summary, one row per jurisdiction, registry year and list of sectors a "
                "statement gives (a statement in two sectors is in the row of that pair, once), then a "
                "total row: the rows add up to the total."
            ),
            "sql": compliance_summary_sql(by_sector=True),
            "params": ["jurisdiction", "year", "sector"],
        },
        "missing_content": {
            "title": "Statements missing mandatory content",
            "description": (
                "Statements with no approval or signature found (UK s.54(6), AU s.16(2)), or an AU "
                "s.16(1)(a)-(f) criterion not met; partly met criteria are listed separately. The first "
                f"{MISSING_LIMIT:,}, by jurisdiction, most recent year first, then organisation."
            ),
            "sql": missing_content_sql(),
            "params": ["jurisdiction", "year", "sector"],
        },
        "late_statements": {
            "title": "Statements filed late, approved before their period ended, or with missing or "
            "inconsistent dates",
            "description": (
                "Both Acts want a statement within 6 months of the reporting period's end (AU s.13(2)(c), "
                "s.14(2)(c): given to the Minister; UK guidance: published). Each statement flagged by its "
                "dates, with the days from the period end to approval and to publication, the deadline, and "
                "where each date was read (a registry column, or the statement text). A registry date that "
                "only shows when a statement was out by (UK LastUpdated, PDFDate) can clear it, not make it "
                "late. flag: late, approved_before_period_end, dates_inconsistent, dates_missing or "
                "late_unknown (the dates cannot tell; empty: any); sector matches part of a sector's name. "
                "Every statement's dates: the statement_timeliness table."
            ),
            "sql": LATE_STATEMENTS,
            "params": ["jurisdiction", "year", "sector", "flag"],
        },
        "registry_mismatches": {
            "title": "Registry declarations that disagree with the statement text (UK)",
            "description": (
                "UK statements where the registry says an area is covered and the text does not cover it "
                "(kind declared_not_detected), or the other way round (detected_not_declared); the first "
                f"{MISMATCHES_LIMIT:,}, most recent year and most mismatches first. Areas: "
                + ", ".join(UK_AREAS)
                + "."
            ),
            "sql": REGISTRY_MISMATCHES,
            "params": ["year", "area", "kind"],
        },
        "search_boilerplate": {
            "title": "Boilerplate: sentences repeated across many organisations",
            "description": (
                "Sentences that recur verbatim or near-verbatim (same words once organisation names, "
                "numbers, legal forms and punctuation are set aside) in the statements of at least "
                "min_organisations organisations (default 3); company: only those a company uses."
            ),
            "sql": BOILERPLATE,
            "params": ["min_organisations", "jurisdiction", "evidence", "contains", "company"],
        },
        "boilerplate_uses": {
            "title": "Who uses a boilerplate sentence",
            "description": "Statements using one boilerplate sentence (its boilerplate_id), with the "
            f"wording and a link to the page; the first {USES_LIMIT:,} uses of a sentence used more often "
            "(its n_sentences says how many).",
            "sql": BOILERPLATE_USES,
            "params": ["boilerplate_id"],
        },
    }
    queries.update(change_queries())
    for query in queries.values():
        query["hide_sql"] = True
    return queries
