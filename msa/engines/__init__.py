"""Engines: run a per-document job over many documents in worker processes, batch by batch.

The stages (extract, classify) hand an engine a job (a picklable object whose `run` is a pure
function of one document) and a lazy stream of items; the engine gives back the results in
batches as workers finish them. The calling process stays the one SQLite writer and writes each
batch in one transaction, so memory is bounded by the batch size and a killed run loses at most
the batch in flight.

- `local`: worker processes on this machine (msa.engines.local), one per core by default.
- `ray`: Ray actors on a cluster, or on a local Ray (msa.engines.ray_engine).

Both share the scheduler (msa.engines.scheduler): bounded in-flight work, and a worker that
dies on a document costs that document a recorded failure, not the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any, TypeVar

from msa.engines.job import DocumentJob, JobError, WorkerLost
from msa.engines.local import ProcessWorkers
from msa.engines.options import DEFAULT_ENGINE, ENGINES, EngineOptions, available_cores
from msa.engines.ray_engine import RayWorkers
from msa.engines.scheduler import schedule
from msa.progress import progress

Out = TypeVar("Out")

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "DocumentJob",
    "EngineOptions",
    "JobError",
    "WorkerLost",
    "available_cores",
    "map_and_write",
    "map_documents",
]


def map_documents(
    job: DocumentJob[Any, Out], items: Iterable[Any], options: EngineOptions
) -> Iterator[list[Out]]:
    """`job.run(item)` for every item, in workers; yields lists of at most `options.batch_size` results.

    Results come in the order workers finish them. No worker starts when `items` is empty.
    """
    source = iter(items)
    first = next(source, _END)
    if first is _END:
        return
    workers = (RayWorkers if options.engine == "ray" else ProcessWorkers)(job, options)
    try:
        yield from schedule(workers, job, chain([first], source), options.batch_size)
    except BaseException:  # an error, Ctrl-C, or a consumer that stopped early: do not wait for workers
        workers.close(force=True)
        raise
    workers.close()


def map_and_write(
    job: DocumentJob[Any, Out],
    items: Iterable[Any],
    options: EngineOptions,
    write: Callable[[list[Out]], None],
    *,
    total: int,
    desc: str,
    show_progress: bool = True,
) -> Iterator[Out]:
    """`map_documents`, each batch passed to `write` (the stage's one transaction) as it comes;
    then its results one by one, under a progress bar that counts written documents."""

    def written() -> Iterator[Out]:
        for batch in map_documents(job, items, options):
            write(batch)
            yield from batch

    yield from progress(written(), total=total, desc=desc, unit="doc", enabled=show_progress)


_END = object()
