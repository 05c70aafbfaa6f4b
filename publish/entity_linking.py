"""Which registry organisations are one real-world organisation or group: the linking rules.

The registries key a filer by what they know (a UK company number, an ABN, or only a name), so
one group appears as many organisations: its UK members, its Australian subsidiary, a member that
filed alone one year. These pure functions turn organisations and their filings into evidence
pairs, merge what is sure (union-find) and keep what is not as candidates: a wrong merge misleads
a reader more than a missed one. No I/O here; publish/entities.py reads and writes the tables.

Entity, as measured in bench/bench_entities.py: the same legal organisation (same number, same
name) or organisations the registries themselves put together (one group or joint statement, a
named parent, one document filed for both).
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

# Evidence kinds, with the score a link of that kind carries (how sure the rule is).
SCORES: dict[str, float] = {
    "company_number": 1.0,
    "abn": 1.0,
    "arbn": 1.0,
    "acn": 0.99,
    "same_document": 0.97,
    "parent_name": 0.95,
    "group_member": 0.95,
    "normalised_name": 0.9,
}
CROSS_BORDER_NAME_SCORE = 0.85  # the same name and legal form, filed in the other registry
CANDIDATE_SCORES: dict[str, float] = {
    "conflicting_numbers": 0.5,  # same name, but both carry different registration numbers
    "other_legal_form": 0.6,  # same name across registries, different legal forms (Ltd vs Pty Ltd)
    "country_qualifier": 0.55,  # same name once "Australia", "(UK)" and the like are dropped
    "shared_document_widely": 0.5,  # one document filed by many statements: maybe a template
    "ambiguous_name": 0.5,  # a name without a number, matching several numbered organisations
}
# A document filed by more statements than this is not taken as proof that its filers are one.
SAME_DOCUMENT_MAX_STATEMENTS = 6
# Roles that make a statement's lead organisation, best first (db: statement_organisations.role).
LEAD_ROLES = ("parent", "reporting", "member", "included")

# Legal-form suffixes, longest first, and the family each belongs to.
_SUFFIXES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("proprietary", "limited"), "pty"),
    (("proprietary", "ltd"), "pty"),
    (("pty", "limited"), "pty"),
    (("pty", "ltd"), "pty"),
    (("pte", "limited"), "pte"),
    (("pte", "ltd"), "pte"),
    (("sdn", "bhd"), "sdn"),
    (("a", "limited", "partnership"), "lp"),
    (("limited",), "limited"),
    (("ltd",), "limited"),
    (("pty",), "pty"),
    (("plc",), "plc"),
    (("llp",), "llp"),
    (("lp",), "lp"),
    (("llc",), "llc"),
    (("inc",), "inc"),
    (("incorporated",), "inc"),
    (("corp",), "inc"),
    (("corporation",), "inc"),
    (("gmbh",), "gmbh"),
    (("ag",), "ag"),
    (("sa",), "sa"),
    (("nv",), "nv"),
    (("bv",), "bv"),
    (("se",), "se"),
    (("spa",), "spa"),
    (("sarl",), "sarl"),
)
# Country words a group puts in a local subsidiary's name ("Brightwater Foods Australia Pty Ltd").
_QUALIFIERS: tuple[tuple[str, ...], ...] = (
    ("united", "kingdom"),
    ("great", "britain"),
    ("new", "zealand"),
    ("australia",),
    ("australasia",),
    ("uk",),
    ("gb",),
    ("nz",),
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class NameKey:
    """A name as the linking rules compare it: words, legal form and country qualifier apart."""

    core: str  # lower-case words without legal form or country qualifier ("brightwater foods")
    family: str | None  # legal form family ("limited", "pty", "plc", ...), None when absent
    qualifier: str | None  # trailing country words ("australia", "uk"), None when absent

    @property
    def full(self) -> str:
        return f"{self.core} {self.qualifier}" if self.qualifier else self.core


def _strip_suffix(tokens: list[str]) -> tuple[list[str], str | None]:
    for suffix, family in _SUFFIXES:
        n = len(suffix)
        if len(tokens) > n and tuple(tokens[-n:]) == suffix:
            return tokens[:-n], family
    return tokens, None


def _strip_qualifier(tokens: list[str]) -> tuple[list[str], str | None]:
    for qualifier in _QUALIFIERS:
        n = len(qualifier)
        if len(tokens) > n and tuple(tokens[-n:]) == qualifier:
            rest = tokens[:-n]
            if len(rest) > 1 and rest[-1] == "of":  # "... Company of Australia"
                rest = rest[:-1]
            return rest, " ".join(qualifier)
    return tokens, None


def name_key(name: str) -> NameKey:
    """Normalise a registry name: case, accents, punctuation, &/and, a leading "The", legal forms."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ").replace("+", " and ")
    tokens = [t for t in _NON_WORD.sub(" ", text.replace("'", "").replace(".", "")).split() if t]
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    family = None
    while True:  # "Holdings Pty Ltd (Australia) Limited" has more than one
        tokens, found = _strip_suffix(tokens)
        if found is None:
            break
        family = family or found
    tokens, qualifier = _strip_qualifier(tokens)
    if family is None:  # "Brightwater Foods (UK) Ltd" has the qualifier before the legal form
        tokens, family = _strip_suffix(tokens)
    return NameKey(" ".join(tokens), family, qualifier)


