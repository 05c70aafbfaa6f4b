"""Every verdict a regulator can export comes with the sentences behind it and their pages: on the
demo database, through Datasette's client."""

from __future__ import annotations

import json
import re
import sqlite3
from html import unescape

from db.schema import UK_AREAS
from publish.compliance import AU_COLUMNS
from tests.publish_fixture import fetch, rows

AU_VERDICTS = ["au_c1", "au_c2", "au_c3", "au_c4", "au_c5", "au_c6"]


def _sql(demo_db, sql: str, params=()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(demo_db)
    conn.row_factory = sqlite3.Row
    found = conn.execute(sql, params).fetchall()
    conn.close()
    return found


def _json(path: str) -> str:
    head, _, query = path.partition("?")
    return f"{head}.json?{query}&_size=max"


def test_every_verdict_of_every_statement_read_has_sentences_with_pages(demo_db):
    statements = _sql(demo_db, "SELECT * FROM compliance WHERE assessed = 1")
    verdicts = _sql(demo_db, "SELECT * FROM verdict_sentences")
    by_statement: dict[str, dict[str, list]] = {}
    for v in verdicts:
        by_statement.setdefault(v["statement_id"], {}).setdefault(v["verdict"], []).append(v)
    for st in statements:
        expected = ["approval", "signature"] + (AU_VERDICTS if st["jurisdiction"] == "au" else list(UK_AREAS))
        assert sorted(by_statement[st["statement_id"]]) == sorted(expected), st["statement_id"]
        for code, found in by_statement[st["statement_id"]].items():
            assert found and all(v["sentence_id"] and v["text"] for v in found)
            assert len({v["basis"] for v in found}) == 1
            if code in AU_VERDICTS:
                assert found[0]["outcome"] == st[AU_COLUMNS[code]]
            if code in UK_AREAS:
                assert found[0]["outcome"].startswith("found" if st[f"detected_{code}"] else "not found")
                assert (found[0]["basis"] == "found") == bool(st[f"detected_{code}"])
    pdf_rows = _sql(
        demo_db,
        "SELECT v.page_no, v.stored_copy FROM verdict_sentences v JOIN sentences s USING (sentence_id) "
        "JOIN documents d ON d.document_id = s.document_id WHERE d.media_type = 'pdf'",
    )
    assert pdf_rows and all(
        r["page_no"] and r["stored_copy"].endswith(f"#page={r['page_no']}") for r in pdf_rows
    )


def test_found_sentences_are_the_ones_the_summary_cites(demo_db):
    for summary in _sql(demo_db, "SELECT statement_id, criteria_sentences FROM statement_summaries"):
        cited = json.loads(summary["criteria_sentences"] or "{}")
        for v in _sql(
            demo_db,
            "SELECT verdict, sentence_id FROM verdict_sentences WHERE statement_id = ? AND basis = 'found' "
            "AND verdict IN ('approval', 'signature')",
            [summary["statement_id"]],
        ):
            assert v["sentence_id"] in cited[v["verdict"]]


def test_missing_content_carries_its_sentences_and_links_to_them(demo_ds, demo_db):
    found = [
        r
        for r in rows(demo_ds, "/msa/missing_content.json")
        if r["missing"] != "statement text not available"
    ]
    assert found
    html = unescape(fetch(demo_ds, "/msa/missing_content").text)
    links = re.findall(r'<a class="msa-verdict-sentences" href="([^"]+)">sentences</a>', html)
    assert len(links) == len(found)
    for row, href in zip(found, links, strict=True):
        behind = rows(demo_ds, _json(href))
        assert {r["statement_id"] for r in behind} == {row["statement_id"]}
        assert {r["outcome"] for r in behind} <= {"missing", "not_met", "partly"}
        # The export names the same sentences, each with its page.
        listed = re.findall(r"(\w+) (found|closest): ([0-9a-f]{16}-\d{5}) p\.(\d+)", row["sentences"])
        assert sorted((v, s, int(p)) for v, _, s, p in listed) == sorted(
            (r["verdict"], r["sentence_id"], r["page_no"]) for r in behind
        )
    csv = fetch(demo_ds, "/msa/missing_content.csv").text
    assert "sentences" in csv.splitlines()[0] and " p." in csv


def test_registry_mismatches_link_to_the_sentences_of_their_area(demo_ds):
    found = rows(demo_ds, "/msa/registry_mismatches.json")
    assert found
    for row in found:
        behind = rows(demo_ds, "/msa/verdict_sentences.json?" + row["sentences_link"].split("?", 1)[1])
        assert {(r["statement_id"], r["verdict"]) for r in behind} == {(row["statement_id"], row["area"])}
        declared_only = row["mismatch"].startswith("declared")
        assert {r["basis"] for r in behind} == {"closest" if declared_only else "found"}
        assert all(r["page_no"] for r in behind)


def test_statement_page_gives_the_rationale_with_linked_sentence_ids(demo_ds, demo_db):
    (summary,) = _sql(
        demo_db,
        "SELECT statement_id, rationale FROM statement_summaries WHERE statement_id = 'uk-2023-Bw7fQ2kd'",
    )
    cited = re.findall(r"[0-9a-f]{16}-\d{5}", summary["rationale"])
    assert cited
    html = fetch(demo_ds, "/msa/statements/uk-2023-Bw7fQ2kd").text
    rationale = re.search(r'<p class="msa-rationale">(.*?)</p>', html, re.S).group(1)
    for sid in cited:
        assert f'<a class="msa-sentence" href="/msa/sentences/{sid}">{sid}</a>' in rationale
    assert rationale.count('class="msa-sentence-page"') == len(cited)
    verdicts = re.findall(r'<tr class="msa-verdict">\s*<td><a href="([^"]+)">', html)
    assert len(verdicts) == 2 + len(UK_AREAS)
    au = fetch(demo_ds, "/msa/statements/au-2023-415").text
    assert "AU s.16(1)(f) consultation" in au and "None found; closest candidates" in au


def test_compliance_row_page_shows_each_verdict_with_its_sentences(demo_ds):
    html = fetch(demo_ds, "/msa/compliance/uk-2021-tF1hZ5sj").text
    assert '<p class="msa-rationale">' in html and "/msa/statements/uk-2021-tF1hZ5sj" in html
    verdicts = re.findall(
        r'<tr class="msa-verdict">\s*<td><a href="([^"]+)">([^<]+)</a></td>\s*<td>([^<]+)</td>', html
    )
    assert len(verdicts) == 2 + len(UK_AREAS)
    policies = next(v for v in verdicts if "policies" in v[1])
    assert policies[2] == "not found; declared"  # declared in the registry, not found in the text
