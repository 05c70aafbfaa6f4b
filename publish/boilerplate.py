"""Boilerplate: sentences that recur verbatim or near-verbatim across organisations.

Two sentences are the same boilerplate when they have the same *normalised* text: lower case,
the statement's own organisation names replaced by one placeholder, every number by `0`,
legal forms ("Ltd", "plc") and punctuation dropped. So "Harbourline Foods has a zero-tolerance approach..."
and
"FELLGATE TEXTILES has a zero tolerance approach..." are one sentence, while a changed word makes
another. A group is published when it appears in statements of at least MIN_ORGANISATIONS
different organisations (a statement counts under its lead organisation, so a group statement
counts once) and has at least MIN_WORDS words: shorter ones are headings ("Our supply chains").
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

import sqlite_utils

MIN_WORDS = 8
MIN_ORGANISATIONS = 2
BATCH = 50_000
ORG_PLACEHOLDER = "org"
# The word lists are data (publish/rules/boilerplate.toml): legal forms, dropped everywhere, and
# the generic words of a company name, which a statement naming its own company often drops too.
_WORDS = tomllib.loads((Path(__file__).parent / "rules" / "boilerplate.toml").read_text(encoding="utf-8"))
LEGAL_FORMS = frozenset(_WORDS["legal_forms"])
GENERIC_NAME_WORDS = frozenset(_WORDS["generic_name_words"])
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NON_WORD = re.compile(r"[^\w]+")


def _words(text: str) -> list[str]:
    flat = _NON_WORD.sub(" ", _NUMBER.sub(" 0 ", text.lower()))
    return [w for w in flat.split() if w not in LEGAL_FORMS]


def name_variants(names: Iterable[str]) -> list[str]:
    """Normalised names to blank out, longest first: each name, and without its generic words."""
    out: set[str] = set()
    for name in names:
        words = _words(name or "")
        if words:
            out.add(" ".join(words))
        core = [w for w in words if w not in GENERIC_NAME_WORDS]
        if core and len(" ".join(core)) >= 4:
            out.add(" ".join(core))
    return sorted(out, key=len, reverse=True)


def normalise(text: str, names: Iterable[str] = ()) -> str:
    """The comparison form of a sentence (see the module docstring); `names` from `name_variants`."""
    flat = " " + " ".join(_words(text)) + " "
    for name in names:
        flat = flat.replace(f" {name} ", f" {ORG_PLACEHOLDER} ")
    return flat.strip()


def text_key(text: str, names: Iterable[str] = ()) -> int | None:
    """A 63-bit key of the normalised text, or None for sentences too short to count."""
    flat = normalise(text, names)
    if flat.count(" ") + 1 < MIN_WORDS:
        return None
    return int.from_bytes(hashlib.blake2b(flat.encode(), digest_size=8).digest(), "big") >> 1


def _statement_names(db: sqlite_utils.Database) -> dict[str, list[str]]:
    names: dict[str, set[str]] = {}
    sql = """SELECT so.statement_id, o.name FROM statement_organisations so
             JOIN organisations o ON o.organisation_id = so.organisation_id
             UNION SELECT statement_id, title FROM statements WHERE title IS NOT NULL"""
    for statement_id, name in db.execute(sql):
        names.setdefault(statement_id, set()).add(name)
    return {k: name_variants(v) for k, v in names.items()}


def _keyed_rows(db: sqlite_utils.Database) -> Iterator[tuple]:
    """(sentence rowid, key, statement, lead organisation, year, jurisdiction) per long-enough sentence."""
    names = _statement_names(db)
    sql = """SELECT s.rowid, s.text, c.statement_id, COALESCE(c.organisation_id, c.organisation),
                    c.registry_year, c.jurisdiction
             FROM compliance c JOIN statement_summaries ss ON ss.statement_id = c.statement_id
             JOIN sentences s ON s.document_id = ss.document_id
             WHERE c.assessed = 1"""
    for rowid, text, statement_id, organisation, year, jurisdiction in db.execute(sql):
        key = text_key(text, names.get(statement_id, ()))
        if key is not None:
            yield rowid, key, statement_id, organisation, year, jurisdiction


def _create_tables(conn) -> None:
    conn.execute("DROP TABLE IF EXISTS boilerplate_sentences")
    conn.execute("DROP TABLE IF EXISTS boilerplate")
    conn.execute(
        """CREATE TABLE boilerplate (
            boilerplate_id INTEGER PRIMARY KEY,
            text TEXT NOT NULL,
            n_organisations INTEGER NOT NULL,
            n_statements INTEGER NOT NULL,
            n_sentences INTEGER NOT NULL,
            first_year INTEGER,
            last_year INTEGER,
            jurisdictions TEXT,
            evidence TEXT,
            example_sentence_id TEXT REFERENCES sentences(sentence_id),
            text_key INTEGER NOT NULL
        )"""
    )
    conn.execute(
        """CREATE TABLE boilerplate_sentences (
            sentence_id TEXT NOT NULL REFERENCES sentences(sentence_id),
            statement_id TEXT NOT NULL REFERENCES statements(statement_id),
            boilerplate_id INTEGER NOT NULL REFERENCES boilerplate(boilerplate_id),
            PRIMARY KEY (sentence_id, statement_id)
        )"""
    )


def build_boilerplate(db: sqlite_utils.Database) -> dict[str, int]:
    """Recreate `boilerplate` and `boilerplate_sentences` (needs `compliance`); returns counts."""
    conn = db.conn
    conn.execute("DROP TABLE IF EXISTS temp.sentence_keys")
    conn.execute(
        "CREATE TEMP TABLE sentence_keys (sentence_rowid INTEGER, key INTEGER, statement_id TEXT, "
        "organisation TEXT, year INTEGER, jurisdiction TEXT)"
    )
    rows = _keyed_rows(db)
    while batch := [row for _, row in zip(range(BATCH), rows, strict=False)]:
        conn.executemany("INSERT INTO temp.sentence_keys VALUES (?, ?, ?, ?, ?, ?)", batch)
    conn.execute("CREATE INDEX temp.sentence_keys_key ON sentence_keys(key, organisation)")
    _create_tables(conn)
    # Ids in order of reach, so boilerplate 1 is the most widely copied sentence.
    conn.execute(
        f"""INSERT INTO boilerplate (boilerplate_id, text, n_organisations, n_statements, n_sentences,
                                     first_year, last_year, jurisdictions, evidence, example_sentence_id,
                                     text_key)
            SELECT row_number() OVER (ORDER BY g.n_organisations DESC, g.n_sentences DESC, g.key),
                   s.text, g.n_organisations, g.n_statements, g.n_sentences, g.first_year, g.last_year,
                   g.jurisdictions, l.evidence, s.sentence_id, g.key
            FROM (SELECT key, count(DISTINCT organisation) AS n_organisations,
                         count(DISTINCT statement_id) AS n_statements, count(*) AS n_sentences,
                         min(sentence_rowid) AS example_rowid,
                         min(year) AS first_year, max(year) AS last_year,
                         group_concat(DISTINCT jurisdiction) AS jurisdictions
                  FROM temp.sentence_keys GROUP BY key
                  HAVING count(DISTINCT organisation) >= {MIN_ORGANISATIONS}) g
            JOIN sentences s ON s.rowid = g.example_rowid
            LEFT JOIN labels l ON l.sentence_id = s.sentence_id"""
    )
    conn.execute("CREATE UNIQUE INDEX idx_boilerplate_text_key ON boilerplate(text_key)")
    conn.execute(
        """INSERT OR IGNORE INTO boilerplate_sentences (sentence_id, statement_id, boilerplate_id)
           SELECT s.sentence_id, k.statement_id, b.boilerplate_id
           FROM temp.sentence_keys k JOIN boilerplate b ON b.text_key = k.key
           JOIN sentences s ON s.rowid = k.sentence_rowid"""
    )
    conn.execute(
        "CREATE INDEX idx_boilerplate_sentences_boilerplate ON boilerplate_sentences(boilerplate_id)"
    )
    conn.execute("CREATE INDEX idx_boilerplate_reach ON boilerplate(n_organisations DESC)")
    conn.execute("DROP TABLE temp.sentence_keys")
    conn.commit()
    return {
        "boilerplate": db["boilerplate"].count,
        "boilerplate_sentences": db["boilerplate_sentences"].count,
    }
