"""The demo's evidence of impact as a reader sees it, against the labels written in expected.json."""

from __future__ import annotations

import json
import re
import sqlite3

from msa.paths import SAMPLE_CORPUS

EXPECTED = json.loads((SAMPLE_CORPUS / "expected.json").read_text(encoding="utf-8"))["statements"]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_statements_show_impact_exactly_where_the_written_labels_have_it(demo_db):
    conn = sqlite3.connect(demo_db)
    shown = dict(conn.execute("SELECT statement_id, shows_impact FROM statement_summaries"))
    conn.close()
    for statement_id, statement in EXPECTED.items():
        written = any(s["evidence"] == "impact" for s in statement.get("sentences", []))
        if statement.get("sentences"):
            assert shown[statement_id] == int(written), statement_id


def test_no_impact_counted_where_none_was_written(demo_db):
    """UK 2021's pandemic closure and risk description, counts of activity: no impact label at all."""
    conn = sqlite3.connect(demo_db)
    counts = dict(conn.execute("SELECT statement_id, n_impact FROM statement_summaries"))
    conn.close()
    for statement_id, statement in EXPECTED.items():
        if statement.get("sentences") and not any(s["evidence"] == "impact" for s in statement["sentences"]):
            assert counts[statement_id] == 0, statement_id


def test_written_impact_sentences_are_labelled_impact(demo_db):
    conn = sqlite3.connect(demo_db)
    labels = {
        (sid, squash(text)): label
        for sid, text, label in conn.execute(
            "SELECT s.statement_id, s.text, l.evidence "
            "FROM statement_sentences s JOIN labels l USING (sentence_id)"
        )
    }
    conn.close()
    written = [
        (sid, squash(s["text"]))
        for sid, st in EXPECTED.items()
        for s in st.get("sentences", [])
        if s["evidence"] == "impact"
    ]
    found = [key for key in written if labels.get(key) == "impact"]
    assert len(written) >= 15 and len(found) >= len(written) - 2, sorted(set(written) - set(found))
    activity = "Buyers and site managers trained | 100% | 100%"
    assert all(label != "impact" for (_, text), label in labels.items() if text.startswith(activity))
