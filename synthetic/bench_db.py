"""Make a large SYNTHETIC corpus database for the serving benchmark, then run the build stage.

Statements are resampled from a source corpus: `--source` (a built msa.db, e.g. from `msa demo`),
else the publishing tests' fictional fixture plus the sample corpus's own source texts
(sample_corpus/sources/documents), labelled by a few keyword rules below (benchmark only: the
labels need a realistic mix, not accuracy). Each synthetic statement concatenates whole source
documents of its jurisdiction to a realistic length, renames the company, and rewords a share of
sentences with words from a Zipf-distributed made-up vocabulary, so that search terms range from
very common to rare as in a real corpus.
Each statement's summary is `classify.summarise_statement` of its synthetic labels, as the classify
stage writes it.

Everything is marked synthetic: ids start with `synthetic-`, `statements.source` says so, and
`schema_info` has a `synthetic` row. Output goes to --out (default /tmp/msa-bench/msa.db), never
into the repository.

    python -m synthetic.bench_db --sentences 5000000 --out /tmp/msa-bench/msa.db
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from classify.evidence import committed_impact_confidence
from classify.summary import summarise_statement
from db import connect
from db.schema import CRITERIA, UK_AREAS
from msa import build_stage
from msa.paths import REPO_ROOT, SAMPLE_CORPUS
from synthetic.publish_db import build_fixture_db

SAMPLE_TEXTS = SAMPLE_CORPUS / "sources" / "documents"
SYNTHETIC_NOTE = (
    "synthetic: resampled by synthetic/bench_db.py for the serving benchmark; not real statements"
)
LABEL_VERSION = "synthetic-bench"
YEARS = list(range(2020, 2026))
UK_TURNOVER = [
    "Under £36 million",
    "£36 million to £60 million",
    "£60 million to £100 million",
    "£100 million to £500 million",
    "Over £500 million",
]
AU_REVENUE = ["100-150M", "150-200M", "200-250M", "250-300M", "300-400M", "400-500M", "500-600M", "1BN+"]
SECTORS = [
    "Agriculture, forestry and fishing",
    "Construction",
    "Education",
    "Energy",
    "Financial services",
    "Food and beverages",
    "Healthcare and pharmaceuticals",
    "Hospitality",
    "Information technology",
    "Manufacturing",
    "Mining",
    "Property",
    "Retail",
    "Textiles and clothing",
    "Transport and storage",
    "Wholesale trade",
    "Professional services",
    "Telecommunications",
    "Public administration",
]
NAME_PARTS = (
    [
        "Amber",
        "Birch",
        "Cedar",
        "Delta",
        "Ember",
        "Fern",
        "Granite",
        "Harbour",
        "Iris",
        "Juniper",
        "Kestrel",
        "Linden",
        "Maple",
        "Northfield",
        "Oak",
        "Pine",
        "Quarry",
        "Riverside",
        "Summit",
        "Thorn",
        "Upland",
        "Vale",
        "Willow",
        "Yarrow",
    ],
    [
        "Foods",
        "Textiles",
        "Mining",
        "Logistics",
        "Retail",
        "Health",
        "Energy",
        "Software",
        "Marine",
        "Construction",
        "Hotels",
        "Farms",
        "Trading",
        "Metals",
        "Packaging",
        "Care",
    ],
)
LEGAL = {"uk": ["Limited", "Ltd", "plc", "Group plc"], "au": ["Pty Ltd", "Limited", "Holdings Pty Ltd"]}


@dataclass
class SourceDoc:
    """One source document: its jurisdiction, company names, and labelled sentences."""

    jurisdiction: str
    names: list[str]
    sentences: list[tuple]  # (text, page_no, block_kind, label tuple: CRITERIA 0/1 ..., evidence, evidence_p)


# --- keyword labels for the sample corpus texts (benchmark only) ---------------------------------

_RULES = [
    (
        "impact",
        re.compile(
            r"\b(repaid|back-?pa(y|id)|reimburs|remediated|returned|removed from|exited|"
            r"terminated|resolved|up from|fell|rose|increased to)\b",
            re.I,
        ),
    ),
    ("negative", re.compile(r"\b(not identified|no (instances|cases|reports)|not aware)\b", re.I)),
    (
        "action",
        re.compile(
            r"\b(we (audited|trained|carried out|conducted|assessed|introduced|launched|updated|"
            r"mapped|visited|completed)|were trained|completed|received)\b",
            re.I,
        ),
    ),
    (
        "commitment",
        re.compile(r"\b(will|committed|commit|aim|expect|zero[- ]tolerance|intend|plan to)\b", re.I),
    ),
]
_CRITERIA_RULES = {
    "approval": re.compile(r"\bapproved\b", re.I),
    "signature": re.compile(r"\b(signed|signature)\b", re.I),
    "c1_reporting_entity": re.compile(r"\b(reporting entit|ABN|this statement is made)\b", re.I),
    "c2_structure": re.compile(r"\b(subsidiar|group structure|owned|headquarter)\b", re.I),
    "c2_operations": re.compile(r"\b(employ|operat|sites?|stores?|factor)\w*\b", re.I),
    "c2_supply_chains": re.compile(r"\b(supplier|supply chain|sourc)\w*\b", re.I),
    "c3_risk_description": re.compile(r"\b(risk|high-risk|vulnerable)\w*\b", re.I),
    "c4_risk_mitigation": re.compile(
        r"\b(audit|policy|policies|code of conduct|due diligence|training)\w*\b", re.I
    ),
    "c4_remediation": re.compile(r"\b(remedia|repaid|grievance|hotline|whistleblow)\w*\b", re.I),
    "c5_effectiveness": re.compile(r"\b(effectiveness|KPI|key performance|measure)\w*\b", re.I),
    "c6_consultation": re.compile(r"\b(consult)\w*\b", re.I),
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def keyword_labels(text: str) -> tuple:
    evidence = next((label for label, rule in _RULES if rule.search(text)), "none")
    criteria = tuple(int(bool(_CRITERIA_RULES[c].search(text))) for c in CRITERIA)
    return (*criteria, evidence, 0.8)


def sample_text_docs(folder: Path = SAMPLE_TEXTS) -> list[SourceDoc]:
    """The sample corpus's statement texts, split into sentences with keyword labels."""
    docs = []
    for path in sorted(folder.glob("*.txt")):
        head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
        author = re.search(r"^author:\s*(.+)$", head, re.M)
        if not body or not author:
            continue  # landing pages and home pages carry no statement text
        page, sentences = 1, []
        for line in body.splitlines():
            line = line.strip()
            if not line or line.startswith("[[columns"):
                continue
            if line.startswith("[[page"):
                page += 1
                continue
            kind = (
                "heading"
                if line.startswith("#")
                else "list_item"
                if line.startswith("- ")
                else "table"
                if line.startswith("|")
                else "paragraph"
            )
            line = line.lstrip("#-| ").replace(" | ", "; ").rstrip("|").strip()
            for text in _SENTENCE_END.split(line):
                sentences.append((text, page, kind, keyword_labels(text)))
        docs.append(SourceDoc(path.name[:2], [author.group(1).strip()], sentences))
    return docs


