"""Real statement texts for evidence labelling, addressed by stable keys so labels can store positions.

Why: the evidence labels made here (``bench/labels/evidence_two_pass.json``) store a statement key,
a sentence position and a text hash, never the text. This module turns a key back into the
statement's sentences in order, the same way every time:

- ``ukh-<part>-<ID>``: a statement of the 981-statement UK corpus
  (research/corpus/hackathon_uk_training, ``source`` ``labeled`` or ``hidden``, IDs repeat across
  the two parts), split by ``shared_corpus.split_sentences``;
- ``doc-<file name>``: a PDF in research/statement_docs, as msa's extractor gives it;
- ``aue-<statement_id>``: an Australian statement of labels/aims_au_expert_dev.csv, its sentences
  in the experts' order (the criteria experts' split; the evidence labels are made here).

Statements listed in labels/evidence_reserved_statements.txt (``uk-hackathon-<ID>``) are never
offered: the ID is ambiguous between the corpus's two parts, so both parts' rows are left out.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from training.criteria_au_check import STATEMENT_DOCS, statement_sentences
from training.criteria_au_expert import SOURCE as AU_EXPERT_SOURCE
from training.criteria_au_expert import load_au_expert
from training.shared_corpus import UNLABELLED_FILE, shared_dir, split_sentences

RESERVED_FILE = Path("labels/evidence_reserved_statements.txt")


def reserved_ids(shared: str | Path | None = None) -> set[int]:
    """Corpus IDs whose statements hold the kept-aside evidence set (never labelled or trained on)."""
    path = shared_dir(shared) / RESERVED_FILE
    if not path.exists():
        return set()
    lines = (line.strip() for line in path.read_text().splitlines())
    return {int(line.rsplit("-", 1)[1]) for line in lines if line.startswith("uk-hackathon-")}


@functools.lru_cache(maxsize=4)
def _uk_texts(shared: str) -> dict[str, str]:
    path = Path(shared) / UNLABELLED_FILE
    if not path.exists():
        return {}
    frame = pd.read_parquet(path, columns=["ID", "source", "TEXT"])
    blocked = reserved_ids(shared)
    frame = frame[~frame["ID"].isin(blocked)]
    return {
        f"ukh-{source}-{ident}": text or ""
        for ident, source, text in zip(frame["ID"], frame["source"], frame["TEXT"], strict=True)
    }


def uk_statement_keys(shared: str | Path | None = None) -> list[str]:
    """Keys of the UK corpus statements that may be labelled (the reserved ones left out)."""
    return sorted(_uk_texts(str(shared_dir(shared))))


def doc_statement_keys(shared: str | Path | None = None) -> list[str]:
    """Keys of the statement PDFs in research/statement_docs."""
    folder = shared_dir(shared) / STATEMENT_DOCS
    return sorted(f"doc-{p.name}" for p in folder.glob("*.pdf")) if folder.exists() else []


@functools.lru_cache(maxsize=4)
def _au_expert_texts(shared: str) -> dict[str, list[str]]:
    loaded = load_au_expert(shared)
    if loaded is None:
        return {}
    frame = loaded[0]
    return {key: list(rows["sentence"]) for key, rows in frame.groupby("statement_id", sort=True)}


def au_expert_statement_keys(shared: str | Path | None = None) -> list[str]:
    """Keys of the 15 expert-labelled AU statements (their evidence labels are made here)."""
    return sorted(_au_expert_texts(str(shared_dir(shared))))


def statement_texts(key: str, shared: str | Path | None = None) -> list[str]:
    """The statement's sentences in order; [] when its source is absent (or reserved)."""
    root = shared_dir(shared)
    if key.startswith("doc-"):
        path = root / STATEMENT_DOCS / key[len("doc-") :]
        return statement_sentences(path) if path.exists() else []
    if key.startswith("ukh-"):
        text = _uk_texts(str(root)).get(key)
        return split_sentences(text) if text is not None else []
    if key.startswith(f"{AU_EXPERT_SOURCE}-"):
        return list(_au_expert_texts(str(root)).get(key, []))
    raise ValueError(f"unknown statement key {key!r}")
