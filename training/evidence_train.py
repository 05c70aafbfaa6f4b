"""Train the evidence-status model and write classify/models/evidence/ (reproduces the committed weights).

Recipe: the 553 adjudicated sentences of ../shared/labels/evidence_dev.csv and the two-pass labels
made for msa (bench/labels/evidence_two_pass.json, training.evidence_two_pass), each with
its neighbours; features from classify/evidence_features.py (word 1-2 grams with sublinear tf-idf,
min_df 2; 27 lexical cues; the rules' label one-hot; the shared encoder's 384-d vector of the
sentence and, at CONTEXT_WEIGHT, of the sentence before and after); multinomial logistic
regression, C=10, balanced class weights. Two heads: `embedding` and `text` (the same recipe
without vectors, for callers that have no encoder). On the grouped-CV out-of-fold probabilities
of the embedding head: per-label decision weights (`class_weights`, the best macro-F1) and then
the statement-level impact threshold (`impact_confidence`, on the statements labelled whole).

    python -m training.evidence_train [--shared ../shared] [--out classify/models/evidence]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold
from tqdm import tqdm

from classify.encoder import ENCODER_DIR, ENCODER_FILE, SentenceEncoder
from classify.evidence import MODEL_DIR, MODEL_NAME, EvidenceClassifier, LinearHead, RuleMasks
from classify.evidence_features import DENSE_NAMES, NgramVocabulary, feature_matrix
from db.schema import EVIDENCE_LABELS
from training.evidence_data import load_training

C = 10.0
MIN_DF = 2
CONTEXT_WEIGHT = 0.5
FOLDS = 5
MODEL_VERSION = "evidence-lr-ctx-4"  # 4: per-label decision weights; 3: activity counts, business events
IMPACT = EVIDENCE_LABELS.index("impact")
CONFIDENCE_GRID = tuple(round(t, 2) for t in np.arange(0.3, 0.96, 0.05))
WEIGHT_GRID = tuple(float(w) for w in np.round(2.0 ** np.arange(-2.0, 4.01, 0.25), 3))  # 0.25 .. 16
WEIGHT_ROUNDS = 2


def encoder_fingerprint(encoder_dir: str | Path | None = None) -> str | None:
    """sha256 (first 16 hex) of the encoder's ONNX file, or None when there is none."""
    path = Path(encoder_dir or ENCODER_DIR) / ENCODER_FILE
    if not path.exists():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def embed_texts(texts: Sequence[str], encoder_dir: str | Path | None = None) -> np.ndarray | None:
    """The shared encoder's vectors for `texts` (one thread), or None when no encoder is committed."""
    if encoder_fingerprint(encoder_dir) is None:
        return None

    encoder = SentenceEncoder.load(encoder_dir, threads=1) if encoder_dir else SentenceEncoder.load(threads=1)
    return encoder.embed(list(texts))


