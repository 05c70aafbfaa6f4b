"""msa's Datasette limits: one anonymous request must not take the server.

Loaded with `--plugins-dir publish/plugins` beside msa_datasette.py; self-contained (Datasette
and the standard library only). Measured against a flood of `randomblob`, recursive-CTE and
cross-join queries (bench/fault_flood.py):

- Arbitrary SQL (`?sql=` on a database, `?_where=` on a table) runs under a tighter time limit
  than pages and canned queries (Datasette's `_timelimit`, forced), and at most
  `arbitrary_sql_concurrency` at once: a request that finds no free slot within
  `arbitrary_sql_wait_ms` is answered 503, naming the limit. The SQL threads the slots leave free
  keep pages and canned queries answering. Under `msa serve` the slots are locked files in the
  folder msa serve names in the `slots_dir` setting (`FileSlots`), shared by all its worker processes, so the
  bound holds for the server; in-process (tests), one semaphore per event loop.
- Every query is bounded in what it returns: a value may be at most `max_value_bytes` (SQLite's
  length limit, so `randomblob(500000000)` fails before allocating), a row at most
  `max_columns` values, a whole result at most `max_result_bytes` (counted row by row as rows
  are fetched). Each refusal names its limit.
- A failed query's exception has the frames that ran it cleared in its SQL thread
  (`release_frames`): otherwise its cursor is finalized by the garbage collector on the event
  loop's thread, which then waits on the connection's mutex while the next query runs on it, and
  every page froze for up to the arbitrary-SQL time limit under a mixed flood.
- Writes are refused with 405 before Datasette sees them (it would answer 500), and a refused
  request logs one access line: Datasette 0.65's default error handler prints a rich traceback
  with locals for every 4xx, and outside an `except` block fails itself, turning a 404 into a 500.

Configured under `plugins: {"msa-limits": {...}}` in the metadata; `{"enabled": false}` serves
without the SQL bounds (what msa served before; for the before/after figures of the bench).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import traceback
import weakref
from html import escape
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

try:
    import fcntl
except ImportError:  # not POSIX: slots per process only
    fcntl = None

import datasette.handle_exception as default_exception_handler
from datasette import hookimpl
from datasette.database import Database
from datasette.views.base import DatasetteError

PLUGIN = "msa-limits"
DEFAULTS = {
    "enabled": True,
    "arbitrary_sql_time_limit_ms": 1000,
    "arbitrary_sql_concurrency": 1,
    "arbitrary_sql_wait_ms": 1000,
    "max_value_bytes": 2_000_000,
    "max_columns": 100,
    "max_result_bytes": 32_000_000,
    "slots_dir": None,  # msa serve's folder of arbitrary-SQL slots, shared by its worker processes
}
SLOT_POLL_S = 0.01
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DATABASE_PATH = re.compile(r"^/[^/.]+(\.\w+)?$")
# SQLite's own words for a refusal by a limit set in prepare_connection, and the limit's name.
SQLITE_REFUSALS = {
    "string or blob too big": ("max_value_bytes", "one value may be at most {:,} bytes here"),
    "too many columns in result set": ("max_columns", "a row may have at most {:,} columns here"),
}

# The rich traceback is the 62.8 KB log entry per refused request, and the 500 answered where a
# 404 was meant; without rich, Datasette's own handler renders the error page and logs nothing.
default_exception_handler.rich = None


def release_frames(error: BaseException) -> None:
    """Clear the finished frames behind `error` and the exceptions chained to it.

    A failed query's exception keeps the frame that ran it, and so its cursor, alive. That
    exception dies on the event loop's thread, in a reference cycle, and the garbage collector
    finalizes the cursor there: `sqlite3_reset` then waits on the connection's mutex while the
    SQL thread runs the next query on it (a 1 s recursive CTE froze every page for up to 1 s).
    Cleared here, in the SQL thread, the cursor is freed where its connection is idle.
    """
    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        stack += [current.__cause__, current.__context__]
        stack += [arg for arg in current.args if isinstance(arg, BaseException)]


_datasette_execute_fn = Database.execute_fn


async def execute_fn_releasing_frames(self, fn):
    """Datasette's `Database.execute_fn`, with the frames of a failed query released in its thread."""

    def releasing(conn):
        try:
            return fn(conn)
        except BaseException as error:
            release_frames(error)
            raise

    return await _datasette_execute_fn(self, releasing)


Database.execute_fn = execute_fn_releasing_frames


