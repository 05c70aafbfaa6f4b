"""Both label layers for one document's sentences, sharing one pass of the sentence encoder.

The encoder is the expensive part; the criteria and evidence heads both read its vectors, so a
document is embedded once and each head reads the same array.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classify.context import first_sentence, last_sentence, neighbour_vectors
from classify.criteria import CriteriaClassifier
from classify.evidence import EvidenceClassifier
from vocabulary.labels import CRITERIA


@dataclass(frozen=True)
class SentenceLabels:
    """Layer 1 (11 criteria, 0/1 and score) and layer 2 (one evidence label and its probability)."""

    criteria: dict[str, int]
    criteria_p: dict[str, float]
    evidence: str
    evidence_p: float


class Labeller:
    """The pipeline's and `msa label`'s one entry point to the classifiers."""

    def __init__(self, criteria: CriteriaClassifier, evidence: EvidenceClassifier) -> None:
        self.criteria = criteria
        self.evidence = evidence

    @classmethod
    def load(cls, criteria_dir: str | Path | None = None, evidence_dir: str | Path | None = None) -> Labeller:
        """The committed models (or those in the given folders)."""
        return cls(CriteriaClassifier.load(criteria_dir), EvidenceClassifier.load(evidence_dir))

    @property
    def version(self) -> str:
        """Which models made a label: criteria version + evidence version."""
        return f"{self.criteria.version}+{self.evidence.version}"

    def label_document(
        self,
        sentences: Sequence[str],
        positions: Sequence[float] | None = None,
        context_texts: tuple[Sequence[str], Sequence[str]] | None = None,
        repeated: np.ndarray | None = None,
    ) -> list[SentenceLabels]:
        """Labels for one document's (or one statement's) sentences, given in reading order.

        ``positions`` (sentence_idx) say which rows are true neighbours: a CSV may hold sampled
        sentences of a statement. ``context_texts`` (the text before and after each row, as a CSV's
        context columns give it) stand in for a neighbour that is not among the rows; only those
        are encoded again, so a whole document costs one encoder pass per sentence. ``repeated``
        marks page headers over the whole statement when the sentences are only part of it.
        """
        texts = [s or "" for s in sentences]
        if not texts:
            return []
        needs_vectors = self.criteria.encoder is not None or self.evidence.uses_embeddings
        vectors = self.criteria.embed(texts) if needs_vectors else None
        crit_p = self.criteria.predict_proba(texts, vectors, repeated)
        crit = (crit_p >= self.criteria.thresholds).astype(np.int8)
        context = None
        if vectors is not None and self.evidence.uses_embeddings:
            context = self._context(vectors, positions, context_texts)
        ev_labels, ev_p = self.evidence.predict(texts, vectors, context)
        out = []
        for i, label in enumerate(ev_labels):
            out.append(
                SentenceLabels(
                    criteria={c: int(crit[i, j]) for j, c in enumerate(CRITERIA)},
                    criteria_p={c: float(crit_p[i, j]) for j, c in enumerate(CRITERIA)},
                    evidence=label,
                    evidence_p=float(ev_p[i].max()),
                )
            )
        return out

    def _context(
        self,
        vectors: np.ndarray,
        positions: Sequence[float] | None,
        context_texts: tuple[Sequence[str], Sequence[str]] | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        prev, nxt = neighbour_vectors(vectors, positions)
        if context_texts is None:
            return prev, nxt
        for side, texts, pick in (
            (prev, context_texts[0], last_sentence),
            (nxt, context_texts[1], first_sentence),
        ):
            missing = [i for i, t in enumerate(texts) if t and not side[i].any()]
            if missing:
                side[missing] = self.criteria.embed([pick(texts[i]) for i in missing])
        return prev, nxt
