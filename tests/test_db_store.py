"""The shared writes: statements upserted by id, documents stored once, failures never erase."""

from __future__ import annotations

from pathlib import Path

from db.store import record_fetch, store_document, upsert_statement


def _statement(**extra):
    return {
        "statement_id": "uk-2023-AbCdEfGh",
        "jurisdiction": "UK",
        "registry_year": 2023,
        "title": "Acme Ltd",
        **extra,
    }


def test_upsert_statement_tells_new_changed_unchanged(fresh_db):
    assert upsert_statement(fresh_db, _statement()).outcome == "new"
    assert upsert_statement(fresh_db, _statement()).outcome == "unchanged"
    assert upsert_statement(fresh_db, _statement(turnover_band="Over £500 million")).outcome == "changed"
    row = fresh_db["statements"].get("uk-2023-AbCdEfGh")
    assert row["turnover_band"] == "Over £500 million"
    assert row["first_seen"] <= row["updated_at"]


def test_upsert_statement_links_organisations(fresh_db):
    orgs = [
        {"organisation_id": "uk-co-01234567", "name": "Acme Ltd", "jurisdiction": "UK"},
        {"organisation_id": "uk-org-acme-retail", "name": "Acme Retail", "jurisdiction": "UK"},
    ]
    links = [{"organisation_id": o["organisation_id"], "role": "member"} for o in orgs]
    upsert_statement(fresh_db, _statement(), orgs, links)
    upsert_statement(fresh_db, _statement(), orgs, links)
    assert fresh_db["statement_organisations"].count == 2
    assert fresh_db["organisations"].count == 2


def test_store_document_writes_once_by_sha256(fresh_db, tmp_path: Path):
    body = b"%PDF-1.4 fictional bytes"
    first_id, stored = store_document(fresh_db, tmp_path, body, "pdf")
    again_id, stored_again = store_document(fresh_db, tmp_path, body, "pdf")
    assert first_id == again_id and stored and not stored_again
    assert (tmp_path / "documents" / f"{first_id}.pdf").read_bytes() == body
    assert fresh_db["documents"].get(first_id)["extract_status"] == "pending"
    assert not list((tmp_path / "documents").glob(".part-*"))


def test_failed_refetch_keeps_earlier_document(fresh_db, tmp_path: Path):
    upsert_statement(fresh_db, _statement())
    doc_id, _ = store_document(fresh_db, tmp_path, b"%PDF-1.4 x", "pdf")
    url = "https://acme.example/msa.pdf"
    record_fetch(
        fresh_db,
        {
            "statement_id": "uk-2023-AbCdEfGh",
            "url": url,
            "role": "statement_url",
            "status": "fetched",
            "document_id": doc_id,
            "http_status": 200,
        },
    )
    record_fetch(
        fresh_db,
        {
            "statement_id": "uk-2023-AbCdEfGh",
            "url": url,
            "role": "statement_url",
            "status": "failed",
            "error": "http 500",
            "http_status": 500,
        },
    )
    row = fresh_db["statement_documents"].get(("uk-2023-AbCdEfGh", url))
    assert row["status"] == "fetched" and row["document_id"] == doc_id
    assert "http 500" in row["error"]
