"""The whole pipeline on the sample corpus: real spiders against the replica, every stage, then
Datasette's own client asked for facts written down in sample_corpus/expected.json."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from crawler.run import CrawlOptions
from msa.demo import REPLICA_CRAWL_SETTINGS
from msa.paths import SAMPLE_CORPUS, db_path
from msa.pipeline import run_pipeline
from msa.serve import datasette_app
from synthetic.replica import Replica
from tests.publish_fixture import rows

EXPECTED = json.loads((SAMPLE_CORPUS / "expected.json").read_text(encoding="utf-8"))
BRIGHTWATER_2023 = "uk-2023-Bw7fQ2kd"


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[str]]:
    """Run the pipeline once for the module: crawl (both spiders) → extract → classify → build."""
    data_dir = tmp_path_factory.mktemp("e2e")
    with Replica(SAMPLE_CORPUS) as replica:
        settings = {**REPLICA_CRAWL_SETTINGS, **replica.settings, "LOG_LEVEL": "WARNING"}
        crawl = CrawlOptions(spiders=("uk_registry", "au_register"), settings=settings)
        lines = list(run_pipeline(data_dir, crawl, show_progress=False))
    return db_path(data_dir), lines


@pytest.fixture(scope="module")
def ds(corpus):
    return datasette_app(corpus[0])


@pytest.fixture(scope="module")
def sql(corpus):
    conn = sqlite3.connect(corpus[0])
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def test_every_stage_reports(corpus):
    _, lines = corpus
    assert [line.split(":", 1)[0] for line in lines] == ["crawl", "extract", "classify", "build"]
    assert "statements: 21 seen, 21 new" in lines[0]
    assert "0 failed" in lines[1]


def test_datasette_lists_statements_from_both_registries(ds):
    found = rows(ds, "/msa/statements.json?_col=jurisdiction&_size=max")
    by_jurisdiction = {j: sum(r["jurisdiction"] == j for r in found) for j in ("uk", "au")}
    counts = EXPECTED["counts"]
    assert by_jurisdiction == {"uk": counts["uk_statements"], "au": counts["au_statements"]}
    assert {r["statement_id"] for r in found} == set(EXPECTED["statements"])


def test_brightwater_2023_has_approval_and_its_impact_sentences_are_found(ds):
    summary = rows(ds, f"/msa/statement_summaries.json?statement_id={BRIGHTWATER_2023}")[0]
    assert summary["approval"] == 1 and summary["signature"] == 1
    assert summary["signatory"].startswith("Helen Marsh")
    assert summary["n_impact"] >= 3 and summary["impact_share"] > 0.15

    impact = rows(ds, "/msa/search_impact_sentences.json?company=Brightwater&year=2023")
    found = {squash(r["text"]) for r in impact}
    expected = [s for s in EXPECTED["statements"][BRIGHTWATER_2023]["sentences"] if s["evidence"] == "impact"]
    hits = [s for s in expected if squash(s["text"]) in found]
    # The labeller is a model, not an oracle: most of the written impact sentences, each on its page.
    assert len(hits) > len(expected) / 2, [s["text"] for s in expected if s not in hits]
    pages = {squash(r["text"]): r["page_no"] for r in impact}
    assert all(pages[squash(s["text"])] == s["page"] for s in hits)
    assert all(r["source_url"].endswith(f"#page={r['page_no']}") for r in impact)


def test_expected_sentences_come_out_whole_with_mostly_the_written_labels(sql):
    stored = {}
    for r in sql.execute(
        """SELECT sd.statement_id, s.text, s.page_no, l.evidence FROM sentences s
           JOIN labels l USING (sentence_id) JOIN statement_documents sd ON sd.document_id = s.document_id"""
    ):
        stored[(r["statement_id"], squash(r["text"]))] = (r["page_no"], r["evidence"])
    written = [(sid, s) for sid, st in EXPECTED["statements"].items() for s in st.get("sentences", [])]
    missing = [s["text"] for sid, s in written if (sid, squash(s["text"])) not in stored]
    assert not missing
    agree = sum(stored[(sid, squash(s["text"]))][1] == s["evidence"] for sid, s in written)
    assert agree / len(written) >= 0.7


def test_group_statement_covers_every_member(ds):
    group = EXPECTED["group_statement"]
    found = rows(ds, f"/msa/statement_organisations.json?statement_id={group['statement_id']}&_size=max")
    assert len({r["organisation_id"] for r in found}) == group["member_count"]


def test_email_only_entry_is_recorded_without_a_document(sql):
    entry = EXPECTED["email_only"]
    statement = sql.execute(
        "SELECT * FROM statements WHERE statement_id = ?", [entry["statement_id"]]
    ).fetchone()
    assert statement["email_only"] == 1
    assert (
        sql.execute(
            "SELECT count(*) FROM statement_documents WHERE statement_id = ?", [entry["statement_id"]]
        ).fetchone()[0]
        == 0
    )
    summary = sql.execute(
        "SELECT rationale FROM statement_summaries WHERE statement_id = ?", [entry["statement_id"]]
    ).fetchone()
    assert "email-only" in summary["rationale"]


def test_dead_statement_link_is_recorded_and_the_registry_copy_is_read(sql):
    dead = EXPECTED["dead_urls"][0]
    docs = sql.execute(
        """SELECT sd.role, sd.status, sd.error, d.sentence_count FROM statement_documents sd
           LEFT JOIN documents d USING (document_id) WHERE sd.statement_id = ?""",
        [dead["statement_id"]],
    ).fetchall()
    by_role = {r["role"]: r for r in docs}
    assert by_role["statement"]["status"] == "failed" and by_role["statement"]["error"].startswith("http_404")
    assert by_role["registry_pdf"]["status"] == "fetched" and by_role["registry_pdf"]["sentence_count"] > 10


def test_same_bytes_from_two_urls_are_stored_once(sql):
    ids = {
        r[0]
        for r in sql.execute(
            "SELECT document_id FROM statement_documents WHERE statement_id = ? AND status = 'fetched'",
            [BRIGHTWATER_2023],
        )
    }
    assert len(ids) == 1


def test_au_joint_statement_lists_its_entities(ds):
    joint = EXPECTED["joint_statement"]
    found = rows(ds, f"/msa/statement_organisations.json?statement_id={joint['statement_id']}&_size=max")
    assert len(found) == joint["reporting_entity_count"] + joint["included_entity_count"]


def test_ranked_search_finds_the_recruitment_fee_repayment(ds):
    found = rows(ds, "/msa/search_sentences.json?q=recruitment+fees+repaid&evidence=impact")
    # Brightwater UK (2023) or its Australian subsidiary (FY2023), which reports fees repaid too
    assert found and found[0]["organisation"].lower().startswith("brightwater")


def test_boilerplate_sentence_is_found_across_organisations(ds):
    shared = EXPECTED["boilerplate"][0]
    found = rows(ds, "/msa/search_boilerplate.json?min_organisations=3&contains=zero+tolerance")
    assert any(squash(shared["text"]) in squash(r["text"]) for r in found)


def test_a_second_run_is_idempotent(corpus, tmp_path):
    path, _ = corpus
    before = sqlite3.connect(path).execute("SELECT count(*) FROM sentences").fetchone()[0]
    from db import connect
    from msa.pipeline import run_stages

    lines = list(run_stages(path.parent, show_progress=False))
    assert lines[0].startswith("extract: 0 processed")
    assert lines[1].startswith("classify: 0 processed")
    assert sqlite3.connect(path).execute("SELECT count(*) FROM sentences").fetchone()[0] == before
    assert connect(path)["labels"].count == before
