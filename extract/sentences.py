"""Sentence segmentation for statement text: a spaCy component plus the block-aware splitter.

`msa_sentence_rules` is registered with spaCy by name, so any pipeline can
`nlp.add_pipe("msa_sentence_rules", after="sentencizer")`. It corrects the
punctuation-only sentencizer where statements trip it up: abbreviations
("e.g.", "Pty Ltd.", "No. 5"), list enumerators ("1. Introduction"),
bullets without full stops, headings that run into the next sentence, and
lines broken in mid-sentence.

`split_sentences` applies the pipeline block by block, so that a sentence
never crosses a block boundary, and keeps page, block kind and offsets.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from extract.structures import Block, Page, Sentence

# The word lists are data (extract/rules/sentence_words.toml): abbreviations whose full stop rarely
# ends a sentence, those of them that can close one, and the words that open a sentence.
_WORDS = tomllib.loads((Path(__file__).parent / "rules" / "sentence_words.toml").read_text(encoding="utf-8"))
ABBREVIATIONS = frozenset(_WORDS["abbreviations"])
SENTENCE_CAPABLE = frozenset(_WORDS["sentence_capable"])
STARTERS = frozenset(_WORDS["starters"])
BULLET_TOKENS = frozenset(
    ["•", "●", "▪", "■", "◦", "○", "◆", "◇", "►", "▶", "➢", "➤", "✓", "✔", "–", "—", "*", "·"]
)
# At the start of a line a hyphen is a bullet too.
LINE_BULLETS = BULLET_TOKENS | {"-"}
# Dashes and asterisks also occur inside sentences, so only these glyphs open an item mid-line.
INLINE_BULLETS = frozenset(["•", "●", "▪", "■", "◦", "○", "◆", "◇", "►", "▶", "➢", "➤", "✓", "✔"])
_MAX_HEADING_TOKENS = 12


_ABBREVIATION_STOP = re.compile(
    r"(?<![\w.])("
    + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
    + r")\.(?=\s|$)",
    re.IGNORECASE,
)
_ENUMERATOR_STOP = re.compile(
    r"(?:^|[.!?:;]\s+|\n[ \t]*)(?:\d{1,2}|[a-zA-Z]|i{1,3}|iv|vi{0,3}|ix|x)\.(?=[ \t]+\S)"
)
_LINE_BREAKS = re.compile(r"[ \t]*\n\s*")
_INLINE_BULLET = re.compile(r"(?<=\s)[•●▪■◦○◆◇►▶➢➤✓✔](?=\s)")
_HEADING_WORD = r"(?:[A-Z0-9][\w’'&/-]*|and|of|the|in|for|to|on|our|&|-|–)"
_HEADING_LINE = re.compile(rf"^{_HEADING_WORD}(?:[ ,]+{_HEADING_WORD})*:?$")
# "in" and "our" may not continue a run-in heading: "Mapping In 2020" must split before "In"
_RUN_IN_WORD = r"(?:[A-Z0-9][\w’'&/-]*|and|of|the|for|to|on|&|-|–)"
_RUN_IN_HEADING = re.compile(
    rf"^({_HEADING_WORD}(?:[ ,]+{_RUN_IN_WORD}){{1,10}}) "
    r"(?=(" + "|".join(sorted(STARTERS)) + r") \S+ \S+ \S+)"
)
_SENTENCE_STOP = frozenset(".!?")
_LAST_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# A line that is itself a list item: whatever follows on the next line starts afresh.
_LINE_ITEM = re.compile(r"^(?:[•●▪■◦○◆◇►▶➢➤✓✔–—*·-]|\(?(?:\d{1,2}|[a-z])[.)])\s")


class _Tokens:
    """Char offset → token lookups for one Doc (to_array avoids creating a Token per position)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.starts = doc.to_array("IDX").tolist()

    def at(self, char: int) -> Token | None:
        """The first non-space token that starts at or after `char`."""
        index = bisect_left(self.starts, char)
        while index < len(self.starts):
            token = self.doc[index]
            if not token.is_space:
                return token
            index += 1
        return None

    def ending_at(self, char: int) -> Token | None:
        """The token whose text ends at `char`."""
        index = bisect_left(self.starts, char) - 1
        return self.doc[index] if index >= 0 else None


def _set_start(token: Token | None, value: bool) -> None:
    if token is not None and token.i > 0:
        token.is_sent_start = value


