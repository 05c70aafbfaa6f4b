"""Keyword rules for the 11 criteria questions, written from the AIMS relevance definitions.

Why rules at all: the labelled UK and Canadian sets have no positive C1 (reporting entity)
or C6 (consultation) sentences, so those two questions come from these rules (and from a
head trained on weak labels the rules give). For the other nine the rule scores are extra
features for the learned model and the fallback when no model is installed.

Each rule is a regular expression with a weight; a sentence's score for a criterion is the
noisy-OR of the weights of the rules that match (``1 - prod(1 - w)``), minus the weights of
exclusion rules that the definitions name (vague commitments, "reporting entities" for C6).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from db.schema import CRITERIA

_I = re.IGNORECASE

# Governing bodies whose approval counts (AIMS approval definition).
_BODY = (
    r"(board(s)?( of (directors|trustees|management|governors))?|directors|governing body|trustees"
    r"|council|partners|members of the (llp|partnership)|management committee)"
)
_TITLE = (
    r"(chief executive( officer)?|ceo|managing director|executive director|non-executive director"
    r"|director|chair(man|woman|person)?|president|company secretary|chief financial officer|cfo"
    r"|chief operating officer|coo|(senior |executive )?vice[- ]president"
    r"|general manager|country manager|(company )?secretary|member of the board"
    r"|founder|owner|partner|trustee|principal)"
)
_COMPANY = (
    r"\b(pty\.? ?ltd|proprietary limited|limited|ltd|plc|llp|inc\.?|incorporated|corporation|corp\.?"
    r"|trust|group)\b"
)
_OWNED = (
    r"\b(owned (and|or|and/or) controlled|controlled (entities|affiliates|subsidiaries|companies)"
    r"|entit(y|ies) (we|it|that we|that it|which we|which it) (own|owns|control)"
    r"|subsidiar(y|ies)|group (companies|entities)|related (bodies|entities)|wholly[- ]owned"
    r"|each (entity|reporting entity)|entities covered by (this|the) (joint )?statement"
    r"|entities within (the|our) (\w+ ){0,2}group)\b"
)
_SUFFIX = r"(pty\.? ?(ltd|limited)|ltd|limited|inc|plc)"  # the commonest legal-form suffixes
# Legal-form suffixes that mark a sentence's words as an entity's name (AU, UK, EU, US forms).
_LEGAL = (
    r"\b(pty\.? ?(ltd|limited)|proprietary limited|limited|ltd|plc|llp|llc|inc\.?|incorporated"
    r"|corporation|corp\.?|ag|se|s\.?a\.?|n\.?v\.?|b\.?v\.?|gmbh|pte\.? ltd|l\.?p\.?)\b"
)
_MS = (
    r"(modern slavery|slavery|forced labou?r|human trafficking|child labou?r|trafficking|servitude"
    r"|debt bondage)"
)


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


def _r(criterion: str, pattern: str, weight: float) -> Rule:
    return Rule(criterion, re.compile(pattern, _I), weight, literal_gate(pattern))


RULES: tuple[Rule, ...] = (
    # Approval: direct approval by the principal governing body.
    _r(
        "approval",
        rf"\b(approv\w*|adopt\w*|endors\w*|signed off|ratif\w*)\b.{{0,80}}\b(by|of) (the |our |its )?"
        rf"([\w&'’-]+ ){{0,6}}{_BODY}\b",
        0.75,
    ),
    _r("approval", rf"\b{_BODY}\b.{{0,60}}\b(approved|has approved|have approved|adopted|endorsed)\b", 0.6),
    _r("approval", r"\b(statement|report)\b.{0,60}\bapproved\b", 0.35),
    _r("approval", r"\bapproved by\b.{0,40}\b(executive|leadership|committee|ceo|chief)\b", -0.3),
    _r("approval", r"\b(considered|put forward|presented|submitted|recommended) (by|to) the board\b", -0.5),
    # A committee of the board approving is a delegation, which the definition rules out.
    _r("approval", r"^\W*(the )?([\w&'’-]+ ){0,6}committee of the board\b.{0,120}\bapproved\b", -0.5),
    # The board approving something else (a strategy, regulations, a policy): a long sentence that
    # never names the statement. Short lines ("Approved by the Board of Directors") stay in.
    _r("approval", r"^(?!.*\b(statements?|reports?|document)\b)(?:\S+\s+){12}", -0.6),
    # Signature: a named responsible member with title, or explicit signing words.
    _r("signature", r"\b(signed|signature|signatory)\b", 0.55),
    # The definition's "s/" (written "/s/ Name"), signature IDs and electronic signatures.
    _r("signature", r"(?<![\w/])/?s/(?!\w)|\b(docusign|e-?signed|electronically signed|signature id)\b", 0.6),
    # A capitalised name (case-sensitive: the rules are compiled ignoring case), then a title.
    _r(
        "signature",
        rf"^\W*(?-i:([A-Z][A-Za-z'’.-]+\s){{1,3}}[A-Z][A-Za-z'’-]+)[\s,–-]+.{{0,30}}\b{_TITLE}\b",
        0.5,
    ),
    _r("signature", r"^\W*(name|title|position|date)\s*:", 0.45),
    _r("signature", rf"^\W*{_TITLE}\W*$", 0.5),
    # A title line of a signature block: the title, then at most the entity's name.
    _r(
        "signature", rf"^\W*((group|global|deputy|interim|acting|executive) )?{_TITLE}\b[^.;:]{{0,60}}$", 0.35
    ),
    _r("signature", r"\bon behalf of the board\b", 0.35),
    # Who signed, in prose: "It has been signed by the CEO of X, who is a member of the Board".
    _r(
        "signature",
        rf"\b(has been|have been|was|is|were|are) signed by (the|its|our|each|one) "
        rf"([\w-]+ ){{0,2}}{_TITLE}\b",
        0.7,
    ),
    # Who signs, in prose: "delegated to the Secretary to sign it on behalf of the Board".
    _r("signature", rf"\b{_TITLE}\b.{{0,20}}\bto sign (it|this|the)\b", 0.6),
    # "This statement is signed by <name> in her role as Director": the definition's wording, in prose.
    _r("signature", r"\b(this|the) (joint )?(\w+ )?(statement|report)\b.{0,30}\bsigned by\b", 0.7),
    _r(
        "signature",
        r"\bsigned by\b.{0,60}\b(in (her|his|their) (role|capacity) as|as (a )?(director|chair))",
        0.7,
    ),
    # C1: the statement names who is reporting (the entity names, or "reporting entity" tied to a name).
    _r("c1_reporting_entity", r"\b(is|are|as) (the|a|one of the) (sole )?reporting entit(y|ies)\b", 0.7),
    _r("c1_reporting_entity", r"\b(each|together|collectively),? (a|the) reporting entit(y|ies)\b", 0.6),
    _r(
        "c1_reporting_entity",
        r"\breporting entit(y|ies)\b.{0,40}\b(under|covered by|for|of|making) (this|the) (joint )?"
        r"(statement|report)\b",
        0.55,
    ),
    _r("c1_reporting_entity", r"\bidentif\w*( of)? (the|our|each) reporting entit(y|ies)\b", 0.5),
    _r("c1_reporting_entity", rf"{_COMPANY}.{{0,80}}\breporting entit(y|ies)\b", 0.45),
    _r("c1_reporting_entity", r"\breporting entit(y|ies)\b", 0.2),
    _r(
        "c1_reporting_entity",
        r"\b(required to (report|submit|prepare|publish|produce))\b.{0,40}\b(statement|report)\b",
        0.55,
    ),
    _r(
        "c1_reporting_entity",
        r"\bthis (joint |modern slavery |annual )?(statement|report)\b.{0,80}\b(is made|is "
        r"published|is submitted|is given|is prepared|covers|applies to|is issued)\b.{0,60}"
        r"\b(by|on behalf of|for|to)\b",
        0.55,
    ),
    _r("c1_reporting_entity", rf"\bthis (joint )?(statement|report)\b.{{0,100}}{_COMPANY}", 0.4),
    _r(
        "c1_reporting_entity",
        r"\b(pursuant to|under|in accordance with|for the purposes of) (section|s\.?) ?(13|14|16|54|"
        r"11)\b",
        0.4,
    ),
    _r("c1_reporting_entity", r"\b(abn|acn|arbn|company (number|no\.?)|registration number)\s*:?\s*\d", 0.6),
    # Introductory sentences that present the statement's issuers by name (the definition's
    # fallback when "reporting entity" is not written out).
    _r(
        "c1_reporting_entity",
        r"\bthis (is|constitutes) (the|our|a)\b.{0,60}\bstatement\b.{0,40}\b(for|of|by|from|made by)\b",
        0.6,
    ),
    _r("c1_reporting_entity", r"\bthis (\w+ ){0,4}statement (constitutes|is the)\b", 0.55),
    _r(
        "c1_reporting_entity",
        r"\b(statement|report) (is|has been|was) (made |issued |given |submitted )?(from|by) (the board of )?"
        r"(?!(the|our|its) (board|directors)\b)",
        0.3,
    ),
    _r("c1_reporting_entity", rf"\b(statement|report) (is|has been|was) from\b.{{0,60}}{_LEGAL}", 0.6),
    _r(
        "c1_reporting_entity",
        r"\b(has|have) (prepared|published|made|issued|submitted|produced|compiled) this (joint )?(\w+ ){0,3}"
        r"(statement|report)\b",
        0.55,
    ),
    _r("c1_reporting_entity", r"^\W*we (have|'ve) (prepared|published|made|issued|produced)\b", -0.3),
    _r(
        "c1_reporting_entity",
        r"\b(submitting|submits|publishing|publishes|making|makes|issuing|issues) this (joint )?(\w+ ){0,3}"
        r"statement on behalf of\b",
        0.6,
    ),
    _r(
        "c1_reporting_entity",
        r"\b(statement|report) (\w+ )?(covers|applies to|is made on behalf of|includes)\b.{0,40}\b(following|"
        r"entities|subsidiaries|companies)\b",
        0.55,
    ),
    _r(
        "c1_reporting_entity",
        rf"\b(sets out|describes|outlines|details|summari[sz]es|reports on)\b.{{0,30}}\b(steps|actions|"
        rf"activities|measures|efforts)\b.{{0,20}}\btaken by\b.{{0,60}}{_LEGAL}",
        0.55,
    ),
    _r("c1_reporting_entity", r"\b(is|are) not (a |the )?reporting entit(y|ies)\b", 0.5),
    _r(
        "c1_reporting_entity",
        r"\b(each|which is|which are|that is|that are|being|is|are)( not)? required to report\b",
        0.5,
    ),
    _r(
        "c1_reporting_entity",
        r"\b(meets?|exceeds?|met|exceeded|above|below|not meet) the (\w+ ){0,2}(reporting|revenue) "
        r"threshold\b",
        0.5,
    ),
    _r("c1_reporting_entity", r"\b(australian|uk|canadian) reporting entit(y|ies)\b", 0.45),
    # A list of entities in one line (a table row or a footnote): two names with legal suffixes.
    _r(
        "c1_reporting_entity",
        rf"\b{_SUFFIX}\b.{{0,80}}\b{_SUFFIX}\b.{{0,80}}\b{_SUFFIX}\b",
        0.45,
    ),
    # Approval and signature lines name the entity too, but answer other questions.
    _r("c1_reporting_entity", r"\b(approved|signed)\b.{0,60}\b(board|directors?)\b", -0.35),
    _r("c1_reporting_entity", r"…{3,}|\.{6,}|_{4,}", -0.35),
    # Letterhead lines (the entity's ABN beside its phone number or street address) are page
    # furniture, not an identification of the reporting entity (the AIMS.au experts' reading).
    _r("c1_reporting_entity", r"\b(phone|tel|telephone|fax)\b\.?\s*:?\s*[\d(+]", -0.5),
    # Index lines of the mandatory criteria ("This section addresses the mandatory criterion of ...").
    _r("c1_reporting_entity", r"\b(this section|mandatory criteri(on|a)|section 16\(1\))", -0.35),
    # C2 structure: legal form, group, employees, head office, subsidiaries, brands.
    _r(
        "c2_structure",
        r"\b(employ\w*|workforce of|team of|staff of|headcount)\b.{0,40}\b\d[\d,.]*\+?\s*(k\b|"
        r"thousand\b|people|employees|staff|colleagues|team members|workers|full[- ]time)?",
        0.55,
    ),
    _r("c2_structure", r"\b\d[\d,.]*\+?\s*(people|employees|staff|colleagues|team members|workers)\b", 0.45),
    _r(
        "c2_structure",
        r"\b(headquarter\w*|head office|registered office|registered (in|address)|incorporated in)\b",
        0.55,
    ),
    _r(
        "c2_structure",
        r"\b(subsidiar(y|ies)|wholly[- ]owned|parent (company|entity)|holding company|ultimate "
        r"(parent|owner|holding)|joint venture|group structure|corporate structure|organisational structure|"
        r"organizational structure|governance structure|legal structure)\b",
        0.5,
    ),
    _r(
        "c2_structure",
        r"\b(privately[- ]owned|private limited|public limited|listed on|publicly (listed|traded)|"
        r"proprietary (company|limited)|family[- ]owned|partnership|not[- ]for[- ]profit|charit(y|able) "
        r"(company|trust|organisation)|mutual|co-?operative)\b",
        0.45,
    ),
    _r("c2_structure", r"\b(brands?|trading names?|trades as|trading as)\b", 0.3),
    _r("c2_structure", r"\bthis statement covers\b.{0,30}\b(subsidiaries|entities)\b\W*$", -0.4),
    # C2 operations: what the entity does and where.
    _r(
        "c2_operations",
        r"\b(we|the (company|group|business)|our (company|group|business))\b.{0,30}\b(manufactur\w*|"
        r"produc(e|es)|provid(e|es)|sell|sells|distribut\w*|operat(e|es)|deliver(s)?|design(s)?|develop(s)?|"
        r"retail(s)?|suppl(y|ies)|offer(s)?|specialis\w*|specializ\w*)\b",
        0.45,
    ),
    _r(
        "c2_operations",
        r"\b(operations|activities|business|services|products)\b.{0,20}\b(include|includes|comprise|"
        r"comprises|consist|span|cover)\b",
        0.45,
    ),
    _r(
        "c2_operations",
        r"\b(operat\w*|presence|offices|sites|stores|factories|facilities|plants|warehouses|"
        r"distribution cent(re|er)s|branches|locations|customers)\b.{0,30}\b(in|across) (over |more than )?"
        r"(\d+|[a-z]+ )?(countries|states|locations|regions|continents|the uk|australia|europe|asia"
        r"|canada)\b",
        0.55,
    ),
    _r(
        "c2_operations",
        r"\b\d[\d,]* (stores|sites|offices|factories|facilities|branches|warehouses|plants|"
        r"hotels|restaurants|clinics|locations|mines|vessels)\b",
        0.5,
    ),
    _r(
        "c2_operations",
        r"\b(revenue|turnover)\b.{0,40}\b(\$|£|€|aud|gbp|usd|cad|million|billion|bn|m)\b",
        0.35,
    ),
    # C2 supply chains: what suppliers provide, where, how many.
    _r(
        "c2_supply_chains",
        r"\b(our|the group'?s|its) (supply chains?|suppliers|supplier base|procurement)\b.{0,60}"
        r"\b(include|includes|comprise|comprises|consist|span|located|based|mainly|primarily|predominantly)\b",
        0.6,
    ),
    _r(
        "c2_supply_chains",
        r"\b(we|the (company|group|business))\b.{0,20}\b(source|sources|procure|procures|"
        r"purchase|purchases|buy|buys|import|imports)\b",
        0.5,
    ),
    _r(
        "c2_supply_chains",
        r"\b\d[\d,]*\+? (direct |active |tier[- ]1 |tier one |first[- ]tier )?(suppliers|"
        r"vendors|supplier sites|factories)\b",
        0.6,
    ),
    _r(
        "c2_supply_chains",
        r"\b(tier[- ]?(1|2|one|two)|first[- ]tier|second[- ]tier|indirect suppliers|"
        r"sub-?contractors|labour hire|contractors)\b",
        0.3,
    ),
    _r("c2_supply_chains", r"\b(procurement|purchasing|sourcing) (spend|categories|category)\b", 0.55),
    _r(
        "c2_supply_chains",
        r"\b(suppliers?|supply chains?)\b.{0,40}\b(countries|located in|based in|from)\b",
        0.45,
    ),
    # C3: specific modern slavery risks of this entity.
    _r(
        "c3_risk_description",
        rf"\b(high|higher|highest|elevated|increased|heightened|greatest|significant|"
        rf"potential|inherent)[- ]risks?\b.{{0,80}}\b({_MS}|exploitation|countries|sectors|categories|"
        rf"industr\w*|"
        rf"commodit\w*|workers)\b",
        0.6,
    ),
    _r(
        "c3_risk_description",
        rf"\b(risks? of {_MS})\b.{{0,80}}\b(in|within|include|includes|such as|including|"
        rf"associated|relates?|arise|exist|present)\b",
        0.5,
    ),
    _r(
        "c3_risk_description",
        r"\b(cotton|palm oil|cocoa|seafood|fishing|electronics|solar (panels|modules)|"
        r"polysilicon|rubber gloves|garments?|apparel|textiles|mica|cobalt|tea|coffee|sugar ?cane|timber|"
        r"bricks|construction|cleaning|security services|hospitality|agricultur\w*|labour hire|"
        r"migrant workers|"
        r"temporary workers|low[- ]skilled|xinjiang|uyghur)\b",
        0.3,
    ),
    _r("c3_risk_description", r"\b(vulnerab\w*|at risk|exposed to|exposure to)\b", 0.3),
    _r(
        "c3_risk_description",
        rf"\b(identified|found|discovered|uncovered|detected)\b.{{0,60}}\b({_MS}|"
        rf"exploitation|cases?|instances?|incidents?)\b",
        0.4,
    ),
    _r(
        "c3_risk_description",
        rf"\b(covid|pandemic|conflict|war in|crisis)\b.{{0,80}}\b({_MS}|exploitation|workers|risks?)\b",
        0.35,
    ),
    _r("c3_risk_description", r"\b(low risk|slavery[- ]free|no risk)\b", -0.3),
    # "Modern slavery is defined as ..." describes the term, not this entity's risks.
    _r(
        "c3_risk_description",
        rf"\b{_MS}\b.{{0,30}}\b(is|are) (defined|described|an umbrella term|a term)\b"
        r"|\b(refers to|is defined as)\b",
        -0.4,
    ),
    # C4 mitigation: policies, codes, training, audits, due diligence, whistleblowing tied to MS.
    _r(
        "c4_risk_mitigation",
        r"\b(suppliers?|vendors|contractors|third part(y|ies))\b.{0,60}\b(must|required|are "
        r"required|agree|sign|comply|complete|undergo|subject to)\b",
        0.55,
    ),
    _r(
        "c4_risk_mitigation",
        r"\b(code of conduct|supplier code|policy|policies|contract(ual)? (clauses?|terms)|"
        r"due diligence|audit\w*|self[- ]assessment|questionnaires?|saq|screen\w*|onboard\w*|"
        r"pre-qualification|"
        r"sedex|smeta|ecovadis|amfori|bsci|whistleblow\w*|speak up|hotline|grievance)\b",
        0.45,
    ),
    _r(
        "c4_risk_mitigation",
        rf"\b(training|trained|e-learning|awareness)\b.{{0,80}}\b({_MS}|human rights|"
        rf"policy|policies|staff|employees|suppliers|procurement)\b",
        0.6,
    ),
    _r(
        "c4_risk_mitigation",
        r"\b(risk assessment|assess\w* (the )?risks?|risk[- ]based|risk mapping|map\w* "
        r"(our )?supply chain|monitor\w*)\b",
        0.45,
    ),
    _r(
        "c4_risk_mitigation",
        r"\b(we|the (company|group))\b.{0,30}\b(have|has) (introduced|implemented|adopted|"
        r"established|developed|launched|updated|rolled out|joined)\b",
        0.4,
    ),
    _r(
        "c4_risk_mitigation",
        r"\b(living wage|freedom of association|collective bargaining|recruitment fees|"
        r"responsible recruitment|ethical trading initiative|global compact)\b",
        0.45,
    ),
    _r(
        "c4_risk_mitigation",
        r"\b(zero[- ]tolerance|committed to|recogni[sz]es? the importance)\b(?!.{0,60}\b(polic|code|"
        r"require|contract)\w*)",
        -0.3,
    ),
    # C4 remediation: what is done about a case.
    _r(
        "c4_remediation",
        r"\b(remediat\w*|remed(y|ies|ied)|corrective action|compensat\w*|repay\w*|reimburs\w*)\b",
        0.65,
    ),
    _r(
        "c4_remediation",
        r"\b(terminat\w*|suspend\w*|ceas\w*|cancel\w*|end(ing)?|exit\w*)\b.{0,60}\b(relationship|"
        r"contract|agreement|business|engagement|trading|partnership|supplier)\b",
        0.6,
    ),
    _r(
        "c4_remediation",
        r"\b(investigat\w*|inquir\w*|report\w* (it |them )?to the (police|authorities)|notify\w* "
        r"(the )?(police|authorities|relevant authorities)|law enforcement)\b",
        0.5,
    ),
    _r(
        "c4_remediation",
        r"\b(disciplinary|dismissal|gross misconduct|return(ed|ing)? (of )?passports)\b",
        0.5,
    ),
    _r(
        "c4_remediation",
        r"\b(apolog\w*|back pay|owed wages|unpaid wages|legal claims?|worker assistance|"
        r"notif\w* (senior )?management|escalat\w* to)\b",
        0.5,
    ),
    _r("c4_remediation", r"\b(take|taking) appropriate (action|steps)\b\W*$", -0.3),
    _r("c4_remediation", r"\bremediation (was|is) not (needed|required)\b", -0.6),
    # C5: how effectiveness is assessed (KPIs, reviews of the actions, measured results).
    _r(
        "c5_effectiveness",
        r"\b(effective(ness)?|efficacy|success)\b.{0,60}\b(measure\w*|assess\w*|review\w*|"
        r"evaluat\w*|monitor\w*|track\w*|test\w*)\b",
        0.6,
    ),
    _r(
        "c5_effectiveness",
        r"\b(measure\w*|assess\w*|review\w*|evaluat\w*|monitor\w*|track\w*)\b.{0,60}\b"
        r"(effective(ness)?|efficacy|success|progress|impact)\b",
        0.6,
    ),
    _r(
        "c5_effectiveness",
        r"\b(kpis?|key performance indicators?|metrics?|performance indicators?|targets?|"
        r"scorecards?)\b",
        0.55,
    ),
    _r(
        "c5_effectiveness",
        r"\b\d+(\.\d+)?\s?%.{0,60}\b(employees|staff|suppliers|colleagues|completed|trained|"
        r"training|audited|responded|spend)\b",
        0.55,
    ),
    _r(
        "c5_effectiveness",
        r"\b(number|percentage|proportion) of\b.{0,40}\b(employees|staff|suppliers|audits|"
        r"training|reports|grievances|cases|incidents|contracts|visits)\b",
        0.5,
    ),
    _r(
        "c5_effectiveness",
        r"\b(no|zero|\d+) (reports|cases|incidents|instances|allegations|concerns|calls|"
        r"disclosures)\b.{0,60}\b(received|reported|raised|identified|made)\b",
        0.45,
    ),
    _r(
        "c5_effectiveness",
        r"\b(internal audit|independent (review|assurance|audit)|review (of )?(our|the|this) "
        r"(policy|policies|approach|programme|program|framework|processes|actions))\b",
        0.45,
    ),
    _r(
        "c5_effectiveness",
        r"\b(review\w*|audit\w*|assess\w*|evaluat\w*|test\w*)\b (of )?(our|the|this|these|its) "
        r"(modern slavery |anti-slavery |ethical sourcing |supplier )?"
        r"(policy|policies|approach|programme|program|"
        r"framework|processes|procedures|actions|measures|controls|training|due diligence)\b",
        0.45,
    ),
    _r(
        "c5_effectiveness",
        r"\b(annual(ly)?|regular(ly)?|periodic(ally)?|quarterly)\b.{0,20}\b(review\w*|audit\w*|"
        r"assess\w*|report\w*)\b",
        0.3,
    ),
    _r(
        "c5_effectiveness",
        r"\b\d[\d,]*\s?%?\s?(of )?(our )?(employees|staff|colleagues|suppliers|buyers|managers|"
        r"workers)\b.{0,40}\b(completed|attended|received|undertook|undertaken|participated|trained|signed|responded)\b",
        0.55,
    ),
    _r(
        "c5_effectiveness",
        r"\b(number of|\d[\d,]*) (training sessions|trainings|audits|site visits|visits|"
        r"corrective action plans|grievances|contracts|initiatives)\b.{0,60}\b(delivered|completed|"
        r"conducted|carried out|filed|closed|resolved|cancel\w*|terminated|assigned)\b",
        0.55,
    ),
    _r(
        "c5_effectiveness",
        r"\b(resolution rates?|trends? in|review committee|feedback (process|loop)|polls?|surveys?)\b"
        r".{0,80}\b(grievance|whistleblow\w*|reports?|awareness|understanding|effective\w*|actions|cases)\b",
        0.45,
    ),
    # C6: consultation with owned or controlled entities about the statement.
    _r("c6_consultation", rf"\b(consult\w*)\b.{{0,100}}{_OWNED}", 0.6),
    _r("c6_consultation", rf"{_OWNED}.{{0,100}}\b(consult\w*)\b", 0.55),
    _r(
        "c6_consultation",
        rf"\b(engag\w*|involv\w*|input|collaborat\w*|feedback|worked with|reviewed by)\b.{{0,100}}"
        rf"{_OWNED}.{{0,100}}\b(statement|report)\b",
        0.5,
    ),
    _r(
        "c6_consultation",
        rf"\b(statement|report)\b.{{0,100}}\b(engag\w*|involv\w*|input|collaborat\w*|feedback|"
        rf"worked with|reviewed by)\b.{{0,100}}{_OWNED}",
        0.5,
    ),
    _r(
        "c6_consultation",
        r"\b(consult\w*)\b.{0,100}\b(preparation|preparing|prepare|development|developing|drafting|creation)\b.{0,40}"
        r"\b(statement|report)\b",
        0.6,
    ),
    _r(
        "c6_consultation",
        r"\b(preparation|preparing|prepare|development|developing|drafting)\b.{0,40}\b(statement|report)\b"
        r".{0,100}\b(consult\w*)\b",
        0.6,
    ),
    _r(
        "c6_consultation",
        r"\bconsult\w*\b.{0,60}\b(not (relevant|required|applicable|necessary|needed)|unnecessary)\b",
        0.6,
    ),
    _r(
        "c6_consultation",
        r"\b(does|do|did) not (own|control|have)\b.{0,30}\b(other|any|subsidiar\w*|controlled)\b"
        r".{0,30}\b(entit\w*|subsidiar\w*|companies)\b",
        0.7,
    ),
    # Engaging owned or controlled entities on the statement's subject (the definition's "other
    # relevant information": informing them of policies and obligations, asking for feedback).
    _r(
        "c6_consultation",
        rf"\b(engag\w*|(held|holds|hold) (regular )?(dialogue|discussions|meetings)|communicat\w*|liais\w*|"
        rf"worked|works|working)\b.{{0,30}}\bwith\b.{{0,40}}{_OWNED}.{{0,100}}\b(modern slavery|risks?|"
        rf"polic(y|ies)|obligations|requirements|statement|forced labou?r)\b",
        0.55,
    ),
    _r(
        "c6_consultation",
        r"\b(worked|working|collaborated|liaised|engaged|cooperated|co-operated)\b.{0,60}"
        r"\b(in|during|for|on) (the )?(preparation|preparing|development|drafting)\b.{0,30}"
        r"\b(statement|report)\b",
        0.55,
    ),
    _r("c6_consultation", r"\bcontribut\w* to\b.{0,40}\b(content of )?this (joint )?(\w+ )?statement\b", 0.5),
    # Owned entities giving feedback on the statement (the definition's "obtain feedback on the statement").
    _r(
        "c6_consultation",
        rf"{_OWNED}.{{0,60}}\b(reviewed|commented on|provided (input|feedback) on|helped (to )?prepare|"
        rf"(were|was) involved in)\b.{{0,40}}\b(statement|report)\b",
        0.55,
    ),
    _r(
        "c6_consultation",
        r"\bconsultations?\b.{0,80}\b(between|among|across|with) (the |all |each |our )?"
        r"(entities|entity|group entities|subsidiar\w*|businesses)",
        0.55,
    ),
    # Ongoing dialogue with the owned entities (the AIMS.au experts count it as consultation).
    _r(
        "c6_consultation",
        rf"\b(dialogue|discussions?|communications?)\b.{{0,60}}\b(between|with)\b.{{0,60}}{_OWNED}",
        0.5,
    ),
    _r("c6_consultation", r"\binvolved in the consultation process\b", 0.55),
    _r("c6_consultation", r"\bconsult\w*\b.{0,60}\breporting entities\b", -0.5),
    _r("c6_consultation", r"\b(this section|mandatory criteri(on|a)|section 16\(1\))", -0.4),
    _r(
        "c6_consultation",
        r"\bconsult\w*\b.{0,60}\b(legal counsel|lawyers|advisers|advisors|consultants|ngos?)\b",
        -0.4,
    ),
)

_INDEX = {name: i for i, name in enumerate(CRITERIA)}
_BASE = 0.02  # a sentence that matches nothing is still not certainly irrelevant
_MS_RE = re.compile(_MS, _I)


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
_TITLE_LINE = re.compile(rf"^\W*((group|global|deputy|interim|acting|executive) )?{_TITLE}\b", _I)
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
