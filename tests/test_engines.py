"""Engines: local workers (1 and 2) and Ray give the same database; a dying worker costs one document;
a run killed midway resumes with only the unfinished documents.

The input is a few sample_corpus documents plus hostile ones generated here, stored the way the
crawler stores them (content-addressed, linked to a statement), so summaries are made as well.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from db import connect
from db.classify_sql import STALE_SUMMARY
from db.store import record_fetch, store_document, upsert_statement
from msa import classify_stage, extract_stage
from msa.classify_stage import ClassifyOptions
from msa.engines import EngineOptions, JobError, map_documents
from msa.engines.local import WorkerSetupError
from msa.extract_stage import ExtractOptions
from msa.paths import REPO_ROOT, SAMPLE_CORPUS, db_path

SAMPLE_FILES = [
    "sites/www.brightwater-foods.example/wp-content/uploads/2023/07/Brightwater-Modern-Slavery-Statement-2023.pdf",
    "sites/www.northgate-marine.example/docs/msa-statement-2024.pdf",
    "sites/www.greyfriars-software.example/legal/modern-slavery-statement.pdf",
    "sites/www.oakridge-care.example/modern-slavery-statement.html",
    "sites/www.blue-anchor-trading.example/about-us/modern-slavery.html",
    "registry/au/pdf/Qm4rT8xWz2LpA7c.pdf",
    "registry/au/pdf/Hk9VdE3nBs6YtR1.pdf",
]
TRUNCATED_FROM = "sites/www.brightwater-foods.example/wp-content/uploads/2022/07/" + (
    "Brightwater-Modern-Slavery-Statement-2022.pdf"
)
# Compared across engines: every column but the timestamps a run writes.
TABLES = {
    "documents": ("document_id", {"extracted_at", "first_fetched_at"}),
    "pages": ("document_id, page_no", set()),
    "sentences": ("sentence_id", set()),
    "labels": ("sentence_id", set()),
    "statement_summaries": ("statement_id", {"summarised_at"}),
}


def hostile_documents() -> list[tuple[str, bytes, str]]:
    """(name, bytes, media type) of inputs that must end as recorded errors, not a stopped run."""
    truncated = (SAMPLE_CORPUS / TRUNCATED_FROM).read_bytes()
    return [
        ("empty", b"", "pdf"),
        ("garbage", b"%PDF-1.4\n" + bytes(range(256)) * 40, "pdf"),
        ("truncated", truncated[: len(truncated) // 3], "pdf"),
        ("menu-only-page", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "html"),
    ]


def build_input(data_dir: Path) -> Path:
    """A database with sample and hostile documents pending, each the document of one statement."""
    db = connect(db_path(data_dir))
    documents = [(name, (SAMPLE_CORPUS / name).read_bytes(), Path(name).suffix[1:]) for name in SAMPLE_FILES]
    for index, (name, body, media_type) in enumerate(documents + hostile_documents()):
        document_id, _ = store_document(db, data_dir, body, media_type)
        statement_id = f"test-{index:02d}"
        upsert_statement(db, {"statement_id": statement_id, "jurisdiction": "uk", "title": name})
        record_fetch(
            db,
            {
                "statement_id": statement_id,
                "url": f"https://test.example/{index}",
                "role": "statement",
                "status": "fetched",
                "document_id": document_id,
            },
        )
    upsert_statement(db, {"statement_id": "test-email-only", "jurisdiction": "uk", "email_only": 1})
    db.conn.close()
    return db_path(data_dir)


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every compared table's rows, ordered by key, without timestamps."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    out = {}
    for table, (order, skip) in TABLES.items():
        rows = conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
        out[table] = [tuple((k, v) for k, v in dict(r).items() if k not in skip) for r in rows]
    conn.close()
    return out


def process(data_dir: Path, engine: EngineOptions) -> dict[str, list[tuple]]:
    db = connect(db_path(data_dir))
    extract_stage.run(db, data_dir, ExtractOptions(timeout_s=60, engine=engine, show_progress=False))
    classify_stage.run(db, data_dir, ClassifyOptions(engine=engine, show_progress=False))
    db.conn.close()
    return dump(db_path(data_dir))


@pytest.fixture(scope="module")
def ray_local():
    """A local Ray, small, standing in for a cluster; the engine uses it and leaves it running."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=100 * 2**20)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> dict[str, list[tuple]]:
    """The database after extract and classify with one local worker."""
    data_dir = tmp_path_factory.mktemp("local-1")
    build_input(data_dir)
    return process(data_dir, EngineOptions(engine="local", workers=1, batch_size=3))