@dataclass(frozen=True)
class Organisation:
    """An organisations row: what a registry knows about one filer."""

    organisation_id: str
    name: str
    jurisdiction: str
    company_number: str | None = None
    abn: str | None = None
    acn: str | None = None
    arbn: str | None = None


@dataclass(frozen=True)
class Filing:
    """One statement: its organisations with their roles, and the readable documents it filed."""

    statement_id: str
    organisations: tuple[tuple[str, str], ...]  # (organisation_id, role)
    document_ids: tuple[str, ...] = ()

    def lead(self) -> str | None:
        """The organisation the statement is by: its parent, else reporting entity, else first member."""
        ranked = sorted(
            self.organisations,
            key=lambda o: (LEAD_ROLES.index(o[1]) if o[1] in LEAD_ROLES else len(LEAD_ROLES), o[0]),
        )
        return ranked[0][0] if ranked else None


@dataclass(frozen=True)
class Evidence:
    """A reason to think two organisations are one entity; `sure` evidence merges them."""

    a: str
    b: str
    kind: str  # one of SCORES
    score: float
    sure: bool
    why: str = ""  # for candidates: which doubt kept them apart (a CANDIDATE_SCORES key)


def _nine_digit_ids(org: Organisation) -> set[str]:
    """The ACN/ARBN an AU organisation is known by: its own, or the last 9 digits of a company's ABN."""
    ids = {n for n in (org.acn, org.arbn) if n}
    if org.abn and len(org.abn) == 11:
        ids.add(org.abn[2:])
    return ids


def number_evidence(organisations: Iterable[Organisation]) -> Iterator[Evidence]:
    """Organisations sharing a company number, an ABN or an ARBN, or an ACN (or ARBN) that another's
    ABN embeds. Two ABNs that differ are two entities even when their last nine digits agree."""
    by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
    registered: dict[str, list[Organisation]] = defaultdict(list)  # 9 digits → organisations known by them
    for org in organisations:
        if org.company_number:
            by_key[("company_number", org.company_number)].append(org.organisation_id)
        if org.abn:
            by_key[("abn", org.abn)].append(org.organisation_id)
        if org.arbn:
            by_key[("arbn", org.arbn)].append(org.organisation_id)
        for nine in _nine_digit_ids(org):
            registered[nine].append(org)
    for (kind, _), ids in by_key.items():
        ids = sorted(set(ids))
        for other in ids[1:]:
            yield Evidence(ids[0], other, kind, SCORES[kind], True)
    for nine, orgs in registered.items():
        stated = sorted(o.organisation_id for o in orgs if nine in (o.acn, o.arbn))
        for org in orgs:
            if stated and org.organisation_id != stated[0]:  # one of them states the nine digits
                yield Evidence(stated[0], org.organisation_id, "acn", SCORES["acn"], True)


def _numbers_conflict(a: Organisation, b: Organisation) -> bool:
    """Both carry registration numbers of the same kind, and they differ: two legal entities."""
    if a.company_number and b.company_number and a.company_number != b.company_number:
        return True
    nine_a, nine_b = _nine_digit_ids(a), _nine_digit_ids(b)
    return bool(nine_a and nine_b and not nine_a & nine_b) or bool(a.abn and b.abn and a.abn != b.abn)


