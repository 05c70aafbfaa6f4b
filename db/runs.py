"""The stage contract's record: every stage run (crawl, extract, classify, build) is one `stage_runs` row.

Every stage is `run(db, data_dir, options) -> StageReport`; the report counts what the run processed,
what failed (grouped by reason) and what it skipped, and `save` stores it. A run's stage-specific
detail lives in a table keyed by the same run_id: the crawl's per-spider counts in `crawl_runs`
(db/crawl_sql.py), which the crawl report joins to this table.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field

import sqlite_utils

from db.store import utc_now


@dataclass
class StageReport:
    """Counts for one run of one stage; failures are grouped by reason."""

    stage: str
    version: str
    run_id: str = ""
    started_at: str = field(default_factory=utc_now)
    processed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    extra: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.run_id:
            self.run_id = f"{self.stage}-{uuid.uuid4().hex[:12]}"

    def fail(self, reason: str) -> None:
        """Count one failure under a short reason category (the text up to the first colon)."""
        self.failed += 1
        self.failures[reason.split(":", 1)[0].strip()[:80]] += 1

    def row(self, *, finished: bool = True) -> dict[str, object]:
        """The report as a stage_runs row; `finished` False leaves finished_at empty (a run under way)."""
        return {
            "run_id": self.run_id,
            "stage": self.stage,
            "version": self.version,
            "started_at": self.started_at,
            "finished_at": utc_now() if finished else None,
            "processed": self.processed,
            "failed": self.failed,
            "skipped": self.skipped,
            "failures": json.dumps(dict(self.failures), sort_keys=True),
            "report": json.dumps(self.extra, sort_keys=True, default=str),
        }

    def save(self, db: sqlite_utils.Database, *, finished: bool = True) -> dict[str, object]:
        """Store (or update) the report's stage_runs row and return it as a dict."""
        row = self.row(finished=finished)
        db["stage_runs"].upsert(row, pk="run_id", alter=False)
        db.conn.commit()
        return row

    def line(self) -> str:
        """One human line for the terminal."""
        text = f"{self.stage}: {self.processed} processed, {self.failed} failed, {self.skipped} already done"
        if self.failures:
            text += " (" + ", ".join(f"{k}: {v}" for k, v in self.failures.most_common()) + ")"
        return text


def start_run(db: sqlite_utils.Database, run_id: str, stage: str, version: str, started_at: str) -> None:
    """Make a run's stage_runs row if none exists yet (a spider started by `scrapy crawl`, not by run())."""
    db.execute(
        "INSERT OR IGNORE INTO stage_runs (run_id, stage, version, started_at) VALUES (?, ?, ?, ?)",
        [run_id, stage, version, started_at],
    )
    db.conn.commit()
