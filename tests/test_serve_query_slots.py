"""msa-limits' arbitrary-SQL slots hold across the worker processes of one `msa serve`.

Each side runs in its own process, as two workers do: the plugin is loaded there from its file
(loading it into the test process a second time would patch Datasette's `execute_fn` twice).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from msa.serve import PLUGINS_DIR

SLOT_SCRIPT = """
import importlib.util, sys, time
spec = importlib.util.spec_from_file_location("msa_limits_copy", sys.argv[1])
limits = importlib.util.module_from_spec(spec)
spec.loader.exec_module(limits)
slots = limits.query_slots(1, sys.argv[2])
assert isinstance(slots, limits.FileSlots), type(slots)
fd = slots.try_acquire()
print("held" if fd is not None else "busy", flush=True)
if fd is not None and sys.argv[3] == "hold":
    sys.stdin.read()  # until the test closes our stdin (or kills us)
"""


def _slot_process(folder, mode: str) -> subprocess.Popen:
    cmd = [sys.executable, "-c", SLOT_SCRIPT, str(PLUGINS_DIR / "msa_limits.py"), str(folder), mode]
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _try(folder) -> str:
    proc = _slot_process(folder, "try")
    out, _ = proc.communicate(timeout=30)
    return out.strip()


def test_a_slot_held_by_one_process_is_busy_for_another_until_it_lets_go(tmp_path):
    holder = _slot_process(tmp_path, "hold")
    try:
        assert holder.stdout.readline().strip() == "held"
        assert _try(tmp_path) == "busy"
        holder.stdin.close()
        holder.wait(timeout=30)
        assert _try(tmp_path) == "held"
    finally:
        holder.kill()


def test_a_killed_worker_never_keeps_its_slot(tmp_path):
    holder = _slot_process(tmp_path, "hold")
    try:
        assert holder.stdout.readline().strip() == "held"
        assert _try(tmp_path) == "busy"
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
        assert _try(tmp_path) == "held"
    finally:
        holder.kill()


def test_without_a_folder_the_slots_are_the_process_own(tmp_path):
    script = SLOT_SCRIPT.replace("limits.query_slots(1, sys.argv[2])", "limits.query_slots(1, None)")
    script = script.split("assert isinstance")[0] + "print(type(slots).__name__)"
    cmd = [sys.executable, "-c", script, str(PLUGINS_DIR / "msa_limits.py"), str(tmp_path), "try"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=True).stdout
    assert out.strip() == "LoopSlots"