class ResultTooLarge(sqlite3.OperationalError):
    """A query's rows add up to more than the result budget (shown to the reader as a query error)."""


def limits(datasette) -> dict:
    """The configured limits, defaults filled in."""
    return {**DEFAULTS, **(datasette.plugin_config(PLUGIN) or {})}


def is_arbitrary_sql(path: str, params: list[tuple[str, str]]) -> bool:
    """A request that runs SQL a reader wrote: `?sql=` on a database page or `?_where=` on a table."""
    names = {name for name, _ in params}
    return "_where" in names or ("sql" in names and bool(_DATABASE_PATH.match(path)))


def with_time_limit(params: list[tuple[str, str]], limit_ms: int) -> list[tuple[str, str]]:
    """The parameters with `_timelimit` at most `limit_ms` (a reader's lower value is kept)."""
    asked = [v for k, v in params if k == "_timelimit"]
    try:
        value = min(limit_ms, int(asked[-1])) if asked else limit_ms
    except ValueError:
        value = limit_ms
    return [(k, v) for k, v in params if k != "_timelimit"] + [("_timelimit", str(max(value, 1)))]


def _row_size(row: tuple) -> int:
    return sum(len(v) if isinstance(v, (str, bytes)) else 8 for v in row)


def budgeted_row_factory(max_result_bytes: int):
    """A row factory that counts the bytes of each cursor's rows and stops past the budget."""
    state: dict = {"cursor": lambda: None, "bytes": 0}

    def factory(cursor, row):
        if state["cursor"]() is not cursor:
            state["cursor"], state["bytes"] = weakref.ref(cursor), 0
        state["bytes"] += _row_size(row)
        if state["bytes"] > max_result_bytes:
            raise ResultTooLarge(
                f"query result too large: msa returns at most {max_result_bytes:,} bytes per query "
                "(max_result_bytes); select fewer or shorter columns, or add a LIMIT"
            )
        return sqlite3.Row(cursor, row)

    return factory


@hookimpl
def prepare_connection(conn, datasette):
    config = limits(datasette)
    if not config["enabled"]:
        return
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, int(config["max_value_bytes"]))
    conn.setlimit(sqlite3.SQLITE_LIMIT_COLUMN, int(config["max_columns"]))
    conn.row_factory = budgeted_row_factory(int(config["max_result_bytes"]))


def with_limits_stated(text: str, config: dict) -> str:
    """`text` with each bare SQLite refusal in it followed by the limit that caused it."""
    for words, (name, limit) in SQLITE_REFUSALS.items():
        text = re.sub(re.escape(words) + r"(?!:)", f"{words}: {limit.format(config[name])} ({name})", text)
    return text


def readable_error(datasette, request, exception) -> DatasetteError | None:
    """The error a reader should see in place of `exception`, naming the limit; None to keep it.

    A time-out: Datasette names only the setting, not the limit that applied. A value over the
    length limit in a table query: Datasette answers 500 with a traceback for a refusal.
    """
    if isinstance(exception, sqlite3.DatabaseError) and any(w in str(exception) for w in SQLITE_REFUSALS):
        message = with_limits_stated(str(exception), limits(datasette))
        return DatasetteError(message, title="Query refused", status=400)
    if not (isinstance(exception, DatasetteError) and exception.title == "SQL Interrupted"):
        return None
    params = parse_qsl(request.query_string, keep_blank_values=True)
    page_limit = int(datasette.setting("sql_time_limit_ms"))
    try:
        limit = min(page_limit, int(dict(params).get("_timelimit") or page_limit))
    except ValueError:
        limit = page_limit
    which = "SQL written in the query box" if is_arbitrary_sql(request.path, params) else "this page"
    note = (
        f"<p>SQL query took too long: it was stopped after {limit:,} ms, the limit for {which} "
        f"(pages and canned queries may run {page_limit:,} ms).</p>"
    )
    rest = exception.message.split("</p>", 1)[-1]
    return DatasetteError(note + rest, title=exception.title, status=400, message_is_html=True)


@hookimpl(hookwrapper=True)
def handle_exception(datasette, request, exception):
    """Answer refusals with their limit, through Datasette's own error page and without a traceback."""
    outcome = yield
    replacement = readable_error(datasette, request, exception)
    if replacement is not None:
        outcome.force_result([default_exception_handler.handle_exception(datasette, request, replacement)])


