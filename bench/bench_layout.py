"""Layout time against lines per page: the near-linear layout against the quadratic one it replaced.

    python -m bench.bench_layout [--sizes 5000,20000] [--skip-baseline-over 20000]

Two generated pages per size (no PDF: positioned lines, as a backend gives them):
- `prose`: one short line per band, every line apart from the next (each band a block), which made
  the per-band scan of `reading_order` (extract/pdf_layout.py) visit every block once per band;
- `table`: rows of three cells, each followed by a wrapped line under them, which made
  `_under_run` (extract/pdf_tables.py) recompute the whole run's extent for every wrapped line.

The baseline is the former code, kept here verbatim (recursive `reading_order` with the band scan,
the unruled-table loop with the old `_under_run`), run on the same lines in the same process; both
must give the same blocks in the same order, and the bench checks that they do.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from extract.pdf_geometry import Line, Word
from extract.pdf_layout import (
    LayoutBlock,
    _column_gaps,
    _gaps,
    classify_headings,
    group_blocks,
    layout_page,
)
from extract.pdf_tables import (
    MIN_RULED_CELLS,
    MIN_UNRULED_CELLS,
    TableRegion,
    _baseline_rows,
    _read_rows,
    _reads_as_cells,
)

HEIGHT = 10.0


def prose_page(lines: int) -> list[Line]:
    """`lines` short lines, one per band: each 2 heights below the last, so no two make a block."""
    return [
        Line([Word(f"Line {n} of the page.", 72, n * 2 * HEIGHT, 200, n * 2 * HEIGHT + HEIGHT, n)])
        for n in range(lines)
    ]


def table_page(lines: int) -> list[Line]:
    """Rows of three cells, each followed by one wrapped line under the first cell: `lines` in all."""
    out: list[Line] = []
    top = 0.0
    while len(out) < lines:
        for column in range(3):
            x0 = 72 + column * 150
            out.append(Line([Word(f"Cell {len(out)}", x0, top, x0 + 60, top + HEIGHT, len(out))]))
        top += 1.2 * HEIGHT
        out.append(Line([Word(f"wrapped {len(out)}", 74, top, 130, top + HEIGHT, len(out))]))
        top += 1.2 * HEIGHT
    return out[:lines]


# ---- the former code, verbatim apart from its names: the baseline ----------------------------


def baseline_reading_order(blocks: list[LayoutBlock]) -> list[LayoutBlock]:
    if len(blocks) <= 1:
        return list(blocks)
    gutters = _column_gaps(blocks)
    if gutters:
        left, right = gutters[0]
        cut = (left + right) / 2
        first = [b for b in blocks if b.x1 <= cut]
        rest = [b for b in blocks if b.x1 > cut]
        return baseline_reading_order(first) + baseline_reading_order(rest)
    row_gaps = _gaps([(b.top, b.bottom) for b in blocks], 0.01)
    if not row_gaps:
        return sorted(blocks, key=lambda b: (round(b.top), b.x0))
    bands: list[list[LayoutBlock]] = []
    edges = [(-1e9, -1e9), *row_gaps, (1e9, 1e9)]
    for (_, upper), (lower, _) in zip(edges, edges[1:], strict=False):
        band = [b for b in blocks if b.top >= upper - 0.01 and b.bottom <= lower + 0.01]
        if band:
            bands.append(band)
    merged: list[list[LayoutBlock]] = [bands[0]]
    for band in bands[1:]:
        previous = merged[-1]
        gap = min(b.top for b in band) - max(b.bottom for b in previous)
        near = gap <= 1.2 * min(b.height for b in band)
        if near and (_column_gaps(previous) or _column_gaps(band)) and _column_gaps(previous + band):
            previous.extend(band)
        else:
            merged.append(band)
    if len(merged) == 1:
        return baseline_reading_order_columns(merged[0])
    ordered: list[LayoutBlock] = []
    for band in merged:
        ordered.extend(baseline_reading_order(band))
    return ordered


def baseline_reading_order_columns(blocks: list[LayoutBlock]) -> list[LayoutBlock]:
    gutters = _column_gaps(blocks)
    if not gutters:
        return sorted(blocks, key=lambda b: (round(b.top), b.x0))
    left, right = gutters[0]
    cut = (left + right) / 2
    return baseline_reading_order([b for b in blocks if b.x1 <= cut]) + baseline_reading_order(
        [b for b in blocks if b.x1 > cut]
    )


def _baseline_under_run(run: list[list[Line]], row: list[Line], height: float) -> bool:
    x0 = min(line.x0 for r in run for line in r)
    x1 = max(line.x1 for r in run for line in r)
    return all(x0 - height <= line.x0 < x1 for line in row)


def baseline_unruled_tables(lines: list[Line], body_height: float) -> list[TableRegion]:
    """The former find_tables on a page without rules: its unruled loop only."""
    tables: list[TableRegion] = []
    run: list[list[Line]] = []

    def close_run() -> None:
        while run and len(run[-1]) < MIN_UNRULED_CELLS:
            run.pop()
        if run and _reads_as_cells(run):
            region = [line for row in run for line in row]
            tables.append(TableRegion(region, _read_rows(run, body_height, [])))
        run.clear()

    for row in _baseline_rows(lines):
        if run:
            gap = min(line.top for line in row) - max(line.bottom for line in run[-1])
            if gap > 2.5 * body_height:
                close_run()
        if len(row) >= MIN_RULED_CELLS or (run and _baseline_under_run(run, row, body_height)):
            run.append(row)
        else:
            close_run()
    close_run()
    return tables


def baseline_layout_page(lines: list[Line], body_height: float) -> list[LayoutBlock]:
    """The former layout_page on a page without rules."""
    tables = baseline_unruled_tables(lines, body_height)
    table_lines = {id(line) for table in tables for line in table.lines}
    blocks = group_blocks([line for line in lines if id(line) not in table_lines])
    classify_headings(blocks, body_height)
    for table in tables:
        blocks.append(LayoutBlock(table.lines, kind="table", rows=table.rows))
    return baseline_reading_order(blocks)


# ---- measuring ----------------------------------------------------------------------------


def timed(layout: Callable[[list[Line], float], list[LayoutBlock]], lines: list[Line]) -> tuple[float, list]:
    start = time.perf_counter()
    blocks = layout(lines, HEIGHT)
    return time.perf_counter() - start, [(b.kind, [ln.text for ln in b.lines], b.rows) for b in blocks]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000")
    parser.add_argument("--skip-baseline-over", type=int, default=10**9, help="Lines above which not to.")
    args = parser.parse_args()
    sys.setrecursionlimit(100_000)  # the baseline recurses once per band on these pages
    print(f"{'page':<6} {'lines':>6} {'baseline s':>11} {'now s':>8} {'speed-up':>9}  same blocks")
    for size in (int(s) for s in args.sizes.split(",")):
        for name, make in (("prose", prose_page), ("table", table_page)):
            now_s, now_blocks = timed(layout_page, make(size))
            if size > args.skip_baseline_over:
                print(f"{name:<6} {size:>6} {'-':>11} {now_s:8.2f} {'-':>9}  -")
                continue
            base_s, base_blocks = timed(baseline_layout_page, make(size))
            same = "yes" if base_blocks == now_blocks else "NO"
            print(f"{name:<6} {size:>6} {base_s:11.2f} {now_s:8.2f} {base_s / now_s:8.1f}x  {same}")


if __name__ == "__main__":
    main()
