"""`statement_changes`: what changed in each statement since the same entity's previous one.

A journalist asks "did this year's statement say anything new?". For every statement, the same
entity's previous statement in the same jurisdiction (the latest earlier registry year) is compared
with it:

- sentences new, dropped and repeated word for word. Two sentences are the same when their
  normalised text is equal: Unicode NFKC, curly quotes and dashes made plain, case folded,
  whitespace collapsed, and punctuation or bullets at either end dropped ("strengthen them;" and
  "Strengthen them." are one sentence). Words and numbers count: "1,300 people" and "1,350 people"
  differ, so a sentence with an updated figure is new. Sentences are compared as a multiset, so a
  sentence said twice last year and once now is repeated once and dropped once. Shares are of
  text (characters of the normalised sentences), so a repeated heading weighs less than a paragraph.
- each criterion addressed or not, each AU s.16(1) verdict, each UK area found, and each UK
  registry declaration, then against now (`statement_change_verdicts`);
- impact share and impact sentences, then against now; the new sentences listed with their page and
  evidence label (`statement_change_sentences`);
- a change size used to sort, and a one-line reading.

The same entity: `entity_links` (publish/entities.py, status 'linked') when that table exists; else,
and for a statement no entity link covers, the statement's main organisation (compliance's
`organisation_id`: a group's parent, an AU reporting entity, else the first member). Built after
the entities and `compliance` tables, from which it reads.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sqlite_utils

from msa.progress import progress
from publish.compliance import AU_COLUMNS
from vocabulary.labels import AU_CRITERIA, CRITERIA, UK_AREAS

TABLE = "statement_changes"
SENTENCES_TABLE = "statement_change_sentences"
VERDICTS_TABLE = "statement_change_verdicts"
# A statement "repeats last year's text almost whole" from this share of last year's text on.
NEAR_WHOLE_REPEAT = 0.9
# An impact share that moved by at least this much (0-1) has changed; smaller moves are noise.
IMPACT_SHARE_STEP = 0.05
# Change size: the text's share changed (0-1), plus this much per verdict that changed.
VERDICT_WEIGHT = 0.1
BATCH = 5_000

_PLAIN = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})
_LEADING = re.compile(r"^[\W_]+")  # anchored: trailing punctuation is stripped off the reversed text


def normalise_sentence(text: str) -> str:
    """The comparison form of a sentence: word-for-word equal sentences have equal forms."""
    flat = " ".join(unicodedata.normalize("NFKC", text or "").translate(_PLAIN).casefold().split())
    return _LEADING.sub("", _LEADING.sub("", flat)[::-1])[::-1]


@dataclass(frozen=True)
class SentenceDiff:
    """How the current sentences compare with the previous ones (indexes into each list)."""

    new: tuple[int, ...]
    dropped: tuple[int, ...]
    repeated: int
    previous_chars: int
    current_chars: int
    repeated_chars: int

    @property
    def share_repeated(self) -> float | None:
        """Share of the previous text found again, word for word (None: no previous text)."""
        return self.repeated_chars / self.previous_chars if self.previous_chars else None

    @property
    def share_new(self) -> float | None:
        """Share of the current text that was not in the previous one."""
        if not self.current_chars:
            return None
        return (self.current_chars - self.repeated_chars) / self.current_chars

    @property
    def text_changed(self) -> float | None:
        """0 when both texts are the same sentences, 1 when they share none."""
        total = self.previous_chars + self.current_chars
        return 1 - 2 * self.repeated_chars / total if total else None


def diff_sentences(previous: Sequence[str], current: Sequence[str]) -> SentenceDiff:
    """Compare two statements' sentences (in reading order) word for word, as multisets."""
    return diff_keys([normalise_sentence(t) for t in previous], [normalise_sentence(t) for t in current])


