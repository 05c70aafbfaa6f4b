"""Table definitions: the contract between crawler, extract, classify and publish.

Every table is keyed by a stable id so that each stage can upsert and re-run
without losing what an earlier run stored. Label column names live here too,
because they are columns: classify/ imports them from here, not the reverse.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

SCHEMA_VERSION = 2

# Layer 1: criteria relevance (AIMS.au's 11 questions), one 0/1 column each.
CRITERIA: tuple[str, ...] = (
    "approval",
    "signature",
    "c1_reporting_entity",
    "c2_structure",
    "c2_operations",
    "c2_supply_chains",
    "c3_risk_description",
    "c4_risk_mitigation",
    "c4_remediation",
    "c5_effectiveness",
    "c6_consultation",
)

# Layer 2: evidence status, one label per sentence.
EVIDENCE_LABELS: tuple[str, ...] = ("commitment", "action", "impact", "negative", "none")

# The six areas a UK statement may declare in the registry (s.54(5) and guidance).
UK_AREAS: tuple[str, ...] = (
    "org_structure",
    "policies",
    "risk_assessment",
    "due_diligence",
    "training",
    "goals",
)

# AU s.16(1) mandatory criteria as the summary reports them.
AU_CRITERIA: tuple[str, ...] = ("au_c1", "au_c2", "au_c3", "au_c4", "au_c5", "au_c6", "au_c7")

DOCUMENT_STATUSES = ("pending", "ok", "error", "no_text", "landing_page")
# Why an extraction failed: `transient` (its worker died or ran out of time: worth another try) or
# `permanent` (the document itself cannot be read). NULL when the last extraction did not fail.
EXTRACT_FAILURES = ("transient", "permanent")
FETCH_STATUSES = ("fetched", "failed", "not_modified")
# Where a statement's document came from, most trusted first: the registry's own copy, then the
# company's StatementURL. Picks the document a summary reads and the one URL shown for it.
DOCUMENT_ROLE_PREFERENCE: tuple[str, ...] = ("registry_pdf", "statement", "linked_pdf", "registry_page")


def role_rank_sql(column: str) -> str:
    """SQL ranking a statement_documents role by DOCUMENT_ROLE_PREFERENCE (0 = best)."""
    whens = " ".join(f"WHEN '{role}' THEN {rank}" for rank, role in enumerate(DOCUMENT_ROLE_PREFERENCE))
    return f"CASE {column} {whens} ELSE {len(DOCUMENT_ROLE_PREFERENCE)} END"


# One URL for a statement's summarised document, fetched by several URLs (registry copy, own site).
PRIMARY_DOCUMENT_URL_SQL = f"""(SELECT COALESCE(sd.final_url, sd.url) FROM statement_documents sd
            WHERE sd.statement_id = ss.statement_id AND sd.document_id = ss.document_id
            ORDER BY {role_rank_sql("sd.role")}, sd.fetched_at DESC LIMIT 1)"""


def _label_columns() -> str:
    cols = []
    for name in CRITERIA:
        cols.append(f"    {name} INTEGER NOT NULL DEFAULT 0")
        cols.append(f"    {name}_p REAL NOT NULL DEFAULT 0")
    return ",\n".join(cols)


def _summary_columns() -> str:
    cols = [f"    {name} INTEGER" for name in CRITERIA]
    cols += [f"    {name} TEXT" for name in AU_CRITERIA]
    cols += [f"    uk_detected_{area} INTEGER" for area in UK_AREAS]
    return ",\n".join(cols)


DDL = f"""
CREATE TABLE IF NOT EXISTS statements (
    statement_id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    registry_year INTEGER,
    statement_type TEXT,
    title TEXT,
    period_start TEXT,
    period_end TEXT,
    registry_url TEXT,
    statement_url TEXT,
    registry_pdf_url TEXT,
    email_only INTEGER NOT NULL DEFAULT 0,
    email_address TEXT,
    approving_person TEXT,
    date_approved TEXT,
    turnover_band TEXT,
    sector_type TEXT,
    sectors TEXT,
    headquartered_countries TEXT,
    declared_org_structure INTEGER,
    declared_policies INTEGER,
    declared_risk_assessment INTEGER,
    declared_due_diligence INTEGER,
    declared_training INTEGER,
    declared_goals INTEGER,
    related_statements TEXT,
    registry_row TEXT,
    metadata_hash TEXT,
    source TEXT,
    first_seen TEXT,
    last_seen TEXT,
    updated_at TEXT
);

CREATE TABLE IF NOT EXISTS organisations (
    organisation_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    company_number TEXT,
    abn TEXT,
    acn TEXT,
    arbn TEXT,
    address TEXT,
    sector_type TEXT
);

CREATE TABLE IF NOT EXISTS statement_organisations (
    statement_id TEXT NOT NULL REFERENCES statements(statement_id),
    organisation_id TEXT NOT NULL REFERENCES organisations(organisation_id),
    role TEXT NOT NULL,
    PRIMARY KEY (statement_id, organisation_id, role)
);

