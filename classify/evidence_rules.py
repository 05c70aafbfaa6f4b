"""Dependency-free cues for the evidence-status layer: tense, modality, negation, hedging, outcomes.

Each cue is a compiled regular expression over one sentence. They serve twice: as binary
features of the learned model (`cue_vector`) and, ordered as in
../shared/labels/EVIDENCE_GUIDELINES.md, as a rules-only labeller (`rule_label`), the baseline
the learned model is measured against and the fallback when no weights are present.
The patterns are data, in classify/rules/evidence_cues.toml. Regexes rather than a parser:
they run at tens of thousands of sentences/s and the cues the guidelines name (will, aim, have
not identified, up from, were found) are lexical.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from classify.rule_tables import compile_patterns, load_table

_TABLE = load_table("evidence_cues")
# The lexical cues, name -> pattern, in feature order (classify/rules/evidence_cues.toml).
CUES: dict[str, re.Pattern[str]] = compile_patterns(_TABLE["cues"])
_LIST = compile_patterns(_TABLE["list_cues"])
_MASK = compile_patterns(_TABLE["mask_cues"])
FUTURE = CUES["future"]
PAST = CUES["past"]
NUMBER = CUES["number"]
# A forward-looking lead-in that governs the list after it: "Next steps:", "In 2024 we aim to ...".
FORWARD_LEAD = _LIST["forward_lead"]
# A subjectless list item: verb-initial ("Implement training", "Continue to ...", "Mapping ...").
VERB_STUB = _LIST["verb_stub"]
# Finite verbs or a subject: their absence marks a verbless list fragment ("Employee training on ...").
FINITE = _LIST["finite"]
ACTIVITY_COUNTED = _MASK["activity_counted"]
OUTCOME_WORDS = _MASK["outcome_words"]
BUSINESS_EVENT = _MASK["business_event"]
RESPONSE_OUTCOME = _MASK["response_outcome"]
# Shape, not words: an all-capitals line, and a bullet or enumerator at the start.
HEADING = re.compile(r"^[^a-z]{6,}$")
LIST_STUB = re.compile(r"^\s*([•\-–*·▪]|o\s|\(?[a-z0-9]\)\s)")

SHAPE_CUES: tuple[str, ...] = ("heading", "short", "very_short", "long", "list")
CUE_NAMES: tuple[str, ...] = tuple(CUES) + SHAPE_CUES


def sentence_cues(text: str) -> dict[str, bool]:
    """Which cues fire in `text` (lexical cues plus shape: heading, short, list stub)."""
    text = text or ""
    cues = {name: bool(rx.search(text)) for name, rx in CUES.items()}
    n_words = len(text.split())
    letters = re.sub(r"[^A-Za-z ]", "", text).strip()
    cues["heading"] = bool(letters) and bool(HEADING.match(letters)) and n_words <= 15
    cues["short"] = n_words < 6
    cues["very_short"] = n_words < 3
    cues["long"] = n_words > 40
    cues["list"] = bool(LIST_STUB.match(text))
    return cues


def cue_vector(text: str | dict[str, bool]) -> np.ndarray:
    """The cues of `text` (or cues already computed) as a 0/1 float vector in CUE_NAMES order."""
    cues = sentence_cues(text) if isinstance(text, str) else text
    return np.fromiter((cues[name] for name in CUE_NAMES), dtype=np.float32, count=len(CUE_NAMES))


def cue_matrix(texts: Sequence[str]) -> np.ndarray:
    """Stack `cue_vector` over texts: shape (n, len(CUE_NAMES))."""
    if not texts:
        return np.zeros((0, len(CUE_NAMES)), dtype=np.float32)
    return np.vstack([cue_vector(t) for t in texts])


def activity_counts(texts: Sequence[str]) -> np.ndarray:
    """Mask of counts or shares of activity with no word of what was found or changed: `action`,
    never `impact` ("Buyers trained | 100% | 100%"). On the labelled sets 13 of 576 such sentences
    are impact, 421 action."""
    return np.array(
        [
            bool(NUMBER.search(t or ""))
            and bool(ACTIVITY_COUNTED.search(t or ""))
            and not OUTCOME_WORDS.search(t or "")
            for t in texts
        ],
        dtype=bool,
    )


def business_events(texts: Sequence[str]) -> np.ndarray:
    """Mask of pandemic and other business events or facts (a spend profile) told with no word of an
    outcome of the response (none of the 11 labelled sentences naming the pandemic is impact, nor
    any of the 4 telling what was spent with how many suppliers)."""
    return np.array(
        [bool(BUSINESS_EVENT.search(t or "")) and not RESPONSE_OUTCOME.search(t or "") for t in texts]
    )


def forward_list_items(texts: Sequence[str], window: int = 12) -> np.ndarray:
    """Mask of subjectless, verb-initial list items under a forward-looking lead-in.

    "Next steps:" followed by "Implement mandatory training" makes the item a plan (`commitment`)
    though the item alone reads like a description. The lead-in must come within `window`
    sentences before, with only such items (or other list stubs) between them.
    """
    out = np.zeros(len(texts), dtype=bool)
    lead_at = -(window + 1)
    for i, text in enumerate(texts):
        text = text or ""
        stub = (bool(VERB_STUB.match(text)) or not FINITE.search(text)) and len(text.split()) <= 40
        stub = stub and not PAST.search(text) and not FORWARD_LEAD.search(text)
        if stub and i - lead_at <= window:
            out[i] = True
            continue
        if FORWARD_LEAD.search(text):
            lead_at = i
        elif not stub:
            lead_at = -(window + 1)
    return out


def rule_label(text: str) -> str:
    """The guidelines' decision order applied to lexical cues: none, impact, negative, action, commitment.

    Returns one of vocabulary.labels.EVIDENCE_LABELS. A number alone never makes impact: impact needs a
    finding, a remedy delivered or a change in a measure, and no future or conditional framing.
    """
    return label_from_cues(sentence_cues(text))


def label_from_cues(c: dict[str, bool]) -> str:
    """`rule_label` on cues already computed by `sentence_cues`."""
    responds = c["topic"] or c["stance"] or c["negative"]
    if c["very_short"] or (c["heading"] and not c["negative"]) or c["contact"] or not c["verb"]:
        return "none"
    if not responds or (c["definition"] and not c["we"]) or (c["approval"] and c["short"]):
        return "none"
    if c["background"] and not (c["stance"] or c["future"] or c["obligation"] or c["past"] or c["negative"]):
        return "none"
    hypothetical = c["future"] or c["conditional"] or c["hedge"]
    substance = c["finding"] or c["remedy_done"] or (c["change"] and c["number"])
    if substance and not c["negative"] and not hypothetical:
        return "impact"
    if c["negative"] and not c["conditional"] and not c["future"] and (c["past"] or c["period"] or c["we"]):
        return "negative"
    if c["conditional"] and not c["past"]:
        return "commitment"
    if c["past"] or c["period"]:
        return "action"
    if c["future"] or c["stance"] or c["obligation"]:
        return "commitment"
    if c["operates"]:
        return "action"
    return "commitment"
