"""Lines → blocks (heading, paragraph, list item, table) → reading order, for one page.

Blocks are grown from lines that sit directly below one another with the
same text size; reading order is a recursive XY-cut that prefers column
gutters (vertical cuts) and merges horizontal bands that share a gutter, so
that a three-column page is read column by column while a full-width title
or box still comes where it stands.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from extract.pdf_geometry import Line, is_bullet_word
from extract.pdf_tables import Rule, TableRegion, find_tables
from extract.text_repair import join_hyphenated, repair_characters

_ENUMERATOR = re.compile(r"^(?:\(?\d{1,2}[.)]|\(?[a-zA-Z][.)]|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)])$")
_SENTENCE_END = re.compile(r"[.!?:;]['\"’”)]*$")
_PROSE_END = re.compile(r"[.!?;,]['\"’”)]*$")
HEADING_SIZE_RATIO = 1.15
MIN_GUTTER = 4.0


@dataclass
class LayoutBlock:
    """A block on the page with its box; `rows` is set for a table (one list of cell texts per row)."""

    lines: list[Line]
    kind: str = "paragraph"
    rows: list[list[str]] | None = None
    x0: float = field(init=False)
    top: float = field(init=False)
    x1: float = field(init=False)
    bottom: float = field(init=False)
    height: float = field(init=False)

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute the box and the median line height after lines were added."""
        lines = self.lines
        self.x0 = min(line.x0 for line in lines)
        self.x1 = max(line.x1 for line in lines)
        self.top = min(line.top for line in lines)
        self.bottom = max(line.bottom for line in lines)
        self.height = sorted(line.height for line in lines)[len(lines) // 2]


def starts_list_item(line: Line) -> bool:
    """A line that opens a list item: a bullet glyph or an enumerator such as "1." or "(a)"."""
    first = line.words[0].text
    if is_bullet_word(first) or (first[:1] in "•●▪■◦○►▶➢➤✓✔\uf0b7\uf0a7\uf0d8\uf0fc" and len(first) > 1):
        return True
    if _is_letter_bullet(line):
        return True
    return bool(_ENUMERATOR.match(first)) and len(line.words) > 1


# Word's second-level bullet is a Courier "o", and Wingdings bullets without a Unicode map read as letters.
_LETTER_BULLETS = frozenset("o§Øüqv")


def _is_letter_bullet(line: Line) -> bool:
    """A lone bullet-like letter set apart from the text by a tab-wide gap ("o  workers are ...")."""
    words = line.words
    if len(words) < 2 or words[0].text not in _LETTER_BULLETS:
        return False
    return words[1].x0 - words[0].x1 >= 0.6 * line.height


def _fits_below(block: LayoutBlock, line: Line) -> bool:
    """Whether `line` continues `block`: directly below it, overlapping it sideways, same text size."""
    last = block.lines[-1]
    height = block.height
    if abs(line.height - height) > 0.2 * height:
        return False
    gap = line.top - last.bottom
    if not -0.5 * height <= gap <= 0.6 * height:
        return False
    if line.x0 > last.x1 or line.x1 < block.x0:
        return False
    if block.kind == "list_item":
        if starts_list_item(line):
            return False
        if line.x0 >= _item_text_x0(block) - 0.5 * height:
            return True  # a wrapped line hanging under the item's text
        # an item wrapped back to the bullet's edge continues only in mid-sentence
        return line.x0 >= block.x0 - 0.5 * height and line.text[:1].islower()
    if starts_list_item(line):
        return False
    if last.bold and not line.bold and _is_short(last) and all(ln.bold for ln in block.lines):
        return False  # body text after a bold heading
    if line.bold and not last.bold and _SENTENCE_END.search(last.text) and _is_short(line):
        return False  # a bold heading line after a finished paragraph
    return line.x0 <= last.x0 + 3 * height or line.x0 >= block.x0


def _item_text_x0(block: LayoutBlock) -> float:
    """Where a list item's text starts, right of its bullet: wrapped lines hang at this indent."""
    words = block.lines[0].words
    if len(words) > 1 and (is_bullet_word(words[0].text) or _ENUMERATOR.match(words[0].text)):
        return words[1].x0
    return block.lines[0].x0


def _is_short(line: Line) -> bool:
    """A line that could be a run-in heading: short, and not closing a sentence (a colon may close it)."""
    return len(line.text) < 90 and not _PROSE_END.search(line.text)


def group_blocks(lines: list[Line]) -> list[LayoutBlock]:
    """Grow blocks from stream-ordered lines, trying the last few blocks (interleaved cells, columns)."""
    blocks: list[LayoutBlock] = []
    for line in lines:
        for block in reversed(blocks[-6:]):
            if block.kind != "table" and _fits_below(block, line):
                block.lines.append(line)
                block.refresh()
                break
        else:
            blocks.append(LayoutBlock([line], kind="list_item" if starts_list_item(line) else "paragraph"))
    return blocks


def classify_headings(blocks: list[LayoutBlock], body_height: float) -> None:
    """Mark short blocks in larger or bold type as headings."""
    for block in blocks:
        if block.kind != "paragraph":
            continue
        text = " ".join(line.text for line in block.lines)
        if len(block.lines) > 4 or len(text) > 200:
            continue
        larger = block.height >= HEADING_SIZE_RATIO * body_height
        bold = all(line.bold for line in block.lines)
        if (larger or bold) and not _SENTENCE_END.search(text.rstrip()) or larger and len(text) < 120:
            block.kind = "heading"


def _gaps(intervals: list[tuple[float, float]], min_gap: float) -> list[tuple[float, float]]:
    """Empty stretches between the union of intervals, at least `min_gap` wide."""
    intervals = sorted(intervals)
    gaps = []
    reach = intervals[0][1]
    for start, end in intervals[1:]:
        if start - reach >= min_gap:
            gaps.append((reach, start))
        reach = max(reach, end)
    return gaps


def _column_gaps(blocks: list[LayoutBlock]) -> list[tuple[float, float]]:
    return _gaps([(b.x0, b.x1) for b in blocks], MIN_GUTTER)


def _shares_gutter(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    return any(min(ae, be) - max(as_, bs) >= MIN_GUTTER / 2 for as_, ae in a for bs, be in b)


def _by_position(blocks: list[LayoutBlock]) -> list[LayoutBlock]:
    return sorted(blocks, key=lambda b: (round(b.top), b.x0))


def _split_at_gutter(blocks: list[LayoutBlock], gutter: tuple[float, float]) -> list[list[LayoutBlock]]:
    cut = (gutter[0] + gutter[1]) / 2
    return [[b for b in blocks if b.x1 <= cut], [b for b in blocks if b.x1 > cut]]


def _bands(blocks: list[LayoutBlock], row_gaps: list[tuple[float, float]]) -> list[list[LayoutBlock]]:
    """Blocks grouped into the horizontal bands between `row_gaps`, in one pass over the blocks.

    The gaps come from the union of the blocks' vertical extents, so each block lies in exactly one
    band: the one after the last gap that ends above the block's top.
    """
    ends = [lower for _, lower in row_gaps]
    bands: list[list[LayoutBlock]] = [[] for _ in range(len(ends) + 1)]
    for block in blocks:
        bands[bisect_right(ends, block.top)].append(block)
    return [band for band in bands if band]


def _merge_bands(bands: list[list[LayoutBlock]]) -> list[list[LayoutBlock]]:
    """Join each band to the columns above it when it continues them (see `reading_order`)."""
    merged: list[list[LayoutBlock]] = [bands[0]]
    for band in bands[1:]:
        previous = merged[-1]
        # a band joins the columns above it when it does not cross their gutter and follows closely
        # (a column running on), not when it stands apart (a caption or box below the columns)
        gap = min(b.top for b in band) - max(b.bottom for b in previous)
        near = gap <= 1.2 * min(b.height for b in band)
        if near and (_column_gaps(previous) or _column_gaps(band)) and _column_gaps(previous + band):
            previous.extend(band)
        else:
            merged.append(band)
    return merged


# What one step of the XY-cut does with a group of blocks: ("done", ordered blocks), or the
# groups to order next, in reading order, each tagged with how to cut it.
_Step = list[tuple[str, list[LayoutBlock]]]


def _cut(kind: str, blocks: list[LayoutBlock]) -> _Step:
    if kind == "columns":  # merged bands that share a gutter: cut at the gutter the set still has
        gutters = _column_gaps(blocks)
        if not gutters:
            return [("done", _by_position(blocks))]
        return [("order", part) for part in _split_at_gutter(blocks, gutters[0])]
    if len(blocks) <= 1:
        return [("done", list(blocks))]
    gutters = _column_gaps(blocks)
    if gutters:
        return [("order", part) for part in _split_at_gutter(blocks, gutters[0])]
    row_gaps = _gaps([(b.top, b.bottom) for b in blocks], 0.01)
    if not row_gaps:
        return [("done", _by_position(blocks))]
    merged = _merge_bands(_bands(blocks, row_gaps))
    if len(merged) == 1:
        return [("columns", merged[0])]
    return [("order", band) for band in merged]


def reading_order(blocks: list[LayoutBlock]) -> list[LayoutBlock]:
    """Order blocks by XY-cut, columns before bands.

    The cut is recursive in nature, but runs on an explicit stack: a page of many staircased
    blocks (each cut splits off one) would otherwise exceed Python's recursion limit.
    """
    ordered: list[LayoutBlock] = []
    stack: _Step = [("order", list(blocks))]
    while stack:
        kind, group = stack.pop()
        if kind == "done":
            ordered.extend(group)
        else:
            stack.extend(reversed(_cut(kind, group)))
    return ordered


def block_text(block: LayoutBlock, vocabulary: frozenset[str]) -> str:
    """The block's text: lines joined with hyphenation repaired; table rows on their own lines."""
    if block.kind == "table" and block.rows is not None:
        return "\n".join(repair_characters(" | ".join(row)) for row in block.rows)
    text = ""
    for line in block.lines:
        words = [w.text for w in line.words]
        if block.kind == "list_item" and not text and (is_bullet_word(words[0]) or _is_letter_bullet(line)):
            words[0] = "•"
        piece = repair_characters(" ".join(words))
        if not text:
            text = piece
        elif text.endswith("-") and piece[:1].isalpha() and not text.endswith(" -"):
            head, _, last_word = text.rpartition(" ")
            first_word, _, rest = piece.partition(" ")
            joined = join_hyphenated(last_word, first_word, vocabulary)
            text = (head + " " if head else "") + joined + (" " + rest if rest else "")
        else:
            text += " " + piece
    return text


def layout_page(
    lines: list[Line], body_height: float, rules: list[Rule] | None = None, vrules: list[Rule] | None = None
) -> list[LayoutBlock]:
    """Blocks of one page in reading order, tables found first so that their cells stay in rows."""
    tables: list[TableRegion] = find_tables(lines, body_height, rules, vrules)
    table_lines = {id(line) for table in tables for line in table.lines}
    blocks = group_blocks([line for line in lines if id(line) not in table_lines])
    classify_headings(blocks, body_height)
    for table in tables:
        blocks.append(LayoutBlock(table.lines, kind="table", rows=table.rows))
    return reading_order(blocks)
