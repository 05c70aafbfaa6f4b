"""Criteria classifier: the 11 AIMS questions for every sentence of one statement.

    from classify.criteria import CriteriaClassifier
    clf = CriteriaClassifier.load()                  # once per process; offline, CPU
    p = clf.predict_proba(sentences)                 # (n, 11) in vocabulary.labels.CRITERIA order
    y = clf.predict(sentences)                       # 0/1 with clf.thresholds (shape (11,))

``sentences`` are one statement's sentences in document order: each sentence's neighbours are
its context. The model is the shared sentence encoder (classify.encoder), neighbour pooling
(classify.context), the rule scores (classify.criteria_rules) and a small MLP head stored as
numpy arrays (classify/models/criteria), blended with a sparse word n-gram logistic regression
(``NgramHead``) and the rule scores. All 11 questions are learnt (C1 and C6 from the AIMS.au
experts' statements); a slot listed in meta.json's ``rule_slots`` takes the rule score as it is.
Without a committed head the classifier falls back to the rules alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from classify.context import shift, window_mean
from classify.criteria_rules import rule_matrix
from classify.encoder import SentenceEncoder, embed
from classify.evidence_features import NgramVocabulary
from vocabulary.labels import CRITERIA

MODEL_DIR = Path(__file__).resolve().parent / "models" / "criteria"
HEAD_FILE = "head.npz"
NGRAM_FILE = "ngram.npz"
META_FILE = "meta.json"
RULES_ONLY_THRESHOLD = 0.45


@dataclass
class ContextHeadArrays:
    """The trained context heads (an ensemble of K seeds) as numpy arrays: no torch needed to predict.

    Each sentence's input (its vector and rule scores) is standardised and projected to a small
    vector h; the output reads [h, h of the previous sentence, h of the next, mean h of the
    window] (classify.context), as training.criteria_model.ContextHead does in torch.
    Arrays carry a leading K axis; the K heads' probabilities are averaged.
    """

    w_proj: np.ndarray  # (K, in, proj)
    b_proj: np.ndarray  # (K, proj)
    w_out: np.ndarray  # (K, 4 * proj, 11)
    b_out: np.ndarray  # (K, 11)
    w_skip: np.ndarray  # (K, 11, 11): standardised rule scores straight to the logits
    mean: np.ndarray  # (in,)
    scale: np.ndarray  # (in,)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale).astype(np.float32)
        p = np.zeros((len(x), self.w_out.shape[-1]), dtype=np.float32)
        for k in range(len(self.w_proj)):
            h = np.maximum(z @ self.w_proj[k] + self.b_proj[k], 0)
            logits = np.concatenate([h, shift(h, 1), shift(h, -1), window_mean(h)], axis=1) @ self.w_out[k]
            logits += z[:, -self.w_skip.shape[1] :] @ self.w_skip[k]
            p += 1.0 / (1.0 + np.exp(-np.clip(logits + self.b_out[k], -30, 30)))
        return p / len(self.w_proj)

    @classmethod
    def load(cls, path: Path) -> ContextHeadArrays:
        data = np.load(path)
        return cls(**{k: data[k] for k in ("w_proj", "b_proj", "w_out", "b_out", "w_skip", "mean", "scale")})

    def save(self, path: Path) -> None:
        np.savez_compressed(path, **{k: np.asarray(v, dtype=np.float32) for k, v in self.__dict__.items()})


def ngram_features(
    vocab: NgramVocabulary,
    sentences: Sequence[str],
    rules: np.ndarray,
    context_weight: float,
    rule_scale: float,
) -> sparse.csr_matrix:
    """[tf-idf of the sentence | context_weight x tf-idf of the previous and next sentence | rule scores].

    ``sentences`` are one statement's sentences in order (or several statements stacked, when
    ``context_weight`` is 0). The evidence model's word 1-2 gram vocabulary class is reused as is.
    """
    x = vocab.transform(sentences)
    blocks = [x]
    if context_weight > 0:
        prev = sparse.vstack([sparse.csr_matrix((1, x.shape[1]), dtype=x.dtype), x[:-1]])
        nxt = sparse.vstack([x[1:], sparse.csr_matrix((1, x.shape[1]), dtype=x.dtype)])
        blocks += [context_weight * prev, context_weight * nxt]
    blocks.append(sparse.csr_matrix(rule_scale * np.asarray(rules, dtype=np.float32)))
    return sparse.hstack(blocks, format="csr", dtype=np.float32)


@dataclass
class NgramHead:
    """One logistic regression per criterion over word n-grams (with neighbours) and the rule scores.

    Why beside the context head: the frozen encoder blurs wording that the definitions hinge on
    ("remediation", "KPI", "signed"); sparse n-grams keep it. Columns without a model (no labelled
    positive in training) have zero weights and a very negative bias, so they score about 0
    (the blend uses the rules there).
    """

    vocab: NgramVocabulary
    coef: np.ndarray  # (n_features, 11)
    intercept: np.ndarray  # (11,)
    context_weight: float
    rule_scale: float

    def __call__(self, sentences: Sequence[str], rules: np.ndarray) -> np.ndarray:
        if not len(sentences):
            return np.zeros((0, len(self.intercept)), dtype=np.float32)
        x = ngram_features(self.vocab, sentences, rules, self.context_weight, self.rule_scale)
        logits = np.asarray(x @ self.coef) + self.intercept
        return (1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))).astype(np.float32)

    @classmethod
    def load(cls, path: Path) -> NgramHead:
        data = np.load(path)
        return cls(
            NgramVocabulary([str(t) for t in data["terms"]], data["idf"].astype(np.float32)),
            data["coef"].astype(np.float32),
            data["intercept"].astype(np.float32),
            float(data["context_weight"]),
            float(data["rule_scale"]),
        )

    def save(self, path: Path) -> None:
        # float16 weights: a third of the size, and the scores move by < 1e-3
        np.savez_compressed(
            path,
            terms=np.array(self.vocab.terms, dtype=str),
            idf=self.vocab.idf.astype(np.float16),
            coef=self.coef.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
            context_weight=np.float32(self.context_weight),
            rule_scale=np.float32(self.rule_scale),
        )


def criteria_inputs(embeddings: np.ndarray, rules: np.ndarray) -> np.ndarray:
    """Head input per sentence: its encoder vector and its rule scores (context is added in the head)."""
    return np.concatenate([embeddings, rules], axis=1).astype(np.float32)


def blend_scores(
    head_p: np.ndarray,
    rules: np.ndarray,
    rule_weight: float,
    rule_slots: Sequence[int],
    ngram_p: np.ndarray | None = None,
    ngram_weight: float = 0.0,
) -> np.ndarray:
    """Final scores: the context head, the n-gram head and the rule scores mixed with fixed weights.

    The head gets what the other two leave (1 - rule_weight - ngram_weight). Rule-only slots (C1,
    C6) take the rules as they are. Why mix: the n-gram and encoder heads err differently, and
    the rules come from the definitions, not from the labelled folds; the weights were chosen on
    grouped-CV out-of-fold scores and kept only where training on one jurisdiction and testing
    on the other improved too (classify/models/criteria/README.md).
    """
    p = (1.0 - rule_weight - ngram_weight) * head_p + rule_weight * rules
    if ngram_p is not None and ngram_weight:
        p = p + ngram_weight * ngram_p
    p = p.astype(np.float32)
    for j in rule_slots:
        p[:, j] = rules[:, j]
    return p


class CriteriaClassifier:
    """Scores the 11 criteria questions per sentence; ``thresholds`` turn scores into 0/1."""

    criteria: tuple[str, ...] = CRITERIA

    def __init__(
        self,
        head: ContextHeadArrays | None,
        thresholds: np.ndarray,
        rule_slots: Sequence[str] = (),
        encoder: SentenceEncoder | None = None,
        version: str = "rules",
        rule_weight: float = 0.0,
        ngram: NgramHead | None = None,
        ngram_weight: float = 0.0,
    ) -> None:
        self.head = head
        self.rule_weight = rule_weight
        self.ngram = ngram
        self.ngram_weight = ngram_weight if ngram is not None else 0.0
        self.thresholds = np.asarray(thresholds, dtype=np.float32)
        self.rule_slots = [CRITERIA.index(c) for c in rule_slots]
        self._encoder = encoder
        self.version = version

    @classmethod
    def load(cls, folder: str | Path | None = None) -> CriteriaClassifier:
        """The committed model (or the one in ``folder``); the rules alone where no head is committed."""
        folder = Path(folder) if folder is not None else MODEL_DIR
        meta_path = folder / META_FILE
        if not (folder / HEAD_FILE).exists() or not meta_path.exists():
            return cls.rules_only()
        meta = json.loads(meta_path.read_text())

        enc_dir = meta.get("encoder_dir")
        encoder = SentenceEncoder.load((folder / enc_dir).resolve() if enc_dir else None)
        ngram = NgramHead.load(folder / NGRAM_FILE) if (folder / NGRAM_FILE).exists() else None
        return cls(
            ContextHeadArrays.load(folder / HEAD_FILE),
            np.array([meta["thresholds"][c] for c in CRITERIA]),
            meta.get("rule_slots", []),
            encoder,
            meta.get("version", "model"),
            meta.get("rule_weight", 0.0),
            ngram,
            meta.get("ngram_weight", 0.0),
        )

    @classmethod
    def rules_only(cls) -> CriteriaClassifier:
        """The rules from the AIMS definitions alone: the baseline and the no-model fallback."""
        return cls(None, np.full(len(CRITERIA), RULES_ONLY_THRESHOLD), CRITERIA, None, "rules")

    @property
    def encoder(self) -> SentenceEncoder | None:
        """The sentence encoder this model reads (None for the rules alone)."""
        return self._encoder

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        """Sentence vectors from this model's encoder, to share with other classifiers."""
        if self._encoder is None:
            return embed(sentences)
        return self._encoder.embed(sentences)

    def predict_proba(
        self,
        sentences: Sequence[str],
        embeddings: np.ndarray | None = None,
        repeated: np.ndarray | None = None,
    ) -> np.ndarray:
        """(n, 11) float32 scores for one statement's sentences in order.

        Pass ``embeddings`` (from ``embed``) when they were already computed for this statement, and
        ``repeated`` (criteria_rules.repeated_lines over the whole statement) when ``sentences`` are
        only part of it.
        """
        sentences = list(sentences)
        rules = rule_matrix(sentences, repeated)
        if self.head is None or not sentences:
            return rules
        if embeddings is None:
            embeddings = self.embed(sentences)
        ngram_p = self.ngram(sentences, rules) if self.ngram is not None else None
        return blend_scores(
            self.head(criteria_inputs(embeddings, rules)),
            rules,
            self.rule_weight,
            self.rule_slots,
            ngram_p,
            self.ngram_weight,
        )

    def predict(self, sentences: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """(n, 11) int8 0/1 labels: scores at or above each criterion's threshold."""
        return (self.predict_proba(sentences, embeddings) >= self.thresholds).astype(np.int8)