def test_one_local_worker_extracts_labels_and_summarises(baseline):
    status = {dict(r)["document_id"]: dict(r) for r in baseline["documents"]}
    assert len(status) == len(SAMPLE_FILES) + len(hostile_documents())
    ok = [d for d in status.values() if d["extract_status"] == "ok"]
    errors = [d for d in status.values() if d["extract_status"] == "error"]
    assert len(ok) >= len(SAMPLE_FILES) - 1 and len(errors) >= 2
    assert any("0 bytes" in d["extract_error"] for d in errors)
    assert len(baseline["labels"]) == len(baseline["sentences"]) > 200
    assert len(baseline["statement_summaries"]) == len(status) + 1  # and the email-only statement


@pytest.mark.parametrize(
    "engine",
    [
        EngineOptions(engine="local", workers=2, batch_size=2),
        EngineOptions(engine="local", workers=2, batch_size=64),
        EngineOptions(engine="ray", workers=2, batch_size=3),
    ],
    ids=["local-2", "local-2-one-batch", "ray-2"],
)
def test_engines_give_the_same_database(engine, baseline, tmp_path, request):
    if engine.engine == "ray":
        request.getfixturevalue("ray_local")
    build_input(tmp_path)
    found = process(tmp_path, engine)
    for table in TABLES:
        assert found[table] == baseline[table], table


def test_a_batch_of_extractions_is_written_whole_or_not_at_all(tmp_path):
    from db.extract_sql import pending_documents
    from extract import EXTRACT_VERSION
    from msa.extract_stage import extract_one, write_batch

    db = connect(build_input(tmp_path))
    results = [extract_one(row, tmp_path, ExtractOptions()) for row in pending_documents(db, EXTRACT_VERSION)]
    good, bad = [r for r in results if r["sentences"]][:2]
    bad = {**bad, "sentences": bad["sentences"] + bad["sentences"][:1]}  # a duplicate key, written last
    with pytest.raises(sqlite3.IntegrityError):
        write_batch(db, [good, bad])
    assert db.execute("SELECT count(*) FROM documents WHERE extract_status != 'pending'").fetchone()[0] == 0
    assert db["pages"].count == db["sentences"].count == 0

    write_batch(db, [good])
    assert db["sentences"].count == len(good["sentences"])


@dataclass(frozen=True)
class KillingJob:
    """Squares numbers; the worker holding a number in `kill` dies on it (a native crash, or an exit)."""

    kill: frozenset[int]
    how: str = "segfault"

    def setup(self) -> None:
        pass

    def run(self, item: int) -> int:
        if item in self.kill:
            if self.how == "segfault":
                faulthandler.disable()  # pytest's handler, inherited, would print a stack for a planned crash
                os.kill(os.getpid(), signal.SIGSEGV)
            os._exit(3)
        return item * item

    def failed(self, item: int, reason: str) -> str:
        return f"{item}: {reason}"


@pytest.mark.parametrize("engine", ["local", "ray"])
def test_a_dying_worker_costs_its_document_not_the_run(engine, request):
    if engine == "ray":
        ray = request.getfixturevalue("ray_local")
        ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # ray workers cannot import tests/
    job = KillingJob(frozenset({3, 4, 11}), how="segfault" if engine == "local" else "exit")
    batches = list(map_documents(job, range(14), EngineOptions(engine=engine, workers=2, batch_size=4)))
    results = [r for batch in batches for r in batch]
    assert all(len(batch) <= 4 for batch in batches)
    assert sorted(r for r in results if isinstance(r, int)) == [i * i for i in range(14) if i not in job.kill]
    died = sorted(r for r in results if isinstance(r, str))
    assert [r.split(":")[0] for r in died] == ["11", "3", "4"]
    assert all("worker died" in r for r in died)
    if engine == "local":
        assert all("SIGSEGV" in r for r in died)


@dataclass(frozen=True)
class BuggyJob:
    """A job with a bug: it raises on one item, or cannot even set up."""

    raise_on: int = -1
    broken_setup: bool = False

    def setup(self) -> None:
        if self.broken_setup:
            raise FileNotFoundError("model.onnx")

    def run(self, item: int) -> int:
        if item == self.raise_on:
            raise ValueError(f"cannot handle {item}")
        return item

    def failed(self, item: int, reason: str) -> str:
        return reason


