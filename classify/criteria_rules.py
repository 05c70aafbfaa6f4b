"""Keyword rules for the 11 criteria questions, written from the AIMS relevance definitions.

Why rules at all: the labelled UK and Canadian sets have no positive C1 (reporting entity)
or C6 (consultation) sentences, so those two questions come from these rules (and from a
head trained on weak labels the rules give). For the other nine the rule scores are extra
features for the learned model and the fallback when no model is installed.

The rules are data, in classify/rules/criteria_rules.toml; this module is the engine that reads
them. Each rule is a regular expression with a weight; a sentence's score for a criterion is the
noisy-OR of the weights of the rules that match (``1 - prod(1 - w)``), minus the weights of
exclusion rules that the definitions name (vague commitments, "reporting entities" for C6).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from classify.rule_tables import fragment_texts, load_table, pattern_text
from db.schema import CRITERIA

_I = re.IGNORECASE
_INDEX = {name: i for i, name in enumerate(CRITERIA)}


@dataclass(frozen=True)
class Rule:
    """One pattern and how much a match says the sentence is relevant (negative: exclusion).

    ``gate`` holds lowercase literals of which any match must contain one: a substring test on
    them skips most regex searches, which keeps the rules cheap beside the encoder.
    """

    criterion: str
    pattern: re.Pattern[str]
    weight: float
    gate: tuple[str, ...] = ()


def _top_level_split(group: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in group:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return parts + [cur]


def literal_gate(pattern: str) -> tuple[str, ...]:
    """Leading literals of the pattern's first alternation (``\\b(a|b|c)...``); () when unsure."""
    m = re.match(r"(?:\\b)?\(", pattern)
    if not m:
        return ()
    depth, end = 1, m.end()
    while end < len(pattern) and depth:
        depth += {"(": 1, ")": -1}.get(pattern[end], 0)
        end += 1
    gate = []
    for alt in _top_level_split(pattern[m.end() : end - 1]):
        alt = alt.replace("\\.", ".")
        lit = ""
        for i, ch in enumerate(alt):
            if not re.match(r"[a-z0-9 '’&/.-]", ch) or alt[i + 1 : i + 2] in ("?", "*", "+", "{"):
                break
            lit += ch
        lit = lit.strip()
        if len(lit) < 2:
            return ()
        gate.append(lit)
    return tuple(gate)


def load_rules(table: dict) -> tuple[Rule, ...]:
    """The table's ``[[rule]]`` entries as compiled rules, in file order."""
    fragments = fragment_texts(table)
    rules = []
    for entry in table["rule"]:
        if entry["criterion"] not in _INDEX:
            raise ValueError(f"criteria rule for an unknown criterion: {entry['criterion']!r}")
        pattern = pattern_text(entry["pattern"], fragments)
        rules.append(
            Rule(entry["criterion"], re.compile(pattern, _I), entry["weight"], literal_gate(pattern))
        )
    return tuple(rules)


_TABLE = load_table("criteria_rules")
FRAGMENTS = fragment_texts(_TABLE)
RULES: tuple[Rule, ...] = load_rules(_TABLE)

_BASE = 0.02  # a sentence that matches nothing is still not certainly irrelevant
_MS_RE = re.compile(FRAGMENTS["MS"], _I)


def _noisy_or(weights: Sequence[float]) -> float:
    pos = [w for w in weights if w > 0]
    neg = sum(w for w in weights if w < 0)
    p = 1.0 - math.prod(1.0 - w for w in pos) if pos else 0.0
    return min(1.0, max(_BASE, p + neg if pos else _BASE))


def rule_scores(sentence: str) -> np.ndarray:
    """Rule score per criterion (db.schema.CRITERIA order) for one sentence, each in [0, 1]."""
    hits: list[list[float]] = [[] for _ in CRITERIA]
    lower = sentence.lower()
    for rule in RULES:
        if rule.gate and not any(g in lower for g in rule.gate):
            continue
        if rule.pattern.search(sentence):
            hits[_INDEX[rule.criterion]].append(rule.weight)
    scores = np.array([_noisy_or(h) if h else _BASE for h in hits], dtype=np.float32)
    # Risk and mitigation need a tie to modern slavery or labour rights somewhere in the sentence.
    if not _MS_RE.search(sentence):
        scores[_INDEX["c3_risk_description"]] *= 0.6
    # Short fragments (list bullets, page furniture) rarely carry C2-C6 content on their own.
    if len(sentence.split()) < 4:
        for name in CRITERIA[3:]:
            scores[_INDEX[name]] = min(scores[_INDEX[name]], 0.3)
    return scores


