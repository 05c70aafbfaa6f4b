"""Word-level fidelity of extracted page text against the hand-checked page set, without storing the text.

Each checked page is stored as the sha256 of its source PDF, the page
number, and the page's expected words in reading order, each word reduced
to a short salted hash (`word_hash`). Scores compare hashed words:

Words are lower-cased, and a hyphen inside a word is dropped, so a
hyphenation choice the page itself leaves open ("co-operation" printed as
"co-" at a line end) does not count; a hyphen left at a line end does.

- recall: share of expected words found (as a multiset) in the output;
- precision: share of output words that are expected (headers, footers and
  duplicated text lower it);
- order: longest common subsequence of the two word sequences over the
  expected length (a column read in the wrong place lowers it).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

PAGES_FILE = Path(__file__).with_name("pages.json")
_SALT = "msa-fidelity/"
_WORDS = re.compile(r"[^\W_]+")
_INNER_HYPHEN = re.compile(r"(?<=\w)[-‐‑](?=\w)")


def words_of(text: str) -> list[str]:
    """Lower-cased alphanumeric words: punctuation, bullets, table pipes and hyphen choices do not count."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = _INNER_HYPHEN.sub("", text)  # "co-operation" and "cooperation" are the same word here
    return _WORDS.findall(text)


def word_hash(word: str) -> str:
    """A short salted hash of one normalised word (8 hex digits)."""
    return hashlib.sha256((_SALT + word).encode("utf-8")).hexdigest()[:8]


def hashed_words(text: str) -> list[str]:
    """The text's words, each hashed, in order."""
    return [word_hash(w) for w in words_of(text)]


def _lcs_length(a: list[str], b: list[str]) -> int:
    """Longest common subsequence length (dynamic programming over the shorter sequence)."""
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, 1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def score_page(expected: list[str], got: list[str]) -> dict[str, float]:
    """Recall, precision and order of hashed output words against hashed expected words."""
    overlap = sum((Counter(expected) & Counter(got)).values())
    return {
        "recall": overlap / len(expected) if expected else 1.0,
        "precision": overlap / len(got) if got else 0.0,
        "order": _lcs_length(expected, got) / len(expected) if expected else 1.0,
        "words": len(expected),
    }


def load_pages(path: Path = PAGES_FILE) -> list[dict]:
    """The checked pages: [{"file", "sha256", "page", "layout", "words": [hash, ...]}]."""
    pages = json.loads(path.read_text())["pages"]
    for page in pages:
        page["words"] = page["words"].split()
    return pages


def mean_scores(scores: list[dict[str, float]]) -> dict[str, float]:
    """Scores averaged over pages, weighted by each page's expected word count."""
    total = sum(s["words"] for s in scores) or 1
    return {k: sum(s[k] * s["words"] for s in scores) / total for k in ("recall", "precision", "order")}