def diff_keys(previous_keys: Sequence[str], current_keys: Sequence[str]) -> SentenceDiff:
    """diff_sentences over sentences already normalised (a statement is normalised once per build)."""
    available = Counter(k for k in previous_keys if k)
    matched: Counter[str] = Counter()
    new: list[int] = []
    for i, key in enumerate(current_keys):
        if not key:
            continue
        if available[key] > matched[key]:
            matched[key] += 1
        else:
            new.append(i)
    dropped: list[int] = []
    kept: Counter[str] = Counter()
    for i, key in enumerate(previous_keys):
        if not key:
            continue
        if kept[key] < matched[key]:
            kept[key] += 1
        else:
            dropped.append(i)
    return SentenceDiff(
        new=tuple(new),
        dropped=tuple(dropped),
        repeated=sum(matched.values()),
        previous_chars=sum(len(k) for k in previous_keys),
        current_chars=sum(len(k) for k in current_keys),
        repeated_chars=sum(len(k) * n for k, n in matched.items()),
    )


@dataclass(frozen=True)
class VerdictChange:
    """One verdict of the previous and current statement (None: not assessed or not applicable)."""

    kind: str  # criterion | au_verdict | uk_area | declared
    name: str
    then: int | str | None
    now: int | str | None

    @property
    def changed(self) -> bool | None:
        """Whether it changed; None when either side has no value to compare."""
        if self.then is None or self.now is None:
            return None
        return self.then != self.now


def compare_verdicts(previous: Mapping, current: Mapping, jurisdiction: str) -> list[VerdictChange]:
    """Every statement-level verdict of two compliance rows, then against now."""
    out = [VerdictChange("criterion", c, previous.get(c), current.get(c)) for c in CRITERIA]
    if jurisdiction == "au":
        for code in AU_CRITERIA:
            col = AU_COLUMNS[code]
            out.append(VerdictChange("au_verdict", col, previous.get(col), current.get(col)))
    if jurisdiction == "uk":
        for area in UK_AREAS:
            out.append(
                VerdictChange(
                    "uk_area", area, previous.get(f"detected_{area}"), current.get(f"detected_{area}")
                )
            )
        for area in UK_AREAS:
            out.append(
                VerdictChange(
                    "declared", area, previous.get(f"declared_{area}"), current.get(f"declared_{area}")
                )
            )
    return out


@dataclass(frozen=True)
class Chained:
    """What the previous-statement lookup needs of a statement."""

    statement_id: str
    jurisdiction: str
    registry_year: int | None
    period_end: str | None
    organisation_id: str | None
    entity_id: str | None


def chain_key(st: Chained) -> tuple[str, str, str]:
    """(basis, id, jurisdiction): statements with the same key are one entity's in one registry."""
    if st.entity_id:
        return ("entity", st.entity_id, st.jurisdiction)
    return ("organisation", st.organisation_id or st.statement_id, st.jurisdiction)


def pick_previous(statements: Iterable[Chained]) -> dict[str, str | None]:
    """statement_id → the same entity's previous statement in the same jurisdiction, or None.

    The previous statement is from the latest earlier registry year; in that year, the one by the
    same main organisation first, then the latest period end. Statements of the same year are not
    each other's previous (a group statement and a member's own, filed the same year).
    """
    chains: dict[tuple, list[Chained]] = defaultdict(list)
    for st in statements:
        chains[chain_key(st)].append(st)
    out: dict[str, str | None] = {}
    for members in chains.values():
        for st in members:
            earlier = [
                p
                for p in members
                if p.registry_year is not None
                and st.registry_year is not None
                and p.registry_year < st.registry_year
            ]
            if not earlier:
                out[st.statement_id] = None
                continue
            best = max(
                earlier,
                key=lambda p: (
                    p.registry_year,
                    p.organisation_id == st.organisation_id,
                    p.period_end or "",
                    p.statement_id,
                ),
            )
            out[st.statement_id] = best.statement_id
    return out


def _has_table(db: sqlite_utils.Database, name: str) -> bool:
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone()
        is not None
    )