def test_a_job_that_raises_stops_the_run_with_the_workers_traceback():
    # A bug is not a property of one document: recording it as one would mark documents failed for good.
    with pytest.raises(JobError, match=r"(?s)^2: the job raised.*ValueError: cannot handle 2"):
        list(map_documents(BuggyJob(raise_on=2), range(6), EngineOptions(workers=2, batch_size=2)))
    with pytest.raises(WorkerSetupError, match="FileNotFoundError: model.onnx"):
        list(map_documents(BuggyJob(broken_setup=True), range(3), EngineOptions(workers=2)))


def test_no_worker_starts_when_there_is_nothing_to_do():
    assert list(map_documents(BuggyJob(broken_setup=True), [], EngineOptions(workers=2))) == []


def test_the_cli_passes_engine_options_to_the_stage(tmp_path):
    from click.testing import CliRunner

    from msa.cli import main

    build_input(tmp_path)
    args = ["extract", "--data-dir", str(tmp_path), "--quiet", "--workers", "1", "--batch-size", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"extract: {len(SAMPLE_FILES) + len(hostile_documents())} processed")
    report = sqlite3.connect(db_path(tmp_path)).execute("SELECT report FROM stage_runs").fetchone()[0]
    assert '"batch_size": 2' in report and '"engine": "local"' in report and '"workers": 1' in report
    assert CliRunner().invoke(main, ["extract", "--data-dir", str(tmp_path), "--workers", "0"]).exit_code == 2


def die_on(document_id: str):
    """An extract_one that kills its own worker (as the OOM killer would) on one document."""
    from msa import extract_stage

    real = extract_stage.extract_one

    def extract_or_die(row, data_dir, options):
        if row["document_id"] == document_id:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(row, data_dir, options)

    return extract_or_die


def test_a_worker_killed_on_one_document_records_it_and_the_run_goes_on(baseline, tmp_path, monkeypatch):
    from msa import extract_stage

    path = build_input(tmp_path)
    victim = sqlite3.connect(path).execute("SELECT min(document_id) FROM documents").fetchone()[0]
    # Workers are forked, so they run the patched function.
    monkeypatch.setattr(extract_stage, "extract_one", die_on(victim))
    db = connect(path)
    report = extract_stage.run(
        db, tmp_path, ExtractOptions(engine=EngineOptions(workers=2, batch_size=3), show_progress=False)
    )
    rows = {r["document_id"]: r for r in db.query("SELECT * FROM documents")}
    assert rows[victim]["extract_status"] == "error"
    assert rows[victim]["extract_error"].startswith("worker died (SIGKILL")
    assert report.processed == len(rows) and report.failures["worker died (SIGKILL, killed"] == 1
    expected = {dict(r)["document_id"]: dict(r)["extract_status"] for r in baseline["documents"]}
    del expected[victim]
    assert {k: rows[k]["extract_status"] for k in expected} == expected


