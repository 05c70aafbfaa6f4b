"""Fault injection on extraction: a worker killed mid-document, `kill -9` of the whole run, and
re-extraction that now fails: the run ends, no process outlives it, and stored text is kept.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bench.process_tree import cpu_seconds
from db import connect
from msa import extract_stage
from msa.engines import EngineOptions
from msa.extract_stage import ExtractOptions
from msa.paths import REPO_ROOT
from tests.fault_corpus import (
    children,
    kill_tree,
    long_statement_pdf,
    start_msa,
    store_corpus,
    survivors,
    wait_for,
)

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")


def busy_worker(marker: str, parent: int, cpu_s: float = 0.3) -> int | None:
    """A worker of `parent` that is at work: the one with a child process where extraction forks
    one, else any worker once it has used `cpu_s` of CPU time."""
    workers = children(marker, parent)
    for worker in workers:
        if children(marker, worker):
            return worker
    for worker in workers:
        if cpu_seconds(worker) > cpu_s:
            return worker
    return None


def test_a_worker_killed_mid_document_does_not_hang_the_run(tmp_path):
    # Three documents of about 2.5 s each: past 4 s of CPU (setup takes under 2) the worker is in one.
    path = store_corpus(tmp_path, [(long_statement_pdf(150, tag=f"d{i}"), "pdf") for i in range(3)])
    proc, marker = start_msa(["extract", "--data-dir", str(tmp_path), "--workers", "1", "--quiet"])
    try:
        victim = wait_for(lambda: busy_worker(marker, proc.pid, cpu_s=4.0), timeout_s=120)
        assert victim, "no worker started on a document"
        os.kill(victim, signal.SIGKILL)
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            pytest.fail("the run hung after one of its workers was killed")
        assert proc.returncode == 0, proc.stderr.read().decode()[-2000:]
    finally:
        kill_tree(marker)
    rows = sqlite3.connect(path).execute("SELECT extract_status, extract_error FROM documents").fetchall()
    statuses = sorted(status for status, _ in rows)
    assert statuses == ["error", "ok", "ok"]
    assert any(error and error.startswith("worker died (SIGKILL") for _, error in rows)


@pytest.mark.parametrize("command", ["extract", "extract-doc"])
def test_kill_9_of_the_run_leaves_no_process_behind(command, tmp_path):
    bodies = [(long_statement_pdf(150, tag=f"k{i}"), "pdf") for i in range(3)]
    if command == "extract":
        store_corpus(tmp_path, bodies)
        args = ["extract", "--data-dir", str(tmp_path), "--workers", "2", "--quiet"]
    else:
        files = []
        for index, (body, _) in enumerate(bodies):
            files.append(tmp_path / f"statement-{index}.pdf")
            files[-1].write_bytes(body)
        args = ["extract-doc", *map(str, files)]
    proc, marker = start_msa(args)
    try:
        # Mid-document: a process below msa has started and used CPU on a document.
        started = wait_for(lambda: _descendant_at_work(marker, proc.pid), timeout_s=120)
        assert started, "no extraction started"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        left = survivors(marker, within_s=5)
        assert not left, f"processes outlived the killed `msa {command}`: {left}"
    finally:
        kill_tree(marker)


def _descendant_at_work(marker: str, root: int) -> bool:
    """Whether a process below `root` is at work on a document (see busy_worker)."""
    return busy_worker(marker, root, cpu_s=1.0) is not None


def _insert_labels(db, document_id: str) -> int:
    ids = [
        row[0] for row in db.execute("SELECT sentence_id FROM sentences WHERE document_id = ?", [document_id])
    ]
    db["labels"].insert_all(
        [{"sentence_id": sid, "label_version": "test", "evidence": "none", "evidence_p": 0.5} for sid in ids],
        pk="sentence_id",
    )
    db.conn.commit()
    return len(ids)


def _count(db, sql: str, *params) -> int:
    return db.execute(sql, list(params)).fetchone()[0]


ONE_WORKER = EngineOptions(workers=1)


@pytest.mark.parametrize("now_yields", ["no_text", "error"])
def test_a_failing_re_extraction_keeps_the_stored_sentences_and_labels(now_yields, tmp_path):
    from reportlab.pdfgen import canvas

    path = store_corpus(tmp_path, [(long_statement_pdf(2, tag="keep"), "pdf")])
    db = connect(path)
    extract_stage.run(db, tmp_path, ExtractOptions(engine=ONE_WORKER, show_progress=False))
    document_id, stored = db.execute("SELECT document_id, path FROM documents").fetchone()
    sentences = _count(db, "SELECT count(*) FROM sentences")
    labels = _insert_labels(db, document_id)
    assert sentences > 20 and labels == sentences
    # The extractor now reads the same document differently: blank pages, or bytes it cannot parse.
    file = tmp_path / stored
    if now_yields == "no_text":
        blank = canvas.Canvas(str(file))
        blank.showPage()
        blank.save()
    else:
        file.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    extract_stage.run(db, tmp_path, ExtractOptions(force=True, engine=ONE_WORKER, show_progress=False))
    status, error = db.execute("SELECT extract_status, extract_error FROM documents").fetchone()
    assert status == "ok" and "kept earlier text" in error
    assert _count(db, "SELECT count(*) FROM sentences") == sentences
    assert _count(db, "SELECT count(*) FROM labels") == labels


def test_a_forced_re_extraction_keeps_the_labels_of_unchanged_documents(tmp_path):
    path = store_corpus(tmp_path, [(long_statement_pdf(2, tag=f"l{i}"), "pdf") for i in range(3)])
    db = connect(path)
    extract_stage.run(db, tmp_path, ExtractOptions(engine=ONE_WORKER, show_progress=False))
    documents = [row[0] for row in db.execute("SELECT document_id FROM documents ORDER BY document_id")]
    labels = {doc: _insert_labels(db, doc) for doc in documents}
    # One document now reads differently (another text in its file): only its labels go.
    changed = documents[0]
    stored = db.execute("SELECT path FROM documents WHERE document_id = ?", [changed]).fetchone()[0]
    (tmp_path / stored).write_bytes(long_statement_pdf(2, tag="changed"))
    extract_stage.run(db, tmp_path, ExtractOptions(force=True, engine=ONE_WORKER, show_progress=False))
    for doc in documents[1:]:
        assert (
            _count(db, "SELECT count(*) FROM labels WHERE sentence_id LIKE ?", doc[:16] + "%") == labels[doc]
        )
    assert _count(db, "SELECT count(*) FROM labels WHERE sentence_id LIKE ?", changed[:16] + "%") == 0


def test_extract_doc_exits_non_zero_only_when_every_file_failed(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    good = tmp_path / "good.pdf"
    good.write_bytes(long_statement_pdf(1))
    failed_all = subprocess.run(
        [sys.executable, "-m", "msa.cli", "extract-doc", str(broken), str(empty)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failed_all.returncode == 1, failed_all.stderr[-2000:]
    assert "every file failed" in failed_all.stderr
    records = [json.loads(line) for line in failed_all.stdout.splitlines()]
    assert [r["status"] for r in records] == ["error", "error"]
    one_good = subprocess.run(
        [sys.executable, "-m", "msa.cli", "extract-doc", str(broken), str(good)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert one_good.returncode == 0, one_good.stderr[-2000:]


def test_a_huge_document_is_refused_by_its_size_without_being_read(tmp_path):
    """A 2.5 GB (sparse) file in the store: refused as too large, and no process of the run grows."""
    path = store_corpus(tmp_path, [(long_statement_pdf(1), "pdf")])
    db = connect(path)
    stored = db.execute("SELECT path FROM documents").fetchone()[0]
    with open(tmp_path / stored, "r+b") as handle:
        handle.truncate(2_500_000_000)
    db.conn.close()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "msa.cli",
            "extract",
            "--data-dir",
            str(tmp_path),
            "--workers",
            "1",
            "--quiet",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # ru_maxrss of waited-for children: the largest peak of msa and of the worker it waited for
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    status, error = (
        sqlite3.connect(path).execute("SELECT extract_status, extract_error FROM documents").fetchone()
    )
    assert status == "error" and error == "document too large: 2500000000 bytes > 209715200"
    assert peak_mb < 1500, f"peak RSS {peak_mb:.0f} MB"