CREATE TABLE IF NOT EXISTS documents (
    document_id TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    path TEXT NOT NULL,
    first_fetched_at TEXT,
    extract_status TEXT NOT NULL DEFAULT 'pending',
    extract_error TEXT,
    extract_version TEXT,
    extracted_at TEXT,
    backend TEXT,
    page_count INTEGER,
    sentence_count INTEGER,
    doc_metadata TEXT,
    extract_failure TEXT,
    extract_attempts INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS statement_documents (
    statement_id TEXT NOT NULL REFERENCES statements(statement_id),
    url TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    http_status INTEGER,
    final_url TEXT,
    document_id TEXT REFERENCES documents(document_id),
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT,
    PRIMARY KEY (statement_id, url)
);

CREATE TABLE IF NOT EXISTS pages (
    document_id TEXT NOT NULL REFERENCES documents(document_id),
    page_no INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (document_id, page_no)
);

CREATE TABLE IF NOT EXISTS sentences (
    sentence_id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(document_id),
    sentence_idx INTEGER NOT NULL,
    page_no INTEGER,
    block_idx INTEGER,
    block_kind TEXT,
    char_start INTEGER,
    char_end INTEGER,
    text TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS labels (
    sentence_id TEXT PRIMARY KEY REFERENCES sentences(sentence_id),
    label_version TEXT NOT NULL,
{_label_columns()},
    evidence TEXT NOT NULL,
    evidence_p REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS statement_summaries (
    statement_id TEXT PRIMARY KEY REFERENCES statements(statement_id),
    summary_version TEXT NOT NULL,
    document_id TEXT REFERENCES documents(document_id),
    sentence_count INTEGER NOT NULL,
    n_commitment INTEGER NOT NULL,
    n_action INTEGER NOT NULL,
    n_impact INTEGER NOT NULL,
    n_negative INTEGER NOT NULL,
    n_none INTEGER NOT NULL,
    impact_share REAL,
    n_impact_confident INTEGER,
    shows_impact INTEGER,
{_summary_columns()},
    uk_mismatch TEXT,
    criteria_sentences TEXT,
    top_impact TEXT,
    signatory TEXT,
    rationale TEXT,
    summarised_at TEXT
);

CREATE TABLE IF NOT EXISTS crawl_runs (
    run_id TEXT PRIMARY KEY,
    spider TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    statements_seen INTEGER,
    statements_new INTEGER,
    statements_changed INTEGER,
    documents_fetched INTEGER,
    documents_failed INTEGER,
    failures_by_reason TEXT,
    report TEXT
);

CREATE TABLE IF NOT EXISTS stage_runs (
    run_id TEXT PRIMARY KEY,
    stage TEXT NOT NULL,
    version TEXT,
    started_at TEXT,
    finished_at TEXT,
    processed INTEGER,
    failed INTEGER,
    report TEXT
);

-- A reader's correction of one label (stored, never derived: kept across re-crawls, re-extraction,
-- relabelling and builds). Rows are history: a later row for the same (sentence_id, field)
-- supersedes an earlier one. sentence_text is the sentence as it read when corrected, so a
-- correction follows its text when re-extraction moves it, and is kept but not applied (stale)
-- once that text is gone. db/corrections.py applies them.
CREATE TABLE IF NOT EXISTS corrections (
    correction_id INTEGER PRIMARY KEY,
    sentence_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    reason TEXT NOT NULL,
    who TEXT NOT NULL,
    created_at TEXT NOT NULL,
    document_id TEXT,
    sentence_idx INTEGER,
    sentence_text TEXT NOT NULL,
    source TEXT
);

-- Which correction each corrected label carries now, and the model's own value it overrides
-- (`labels` holds the corrected value, so every reader of labels sees it). Rewritten with labels.
CREATE TABLE IF NOT EXISTS applied_corrections (
    sentence_id TEXT NOT NULL,
    field TEXT NOT NULL,
    correction_id INTEGER NOT NULL,
    model_value TEXT,
    model_p REAL,
    applied_at TEXT,
    PRIMARY KEY (sentence_id, field)
);

CREATE TABLE IF NOT EXISTS schema_info (
    key TEXT PRIMARY KEY,
    value TEXT
);

CREATE INDEX IF NOT EXISTS idx_statements_jurisdiction_year ON statements(jurisdiction, registry_year);
CREATE INDEX IF NOT EXISTS idx_statement_organisations_org ON statement_organisations(organisation_id);
CREATE INDEX IF NOT EXISTS idx_statement_documents_document ON statement_documents(document_id);
CREATE INDEX IF NOT EXISTS idx_documents_status ON documents(extract_status);
CREATE INDEX IF NOT EXISTS idx_sentences_document ON sentences(document_id, sentence_idx);
CREATE INDEX IF NOT EXISTS idx_labels_evidence ON labels(evidence);
CREATE INDEX IF NOT EXISTS idx_labels_version ON labels(label_version);
CREATE INDEX IF NOT EXISTS idx_corrections_sentence_field ON corrections(sentence_id, field, correction_id);
CREATE INDEX IF NOT EXISTS idx_corrections_document ON corrections(document_id);
CREATE INDEX IF NOT EXISTS idx_applied_corrections_correction ON applied_corrections(correction_id);
"""

# The corrections a sentence's labels carry, as a reader reads them beside the label:
# "evidence: impact (corrected from action: <reason> — <who>)". Over `sentences s`.
CORRECTION_NOTE_SQL = """(SELECT group_concat(a.field || ': ' || c.value || ' (corrected from '
            || coalesce(a.model_value, '?') || ': ' || c.reason || ' — ' || c.who || ')', '; ')
            FROM applied_corrections a JOIN corrections c ON c.correction_id = a.correction_id
            WHERE a.sentence_id = s.sentence_id)"""

VIEWS = {
    # One row per sentence of a statement, read from its summarised (primary) document only: a
    # document fetched by two URLs is one document, so its sentences appear once.
    "statement_sentences": """
        SELECT ss.statement_id, st.jurisdiction, st.registry_year, st.title,
               s.sentence_id, s.document_id, s.sentence_idx, s.page_no, s.block_kind, s.text,
               l.evidence, l.evidence_p,
               {criteria},
               {correction} AS correction,
               {document_url} AS document_url
        FROM statement_summaries ss
        JOIN statements st ON st.statement_id = ss.statement_id
        JOIN sentences s ON s.document_id = ss.document_id
        LEFT JOIN labels l ON l.sentence_id = s.sentence_id
    """.format(
        criteria=", ".join(f"l.{c}" for c in CRITERIA),
        correction=CORRECTION_NOTE_SQL,
        document_url=PRIMARY_DOCUMENT_URL_SQL,
    ),
    # Every correction with what became of it: applied (to which sentences, over which model
    # value), superseded by a later one for the same sentence and field, pending (its sentence is
    # not labelled yet) or stale (its text is gone from the document: kept, not applied).
    "correction_status": """
        SELECT c.correction_id, c.sentence_id, c.field, c.value,
               CASE
                 WHEN EXISTS (SELECT 1 FROM corrections later WHERE later.sentence_id = c.sentence_id
                              AND later.field = c.field AND later.correction_id > c.correction_id)
                   THEN 'superseded'
                 WHEN EXISTS (SELECT 1 FROM applied_corrections a WHERE a.correction_id = c.correction_id)
                   THEN 'applied'
                 WHEN EXISTS (SELECT 1 FROM sentences s WHERE s.document_id = c.document_id
                              AND s.text = c.sentence_text)
                   THEN 'pending'
                 ELSE 'stale'
               END AS status,
               coalesce((SELECT a.model_value FROM applied_corrections a
                         WHERE a.correction_id = c.correction_id AND a.sentence_id = c.sentence_id),
                        (SELECT a.model_value FROM applied_corrections a
                         WHERE a.correction_id = c.correction_id LIMIT 1)) AS model_value,
               (SELECT group_concat(a.sentence_id, ' ') FROM applied_corrections a
                WHERE a.correction_id = c.correction_id) AS applied_to,
               c.reason, c.who, c.created_at, c.source, c.document_id, c.sentence_idx, c.sentence_text
        FROM corrections c
    """,
}


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the corpus database with the schema in place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=60, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=OFF")
    ensure_schema(db)
    return db


# Columns added after a table first shipped: (table, column, definition); a database made before
# gets them by ALTER TABLE, then the migration's UPDATE fills them from what the rows already say.
ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("documents", "extract_failure", "TEXT"),
    ("documents", "extract_attempts", "INTEGER NOT NULL DEFAULT 0"),
    ("statement_summaries", "n_impact_confident", "INTEGER"),
    ("statement_summaries", "shows_impact", "INTEGER"),
)
# Schema 1 recorded failures without their kind: the reasons a worker death or time limit gives
# are transient, every other failure permanent.
MIGRATE_EXTRACT_FAILURES = """
UPDATE documents SET extract_attempts = 1,
    extract_failure = CASE WHEN extract_error LIKE 'worker died%' OR extract_error LIKE 'timed out%'
                                OR extract_error LIKE '%failed, kept earlier text: worker died%'
                                OR extract_error LIKE '%failed, kept earlier text: timed out%'
                           THEN 'transient' ELSE 'permanent' END
WHERE extract_failure IS NULL
  AND (extract_status = 'error' OR extract_error LIKE 're-extraction with % failed, kept earlier text:%')
"""


def migrate(db: sqlite_utils.Database) -> None:
    """Bring a database made by an older schema up to SCHEMA_VERSION, in place, keeping every row."""
    added = set()
    for table, column, definition in ADDED_COLUMNS:
        existing = {row[1] for row in db.conn.execute(f"PRAGMA table_info({table})")}
        if column not in existing:
            db.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
            added.add((table, column))
    if ("documents", "extract_failure") in added:
        db.conn.execute(MIGRATE_EXTRACT_FAILURES)


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, indexes and views, and migrate older databases; never drops data."""
    db.conn.executescript(DDL)
    migrate(db)
    for name, sql in VIEWS.items():
        db.conn.execute(f"DROP VIEW IF EXISTS {name}")
        db.conn.execute(f"CREATE VIEW {name} AS {sql}")
    db.conn.execute(
        "INSERT OR REPLACE INTO schema_info(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
    )
    db.conn.commit()
