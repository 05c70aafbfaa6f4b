"""Features of the evidence-status model: word n-grams, lexical cues, rule verdicts, sentence embeddings.

Training (training/evidence_train.py) and inference (classify/evidence.py) build the
matrix with these same functions, so there is no train/serve skew. The vocabulary is plain
data (a term list and idf weights) stored beside the weights: no pickles.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from classify.evidence_rules import CUE_NAMES, cue_vector, label_from_cues, sentence_cues
from vocabulary.labels import EVIDENCE_LABELS

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*|%")
_YEAR = re.compile(r"^(19|20)\d\d$")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; numbers become shape tokens so that '2018' and '227' generalise."""
    out = []
    for tok in _TOKEN.findall((text or "").lower()):
        if tok[0].isdigit():
            tok = "<year>" if _YEAR.match(tok) else "<num>"
        elif tok == "%":
            tok = "<pct>"
        out.append(tok)
    return out


def ngrams(text: str) -> list[str]:
    """Unigrams and bigrams of `tokens(text)`."""
    toks = tokens(text)
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]


@dataclass
class NgramVocabulary:
    """Term → column map with idf weights; transforms texts to sublinear, L2-normalised tf-idf rows."""

    terms: list[str]
    idf: np.ndarray

    def __post_init__(self) -> None:
        self.index = {t: i for i, t in enumerate(self.terms)}

    @classmethod
    def fit(cls, texts: Iterable[str], min_df: int = 2, max_terms: int = 20000) -> NgramVocabulary:
        """Keep terms seen in at least `min_df` texts (the `max_terms` most frequent)."""
        texts = list(texts)
        df: Counter[str] = Counter()
        for text in texts:
            df.update(set(ngrams(text)))
        kept = sorted((t for t, c in df.items() if c >= min_df), key=lambda t: (-df[t], t))[:max_terms]
        kept.sort()
        n = len(texts)
        idf = np.array([np.log((1 + n) / (1 + df[t])) + 1.0 for t in kept], dtype=np.float32)
        return cls(kept, idf)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        rows, cols, vals = [], [], []
        for r, text in enumerate(texts):
            counts = Counter(self.index[g] for g in ngrams(text) if g in self.index)
            if not counts:
                continue
            idx = np.fromiter(counts.keys(), dtype=np.int64)
            tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32))
            w = tf * self.idf[idx]
            w /= np.linalg.norm(w) or 1.0
            rows.extend([r] * len(idx))
            cols.extend(idx.tolist())
            vals.extend(w.tolist())
        return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(self.terms)), dtype=np.float32)


DENSE_NAMES: tuple[str, ...] = tuple(CUE_NAMES) + tuple(f"rule_{label}" for label in EVIDENCE_LABELS)


def dense_features(texts: Sequence[str]) -> np.ndarray:
    """Lexical cues plus the rules' label one-hot: (n, len(DENSE_NAMES)).

    The one-hot lets the model learn how far to trust each rule; in grouped CV it added about
    two macro-F1 points and halved the spread across fold seeds.
    """
    out = np.zeros((len(texts), len(DENSE_NAMES)), dtype=np.float32)
    for i, text in enumerate(texts):
        cues = sentence_cues(text)
        out[i, : len(CUE_NAMES)] = cue_vector(cues)
        out[i, len(CUE_NAMES) + EVIDENCE_LABELS.index(label_from_cues(cues))] = 1.0
    return out


def feature_matrix(
    vocab: NgramVocabulary,
    texts: Sequence[str],
    embeddings: np.ndarray | None = None,
    dense_weight: float = 1.0,
    embedding_weight: float = 1.0,
    context: tuple[np.ndarray, np.ndarray] | None = None,
    context_weight: float = 0.0,
) -> sparse.csr_matrix:
    """[tf-idf | cues and rule one-hot | sentence embedding | previous, next sentence embeddings].

    The embedding blocks are L2-normalised; ``context`` holds the neighbours' vectors from the same
    encoder pass (zero rows where a sentence has no true neighbour), so context costs no extra
    encoding. Neighbour *cues* are left out: they lowered grouped-CV macro-F1; neighbour vectors
    at a small weight raised it (classify/models/evidence/README.md).
    """
    blocks = [vocab.transform(texts), sparse.csr_matrix(dense_weight * dense_features(texts))]
    if embeddings is not None:
        blocks.append(sparse.csr_matrix(embedding_weight * _unit(embeddings)))
        if context is not None and context_weight:
            blocks += [sparse.csr_matrix(context_weight * _unit(side)) for side in context]
    return sparse.hstack(blocks, format="csr", dtype=np.float32)


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
