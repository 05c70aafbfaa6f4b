"""A crawl killed midway and restarted: every statement exactly once, no document fetched twice.

`msa crawl all` runs in its own process group against the replica, every document slowed by a delay
fault; after some documents it is stopped (Ctrl-C, i.e. SIGINT to the group, or SIGKILL), then the
same crawl is run again. The replica's request log spans both runs. Only localhost is contacted.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest

from crawler.run import CLEAN_STOP, crawl
from synthetic.corpus import write_synthetic_corpus
from synthetic.replica import Fault, Replica

MSA = Path(sys.executable).with_name("msa")
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "2",
    "LOG_LEVEL": "WARNING",
    "MSA_YEARS": "2021,2024",
    "MSA_PROGRESS_SECONDS": "0.5",
}
DELAY = 0.2
KILL_AFTER = 10  # document requests, both spiders together


@pytest.fixture
def slow_replica(tmp_path):
    """A replica of 40 synthetic statements whose every document (and AU statement page) takes DELAY s."""
    corpus = write_synthetic_corpus(tmp_path / "corpus", statements=40, pdf_bytes=1000)
    with Replica(corpus.root) as replica:
        for url in corpus.document_urls + corpus.au_page_urls:
            replica.add_fault(url, Fault(delay_s=DELAY))
        yield replica, corpus


def is_document(record) -> bool:
    """A request for a statement document (company file, landing or HTML page, registry PDF)."""
    return record.method == "GET" and (
        record.path.endswith((".pdf", ".pdf/", ".html")) or record.path.startswith("/pdf-published/")
    )


def crawl_and_stop(replica: Replica, data_dir: Path, stop: signal.Signals) -> subprocess.CompletedProcess:
    """Run `msa crawl all` until KILL_AFTER documents were asked for, then send `stop` to its group."""
    settings = [f"--setting={name}={value}" for name, value in {**SETTINGS, **replica.settings}.items()]
    process = subprocess.Popen(
        [str(MSA), "crawl", "all", "--data-dir", str(data_dir), *settings],
        start_new_session=True,
        # Ctrl-C as at a terminal: a SIGINT ignored by whatever started the test run (inherited, and
        # then kept by Python) would let the crawl run to its end.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while sum(map(is_document, replica.requests)) < KILL_AFTER:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the crawl never got going"
        time.sleep(0.05)
    os.killpg(process.pid, stop)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def assert_both_resumed(report: dict) -> None:
    assert {name: spider["resumed"] for name, spider in report["spiders"].items()} == {
        "uk_registry": True,
        "au_register": True,
    }


def fetched_urls(data_dir: Path) -> set[str]:
    with sqlite3.connect(data_dir / "msa.db") as db:
        return {row[0] for row in db.execute("SELECT url FROM statement_documents WHERE status = 'fetched'")}


def check_complete(data_dir: Path, replica: Replica, corpus) -> None:
    """Every statement once, and every document of the corpus stored for it."""
    with sqlite3.connect(data_dir / "msa.db") as db:
        assert db.execute("SELECT count(*), count(DISTINCT statement_id) FROM statements").fetchone() == (
            corpus.statements,
            corpus.statements,
        )
        failed = db.execute("SELECT url, error FROM statement_documents WHERE status != 'fetched'").fetchall()
    assert failed == []
    assert {replica.url_for(url) for url in corpus.document_urls} <= fetched_urls(data_dir)


def test_ctrl_c_then_restart_resumes_the_queue(slow_replica, tmp_path):
    replica, corpus = slow_replica
    data_dir = tmp_path / "data"
    stopped = crawl_and_stop(replica, data_dir, signal.SIGINT)
    assert stopped.returncode == 130, stopped.stderr
    assert "run the same command again to resume" in stopped.stderr
    assert "crawl progress: uk_registry:" in stopped.stderr  # the progress line, with counts and rates
    assert (data_dir / "jobs/uk_registry" / CLEAN_STOP).is_file()
    done_before = len(fetched_urls(data_dir))
    assert 0 < done_before < len(corpus.document_urls)

    replica.clear_faults()
    report = crawl(["uk_registry", "au_register"], data_dir, {**SETTINGS, **replica.settings})

    assert_both_resumed(report)
    check_complete(data_dir, replica, corpus)
    # Each statement was listed once over both runs: the restart took the rest from the job queue.
    with sqlite3.connect(data_dir / "msa.db") as db:
        runs = db.execute("SELECT statements_new FROM crawl_runs").fetchall()
    assert sum(row[0] for row in runs) == corpus.statements and report["statements_seen"] == 0
    # No URL at all (documents, AU statement pages, registry files) was asked for twice.
    asked = Counter((r.host, r.method, r.path) for r in replica.requests if not r.path.endswith("robots.txt"))
    assert [key for key, count in asked.items() if count > 1] == []
    assert not (data_dir / "jobs/uk_registry").exists()  # finished: nothing left to resume


def test_killed_outright_then_restart_fetches_nothing_already_stored(slow_replica, tmp_path):
    replica, corpus = slow_replica
    data_dir = tmp_path / "data"
    stopped = crawl_and_stop(replica, data_dir, signal.SIGKILL)
    assert stopped.returncode == -signal.SIGKILL
    assert not (data_dir / "jobs/uk_registry" / CLEAN_STOP).exists()
    stored_before = fetched_urls(data_dir)
    assert stored_before
    requests_before = len(replica.requests)

    replica.clear_faults()
    report = crawl(["uk_registry", "au_register"], data_dir, {**SETTINGS, **replica.settings})

    assert_both_resumed(report)
    check_complete(data_dir, replica, corpus)
    # The killed run's queue was discarded, so the restart read the (unchanged) registry files again...
    assert report["statements_new"] + report["statements_unchanged"] == corpus.statements
    # ...but had no document the killed run stored sent again: a spider the kill interrupted skips
    # them; one that had finished before the kill (the small AU one, usually) re-checks them: 304.
    again = {
        unquote(replica.base_url(r.host) + r.path): r.status
        for r in replica.requests[requests_before:]
        if is_document(r)
    }
    assert {url: again[url] for url in stored_before if again.get(url, 304) != 304} == {}
    uk_stored = {url for url in stored_before if "/statements/" not in url}  # not the AU register's PDFs
    assert report["spiders"]["uk_registry"]["documents_already_tried"] >= len(uk_stored) > 0