def compare_names(a: Organisation, b: Organisation, key_a: NameKey, key_b: NameKey) -> Evidence | None:
    """Evidence from two names with the same core words, sure or a candidate, or None."""
    if not key_a.core or key_a.core != key_b.core:
        return None
    ids = (a.organisation_id, b.organisation_id)

    def candidate(why: str) -> Evidence:
        return Evidence(*ids, "normalised_name", CANDIDATE_SCORES[why], False, why)

    if _numbers_conflict(a, b):
        return candidate("conflicting_numbers")
    if key_a.qualifier != key_b.qualifier:
        return candidate("country_qualifier")
    same_form = key_a.family == key_b.family
    if a.jurisdiction == b.jurisdiction:
        if same_form or key_a.family is None or key_b.family is None:
            return Evidence(*ids, "normalised_name", SCORES["normalised_name"], True)
        return candidate("other_legal_form")
    # Across registries only a name of two words or more with the same legal form is taken as sure.
    if same_form and key_a.family is not None and len(key_a.core.split()) > 1:
        return Evidence(*ids, "normalised_name", CROSS_BORDER_NAME_SCORE, True)
    return candidate("other_legal_form")


def _identity(org: Organisation) -> str | None:
    """The registered number that makes an organisation one legal entity, if it carries one."""
    if org.company_number:
        return f"{org.jurisdiction}:{org.company_number}"
    nine = sorted(_nine_digit_ids(org))
    return f"{org.jurisdiction}:{nine[0]}" if nine else None


def name_evidence(organisations: Iterable[Organisation]) -> Iterator[Evidence]:
    """Pairs of organisations whose normalised names share their core words (blocked on the core).

    A name without a number that matches several numbered organisations of that name could be any
    of them: its matches are candidates only, so it cannot bridge two legal entities into one.
    """
    by_core: dict[str, list[tuple[Organisation, NameKey]]] = defaultdict(list)
    for org in organisations:
        key = name_key(org.name)
        if key.core:
            by_core[key.core].append((org, key))
    for group in by_core.values():
        identities: dict[str, set[str]] = defaultdict(set)
        for org, key in group:
            if (identity := _identity(org)) is not None:
                identities[key.full].add(identity)
        for i, (a, key_a) in enumerate(group):
            for b, key_b in group[i + 1 :]:
                evidence = compare_names(a, b, key_a, key_b)
                if evidence is None:
                    continue
                unnumbered = [key for org, key in ((a, key_a), (b, key_b)) if _identity(org) is None]
                if evidence.sure and any(len(identities[key.full]) > 1 for key in unnumbered):
                    why = "ambiguous_name"
                    evidence = Evidence(
                        a.organisation_id, b.organisation_id, evidence.kind, CANDIDATE_SCORES[why], False, why
                    )
                yield evidence


def filing_evidence(filings: Iterable[Filing]) -> Iterator[Evidence]:
    """Organisations one statement names together: members to their named parent, else to its lead."""
    for filing in filings:
        lead = filing.lead()
        parents = {o for o, role in filing.organisations if role == "parent"}
        for org_id in sorted({o for o, _ in filing.organisations} - {lead}):
            kind = "parent_name" if lead in parents else "group_member"
            yield Evidence(lead, org_id, kind, SCORES[kind], True)


def document_evidence(filings: Iterable[Filing]) -> Iterator[Evidence]:
    """Statements that filed the same document bytes: their lead organisations are one entity."""
    leads_by_document: dict[str, dict[str, str]] = defaultdict(dict)
    for filing in filings:
        lead = filing.lead()
        for document_id in filing.document_ids:
            if lead is not None:
                leads_by_document[document_id][filing.statement_id] = lead
    for statements in leads_by_document.values():
        leads = sorted(set(statements.values()))
        widely = len(statements) > SAME_DOCUMENT_MAX_STATEMENTS
        for other in leads[1:]:
            if widely:
                yield Evidence(
                    leads[0],
                    other,
                    "same_document",
                    CANDIDATE_SCORES["shared_document_widely"],
                    False,
                    "shared_document_widely",
                )
            else:
                yield Evidence(leads[0], other, "same_document", SCORES["same_document"], True)