@Language.component("msa_sentence_rules")
def msa_sentence_rules(doc: Doc) -> Doc:
    """Adjust sentence starts set by the sentencizer for statement text (see the module docstring)."""
    text = doc.text
    if not text:
        return doc
    tokens = _Tokens(doc)
    for match in _ABBREVIATION_STOP.finditer(text):
        following = tokens.at(match.end())
        if following is not None:
            ends = match.group(1).lower() in SENTENCE_CAPABLE and following.text in STARTERS
            _set_start(following, ends)
    for match in _ENUMERATOR_STOP.finditer(text):
        _set_start(tokens.at(match.end()), False)  # "1. Introduction": the stop belongs to the enumerator
    for match in _INLINE_BULLET.finditer(text):
        _set_start(tokens.at(match.start()), True)  # an inline bullet opens an item without a full stop
    for match in _LINE_BREAKS.finditer(text):
        target = tokens.at(match.end())
        if target is None or match.start() == 0:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        previous_line = _LAST_SENTENCE.split(text[line_start : match.start()].strip())[-1]
        if match.group().count("\n") >= 2 or target.text in LINE_BULLETS or _LINE_ITEM.match(previous_line):
            _set_start(target, True)
        elif target.text[:1].islower():
            _set_start(target, False)  # a line broken in mid-sentence
        elif _HEADING_LINE.match(previous_line) and len(previous_line.split()) <= _MAX_HEADING_TOKENS:
            _set_start(target, True)  # a heading line running into the text below it
        elif previous_line[-1:] in _SENTENCE_STOP:
            _set_start(target, True)
    for start in sentence_start_chars(doc):
        match = _RUN_IN_HEADING.match(text, start)
        if match and match.group(1).split()[-1] not in STARTERS:
            _set_start(tokens.at(match.end()), True)
    return doc


def sentence_start_chars(doc: Doc) -> list[int]:
    """Character offsets where sentences start, read from arrays (iterating doc.sents builds every Token)."""
    if not len(doc):
        return []
    flags = doc.to_array("SENT_START").tolist()
    offsets = doc.to_array("IDX").tolist()
    starts = [offsets[i] for i, flag in enumerate(flags) if flag == 1]
    if not starts or starts[0] != offsets[0]:
        starts.insert(0, offsets[0])
    return starts


@lru_cache(maxsize=1)
def sentence_pipeline() -> Language:
    """A blank English pipeline: the sentencizer followed by `msa_sentence_rules` (built once per process)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("msa_sentence_rules", after="sentencizer")
    return nlp


LONG_TABLE_ROW = 300
LONG_HEADING = 160
_LEADING_MARKER = re.compile(r"^[\s•●▪■◦○◆◇►▶➢➤✓✔*·–—-]+(?=\S)")
_HAS_WORD = re.compile(r"[^\W_]")


def _spans(text: str, doc: Doc) -> Iterable[tuple[int, int]]:
    starts = sentence_start_chars(doc)
    for start, end in zip(starts, [*starts[1:], len(text)], strict=False):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        marker = _LEADING_MARKER.match(text[start:end])
        if marker:
            start += marker.end()
        if end > start and _HAS_WORD.search(text, start, end):
            yield start, end


def _row_spans(text: str) -> Iterable[tuple[int, int]]:
    offset = 0
    for row in text.split("\n"):
        stripped = row.strip()
        if _HAS_WORD.search(stripped):
            start = offset + row.index(stripped)
            yield start, start + len(stripped)
        offset += len(row) + 1


# spaCy refuses texts over nlp.max_length (1,000,000 characters, error E088); longer blocks are
# cut into pieces well below it, at a sentence end where there is one, else at a space.
MAX_PIECE_CHARS = 100_000


def _pieces(text: str, limit: int = MAX_PIECE_CHARS) -> list[tuple[int, str]]:
    """(offset, text) pieces of at most `limit` characters covering `text` in order."""
    if len(text) <= limit:
        return [(0, text)]
    pieces, start = [], 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        end = window.rfind(". ") + 2  # just after the space that follows a full stop
        if end < limit // 2:  # no sentence end in the second half: after the last space, or a hard cut
            end = max(window.rfind(" "), window.rfind("\n")) + 1 or limit
        pieces.append((start, text[start : start + end]))
        start += end
    pieces.append((start, text[start:]))
    return pieces


def _segments(block: Block) -> list[tuple[int, str, bool]]:
    """(offset in block, text, whether to split it into sentences) for each piece of a block.

    A table row is one sentence, unless its cells hold paragraphs (a row longer
    than LONG_TABLE_ROW), which are split like prose; a short heading is one sentence.
    Prose longer than MAX_PIECE_CHARS is split piece by piece.
    """
    if block.kind == "table":
        rows = _row_spans(block.text)
        segments = [(start, block.text[start:end], end - start > LONG_TABLE_ROW) for start, end in rows]
    else:
        whole = block.kind == "heading" and len(block.text) < LONG_HEADING
        segments = [(0, block.text, not whole)]
    return [
        (offset + start, piece, split)
        for offset, text, split in segments
        for start, piece in (_pieces(text) if split else [(0, text)])
    ]


def split_sentences(pages: list[Page]) -> list[Sentence]:
    """Sentences of every block of every page, in order, with page, block index, kind and page offsets."""
    nlp = sentence_pipeline()
    pieces = []
    block_index = 0
    for page in pages:
        for block in page.blocks:
            for offset, text, split in _segments(block):
                pieces.append((page, block, block_index, offset, text, split))
            block_index += 1
    to_split = [text for *_, text, split in pieces if split]
    docs = iter(nlp.pipe(to_split))
    sentences: list[Sentence] = []
    for page, block, index, offset, text, split in pieces:
        if split:
            spans = list(_spans(text, next(docs)))
        else:
            spans = [(0, len(text))] if _HAS_WORD.search(text) else []
        for start, end in spans:
            a, b = block.char_start + offset + start, block.char_start + offset + end
            sentences.append(Sentence(page.page_no, index, block.kind, a, b, page.text[a:b]))
    return sentences
