"""A failed query must not leave its cursor for the event loop's garbage collector.

Under a mixed flood (refused `randomblob` then 1 s counters on the same SQL thread), every page
froze for up to 1 s, about every other second: the refused query's exception kept its frame and
cursor alive, the collector finalized that cursor on the event loop's thread, and `sqlite3_reset`
waited there on the connection's mutex while the next query ran on it (py-spy: `cursor_clear` ->
`stmt_reset` -> `pthread_mutex_lock` under `gc_collect_main`). Found with bench/fault_flood.py.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time

from bench.fault_flood import RECURSIVE_COUNTER
from msa.serve import datasette_app
from synthetic.publish_db import build_fixture_db


def _cursors_behind(error: BaseException) -> list[sqlite3.Cursor]:
    """The cursors the finished frames in `error`'s tracebacks (and chained errors) still hold."""
    found, stack, seen = [], [error], set()
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            found += [v for v in tb.tb_frame.f_locals.values() if isinstance(v, sqlite3.Cursor)]
            tb = tb.tb_next
        stack += [current.__cause__, current.__context__]
        stack += [a for a in current.args if isinstance(a, BaseException)]
    return found


def test_a_refused_query_error_holds_no_cursor_and_the_loop_never_waits_on_a_busy_connection(tmp_path):
    db_path = build_fixture_db(tmp_path / "msa.db")
    # one SQL thread, so the refused query and the long counter share one connection
    ds = datasette_app(db_path, settings={"num_sql_threads": 1})

    async def scenario() -> tuple[int, float, str]:
        await ds.invoke_startup()
        db = ds.get_database("msa")
        errors: list[BaseException] = []
        try:
            await db.execute("select randomblob(500000000)")
        except sqlite3.DatabaseError as error:
            errors.append(error)
        kept = len(_cursors_behind(errors[0]))
        counter = asyncio.ensure_future(db.execute(RECURSIVE_COUNTER, custom_time_limit=1500))
        await asyncio.sleep(0.3)  # the counter now holds the connection
        start = time.perf_counter()
        # the refused query's error dies here, on the loop's thread, as the collector frees it in
        # the server (no gc.collect(): a full collection of the test session's heap is slow alone)
        errors.clear()
        held = time.perf_counter() - start
        try:
            await counter
            outcome = "finished"
        except Exception as error:  # the counter is stopped at its time limit
            outcome = type(error).__name__
        return kept, held, outcome

    kept, held, outcome = asyncio.run(scenario())
    assert kept == 0, "a refused query's error keeps its cursor alive"
    assert outcome == "QueryInterrupted"
    # unfixed, this waited for the counter to finish (about 1.2 s)
    assert held < 0.5, f"the loop's thread waited {held:.2f} s on the busy connection"
