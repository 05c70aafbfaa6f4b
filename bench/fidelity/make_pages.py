"""Build bench/fidelity/pages.json from hand-checked page texts kept outside the repository.

Usage: python -m bench.fidelity.make_pages CHECKED_DIR
where CHECKED_DIR holds `<pdf stem>_p<page>.txt` files, each the page's text
as a reader sees it (reading order, no running header, footer or page
number), and `layouts.json` ({"<pdf stem>_p<page>": "layout note"}). The
texts themselves never enter the repository: only word hashes do.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

from bench.fidelity.scoring import PAGES_FILE, hashed_words

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "research"
_NAME = re.compile(r"^(?P<stem>.+)_p(?P<page>\d+)\.txt$")


def find_pdf(stem: str) -> Path:
    """The real PDF in ../shared/research with this file stem."""
    matches = sorted(SHARED.rglob(f"{stem}.pdf"))
    if not matches:
        raise FileNotFoundError(f"{stem}.pdf not under {SHARED}")
    return matches[0]


def build(checked_dir: Path) -> list[dict]:
    """One entry per checked page text, in file name order."""
    layouts = json.loads((checked_dir / "layouts.json").read_text())
    pages = []
    for text_file in sorted(checked_dir.glob("*_p*.txt")):
        match = _NAME.match(text_file.name)
        if not match or text_file.stem not in layouts:
            continue
        pdf = find_pdf(match["stem"])
        pages.append(
            {
                "file": str(pdf.relative_to(SHARED.parent.parent)),
                "sha256": hashlib.sha256(pdf.read_bytes()).hexdigest(),
                "page": int(match["page"]),
                "layout": layouts[text_file.stem],
                "words": " ".join(hashed_words(text_file.read_text())),
            }
        )
    return pages


def main(argv: list[str]) -> None:
    pages = build(Path(argv[0]))
    method = (
        "Expected words per page, salted sha256[:8] per normalised word, in reading order; "
        "see bench/fidelity/README.md"
    )
    PAGES_FILE.write_text(json.dumps({"method": method, "pages": pages}, indent=1) + "\n")
    print(f"{len(pages)} pages, {sum(len(p['words'].split()) for p in pages)} words -> {PAGES_FILE}")


if __name__ == "__main__":
    main(sys.argv[1:])
