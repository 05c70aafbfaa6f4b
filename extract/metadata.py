"""Statement metadata read from the text when it states it: reporting period, approval, signatory.

Patterns, not a model: both Acts make statements say these things in a few
set phrasings ("approved by the Board of Directors on 28 April 2021",
"for the financial year ending 31 March 2023"). Dates are also given in
ISO form where they parse; day-first is assumed for numeric dates (UK, AU).
"""

from __future__ import annotations

import re
from datetime import date

from extract.structures import Page, Sentence

_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
DATE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{4}"
    r"|\d{4}-\d{2}-\d{2}"
    rf"|{_MONTH}\s+\d{{4}})"
)
_PERIOD_RANGE = re.compile(
    rf"(?:period|year)\s+(?:commencing\s+|starting\s+|beginning\s+)?(?:from\s+)?(?:the\s+)?({DATE})\s*"
    rf"(?:to|until|through|–|-|and ending(?: on)?|and)\s*(?:the\s+)?({DATE})",
    re.IGNORECASE,
)
_PERIOD_END = re.compile(
    rf"(?:financial|fiscal|reporting|calendar)?\s*(?:year|period)\s+(?:ended|ending|to)\s+(?:on\s+)?(?:the\s+)?({DATE})",
    re.IGNORECASE,
)
_FISCAL_YEAR = re.compile(
    r"\b(?:FY|financial year|fiscal year)\s?['’]?((?:19|20)?\d{2})\b(?!\s*[-–/])", re.IGNORECASE
)
_APPROVED = re.compile(
    r"\b(?:was|were|is|has been|have been|been)?\s*approved\s+by\s+(?:the\s+)?"
    r"(?P<body>[A-Z][\w&’'.-]*(?:\s+(?:of|and|for|the|&|[A-Z][\w&’'.-]*|\(\w+\))){0,14})",
)
_APPROVED_ANY = re.compile(r"approv", re.IGNORECASE)
_PERIOD_WORDS = re.compile(
    r"(?:ending|ended|end of|from|to|until|through|period|year)\s+(?:on\s+)?(?:the\s+)?$"
)
_NAMES_STATEMENT = re.compile(r"\bstatement\b", re.IGNORECASE)
_ROLE = (
    r"(?:Group\s+|Global\s+|Regional\s+|Deputy\s+|Interim\s+|Acting\s+|Joint\s+|Executive\s+|Non-Executive\s+)?"
    r"(?:Chief\s+[A-Z][a-z]+\s+Officer|CEO|CFO|COO|Managing\s+Director|Executive\s+Director|Director"
    r"|Chair(?:man|woman|person)?|President|Vice\s+President|Company\s+Secretary|Secretary|General\s+Manager"
    r"|Country\s+Manager|Head\s+of\s+[A-Z][\w&]+(?:\s+[A-Z&][\w&]+)*|Founder|Owner|Partner|Principal|Trustee)"
    r"(?:\s*(?:,|of|and|&)\s*[A-Z][\w&.]*(?:\s+[A-Z][\w&.]*){0,5})?"
)
# a name word is capitalised and is not a word of a role or a company name
_NAME_WORD = (
    r"(?!(?:Managing|Senior|Vice|Chief|General|Executive|Country|Group|Head|Director|President|Chair\w*"
    r"|Company|Secretary|Officer|Founder|European|Partners|Limited|Ltd|Pty|Inc|Plc|Great|Britain)\b)"
    r"[A-Z][a-zA-Z’'-]+"
)
_NAME = rf"(?:(?:Mr|Mrs|Ms|Dr|Sir|Dame|Prof)\.?\s+)?{_NAME_WORD}(?:\s+(?:[A-Z]\.|{_NAME_WORD})){{1,3}}"
_NAME_ROLE = re.compile(rf"(?P<name>{_NAME})\s*(?:,|–|—|-|\||\n)\s*(?P<role>{_ROLE})\b")
# a signature block read as one line: "Jody Ford CEO 5 August 2021", "Dave Murphy Chief Executive Officer"
_SIGNATURE_LINE = re.compile(rf"^(?:Signed:?\s*)?(?P<name>{_NAME})\s+(?P<role>{_ROLE})\b")
_ROLE_NAME = re.compile(rf"(?P<role>{_ROLE})\s*(?::|,|–|-)\s*(?P<name>{_NAME})\b")
_NAME_LINE = re.compile(rf"^(?:Signed(?: by)?:?\s*)?(?:Name:?\s*)?(?P<name>{_NAME})$")
_ROLE_LINE = re.compile(rf"^(?:(?:Title|Position|Role):?\s*)?(?P<role>{_ROLE})\b")
# "Managing Director, Brightwater Foods Limited": the words after a role are a company, not a person
_COMPANY_AFTER = re.compile(r"\s+(?:Limited|Ltd|Pty|PLC|plc|Plc|Inc|LLP|LLC|Group|Holdings|Corporation|Co)\b")
_NOT_NAMES = re.compile(
    r"\b(?:Modern|Slavery|Statement|Act|Board|Directors?|Limited|Ltd|Pty|Group|Company|Human|Rights|Supply"
    r"|Chain|Policy|Code|Conduct|Australia|Kingdom|United|Annual|Report|Our|The|This|Page|Chief|Officer"
    r"|Executive|President|Director|Manager|Head|Secretary|Chair|Board)\b"
)


