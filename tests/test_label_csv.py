"""`msa label --input X.csv --output Y.csv`: the labelling contract, at 10,000 rows."""

from __future__ import annotations

import csv
import json
import random

import pytest
from click.testing import CliRunner

from db.schema import CRITERIA, EVIDENCE_LABELS
from msa.cli import main
from msa.label_csv import output_columns
from msa.paths import SAMPLE_CORPUS


def sample_sentences() -> list[str]:
    """The fictional sample corpus's written sentences (no real statement text in the repo)."""
    expected = json.loads((SAMPLE_CORPUS / "expected.json").read_text(encoding="utf-8"))
    return [s["text"] for st in expected["statements"].values() for s in st.get("sentences", [])]


def write_input(path, n_rows: int, per_statement: int = 50, shuffle: bool = False) -> list[dict]:
    pool = sample_sentences()
    rng = random.Random(7)
    rows = [
        {
            "statement_id": f"st-{i // per_statement:04d}",
            "sentence_idx": str(i % per_statement),
            "sentence": rng.choice(pool),
            "source": f"row {i}",
        }
        for i in range(n_rows)
    ]
    written = rows[:]
    if shuffle:
        rng.shuffle(written)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["statement_id", "sentence_idx", "sentence", "source"])
        writer.writeheader()
        writer.writerows(written)
    return written


def read(path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def test_ten_thousand_rows_get_both_label_layers(tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    written = write_input(src, 10_000)
    result = CliRunner().invoke(main, ["label", "--input", str(src), "--output", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    columns, labelled = read(out)
    assert columns == output_columns(["statement_id", "sentence_idx", "sentence", "source"])
    assert len(labelled) == 10_000
    assert [r["source"] for r in labelled] == [r["source"] for r in written]  # order and extra columns kept
    for row in labelled:
        for name in CRITERIA:
            assert row[name] in ("0", "1") and 0.0 <= float(row[f"{name}_p"]) <= 1.0
        assert row["evidence"] in EVIDENCE_LABELS and 0.2 <= float(row["evidence_p"]) <= 1.0
    # the board's approval is found wherever it falls: its neighbours are drawn at random, and
    # context may tip a few of them
    approvals = [r for r in labelled if r["sentence"].startswith("This statement was approved by the Board")]
    assert approvals and sum(r["approval"] == "1" for r in approvals) / len(approvals) > 0.9


def test_shuffled_rows_are_labelled_in_sentence_order_and_written_back_in_file_order(tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    written = write_input(src, 120, per_statement=40, shuffle=True)
    sorted_src, sorted_out = tmp_path / "sorted.csv", tmp_path / "sorted_out.csv"
    with open(sorted_src, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(written[0]))
        writer.writeheader()
        writer.writerows(sorted(written, key=lambda r: (r["statement_id"], int(r["sentence_idx"]))))
    runner = CliRunner()
    assert runner.invoke(main, ["label", "--input", str(src), "--output", str(out), "--quiet"]).exit_code == 0
    assert (
        runner.invoke(
            main, ["label", "--input", str(sorted_src), "--output", str(sorted_out), "--quiet"]
        ).exit_code
        == 0
    )
    _, shuffled = read(out)
    _, ordered = read(sorted_out)
    assert [r["source"] for r in shuffled] == [r["source"] for r in written]
    by_source = {r["source"]: r for r in ordered}
    for row in shuffled:  # context comes from sentence order, not file order
        twin = by_source[row["source"]]
        assert row["evidence"] == twin["evidence"]
        assert row["c4_remediation_p"] == twin["c4_remediation_p"]


@pytest.mark.parametrize("header", ["statement_id,sentence\n", "id,sentence_idx,text\n"])
def test_missing_columns_are_a_clear_error(tmp_path, header):
    src = tmp_path / "bad.csv"
    src.write_text(header + "a,b\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["label", "--input", str(src), "--output", str(tmp_path / "o.csv")])
    assert result.exit_code != 0
    assert "missing column" in result.output
    assert not (tmp_path / "o.csv").exists()