def test_a_worker_dying_while_labelling_leaves_the_document_for_the_next_run(tmp_path, monkeypatch):
    from classify import Labeller

    path = build_input(tmp_path)
    db = connect(path)
    extract_stage.run(db, tmp_path, ExtractOptions(engine=EngineOptions(workers=2), show_progress=False))
    victim = db.execute("SELECT min(document_id) FROM sentences").fetchone()[0]
    victim_texts = [r[0] for r in db.execute("SELECT text FROM sentences WHERE document_id = ?", [victim])]
    real = Labeller.label_document

    def label_or_die(self, sentences):
        if list(sentences) == victim_texts:
            os._exit(9)
        return real(self, sentences)

    monkeypatch.setattr(Labeller, "label_document", label_or_die)
    report = classify_stage.run(
        db, tmp_path, ClassifyOptions(engine=EngineOptions(workers=2, batch_size=2), show_progress=False)
    )
    assert report.failed == 1 and report.extra["failed_documents"] == [victim]
    unlabelled = db.execute(
        "SELECT count(*) FROM sentences s LEFT JOIN labels l USING (sentence_id) WHERE l.sentence_id IS NULL"
    ).fetchone()[0]
    assert unlabelled == len(victim_texts)

    monkeypatch.setattr(Labeller, "label_document", real)
    again = classify_stage.run(
        db, tmp_path, ClassifyOptions(engine=EngineOptions(workers=1), show_progress=False)
    )
    assert again.processed == 1 and again.failed == 0
    assert db["labels"].count == db["sentences"].count


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from db import connect
    from msa import {module} as stage
    from msa.engines import EngineOptions

    data_dir, kill_after = Path(sys.argv[1]), int(sys.argv[2])
    write = stage.{writer}
    written = []

    def write_then_die(db, results):
        write(db, results)
        written.append(len(results))
        if len(written) == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    stage.{writer} = write_then_die
    db = connect(data_dir / "msa.db")
    engine = EngineOptions(workers=2, batch_size=2)
    {call}
    """
)


def run_and_kill(data_dir: Path, stage: str, kill_after: int) -> None:
    """Run one stage in a subprocess that SIGKILLs itself once `kill_after` batches are written."""
    module, writer, call = {
        "extract": (
            "extract_stage",
            "write_batch",
            "stage.run(db, data_dir, stage.ExtractOptions(engine=engine))",
        ),
        "classify": (
            "classify_stage",
            "write_label_batch",
            "stage.run(db, data_dir, stage.ClassifyOptions(engine=engine))",
        ),
    }[stage]
    marker = uuid.uuid4().hex
    script = KILL_SCRIPT.format(module=module, writer=writer, call=call)
    done = subprocess.run(
        [sys.executable, "-c", script, str(data_dir), str(kill_after)],
        cwd=REPO_ROOT,
        env={**os.environ, "MSA_TEST_RUN": marker},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    left = orphans(marker)
    assert not left, f"workers outlived their killed parent: {left}"


def orphans(marker: str, within_s: float = 30.0) -> list[str]:
    """Command lines of processes that still carry the killed run's marker after `within_s`."""
    needle = f"MSA_TEST_RUN={marker}".encode()
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        alive = []
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                if needle in (proc / "environ").read_bytes():
                    alive.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:200])
            except OSError:
                continue
        if not alive:
            return []
        time.sleep(0.2)
    return alive


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc to find orphaned workers")
def test_a_killed_extract_resumes_with_only_the_unfinished_documents(baseline, tmp_path):
    path = build_input(tmp_path)
    total = sqlite3.connect(path).execute("SELECT count(*) FROM documents").fetchone()[0]
    run_and_kill(tmp_path, "extract", kill_after=2)
    done = (
        sqlite3.connect(path)
        .execute("SELECT count(*) FROM documents WHERE extract_status != 'pending'")
        .fetchone()[0]
    )
    assert done == 4  # two batches of two, each written whole

    db = connect(path)
    report = extract_stage.run(
        db, tmp_path, ExtractOptions(engine=EngineOptions(workers=2, batch_size=2), show_progress=False)
    )
    assert report.processed == total - done
    classify_stage.run(db, tmp_path, ClassifyOptions(engine=EngineOptions(workers=2), show_progress=False))
    db.conn.close()
    found = dump(path)
    for table in TABLES:
        assert found[table] == baseline[table], table


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc to find orphaned workers")
def test_a_killed_relabelling_resumes_and_refreshes_every_summary_it_touched(baseline, tmp_path):
    path = build_input(tmp_path)
    db = connect(path)
    engine = EngineOptions(workers=2, batch_size=2)
    extract_stage.run(db, tmp_path, ExtractOptions(engine=engine, show_progress=False))
    classify_stage.run(db, tmp_path, ClassifyOptions(engine=engine, show_progress=False))
    labelled_documents = db.execute("SELECT count(DISTINCT document_id) FROM sentences").fetchone()[0]
    # A new model version: every label is stale; the summaries that read labels carry a mark that
    # only recomputing them clears.
    with db.atomic():
        db.execute("UPDATE labels SET label_version = 'an-older-model'")
        db.execute("UPDATE statement_summaries SET n_impact = -1 WHERE document_id IS NOT NULL")
    db.conn.close()

    run_and_kill(tmp_path, "classify", kill_after=1)
    conn = sqlite3.connect(path)
    relabelled = conn.execute(
        "SELECT count(*) FROM labels WHERE label_version != 'an-older-model'"
    ).fetchone()
    stale = conn.execute(
        "SELECT count(*) FROM statement_summaries WHERE summary_version = ?", [STALE_SUMMARY]
    )
    assert relabelled[0] > 0 and stale.fetchone()[0] == 2  # the killed run's one batch: two documents
    conn.close()

    db = connect(path)
    report = classify_stage.run(db, tmp_path, ClassifyOptions(engine=engine, show_progress=False))
    assert report.processed == labelled_documents - 2
    db.conn.close()
    found = dump(path)
    for table in TABLES:
        assert found[table] == baseline[table], table
