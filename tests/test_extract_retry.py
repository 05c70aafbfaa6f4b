"""Failed extractions say whether they are worth another try: a worker that died or ran out of time
is retried by the next runs (at most MAX_TRANSIENT_ATTEMPTS times), a document that cannot be read
is not; `retry_failed` retries every failure. A schema-1 database is migrated in place.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

from db import SCHEMA_VERSION, connect
from db.extract_sql import MAX_TRANSIENT_ATTEMPTS, pending_documents
from extract import EXTRACT_VERSION
from msa import extract_stage
from msa.engines import EngineOptions
from msa.extract_stage import ExtractOptions
from tests.fault_corpus import long_statement_pdf, store_corpus

TWO_WORKERS = EngineOptions(workers=2, batch_size=2)
GARBAGE = b"%PDF-1.4\n" + bytes(range(256)) * 40


def kill_worker_on(document_id: str):
    """An extract_one that SIGKILLs its own worker (as the OOM killer would) on one document."""

    real = extract_stage.extract_one

    def extract_or_die(row, data_dir, options):
        if row["document_id"] == document_id:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(row, data_dir, options)

    return extract_or_die


def failure(db, document_id: str) -> tuple:
    return db.execute(
        "SELECT extract_status, extract_failure, extract_attempts FROM documents WHERE document_id = ?",
        [document_id],
    ).fetchone()


def test_a_dead_worker_is_retried_by_the_next_runs_a_bounded_number_of_times(tmp_path, monkeypatch):

    path = store_corpus(tmp_path, [(long_statement_pdf(1, tag=f"r{i}"), "pdf") for i in range(3)])
    db = connect(path)
    victim = db.execute("SELECT min(document_id) FROM documents").fetchone()[0]
    monkeypatch.setattr(extract_stage, "extract_one", kill_worker_on(victim))  # workers are forked
    first = extract_stage.run(db, tmp_path, ExtractOptions(engine=TWO_WORKERS, show_progress=False))
    assert first.processed == 3 and first.failed == 1
    assert failure(db, victim) == ("error", "transient", 1)
    for attempt in range(2, MAX_TRANSIENT_ATTEMPTS + 1):
        again = extract_stage.run(db, tmp_path, ExtractOptions(engine=TWO_WORKERS, show_progress=False))
        assert again.processed == 1  # only the victim is tried again
        assert failure(db, victim) == ("error", "transient", attempt)
    assert pending_documents(db, EXTRACT_VERSION) == []  # the retries are spent
    monkeypatch.undo()
    retried = extract_stage.run(
        db, tmp_path, ExtractOptions(retry_failed=True, engine=TWO_WORKERS, show_progress=False)
    )
    assert retried.processed == 1 and retried.failed == 0
    assert failure(db, victim) == ("ok", None, 0)


def test_a_timed_out_document_is_a_transient_failure(tmp_path):
    path = store_corpus(tmp_path, [(long_statement_pdf(150), "pdf")])
    db = connect(path)
    extract_stage.run(db, tmp_path, ExtractOptions(timeout_s=0.5, engine=TWO_WORKERS, show_progress=False))
    (document_id,) = db.execute("SELECT document_id FROM documents").fetchone()
    assert failure(db, document_id) == ("error", "transient", 1)
    assert db.execute("SELECT extract_error FROM documents").fetchone()[0] == "timed out after 0.5 s"
    assert [row["document_id"] for row in pending_documents(db, EXTRACT_VERSION)] == [document_id]


def test_an_unreadable_document_is_a_permanent_failure_retried_only_on_request(tmp_path):
    path = store_corpus(tmp_path, [(GARBAGE, "pdf"), (long_statement_pdf(1), "pdf")])
    db = connect(path)
    extract_stage.run(db, tmp_path, ExtractOptions(engine=TWO_WORKERS, show_progress=False))
    broken = db.execute("SELECT document_id FROM documents WHERE extract_status = 'error'").fetchone()[0]
    assert failure(db, broken) == ("error", "permanent", 1)
    assert pending_documents(db, EXTRACT_VERSION) == []
    assert [row["document_id"] for row in pending_documents(db, EXTRACT_VERSION, retry_failed=True)] == [
        broken
    ]
    report = extract_stage.run(
        db, tmp_path, ExtractOptions(retry_failed=True, engine=TWO_WORKERS, show_progress=False)
    )
    assert report.processed == 1 and failure(db, broken) == ("error", "permanent", 2)


SCHEMA_1_DOCUMENTS = """
CREATE TABLE documents (
    document_id TEXT PRIMARY KEY, media_type TEXT NOT NULL, size_bytes INTEGER NOT NULL,
    path TEXT NOT NULL, first_fetched_at TEXT, extract_status TEXT NOT NULL DEFAULT 'pending',
    extract_error TEXT, extract_version TEXT, extracted_at TEXT, backend TEXT, page_count INTEGER,
    sentence_count INTEGER, doc_metadata TEXT
);
INSERT INTO documents (document_id, media_type, size_bytes, path, extract_status, extract_error,
                       extract_version) VALUES
    ('dead', 'pdf', 1, 'a', 'error', 'worker died (SIGKILL, killed: out of memory or by hand) while x', 'v'),
    ('slow', 'pdf', 1, 'b', 'error', 'timed out after 120 s', 'v'),
    ('kept', 'pdf', 1, 'c', 'ok', 're-extraction with v failed, kept earlier text: timed out after 9 s', 'v'),
    ('broken', 'pdf', 1, 'd', 'error', 'pdf: not a PDF or corrupted', 'v'),
    ('fine', 'pdf', 1, 'e', 'ok', NULL, 'v');
"""


def test_a_schema_1_database_gets_failure_kinds_from_its_recorded_reasons(tmp_path: Path):
    path = tmp_path / "msa.db"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA_1_DOCUMENTS)
    old.close()
    db = connect(path)
    rows = dict(
        (r[0], r[1:])
        for r in db.execute("SELECT document_id, extract_failure, extract_attempts FROM documents")
    )
    assert rows == {
        "dead": ("transient", 1),
        "slow": ("transient", 1),
        "kept": ("transient", 1),
        "broken": ("permanent", 1),
        "fine": (None, 0),
    }
    assert db.execute("SELECT value FROM schema_info WHERE key = 'schema_version'").fetchone()[0] == str(
        SCHEMA_VERSION
    )
    db.conn.close()
    assert connect(path)["documents"].count == 5  # connecting again changes nothing
