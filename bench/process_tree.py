"""Processes of a run, found by a marker in their environment: every descendant of a command started
with `start_msa` carries MSA_TEST_RUN=<marker>, so the ones that outlive it can be found.

Used by the fault-injection tests and bench/bench_faults.py (Linux: reads /proc).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from msa.paths import REPO_ROOT


def start_msa(args: list[str], marker: str | None = None) -> tuple[subprocess.Popen, str]:
    """`msa ARGS` in its own process, every descendant carrying MSA_TEST_RUN=<marker> in its environment."""
    marker = marker or uuid.uuid4().hex
    proc = subprocess.Popen(
        [sys.executable, "-m", "msa.cli", *args],
        cwd=REPO_ROOT,
        env={**os.environ, "MSA_TEST_RUN": marker},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    return proc, marker


def marked_processes(marker: str) -> dict[int, int]:
    """{pid: parent pid} of every live process whose environment carries the marker."""
    needle = f"MSA_TEST_RUN={marker}".encode()
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if needle not in (proc / "environ").read_bytes():
                continue
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":  # a zombie has already exited
            found[int(proc.name)] = int(fields[1])
    return found


def children(marker: str, parent: int) -> list[int]:
    """Marked processes whose parent is `parent`."""
    return sorted(pid for pid, ppid in marked_processes(marker).items() if ppid == parent)


def survivors(marker: str, within_s: float) -> dict[int, int]:
    """Marked processes still alive after waiting up to `within_s` for them to go."""
    deadline = time.monotonic() + within_s
    while True:
        alive = marked_processes(marker)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def wait_for(condition, timeout_s: float, step_s: float = 0.05):
    """Poll `condition()` until it returns something truthy; that value, or None after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step_s)
    return None


def kill_tree(marker: str) -> None:
    """SIGKILL every marked process (a test's cleanup after a run it left hanging)."""
    for pid in marked_processes(marker):
        with contextlib.suppress(OSError):
            os.kill(pid, 9)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
