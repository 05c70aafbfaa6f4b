"""Neighbour context from per-sentence vectors: each sentence is read with the ones around it.

Why vectors, not text windows: encoding each sentence once and pooling its neighbours'
vectors costs almost nothing, where re-encoding a window of text per sentence would multiply
the encoder's work by the window size. AIMS.au gained about 3 F1 points from context.

The criteria head applies ``shift`` and ``window_mean`` to a learned projection of each sentence
(classify.criteria); ``context_features`` concatenates raw blocks, for small feature sets such
as rule scores (concatenating raw 384-d neighbour vectors over-fitted the criteria data).
All functions take one statement's rows in order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

WINDOW = 3  # sentences each side pooled into the "window" block


def shift(x: np.ndarray, k: int) -> np.ndarray:
    """Row i of the result is row i-k of ``x`` (zeros past either end): k=1 gives each row's predecessor."""
    out = np.zeros_like(x)
    n = len(x)
    if k > 0 and k < n:
        out[k:] = x[: n - k]
    elif k < 0 and -k < n:
        out[: n + k] = x[-k:]
    return out


def window_mean(x: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Mean of the rows within ``window`` on each side, excluding the row itself (zeros when none)."""
    n = len(x)
    if n == 0:
        return x.copy()
    csum = np.concatenate(
        [np.zeros((1,) + x.shape[1:], dtype=np.float64), np.cumsum(x, axis=0, dtype=np.float64)]
    )
    idx = np.arange(n)
    lo = np.maximum(idx - window, 0)
    hi = np.minimum(idx + window + 1, n)
    total = csum[hi] - csum[lo] - x
    count = (hi - lo - 1).reshape((-1,) + (1,) * (x.ndim - 1))
    return (total / np.maximum(count, 1)).astype(x.dtype)


def context_features(x: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """One statement's rows in order -> [self, previous, next, window mean, statement mean] per row.

    Works for sentence vectors (n, d) and for rule scores (n, 11) alike; returns (n, 5 * d).
    """
    if len(x) == 0:
        return np.zeros((0, 5 * x.shape[1]), dtype=x.dtype)
    doc = np.broadcast_to(x.mean(axis=0, keepdims=True), x.shape)
    return np.concatenate([x, shift(x, 1), shift(x, -1), window_mean(x, window), doc], axis=1)


def group_slices(statement_ids: list[str] | np.ndarray) -> list[slice]:
    """Contiguous runs of equal statement ids (rows must already be grouped by statement)."""
    ids = list(statement_ids)
    slices, start = [], 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or ids[i] != ids[start]:
            slices.append(slice(start, i))
            start = i
    return slices


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def adjacent(positions: Sequence[float] | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Whether row i's predecessor / successor in the given order is its true neighbour.

    Rows of a document are neighbours; rows of a CSV of sampled sentences are neighbours only
    where their positions differ by one (``positions`` None: every row is next to the next).
    """
    if positions is None:
        prev = np.arange(n) > 0
        return prev, np.roll(prev, -1) if n else prev
    pos = np.asarray(positions, dtype=np.float64)
    step = np.diff(pos) == 1
    return np.concatenate([[False], step])[:n], np.concatenate([step, [False]])[:n]


def neighbour_vectors(
    vectors: np.ndarray, positions: Sequence[float] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(previous, next) sentence vector per row, zeros where the row has no true neighbour."""
    prev_ok, next_ok = adjacent(positions, len(vectors))
    prev, nxt = shift(vectors, 1), shift(vectors, -1)
    prev[~prev_ok] = 0
    nxt[~next_ok] = 0
    return prev, nxt


def last_sentence(text: str) -> str:
    """The last sentence of a context string (a CSV's ``context_before`` may hold several)."""
    parts = _SENTENCE_END.split((text or "").strip())
    return parts[-1] if parts else ""


def first_sentence(text: str) -> str:
    """The first sentence of a context string (``context_after``)."""
    parts = _SENTENCE_END.split((text or "").strip())
    return parts[0] if parts else ""