# A bare personal name: two to four capitalised words, middle initials allowed ("Katherine R. Kelly").
_NAME_LINE = re.compile(r"^\W*([A-Z]([a-z'’-]+\.?|\.)\s+){1,3}[A-Z][a-z'’-]+\W*$")
_TITLE_LINE = re.compile(rf"^\W*((group|global|deputy|interim|acting|executive) )?{FRAGMENTS['TITLE']}\b", _I)
SIGNATURE_BLOCK = 0.5  # a name line next to a title line: the definition's name and title, split in two


def signature_blocks(sentences: Sequence[str]) -> np.ndarray:
    """Rows that are a bare name line followed by a title line, or that title line (0/1 per row).

    Why: extracted signature blocks often put the signer's name and title on separate lines, so
    neither line alone shows both, which the signature definition asks for.
    """
    out = np.zeros(len(sentences), dtype=bool)
    for i in range(len(sentences) - 1):
        if _NAME_LINE.match(sentences[i]) and _TITLE_LINE.match(sentences[i + 1]):
            out[i] = out[i + 1] = True
    return out


REPEATED_LINE = 3  # a line whose opening recurs this often in one statement is a page header or footer
_LIST_INTRO = re.compile(r"(entities|companies|subsidiaries|following|include|includes)\W*$", _I)
_LIST_ITEM = re.compile(r"^\W*[A-Z0-9][^.;!?]{1,90}$")
ENTITY_LIST = 0.5  # rule score of a short item in a list of entities introduced by a C1 line
_LIST_MAX = 30


def line_key(sentence: str) -> str:
    """What two repeats of a page header share: the first 50 characters, case and spacing folded."""
    return " ".join(sentence.lower().split())[:50]


def repeated_lines(sentences: Sequence[str]) -> np.ndarray:
    """Rows whose first 50 characters recur at least ``REPEATED_LINE`` times in the statement.

    Why: extracted PDFs repeat the letterhead (name, ABN, address) on every page, often merged
    with the page's first sentence; the experts never read those repeats as identifying the
    reporting entity (the page's own sentence keeps its other scores). A caller that labels a
    statement in parts passes the mask computed over the whole statement to ``rule_matrix``.
    """
    keys = [line_key(s) for s in sentences]
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    return np.array([len(k) >= 30 and counts[k] >= REPEATED_LINE for k in keys], dtype=bool)


def entity_list_items(sentences: Sequence[str], c1: np.ndarray) -> np.ndarray:
    """Rows that are short items of a list introduced by a C1 line ("... applies to the following
    entities"): the experts label each listed name as identifying a reporting entity.
    """
    out = np.zeros(len(sentences), dtype=bool)
    for i, s in enumerate(sentences):
        if c1[i] < 0.45 or not _LIST_INTRO.search(s):
            continue
        for k in range(i + 1, min(len(sentences), i + 1 + _LIST_MAX)):
            if not _LIST_ITEM.match(sentences[k]) or len(sentences[k].split()) > 10:
                break
            out[k] = True
    return out


def rule_matrix(sentences: Sequence[str], repeated: np.ndarray | None = None) -> np.ndarray:
    """Rule scores for one statement's sentences in order: an (n, 11) float32 array.

    Like ``rule_scores`` per sentence, plus the rules that read neighbours: signature blocks,
    entity lists under a C1 line, and repeated page headers (no C1, approval or signature score;
    ``repeated``: that mask over the whole statement when ``sentences`` are only part of it).
    """
    if not sentences:
        return np.zeros((0, len(CRITERIA)), dtype=np.float32)
    scores = np.stack([rule_scores(s) for s in sentences])
    j = _INDEX["signature"]
    block = signature_blocks(sentences)
    scores[block, j] = 1.0 - (1.0 - scores[block, j]) * (1.0 - SIGNATURE_BLOCK)
    c1 = _INDEX["c1_reporting_entity"]
    items = entity_list_items(sentences, scores[:, c1])
    scores[items, c1] = np.maximum(scores[items, c1], ENTITY_LIST)
    repeated = repeated_lines(sentences) if repeated is None else np.asarray(repeated, dtype=bool)
    for name in ("approval", "signature", "c1_reporting_entity"):
        scores[repeated, _INDEX[name]] = _BASE
    return scores
