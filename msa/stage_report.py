"""The record each stage run leaves in `stage_runs`: what it did and what failed."""

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
    started_at: str = field(default_factory=utc_now)
    processed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    extra: dict[str, object] = field(default_factory=dict)

    def fail(self, reason: str) -> None:
        """Count one failure under a short reason category (the text up to the first colon)."""
        self.failed += 1
        self.failures[reason.split(":", 1)[0].strip()[:80]] += 1

    def save(self, db: sqlite_utils.Database) -> dict[str, object]:
        """Store the report as a stage_runs row and return it as a dict."""
        row = {
            "run_id": f"{self.stage}-{uuid.uuid4().hex[:12]}",
            "stage": self.stage,
            "version": self.version,
            "started_at": self.started_at,
            "finished_at": utc_now(),
            "processed": self.processed,
            "failed": self.failed,
            "report": json.dumps(
                {"skipped": self.skipped, "failures": dict(self.failures), **self.extra}, sort_keys=True
            ),
        }
        db["stage_runs"].insert(row, pk="run_id")
        db.conn.commit()
        return row

    def line(self) -> str:
        """One human line for the terminal."""
        text = f"{self.stage}: {self.processed} processed, {self.failed} failed, {self.skipped} already done"
        if self.failures:
            text += " (" + ", ".join(f"{k}: {v}" for k, v in self.failures.most_common()) + ")"
        return text
