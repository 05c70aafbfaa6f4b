"""Positioned words and lines, the common currency of every PDF backend.

Coordinates are PDF points with the origin at the page's top-left, y growing
downwards, so that "above" means a smaller `top` whichever backend produced it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Glyphs that open a bullet list item when they start a line.
BULLETS = frozenset("•●▪■◦○◆◇►▶➢➤✓✔✗–—-*·\uf0b7\uf0a7\uf0d8\uf0fc\uf076\uf0a8\uf06e\u2043\u2219\u25aa\u25cf")


@dataclass(slots=True)
class Word:
    """A run of non-space characters with its box, in the backend's stream order."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    char_index: int = -1

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class Line:
    """Words on one baseline with no wide gap between them: a line of one column or one table cell."""

    words: list[Word]
    bold: bool = False
    x0: float = field(init=False)
    top: float = field(init=False)
    x1: float = field(init=False)
    bottom: float = field(init=False)
    height: float = field(init=False)
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute box, height and text after words were added."""
        words = self.words
        self.x0 = min(w.x0 for w in words)
        self.x1 = max(w.x1 for w in words)
        self.top = min(w.top for w in words)
        self.bottom = max(w.bottom for w in words)
        # the median word height resists one tall glyph (a drop cap, a symbol)
        self.height = sorted(w.bottom - w.top for w in words)[len(words) // 2]
        self.text = " ".join(w.text for w in words)


def is_bullet_word(text: str) -> bool:
    """A word that is only a bullet glyph, such as the "•" drawn apart from its item's text."""
    return len(text) == 1 and text in BULLETS


def lines_from_words(words: list[Word], gap_factor: float = 1.1) -> list[Line]:
    """Group stream-ordered words into lines, splitting where the gap is wider than a column gutter.

    A word starts a new line when it leaves the current baseline, moves
    backwards, or sits more than `gap_factor` times the text height to the
    right (two columns or two table cells that share a baseline).
    """
    lines: list[Line] = []
    current: list[Word] = []
    for word in words:
        if current:
            last = current[-1]
            height = min(last.height, word.height) or 1.0
            overlap = min(last.bottom, word.bottom) - max(last.top, word.top)
            gap = word.x0 - last.x1
            same_baseline = overlap >= 0.5 * height
            allowed_gap = gap_factor * height
            if len(current) == 1 and is_bullet_word(last.text):
                allowed_gap = 4.0 * height  # a bullet glyph sits apart from its text by design
            if same_baseline and -0.5 * height <= gap <= allowed_gap:
                current.append(word)
                continue
            lines.append(Line(current))
        current = [word]
    if current:
        lines.append(Line(current))
    return lines
