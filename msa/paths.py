"""Where things live: the repository, the sample corpus, the data directory."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CORPUS = REPO_ROOT / "sample_corpus"
METADATA_PATH = REPO_ROOT / "datasette_metadata.json"
DEFAULT_DATA_DIR = Path("data")
DB_FILENAME = "msa.db"


def db_path(data_dir: Path) -> Path:
    """The corpus database inside a data directory."""
    return Path(data_dir) / DB_FILENAME
