"""The AIMS.au experts' labels of 15 real Australian statements, as a training and scoring source ("aue").

Why its own source: it is the only expert reading of Australian text in ../shared and the only
labelled set with C1 (reporting entity) and C6 (consultation) positives; the other 35 statements of
the same gold set score the model through ``msa label``. Sentences are in statement order
(``sentence_orig_idxs``), so neighbours are true context. All 11 questions are labelled.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from db.schema import CRITERIA
from training.shared_corpus import shared_dir

AU_EXPERT_FILE = Path("labels/aims_au_expert_dev.csv")
SOURCE = "aue"

# The file's question columns, by the db.schema.CRITERIA slot each one fills.
COLUMNS: dict[str, str] = {
    "approval": "Approval",
    "signature": "Signature",
    "c1_reporting_entity": "C1 (reporting entity)",
    "c2_structure": "C2 (structure)",
    "c2_operations": "C2 (operations)",
    "c2_supply_chains": "C2 (supply chains)",
    "c3_risk_description": "C3 (risk description)",
    "c4_risk_mitigation": "C4 (risk mitigation)",
    "c4_remediation": "C4 (remediation)",
    "c5_effectiveness": "C5 (effectiveness)",
    "c6_consultation": "C6 (consultation)",
}
assert tuple(COLUMNS) == CRITERIA


def first_index(value: object) -> int:
    """The first original sentence position of a row ("12" or "12,13" when sentences were merged)."""
    text = str(value).strip("[]() ")
    head = text.replace(";", ",").split(",")[0].strip()
    return int(float(head)) if head else 0


def available(shared: str | Path | None = None) -> bool:
    """Whether the expert AU file is present (tests and training skip the source when not)."""
    return (shared_dir(shared) / AU_EXPERT_FILE).exists()


def load_au_expert(shared: str | Path | None = None) -> tuple[pd.DataFrame, np.ndarray, np.ndarray] | None:
    """(frame, targets, mask) of the expert AU set in statement order; None when the file is absent.

    Raises ValueError when a question column is missing or holds anything but 0/1, so that a
    changed file fails loudly instead of training on shifted labels.
    """
    path = shared_dir(shared) / AU_EXPERT_FILE
    if not path.exists():
        return None
    df = pd.read_csv(path)
    missing = [col for col in COLUMNS.values() if col not in df.columns]
    if missing:
        raise ValueError(f"{path}: missing question columns {missing}")
    df = df.assign(_pos=df["sentence_orig_idxs"].map(first_index), _row=np.arange(len(df)))
    df = df.sort_values(["statement_id", "_pos", "_row"], kind="stable")
    values = df[list(COLUMNS.values())].to_numpy()
    if not np.isin(values, (0, 1)).all():
        raise ValueError(f"{path}: question columns must hold 0 or 1")
    ids = f"{SOURCE}-" + df["statement_id"].astype(str)
    frame = pd.DataFrame(
        {
            "statement_id": ids.to_numpy(),
            "sentence": df["sentence"].fillna("").astype(str).to_numpy(),
            "source": SOURCE,
            "group": ids.to_numpy(),
        }
    )
    targets = values.astype(np.int8)
    return frame, targets, np.ones_like(targets, dtype=bool)
