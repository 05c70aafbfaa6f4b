"""Layer 2, evidence status: one of commitment, action, impact, negative, none for every sentence.

`EvidenceClassifier.load()` reads the committed weights in classify/models/evidence/ (made by
training/evidence_train.py); `predict(sentences)` labels one statement's sentences in
order. The model is a multinomial logistic regression over word n-grams, lexical cues (tense,
modality, negation, hedging, outcomes) and the rules' verdict (classify/evidence_rules.py) and,
when the caller passes them, the shared encoder's sentence embeddings (classify/encoder.py), so
the labeller runs the transformer once per sentence for both layers. Two heads are committed:
`embedding` (with the encoder's vectors) and `text` (without). Without weights: rules only.
A head's probabilities pass through its per-label decision weights (meta `class_weights`, chosen
at training) and then the guideline rules (`EvidenceClassifier.decide`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from classify.context import neighbour_vectors
from classify.encoder import ENCODER_DIR, ENCODER_FILE
from classify.evidence_features import NgramVocabulary, feature_matrix
from classify.evidence_rules import FUTURE, activity_counts, business_events, forward_list_items, rule_label
from vocabulary.labels import EVIDENCE_LABELS

MODEL_DIR = Path(__file__).parent / "models" / "evidence"
MODEL_NAME = "evidence_model"


@functools.lru_cache(maxsize=1)
def committed_impact_confidence(model_dir: str | None = None) -> float:
    """The committed model's statement-level impact threshold (0.5 without weights)."""
    path = Path(model_dir or MODEL_DIR) / f"{MODEL_NAME}.json"
    return float(json.loads(path.read_text()).get("impact_confidence", 0.5)) if path.exists() else 0.5


def _encoder_matches(fingerprint: str | None, encoder_dir: str | Path | None = None) -> bool:
    """Whether the encoder file is the one the embedding head was trained on."""
    path = Path(encoder_dir or ENCODER_DIR) / ENCODER_FILE
    if not fingerprint or not path.exists():
        return False
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] == fingerprint


@dataclass
class LinearHead:
    """Softmax regression weights: coef (n_labels, n_features), intercept (n_labels,)."""

    coef: np.ndarray
    intercept: np.ndarray

    def proba(self, x) -> np.ndarray:
        z = np.asarray(x @ self.coef.T) + self.intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class RuleMasks:
    """Which sentences the guideline rules applied after the model touch: computed once per list of
    sentences, so that training can try many decision weights without re-reading the text."""

    forward_list: np.ndarray
    activity: np.ndarray
    business: np.ndarray

    @classmethod
    def of(cls, texts: Sequence[str]) -> RuleMasks:
        """`texts` in statement order (forward-list items depend on their lead-in)."""
        return cls(forward_list_items(texts), activity_counts(texts), business_events(texts))

    @classmethod
    def concat(cls, parts: Sequence[tuple[np.ndarray, RuleMasks]], n: int) -> RuleMasks:
        """Masks of n rows assembled from (row indices, masks of those rows) parts."""
        out = {name: np.zeros(n, dtype=bool) for name in ("forward_list", "activity", "business")}
        for rows, masks in parts:
            for name, mask in out.items():
                mask[rows] = getattr(masks, name)
        return cls(**out)


