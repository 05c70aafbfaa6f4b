"""How a stage runs in parallel: which engine, how many workers, how many documents per batch."""

from __future__ import annotations

import os
from dataclasses import dataclass

ENGINES = ("local", "ray")
DEFAULT_BATCH_SIZE = 32


def available_cores() -> int:
    """Cores this process may run on (the affinity mask where the platform has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


@dataclass(frozen=True)
class EngineOptions:
    """Engine switches from the command line.

    `workers` None means every core here (local) or every CPU the Ray cluster has (ray);
    `batch_size` is documents per write transaction, and bounds the results held in memory.
    `address` is a Ray cluster address (None: start a local Ray, or use the one already running).
    """

    engine: str = "local"
    workers: int | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    address: str | None = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}: choose one of {', '.join(ENGINES)}")
        if self.workers is not None and self.workers < 1:
            raise ValueError("workers must be at least 1")
        if self.batch_size < 1:
            raise ValueError("batch size must be at least 1")

    def report_fields(self) -> dict[str, object]:
        """How the stage ran, for its stage_runs report."""
        return {"engine": self.engine, "workers": self.workers or "all", "batch_size": self.batch_size}


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """Native threads (BLAS, ONNX) each worker may use so that workers together fill the cores once."""
    return max(1, (cores or available_cores()) // max(1, workers))


# The engine a stage uses when the caller names none: local workers on every core.
DEFAULT_ENGINE = EngineOptions()
