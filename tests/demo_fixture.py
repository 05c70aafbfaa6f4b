"""The demo database (`msa demo --no-serve`): every stage run on the sample corpus, once per session.

Tests of what readers see use it because it holds what the fictional fixture cannot: a document
fetched by two URLs, real PDFs in the content store, labels and summaries the pipeline computed.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from msa.demo import run_demo

BRIGHTWATER_2023 = "uk-2023-Bw7fQ2kd"
BRIGHTWATER = "Brightwater Foods Limited"
BRIGHTWATER_AU = "BRIGHTWATER FOODS AUSTRALIA PTY LTD"  # its subsidiary, filing jointly with it (AU)


def build_demo_db(data_dir: Path) -> Path:
    """Run the demo pipeline into `data_dir` (replica on ephemeral ports); returns the database path."""
    with contextlib.redirect_stdout(io.StringIO()):
        return run_demo(data_dir, serve=False, show_progress=False, port_base=None)
