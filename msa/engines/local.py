"""The local engine: worker processes on this machine, each holding its job's model.

Each worker has its own pipe and runs one document at a time, so when a worker dies (a native
crash, os._exit, the kernel's OOM killer) the parent knows which document it held, records that
document as failed and starts a new worker; the others never notice. A worker that holds one
document past the job's time limit is killed and its document recorded as timed out. Workers
die with the parent (PR_SET_PDEATHSIG), and start no process that could hold their pipe open.
Workers are forked where the platform can (they start in milliseconds and share loaded modules),
spawned elsewhere.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from msa.engines.job import (
    DocumentJob,
    JobRaised,
    WorkerLost,
    job_timeout,
    limit_threads,
    run_item,
    timed_out,
)
from msa.engines.options import EngineOptions, available_cores, threads_per_worker

READY = "ready"
STOP = None
PARENT_CHECK_S = 1.0  # how often an idle worker checks that the parent is still alive (where no prctl)
PR_SET_PDEATHSIG = 1
STOP_GRACE_S = 5.0
# A worker killed while loading (the OOM killer, a kill by hand) is started again this many times;
# a setup that raises is a bug or a missing file and stops the run at once.
START_TRIES = 3


class WorkerSetupError(RuntimeError):
    """A worker could not load what the job needs (a model file is missing, say): the run cannot go on."""


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies, even in the middle of a document."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def worker_main(conn: Connection, job: DocumentJob[Any, Any], threads: int, parent_pid: int) -> None:
    """Body of a worker process: set up once, then answer one document per message until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if sys.platform == "linux":
        die_with_parent()
    limit_threads(threads)
    try:
        job.setup()
    except BaseException:
        conn.send(JobRaised(traceback.format_exc()))
        return
    conn.send(READY)
    while True:
        # An orphan (parent killed with SIGKILL) exits instead of waiting for work forever.
        if not conn.poll(PARENT_CHECK_S):
            if os.getppid() != parent_pid:
                return
            continue
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is STOP:
            return
        conn.send(run_item(job, item))


def death_reason(exitcode: int | None, doing: str = "processing this document") -> str:
    """Why a worker ended without a result, from its exit code."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if -exitcode == signal.SIGKILL:
            name += ", killed: out of memory or by hand"
        return f"worker died ({name}) while {doing}"
    return f"worker died (exit code {exitcode}) while {doing}"


@dataclass
class _Slot:
    process: BaseProcess
    conn: Connection


class ProcessWorkers:
    """`size` worker processes, started at once and restarted one by one when they die."""

    def __init__(self, job: DocumentJob[Any, Any], options: EngineOptions) -> None:
        self.job = job
        self.size = options.workers or available_cores()
        self.threads = threads_per_worker(self.size)
        self._context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self.timeout_s = job_timeout(job)
        self._busy: dict[int, float] = {}  # slot -> when its document must be done
        self._slots: list[_Slot] = []
        try:
            for _ in range(self.size):
                self._slots.append(self._start())
            for index in range(self.size):
                self._slots[index] = self._ready(self._slots[index])
        except BaseException:
            self.close()
            raise

    def _start(self) -> _Slot:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=worker_main,
            args=(child_end, self.job, self.threads, os.getpid()),
            name="msa-worker",
            daemon=False,  # a daemonic process may not start children (OCR runs tesseract)
        )
        process.start()
        child_end.close()
        return _Slot(process, parent_end)

    def _ready(self, slot: _Slot) -> _Slot:
        """The slot's worker once set up, started again when a signal killed it while loading."""
        for attempt in range(1, START_TRIES + 1):
            try:
                message = slot.conn.recv()
            except EOFError:
                slot.process.join(STOP_GRACE_S)
                exitcode = slot.process.exitcode
                slot.conn.close()
                if exitcode is not None and exitcode < 0 and attempt < START_TRIES:
                    slot = self._start()
                    continue
                raise WorkerSetupError(death_reason(exitcode, "starting")) from None
            if isinstance(message, JobRaised):
                raise WorkerSetupError(f"worker setup failed:\n{message.traceback}")
            return slot
        raise AssertionError("unreachable: the last attempt returns or raises")

    def submit(self, slot: int, item: Any) -> None:
        self._slots[slot].conn.send(item)
        self._busy[slot] = time.monotonic() + self.timeout_s if self.timeout_s else float("inf")

    def wait(self) -> list[tuple[int, Any]]:
        watched = {}
        for index in self._busy:
            slot = self._slots[index]
            watched[slot.conn] = index
            watched[slot.process.sentinel] = index
        finished: dict[int, Any] = {}
        while not finished:
            first_deadline = min(self._busy.values())
            timeout = None if first_deadline == float("inf") else max(0.0, first_deadline - time.monotonic())
            for ready in wait(list(watched), timeout):
                index = watched[ready]
                if index not in finished:
                    finished[index] = self._collect(self._slots[index])
            now = time.monotonic()
            for index, deadline in self._busy.items():
                if index not in finished and deadline <= now:
                    finished[index] = self._end_late(self._slots[index])
        for index in finished:
            del self._busy[index]
        return list(finished.items())

    def _end_late(self, slot: _Slot) -> WorkerLost:
        """Kill a worker whose document ran past the time limit (its children die with it)."""
        slot.process.kill()
        slot.process.join(STOP_GRACE_S)
        return WorkerLost(timed_out(self.timeout_s or 0))

    def _collect(self, slot: _Slot) -> Any:
        """What a worker sent back, or WorkerLost when it died before sending anything."""
        try:
            if slot.conn.poll():
                return slot.conn.recv()
        except (EOFError, OSError):
            pass
        slot.process.join(STOP_GRACE_S)
        if slot.process.exitcode is None:  # a closed pipe but a live process: end it
            slot.process.kill()
            slot.process.join()
        return WorkerLost(death_reason(slot.process.exitcode))

    def restart(self, slot: int) -> None:
        old = self._slots[slot]
        old.conn.close()
        self._slots[slot] = self._ready(self._start())

    def close(self, force: bool = False) -> None:
        for slot in self._slots:
            with contextlib.suppress(OSError, ValueError):
                slot.conn.send(STOP)
        for slot in self._slots:
            slot.process.join(0 if force else STOP_GRACE_S)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()
            slot.conn.close()
        self._slots = []
