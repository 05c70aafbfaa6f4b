"""What runs inside a worker: a document job, the call that sends its exception back, thread caps.

A job is a small picklable object (paths, options: no loaded model). Each worker calls `setup`
once, which loads what every document needs (the classifier models), then `run` per document.
The parent calls `failed` to make the result it records for a document whose worker died.
A job may carry `timeout_s`, the most seconds one document may take: the engine then ends a worker
that holds a document longer and records it as lost (a timeout), like a worker that died.
An exception from `run` is a bug, not a property of the document: it is sent back and raised
in the parent (a stage that meets expected bad input returns an error value instead).
"""

from __future__ import annotations

import os
import sys
import traceback
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

In = TypeVar("In", contravariant=True)
Out = TypeVar("Out", covariant=True)

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


class DocumentJob(Protocol[In, Out]):
    """Per-document work that a pool of workers can share."""

    def setup(self) -> None:
        """Load what every document needs, once per worker."""

    def run(self, item: In) -> Out:
        """The result for one document; pure apart from reading inputs."""

    def failed(self, item: In, reason: str) -> Out:
        """The result to record for a document whose worker died on it (called in the parent)."""


def job_timeout(job: object) -> float | None:
    """Seconds one document may hold a worker (the job's `timeout_s`), or None for no limit."""
    timeout = getattr(job, "timeout_s", None)
    return float(timeout) if timeout else None


def timed_out(timeout_s: float) -> str:
    """The reason recorded for a document whose worker was ended at the time limit."""
    return f"timed out after {timeout_s:g} s"


@dataclass(frozen=True)
class WorkerLost:
    """A worker ended (crash, kill, out of memory) while it held a document: why."""

    reason: str


@dataclass(frozen=True)
class JobRaised:
    """`setup` or `run` raised in a worker: the traceback, as text, to raise again in the parent."""

    traceback: str


class JobError(RuntimeError):
    """A document job raised in a worker: a bug to fix, so the run stops (finished batches are kept)."""


def describe(item: Any) -> str:
    """A short name for an item in an error message: its document id where it has one."""
    if isinstance(item, dict) and "document_id" in item:
        return f"document {item['document_id']}"
    return repr(item)[:80]


def run_item(job: DocumentJob[Any, Any], item: Any) -> Any:
    """`job.run(item)`, or JobRaised with the traceback, so that the worker lives on to report it."""
    try:
        return job.run(item)
    except Exception:
        return JobRaised(traceback.format_exc())


def limit_threads(threads: int) -> None:
    """Cap native thread pools in this worker, so that N workers do not run N x cores threads."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(threads)
