"""Benchmark: msa extraction against pdfplumber alone, on every real PDF in ../shared/research, in one run.

    python -m bench.bench_extract [--plumber-layout] [--json OUT.json] [--fidelity-only]

For each PDF, in the same process and run:
- msa: `extract_document(body, backend="auto")` (pages, layout, sentences, metadata);
- pdfplumber alone: `page.extract_text()` for every page, then the same
  sentence pipeline over each page's text, so sentences/s compare like for like;
- with --plumber-layout, also msa with backend="pdfplumber" (pdfplumber words
  through msa's layout), and the per-page agreement used to set the backend rule.

Reports pages/s and sentences/s both ways, their ratio, and word-level
fidelity (recall, precision, order) of both on the hand-checked pages in
bench/fidelity/pages.json. Timings are wall-clock and include parsing.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import pdfplumber

from bench.fidelity.scoring import hashed_words, load_pages, mean_scores, score_page, words_of
from extract import extract_document
from extract.pdf_document import pdfium_text_is_garbled
from extract.pdf_pages import open_pdfium, pdfium_page
from extract.sentences import sentence_pipeline, split_sentences
from extract.structures import Block, Page

SHARED_RESEARCH = Path(__file__).resolve().parents[1].parent / "shared" / "research"


def real_pdfs(root: Path = SHARED_RESEARCH) -> list[Path]:
    """Every PDF under ../shared/research, in a stable order."""
    return sorted(root.rglob("*.pdf"))


def run_msa(bodies: dict[Path, bytes], backend: str) -> tuple[float, dict[Path, list[str]], int, int]:
    """(seconds, page texts per file, pages, sentences) for msa's extractor with `backend`."""
    texts: dict[Path, list[str]] = {}
    pages = sentences = 0
    gc.collect()
    start = time.perf_counter()
    for path, body in bodies.items():
        doc = extract_document(body, "application/pdf", backend=backend)
        texts[path] = [page.text for page in doc.pages]
        pages += len(doc.pages)
        sentences += len(doc.sentences)
    return time.perf_counter() - start, texts, pages, sentences


def run_plumber_alone(bodies: dict[Path, bytes]) -> tuple[float, dict[Path, list[str]], int, int]:
    """(seconds, page texts per file, pages, sentences): pdfplumber extract_text, then sentences."""
    texts: dict[Path, list[str]] = {}
    pages = sentences = 0
    gc.collect()
    start = time.perf_counter()
    for path, body in bodies.items():
        import io

        with pdfplumber.open(io.BytesIO(body)) as pdf:
            page_texts = [page.extract_text() or "" for page in pdf.pages]
        texts[path] = page_texts
        as_pages = [Page(i + 1, t, (Block("paragraph", t, 0, len(t)),)) for i, t in enumerate(page_texts)]
        sentences += len(split_sentences(as_pages))
        pages += len(page_texts)
    return time.perf_counter() - start, texts, pages, sentences


def fidelity(
    texts: dict[Path, list[str]], checked: list[dict], digests: dict[str, Path]
) -> tuple[dict, list]:
    """Mean and per-page fidelity of page texts on the checked pages found in this run."""
    per_page = []
    for entry in checked:
        path = digests.get(entry["sha256"])
        if path is None or entry["page"] > len(texts.get(path, [])):
            continue
        got = hashed_words(texts[path][entry["page"] - 1])
        per_page.append((path.name, entry["page"], score_page(entry["words"], got)))
    return mean_scores([s for _, _, s in per_page]) if per_page else {}, per_page


