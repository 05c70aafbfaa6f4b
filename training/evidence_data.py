"""Labelled data for the evidence-status model, read from ../shared (never copied into the repo).

- `load_dev`: labels/evidence_dev.csv, 553 real UK sentences with context, the training set.
- `load_aims_uk`: the 51 AIMS.uk statements in sentence order, with the expert comment flags
  ("future", "negative", "kpi", "vague") and the rows of AIMSCheck's future-commitment
  experiment (results_future_uk.csv), the anchor task: macro-F1 0.668, accuracy 0.864.
- `load_aims_ca`: the 50 AIMS.ca statements in order, with the expert future-commitment ids.
- `load_training`: dev plus the two-pass labels made for msa (bench/labels/evidence_two_pass.json),
  each sentence with its neighbours and the company grouped CV keeps together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from classify.context import first_sentence, last_sentence
from training.corrections_data import evidence_rows

SHARED_DIR = Path(__file__).resolve().parents[1] / ".." / "shared"
DEV_FILE = Path("labels/evidence_dev.csv")
AIMS_DIR = Path("research/corpus/aims_uk_ca_evidence")


def shared_dir(path: str | Path | None = None) -> Path:
    """The shared data folder: the argument, else ../shared beside the repo."""
    return Path(path).resolve() if path is not None else SHARED_DIR.resolve()


def load_dev(shared: str | Path | None = None) -> pd.DataFrame:
    """evidence_dev.csv: statement_id, sentence_idx, sentence, context_before, context_after, label."""
    df = pd.read_csv(shared_dir(shared) / DEV_FILE)
    for col in ("sentence", "context_before", "context_after"):
        df[col] = df[col].fillna("").astype(str)
    return df


def _comment_flags(comments: pd.Series) -> pd.DataFrame:
    text = comments.fillna("").astype(str).str.lower()
    return pd.DataFrame(
        {
            "future": text.str.contains("future"),
            "negative": text.str.contains("negative"),
            "kpi": text.str.contains("kpi"),
            "vague": text.str.contains("vague"),
        },
        index=comments.index,
    )


@dataclass(frozen=True)
class AimsSet:
    """Statements in sentence order (`sentences`) and the scored rows of the future task (`task`)."""

    sentences: pd.DataFrame  # statement_id, sentence_idx, sentence_id, sentence, relevant, future, ...
    task: pd.DataFrame  # sentence_id, statement_id, target (0/1) [, aimscheck (0/1)]


def load_aims_uk(shared: str | Path | None = None) -> AimsSet:
    """AIMS.uk sentences in order and AIMSCheck's future-task rows (one row per relevant criterion).

    The task target is 1 where the expert comment mentions "future" (checked: identical to the
    results file's `targets`); results_future_uk.csv keeps AIMSCheck's own prediction.
    """
    folder = shared_dir(shared) / AIMS_DIR
    df = pd.read_csv(folder / "aims_uk_UK_context0_llama.csv")
    df = df.rename(columns={"Unnamed: 0.1": "sentence_id", "Unnamed: 0": "sentence_idx"})
    df = df.sort_values(["statement_id", "sentence_idx"], kind="stable").reset_index(drop=True)
    sentences = pd.DataFrame(
        {
            "statement_id": df["statement_id"].astype(str),
            "sentence_idx": df["sentence_idx"].astype(int),
            "sentence_id": df["sentence_id"].astype(int),
            "sentence": df["sentence"].fillna("").astype(str),
            "relevant": df["targets"].astype(str).str.contains("1"),
        }
    )
    sentences = pd.concat([sentences, _comment_flags(df["comment"])], axis=1)
    results = pd.read_csv(folder / "results_future_uk.csv")
    task = pd.DataFrame(
        {
            "sentence_id": results["sentence_id"].astype(int),
            "statement_id": results["statement_id"].astype(str),
            "target": results["targets"].astype(int),
            "aimscheck": results["prediction"].astype(int),
        }
    )
    return AimsSet(sentences, task)


def load_aims_ca(shared: str | Path | None = None) -> AimsSet:
    """AIMS.ca sentences in order; the task is every relevant sentence, target = expert future id.

    AIMSCheck's per-sentence CA predictions are not in the shared files (that results file holds
    criterion names), so the CA anchor is the reported figure: accuracy 0.898, 0.84 on future.
    """
    folder = shared_dir(shared) / AIMS_DIR
    df = pd.read_csv(folder / "aims_ca_ca_future.csv", encoding="latin-1").dropna(subset=["sentence_id"])
    df = df.sort_values("sentence_id", kind="stable").reset_index(drop=True)
    future_ids = set(pd.read_csv(folder / "aims_ca_future_sentence_ids.csv", header=None)[0].astype(int))
    sentences = pd.DataFrame(
        {
            "statement_id": df["statement_id"].astype(str),
            "sentence_id": df["sentence_id"].astype(int),
            "sentence": df["sentence_text"].fillna("").astype(str),
            "relevant": df["targets"].astype(str).str.contains("1"),
        }
    )
    sentences["sentence_idx"] = sentences.groupby("statement_id").cumcount()
    flags = _comment_flags(df["Comment "])
    flags["future"] = sentences["sentence_id"].isin(future_ids)
    sentences = pd.concat([sentences, flags], axis=1)
    relevant = sentences[sentences["relevant"]]
    task = pd.DataFrame(
        {
            "sentence_id": relevant["sentence_id"].to_numpy(),
            "statement_id": relevant["statement_id"].to_numpy(),
            "target": relevant["future"].astype(int).to_numpy(),
        }
    )
    return AimsSet(sentences, task)


TRAINING_COLUMNS = [
    "statement_id",
    "sentence",
    "context_before",
    "context_after",
    "label",
    "source",
    "group",
    "whole",
]


def statement_group(statement_id: str) -> str:
    """What grouped CV keeps together: the company behind a statement.

    UK corpus statements are grouped by corpus ID (``uk-hackathon-<ID>`` in evidence_dev.csv and
    ``ukh-<part>-<ID>`` in the two-pass file may be the same statement); a statement PDF by the
    company in its file name, so that five Airbus years sit in one fold.
    """
    match = re.match(r"uk-hackathon-(\d+)$|ukh-[a-z]+-(\d+)$", statement_id)
    if match:
        return "uk-" + (match.group(1) or match.group(2))
    match = re.match(r"doc-[A-Z-]+_(.+?)_[^_]+\.pdf$", statement_id)
    if match:
        return "doc-" + re.sub(r"-(uk|australia|pty|se)$", "", match.group(1))
    return statement_id


def load_training(
    shared: str | Path | None = None,
    sources: Sequence[str] = ("dev", "two_pass"),
    corrections: str | Path | None = None,
) -> pd.DataFrame:
    """Every labelled sentence the evidence model trains on, with one neighbour on each side.

    ``dev``: labels/evidence_dev.csv (its context columns cut to the adjacent sentence, as
    msa label reads them); ``two_pass``: bench/labels/evidence_two_pass.json
    (training.evidence_two_pass). ``whole`` marks statements labelled in full. ``corrections``:
    an msa database whose readers' evidence corrections join as source "correction"
    (training.corrections_data), grouped by their statement.
    """
    # lazy: the two-pass loader extracts statement PDFs (extract/), needed only for that source
    from training.evidence_two_pass import load_two_pass

    frames = []
    if "dev" in sources:
        dev = load_dev(shared)
        frames.append(
            pd.DataFrame(
                {
                    "statement_id": dev["statement_id"].astype(str),
                    "sentence": dev["sentence"],
                    "context_before": dev["context_before"].map(last_sentence),
                    "context_after": dev["context_after"].map(first_sentence),
                    "label": dev["label"],
                    "source": "dev",
                    "whole": False,
                }
            )
        )
    if "two_pass" in sources:
        two = load_two_pass(shared)
        frames.append(two.assign(source="two_pass")[[c for c in TRAINING_COLUMNS if c != "group"]])
    if corrections is not None:
        frames.append(evidence_rows(corrections))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TRAINING_COLUMNS)
    out["group"] = out["statement_id"].map(statement_group)
    out["whole"] = out["whole"].astype(bool)
    return out[TRAINING_COLUMNS]
