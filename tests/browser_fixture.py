"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium, driven by playwright's
Python package (no browser download), in a fresh profile.

scripts/setup.sh installs Chromium; a test never does. Where it is absent the tests skip, saying so.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# No GPU, no sandbox as root, and no background calls to Google's hosts on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium_page(viewport: tuple[int, int] = (1400, 1000), accept_downloads: bool = False) -> Iterator:
    """A page in a fresh headless Chromium profile; skips when Chromium or playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (scripts/setup.sh test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright's Python package is missing")
    with tempfile.TemporaryDirectory(prefix="msa-chromium-") as profile, sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            accept_downloads=accept_downloads,
            viewport={"width": viewport[0], "height": viewport[1]},
        )
        try:
            page = context.new_page()
            page.set_default_timeout(20_000)
            yield page
        finally:
            context.close()
