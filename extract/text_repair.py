"""Character- and word-level repairs: ligatures, broken glyph mappings, line-end hyphenation.

Whether a hyphen at a line end belongs to the word ("self-assessment") or
only to the line break ("com-panies") cannot be read off the page; it is
decided with word frequencies (wordfreq) and the document's own vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from wordfreq import zipf_frequency

# Presentation-form ligatures and look-alike characters that break word matching and search.
_CHAR_MAP = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\u00ad": "",
        "\ufeff": "",
        "\u2010": "-",
        "\u2011": "-",
        "\uf0b7": "•",
        "\uf0a7": "▪",
        "\uf0d8": "•",
        "\uf0fc": "✓",
    }
)
# A control character inside a word is usually a ligature glyph whose font lacks a Unicode mapping.
_BROKEN_LIGATURE = re.compile(r"[A-Za-z]*[\x01-\x08\x0b\x0c\x0e-\x1f][A-Za-z]*")
_LIGATURE_CANDIDATES = ("fi", "fl", "ff", "ffi", "ffl", "tt", "Th")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\ufffe\uffff]")
KNOWN_WORD_ZIPF = 2.5


@lru_cache(maxsize=65536)
def word_zipf(word: str) -> float:
    """English word frequency on the Zipf scale (0 = unknown, 3 = once per million words)."""
    return zipf_frequency(word, "en")


def _repair_ligature(match: re.Match[str]) -> str:
    word = match.group()
    best, best_score = None, 0.0
    for candidate in _LIGATURE_CANDIDATES:
        repaired = _CONTROL.sub(candidate, word)
        score = word_zipf(repaired.lower())
        if score > best_score:
            best, best_score = repaired, score
    return best if best is not None else _CONTROL.sub("", word)


def repair_characters(text: str) -> str:
    """Expand ligatures, normalise spaces and dashes, and guess glyphs that lost their mapping."""
    text = text.translate(_CHAR_MAP)
    if _CONTROL.search(text):
        text = _BROKEN_LIGATURE.sub(_repair_ligature, text)
        text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


_LEFT_PART = re.compile(r"([A-Za-z]+)-$")
_RIGHT_PART = re.compile(r"^([A-Za-z]+)")


def join_hyphenated(left: str, right: str, vocabulary: frozenset[str] = frozenset()) -> str:
    """Join two words split by a line-end hyphen ("com-" + "panies"), keeping the hyphen of a compound.

    `vocabulary` holds the lower-cased words seen elsewhere in the document,
    which settles house terms a general word list does not know.
    """
    left_match, right_match = _LEFT_PART.search(left), _RIGHT_PART.match(right)
    if not left_match or not right_match:
        return left + right
    head, tail = left_match.group(1), right_match.group(1)
    joined = (head + tail).lower()
    compound = f"{head}-{tail}".lower()
    keep = left + right
    drop = left[:-1] + right
    if tail[0].isupper():
        return keep  # "Anti-Slavery", "Non-Financial"
    if compound in vocabulary and joined not in vocabulary:
        return keep
    if joined in vocabulary and compound not in vocabulary:
        return drop
    head_known, tail_known = (
        word_zipf(head.lower()) >= KNOWN_WORD_ZIPF,
        word_zipf(tail.lower()) >= KNOWN_WORD_ZIPF,
    )
    if "-" in left[:-1] and head_known and tail_known:
        return keep  # "day-to-" + "day"
    if word_zipf(joined) >= KNOWN_WORD_ZIPF:
        return drop
    if head_known and tail_known:
        return keep  # "self-assessment", "risk-based"
    return drop


def document_vocabulary(texts: list[str]) -> frozenset[str]:
    """Lower-cased words (hyphenated compounds included) of a document, for `join_hyphenated`."""
    words: set[str] = set()
    for text in texts:
        words.update(w.lower() for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text))
    return frozenset(words)
