"""Find tables among a page's lines and read them as rows of cells.

A table shows up in the text layer as line pieces sharing a baseline, row
after row. Prose set in columns shares baselines too, so a run of such rows
is a table only when the page draws rules across it (cell borders, row
shading), or, without rules, when its pieces read like cells rather than
lines of prose: short, and rarely starting in lower case (a prose line
continues a sentence; a cell starts one). Rules also say where a row ends,
so a cell's wrapped second line stays in its cell. A ruled table is found
from the rules first (a stack of three or more long rules of one width),
so prose beside or above it stays out of it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from statistics import median

from extract.pdf_geometry import Line
from extract.text_repair import join_hyphenated

Rule = tuple[float, float, float]  # x0, x1, y (top-down)
MIN_RULED_CELLS = 2
MIN_UNRULED_CELLS = 3
MIN_UNRULED_ROWS = 3
MAX_UNRULED_MEDIAN_CHARS = 24
MAX_UNRULED_LOWERCASE_SHARE = 0.15
MAX_UNRULED_COLUMN_CHARS = 40  # a column of longer pieces is prose set beside the table
RULE_SPAN_SHARE = 0.6
RULE_JOIN_GAP = 2.0
OUTLIER_GAP_RATIO = 4.0
OUTLIER_GAP_LINES = 4.0
MAX_ROW_HEIGHTS = 30  # rules further apart than this many text lines do not belong to one table


@dataclass
class TableRegion:
    """The lines a table is made of and its text as rows of cells."""

    lines: list[Line]
    rows: list[list[str]] = field(default_factory=list)


def _baseline_rows(lines: list[Line]) -> list[list[Line]]:
    """Cluster lines whose vertical extents mostly overlap, top to bottom, each row left to right."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        if rows:
            ref = rows[-1][0]
            overlap = min(ref.bottom, line.bottom) - max(ref.top, line.top)
            if overlap >= 0.5 * min(ref.height, line.height):
                rows[-1].append(line)
                continue
        rows.append([line])
    for row in rows:
        row.sort(key=lambda ln: ln.x0)
    return rows


def _merge_close(values: list[float], tolerance: float) -> list[float]:
    merged: list[float] = []
    for value in values:
        if not merged or value - merged[-1] > tolerance:
            merged.append(value)
    return merged


def _reads_as_cells(run: list[list[Line]]) -> bool:
    pieces = [line for row in run for line in row]
    texts = [line.text for line in pieces]
    lowercase = sum(1 for text in texts if text[:1].islower()) / len(texts)
    wide_rows = sum(1 for row in run if len(row) >= MIN_UNRULED_CELLS)
    columns: dict[int, list[int]] = {}
    for row in run:
        for index, line in enumerate(row):
            columns.setdefault(index, []).append(len(line.text))
    prose_column = any(
        len(lengths) >= 3 and median(lengths) > MAX_UNRULED_COLUMN_CHARS for lengths in columns.values()
    )
    return (
        not prose_column
        and wide_rows >= MIN_UNRULED_ROWS
        and lowercase <= MAX_UNRULED_LOWERCASE_SHARE
        and median(len(t) for t in texts) <= MAX_UNRULED_MEDIAN_CHARS
    )


def _column_anchors(run: list[list[Line]], height: float) -> list[float]:
    """Left edges of the table's columns: x0 values shared by pieces of the widest rows."""
    widest = max(len(row) for row in run)
    starts = sorted(line.x0 for row in run if len(row) >= max(2, widest - 1) for line in row)
    return _merge_close(starts, 1.5 * height)


def _column_of(x0: float, anchors: list[float]) -> int:
    """The column whose left edge is the nearest at or before x0 (the first one for a piece left of all)."""
    index = 0
    for i, anchor in enumerate(anchors):
        if anchor <= x0 + 2:
            index = i
    return index


