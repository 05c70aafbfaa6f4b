"""Shared fixtures: paths to the real data beside the checkout, a fresh database."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """../shared, or a clean skip where this checkout has none beside it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent beside this checkout")
    return SHARED


@pytest.fixture
def fresh_db(tmp_path: Path):
    """An empty corpus database with the schema in place."""
    from db import connect

    return connect(tmp_path / "msa.db")