def all_evidence(organisations: list[Organisation], filings: list[Filing]) -> list[Evidence]:
    """Every evidence pair the rules find, sure and unsure."""
    return [
        *number_evidence(organisations),
        *filing_evidence(filings),
        *document_evidence(filings),
        *name_evidence(organisations),
    ]


class UnionFind:
    """Disjoint sets over organisation ids (path halving, union by size)."""

    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {item: item for item in items}
        self.size = dict.fromkeys(self.parent, 1)

    def find(self, item: str) -> str:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]


def _root_rank(org: Organisation) -> tuple[int, str]:
    """Entity ids come from a registered number where there is one, so they survive renames."""
    numbered = bool(org.company_number or org.abn or org.acn or org.arbn)
    return (0 if numbered else 1, org.organisation_id)


def own_evidence(org: Organisation) -> str:
    """The evidence an organisation is itself known by (the first row of its entity)."""
    for kind in ("company_number", "abn", "acn", "arbn"):
        if getattr(org, kind):
            return kind
    return "normalised_name"


@dataclass
class Linking:
    """The outcome: entities (root organisation → members), how each member joined, candidates."""

    members: dict[str, list[str]] = field(default_factory=dict)  # root id → organisation ids
    entity_of: dict[str, str] = field(default_factory=dict)  # organisation id → root id
    joined_by: dict[str, tuple[str, float]] = field(default_factory=dict)  # org → (evidence, score)
    candidates: list[Evidence] = field(default_factory=list)  # unsure, across two entities


def link_organisations(
    organisations: list[Organisation],
    filings: list[Filing],
    root_rank: Callable[[Organisation], tuple] = _root_rank,
) -> Linking:
    """Merge organisations over sure evidence; keep unsure evidence between entities as candidates.

    Each entity is rooted at its member of least `root_rank` (by default one with a number).
    """
    by_id = {org.organisation_id: org for org in organisations}
    evidence = [e for e in all_evidence(organisations, filings) if e.a in by_id and e.b in by_id]
    sets = UnionFind(by_id)
    adjacency: dict[str, list[Evidence]] = defaultdict(list)
    for e in evidence:
        if e.sure:
            sets.union(e.a, e.b)
            adjacency[e.a].append(e)
            adjacency[e.b].append(e)
    components: dict[str, list[str]] = defaultdict(list)
    for org_id in by_id:
        components[sets.find(org_id)].append(org_id)
    linking = Linking()
    for ids in components.values():
        root = min(ids, key=lambda i: root_rank(by_id[i]))
        linking.members[root] = sorted(ids)
        for org_id in ids:
            linking.entity_of[org_id] = root
        _spanning_tree(root, by_id, adjacency, linking.joined_by)
    best: dict[tuple[str, str], Evidence] = {}
    for e in evidence:
        ea, eb = linking.entity_of[e.a], linking.entity_of[e.b]
        if not e.sure and ea != eb:
            pair = (min(e.a, e.b), max(e.a, e.b))
            if pair not in best or e.score > best[pair].score:
                best[pair] = e
    linking.candidates = sorted(best.values(), key=lambda e: (e.a, e.b))
    return linking


def _spanning_tree(
    root: str,
    by_id: dict[str, Organisation],
    adjacency: dict[str, list[Evidence]],
    joined_by: dict[str, tuple[str, float]],
) -> None:
    """Each member's strongest path from the root (Prim): the evidence by which it joined."""
    joined_by[root] = (own_evidence(by_id[root]), 1.0)
    seen = {root}
    heap: list[tuple[float, str, str, str]] = []

    def push(org_id: str) -> None:
        for e in adjacency.get(org_id, ()):
            other = e.b if e.a == org_id else e.a
            if other not in seen:
                heapq.heappush(heap, (-e.score, other, e.kind, org_id))

    push(root)
    while heap:
        negative_score, org_id, kind, _ = heapq.heappop(heap)
        if org_id in seen:
            continue
        seen.add(org_id)
        joined_by[org_id] = (kind, -negative_score)
        push(org_id)