def chained_statements(db: sqlite_utils.Database) -> list[Chained]:
    """Every compliance row with its entity: a 'linked' entity_links row when that table exists
    (the one of its main organisation first, then the best score), else None."""
    sql = """SELECT c.statement_id, c.jurisdiction, c.registry_year, c.period_end, c.organisation_id
             FROM compliance c"""
    rows = db.execute(sql).fetchall()
    links: dict[str, list[tuple]] = defaultdict(list)
    if _has_table(db, "entity_links"):
        linked = """SELECT statement_id, organisation_id, score, entity_id FROM entity_links
                    WHERE status = 'linked' AND statement_id IS NOT NULL"""
        for statement_id, organisation_id, score, entity_id in db.execute(linked):
            links[statement_id].append((organisation_id, score or 0, entity_id))

    def entity(statement_id: str, organisation_id: str | None) -> str | None:
        found = links.get(statement_id)
        if not found:
            return None
        return min(found, key=lambda link: (link[0] != organisation_id, -link[1], link[2]))[2]

    return [Chained(*row, entity(row[0], row[4])) for row in rows]


def previous_statements(db: sqlite_utils.Database) -> dict[str, str | None]:
    """statement_id → the same entity's previous statement in the same jurisdiction (None: first).

    Entities from `entity_links` where that table exists, else each statement's main organisation.
    """
    return pick_previous(chained_statements(db))


def _pct(share: float) -> str:
    return f"{round(100 * share)}%"


def _pages(pages: Iterable[int | None]) -> str:
    found = sorted({p for p in pages if p is not None})
    if not found:
        return ""
    return (" (p. " if len(found) == 1 else " (pp. ") + ", ".join(str(p) for p in found) + ")"


def _au_name(col: str) -> str:
    """au_s16_1_d_actions → s.16(1)(d)."""
    return f"s.16(1)({col.split('_')[3]})"


def reading(row: Mapping, new_impact_pages: Sequence[int | None] = ()) -> str:
    """One line a journalist reads: what changed against the previous statement."""
    if row.get("previous_statement_id") is None:
        return "no previous statement"
    year, previous_year = row.get("registry_year"), row.get("previous_year")
    last = (
        "last year's"
        if year is not None and previous_year == year - 1
        else f"the {previous_year} statement's"
    )
    parts: list[str] = []
    if row.get("comparison") == "text_missing":
        parts.append(
            "text not read this year" if not row.get("sentences_now") else f"{last} text was not read"
        )
    else:
        share = row.get("share_repeated") or 0.0
        parts.append(f"repeats {_pct(share)} of {last} text word for word")
        parts.append(f"{row['sentences_new']} new sentences, {row['sentences_dropped']} dropped")
        n_new = row.get("new_impact_sentences") or 0
        if n_new:
            noun = "sentence" if n_new == 1 else "sentences"
            parts.append(f"{n_new} new impact {noun}{_pages(new_impact_pages)}")
        else:
            parts.append("no new impact sentence")
        then, now = row.get("impact_share_then"), row.get("impact_share_now")
        if then is not None and now is not None and abs(now - then) >= IMPACT_SHARE_STEP:
            parts.append(f"impact share {then:.2f} → {now:.2f}")
    gained = json.loads(row.get("criteria_gained") or "[]")
    lost = json.loads(row.get("criteria_lost") or "[]")
    if gained:
        parts.append("now addresses " + ", ".join(gained))
    if lost:
        parts.append("no longer addresses " + ", ".join(lost))
    for key in ("au_verdicts_changed", "uk_areas_changed", "declarations_changed"):
        parts += json.loads(row.get(key) or "[]")
    return "; ".join(parts)


def _describe(change: VerdictChange) -> str:
    if change.kind == "au_verdict":
        return f"{_au_name(change.name)} {change.then} → {change.now}"
    if change.kind == "uk_area":
        return f"text {'now covers' if change.now else 'no longer covers'} {change.name}"
    return f"registry {'now declares' if change.now else 'no longer declares'} {change.name}"