def _append(cell: str, piece: str) -> str:
    """A cell's text with one more wrapped line, mending a word hyphenated across the break."""
    if not cell:
        return piece
    if cell.endswith("-") and not cell.endswith(" -") and piece[:1].isalpha():
        head, _, last_word = cell.rpartition(" ")
        first_word, _, rest = piece.partition(" ")
        joined = join_hyphenated(last_word, first_word)
        return " ".join(part for part in (head, joined, rest) if part)
    return f"{cell} {piece}"


def _read_rows(
    run: list[list[Line]], height: float, row_rules: list[float], borders: list[float] | None = None
) -> list[list[str]]:
    """Cells per row. Ruled: a row runs from rule to rule, and vertical rules, where drawn, say which
    column a piece is in (by its centre, so centred header text lands right). Unruled: a row with fewer
    pieces that follows closely under the row above continues its cells."""
    anchors = [0.0, *borders] if borders else _column_anchors(run, height)
    table: list[list[str]] = []
    previous_bottom = None
    for row in run:
        top = min(line.top for line in row)
        if row_rules:
            new_row = previous_bottom is None or any(
                previous_bottom <= y <= top + 0.3 * height for y in row_rules
            )
        else:
            close = previous_bottom is not None and top - previous_bottom < 0.5 * height
            new_row = not (table and close and len(row) < len(anchors))
        if new_row:
            table.append([""] * len(anchors))
        cells = table[-1]
        for line in row:
            middle = (line.x0 + line.x1) / 2
            column = bisect_right(borders, middle) if borders else _column_of(line.x0, anchors)
            cells[column] = _append(cells[column], line.text)
        previous_bottom = max(line.bottom for line in row)
    return [_trim_empty_tail(cells) for cells in table if any(cells)]


def _trim_empty_tail(cells: list[str]) -> list[str]:
    """Drop empty cells at the end of a row (columns of ticks or images that have no text)."""
    while len(cells) > 1 and not cells[-1]:
        cells = cells[:-1]
    return cells


def _rule_segments(rules: list[Rule], min_width: float) -> list[Rule]:
    """Rules at one height joined where they touch (cell borders drawn cell by cell), keeping long ones."""
    by_y: dict[int, list[tuple[float, float]]] = {}
    for x0, x1, y in rules:
        by_y.setdefault(round(y), []).append((x0, x1))
    segments: list[Rule] = []
    for y, pieces in by_y.items():
        pieces.sort()
        start, reach = pieces[0]
        for piece_start, piece_end in pieces[1:]:
            if piece_start > reach + RULE_JOIN_GAP:
                segments.append((start, reach, float(y)))
                start = piece_start
            reach = max(reach, piece_end)
        segments.append((start, reach, float(y)))
    return sorted((seg for seg in segments if seg[1] - seg[0] >= min_width), key=lambda seg: seg[2])


def ruled_regions(
    rules: list[Rule], body_height: float
) -> list[tuple[float, float, float, float, list[float]]]:
    """(x0, x1, top, bottom, row rules) of stacks of three or more long rules of about the same extent.

    Requiring the same extent keeps the shading drawn behind each text line
    of one cell (narrower than the table) out of the table's row rules.
    """
    stacks: list[list[Rule]] = []
    for segment in _rule_segments(rules, max(50.0, 3 * body_height)):
        x0, x1, y = segment
        for stack in stacks:
            sx0, sx1, sy = stack[-1]
            overlap = min(x1, sx1) - max(x0, sx0)
            if overlap >= 0.8 * max(x1 - x0, sx1 - sx0) and y - sy <= MAX_ROW_HEIGHTS * body_height:
                if y - sy > 0.5:
                    stack.append(segment)
                break
        else:
            stacks.append([segment])
    regions = []
    for stack in (part for whole in stacks for part in _split_at_outlier_gaps(whole, body_height)):
        if len(stack) >= 3:
            x0 = min(seg[0] for seg in stack)
            x1 = max(seg[1] for seg in stack)
            regions.append((x0, x1, stack[0][2], stack[-1][2], [seg[2] for seg in stack]))
    return regions