@dataclass
class EvidenceClassifier:
    """Labels sentences with vocabulary.labels.EVIDENCE_LABELS; `heads` empty means rules only."""

    vocab: NgramVocabulary | None = None
    heads: dict[str, LinearHead] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    labels: tuple[str, ...] = EVIDENCE_LABELS

    @classmethod
    def load(
        cls, model_dir: str | Path | None = None, encoder_dir: str | Path | None = None
    ) -> EvidenceClassifier:
        """Load committed weights; without them, a rules-only classifier (and say so in `meta`).

        The embedding head is kept only if the encoder in `encoder_dir` (default: the committed
        one, classify/models/encoder) is the file it was trained on.
        """
        model_dir = Path(model_dir) if model_dir else MODEL_DIR
        meta_path, npz_path = model_dir / f"{MODEL_NAME}.json", model_dir / f"{MODEL_NAME}.npz"
        if not (meta_path.exists() and npz_path.exists()):
            return cls(meta={"kind": "rules", "version": "rules-1"})
        meta = json.loads(meta_path.read_text())
        arrays = np.load(npz_path)
        vocab = NgramVocabulary(meta["terms"], arrays["idf"])
        heads = {
            name: LinearHead(arrays[f"{name}_coef"].astype(np.float32), arrays[f"{name}_intercept"])
            for name in meta["heads"]
        }
        if "embedding" in heads and not _encoder_matches(meta.get("encoder_sha256"), encoder_dir):
            # vectors from another encoder would be read by weights fitted to different axes
            warnings.warn(
                "evidence model: the encoder is missing or not the one trained on; "
                "using the text head (retrain: python -m training.evidence_train)",
                stacklevel=2,
            )
            del heads["embedding"]
        labels = tuple(meta["labels"])
        if set(labels) != set(EVIDENCE_LABELS):
            raise ValueError(f"evidence model labels {labels} differ from vocabulary.labels.EVIDENCE_LABELS")
        return cls(vocab, heads, {k: v for k, v in meta.items() if k != "terms"}, labels)

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "rules-1"))

    @property
    def uses_embeddings(self) -> bool:
        """True when a head trained on the shared encoder's embeddings is available."""
        return "embedding" in self.heads

    @property
    def impact_confidence(self) -> float:
        """The impact probability a sentence needs for its statement to count as showing impact
        (chosen on the labelled whole statements at training; 0.5 for a model without one)."""
        return float(self.meta.get("impact_confidence", 0.5))

    def class_weights(self, head: str) -> np.ndarray | None:
        """The head's decision weights (EVIDENCE_LABELS order), or None where it has none."""
        weights = (self.meta.get("class_weights") or {}).get(head)
        return np.asarray(weights, dtype=np.float32) if weights else None

    def head_proba(
        self,
        sentences: Sequence[str],
        embeddings: np.ndarray | None = None,
        context: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, str]:
        """The head's own (n, 5) probabilities (EVIDENCE_LABELS order) and the head's name, before
        decision weights and rules (training tunes the weights on these). Needs `heads`."""
        texts = [s or "" for s in sentences]
        use_emb = embeddings is not None and "embedding" in self.heads
        if use_emb and len(embeddings) != len(texts):
            raise ValueError(f"{len(embeddings)} embeddings for {len(texts)} sentences")
        context_weight = float(self.meta.get("context_weight", 0.0)) if use_emb else 0.0
        if context_weight and context is None:
            context = neighbour_vectors(np.asarray(embeddings, dtype=np.float32))
        x = feature_matrix(
            self.vocab,
            texts,
            embeddings if use_emb else None,
            dense_weight=float(self.meta.get("dense_weight", 1.0)),
            embedding_weight=float(self.meta.get("embedding_weight", 1.0)),
            context=context,
            context_weight=context_weight,
        )
        head = "embedding" if use_emb else "text"
        proba = self.heads[head].proba(x)
        order = [self.labels.index(label) for label in EVIDENCE_LABELS]
        return proba[:, order].astype(np.float32), head

    def predict_proba(
        self,
        sentences: Sequence[str],
        embeddings: np.ndarray | None = None,
        context: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> np.ndarray:
        """(n, 5) probabilities in vocabulary.labels.EVIDENCE_LABELS order.

        `sentences` are one statement's sentences in order; `embeddings` (n, d), the shared
        encoder's vectors for them, select the embedding head when it exists. `context` is each
        sentence's (previous, next) vectors (classify.context.neighbour_vectors); by default the
        rows are taken as consecutive sentences.
        """
        texts = [s or "" for s in sentences]
        if not texts:
            return np.zeros((0, len(EVIDENCE_LABELS)), dtype=np.float32)
        masks = RuleMasks.of(texts)
        if not self.heads:
            return self._forward_lists(masks, self._rule_proba(texts))
        proba, head = self.head_proba(texts, embeddings, context)
        return self.decide(proba, masks, self.class_weights(head))

    @classmethod
    def decide(cls, proba: np.ndarray, masks: RuleMasks, weights: np.ndarray | None = None) -> np.ndarray:
        """A head's probabilities to the reported ones: scaled by the decision weights (renormalised)
        and then the guideline rules. Why weights: balanced class weights in training still leave
        impact under-called (grouped CV recall 0.36); scaling its probability moves the argmax where
        the labels say it should."""
        proba = np.array(proba, dtype=np.float32)
        if weights is not None:
            proba *= np.asarray(weights, dtype=np.float32)
            proba /= np.maximum(proba.sum(axis=1, keepdims=True), 1e-9)
        return cls._not_impact(masks, cls._forward_lists(masks, proba))

    @staticmethod
    def _not_impact(masks: RuleMasks, proba: np.ndarray) -> np.ndarray:
        """The guidelines' two readings the model gets wrong most visibly: a count of activity is
        `action` (impact's mass moves there), and a business event such as a pandemic closure is no
        impact (its mass goes to the other labels). Only rows the model reads as impact change."""
        impact, action = EVIDENCE_LABELS.index("impact"), EVIDENCE_LABELS.index("action")
        read_as_impact = proba.argmax(axis=1) == impact
        for row in np.flatnonzero(read_as_impact & masks.activity):
            proba[row, action] += proba[row, impact]
            proba[row, impact] = 0.0
        for row in np.flatnonzero(read_as_impact & masks.business):
            proba[row, impact] = 0.0
            proba[row] /= max(float(proba[row].sum()), 1e-9)
        return proba

    @staticmethod
    def _forward_lists(masks: RuleMasks, proba: np.ndarray) -> np.ndarray:
        """Items of a "Next steps:" list are plans: half the mass moves to commitment where the
        model read them as action or none (it sees one sentence; the lead-in is context)."""
        weak = np.isin(proba.argmax(axis=1), [EVIDENCE_LABELS.index("action"), EVIDENCE_LABELS.index("none")])
        rows = np.flatnonzero(masks.forward_list & weak)
        if len(rows):
            proba[rows] *= 0.5
            proba[rows, EVIDENCE_LABELS.index("commitment")] += 0.5
        return proba

    def predict(
        self,
        sentences: Sequence[str],
        embeddings: np.ndarray | None = None,
        context: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[list[str], np.ndarray]:
        """Labels (vocabulary.labels.EVIDENCE_LABELS) and the (n, 5) probability array."""
        proba = self.predict_proba(sentences, embeddings, context)
        labels = [EVIDENCE_LABELS[i] for i in proba.argmax(axis=1)] if len(proba) else []
        return labels, proba

    @staticmethod
    def forward_looking(sentences: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        """Commitments that look ahead (future modality or time, or an item of a plans list),
        as opposed to stance and policy content: AIMSCheck's "future commitment" notion."""
        future = np.array([bool(FUTURE.search(s or "")) for s in sentences], dtype=bool)
        future |= forward_list_items(sentences)
        return future & (np.asarray(labels, dtype=object) == "commitment")

    @staticmethod
    def _rule_proba(texts: Sequence[str]) -> np.ndarray:
        """Rules as probabilities: 0.6 on the rule's label, the rest spread evenly."""
        proba = np.full((len(texts), len(EVIDENCE_LABELS)), 0.1, dtype=np.float32)
        for i, text in enumerate(texts):
            proba[i, EVIDENCE_LABELS.index(rule_label(text))] = 0.6
        return proba
