"""Load the expert-labelled UK and Canadian AIMS sets as one table, in statement order.

Why: both sets use the AIMS 11-slot target layout (db.schema.CRITERIA order; the Canadian
criteria were mapped onto the same slots, see aims_guidelines/Mapping.PNG), but their files
differ (encodings, column names, trailing empty rows). Neither set labels C1 or C6, so those
slots are masked out rather than read as negatives.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from db.schema import CRITERIA
from training import criteria_two_pass as two_pass
from training.corrections_data import criteria_rows
from training.criteria_au_expert import load_au_expert
from training.shared_corpus import UNLABELLED_FILE, shared_dir, split_sentences

EVIDENCE_DIR = Path("research/corpus/aims_uk_ca_evidence")
UK_FILE = "aims_uk_UK_context0_llama.csv"
CA_FILE = "aims_ca_ca_future.csv"

# Slots the UK/CA expert sets and the two-pass sets never label: UK s.54 and the Canadian Act have no
# such criteria. Only the expert AU set ("aue", training.criteria_au_expert) labels them.
UNLABELLED_SLOTS: tuple[str, ...] = ("c1_reporting_entity", "c6_consultation")


@dataclass(frozen=True)
class LabelledSet:
    """Sentences of many statements, in order, with 0/1 targets and a mask of the slots that were labelled."""

    frame: (
        pd.DataFrame
    )  # statement_id, sentence_idx, sentence, source ("uk" | "ca" | "au" | "ukh" | "aue"), group
    targets: np.ndarray  # (n, 11) int8
    mask: np.ndarray  # (n, 11) bool: True where the slot was annotated

    def __len__(self) -> int:
        return len(self.frame)


def _parse_targets(values: pd.Series) -> np.ndarray:
    rows = [np.asarray(ast.literal_eval(v), dtype=np.int8) for v in values]
    return (np.stack(rows) > 0).astype(np.int8)


def _load_uk(folder: Path) -> tuple[pd.DataFrame, np.ndarray]:
    df = pd.read_csv(folder / UK_FILE)
    df = df.sort_values(["statement_id", "Unnamed: 0"], kind="stable")
    frame = pd.DataFrame(
        {
            "statement_id": "uk-" + df["statement_id"].astype(str),
            "sentence": df["sentence"].astype(str),
            "source": "uk",
        }
    )
    return frame, _parse_targets(df["targets"])


def _load_ca(folder: Path) -> tuple[pd.DataFrame, np.ndarray]:
    df = pd.read_csv(folder / CA_FILE, encoding="latin-1")
    df = df[df["targets"].astype(str).str.startswith("[")]  # the file ends in empty rows
    df = df.sort_values(["statement_id", "sentence_id"], kind="stable")
    frame = pd.DataFrame(
        {
            "statement_id": "ca-" + df["statement_id"].astype(str),
            "sentence": df["sentence_text"].astype(str),
            "source": "ca",
        }
    )
    return frame, _parse_targets(df["targets"])


def load_labelled(
    shared: str | Path | None = None,
    sources: tuple[str, ...] = ("uk", "ca"),
    corrections: str | Path | None = None,
) -> LabelledSet:
    """The labelled sentences of ``sources``, grouped by statement in document order.

    "uk" and "ca" are the expert AIMS sets; "aue" the AIMS.au experts' 15 Australian statements (all
    11 questions; training.criteria_au_expert); "au" and "ukh" msa's two-pass C2-C5 labels of
    real Australian statements and of UK hackathon statements (training.criteria_two_pass),
    skipped when their texts are absent. The frame's ``group`` column is what cross-validation keeps
    together: the statement, or for "au" the company (its statements of several years share most of
    their text). C1 and C6 are masked out for every source but "aue", which alone labels them.
    ``corrections``: an msa database whose readers' criteria corrections join as source
    "correction" (training.corrections_data), each row labelled on the slots corrected only.
    """
    folder = shared_dir(shared) / EVIDENCE_DIR
    loaders = {"uk": _load_uk, "ca": _load_ca}
    frames, targets, masks = [], [], []
    for name in sources:
        if name in ("au", "ukh"):
            docs = two_pass.load_au(shared) if name == "au" else two_pass.load_uk_hackathon(shared)
            rows = two_pass.training_rows(docs, name)
            if rows is None:
                continue
            f, t, m = rows
        elif name == "aue":
            rows = load_au_expert(shared)
            if rows is None:
                continue
            f, t, m = rows
        else:
            f, t = loaders[name](folder)
            f["group"] = f["statement_id"]
            m = np.ones_like(t, dtype=bool)
        if name != "aue":
            for slot in UNLABELLED_SLOTS:
                m[:, CRITERIA.index(slot)] = False
        frames.append(f)
        targets.append(t)
        masks.append(m)
    corrected = criteria_rows(corrections) if corrections is not None else None
    if corrected is not None:
        frames.append(corrected[0])
        targets.append(corrected[1])
        masks.append(corrected[2])
    frame = pd.concat(frames, ignore_index=True)
    frame["sentence_idx"] = frame.groupby("statement_id").cumcount()
    frame = frame[["statement_id", "sentence_idx", "sentence", "source", "group"]]
    y = np.concatenate(targets)
    mask = np.concatenate(masks)
    return LabelledSet(frame=frame, targets=y, mask=mask)


def available(shared: str | Path | None = None) -> bool:
    """Whether the labelled sets are present (tests and benchmarks skip when not)."""
    folder = shared_dir(shared) / EVIDENCE_DIR
    return (folder / UK_FILE).exists() and (folder / CA_FILE).exists()


def load_unlabelled(
    shared: str | Path | None = None, n_statements: int | None = None, seed: int = 13
) -> pd.DataFrame | None:
    """Sentences of the unlabelled UK statements (hackathon texts): statement_id, sentence_idx, sentence.

    ``n_statements`` draws that many statements at random (with ``seed``); None when the file is absent.
    """
    path = shared_dir(shared) / UNLABELLED_FILE
    if not path.exists():
        return None
    texts = pd.read_parquet(path, columns=["TEXT"])["TEXT"].fillna("").tolist()
    order = np.random.default_rng(seed).permutation(len(texts))
    if n_statements is not None:
        order = order[:n_statements]
    rows = []
    for i in order:
        for j, sentence in enumerate(split_sentences(texts[i])):
            rows.append((f"ukh-{i}", j, sentence))
    return pd.DataFrame(rows, columns=["statement_id", "sentence_idx", "sentence"])