def db_docs(path: Path) -> list[SourceDoc]:
    """Every summarised document of a built msa.db, with its labels."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    names: dict[str, list[str]] = {}
    for statement_id, name in conn.execute(
        "SELECT so.statement_id, o.name FROM statement_organisations so "
        "JOIN organisations o USING (organisation_id)"
    ):
        names.setdefault(statement_id, []).append(name)
    cols = ", ".join(f"l.{c}" for c in CRITERIA)
    docs = []
    for statement_id, jurisdiction, title, document_id in conn.execute(
        "SELECT st.statement_id, st.jurisdiction, st.title, ss.document_id FROM statements st "
        "JOIN statement_summaries ss USING (statement_id) WHERE ss.document_id IS NOT NULL"
    ).fetchall():
        rows = conn.execute(
            f"SELECT s.text, s.page_no, s.block_kind, {cols}, l.evidence, l.evidence_p FROM sentences s "
            "JOIN labels l USING (sentence_id) WHERE s.document_id = ? ORDER BY s.sentence_idx",
            [document_id],
        ).fetchall()
        if rows:
            sentences = [(r[0], r[1], r[2], tuple(r[3:])) for r in rows]
            docs.append(SourceDoc(jurisdiction, [title, *names.get(statement_id, [])], sentences))
    conn.close()
    return docs


def source_docs(source: Path | None) -> list[SourceDoc]:
    """The pool to resample: --source, else the fixture corpus plus the sample corpus texts."""
    if source:
        return db_docs(source)
    with tempfile.TemporaryDirectory() as tmp:
        docs = db_docs(build_fixture_db(Path(tmp) / "msa.db"))
    return docs + sample_text_docs()


# --- synthetic rows ---------------------------------------------------------------------------


class Vocabulary:
    """Made-up words with Zipf-like frequencies: a few common, most rare."""

    def __init__(self, rng: random.Random, size: int = 50_000):
        syllables = [
            "ka",
            "lo",
            "mer",
            "tin",
            "sa",
            "vo",
            "ril",
            "den",
            "pa",
            "qui",
            "zor",
            "bel",
            "nu",
            "tav",
            "gra",
            "fen",
            "hol",
            "mi",
            "dre",
            "sko",
        ]
        words: set[str] = set()  # 20 syllables, 2 to 5 of them: millions of possible words
        while len(words) < size:
            words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 5))))
        self.words = sorted(words)
        weights = [1 / (rank + 1) for rank in range(size)]
        total = sum(weights)
        acc, self.cumulative = 0.0, []
        for w in weights:
            acc += w / total
            self.cumulative.append(acc)
        self.rng = rng

    def draw(self) -> str:
        import bisect

        return self.words[min(bisect.bisect(self.cumulative, self.rng.random()), len(self.words) - 1)]


def reword(text: str, vocab: Vocabulary, rng: random.Random) -> str:
    """Replace one longer word by a made-up one (a quarter of the time, two)."""
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    for i in rng.sample(spots, min(len(spots), 2 if rng.random() < 0.25 else 1)):
        words[i] = vocab.draw()
    return " ".join(words)


def summary_row(statement: dict, sentences: list[dict], impact_confidence: float) -> dict:
    """The statement's summary as the classify stage writes it (`summarise_statement`), from the
    synthetic labels; `sentences` are summary rows (`labelled_sentence`)."""
    return {
        **summarise_statement(
            {**statement, "doc_metadata": {}, "document_note": "no text (synthetic)"},
            sentences,
            impact_confidence=impact_confidence,
        ),
        "summarised_at": "2026-01-01T00:00:00+00:00",
    }


def labelled_sentence(sentence: tuple, label: tuple) -> dict:
    """A sentence row and its label tuple as one row of the shape summarise_statement reads."""
    sentence_id, document_id, idx, page_no, _, kind, _, text = sentence
    row = {
        "sentence_id": sentence_id,
        "sentence_idx": idx,
        "page_no": page_no,
        "block_kind": kind,
        "text": text,
        "evidence": label[len(CRITERIA)],
        "evidence_p": label[len(CRITERIA) + 1],
    }
    for c, value in zip(CRITERIA, label[: len(CRITERIA)], strict=True):
        row[c], row[f"{c}_p"] = value, 0.9 if value else 0.05
    return row


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict]) -> None:
    if rows:
        cols = list(rows[0])
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
        conn.executemany(sql, [tuple(r[c] for c in cols) for r in rows])


class Writer:
    """Buffers rows per table and writes them in large batches inside one transaction."""

    def __init__(self, conn: sqlite3.Connection, batch: int = 100_000):
        self.conn, self.batch = conn, batch
        self.buffers: dict[str, list] = {}
        label_cols = ["sentence_id", "label_version"]
        for c in CRITERIA:
            label_cols += [c, f"{c}_p"]
        label_cols += ["evidence", "evidence_p"]
        self.raw_sql = {
            "sentences": "INSERT INTO sentences (sentence_id, document_id, sentence_idx, page_no, block_idx, "
            "block_kind, char_start, char_end, text) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
            "labels": f"INSERT INTO labels ({', '.join(label_cols)}) "
            f"VALUES ({', '.join('?' for _ in label_cols)})",
        }

    def add(self, table: str, row) -> None:
        buffer = self.buffers.setdefault(table, [])
        buffer.append(row)
        if len(buffer) >= self.batch:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.buffers):
            rows = self.buffers.get(name) or []
            if name in self.raw_sql:
                self.conn.executemany(self.raw_sql[name], rows)
            else:
                _insert(self.conn, name, rows)
            self.buffers[name] = []


def generate(out: Path, target_sentences: int, docs: list[SourceDoc], seed: int = 1) -> dict:
    """Write synthetic statements until `target_sentences` sentences exist; returns counts."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    by_jurisdiction = {j: [d for d in docs if d.jurisdiction == j] for j in ("uk", "au")}
    by_jurisdiction = {j: ds for j, ds in by_jurisdiction.items() if ds}
    out.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)
    connect(out).conn.close()  # the schema, exactly as the pipeline makes it
    conn = sqlite3.connect(out, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")  # a throwaway file: no rollback journal, no fsync
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    conn.execute("BEGIN")
    writer = Writer(conn)
    impact_confidence = committed_impact_confidence()  # read once: the stage's threshold
    sentences = statements = organisations = 0
    while sentences < target_sentences:
        organisations += 1
        jurisdiction = rng.choices(
            list(by_jurisdiction), weights=[0.7 if j == "uk" else 0.3 for j in by_jurisdiction]
        )[0]
        name = (
            f"{rng.choice(NAME_PARTS[0])} {rng.choice(NAME_PARTS[1])} {organisations:05d} "
            f"{rng.choice(LEGAL[jurisdiction])}"
        )
        org_id = f"synthetic-org-{organisations:06d}"
        writer.add("organisations", {"organisation_id": org_id, "name": name, "jurisdiction": jurisdiction})
        sectors = json.dumps(rng.sample(SECTORS, rng.choice([1, 1, 1, 2, 3])))
        turnover = rng.choice(UK_TURNOVER if jurisdiction == "uk" else AU_REVENUE)
        first_year = rng.choice(YEARS)
        for year in range(first_year, min(first_year + rng.randint(1, 6), YEARS[-1] + 1)):
            statements += 1
            sid = f"synthetic-{jurisdiction}-{year}-{statements:06d}"
            host = f"https://www.synthetic-{organisations:05d}.example"
            declared = {a: int(rng.random() < 0.85) for a in UK_AREAS} if jurisdiction == "uk" else {}
            statement = {
                "statement_id": sid,
                "jurisdiction": jurisdiction,
                "registry_year": year,
                "statement_type": "single",
                "title": name,
                "registry_url": f"{host}/registry/{sid}",
                "statement_url": f"{host}/modern-slavery-{year}.pdf",
                "email_only": 0,
                "turnover_band": turnover,
                "sectors": sectors,
                "source": SYNTHETIC_NOTE,
                **{f"declared_{a}": declared.get(a) for a in UK_AREAS},
            }
            writer.add("statements", statement)
            writer.add(
                "statement_organisations",
                {
                    "statement_id": sid,
                    "organisation_id": org_id,
                    "role": "member" if jurisdiction == "uk" else "reporting",
                },
            )
            if rng.random() < 0.04:  # email-only or unreadable: no text, as some real entries
                writer.add("statement_summaries", summary_row(statement, [], impact_confidence))
                continue
            document_id = hashlib.sha256(f"synthetic-{sid}".encode()).hexdigest()
            target = max(15, min(600, int(rng.lognormvariate(4.6, 0.55))))
            labelled, idx, page_offset = [], 0, 0
            while idx < target:
                doc = rng.choice(by_jurisdiction[jurisdiction])
                last_page = 1
                for text, page, kind, label in doc.sentences:
                    for old in doc.names:
                        if old and old in text:
                            text = text.replace(old, name)
                    if rng.random() < 0.35:
                        text = reword(text, vocab, rng)
                    sentence_id = f"{document_id[:16]}-{idx:05d}"
                    sentence = (sentence_id, document_id, idx, page + page_offset, idx, kind, len(text), text)
                    writer.add("sentences", sentence)
                    writer.add(
                        "labels",
                        (
                            sentence_id,
                            LABEL_VERSION,
                            *[v for c in label[: len(CRITERIA)] for v in (c, 0.9 if c else 0.05)],
                            label[len(CRITERIA)],
                            label[len(CRITERIA) + 1],
                        ),
                    )
                    labelled.append(labelled_sentence(sentence, label))
                    idx += 1
                    last_page = page or 1
                    if idx >= target:
                        break
                page_offset += last_page
            sentences += idx
            writer.add(
                "documents",
                {
                    "document_id": document_id,
                    "media_type": "pdf",
                    "size_bytes": idx * 150,
                    "path": f"documents/{document_id}.pdf",
                    "extract_status": "ok",
                    "page_count": page_offset,
                    "sentence_count": idx,
                },
            )
            url = f"{host}/modern-slavery-{year}.pdf"
            writer.add(
                "statement_documents",
                {
                    "statement_id": sid,
                    "url": url,
                    "role": "statement_url",
                    "status": "fetched",
                    "http_status": 200,
                    "final_url": url,
                    "document_id": document_id,
                    "fetched_at": "2026-01-01T00:00:00+00:00",
                },
            )
            writer.add(
                "statement_summaries",
                summary_row({**statement, "document_id": document_id}, labelled, impact_confidence),
            )
    writer.flush()
    conn.execute("INSERT OR REPLACE INTO schema_info (key, value) VALUES ('synthetic', ?)", [SYNTHETIC_NOTE])
    conn.execute("COMMIT")
    conn.close()
    return {"sentences": sentences, "statements": statements, "organisations": organisations}


def make_bench_db(out: Path, sentences: int, source: Path | None = None, seed: int = 1) -> dict:
    """Generate, then build (search, compliance, boilerplate); returns counts and timings."""
    start = time.perf_counter()
    docs = source_docs(source)
    counts = generate(out, sentences, docs, seed)
    generated = time.perf_counter()
    report = build_stage.run(connect(out), out.parent)
    built = time.perf_counter()
    return {
        **counts,
        "source_documents": len(docs),
        "source": str(source) if source else "fixture+sample texts",
        "generate_seconds": round(generated - start, 1),
        "build_seconds": round(built - generated, 1),
        "build_report": report.extra,
        "bytes": out.stat().st_size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=5_000_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/msa-bench/msa.db"))
    parser.add_argument("--source", type=Path, help="a built msa.db to resample (e.g. from `msa demo`)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if REPO_ROOT in args.out.resolve().parents:
        parser.error("--out must be outside the repository")
    print(json.dumps(make_bench_db(args.out, args.sentences, args.source, args.seed), indent=2, default=str))


if __name__ == "__main__":
    main()
