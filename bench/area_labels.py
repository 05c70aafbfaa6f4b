"""Hand labels of the UK six areas (bench/labels/uk_areas_two_pass.json) and the detector measured on them.

The labels say, for each statement and each area of db.schema.UK_AREAS, which sentences (by
position, with the first 12 hex digits of the sentence's SHA-1, never its text) show that the
statement addresses the area; an area with no position is not addressed. Statements are the demo
corpus's (positions are `sentence_idx` of the document `msa demo` summarises) and real UK
statements of the hackathon corpus in ../shared (positions in
training.shared_corpus.split_sentences of its TEXT).

`detect_areas` runs classify.summary_areas (or a baseline version of it) on labelled sentence
rows; `area_scores` and `mismatch_scores` compare what it finds with the adjudicated labels.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from db.schema import CRITERIA, UK_AREAS
from training.shared_corpus import split_sentences

LABELS_FILE = Path(__file__).resolve().parent / "labels" / "uk_areas_two_pass.json"
HACKATHON_FILE = Path("research/corpus/hackathon_uk_training/df_with_segments.parquet")
# A and B: one engineer's two readings; AB: their adjudication; C: an independent engineer's reading.
PASSES = ("A", "B", "AB", "C")
# The pairs `agreement` compares: the same engineer's two readings, and the two independent ones.
PAIRS = (("A", "B"), ("AB", "C"))

Detector = Callable[[Sequence[dict]], dict[str, list[dict]]]


def sentence_hash(text: str) -> str:
    """The label file's check that a position still holds the sentence that was read."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def load_labels(path: Path = LABELS_FILE) -> dict[str, dict]:
    """key (demo statement id or ukh-<ID>) → its entry: source, sentences, passes (PASSES), adjudicated."""
    return json.loads(path.read_text(encoding="utf-8"))["documents"]


def positions(entry: dict, which: str = "adjudicated") -> dict[str, set[int]]:
    """area → labelled sentence positions, for one pass (PASSES) or the adjudicated labels."""
    areas = entry[which] if which == "adjudicated" else entry["passes"][which]
    return {area: {p["idx"] for p in areas.get(area, [])} for area in UK_AREAS}


def hash_problems(key: str, entry: dict, texts: Sequence[str]) -> list[str]:
    """Positions whose sentence is no longer the one labelled (the text or its segmentation changed)."""
    problems = []
    if len(texts) != entry["sentences"]:
        problems.append(f"{key}: {len(texts)} sentences, labelled with {entry['sentences']}")
    for which in ("adjudicated", *[f"passes.{p}" for p in PASSES]):
        areas = entry["adjudicated"] if which == "adjudicated" else entry["passes"][which.split(".")[1]]
        for area, found in areas.items():
            for p in found:
                if p["idx"] >= len(texts) or sentence_hash(texts[p["idx"]]) != p["sha1"]:
                    problems.append(f"{key} {which} {area} #{p['idx']}: hash differs")
    return problems