def change_row(
    current: Mapping,
    previous: Mapping | None,
    diff: SentenceDiff | None,
    new_sentences: Sequence[Mapping],
    verdicts: Sequence[VerdictChange],
) -> dict:
    """The statement_changes row of one statement (previous None: its first statement)."""
    row: dict = {
        "statement_id": current["statement_id"],
        "organisation": current.get("organisation"),
        "jurisdiction": current.get("jurisdiction"),
        "registry_year": current.get("registry_year"),
        "sectors": current.get("sectors"),
        "previous_statement_id": previous["statement_id"] if previous else None,
        "previous_year": previous.get("registry_year") if previous else None,
        "impact_share_now": current.get("impact_share"),
        "n_impact_now": current.get("n_impact"),
        "criteria_addressed_now": current.get("criteria_addressed"),
        "sentences_now": current.get("sentence_count"),
    }
    if previous is None:
        row["comparison"] = "first"
        row["reading"] = reading(row)
        return row
    changed = [v for v in verdicts if v.changed]
    criteria = [v for v in changed if v.kind == "criterion"]
    impact_then, impact_now = previous.get("impact_share"), current.get("impact_share")
    impact_change = impact_now - impact_then if impact_then is not None and impact_now is not None else None
    new_impact = [s for s in new_sentences if s.get("evidence") == "impact"]
    row.update(
        {
            "comparison": "compared" if diff is not None else "text_missing",
            "sentences_then": previous.get("sentence_count"),
            "impact_share_then": impact_then,
            "impact_share_change": impact_change,
            "n_impact_then": previous.get("n_impact"),
            "criteria_addressed_then": previous.get("criteria_addressed"),
            "criteria_gained": json.dumps([v.name for v in criteria if v.now]),
            "criteria_lost": json.dumps([v.name for v in criteria if not v.now]),
            "au_verdicts_changed": json.dumps([_describe(v) for v in changed if v.kind == "au_verdict"]),
            "uk_areas_changed": json.dumps([_describe(v) for v in changed if v.kind == "uk_area"]),
            "declarations_changed": json.dumps([_describe(v) for v in changed if v.kind == "declared"]),
            "verdicts_changed": len(changed),
        }
    )
    if diff is not None:
        row.update(
            {
                "sentences_new": len(diff.new),
                "sentences_dropped": len(diff.dropped),
                "sentences_repeated": diff.repeated,
                "share_repeated": _round(diff.share_repeated),
                "share_new": _round(diff.share_new),
                "new_impact_sentences": len(new_impact),
                "change_size": _round(
                    (diff.text_changed or 0) + VERDICT_WEIGHT * len(changed) + abs(impact_change or 0)
                ),
            }
        )
    else:
        row["change_size"] = _round(VERDICT_WEIGHT * len(changed))
    row["impact_changed"] = int(impact_change is not None and abs(impact_change) >= IMPACT_SHARE_STEP)
    row["repeats_most"] = int((row.get("share_repeated") or 0) >= NEAR_WHOLE_REPEAT)
    areas_or_verdicts = any(v.kind in ("au_verdict", "uk_area", "declared") for v in changed)
    row["alert"] = int(row["impact_changed"] or row["repeats_most"] or areas_or_verdicts)
    row["reading"] = reading(row, [s.get("page_no") for s in new_impact])
    return row


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def columns() -> list[tuple[str, str]]:
    """(name, SQL type) of statement_changes, in the order Datasette shows them."""
    return [
        ("statement_id", "TEXT PRIMARY KEY REFERENCES statements(statement_id)"),
        ("organisation", "TEXT"),
        ("entity_id", "TEXT"),
        ("entity", "TEXT"),
        ("entity_basis", "TEXT"),
        ("jurisdiction", "TEXT"),
        ("registry_year", "INTEGER"),
        ("sectors", "TEXT"),
        ("previous_statement_id", "TEXT REFERENCES statements(statement_id)"),
        ("previous_year", "INTEGER"),
        ("comparison", "TEXT"),
        ("reading", "TEXT"),
        ("change_size", "REAL"),
        ("sentences_then", "INTEGER"),
        ("sentences_now", "INTEGER"),
        ("sentences_new", "INTEGER"),
        ("sentences_dropped", "INTEGER"),
        ("sentences_repeated", "INTEGER"),
        ("share_repeated", "REAL"),
        ("share_new", "REAL"),
        ("impact_share_then", "REAL"),
        ("impact_share_now", "REAL"),
        ("impact_share_change", "REAL"),
        ("n_impact_then", "INTEGER"),
        ("n_impact_now", "INTEGER"),
        ("new_impact_sentences", "INTEGER"),
        ("criteria_addressed_then", "INTEGER"),
        ("criteria_addressed_now", "INTEGER"),
        ("criteria_gained", "TEXT"),
        ("criteria_lost", "TEXT"),
        ("au_verdicts_changed", "TEXT"),
        ("uk_areas_changed", "TEXT"),
        ("declarations_changed", "TEXT"),
        ("verdicts_changed", "INTEGER"),
        ("impact_changed", "INTEGER"),
        ("repeats_most", "INTEGER"),
        ("alert", "INTEGER"),
    ]