def _split_at_outlier_gaps(stack: list[Rule], body_height: float) -> list[list[Rule]]:
    """A page's header or footer rule, as wide as the table, is no row border: a gap far wider than
    the stack's usual row height (and than a few text lines) ends one stack and starts another."""
    if len(stack) < 3:
        return [stack]
    gaps = [b[2] - a[2] for a, b in zip(stack, stack[1:], strict=False)]
    usual = median(gaps)
    parts, current = [], [stack[0]]
    for gap, segment in zip(gaps, stack[1:], strict=True):
        if gap > OUTLIER_GAP_RATIO * usual and gap > OUTLIER_GAP_LINES * body_height:
            parts.append(current)
            current = []
        current.append(segment)
    parts.append(current)
    return parts


def _inside(line: Line, x0: float, x1: float, top: float, bottom: float) -> bool:
    middle_y = (line.top + line.bottom) / 2
    return x0 - 1 <= line.x0 and line.x1 <= x1 + 1 and top <= middle_y <= bottom


def column_boundaries(vrules: list[Rule], x0: float, x1: float, top: float, bottom: float) -> list[float]:
    """x of vertical rules inside a table that run down at least half its height: its column borders."""
    spans: dict[int, float] = {}
    for x, rule_top, rule_bottom in vrules:
        if x0 + 3 < x < x1 - 3:
            covered = min(rule_bottom, bottom) - max(rule_top, top)
            if covered > 0:
                spans[round(x)] = spans.get(round(x), 0.0) + covered
    inside = sorted(float(x) for x, covered in spans.items() if covered >= 0.5 * (bottom - top))
    return _merge_close(inside, 4.0)


def find_tables(
    lines: list[Line], body_height: float, rules: list[Rule] | None = None, vrules: list[Rule] | None = None
) -> list[TableRegion]:
    """Tables on the page: regions framed by stacked rules, then unruled runs of rows that read as cells."""
    tables: list[TableRegion] = []
    taken: set[int] = set()
    for x0, x1, top, bottom, row_rules in ruled_regions(rules or [], body_height):
        inside = [line for line in lines if id(line) not in taken and _inside(line, x0, x1, top, bottom)]
        if not inside:
            continue
        above = [
            line for line in lines if id(line) not in taken and _inside(line, x0, x1, top - body_height, top)
        ]
        header = _baseline_rows(above)[-1:] if above else []
        if header and len(header[0]) >= MIN_RULED_CELLS:
            inside = header[0] + inside
        run = _baseline_rows(inside)
        borders = column_boundaries(vrules or [], x0, x1, top, bottom)
        if not borders and len(_column_anchors(run, body_height)) < 2:
            continue  # a framed box of text, not a table
        taken.update(id(line) for line in inside)
        tables.append(TableRegion(inside, _read_rows(run, body_height, row_rules, borders)))
    free = [line for line in lines if id(line) not in taken]
    run: list[list[Line]] = []
    extent = [float("inf"), float("-inf")]  # the run's horizontal extent, kept as rows join it

    def close_run() -> None:
        while run and len(run[-1]) < MIN_UNRULED_CELLS:
            run.pop()
        if run and _reads_as_cells(run):
            region = [line for row in run for line in row]
            tables.append(TableRegion(region, _read_rows(run, body_height, [])))
        run.clear()
        extent[:] = [float("inf"), float("-inf")]

    for row in _baseline_rows(free):
        if run:
            gap = min(line.top for line in row) - max(line.bottom for line in run[-1])
            if gap > 2.5 * body_height:
                close_run()
        if len(row) >= MIN_RULED_CELLS or (run and _under_run(extent[0], extent[1], row, body_height)):
            run.append(row)
            extent[0] = min(extent[0], *(line.x0 for line in row))
            extent[1] = max(extent[1], *(line.x1 for line in row))
        else:
            close_run()
    close_run()
    return tables


def _under_run(x0: float, x1: float, row: list[Line], height: float) -> bool:
    """A single piece starting inside the run's horizontal extent (x0, x1): perhaps a wrapped cell line."""
    return all(x0 - height <= line.x0 < x1 for line in row)
