"""A process that dies with its parent: the serving process of `msa serve` and its workers.

Why: a `kill -9` of `msa serve` passes nothing on, and a Datasette left behind keeps serving the
port. On Linux the kernel sends this process SIGKILL when its parent dies (PR_SET_PDEATHSIG);
elsewhere a thread checks the parent every half second. Killing is safe: Datasette serves the
database read-only and immutable, so it has nothing to flush.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(1)


def die_with_parent(parent_pid: int) -> None:
    """Arrange for this process to end when `parent_pid`, its parent, does; exit now if it already has."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    else:
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    if os.getppid() != parent_pid:  # the parent died before the call above took effect
        sys.exit(f"msa serve (pid {parent_pid}) exited before Datasette started")