SENTENCES_SQL = """SELECT s.sentence_id, s.sentence_idx, s.page_no, s.text, l.evidence, l.evidence_p
FROM statement_summaries ss
JOIN sentences s ON s.document_id = ss.document_id
LEFT JOIN labels l ON l.sentence_id = s.sentence_id
WHERE ss.statement_id = ? ORDER BY s.sentence_idx"""


def _create_tables(db: sqlite_utils.Database) -> None:
    conn = db.conn
    for name in (TABLE, SENTENCES_TABLE, VERDICTS_TABLE):
        conn.execute(f"DROP TABLE IF EXISTS {name}")
    body = ",\n    ".join(f"{name} {kind}" for name, kind in columns())
    conn.execute(f"CREATE TABLE {TABLE} (\n    {body}\n)")
    conn.execute(
        f"""CREATE TABLE {SENTENCES_TABLE} (
            statement_id TEXT NOT NULL REFERENCES statements(statement_id),
            previous_statement_id TEXT REFERENCES statements(statement_id),
            change TEXT NOT NULL,
            sentence_id TEXT NOT NULL REFERENCES sentences(sentence_id),
            sentence_idx INTEGER,
            page_no INTEGER,
            evidence TEXT,
            evidence_p REAL,
            PRIMARY KEY (statement_id, change, sentence_id)
        )"""
    )
    conn.execute(
        f"""CREATE TABLE {VERDICTS_TABLE} (
            statement_id TEXT NOT NULL REFERENCES statements(statement_id),
            previous_statement_id TEXT REFERENCES statements(statement_id),
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            then_value,
            now_value,
            changed INTEGER,
            PRIMARY KEY (statement_id, kind, name)
        )"""
    )


def _entities(db: sqlite_utils.Database, chained: list[Chained]) -> dict[str, tuple[str, str, str | None]]:
    """statement_id → (entity_id, basis, entity name) as the lookup chained it."""
    names: dict[str, str] = {}
    if _has_table(db, "entities"):
        names = {r[0]: r[1] for r in db.execute("SELECT entity_id, name FROM entities")}
    out = {}
    for st in chained:
        basis, key, _ = chain_key(st)
        out[st.statement_id] = (key, basis, names.get(key) if basis == "entity" else None)
    return out