def backend_agreement(bodies: dict[Path, bytes], plumber_texts: dict[Path, list[str]]) -> list[dict]:
    """Per page: word agreement of PDFium's and pdfplumber's raw words, and whether the garble rule fires."""
    rows = []
    for path, body in bodies.items():
        pdf = open_pdfium(body)
        for index in range(len(pdf)):
            raw = pdfium_page(pdf, index)
            ours = Counter(words_of(" ".join(line.text for line in raw.lines)))
            theirs = Counter(words_of(plumber_texts[path][index]))
            union = sum((ours | theirs).values())
            agreement = sum((ours & theirs).values()) / union if union else 1.0
            rows.append(
                {
                    "file": path.name,
                    "page": index + 1,
                    "agreement": round(agreement, 3),
                    "words_pdfium": sum(ours.values()),
                    "words_plumber": sum(theirs.values()),
                    "garbled_rule": pdfium_text_is_garbled(raw),
                }
            )
        pdf.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plumber-layout", action="store_true", help="also time msa with backend=pdfplumber")
    parser.add_argument("--json", type=Path, help="write all figures to this file")
    parser.add_argument("--fidelity-only", action="store_true", help="only msa's fidelity, checked pages")
    args = parser.parse_args(argv)
    files = real_pdfs()
    if not files:
        print(f"no PDFs under {SHARED_RESEARCH}; nothing to measure", file=sys.stderr)
        return 0
    bodies = {path: path.read_bytes() for path in files}
    digests = {hashlib.sha256(body).hexdigest(): path for path, body in bodies.items()}
    checked = load_pages()
    if args.fidelity_only:
        wanted = {entry["sha256"] for entry in checked}
        subset = {digests[d]: bodies[digests[d]] for d in wanted if d in digests}
        _, texts, _, _ = run_msa(subset, "auto")
        mean, per_page = fidelity(texts, checked, digests)
        for name, page, scores in per_page:
            print(f"{name} p{page}: " + " ".join(f"{k}={v:.3f}" for k, v in scores.items() if k != "words"))
        print("mean: " + " ".join(f"{k}={v:.4f}" for k, v in mean.items()))
        return 0
    sentence_pipeline()  # load spaCy once, outside the timings
    extract_document(bodies[files[0]])  # warm imports and caches for both runs
    load_before = os.getloadavg()

    msa_s, msa_texts, pages, msa_sentences = run_msa(bodies, "auto")
    plumber_s, plumber_texts, plumber_pages, plumber_sentences = run_plumber_alone(bodies)
    load_after = os.getloadavg()
    msa_fid, msa_pages = fidelity(msa_texts, checked, digests)
    plumber_fid, plumber_pages_fid = fidelity(plumber_texts, checked, digests)
    report = {
        "files": len(files),
        "pages": pages,
        "load_average_before_after": [round(x, 2) for x in (*load_before, *load_after)],
        "cpus": os.cpu_count(),
        "msa_auto": {
            "seconds": round(msa_s, 2),
            "pages_per_s": round(pages / msa_s, 1),
            "sentences": msa_sentences,
            "sentences_per_s": round(msa_sentences / msa_s, 1),
            "fidelity": {k: round(v, 4) for k, v in msa_fid.items()},
        },
        "pdfplumber_alone": {
            "seconds": round(plumber_s, 2),
            "pages_per_s": round(plumber_pages / plumber_s, 2),
            "sentences": plumber_sentences,
            "sentences_per_s": round(plumber_sentences / plumber_s, 1),
            "fidelity": {k: round(v, 4) for k, v in plumber_fid.items()},
        },
        "speedup_pages": round((pages / msa_s) / (plumber_pages / plumber_s), 1),
        "fidelity_pages": [
            {
                "file": name,
                "page": page,
                "msa": {k: round(v, 3) for k, v in ours.items()},
                "pdfplumber": {k: round(v, 3) for k, v in theirs.items()},
            }
            for (name, page, ours), (_, _, theirs) in zip(msa_pages, plumber_pages_fid, strict=True)
        ],
    }
    if args.plumber_layout:
        layout_s, layout_texts, layout_pages, layout_sentences = run_msa(bodies, "pdfplumber")
        layout_fid, _ = fidelity(layout_texts, checked, digests)
        report["msa_pdfplumber_backend"] = {
            "seconds": round(layout_s, 2),
            "pages_per_s": round(layout_pages / layout_s, 2),
            "sentences_per_s": round(layout_sentences / layout_s, 1),
            "fidelity": {k: round(v, 4) for k, v in layout_fid.items()},
        }
        report["backend_agreement"] = backend_agreement(bodies, plumber_texts)
    print(json.dumps({k: v for k, v in report.items() if k not in ("backend_agreement",)}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
