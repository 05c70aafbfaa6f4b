"""Readers' corrections: `msa correct` checks a file whole, stores it, applies it everywhere labels are
read, keeps it through relabels and rebuilds, shows it in Datasette and hands it to training."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from db import connect
from db.corrections import apply_corrections
from msa.cli import main
from msa.correct import run_correct
from msa.corrections_csv import read_corrections
from synthetic.publish_db import build_fixture_db
from tests.publish_fixture import fetch, rows

HEADER = "sentence_id,field,value,reason,who\n"


@pytest.fixture
def fixture_dir(tmp_path: Path) -> Path:
    """A data directory holding the fictional publish fixture, built."""
    build_fixture_db(tmp_path / "msa.db")
    return tmp_path


def _one(path: Path, sql: str, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchone()
    finally:
        conn.close()


def _sentence(path: Path, evidence: str) -> tuple[str, str]:
    """(sentence_id, statement_id) of a summarised sentence the model labelled `evidence`."""
    return _one(
        path,
        """SELECT s.sentence_id, ss.statement_id FROM sentences s
           JOIN labels l ON l.sentence_id = s.sentence_id
           JOIN statement_summaries ss ON ss.document_id = s.document_id
           WHERE l.evidence = ? ORDER BY ss.statement_id, s.sentence_idx LIMIT 1""",
        [evidence],
    )


def _write(tmp_path: Path, body: str | bytes, name: str = "corrections.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return path


def _correct(data_dir: Path, path: Path):
    return CliRunner().invoke(main, ["correct", "--file", str(path), "--data-dir", str(data_dir)])


def test_every_bad_row_is_named_by_its_line_and_nothing_is_stored(fixture_dir, tmp_path):
    db_file = fixture_dir / "msa.db"
    good, _ = _sentence(db_file, "action")
    labels_before = _one(db_file, "SELECT evidence, evidence_p FROM labels WHERE sentence_id = ?", [good])
    path = _write(
        tmp_path,
        HEADER
        + f"{good},evidence,impact,workers were repaid,A. Reader\n"  # line 2: fine
        + "0123456789abcdef-99999,evidence,impact,why,who\n"  # line 3: no such sentence
        + f"{good},colour,impact,why,who\n"  # line 4: no such field
        + f"{good},c4_remediation,maybe,why,who\n"  # line 5: not 1/0
        + f"{good},evidence,great,why,who\n"  # line 6: not an evidence label
        + f"{good},evidence,impact,,who\n"  # line 7: no reason
        + f"{good},evidence,impact,why,\n",  # line 8: no who
    )
    result = _correct(fixture_dir, path)
    assert result.exit_code == 1
    err = result.stderr
    assert "line 3: unknown sentence_id '0123456789abcdef-99999'" in err
    assert "line 4: unknown field 'colour'" in err
    assert "line 5: value 'maybe' for c4_remediation: use 1 or 0" in err
    assert "line 6: value 'great' is not an evidence label: use one of commitment, action, impact" in err
    assert "line 7: reason is empty" in err
    assert "line 8: who is empty" in err
    assert "6 error(s): nothing stored" in err
    assert "line 2" not in err
    assert _one(db_file, "SELECT count(*) FROM corrections") == (0,)
    assert (
        _one(db_file, "SELECT evidence, evidence_p FROM labels WHERE sentence_id = ?", [good])
        == labels_before
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
        (b"sentence_id,field,value,reason\n", "missing column(s) who"),
        (b"sentence_id,field,value,reason,who,notes\n", "unknown column(s) notes"),
        (b"sentence_id,field,field,reason,who\n", "column 'field' appears twice"),
        (HEADER.encode(), "holds a header but no corrections"),
        (HEADER.encode() + b"{sid},evidence,impact,why\n", "line 2 has 4 fields, the header has 5"),
        (
            HEADER.encode() + b'{sid},evidence,impact,"an open quote,who\n{sid},evidence,none,why,who\n',
            "unterminated quote",
        ),
        (HEADER.encode() + b"{sid},evidence,impact,caf\xe9 workers repaid,who\n", "not UTF-8 (byte"),
        (b"\xff\xfes\x00i\x00d\x00\n\x00", "missing column(s)"),  # UTF-16 with its mark, wrong header
    ],
    ids=[
        "empty",
        "blank-lines",
        "missing-column",
        "extra-column",
        "doubled-column",
        "header-only",
        "short-row",
        "open-quote",
        "cp1252",
        "utf16-wrong-header",
    ],
)
def test_a_broken_file_is_refused_whole(fixture_dir, tmp_path, body, expected):
    sid, _ = _sentence(fixture_dir / "msa.db", "action")
    path = _write(tmp_path, body.replace(b"{sid}", sid.encode()))
    result = _correct(fixture_dir, path)
    assert result.exit_code == 1, result.output
    assert expected in result.stderr
    assert "nothing stored" in result.stderr
    assert _one(fixture_dir / "msa.db", "SELECT count(*) FROM corrections") == (0,)


def test_values_are_read_in_their_usual_spellings(fixture_dir, tmp_path):
    sid, _ = _sentence(fixture_dir / "msa.db", "action")
    path = _write(
        tmp_path,
        HEADER
        + f"{sid},c4_remediation,Yes,r,w\n{sid},c5_effectiveness,false,r,w\n"
        + f"{sid},Evidence, Impact ,r,w\n{sid},approval,1,r,w\n{sid},signature,no,r,w\n",
    )
    found = read_corrections(path, connect(fixture_dir / "msa.db"))
    assert [(r.field, r.value) for r in found] == [
        ("c4_remediation", "1"),
        ("c5_effectiveness", "0"),
        ("evidence", "impact"),
        ("approval", "1"),
        ("signature", "0"),
    ]


def test_a_correction_changes_the_label_the_summary_and_the_published_tables(fixture_dir, tmp_path):
    db_file = fixture_dir / "msa.db"
    sid, statement_id = _sentence(db_file, "action")
    path = _write(tmp_path, HEADER + f"{sid},evidence,impact,the text reports workers repaid,A. Reader\n")
    result = _correct(fixture_dir, path)
    assert result.exit_code == 0, result.output
    assert "stored 1 correction(s); 1 label(s) now carry one" in result.output
    assert f"re-summarised 1 statement(s): {statement_id}" in result.output
    assert "rebuilt the published tables" in result.output
    assert _one(db_file, "SELECT evidence, evidence_p FROM labels WHERE sentence_id = ?", [sid]) == (
        "impact",
        1.0,
    )
    assert _one(db_file, "SELECT model_value FROM applied_corrections WHERE sentence_id = ?", [sid]) == (
        "action",
    )
    labelled = _one(
        db_file,
        """SELECT count(*) FILTER (WHERE l.evidence = 'impact'), count(*) FILTER (WHERE l.evidence = 'action')
           FROM labels l JOIN sentences s ON s.sentence_id = l.sentence_id
           JOIN statement_summaries ss ON ss.document_id = s.document_id WHERE ss.statement_id = ?""",
        [statement_id],
    )
    summary = _one(
        db_file,
        "SELECT n_impact, n_action, shows_impact FROM statement_summaries WHERE statement_id = ?",
        [statement_id],
    )
    assert summary == (labelled[0], labelled[1], 1)
    assert _one(db_file, "SELECT count(*) FROM impact_sentences WHERE sentence_id = ?", [sid]) == (1,)
    assert _one(db_file, "SELECT status FROM correction_status") == ("applied",)


def test_a_later_correction_supersedes_an_earlier_and_the_model_value_is_kept(fixture_dir, tmp_path):
    db = connect(fixture_dir / "msa.db")
    sid, _ = _sentence(fixture_dir / "msa.db", "action")
    run_correct(db, _write(tmp_path, HEADER + f"{sid},evidence,impact,first reading,A\n", "one.csv"))
    run_correct(db, _write(tmp_path, HEADER + f"{sid},evidence,none,only background,B\n", "two.csv"))
    assert db.execute("SELECT evidence FROM labels WHERE sentence_id = ?", [sid]).fetchone() == ("none",)
    status = db.execute(
        "SELECT value, status, model_value, who, source FROM correction_status ORDER BY correction_id"
    ).fetchall()
    assert status == [
        ("impact", "superseded", None, "A", "one.csv:2"),
        ("none", "applied", "action", "B", "two.csv:2"),
    ]


def test_a_correction_follows_its_text_when_re_extraction_moves_it_and_goes_stale_when_it_is_gone(
    fixture_dir, tmp_path
):
    db = connect(fixture_dir / "msa.db")
    sid, _ = _sentence(fixture_dir / "msa.db", "action")
    document_id, idx, text = db.execute(
        "SELECT document_id, sentence_idx, text FROM sentences WHERE sentence_id = ?", [sid]
    ).fetchone()
    # what the model labels this document (before any correction)
    labelled = [
        dict(r) for r in db.query("SELECT * FROM labels WHERE sentence_id LIKE ?", [document_id[:16] + "%"])
    ]
    run_correct(db, _write(tmp_path, HEADER + f"{sid},evidence,impact,workers repaid,A\n"))
    # A re-extraction that finds one more sentence at the top: every id after it moves down one.
    moved_id = f"{document_id[:16]}-{idx + 1:05d}"
    from db.classify_sql import write_label_batch

    old = [
        dict(r)
        for r in db.query(
            "SELECT * FROM sentences WHERE document_id = ? ORDER BY sentence_idx", [document_id]
        )
    ]
    with db.atomic():
        db.execute(
            "DELETE FROM labels WHERE sentence_id IN "
            "(SELECT sentence_id FROM sentences WHERE document_id = ?)",
            [document_id],
        )
        db.execute("DELETE FROM sentences WHERE document_id = ?", [document_id])
        shifted = [
            {
                **r,
                "sentence_idx": r["sentence_idx"] + 1,
                "sentence_id": f"{document_id[:16]}-{r['sentence_idx'] + 1:05d}",
            }
            for r in old
        ]
        db["sentences"].insert_all([{**old[0], "text": "A new opening line."}, *shifted], pk="sentence_id")
    relabelled = [
        {**r, "sentence_id": f"{document_id[:16]}-{int(r['sentence_id'][-5:]) + 1:05d}"} for r in labelled
    ]
    relabelled.append({**labelled[0], "sentence_id": old[0]["sentence_id"]})
    write_label_batch(db, [{"document_id": document_id, "rows": relabelled}])
    assert db.execute("SELECT evidence FROM labels WHERE sentence_id = ?", [moved_id]).fetchone() == (
        "impact",
    )
    assert db.execute("SELECT status, applied_to FROM correction_status").fetchone() == ("applied", moved_id)
    # The text itself changes: the correction is kept, applies nowhere, and says it is stale.
    with db.atomic():
        db.execute("UPDATE sentences SET text = ? WHERE sentence_id = ?", [text + " (revised)", moved_id])
        db.execute("DELETE FROM labels WHERE sentence_id = ?", [moved_id])
    write_label_batch(
        db, [{"document_id": document_id, "rows": [r for r in relabelled if r["sentence_id"] == moved_id]}]
    )
    assert db.execute("SELECT evidence FROM labels WHERE sentence_id = ?", [moved_id]).fetchone() == (
        "action",
    )
    assert db.execute("SELECT status, applied_to FROM correction_status").fetchone() == ("stale", None)
    assert db.execute("SELECT count(*) FROM corrections").fetchone() == (1,)


def test_a_re_crawl_that_brings_a_changed_document_carries_the_correction_to_the_same_text(
    fixture_dir, tmp_path
):
    from db.classify_sql import write_label_batch

    db = connect(fixture_dir / "msa.db")
    sid, statement_id = _sentence(fixture_dir / "msa.db", "action")
    text, model_row = db.execute(
        "SELECT text, sentence_id FROM sentences WHERE sentence_id = ?", [sid]
    ).fetchone()
    label = dict(next(db.query("SELECT * FROM labels WHERE sentence_id = ?", [model_row])))
    run_correct(db, _write(tmp_path, HEADER + f"{sid},evidence,impact,workers repaid,A\n"))
    # The company replaced its PDF: new bytes, a new document of the same statement, the sentence now third.
    new_doc = "f" * 64
    with db.atomic():
        db["documents"].insert({"document_id": new_doc, "media_type": "pdf", "size_bytes": 1, "path": "x"})
        db["statement_documents"].insert(
            {
                "statement_id": statement_id,
                "url": "https://x.example/new.pdf",
                "role": "statement",
                "status": "fetched",
                "document_id": new_doc,
            }
        )
        texts = ["A new cover line.", "Another new line.", text]
        db["sentences"].insert_all(
            [
                {
                    "sentence_id": f"{new_doc[:16]}-{i:05d}",
                    "document_id": new_doc,
                    "sentence_idx": i,
                    "text": t,
                }
                for i, t in enumerate(texts)
            ]
        )
    new_rows = [{**label, "sentence_id": f"{new_doc[:16]}-{i:05d}"} for i in range(3)]
    write_label_batch(db, [{"document_id": new_doc, "rows": new_rows}])
    moved = f"{new_doc[:16]}-00002"
    assert db.execute("SELECT evidence FROM labels WHERE sentence_id = ?", [moved]).fetchone() == ("impact",)
    assert db.execute("SELECT evidence FROM labels WHERE sentence_id = ?", [sid]).fetchone() == ("impact",)
    assert db.execute(
        "SELECT evidence FROM labels WHERE sentence_id = ?", [f"{new_doc[:16]}-00000"]
    ).fetchone() == ("action",)
    applied_to = db.execute("SELECT applied_to FROM correction_status").fetchone()[0]
    assert sorted(applied_to.split()) == sorted([sid, moved])


def test_an_older_database_gains_the_corrections_tables_and_keeps_its_rows(fixture_dir):
    path = fixture_dir / "msa.db"
    conn = sqlite3.connect(path)
    conn.execute("DROP VIEW correction_status")
    conn.execute("DROP TABLE corrections")
    conn.execute("DROP TABLE applied_corrections")
    conn.commit()
    sentences = conn.execute("SELECT count(*) FROM sentences").fetchone()
    conn.close()
    db = connect(path)
    assert {"corrections", "applied_corrections"} <= set(db.table_names())
    assert "correction_status" in db.view_names()
    assert db.execute("SELECT count(*) FROM sentences").fetchone() == sentences
    assert apply_corrections(db).applied == 0


def test_datasette_shows_the_corrected_label_with_its_reason_beside_the_models(fixture_dir, tmp_path):
    from msa.serve import datasette_app

    db_file = fixture_dir / "msa.db"
    sid, statement_id = _sentence(db_file, "action")
    run_correct(
        connect(db_file), _write(tmp_path, HEADER + f"{sid},evidence,impact,workers were repaid,A. Reader\n")
    )
    ds = datasette_app(db_file)
    found = rows(ds, f"/msa/statement_sentences.json?sentence_id={sid}")
    assert found[0]["evidence"] == "impact"
    assert (
        found[0]["correction"] == "evidence: impact (corrected from action: workers were repaid — A. Reader)"
    )
    others = rows(ds, f"/msa/statement_sentences.json?statement_id={statement_id}&sentence_id__not={sid}")
    assert others and all(r["correction"] is None for r in others)
    html = fetch(ds, f"/msa/statements/{statement_id}").text
    assert "Corrected by readers" in html
    assert "corrected from action: workers were repaid — A. Reader" in html
    table = fetch(ds, "/msa/corrections.json?_shape=objects&_facet=field").json()
    assert table["rows"][0]["reason"] == "workers were repaid"
    status = rows(ds, "/msa/correction_status.json")
    assert status[0]["status"] == "applied" and status[0]["model_value"] == "action"
    assert "supersedes an earlier one" in fetch(ds, "/msa/corrections").text


def test_training_reads_corrections_as_labels_of_their_own_source(fixture_dir, tmp_path):
    from training.evidence_data import TRAINING_COLUMNS, load_training

    db_file = fixture_dir / "msa.db"
    sid, statement_id = _sentence(db_file, "action")
    other, _ = _sentence(db_file, "commitment")
    body = HEADER + f"{sid},evidence,commitment,first,A\n{sid},evidence,impact,workers repaid,A\n"
    body += f"{other},evidence,none,a heading,B\n{other},c4_remediation,1,criteria stay out,B\n"
    run_correct(connect(db_file), _write(tmp_path, body))
    frame = load_training(sources=(), corrections=db_file)
    assert list(frame.columns) == TRAINING_COLUMNS
    assert set(frame["source"]) == {"correction"}
    by_text = {r.sentence: r for r in frame.itertuples()}
    text, before, after = _one(
        db_file,
        """SELECT s.text, coalesce(b.text, ''), coalesce(a.text, '') FROM sentences s
           LEFT JOIN sentences b ON b.document_id = s.document_id AND b.sentence_idx = s.sentence_idx - 1
           LEFT JOIN sentences a ON a.document_id = s.document_id AND a.sentence_idx = s.sentence_idx + 1
           WHERE s.sentence_id = ?""",
        [sid],
    )
    assert len(frame) == 2  # the superseded row and the criterion correction are not evidence labels
    row = by_text[text]
    assert (row.label, row.context_before, row.context_after) == ("impact", before, after)
    assert row.statement_id == statement_id and row.group == statement_id


def test_criteria_training_reads_corrections_on_the_corrected_slots_only(fixture_dir, tmp_path):
    from db.schema import CRITERIA
    from training.criteria_data import load_labelled

    db_file = fixture_dir / "msa.db"
    sid, statement_id = _sentence(db_file, "action")
    body = HEADER + f"{sid},c4_remediation,yes,repaid fees,A\n{sid},c6_consultation,0,no consultation,A\n"
    body += f"{sid},evidence,impact,evidence stays out,A\n"
    run_correct(connect(db_file), _write(tmp_path, body))
    data = load_labelled(sources=(), corrections=db_file)
    assert len(data) == 1
    row = data.frame.iloc[0]
    assert (row["source"], row["statement_id"], row["group"]) == ("correction", statement_id, statement_id)
    assert row["sentence"] == _one(db_file, "SELECT text FROM sentences WHERE sentence_id = ?", [sid])[0]
    corrected = {CRITERIA[i] for i in data.mask[0].nonzero()[0]}
    assert corrected == {"c4_remediation", "c6_consultation"}  # C1/C6 kept: a reader did label it
    assert data.targets[0][CRITERIA.index("c4_remediation")] == 1
    assert data.targets[0][CRITERIA.index("c6_consultation")] == 0


@pytest.mark.slow
def test_corrections_survive_relabel_and_rebuild_on_the_demo(demo_db, tmp_path):
    """The round trip: correct -> relabel every sentence -> rebuild, with nothing lost."""
    from msa import build_stage, classify_stage
    from msa.engines import EngineOptions

    shutil.copy(demo_db, tmp_path / "msa.db")
    db_file = tmp_path / "msa.db"
    sid, statement_id = _sentence(db_file, "action")
    negative, _ = _one(
        db_file,
        """SELECT s.sentence_id, 1 FROM sentences s JOIN labels l ON l.sentence_id = s.sentence_id
           JOIN statement_summaries ss ON ss.document_id = s.document_id
           WHERE l.c4_remediation = 0 AND ss.statement_id = ? ORDER BY s.sentence_idx LIMIT 1""",
        [statement_id],
    )
    path = _write(
        tmp_path,
        HEADER + f"{sid},evidence,impact,reports wages repaid,A. Reader\n"
        f"{negative},c4_remediation,yes,describes remediation,A. Reader\n",
    )
    assert _correct(tmp_path, path).exit_code == 0
    before = _one(
        db_file, "SELECT n_impact, n_action FROM statement_summaries WHERE statement_id = ?", [statement_id]
    )

    db = connect(db_file)
    options = classify_stage.ClassifyOptions(engine=EngineOptions(workers=1), force=True, show_progress=False)
    classify_stage.run(db, tmp_path, options)
    build_stage.run(db, tmp_path)
    db.conn.close()

    assert _one(db_file, "SELECT count(*) FROM corrections") == (2,)
    assert _one(db_file, "SELECT evidence, evidence_p FROM labels WHERE sentence_id = ?", [sid]) == (
        "impact",
        1.0,
    )
    assert _one(db_file, "SELECT c4_remediation FROM labels WHERE sentence_id = ?", [negative]) == (1,)
    assert _one(db_file, "SELECT model_value FROM applied_corrections WHERE sentence_id = ?", [sid]) == (
        "action",
    )
    assert (
        _one(
            db_file,
            "SELECT n_impact, n_action FROM statement_summaries WHERE statement_id = ?",
            [statement_id],
        )
        == before
    )
    assert _one(
        db_file, "SELECT c4_remediation FROM statement_summaries WHERE statement_id = ?", [statement_id]
    ) == (1,)
    assert _one(db_file, "SELECT count(*) FROM impact_sentences WHERE sentence_id = ?", [sid]) == (1,)
    assert _one(db_file, "SELECT group_concat(status) FROM correction_status") == ("applied,applied",)


@pytest.mark.slow
def test_the_readme_example_runs_on_the_demo_as_it_says(demo_db, tmp_path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Corrections", 1)[1]
    body = section.split("cat > corrections.csv <<'EOF'\n", 1)[1].split("\nEOF\n", 1)[0]
    after = section.split("msa correct --file corrections.csv\n", 1)[1].split("```", 1)[0]
    printed = [line.removeprefix("# ") for line in after.splitlines()]
    shutil.copy(demo_db, tmp_path / "msa.db")
    result = _correct(tmp_path, _write(tmp_path, body + "\n"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == printed