def demo_rows(db_path: Path) -> dict[str, dict]:
    """statement_id → {"statement": its statements row, "rows": its summarised document's labelled
    sentences as summarise_statement reads them} for every summarised statement of a built database."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    cols = ", ".join(f"l.{c}, l.{c}_p" for c in CRITERIA)
    out = {}
    summaries = conn.execute(
        "SELECT st.*, ss.document_id AS summary_document FROM statements st "
        "JOIN statement_summaries ss ON ss.statement_id = st.statement_id WHERE ss.document_id IS NOT NULL"
    ).fetchall()
    for st in summaries:
        rows = conn.execute(
            f"""SELECT s.sentence_id, s.sentence_idx, s.page_no, s.block_kind, s.text,
                       l.evidence, l.evidence_p, {cols}
                FROM sentences s JOIN labels l ON l.sentence_id = s.sentence_id
                WHERE s.document_id = ? ORDER BY s.sentence_idx""",
            [st["summary_document"]],
        ).fetchall()
        out[st["statement_id"]] = {"statement": dict(st), "rows": [dict(r) for r in rows]}
    conn.close()
    return out


def hackathon_texts(shared: Path, ids: Sequence[str]) -> dict[str, list[str]]:
    """ukh-<ID> → the statement's sentences as the labels number them (IDs of the corpus's 'labeled'
    part: its 'hidden' part reuses them)."""
    import pandas as pd  # lazy: only the real-statement measurement reads the parquet file

    frame = pd.read_parquet(shared / HACKATHON_FILE, columns=["ID", "source", "TEXT"])
    frame = frame[frame["source"] == "labeled"]
    wanted = {str(i) for i in ids}
    return {
        f"ukh-{row.ID}": split_sentences(row.TEXT or "")
        for row in frame.itertuples()
        if str(row.ID) in wanted
    }


def labelled_rows(texts: Sequence[str], labeller) -> list[dict]:
    """Sentence rows as the classify stage writes them, for texts without a document (no block kinds)."""
    rows = []
    for i, (text, labels) in enumerate(zip(texts, labeller.label_document(list(texts)), strict=True)):
        row = {"sentence_id": str(i), "sentence_idx": i, "page_no": None, "block_kind": None, "text": text}
        row.update({"evidence": labels.evidence, "evidence_p": labels.evidence_p})
        for c in CRITERIA:
            row[c], row[f"{c}_p"] = labels.criteria[c], labels.criteria_p[c]
        rows.append(row)
    return rows


def detect_areas(detector: Detector, rows: Sequence[dict]) -> dict[str, set[int]]:
    """area → positions of the sentences the detector takes as evidence of it."""
    found = detector(rows)
    return {area: {int(r["sentence_idx"]) for r in found[area]} for area in UK_AREAS}


@dataclass
class AreaScore:
    """Statement-level confusion counts of one area."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def area_scores(
    detected: dict[str, dict[str, set[int]]], gold: dict[str, dict[str, set[int]]]
) -> dict[str, AreaScore]:
    """Per area: is the area addressed (any position) in the detector's view and in the labels."""
    scores = {area: AreaScore() for area in UK_AREAS}
    for key, truth in gold.items():
        for area in UK_AREAS:
            said, real = bool(detected[key][area]), bool(truth[area])
            s = scores[area]
            s.tp += said and real
            s.fp += said and not real
            s.fn += real and not said
            s.tn += not said and not real
    return scores


def mismatch_right(kind: str, found: set[int], truth: set[int]) -> bool:
    """Whether a mismatch is what the text says.

    declared_not_detected is right when the labels find the area nowhere; detected_not_declared
    when the labels find it and at least one sentence the detector shows is a labelled one.
    """
    if kind == "declared_not_detected":
        return not truth
    return bool(truth) and bool(found & truth)


def mismatch_scores(
    detected: dict[str, dict[str, set[int]]],
    gold: dict[str, dict[str, set[int]]],
    declared: Callable[[str, str], bool | None],
) -> dict[str, list[int]]:
    """kind → [right, all] over the mismatches a regulator sees, given the registry's declarations
    (`declared(key, area)`: True, False, or None when the registry says nothing)."""
    out = {"declared_not_detected": [0, 0], "detected_not_declared": [0, 0]}
    for key, truth in gold.items():
        for area in UK_AREAS:
            flag, found = declared(key, area), detected[key][area]
            if flag is None or flag == bool(found):
                continue
            kind = "declared_not_detected" if flag else "detected_not_declared"
            out[kind][1] += 1
            out[kind][0] += mismatch_right(kind, found, truth[area])
    return out


def agreement(
    labels: dict[str, dict], pair: tuple[str, str] = ("A", "B")
) -> dict[str, dict[str, float | int]]:
    """Per area: statement-level agreement of two passes (count, share, Cohen's kappa) and the
    Jaccard overlap of their positions where both say addressed, over the statements read in both."""
    first, second = pair
    both = [e for e in labels.values() if {first, second} <= set(e["passes"])]
    out: dict[str, dict[str, float | int]] = {}
    for area in UK_AREAS:
        readings = [(positions(e, first)[area], positions(e, second)[area]) for e in both]
        pairs = [(bool(a), bool(b)) for a, b in readings]
        n = len(pairs)
        agree = sum(a == b for a, b in pairs)
        pa, pb = sum(a for a, _ in pairs) / n, sum(b for _, b in pairs) / n
        chance = pa * pb + (1 - pa) * (1 - pb)
        kappa = (agree / n - chance) / (1 - chance) if chance < 1 else 1.0
        overlaps = [len(a & b) / len(a | b) for a, b in readings if a and b]
        out[area] = {
            "statements": n,
            "agree": agree,
            "share": round(agree / n, 3),
            "kappa": round(kappa, 3),
            "position_jaccard": round(sum(overlaps) / len(overlaps), 3) if overlaps else 0.0,
        }
    return out
