"""The dispatch loop both engines share: one document per worker at a time, results in batches.

Keeping one document in flight per worker bounds memory (at most `size` inputs and
`batch_size` results are held) and tells exactly which document a dead worker was holding.
A free worker gets its next document before the batch is handed back, so workers keep working
while the parent writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol, TypeVar

from msa.engines.job import DocumentJob, JobError, JobRaised, WorkerLost, describe

Out = TypeVar("Out")

_END = object()


class Workers(Protocol):
    """A fixed set of worker slots that each run one document at a time."""

    size: int

    def submit(self, slot: int, item: Any) -> None:
        """Start `item` on the idle worker in `slot`."""

    def wait(self) -> list[tuple[int, Any]]:
        """Block until a busy worker is done; (slot, result or JobRaised or WorkerLost) per finished one."""

    def restart(self, slot: int) -> None:
        """Replace the worker in `slot`, which died."""

    def close(self, force: bool = False) -> None:
        """Stop every worker: when idle, or at once with `force` (the run is being abandoned)."""


def schedule(
    workers: Workers, job: DocumentJob[Any, Out], items: Iterable[Any], batch_size: int
) -> Iterator[list[Out]]:
    """Feed `items` to `workers`; yield results in lists of at most `batch_size`, as they finish."""
    source = iter(items)
    busy: dict[int, Any] = {}
    batch: list[Out] = []

    def feed(slot: int) -> None:
        item = next(source, _END)
        if item is not _END:
            workers.submit(slot, item)
            busy[slot] = item

    for slot in range(workers.size):
        feed(slot)
    while busy:
        for slot, outcome in workers.wait():
            item = busy.pop(slot)
            if isinstance(outcome, JobRaised):
                raise JobError(f"{describe(item)}: the job raised in a worker\n{outcome.traceback}")
            if isinstance(outcome, WorkerLost):
                workers.restart(slot)
                batch.append(job.failed(item, outcome.reason))
            else:
                batch.append(outcome)
            feed(slot)
        while len(batch) >= batch_size:
            yield batch[:batch_size]
            batch = batch[batch_size:]
    if batch:
        yield batch
