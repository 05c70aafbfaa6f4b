"""The Ray engine: Ray actors, each holding its job's model, on a cluster or a local Ray.

Same contract as the local engine (one document in flight per actor, results back to the one
SQLite writer). An actor that dies, or holds a document past the job's time limit, costs its
document a recorded failure and is replaced.
On a cluster every node needs msa installed and the data directory at the same path (a shared
filesystem), since workers read the documents they extract by path.
"""

from __future__ import annotations

import time
from typing import Any

from msa.engines.job import DocumentJob, WorkerLost, job_timeout, limit_threads, run_item, timed_out
from msa.engines.options import EngineOptions, threads_per_worker


class JobActor:
    """One Ray worker: the job set up once, then one document per call."""

    def __init__(self, job: DocumentJob[Any, Any], threads: int) -> None:
        limit_threads(threads)
        job.setup()
        self.job = job

    def ready(self) -> bool:
        """Returns once setup is done (its error surfaces here otherwise)."""
        return True

    def run(self, item: Any) -> Any:
        return run_item(self.job, item)


class RayWorkers:
    """`size` Ray actors; starts a local Ray when none is running and no address is given."""

    def __init__(self, job: DocumentJob[Any, Any], options: EngineOptions) -> None:
        import ray

        self._ray = ray
        self._started_ray = not ray.is_initialized()
        if self._started_ray:
            if options.address:
                ray.init(address=options.address, log_to_driver=False)
            else:
                ray.init(num_cpus=options.workers, include_dashboard=False, log_to_driver=False)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.size = options.workers or max(1, cpus)
        # Native threads per actor: a node's cores shared by the actors on it (assumes equal nodes).
        node_cores = max(1, cpus // max(1, len(ray.nodes())))
        self.threads = threads_per_worker(min(self.size, node_cores), cores=node_cores)
        self._actor_class = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(JobActor)
        self._job = job
        self.timeout_s = job_timeout(job)
        self._pending: dict[Any, int] = {}
        self._deadlines: dict[Any, float] = {}
        self._actors: list[Any] = []
        try:
            self._actors = [self._actor_class.remote(job, self.threads) for _ in range(self.size)]
            ray.get([actor.ready.remote() for actor in self._actors])
        except BaseException:
            self.close(force=True)
            raise

    def submit(self, slot: int, item: Any) -> None:
        ref = self._actors[slot].run.remote(item)
        self._pending[ref] = slot
        self._deadlines[ref] = time.monotonic() + self.timeout_s if self.timeout_s else float("inf")

    def wait(self) -> list[tuple[int, Any]]:
        ray = self._ray
        first_deadline = min(self._deadlines.values())
        timeout = None if first_deadline == float("inf") else max(0.0, first_deadline - time.monotonic())
        ready, _ = ray.wait(list(self._pending), num_returns=1, timeout=timeout)
        finished = []
        if not ready:  # the time limit passed: end the actors that are late (restart replaces them)
            now = time.monotonic()
            for ref, deadline in list(self._deadlines.items()):
                if deadline <= now:
                    slot = self._pending.pop(ref)
                    del self._deadlines[ref]
                    self._ray.kill(self._actors[slot], no_restart=True)
                    finished.append((slot, WorkerLost(timed_out(self.timeout_s or 0))))
            return finished
        for ref in ready:
            slot = self._pending.pop(ref)
            del self._deadlines[ref]
            try:
                finished.append((slot, ray.get(ref)))
            except (
                ray.exceptions.RayActorError,
                ray.exceptions.WorkerCrashedError,
                ray.exceptions.OutOfMemoryError,
            ) as exc:
                reason = f"worker died ({type(exc).__name__}) while processing this document"
                finished.append((slot, WorkerLost(reason)))
        return finished

    def restart(self, slot: int) -> None:
        self._ray.kill(self._actors[slot], no_restart=True)
        self._actors[slot] = self._actor_class.remote(self._job, self.threads)
        self._ray.get(self._actors[slot].ready.remote())

    def close(self, force: bool = False) -> None:
        for actor in self._actors:
            self._ray.kill(actor, no_restart=True)
        self._actors = []
        self._pending = {}
        self._deadlines = {}
        if self._started_ray:
            self._ray.shutdown()
