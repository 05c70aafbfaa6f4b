"""Train the evidence-status model and write classify/models/evidence/ (reproduces the committed weights).

Recipe: the 553 adjudicated sentences of ../shared/labels/evidence_dev.csv; features from
classify/evidence_features.py (word 1-2 grams with sublinear tf-idf, min_df 2; 27 lexical cues;
the rules' label one-hot; the shared encoder's 384-d sentence vector); multinomial logistic
regression, C=10, balanced class weights (impact is 14 of 553). Two heads: `embedding` and
`text` (same recipe without the vector, for callers that have no encoder). The AIMS future and
negative comments are not trained on: in grouped CV they lowered dev macro-F1 by about two
points (their "future" is narrower than our `commitment`); they serve as evaluation sets.

    python -m classify.training.evidence_train [--shared ../shared] [--out classify/models/evidence]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from tqdm import tqdm

from classify.evidence import MODEL_DIR, MODEL_NAME
from classify.evidence_features import DENSE_NAMES, NgramVocabulary, feature_matrix
from classify.training.evidence_data import load_dev
from db.schema import EVIDENCE_LABELS

C = 10.0
MIN_DF = 2
MODEL_VERSION = "evidence-lr-1"


def encoder_fingerprint(encoder_dir: str | Path | None = None) -> str | None:
    """sha256 (first 16 hex) of the encoder's ONNX file, or None when there is none."""
    from classify.encoder import ENCODER_DIR, ENCODER_FILE

    path = Path(encoder_dir or ENCODER_DIR) / ENCODER_FILE
    if not path.exists():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def embed_texts(texts: Sequence[str], encoder_dir: str | Path | None = None) -> np.ndarray | None:
    """The shared encoder's vectors for `texts` (one thread), or None when no encoder is committed."""
    if encoder_fingerprint(encoder_dir) is None:
        return None
    from classify.encoder import SentenceEncoder

    encoder = SentenceEncoder.load(encoder_dir, threads=1) if encoder_dir else SentenceEncoder.load(threads=1)
    return encoder.embed(list(texts))


def fit_head(
    vocab: NgramVocabulary, texts: Sequence[str], y: np.ndarray, embeddings: np.ndarray | None, c: float = C
) -> tuple[np.ndarray, np.ndarray]:
    """Fit one softmax head; return (coef, intercept) in EVIDENCE_LABELS order."""
    x = feature_matrix(vocab, texts, embeddings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(x, y)
    coef = np.zeros((len(EVIDENCE_LABELS), x.shape[1]), dtype=np.float32)
    intercept = np.full(len(EVIDENCE_LABELS), -30.0, dtype=np.float32)  # a label absent from training
    coef[model.classes_] = model.coef_
    intercept[model.classes_] = model.intercept_
    return coef, intercept


def fit_model(
    texts: Sequence[str], labels: Sequence[str], embeddings: np.ndarray | None = None, c: float = C
) -> tuple[NgramVocabulary, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Vocabulary and heads ("text", plus "embedding" when embeddings are given)."""
    y = np.array([EVIDENCE_LABELS.index(label) for label in labels])
    vocab = NgramVocabulary.fit(texts, min_df=MIN_DF)
    heads = {"text": fit_head(vocab, texts, y, None, c)}
    if embeddings is not None:
        heads["embedding"] = fit_head(vocab, texts, y, embeddings, c)
    return vocab, heads


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
    shared: str | Path | None = None, out_dir: str | Path = MODEL_DIR, encoder_dir: str | Path | None = None
) -> list[Path]:
    """Train on evidence_dev.csv and write the model; returns the files written."""
    steps = tqdm(total=3, desc="evidence model", unit="step")
    dev = load_dev(shared)
    texts, labels = dev["sentence"].tolist(), dev["label"].tolist()
    steps.set_postfix_str("embedding sentences")
    embeddings = embed_texts(texts, encoder_dir)
    steps.update()
    steps.set_postfix_str("fitting heads")
    vocab, heads = fit_model(texts, labels, embeddings)
    steps.update()
    meta = {
        "kind": "logistic_regression",
        "version": MODEL_VERSION,
        "c": C,
        "min_df": MIN_DF,
        "class_weight": "balanced",
        "train_file": "labels/evidence_dev.csv",
        "n_train": len(texts),
        "encoder_sha256": encoder_fingerprint(encoder_dir) if embeddings is not None else None,
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