@dataclass
class Vectors:
    """Encoder vectors of each training sentence and of its neighbours (zero rows where none)."""

    sentence: np.ndarray
    before: np.ndarray
    after: np.ndarray

    def rows(self, idx: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        return self.sentence[idx], (self.before[idx], self.after[idx])


def training_vectors(frame: pd.DataFrame, encoder_dir: str | Path | None = None) -> Vectors | None:
    """Encode every distinct text of the frame once (sentences and their context)."""
    texts = sorted(set(frame["sentence"]) | set(frame["context_before"]) | set(frame["context_after"]))
    vectors = embed_texts(texts, encoder_dir)
    if vectors is None:
        return None
    index = {t: i for i, t in enumerate(texts)}

    def take(column: str) -> np.ndarray:
        out = vectors[[index[t] for t in frame[column]]].astype(np.float32)
        out[(frame[column] == "").to_numpy()] = 0.0
        return out

    return Vectors(take("sentence"), take("context_before"), take("context_after"))


def fit_head(
    vocab: NgramVocabulary,
    texts: Sequence[str],
    y: np.ndarray,
    embeddings: np.ndarray | None,
    c: float = C,
    context: tuple[np.ndarray, np.ndarray] | None = None,
    context_weight: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Fit one softmax head; return (coef, intercept) in EVIDENCE_LABELS order."""
    x = feature_matrix(vocab, texts, embeddings, context=context, context_weight=context_weight)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(x, y)
    coef = np.zeros((len(EVIDENCE_LABELS), x.shape[1]), dtype=np.float32)
    intercept = np.full(len(EVIDENCE_LABELS), -30.0, dtype=np.float32)  # a label absent from training
    coef[model.classes_] = model.coef_
    intercept[model.classes_] = model.intercept_
    return coef, intercept


def fit_model(
    texts: Sequence[str],
    labels: Sequence[str],
    embeddings: np.ndarray | None = None,
    c: float = C,
    context: tuple[np.ndarray, np.ndarray] | None = None,
    context_weight: float = CONTEXT_WEIGHT,
    text_head: bool = True,
) -> tuple[NgramVocabulary, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Vocabulary and heads ("text", plus "embedding" when embeddings are given).

    ``text_head=False`` skips the text head where only the embedding head is scored (CV).
    """
    y = np.array([EVIDENCE_LABELS.index(label) for label in labels])
    vocab = NgramVocabulary.fit(texts, min_df=MIN_DF)
    heads = {"text": fit_head(vocab, texts, y, None, c)} if text_head or embeddings is None else {}
    if embeddings is not None:
        heads["embedding"] = fit_head(vocab, texts, y, embeddings, c, context, context_weight)
    return vocab, heads


def grouped_folds(
    frame: pd.DataFrame, seed: int = 0, folds: int = FOLDS
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Folds grouped by company (evidence_data.statement_group), stratified by label."""
    splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
    return list(splitter.split(frame["sentence"], frame["label"], frame["group"]))


def out_of_fold(
    frame: pd.DataFrame,
    vectors: Vectors | None,
    folds: list[tuple[np.ndarray, np.ndarray]],
    train_mask: np.ndarray | None = None,
    context_weight: float = CONTEXT_WEIGHT,
    progress: tqdm | None = None,
    head_only: bool = False,
) -> np.ndarray:
    """(n, 5) out-of-fold probabilities of the embedding head (text head without vectors).

    ``train_mask`` limits what each fold trains on (e.g. evidence_dev.csv alone) while the
    test rows stay the same, so two recipes are compared on the same folds. ``head_only``: the
    head's own probabilities, before the guideline rules (`fold_masks`, `EvidenceClassifier.decide`).
    """
    texts = frame["sentence"].tolist()
    labels = frame["label"].to_numpy()
    proba = np.zeros((len(frame), len(EVIDENCE_LABELS)), dtype=np.float32)
    for train, test in folds:
        if train_mask is not None:
            train = train[train_mask[train]]
        emb, ctx = vectors.rows(train) if vectors is not None else (None, None)
        vocab, heads = fit_model(
            [texts[i] for i in train], labels[train], emb, C, ctx, context_weight, text_head=False
        )
        meta = {"version": "cv", "context_weight": context_weight}
        clf = EvidenceClassifier(vocab, {k: LinearHead(w, b) for k, (w, b) in heads.items()}, meta)
        emb, ctx = vectors.rows(test) if vectors is not None else (None, None)
        test_texts = [texts[i] for i in test]
        proba[test] = (
            clf.head_proba(test_texts, emb, ctx)[0] if head_only else clf.predict_proba(test_texts, emb, ctx)
        )
        if progress is not None:
            progress.update()
    return proba


def fold_masks(frame: pd.DataFrame, folds: list[tuple[np.ndarray, np.ndarray]]) -> RuleMasks:
    """The guideline rules' masks of every row, each fold's test rows read in order as
    `out_of_fold` reads them, so `decide` on head-only OOF scores gives its probabilities."""
    texts = frame["sentence"].tolist()
    parts = [(test, RuleMasks.of([texts[i] for i in test])) for _, test in folds]
    return RuleMasks.concat(parts, len(frame))


def choose_class_weights(y: np.ndarray, head: np.ndarray, masks: RuleMasks) -> np.ndarray:
    """Per-label decision weights (EVIDENCE_LABELS order) with the best macro-F1 of the decided
    labels: coordinate ascent over WEIGHT_GRID, `none` fixed at 1 (only ratios matter), a move
    taken only when it raises the score. Why: in grouped CV, nested (chosen on the other folds),
    this raised impact F1 0.424 -> 0.436 and macro-F1 0.720 -> 0.728 (classify/models/evidence/README.md)."""
    weights = np.ones(len(EVIDENCE_LABELS), dtype=np.float32)

    def score(w: np.ndarray) -> float:
        pred = EvidenceClassifier.decide(head, masks, w).argmax(axis=1)
        return float(
            f1_score(y, pred, labels=list(range(len(EVIDENCE_LABELS))), average="macro", zero_division=0)
        )

    best = score(weights)
    tuned = [IMPACT] + [i for i, label in enumerate(EVIDENCE_LABELS) if label not in ("impact", "none")]
    for _ in range(WEIGHT_ROUNDS):
        for label in tuned:
            for w in WEIGHT_GRID:
                trial = weights.copy()
                trial[label] = w
                s = score(trial)
                if s > best + 1e-9:
                    best, weights = s, trial
    return weights


def label_index(labels: Sequence[str]) -> np.ndarray:
    return np.array([EVIDENCE_LABELS.index(label) for label in labels])


def nested_decision(
    frame: pd.DataFrame, folds: list[tuple[np.ndarray, np.ndarray]], head: np.ndarray, masks: RuleMasks
) -> tuple[np.ndarray, list[list[float]]]:
    """Honest probabilities of the weighted recipe: each fold's test rows decided with the weights
    chosen on the other folds' out-of-fold rows. Returns (proba, the weights of each fold)."""
    y = label_index(frame["label"])
    proba = np.zeros_like(head)
    chosen = []
    for _, test in folds:
        other = np.setdiff1d(np.arange(len(frame)), test)
        weights = choose_class_weights(y[other], head[other], _take(masks, other))
        proba[test] = EvidenceClassifier.decide(head[test], _take(masks, test), weights)
        chosen.append([round(float(w), 3) for w in weights])
    return proba, chosen


def _take(masks: RuleMasks, rows: np.ndarray) -> RuleMasks:
    return RuleMasks(masks.forward_list[rows], masks.activity[rows], masks.business[rows])


def statement_calls(frame: pd.DataFrame, proba: np.ndarray, confidence: float) -> pd.DataFrame:
    """Per statement labelled whole: gold (any impact sentence) against the model's call (a
    sentence labelled impact with probability at least ``confidence``)."""
    whole = frame["whole"].to_numpy()
    picked = (proba.argmax(axis=1) == IMPACT) & (proba[:, IMPACT] >= confidence)
    calls = pd.DataFrame(
        {
            "statement_id": frame["statement_id"].to_numpy()[whole],
            "gold": (frame["label"].to_numpy()[whole] == "impact"),
            "called": picked[whole],
        }
    )
    return calls.groupby("statement_id").agg(gold=("gold", "any"), called=("called", "any"))


def choose_impact_confidence(frame: pd.DataFrame, proba: np.ndarray) -> float:
    """The threshold with the best statement-level F1 on the whole statements (the higher on ties:
    a wrong "shows impact" misleads a reader more than a missed one)."""
    best, best_f1 = 0.5, -1.0
    for t in CONFIDENCE_GRID:
        calls = statement_calls(frame, proba, t)
        tp = int((calls["gold"] & calls["called"]).sum())
        f1 = 2 * tp / max(1, int(calls["gold"].sum()) + int(calls["called"].sum()))
        if f1 >= best_f1:
            best, best_f1 = t, f1
    return float(best)


def save_model(
    out_dir: str | Path, vocab: NgramVocabulary, heads: dict[str, tuple[np.ndarray, np.ndarray]], meta: dict
) -> list[Path]:
    """Write `<MODEL_NAME>.json` (labels, terms, recipe) and `<MODEL_NAME>.npz` (idf, heads)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    arrays = {"idf": vocab.idf.astype(np.float32)}
    for name, (coef, intercept) in heads.items():
        arrays[f"{name}_coef"] = coef.astype(np.float16)  # halves the file; probabilities move < 1e-3
        arrays[f"{name}_intercept"] = intercept.astype(np.float32)
    meta = {
        **meta,
        "labels": list(EVIDENCE_LABELS),
        "heads": list(heads),
        "dense_names": list(DENSE_NAMES),
        "terms": vocab.terms,
    }
    paths = [out / f"{MODEL_NAME}.json", out / f"{MODEL_NAME}.npz"]
    paths[0].write_text(json.dumps(meta, indent=0, ensure_ascii=False))
    np.savez_compressed(paths[1], **arrays)
    return paths


def train(
    shared: str | Path | None = None,
    out_dir: str | Path = MODEL_DIR,
    encoder_dir: str | Path | None = None,
    corrections: str | Path | None = None,
) -> list[Path]:
    """Train on every labelled source (and the readers' corrections in the database `corrections`)
    and write the model; returns the files written."""
    frame = load_training(shared, corrections=corrections)
    steps = tqdm(total=FOLDS + 3, desc="evidence model", unit="step")
    steps.set_postfix_str("embedding sentences and neighbours")
    vectors = training_vectors(frame, encoder_dir)
    steps.update()
    steps.set_postfix_str("grouped CV for the decision weights and the statement-level threshold")
    folds = grouped_folds(frame)
    head = out_of_fold(frame, vectors, folds, progress=steps, head_only=True)
    masks = fold_masks(frame, folds)
    weights = choose_class_weights(label_index(frame["label"]), head, masks)
    proba = EvidenceClassifier.decide(head, masks, weights)
    confidence = choose_impact_confidence(frame, proba) if frame["whole"].any() else 0.5
    steps.set_postfix_str("fitting heads")
    emb, ctx = vectors.rows(np.arange(len(frame))) if vectors is not None else (None, None)
    vocab, heads = fit_model(frame["sentence"].tolist(), frame["label"].tolist(), emb, C, ctx)
    steps.update()
    meta = {
        "kind": "logistic_regression",
        "version": MODEL_VERSION,
        "c": C,
        "min_df": MIN_DF,
        "class_weight": "balanced",
        "context_weight": CONTEXT_WEIGHT if vectors is not None else 0.0,
        "impact_confidence": confidence,
        # the head the OOF scores came from; the other head has no weights (1 for every label)
        "class_weights": {
            "embedding" if vectors is not None else "text": [round(float(w), 3) for w in weights]
        },
        "train_sources": {str(k): int(v) for k, v in frame["source"].value_counts().items()},
        "n_train": len(frame),
        "encoder_sha256": encoder_fingerprint(encoder_dir) if vectors is not None else None,
    }
    paths = save_model(out_dir, vocab, heads, meta)
    steps.update()
    steps.close()
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=None, help="the shared data folder (default ../shared)")
    parser.add_argument("--out", default=str(MODEL_DIR))
    parser.add_argument("--encoder-dir", default=None, help="default classify/models/encoder")
    args = parser.parse_args(argv)
    for path in train(args.shared, args.out, args.encoder_dir):
        print(f"{path} {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
