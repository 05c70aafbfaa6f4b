"""A statement's page and sentences on the demo database: each sentence once, each document once,
the stored copy served from the content store."""

from __future__ import annotations

import hashlib
import re

from tests.demo_fixture import BRIGHTWATER_2023
from tests.publish_fixture import fetch, rows


def test_a_document_fetched_by_two_urls_gives_each_sentence_once(demo_ds, demo_db):
    import sqlite3

    conn = sqlite3.connect(demo_db)
    urls, documents = conn.execute(
        "SELECT count(*), count(DISTINCT document_id) FROM statement_documents "
        "WHERE statement_id = ? AND status = 'fetched'",
        [BRIGHTWATER_2023],
    ).fetchone()
    (sentence_count,) = conn.execute(
        "SELECT sentence_count FROM statement_summaries WHERE statement_id = ?", [BRIGHTWATER_2023]
    ).fetchone()
    conn.close()
    assert (urls, documents) == (2, 1)  # the corpus case: one PDF, at the registry and on the company site
    found = rows(demo_ds, f"/msa/statement_sentences.json?statement_id={BRIGHTWATER_2023}&_size=max")
    assert len(found) == sentence_count == len({r["sentence_id"] for r in found})
    # The one URL shown is the registry's copy, the document the summary read.
    assert {r["document_url"].split("/", 3)[3] for r in found} == {
        "pdf-published/Bw7fQ2kd/2023/Brightwater-Modern-Slavery-Statement-2023.pdf"
    }


def test_facet_counts_on_statement_sentences_count_each_sentence_once(demo_ds):
    facets = fetch(demo_ds, "/msa/statement_sentences.json?_facet=registry_year&evidence=impact").json()
    counts = {f["value"]: f["count"] for f in facets["facet_results"]["registry_year"]["results"]}
    distinct = rows(
        demo_ds,
        "/msa.json?sql="
        + "select+registry_year,+count(distinct+sentence_id)+n+from+statement_sentences"
        + "+where+evidence='impact'+group+by+registry_year",
    )
    assert counts == {r["registry_year"]: r["n"] for r in distinct}


def test_statement_page_lists_its_document_once_with_the_other_url_beside_it(demo_ds):
    html = fetch(demo_ds, f"/msa/statements/{BRIGHTWATER_2023}").text
    assert html.count('class="msa-document"') == 1
    assert html.count("Original document") == 1
    assert html.count('class="msa-document-also"') == 1
    assert html.count('class="msa-stored-document"') == 1


def test_stored_document_is_served_from_the_content_store(demo_ds, demo_db):
    html = fetch(demo_ds, f"/msa/statements/{BRIGHTWATER_2023}").text
    href = re.search(r'class="msa-stored-document" href="([^"]+)"', html).group(1)
    document_id = href.rsplit("/", 1)[1]
    response = fetch(demo_ds, href)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content.startswith(b"%PDF")
    assert hashlib.sha256(response.content).hexdigest() == document_id
    assert (demo_db.parent / "documents" / f"{document_id}.pdf").read_bytes() == response.content


def test_stored_html_document_is_sandboxed(demo_ds, demo_db):
    import sqlite3

    conn = sqlite3.connect(demo_db)
    (document_id,) = conn.execute(
        "SELECT document_id FROM documents WHERE media_type = 'html' LIMIT 1"
    ).fetchone()
    conn.close()
    response = fetch(demo_ds, f"/-/documents/{document_id}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"].startswith("sandbox")


def test_only_stored_document_ids_are_served(demo_ds):
    for path in (
        "/-/documents/" + "0" * 64,  # well formed, not in the documents table
        "/-/documents/..%2Fmsa.db",
        "/-/documents/%2E%2E%2Fmsa.db",
        "/-/documents/" + "A" * 64,
    ):
        response = fetch(demo_ds, path)
        if response.status_code == 302:  # Datasette tilde-encodes odd characters, then nothing matches
            response = fetch(demo_ds, response.headers["location"])
        assert response.status_code == 404, path
        assert b"SQLite format" not in response.content


def test_a_stored_path_outside_the_content_store_is_not_served(demo_db, tmp_path):
    import shutil
    import sqlite3

    from msa.serve import datasette_app

    shutil.copytree(demo_db.parent / "documents", tmp_path / "documents")
    shutil.copy(demo_db, tmp_path / "msa.db")
    conn = sqlite3.connect(tmp_path / "msa.db")
    ids = [r[0] for r in conn.execute("SELECT document_id FROM documents ORDER BY document_id LIMIT 3")]
    (tmp_path / "secret.txt").write_text("not a document")
    conn.execute("UPDATE documents SET path = '../secret.txt' WHERE document_id = ?", [ids[0]])
    conn.execute("UPDATE documents SET path = 'documents/../msa.db' WHERE document_id = ?", [ids[1]])
    conn.commit()
    conn.close()
    (tmp_path / "documents" / next((tmp_path / "documents").glob(f"{ids[2]}.*")).name).write_bytes(b"changed")
    ds = datasette_app(tmp_path / "msa.db")
    for document_id in ids:
        response = fetch(ds, f"/-/documents/{document_id}")
        assert response.status_code == 404, document_id
        assert b"not a document" not in response.content and b"SQLite format" not in response.content
    assert "does not match its id" in fetch(ds, f"/-/documents/{ids[2]}").text