def iso_date(text: str) -> str | None:
    """ISO 8601 form of a date as written ("28 April 2021", "April 28, 2021", "14/05/2024"), or None."""
    text = text.strip().rstrip(".,")
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})", text)
    if match:
        day, month, year = int(match[1]), _MONTHS.get(match[2].lower()), int(match[3])
    elif match := re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", text):
        day, month, year = int(match[2]), _MONTHS.get(match[1].lower()), int(match[3])
    elif match := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    elif match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        return None
    try:
        return date(year, month or 0, day).isoformat()
    except ValueError:
        return None


def reporting_period(text: str) -> dict[str, str | None] | None:
    """The reporting period the statement covers, as written and with ISO dates where they parse."""
    if match := _PERIOD_RANGE.search(text):
        return {
            "text": " ".join(match.group(0).split()),
            "start": iso_date(match[1]),
            "end": iso_date(match[2]),
        }
    if match := _PERIOD_END.search(text):
        return {"text": " ".join(match.group(0).split()), "start": None, "end": iso_date(match[1])}
    if match := _FISCAL_YEAR.search(text):
        return {"text": match.group(0), "start": None, "end": None}
    return None


def _approval_date(text: str) -> re.Match[str] | None:
    """The first date in `text` that is not the end or start of a period ("year ending 28 February 2021")."""
    for match in re.finditer(DATE, text):
        if not _PERIOD_WORDS.search(text[max(0, match.start() - 25) : match.start()]):
            return match
    return None


def approval(sentences: list[Sentence]) -> dict[str, str | None] | None:
    """Who approved the statement and when, from the first sentence that says it was approved by someone.

    Sentences that name the statement come first ("This statement was approved by ..."), so that a
    governance sentence ("the strategy, as approved by the Board") is only a fallback.
    """
    ranked = sorted(sentences, key=lambda s: not _NAMES_STATEMENT.search(s.text))
    for sentence in ranked:
        if not _APPROVED_ANY.search(sentence.text):
            continue
        match = _APPROVED.search(sentence.text)
        if not match:
            continue
        body = re.split(r"\s+(?:on|at|in|dated)\s+|\s*[,;]\s*", match["body"])[0].strip(" .")
        body = re.sub(r"(?:\s+(?:and|of|the|for|&))+$", "", body)
        found_date = _approval_date(sentence.text[match.start() :])
        return {
            "approved_by": body,
            "approval_date": found_date.group(0) if found_date else None,
            "approval_date_iso": iso_date(found_date.group(0)) if found_date else None,
            "approval_sentence": sentence.text[:400],
        }
    return None


def signatory(pages: list[Page]) -> dict[str, str] | None:
    """Name, role (and date, when the signature block has one) of the signatory, from the last page back."""
    for page in reversed(pages):
        blocks = [b.text.strip() for b in page.blocks]
        for index in range(len(blocks) - 1, -1, -1):
            text = blocks[index]
            lines = [line.strip() for line in re.split(r"\n|\s{2,}", text) if line.strip()]
            candidates = [(lines[i], lines[i + 1]) for i in range(len(lines) - 1)]
            if index + 1 < len(blocks):
                candidates.append((text, blocks[index + 1]))
            for first, second in candidates:
                name, role = _NAME_LINE.match(first), _ROLE_LINE.match(second)
                if name and role and not _NOT_NAMES.search(name["name"]):
                    return {"name": name["name"], "role": role["role"]}
            match = _SIGNATURE_LINE.match(text)
            if match and not _NOT_NAMES.search(match["name"]):
                return _signed(match, text)
            for pattern in (_NAME_ROLE, _ROLE_NAME):
                for match in pattern.finditer(text):
                    if not _NOT_NAMES.search(match["name"]) and not _COMPANY_AFTER.match(
                        text, match.end("name")
                    ):
                        return _signed(match, text)
    return None


def _signed(match: re.Match[str], block: str) -> dict[str, str]:
    """Name and role from a signature match, and the date written in the same block, if any."""
    found = {"name": match["name"], "role": " ".join(match["role"].split())}
    if date_match := re.search(DATE, block[match.end() :]):
        found["date"] = date_match.group(0)
        if iso := iso_date(date_match.group(0)):
            found["date_iso"] = iso
    return found


def document_metadata(pages: list[Page], sentences: list[Sentence]) -> dict:
    """The metadata fields the text states; fields it does not state are left out."""
    text = "\n\n".join(page.text for page in pages)
    metadata: dict = {}
    if period := reporting_period(text):
        metadata["reporting_period"] = period
    if approved := approval(sentences):
        metadata.update(approved)
    if signed := signatory(pages):
        metadata["signatory"] = signed
    return metadata
