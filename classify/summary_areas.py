"""Statement-level mapping of the 11 AIMS questions onto the AU s.16 criteria and the UK six areas.

Inputs are labelled sentence rows (criteria 0/1 and `<name>_p`, `evidence`, `text`); outputs are
the AU `met` / `partly` / `not_met` verdicts and the UK areas detected. The rules are stated in
the docstrings so that a regulator reading a summary can check them by hand.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from classify.rule_tables import compile_patterns, load_table
from vocabulary.labels import AU_CRITERIA, UK_AREAS

MET, PARTLY, NOT_MET = "met", "partly", "not_met"
# A criterion with no labelled sentence but one scored at least this high is a borderline mention.
BORDERLINE_P = 0.3
PROCESS_OR_OUTCOME = frozenset({"action", "impact", "negative"})

# AU s.16(1)(a)-(g) → the AIMS questions that evidence each paragraph.
AU_MAP: dict[str, tuple[str, ...]] = {
    "au_c1": ("c1_reporting_entity",),  # (a) identify the reporting entity
    "au_c2": ("c2_structure", "c2_operations", "c2_supply_chains"),  # (b) structure, operations, supply ch.
    "au_c3": ("c3_risk_description",),  # (c) risks of modern slavery practices
    "au_c4": ("c4_risk_mitigation", "c4_remediation"),  # (d) actions incl. due diligence and remediation
    "au_c5": ("c5_effectiveness",),  # (e) how effectiveness is assessed
    "au_c6": ("c6_consultation",),  # (f) consultation with owned or controlled entities
    "au_c7": (),  # (g) other relevant information: no AIMS question; see au_other_information
}
AU_NAMES: dict[str, str] = {
    "au_c1": "(a) reporting entity",
    "au_c2": "(b) structure, operations, supply chains",
    "au_c3": "(c) risks",
    "au_c4": "(d) actions, due diligence, remediation",
    "au_c5": "(e) effectiveness",
    "au_c6": "(f) consultation",
    "au_c7": "(g) other relevant information",
}
assert tuple(AU_MAP) == AU_CRITERIA

# The UK six areas are read off the criteria labels plus the words of the sentence and of the
# section it is in (classify/rules/uk_areas.toml); bench/bench_areas.py measures these rules.
_TABLE = load_table("uk_areas")
_WORDS = compile_patterns(_TABLE["area_words"])
_POLICY = _WORDS["policy"]
_NOT_A_POLICY = _WORDS["not_a_policy"]
_RISK_ASSESS = _WORDS["risk_assessment"]
_DUE_DILIGENCE = _WORDS["due_diligence"]
_DD_STRONG = _WORDS["due_diligence_strong"]
_TRAINING = _WORDS["training"]
_GOALS = _WORDS["goals"]
_FUTURE = _WORDS["future"]
_NEGATED = _WORDS["negated"]
# Section headings that say which area the sentences under them are about.
_SECTION = compile_patterns(_TABLE["section_headings"])
_TERMINAL = re.compile(r"[.;:!?]$")


def is_heading(row: dict) -> bool:
    """A heading: the extractor says so, or (text without blocks) a short line with no end punctuation."""
    kind = row.get("block_kind")
    if kind:
        return kind == "heading"
    text = (row.get("text") or "").strip()
    return 0 < len(text.split()) <= 6 and not _TERMINAL.search(text)


def _claim(row: dict) -> bool:
    """Something said to be done or in place: not a promise, and not a 'nothing found' declaration."""
    return row.get("evidence") != "negative" and not _FUTURE.search(row.get("text") or "")


def _names(pattern: re.Pattern, text: str) -> bool:
    """The text names the thing, and not only to deny it ('no training has taken place')."""
    m = pattern.search(text)
    return bool(m) and not _NEGATED.search(text[max(0, m.start() - 50) : m.start()])


def _positive(rows: Sequence[dict], criterion: str) -> list[dict]:
    return [r for r in rows if int(r.get(criterion) or 0) == 1]


def _max_p(rows: Sequence[dict], criterion: str) -> float:
    return max((float(r.get(f"{criterion}_p") or 0.0) for r in rows), default=0.0)


def au_verdict(rows: Sequence[dict], code: str) -> str:
    """AU s.16(1) verdict for one paragraph.

    - (a), (c), (f): met with at least two labelled sentences ((a): one); partly with fewer,
      or with none labelled but one scored at least BORDERLINE_P.
    - (b): met when structure, operations and supply chains each have a sentence; partly when
      one or two of them do.
    - (d): met when both risk mitigation and remediation have a sentence; partly when one does.
    - (e): met when an effectiveness sentence reports something done or found (evidence
      action, impact or negative); partly when effectiveness is only promised or described
      (commitment / none), or only borderline.
    - (g): see `au_other_information`.
    """
    if code == "au_c7":
        return au_other_information(rows)
    criteria = AU_MAP[code]
    if len(criteria) > 1:
        present = [c for c in criteria if _positive(rows, c)]
        if len(present) == len(criteria):
            return MET
        return PARTLY if present or any(_max_p(rows, c) >= BORDERLINE_P for c in criteria) else NOT_MET
    (criterion,) = criteria
    hits = _positive(rows, criterion)
    if code == "au_c5":
        if any(r.get("evidence") in PROCESS_OR_OUTCOME for r in hits):
            return MET
        return PARTLY if hits or _max_p(rows, criterion) >= BORDERLINE_P else NOT_MET
    needed = 1 if code == "au_c1" else 2
    if len(hits) >= needed:
        return MET
    return PARTLY if hits or _max_p(rows, criterion) >= BORDERLINE_P else NOT_MET


def au_other_information(rows: Sequence[dict]) -> str:
    """(g) other relevant information: no AIMS question covers it, so it is read off the evidence.

    Met when at least two sentences make a claim about the response (any evidence label but
    none) while addressing none of c1-c6 (e.g. partnerships, industry initiatives, COVID-19);
    partly with one; not_met with none. (g) is discretionary: not_met is not a breach.
    """
    core = [c for code, cs in AU_MAP.items() if code != "au_c7" for c in cs]
    extra = [
        r for r in rows if r.get("evidence", "none") != "none" and not any(int(r.get(c) or 0) for c in core)
    ]
    return MET if len(extra) >= 2 else PARTLY if extra else NOT_MET


def au_criteria(rows: Sequence[dict]) -> dict[str, str]:
    """All seven AU verdicts keyed by vocabulary.labels.AU_CRITERIA."""
    return {code: au_verdict(rows, code) for code in AU_CRITERIA}


def uk_area_sentences(rows: Sequence[dict]) -> dict[str, list[dict]]:
    """Sentences that evidence each UK s.54(5) area (Home Office guidance), per Mapping.PNG.

    A sentence counts for an area when the classifier gives it the area's criteria (below), or it
    sits in a section whose heading names the area ("Due diligence", "Training"), and its words
    name the area. Except for org_structure and policies, it must also say what is done or in
    place: a promise ("we will set KPIs"), a declaration that nothing was found, or a denial ("no
    training has taken place") evidences nothing.

    - org_structure: any of c2_structure, c2_operations, c2_supply_chains.
    - policies: a c4 sentence, or one under a policies heading, naming a policy, code or standard.
    - risk_assessment: a c3_risk_description sentence, or a c4 sentence (or one under a risk
      heading) about assessing risk or naming where it lies (high-risk, risk areas, at risk).
    - due_diligence: a c4_remediation sentence, or a c4_risk_mitigation sentence (or one under a
      due diligence heading) naming a check: audit, questionnaire, visit, vetting, screening,
      right-to-work or licence check, interview, corrective action; or any sentence naming an
      audit, interviews, a questionnaire, spot checks or site visits.
    - training: a c4 sentence, or one under a training heading, naming training, a briefing, an
      e-learning or online course, a workshop or toolbox talk, or awareness raising.
    - goals: a c5_effectiveness sentence, or one under a measuring-progress heading, naming an
      indicator, KPI, target or measured change, or a row of a table there. List items after a
      promise ("In the coming year we will:") are promises.
    """
    out: dict[str, list[dict]] = {area: [] for area in UK_AREAS}
    section = ""
    promised_list = False  # list items after "In the coming year we will:" are promises too
    for r in rows:
        text = r.get("text") or ""
        if is_heading(r):
            section, promised_list = text, False
            continue
        if r.get("block_kind") != "list_item":
            promised_list = text.rstrip().endswith(":") and bool(_FUTURE.search(text))
        elif promised_list:
            continue
        under = {area: bool(pattern.search(section)) for area, pattern in _SECTION.items()}
        c2 = any(int(r.get(c) or 0) for c in ("c2_structure", "c2_operations", "c2_supply_chains"))
        c3 = int(r.get("c3_risk_description") or 0)
        c4m, c4r = int(r.get("c4_risk_mitigation") or 0), int(r.get("c4_remediation") or 0)
        c5 = int(r.get("c5_effectiveness") or 0)
        claim = _claim(r)
        if c2:
            out["org_structure"].append(r)
        if (c4m or c4r or under["policies"]) and _names(_POLICY, text) and not _NOT_A_POLICY.search(text):
            out["policies"].append(r)
        if claim and (c3 or ((c4m or c4r or under["risk_assessment"]) and _names(_RISK_ASSESS, text))):
            out["risk_assessment"].append(r)
        checks = (c4m or under["due_diligence"]) and _names(_DUE_DILIGENCE, text)
        if claim and (c4r or checks or _names(_DD_STRONG, text)):
            out["due_diligence"].append(r)
        if claim and (c4m or c4r or under["training"]) and _names(_TRAINING, text):
            out["training"].append(r)
        is_table_row = r.get("block_kind") == "table"
        if claim and (c5 or under["goals"]) and (_names(_GOALS, text) or (under["goals"] and is_table_row)):
            out["goals"].append(r)
    return out


def uk_mismatch(detected: dict[str, bool], statement: dict) -> list[str] | None:
    """Areas where the registry declaration and the text disagree.

    `<area>:declared_not_detected` or `<area>:detected_not_declared`; None when the statement
    declares nothing (not UK, or no registry flags), so 'no data' is not read as agreement.
    """
    declared = {area: statement.get(f"declared_{area}") for area in UK_AREAS}
    if all(v is None or v == "" for v in declared.values()):
        return None
    out = []
    for area in UK_AREAS:
        flag = declared[area]
        if flag is None or flag == "":
            continue
        flag = bool(int(flag))
        if flag and not detected[area]:
            out.append(f"{area}:declared_not_detected")
        elif detected[area] and not flag:
            out.append(f"{area}:detected_not_declared")
    return out