def build_statement_changes(db: sqlite_utils.Database, *, show_progress: bool = False) -> dict[str, int]:
    """Recreate statement_changes and its two companion tables; returns their row counts."""
    _create_tables(db)
    chained = chained_statements(db)
    previous_of = pick_previous(chained)
    entity_of = _entities(db, chained)
    compliance = {r["statement_id"]: r for r in db.query("SELECT * FROM compliance")}
    cache: dict[str, list[dict]] = {}

    def sentences(statement_id: str) -> list[dict]:
        if statement_id not in cache:
            if len(cache) > 64:  # a chain's statements are read close together: keep a few
                cache.clear()
            rows = db.execute(SENTENCES_SQL, [statement_id]).fetchall()
            names = ("sentence_id", "sentence_idx", "page_no", "text", "evidence", "evidence_p")
            cache[statement_id] = [
                {**dict(zip(names, r, strict=True)), "key": normalise_sentence(r[3])} for r in rows
            ]
        return cache[statement_id]

    change_rows: list[dict] = []
    sentence_rows: list[dict] = []
    verdict_rows: list[dict] = []
    counts = {TABLE: 0, SENTENCES_TABLE: 0, VERDICTS_TABLE: 0}

    def flush() -> None:
        for table, rows in (
            (TABLE, change_rows),
            (SENTENCES_TABLE, sentence_rows),
            (VERDICTS_TABLE, verdict_rows),
        ):
            if rows:
                names = [name for name, _ in columns()] if table == TABLE else list(rows[0])
                sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
                db.conn.executemany(sql, ([row.get(n) for n in names] for row in rows))
                counts[table] += len(rows)
                rows.clear()

    # Chain order: each entity's statements one after the other, so the sentence cache is hit.
    order = sorted(chained, key=lambda st: (chain_key(st), st.registry_year or 0, st.statement_id))
    for st in progress(order, total=len(order), desc="what changed", unit="statement", enabled=show_progress):
        current = compliance[st.statement_id]
        previous_id = previous_of[st.statement_id]
        previous = compliance.get(previous_id) if previous_id else None
        diff, new_sentences, verdicts = None, [], []
        if previous is not None:
            verdicts = compare_verdicts(previous, current, st.jurisdiction)
            if current["assessed"] and previous["assessed"]:
                then_rows, now_rows = sentences(previous["statement_id"]), sentences(st.statement_id)
                diff = diff_keys([r["key"] for r in then_rows], [r["key"] for r in now_rows])
                new_sentences = [now_rows[i] for i in diff.new]
                for change, picked, statement_rows in (
                    ("new", diff.new, now_rows),
                    ("dropped", diff.dropped, then_rows),
                ):
                    for i in picked:
                        s = statement_rows[i]
                        sentence_rows.append(
                            {
                                "statement_id": st.statement_id,
                                "previous_statement_id": previous_id,
                                "change": change,
                                **{k: s[k] for k in ("sentence_id", "sentence_idx", "page_no", "evidence")},
                                "evidence_p": _round(s["evidence_p"]),
                            }
                        )
            verdict_rows.extend(
                {
                    "statement_id": st.statement_id,
                    "previous_statement_id": previous_id,
                    "kind": v.kind,
                    "name": v.name,
                    "then_value": v.then,
                    "now_value": v.now,
                    "changed": None if v.changed is None else int(v.changed),
                }
                for v in verdicts
            )
        row = change_row(current, previous, diff, new_sentences, verdicts)
        entity_id, basis, name = entity_of[st.statement_id]
        row.update({"entity_id": entity_id, "entity_basis": basis, "entity": name or current["organisation"]})
        change_rows.append(row)
        if len(sentence_rows) + len(change_rows) >= BATCH:
            flush()
    flush()
    conn = db.conn
    conn.execute(f"CREATE INDEX idx_{TABLE}_entity ON {TABLE}(entity_id, jurisdiction, registry_year)")
    conn.execute(f"CREATE INDEX idx_{TABLE}_year_size ON {TABLE}(registry_year, change_size DESC)")
    conn.execute(f"CREATE INDEX idx_{TABLE}_alert ON {TABLE}(alert, registry_year DESC)")
    conn.execute(f"CREATE INDEX idx_{SENTENCES_TABLE}_evidence ON {SENTENCES_TABLE}(statement_id, evidence)")
    conn.commit()
    return counts
