"""What readers' corrections cost the classify stage's writes, and what `msa correct` costs.

    python -m bench.bench_corrections [--documents 2000] [--sentences 100] [--corrections 1000]

Makes a synthetic database (temp dir; ids `synthetic-...` documents, fictional text) of
`--documents` documents with `--sentences` labelled sentences each, then times, in one run:

- `write_label_batch` relabelling every document in batches of 32 with no corrections stored
  (the baseline: what classify did before corrections), and again with `--corrections` corrections
  spread over the documents, each re-applied by the batch that relabels its document;
- `apply_corrections` over the whole database (what `msa correct` runs after storing a file).

Prints seconds, documents per second and the ratio against the baseline.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path

import sqlite_utils

from db import connect
from db.corrections import apply_corrections
from db.schema import CRITERIA
from db.store import utc_now
from msa.classify_stage import write_label_batch
from msa.engines.options import DEFAULT_BATCH_SIZE


def _document_id(i: int) -> str:
    return hashlib.sha256(f"synthetic-{i}".encode()).hexdigest()


def _label(sentence_id: str, j: int) -> dict:
    row = {"sentence_id": sentence_id, "label_version": "bench", "evidence": "action", "evidence_p": 0.8}
    for name in CRITERIA:
        row[name] = int(j % 7 == 0)
        row[f"{name}_p"] = 0.6 if j % 7 == 0 else 0.1
    return row


def make_db(
    path: Path, documents: int, sentences: int
) -> tuple[sqlite_utils.Database, dict[str, list[dict]]]:
    """The synthetic corpus, and each document's label rows (what a relabel writes)."""
    db = connect(path)
    labels: dict[str, list[dict]] = {}
    with db.atomic():
        for i in range(documents):
            doc = _document_id(i)
            db["documents"].insert({"document_id": doc, "media_type": "pdf", "size_bytes": 1, "path": "x"})
            db["statement_documents"].insert(
                {
                    "statement_id": f"synthetic-{i}",
                    "url": f"u{i}",
                    "role": "statement",
                    "status": "fetched",
                    "document_id": doc,
                }
            )
            rows = [
                {
                    "sentence_id": f"{doc[:16]}-{j:05d}",
                    "document_id": doc,
                    "sentence_idx": j,
                    "text": f"Synthetic sentence {j} of document {i}.",
                }
                for j in range(sentences)
            ]
            db["sentences"].insert_all(rows)
            labels[doc] = [_label(r["sentence_id"], j) for j, r in enumerate(rows)]
            db["labels"].insert_all(labels[doc])
    return db, labels


def add_corrections(db: sqlite_utils.Database, documents: int, count: int) -> None:
    """`count` evidence corrections, one sentence each, spread evenly over the documents."""
    step = max(1, documents // count)
    rows = []
    for k in range(count):
        i = (k * step) % documents
        doc = _document_id(i)
        j = k // documents
        rows.append(
            {
                "sentence_id": f"{doc[:16]}-{j:05d}",
                "field": "evidence",
                "value": "impact",
                "reason": "bench",
                "who": "bench",
                "created_at": utc_now(),
                "document_id": doc,
                "sentence_idx": j,
                "sentence_text": f"Synthetic sentence {j} of document {i}.",
            }
        )
    db["corrections"].insert_all(rows)
    db.conn.commit()


def relabel_all(db: sqlite_utils.Database, labels: dict[str, list[dict]]) -> float:
    """Seconds to write every document's labels, DEFAULT_BATCH_SIZE documents per batch."""
    docs = sorted(labels)
    start = time.perf_counter()
    for k in range(0, len(docs), DEFAULT_BATCH_SIZE):
        write_label_batch(
            db, [{"document_id": d, "rows": labels[d]} for d in docs[k : k + DEFAULT_BATCH_SIZE]]
        )
    return time.perf_counter() - start


def apply_per_batch(db: sqlite_utils.Database, labels: dict[str, list[dict]]) -> float:
    """Seconds the relabel's re-application alone takes: apply_corrections per batch of documents."""
    docs = sorted(labels)
    start = time.perf_counter()
    for k in range(0, len(docs), DEFAULT_BATCH_SIZE):
        with db.atomic():
            apply_corrections(db, docs[k : k + DEFAULT_BATCH_SIZE], fresh=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--sentences", type=int, default=100)
    parser.add_argument("--corrections", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many (a shared machine is noisy)")
    args = parser.parse_args()
    n = args.documents
    with tempfile.TemporaryDirectory() as tmp:
        db, labels = make_db(Path(tmp) / "msa.db", args.documents, args.sentences)
        base = min(relabel_all(db, labels) for _ in range(args.rounds))
        add_corrections(db, args.documents, args.corrections)
        start = time.perf_counter()
        with db.atomic():
            report = apply_corrections(db)
        whole = time.perf_counter() - start
        with_corrections = min(relabel_all(db, labels) for _ in range(args.rounds))
        applying = min(apply_per_batch(db, labels) for _ in range(args.rounds))
        carried = db.execute("SELECT count(*) FROM applied_corrections").fetchone()[0]
    print(
        f"{n} documents x {args.sentences} sentences, {args.corrections} corrections, best of {args.rounds}"
    )
    print(f"relabel, no corrections:   {base:7.2f} s  {n / base:8.0f} docs/s")
    print(
        f"relabel, with corrections: {with_corrections:7.2f} s  {n / with_corrections:8.0f} docs/s  "
        f"ratio {with_corrections / base:.2f}x  ({carried} labels carry a correction after)"
    )
    print(
        f"  of which re-applying the corrections: {applying:.2f} s "
        f"({applying / with_corrections:.0%} of the relabel)"
    )
    print(
        f"apply_corrections, whole database: {whole:.2f} s for {report.applied} labels "
        f"({report.applied / whole:.0f} corrections/s)"
    )


if __name__ == "__main__":
    main()
