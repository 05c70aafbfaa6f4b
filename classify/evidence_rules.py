"""Dependency-free cues for the evidence-status layer: tense, modality, negation, hedging, outcomes.

Each cue is a compiled regular expression over one sentence. They serve twice: as binary
features of the learned model (`cue_vector`) and, ordered as in
../shared/labels/EVIDENCE_GUIDELINES.md, as a rules-only labeller (`rule_label`), the baseline
the learned model is measured against and the fallback when no weights are present.
Regexes rather than a parser: they run at tens of thousands of sentences/s and the cues the
guidelines name (will, aim, have not identified, up from, were found) are lexical.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_I = re.IGNORECASE


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _I)


# Topic of the organisation's response (policies, due diligence, audits, training, remedies, KPIs).
RESPONSE_TOPIC = _rx(
    r"\b(polic(y|ies)|code of (business )?(conduct|ethics)|due diligence|audit\w*|assess\w*|train\w*|"
    r"e-?learning|awareness|supplier\w*|vendor\w*|contract\w*|clause\w*|questionnaire\w*|whistle\s?-?blow\w*|"
    r"passports?|workers?|wages?|fees|labou?r|exploit\w*|slavery|traffick\w*|factor(y|ies)|sites?|"
    r"hotline|helpline|speak(ing)? up|grievance|remedia\w*|risk\w*|kpis?|key performance|monitor\w*|"
    r"investigat\w*|procurement|onboard\w*|screen\w*|working group|committee|steering group|"
    r"corrective action|non-?complian\w*|complian\w*|standards?|modern slavery|forced labou?r|"
    r"human trafficking|child labou?r|recruitment fees?|ethical trade|sedex|smeta)\b"
)

# Future and intention: "will", "aim", "plan", "intend", "next year".
FUTURE = _rx(
    r"\b(will|shall|going to|intends?|intention|plans?|planning|planned|aims?|aiming|seeks?|seeking|"
    r"strives?|striving|endeavou?rs?|propose[sd]?|target(s|ing)? to|looking to|next (year|steps?|"
    r"financial year|reporting period|12 months)|in the (coming|next|future)|going forward|over the "
    r"(coming|next)|moving forward|by (the end of )?(20\d\d|fy\s?\d\d)|"
    r"in (fy)?\s?20\d\d/?\d*,? we (will|plan|aim))\b"
)
# Stance and aspiration: commitment words, zero tolerance, expectations, recognition.
STANCE = _rx(
    r"\b(committed|commitment|commits?|dedicated to|zero[- ]tolerance|oppose[sd]?|condemn\w*|"
    r"does not tolerate|do not tolerate|will not tolerate|not tolerate|expects?|expectations?|"
    r"recogni[sz]e[sd]?|acknowledge[sd]?|believes?|respects?|upholds?|support(s)? the|strongly|"
    r"take (this|our responsibilit\w*) seriously|determined|pledge\w*|aspir\w*|values?|principles?)\b"
)
# Obligation in policy content: requires, must, prohibits, are required to, should.
OBLIGATION = _rx(
    r"\b(requires?|required to|must|prohibits?|prohibited|forbid\w*|should|obliged|obligations?|"
    r"are expected to|is expected to|mandates?|shall)\b"
)
# Conditionals: "if an issue is found we will ...", "in the event of", "should any", "were we to".
CONDITIONAL = _rx(
    r"\b(if|in the event( of| that)?|where (any|a|an)|should (any|a|an|we)|unless|whenever|"
    r"were we to|would)\b"
)
# A forward-looking lead-in that governs the list after it: "Next steps:", "In 2024 we aim to ...".
FORWARD_LEAD = _rx(
    r"(\bnext steps?\b|\b(plans?|priorities|objectives|goals|focus|intentions?|commitments?) for (the )?"
    r"(coming|next|forthcoming|20\d\d)|\b(we|the \w+) (will|plan to|intend to|aim to|are planning to)\b"
    r".{0,80}((the following|include|includes)\b.{0,25}|:\s*)$|\bwhat we (plan|intend|aim) to do\b|"
    r"\bfuture (plans|actions|steps)\b|"
    r"\b(in|during|over) the (coming|next|forthcoming) (year|period|financial year|12 months)\b.{0,60}:\s*$)"
)
# A subjectless list item: verb-initial ("Implement training", "Continue to ...", "Mapping ...").
VERB_STUB = _rx(
    r"^\W*([a-z]+(ing|ise|ize|ify|ate)|continue|develop|review|implement|introduce|launch|roll|conduct|"
    r"carry|engage|extend|expand|update|establish|consider|insert|incorporate|provide|require|ensure|"
    r"increase|embed|work|build|set|complete|undertake|explore)\b(?! (is|are|was|were|has|have)\b)"
)
# Finite verbs or a subject: their absence marks a verbless list fragment ("Employee training on ...").
FINITE = _rx(r"\b(is|are|was|were|has|have|had|will|would|can|may|must|should|shall|do|does|did|we|i)\b")

# Past or perfect tense, the signature of something done.
PAST = _rx(
    r"\b(have|has|had) (now |also |recently |already |successfully |continued |been )?\w+(ed|en|ne|un|t)\b|"
    r"\b(was|were) \w+(ed|en|ne|t)\b|\b(conducted|carried out|undertook|undertaken|completed|"
    r"introduced|launched|rolled out|implemented|updated|revised|adopted|published|established|"
    r"developed|created|formed|appointed|delivered|attended|held|joined|signed|sent|issued|"
    r"reviewed|performed|engaged|began|started|initiated|mapped|visited|trained|hosted|ran|"
    r"undertook|achieved|became|became|extended|expanded)\b"
)
# Present-tense operation of a mechanism: "we audit", "suppliers are assessed", "is in place".
OPERATES = _rx(
    r"\b(in place|is operated|operates?|we (audit|assess|monitor|require|conduct|carry out|use|"
    r"screen|review|provide|work|engage|ask|check|undertake|maintain|run|have)|are (audited|assessed|"
    r"monitored|screened|reviewed|required|asked|trained|subject to)|is (audited|assessed|monitored|"
    r"reviewed|available|managed|overseen|responsible)|annually|regularly|periodic\w*|each year|"
    r"every year|on an? (annual|regular|ongoing) basis|during the (year|period|reporting period)|"
    r"this year|last year|in 20\d\d|to date|so far)\b"
)
# Time anchors of the reporting period.
PERIOD = _rx(r"\b(during|in|throughout|since|over) (the )?(20\d\d|fy\s?\d\d|financial year|year|period|last)")
# Outcome language: findings with substance, remediation delivered, exits, change in a measure.
FINDING = _rx(
    r"\b(identified|found|discovered|detected|uncovered|raised|revealed|highlighted|flagged|reported)\b.{0,60}"
    r"\b(cases?|instances?|incidents?|issues?|non-?conformit\w*|non-?complian\w*|breach\w*|violations?|"
    r"concerns?|allegations?|victims?|workers|suppliers?|sites|factories|farms|growers|agenc(y|ies)|"
    r"labour providers?|findings?|relationships|accounts?|holding|retaining|withholding|charging)\b|"
    r"\b(cases?|instances?|incidents?|issues?|non-?conformit\w*|non-?complian\w*|breach\w*|violations?|"
    r"concerns?|allegations?)\b.{0,40}\b(were|was|have been|has been) (identified|found|discovered|"
    r"raised|reported|detected|remediated|resolved|closed)\b|\bwere found to\b|\bas a result (of|,)"
)
REMEDY_DONE = _rx(
    r"\b(repaid|reimbursed|refunded|back-?paid|paid back|compensated|returned (their|the) "
    r"(passports?|documents?)|(were|was|have been|has been) (returned|repaid|reimbursed|compensated)|"
    r"re-?hired|reinstated|rescued|freed|safeguarded|terminated|exited|"
    r"suspended|de-?listed|delisted|ceased (working|trading|business)|stopped working|removed from|"
    r"resolved|remediated|closed out|were closed|has led to|led to|resulted in|leading to|"
    r"prosecut\w*|convict\w*|referred to (the )?(police|authorities|law enforcement))\b"
)
CHANGE = _rx(
    r"\b(up from|down from|increased?|decreased?|reduced|reduction|fell|rose|improved|improvement|"
    r"compared (to|with)|from \d+%? to \d+|doubled|halved|grew|declined|dropped)\b"
)
NUMBER = re.compile(r"\b\d[\d,.]*\b|%|\bper ?cent\b", _I)
PERCENT = re.compile(r"\d\s?%|\bper ?cent\b", _I)
# Nothing found or reported.
NEGATIVE = _rx(
    r"\b(no|zero|nil)\b[\w\s,-]{0,40}\b(cases?|instances?|incidents?|incidences?|issues?|concerns?|"
    r"reports?|evidence|breach\w*|violations?|allegations?|disclosures?|complaints?|grievances?|"
    r"suspicions?|infringements?|indications?|examples?)\b|\b(not|never|nor)\b[\w\s,-]{0,25}\b(aware|"
    r"identified|found|discovered|detected|received|uncovered|identify|find|been made aware|knowingly|"
    r"reported)\b|\bno (supplier|suppliers|one|person|worker)s? (has|have|was|were)\b|"
    r"\bnone (were|was|have|has)\b"
)
# Hedging: lowers the claim (may, could, might, believe, likely, seek to).
HEDGE = _rx(
    r"\b(may|might|could|possibly|potential(ly)?|likely|unlikely|perhaps|appears?|seems?|where possible|"
    r"where appropriate|as appropriate|to the extent)\b"
)
NEGATION = _rx(r"\b(not|no|never|none|nor|neither|without|n't)\b")
WE_SUBJECT = _rx(r"^\W*(we|our|the (company|group|firm|business|board)|it)\b|\bwe\b")
# Background, definitions, legal citations, approval and signature lines: the `none` side.
DEFINITION = _rx(
    r"\b(is defined as|refers to|means|encompass\w*|is a (term|crime)|defined as|(an )?estimated \d|"
    r"million people|worldwide|around the world|the act requires|(section|s\.?) ?54|pursuant to|"
    r"this statement (is|has been) (made|published|prepared)|constitutes? (our|the)|in accordance with "
    r"(section|the modern slavery act))\b"
)
BACKGROUND = _rx(
    r"\b(founded|headquartered|head office|employs?|employees|staff of|turnover|revenue|subsidiar\w*|"
    r"operates? (in|from|across)|"
    r"our (products|services|business|customers|clients|operations) (is|are|include)|"
    r"is a (leading|global|uk|british|privately|family|specialist)|we are a|provider of|manufacturer of|"
    r"retailer|brands?|stores?|offices in|countries|portfolio|incorporated|registered in)\b"
)
APPROVAL = _rx(
    r"\b(approved by|signed( by| on behalf)?|board of directors|on behalf of the board|chief executive|"
    r"managing director|director|ceo|date[d:]|signature)\b"
)
CONTACT = _rx(r"(@|https?://|www\.|\bclick here\b|\bdownload\b|\bcontact us\b|\bcookies\b|\bprivacy\b)")
VERB_HINT = _rx(
    r"\b(is|are|was|were|be|been|being|has|have|had|do|does|did|will|shall|can|could|may|might|must|"
    r"should|would)\b|\b\w+(ed|es|s)\b"
)
HEADING = re.compile(r"^[^a-z]{6,}$")
LIST_STUB = re.compile(r"^\s*([•\-–*·▪]|o\s|\(?[a-z0-9]\)\s)")

CUES: dict[str, re.Pattern[str]] = {
    "topic": RESPONSE_TOPIC,
    "future": FUTURE,
    "stance": STANCE,
    "obligation": OBLIGATION,
    "conditional": CONDITIONAL,
    "past": PAST,
    "operates": OPERATES,
    "period": PERIOD,
    "finding": FINDING,
    "remedy_done": REMEDY_DONE,
    "change": CHANGE,
    "number": NUMBER,
    "percent": PERCENT,
    "negative": NEGATIVE,
    "hedge": HEDGE,
    "negation": NEGATION,
    "we": WE_SUBJECT,
    "definition": DEFINITION,
    "background": BACKGROUND,
    "approval": APPROVAL,
    "contact": CONTACT,
    "verb": VERB_HINT,
}
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


# What a count or share of activity counts (guidelines: "a count of activity alone is action")
ACTIVITY_COUNTED = _rx(
    r"\b(trained|training|audited|audits?|assessed|assessments?|questionnaires?|signed|screened|reviewed|"
    r"completed|clauses?|surveyed|mapped|onboarded|visited|attended|certified)\b"
)
# Words of what a response found or changed: any of them keeps a sentence a candidate for impact
OUTCOME_WORDS = _rx(
    r"\b(found|find|findings?|identif\w*|uncover\w*|discover\w*|detect\w*|remediat\w*|repaid|repay\w*|"
    r"reimburs\w*|refund\w*|back-?pa\w*|compensat\w*|removed|ended|terminat\w*|exit\w*|"
    r"suspend\w*|delist\w*|stopped|ceased|resolved|closed|substantiated|rose|fell|increase\w*|decrease\w*|"
    r"reduc\w*|improv\w*|up from|down from|non-?conformit\w*|non-?complian\w*|breach\w*|violations?|"
    r"cases?|victims?|grievances?|complaints?|allegations?|reports?|concerns?|issues?|rescued|freed|"
    r"recruitment fees?|passports?)\b"
)
# A business event of the period, not the response to modern slavery (guidelines: `none`), and the
# words that would make it part of the response after all ("closed" and "ended" are business words here)
BUSINESS_EVENT = _rx(r"\b(covid[- ]?19|covid|coronavirus|pandemic|lockdowns?|furlough\w*)\b")
RESPONSE_OUTCOME = _rx(
    r"\b(found|findings?|identif\w*|uncover\w*|remediat\w*|repaid|reimburs\w*|refund\w*|back-?pa\w*|"
    r"compensat\w*|victims?|grievances?|complaints?|allegations?|cases?|non-?conformit\w*|breach\w*|"
    r"violations?|recruitment fees?|passports?)\b"
)


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
    """Mask of pandemic and other business events told with no word of an outcome of the response
    (none of the 11 labelled sentences naming the pandemic is impact)."""
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
