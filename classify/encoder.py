"""Shared sentence encoder: all-MiniLM-L6-v2 cut to 1 layer, int8 ONNX, run with onnxruntime (no torch).

Why one module: the criteria and the evidence classifiers both want one vector per sentence;
encoding each sentence once and sharing the vectors keeps the pipeline fast on a CPU.
Vectors are mean-pooled and L2-normalised (384 floats), so a dot product is a cosine.

    from classify.encoder import embed
    vectors = embed(["We audit our suppliers every year."])   # (1, 384) float32
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

ENCODER_DIR = Path(__file__).resolve().parent / "models" / "encoder"
ENCODER_FILE = "encoder.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
DIM = 384
MAX_TOKENS = 64  # about 4% of statement sentences are longer; their tails cost more than they tell


class SentenceEncoder:
    """An ONNX sentence encoder and its tokenizer, loaded once per process."""

    def __init__(
        self,
        model_path: Path,
        tokenizer_path: Path,
        *,
        threads: int | None = None,
        max_tokens: int = MAX_TOKENS,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle threads that spin steal the core from the other one on a shared 2-core machine.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(model_path), opts, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.dim = int(self.session.get_outputs()[0].shape[-1] or DIM)

    @classmethod
    def load(cls, folder: str | Path | None = None, **kwargs: object) -> SentenceEncoder:
        """The committed encoder (``classify/models/encoder``), or one in ``folder``."""
        folder = Path(folder) if folder is not None else ENCODER_DIR
        return cls(folder / ENCODER_FILE, folder / TOKENIZER_FILE, **kwargs)  # type: ignore[arg-type]

    def embed(self, sentences: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        """One L2-normalised vector per sentence: an (n, dim) float32 array, in input order.

        Sentences are sorted by token length and batched so that padding is small (small batches
        of similar length were fastest on 2 cores: 16 beat 64 by about 1.5x).
        """
        n = len(sentences)
        out = np.zeros((n, self.dim), dtype=np.float32)
        if n == 0:
            return out
        encodings = self.tokenizer.encode_batch([s if s.strip() else "." for s in sentences])
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            width = int(lengths[idx].max())
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                ids[row, : lengths[i]] = encodings[i].ids
                mask[row, : lengths[i]] = 1
            out[idx] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out


@lru_cache(maxsize=1)
def default_encoder() -> SentenceEncoder:
    """The committed encoder, loaded on first use and then shared."""
    return SentenceEncoder.load()


def embed(sentences: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
    """Embed sentences with the shared committed encoder: (n, 384) float32, L2-normalised."""
    return default_encoder().embed(sentences, batch_size=batch_size)
