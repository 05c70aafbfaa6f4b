"""Where the shared data lies (../shared beside the repo) and how its raw statement texts are split.

Why its own module: every loader of training data (the AIMS sets, the AU checks, the two-pass
labels, the evidence corpus) needs these, and the loader that combines them all
(training.criteria_data.load_labelled) imports those loaders, so the pieces they share sit below
all of them.
"""

from __future__ import annotations

import re
from pathlib import Path

SHARED_DIR = Path(__file__).resolve().parents[1] / ".." / "shared"
UNLABELLED_FILE = Path("research/corpus/hackathon_uk_training/df_with_segments.parquet")


def shared_dir(path: str | Path | None = None) -> Path:
    """The shared data folder: the argument, else ../shared beside the repo."""
    return Path(path) if path is not None else SHARED_DIR.resolve()


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[\"'“(A-Z0-9•·-])")


def split_sentences(text: str) -> list[str]:
    """A plain splitter for the unlabelled statement texts: lines, then sentence ends.

    The pipeline's own segmenter (extract/) is better; this one only has to give sentence-sized
    pieces for self-training and for the throughput benchmark.
    """
    out = []
    for line in text.splitlines():
        for piece in _SENTENCE_END.split(line.strip()):
            piece = piece.strip()
            if len(piece) >= 3:
                out.append(piece)
    return out
