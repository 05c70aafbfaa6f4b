"""Table definitions: the contract between crawler, extract, classify and publish.

Every table is keyed by a stable id so that each stage can upsert and re-run
without losing what an earlier run stored. The label column names come from
vocabulary/labels.py, the document roles from vocabulary/roles.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

# Label names and document roles are vocabulary (vocabulary/): the columns below are built from them,
# and they are re-exported here for the modules that read them with the schema.
from vocabulary.labels import AU_CRITERIA as AU_CRITERIA
from vocabulary.labels import CRITERIA as CRITERIA
from vocabulary.labels import EVIDENCE_LABELS as EVIDENCE_LABELS
from vocabulary.labels import UK_AREAS as UK_AREAS
from vocabulary.roles import DOCUMENT_ROLE_PREFERENCE as DOCUMENT_ROLE_PREFERENCE

SCHEMA_VERSION = 3

DOCUMENT_STATUSES = ("pending", "ok", "error", "no_text", "landing_page")
# Why an extraction failed: `transient` (its worker died or ran out of time: worth another try) or
# `permanent` (the document itself cannot be read). NULL when the last extraction did not fail.
EXTRACT_FAILURES = ("transient", "permanent")
FETCH_STATUSES = ("fetched", "failed", "not_modified")
# A crawl run's counts, one crawl_runs column each per spider (summed over spiders in the crawl report).
CRAWL_COUNTS: tuple[str, ...] = (
    "statements_seen",
    "statements_new",
    "statements_changed",
    "statements_unchanged",
    "documents_fetched",
    "documents_stored",
    "documents_not_modified",
    "documents_failed",
    "documents_already_tried",
    "landing_pages_followed",
    "rows_skipped",
    "requests",
)
# Keys of a spider's crawl report kept in columns (its crawl_runs row, or its run's stage_runs row),
# not in the JSON of the rest.
CRAWL_REPORT_COLUMNS: tuple[str, ...] = (
    "run_id",
    "spider",
    "started_at",
    "finished_at",
    "finish_reason",
    "failures_by_reason",
    *CRAWL_COUNTS,
)


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


def _crawl_count_columns() -> str:
    return ",\n".join(f"    {name} INTEGER" for name in CRAWL_COUNTS)


def _summary_columns() -> str:
    cols = [f"    {name} INTEGER" for name in CRITERIA]
    cols += [f"    {name} TEXT" for name in AU_CRITERIA]
    cols += [f"    uk_detected_{area} INTEGER" for area in UK_AREAS]
    return ",\n".join(cols)


# One row per spider of a crawl run: the crawl's own detail, joined to its stage_runs row by run_id.
CRAWL_RUNS_DDL = f"""CREATE TABLE IF NOT EXISTS crawl_runs (
    run_id TEXT NOT NULL REFERENCES stage_runs(run_id),
    spider TEXT NOT NULL,
    finish_reason TEXT,
{_crawl_count_columns()},
    failures_by_reason TEXT,
    report TEXT,
    PRIMARY KEY (run_id, spider)
);"""

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

CREATE TABLE IF NOT EXISTS stage_runs (
    run_id TEXT PRIMARY KEY,
    stage TEXT NOT NULL,
    version TEXT,
    started_at TEXT,
    finished_at TEXT,
    processed INTEGER,
    failed INTEGER,
    skipped INTEGER,
    failures TEXT,
    report TEXT
);

{CRAWL_RUNS_DDL}

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
    ("stage_runs", "skipped", "INTEGER"),
    ("stage_runs", "failures", "TEXT"),
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


# Schema 2 kept a stage run's skipped count and failures inside its report JSON.
MIGRATE_STAGE_RUNS = """
UPDATE stage_runs SET skipped = json_extract(report, '$.skipped'),
    failures = COALESCE(json_extract(report, '$.failures'), '{}'),
    report = json_remove(report, '$.skipped', '$.failures')
WHERE report IS NOT NULL
"""
# Schema 2's crawl_runs held whole runs, one per spider (run_id `<crawl>-<spider>`): each becomes a
# stage_runs row of its own (its start, end and counts) with a crawl_runs detail row under the same id.
OLD_CRAWL_RUNS = "crawl_runs_schema2"
OLD_CRAWL_RUN_COLUMNS = frozenset(
    {"statements_seen", "statements_new", "statements_changed", "documents_fetched", "documents_failed"}
)
# A count of schema 2's crawl_runs: its column where it had one, else read from its report JSON.
OLD_CRAWL_COUNTS = ", ".join(
    name if name in OLD_CRAWL_RUN_COLUMNS else f"json_extract(report, '$.{name}')" for name in CRAWL_COUNTS
)
MIGRATE_CRAWL_STAGE_RUNS = f"""
INSERT OR IGNORE INTO stage_runs
    (run_id, stage, version, started_at, finished_at, processed, failed, skipped, failures, report)
SELECT run_id, 'crawl', NULL, started_at, finished_at, statements_seen, documents_failed,
       json_extract(report, '$.documents_already_tried'), COALESCE(failures_by_reason, '{{}}'), '{{}}'
FROM {OLD_CRAWL_RUNS}
"""
MIGRATE_CRAWL_DETAIL = f"""
INSERT INTO crawl_runs (run_id, spider, finish_reason, {", ".join(CRAWL_COUNTS)}, failures_by_reason, report)
SELECT run_id, spider, json_extract(report, '$.finish_reason'),
       {OLD_CRAWL_COUNTS},
       failures_by_reason,
       json_remove(report, {", ".join(f"'$.{key}'" for key in CRAWL_REPORT_COLUMNS)})
FROM {OLD_CRAWL_RUNS}
"""


def columns(db: sqlite_utils.Database, table: str) -> set[str]:
    """The column names of a table as it is stored (empty when there is no such table)."""
    return {row[1] for row in db.conn.execute(f"PRAGMA table_info({table})")}


def migrate_crawl_runs(db: sqlite_utils.Database) -> None:
    """Split schema 2's crawl_runs into stage_runs rows and crawl_runs detail rows, keeping every run.

    One transaction: a migration cut short leaves the old table as it was, for the next open to redo.
    """
    with db.atomic():
        db.conn.execute(f"ALTER TABLE crawl_runs RENAME TO {OLD_CRAWL_RUNS}")
        db.conn.execute(CRAWL_RUNS_DDL)
        db.conn.execute(MIGRATE_CRAWL_STAGE_RUNS)
        db.conn.execute(MIGRATE_CRAWL_DETAIL)
        db.conn.execute(f"DROP TABLE {OLD_CRAWL_RUNS}")


def migrate(db: sqlite_utils.Database) -> None:
    """Bring a database made by an older schema up to SCHEMA_VERSION, in place, keeping every row."""
    added = set()
    for table, column, definition in ADDED_COLUMNS:
        if column not in columns(db, table):
            db.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
            added.add((table, column))
    if ("documents", "extract_failure") in added:
        db.conn.execute(MIGRATE_EXTRACT_FAILURES)
    if ("stage_runs", "failures") in added:
        db.conn.execute(MIGRATE_STAGE_RUNS)
    if "started_at" in columns(db, "crawl_runs"):
        migrate_crawl_runs(db)


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
