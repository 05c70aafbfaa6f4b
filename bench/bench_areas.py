"""The UK six-area detector (classify/summary_areas.py) against hand labels, before and after.

Labels: bench/labels/uk_areas_two_pass.json (bench/area_labels.py says what they are). Demo
statements are read from a database `msa demo` built (made here in a temporary folder unless
--demo-db names one); the real statements' sentences from ../shared, labelled by the committed
models. "before" is classify/summary_areas.py as of --baseline-rev (read with `git show`),
"after" the working tree's. Prints: agreement of the two readings; precision and recall per area;
how many of the registry mismatches a regulator would see are right (demo: the registry's own
declarations; real statements: as if the registry declared every area, or none).

    python bench/bench_areas.py [--demo-db /tmp/msa-demo/msa.db] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import types
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.area_labels import (  # noqa: E402
    AreaScore,
    Detector,
    agreement,
    area_scores,
    demo_rows,
    detect_areas,
    hackathon_texts,
    hash_problems,
    labelled_rows,
    load_labels,
    mismatch_scores,
    positions,
)
from classify import Labeller  # noqa: E402
from classify.summary_areas import uk_area_sentences  # noqa: E402
from db.schema import UK_AREAS  # noqa: E402
from msa.demo import run_demo  # noqa: E402

# The detector before issue 17's labels were made: the commit this work started from.
BASELINE_REV = "2983895"


def baseline_detector(rev: str) -> Detector:
    """uk_area_sentences as committed at `rev`."""
    source = subprocess.run(
        ["git", "show", f"{rev}:classify/summary_areas.py"], cwd=REPO_ROOT, check=True, capture_output=True
    ).stdout.decode()
    module = types.ModuleType(f"summary_areas_{rev}")
    exec(compile(source, f"summary_areas@{rev}", "exec"), module.__dict__)
    return module.uk_area_sentences


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def score_table(title: str, before: dict[str, AreaScore], after: dict[str, AreaScore]) -> list[str]:
    lines = [
        f"### {title}",
        "",
        "| area | before P | before R | after P | after R | after tp/fp/fn/tn |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for area in UK_AREAS:
        b, a = before[area], after[area]
        lines.append(
            f"| {area} | {_fmt(b.precision)} | {_fmt(b.recall)} | {_fmt(a.precision)} | {_fmt(a.recall)} "
            f"| {a.tp}/{a.fp}/{a.fn}/{a.tn} |"
        )
    return lines + [""]


def mismatch_lines(title: str, before: dict[str, list[int]], after: dict[str, list[int]]) -> list[str]:
    def cell(x: list[int]) -> str:
        return f"{x[0]}/{x[1]}" + (f" ({x[0] / x[1]:.0%})" if x[1] else "")

    total_b = [sum(v[0] for v in before.values()), sum(v[1] for v in before.values())]
    total_a = [sum(v[0] for v in after.values()), sum(v[1] for v in after.values())]
    lines = [f"| {title} | {kind} | {cell(before[kind])} | {cell(after[kind])} |" for kind in before]
    return lines + [f"| {title} | all | {cell(total_b)} | {cell(total_a)} |"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo-db", type=Path, help="a database `msa demo` built (default: build one)")
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared")
    parser.add_argument("--baseline-rev", default=BASELINE_REV)
    args = parser.parse_args()

    labels = load_labels()
    detectors = {"before": baseline_detector(args.baseline_rev)}
    detectors["after"] = uk_area_sentences
    with tempfile.TemporaryDirectory() as tmp:
        demo_db = args.demo_db or run_demo(Path(tmp), serve=False, show_progress=False, port_base=None)
        demo = demo_rows(demo_db)
    rows: dict[str, list[dict]] = {}
    declared: dict[str, dict[str, bool | None]] = {}
    for key, entry in labels.items():
        if entry["source"] == "demo":
            rows[key] = demo[key]["rows"]
            st = demo[key]["statement"]
            declared[key] = {
                a: None if st.get(f"declared_{a}") is None else bool(st[f"declared_{a}"]) for a in UK_AREAS
            }
    real_keys = [k for k, e in labels.items() if e["source"] == "ukh"]
    if (args.shared / "research").is_dir():
        labeller = Labeller.load()
        texts = hackathon_texts(args.shared, [labels[k]["id"] for k in real_keys])
        for key in real_keys:
            rows[key] = labelled_rows(texts[key], labeller)
    else:
        print(f"{args.shared} is absent: demo statements only", file=sys.stderr)
        real_keys = []
    problems = [p for key in rows for p in hash_problems(key, labels[key], [r["text"] for r in rows[key]])]
    if problems:
        sys.exit("labels no longer match the text:\n" + "\n".join(problems))

    gold = {key: positions(labels[key]) for key in rows}
    found = {name: {key: detect_areas(d, rows[key]) for key in rows} for name, d in detectors.items()}
    demo_keys = [k for k in rows if labels[k]["source"] == "demo"]
    uk_demo = [k for k in demo_keys if k.startswith("uk-")]

    def subset(keys: list[str]) -> dict[str, dict[str, set[int]]]:
        return {k: gold[k] for k in keys}

    out = ["# UK six-area detector against hand labels", ""]
    out += [
        f"{len(demo_keys)} demo statements ({len(uk_demo)} UK), {len(real_keys)} real UK statements; "
        f"before = classify/summary_areas.py at {args.baseline_rev}, after = working tree.",
        "",
        "## Agreement of the two readings (statement level; position Jaccard where both say addressed)",
        "",
        "| area | agree | share | kappa | position Jaccard |",
        "|---|---:|---:|---:|---:|",
    ]
    for area, a in agreement({k: labels[k] for k in rows}).items():
        agree = f"{a['agree']}/{a['statements']}"
        out.append(f"| {area} | {agree} | {a['share']} | {a['kappa']} | {a['position_jaccard']} |")
    out.append("")
    for title, keys in (("demo", demo_keys), ("real UK", real_keys), ("all", list(rows))):
        if keys:
            scores = {n: area_scores({k: found[n][k] for k in keys}, subset(keys)) for n in found}
            out += score_table(f"Precision and recall per area: {title} ({len(keys)} statements)", **scores)
    out += [
        "## Registry mismatches a regulator sees that the labels confirm",
        "",
        "| statements | kind | before | after |",
        "|---|---|---|---|",
    ]

    def mismatches(keys: list[str], flag) -> dict[str, dict[str, list[int]]]:
        return {n: mismatch_scores({k: found[n][k] for k in keys}, subset(keys), flag) for n in found}

    demo_m = mismatches(uk_demo, lambda k, a: declared[k][a])
    out += mismatch_lines("demo UK, registry declarations", demo_m["before"], demo_m["after"])
    if real_keys:
        every = mismatches(real_keys, lambda k, a: True)
        out += mismatch_lines("real UK, if every area declared", every["before"], every["after"])
        none = mismatches(real_keys, lambda k, a: False)
        out += mismatch_lines("real UK, if no area declared", none["before"], none["after"])
    print("\n".join(out))


if __name__ == "__main__":
    main()
