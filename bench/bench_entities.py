"""Entity linking (publish/entity_linking.py) against hand-checked pairs, and its speed.

Two sets: (a) the demo corpus, every pair of its organisations against the true entities in
bench/labels/entity_truth_sample.json (the corpus was written with them); (b) the real registry
rows of ../shared/research/registries, the 240 hand-checked pairs of
bench/labels/entity_pairs_real.json (bench/entity_pairs.py). Prints precision and recall of the
`linked` links (two organisations in one entity) and of linked + candidate, beside a naive
baseline (organisations with the same name, case and spaces aside, are one). Then the time to
link all real rows, against the baseline's time, in the same run.

    python bench/bench_entities.py [--demo-db /tmp/msa-demo/msa.db] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import sqlite_utils  # noqa: E402

from bench.entity_pairs import load_pairs, real_rows  # noqa: E402
from publish.entities import read_filings, read_organisations  # noqa: E402
from publish.entity_linking import Filing, Linking, Organisation, link_organisations  # noqa: E402

TRUTH = REPO_ROOT / "bench" / "labels" / "entity_truth_sample.json"
TIMING_REPEATS = 200
SCALE_COPIES = 300  # about 10,000 organisations, the order of one registry year


def naive_grouping(organisations: list[Organisation], filings: list[Filing]) -> dict[str, str]:
    """The baseline: one entity per exact name (case and spacing aside); organisation → entity."""
    return {org.organisation_id: " ".join(org.name.lower().split()) for org in organisations}


def predictions(linking: Linking) -> tuple[Callable[[str, str], bool], Callable[[str, str], bool]]:
    """(linked?, linked or candidate?) for a pair of organisation ids."""
    candidate_pairs = {frozenset({c.a, c.b}) for c in linking.candidates}
    members = linking.members

    def linked(a: str, b: str) -> bool:
        return linking.entity_of[a] == linking.entity_of[b]

    def either(a: str, b: str) -> bool:
        if linked(a, b):
            return True
        # a candidate between any member of a's entity and any member of b's
        return any(
            frozenset({x, y}) in candidate_pairs
            for x in members[linking.entity_of[a]]
            for y in members[linking.entity_of[b]]
        )

    return linked, either


def scores(pairs: list[tuple[str, str, bool]], predict: Callable[[str, str], bool]) -> dict[str, float | int]:
    tp = sum(1 for a, b, same in pairs if same and predict(a, b))
    fp = sum(1 for a, b, same in pairs if not same and predict(a, b))
    fn = sum(1 for a, b, same in pairs if same and not predict(a, b))
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
    }


def report(title: str, pairs: list[tuple[str, str, bool]], linking: Linking, naive: dict[str, str]) -> None:
    linked, either = predictions(linking)
    positives = sum(1 for *_, same in pairs if same)
    print(f"\n{title}: {len(pairs)} pairs, {positives} same-entity")
    rows = [
        ("linked", scores(pairs, linked)),
        ("linked + candidate", scores(pairs, either)),
        ("naive exact name", scores(pairs, lambda a, b: naive[a] == naive[b])),
    ]
    print(f"  {'':20s} {'precision':>9s} {'recall':>7s} {'tp':>4s} {'fp':>4s} {'fn':>4s}")
    for name, s in rows:
        print(f"  {name:20s} {s['precision']:9.3f} {s['recall']:7.3f} {s['tp']:4d} {s['fp']:4d} {s['fn']:4d}")
    wrong = [(a, b) for a, b, same in pairs if not same and linked(a, b)]
    missed = [(a, b) for a, b, same in pairs if same and not linked(a, b)]
    for label, items in (("wrong merges", wrong), ("missed", missed)):
        if items:
            print(f"  {label}: " + "; ".join(f"{a} ~ {b}" for a, b in items[:8]))


def sample_set(demo_db: Path) -> None:
    db = sqlite_utils.Database(demo_db)
    organisations, filings = read_organisations(db), read_filings(db)
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))["organisations"]
    stored = {org.organisation_id for org in organisations}
    if stored != set(truth):
        print(f"truth file and demo disagree on organisations: {sorted(stored ^ set(truth))}")
    ids = sorted(stored & set(truth))
    pairs = [(a, b, truth[a] == truth[b]) for a, b in itertools.combinations(ids, 2)]
    linking = link_organisations(organisations, filings)
    report(
        f"demo corpus ({len(ids)} organisations, {len(filings)} statements)",
        pairs,
        linking,
        naive_grouping(organisations, filings),
    )


def real_set(registries: Path) -> None:
    found, filings = real_rows(registries)
    pairs, problems = load_pairs(found)
    for problem in problems:
        print("PROBLEM:", problem)
    organisations = [org.organisation for org in found.values()]
    linking = link_organisations(organisations, filings)
    report(
        f"real registry rows ({len(organisations)} organisations, {len(filings)} statements)",
        pairs,
        linking,
        naive_grouping(organisations, filings),
    )
    print()
    for copies, repeats in ((1, TIMING_REPEATS), (SCALE_COPIES, 3)):
        orgs, fils = scaled(organisations, filings, copies)
        timings = {}
        for name, fn in (("linking", link_organisations), ("naive exact name", naive_grouping)):
            start = time.perf_counter()
            for _ in range(repeats):
                fn(orgs, fils)
            timings[name] = (time.perf_counter() - start) / repeats
        ratio = timings["linking"] / timings["naive exact name"]
        what = "all real organisations" if copies == 1 else f"the real rows copied {copies} times"
        print(
            f"time to link {what} ({len(orgs)} organisations, {len(fils)} statements; mean of {repeats}): "
            f"linking {timings['linking'] * 1e3:.2f} ms, naive exact-name grouping "
            f"{timings['naive exact name'] * 1e3:.2f} ms, ratio {ratio:.0f}x"
        )


def scaled(organisations: list[Organisation], filings: list[Filing], copies: int):
    """The real rows `copies` times over, each copy its own companies (ids, names and numbers apart)."""
    if copies == 1:
        return organisations, filings
    orgs, fils = [], []
    for n in range(copies):

        def tag(value: str | None, n: int = n) -> str | None:
            return None if value is None else f"{value}-{n}"

        orgs += [
            Organisation(
                tag(o.organisation_id),
                f"{o.name} {n}",
                o.jurisdiction,
                tag(o.company_number),
                tag(o.abn),
                tag(o.acn),
                tag(o.arbn),
            )
            for o in organisations
        ]
        fils += [
            Filing(tag(f.statement_id), tuple((tag(o), role) for o, role in f.organisations), f.document_ids)
            for f in filings
        ]
    return orgs, fils


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demo-db", type=Path, help="a database `msa demo` built (default: build one)")
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.demo_db is None:
            from msa.demo import run_demo  # lazy: the demo pipeline loads the models

            print("building the demo database ...", flush=True)
            demo_db = run_demo(Path(tmp), serve=False, show_progress=False, port_base=None)
        else:
            demo_db = args.demo_db
        sample_set(demo_db)
    registries = args.shared / "research" / "registries"
    if registries.is_dir():
        real_set(registries)
    else:
        print(f"\nno {registries}: real rows skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
