"""Sentence classifiers (criteria, evidence) and the per-statement summary.

LABEL_VERSION names the committed models together; a label row made by other weights is stale.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from classify.labeller import Labeller, SentenceLabels
from classify.summary import SUMMARY_VERSION, summarise_statement

_MODELS = Path(__file__).parent / "models"


def _model_version(meta_file: Path, default: str) -> str:
    """The model's declared version plus a digest of its weight files ("rules"-style default if absent).

    Why the digest: retraining keeps the declared version (same recipe) but changes the weights,
    and labels made by the old weights must count as stale.
    """
    try:
        name = str(json.loads(meta_file.read_text()).get("version", default))
    except (OSError, ValueError):
        return default
    digest = hashlib.sha1()
    for path in sorted(meta_file.parent.iterdir()):
        if path.suffix in (".json", ".npz") and path.name != "cv_report.json":
            digest.update(path.name.encode() + path.read_bytes())
    return f"{name}@{digest.hexdigest()[:8]}"


def label_version() -> str:
    """criteria and evidence model versions as committed (rules where no weights are present)."""
    criteria = _model_version(_MODELS / "criteria" / "meta.json", "rules")
    evidence = _model_version(_MODELS / "evidence" / "evidence_model.json", "rules-1")
    return f"{criteria}+{evidence}"


LABEL_VERSION = label_version()

__all__ = [
    "LABEL_VERSION",
    "SUMMARY_VERSION",
    "Labeller",
    "SentenceLabels",
    "label_version",
    "summarise_statement",
]