async def _send_text(send, status: int, message: str, as_json: bool, headers: list | None = None) -> None:
    if as_json:
        body = json.dumps({"ok": False, "error": message, "status": status}).encode()
        content_type = b"application/json; charset=utf-8"
    else:
        body = f"<!DOCTYPE html><title>Error {status}</title><h1>Error {status}</h1><p>{escape(message)}</p>"
        body = body.encode()
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
            + (headers or []),
        }
    )
    await send({"type": "http.response.body", "body": body})


def _stating_limits(send, config: dict):
    """A `send` that names the limit after SQLite's bare refusals in an error answer (a query error
    is rendered in the page, not raised, so handle_exception never sees it)."""
    held: dict = {}

    async def wrapped(message):
        if message["type"] == "http.response.start" and message["status"] >= 400:
            held["start"], held["body"] = message, b""
            return
        if "start" not in held:
            await send(message)
            return
        held["body"] += message.get("body", b"")
        if message.get("more_body"):
            return
        body = with_limits_stated(held["body"].decode("utf-8", "replace"), config).encode()
        headers = [(k, v) for k, v in held["start"]["headers"] if k.lower() != b"content-length"]
        await send({**held["start"], "headers": headers + [(b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return wrapped


class FileSlots:
    """`count` slots shared by every process that opens the same folder: a slot is a locked file.

    Why files: the worker processes of one `msa serve` share no memory, and a lock (flock) is
    let go by the kernel when its holder dies, so a killed worker never keeps a slot.
    """

    def __init__(self, folder: Path, count: int):
        self.paths = [folder / f"slot-{i}" for i in range(count)]

    def try_acquire(self) -> int | None:
        """A held slot's file descriptor, or None when every slot is held."""
        for path in self.paths:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                os.close(fd)
        return None

    async def acquire(self, timeout_s: float) -> int | None:
        """Wait up to `timeout_s` for a slot (polling); its descriptor, or None when none came free."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while (fd := self.try_acquire()) is None:
            if loop.time() >= deadline:
                return None
            await asyncio.sleep(SLOT_POLL_S)
        return fd

    @staticmethod
    def release(fd: int) -> None:
        os.close(fd)  # closing the last descriptor of the open file lets go of its lock


class LoopSlots:
    """The same slots for one process: one semaphore per event loop (an in-process client, as in the
    tests, runs each request in a new loop)."""

    def __init__(self, count: int):
        self.count = count
        self.gates: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def acquire(self, timeout_s: float) -> asyncio.Semaphore | None:
        gate = self.gates.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(self.count))
        try:
            await asyncio.wait_for(gate.acquire(), timeout_s)
        except TimeoutError:
            return None
        return gate

    @staticmethod
    def release(gate: asyncio.Semaphore) -> None:
        gate.release()


def query_slots(count: int, folder: str | None) -> FileSlots | LoopSlots:
    """Slots shared across the server's processes where msa serve gave a folder, else per process."""
    if folder and fcntl is not None and Path(folder).is_dir():
        return FileSlots(Path(folder), count)
    return LoopSlots(count)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        slots: dict[int, FileSlots | LoopSlots] = {}  # by configured count (read per request)

        async def limited(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            path, as_json = scope["path"], scope["path"].endswith(".json")
            if scope["method"] not in READ_METHODS:
                message = f"msa serves the corpus read-only: {scope['method']} is not allowed"
                allow = [(b"allow", b"GET, HEAD, OPTIONS")]
                return await _send_text(send, 405, message, as_json, allow)
            config = limits(datasette)
            params = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            if not config["enabled"] or not is_arbitrary_sql(path, params):
                return await app(scope, receive, send)
            limit_ms = int(config["arbitrary_sql_time_limit_ms"])
            query = urlencode(with_time_limit(params, limit_ms)).encode("latin-1")
            scope = {**scope, "query_string": query}
            count = int(config["arbitrary_sql_concurrency"])
            gate = slots.setdefault(count, query_slots(count, config["slots_dir"]))
            wait_ms = int(config["arbitrary_sql_wait_ms"])
            held = await gate.acquire(wait_ms / 1000)
            if held is None:
                message = (
                    f"too many SQL queries at once: msa runs at most {count} "
                    f"queries written in the query box at a time (arbitrary_sql_concurrency), and none "
                    f"came free within {wait_ms:,} ms; try again shortly, or use a canned query"
                )
                return await _send_text(send, 503, message, as_json, [(b"retry-after", b"2")])
            try:
                await app(scope, receive, _stating_limits(send, config))
            finally:
                gate.release(held)

        return limited

    return wrap
