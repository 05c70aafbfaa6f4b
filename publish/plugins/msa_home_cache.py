"""The home page, rendered once per database state and then answered from memory.

msa serves its databases immutable, so the home page (`/`, `/.json`) is the same for every
anonymous reader until a database file changes. Datasette 0.65 still rebuilds it per request:
one permission check per table and view (`check_visibility`), about 100 ms on the demo corpus
and several times that under a flood of heavy SQL, the one page every visitor opens first
(issue 18: p95 under 300 ms for the home page while 30 heavy requests are in flight).

A response is kept only when it can be shared: a GET without an actor (no `ds_actor` cookie,
no Authorization header), answered 200 without `set-cookie`. The key holds the path, the query
string and each database file's size and modification time, so a changed file is rendered anew.
Self-contained (Datasette and the standard library only), like the other plugins here.
"""

from __future__ import annotations

import os
from collections import OrderedDict

from datasette import hookimpl

CACHED_PATHS = frozenset({"/", "/.json"})
MAX_ENTRIES = 32  # distinct query strings of the home page kept; the oldest goes first
ACTOR_COOKIE = b"ds_actor="


def shareable_request(scope: dict) -> bool:
    """A request whose answer does not depend on who asks (no actor, no credentials)."""
    if scope.get("method") != "GET" or scope.get("path") not in CACHED_PATHS:
        return False
    for name, value in scope.get("headers", []):
        if name == b"authorization" or (name == b"cookie" and ACTOR_COOKIE in value):
            return False
    return True


def shareable_response(start: dict) -> bool:
    """A response another reader may be given: 200 and no cookie set for this reader."""
    return start.get("status") == 200 and all(name != b"set-cookie" for name, _ in start.get("headers", []))


def database_state(datasette) -> tuple:
    """Size and modification time of every database file: a change renders the home page anew."""
    state = []
    for name, database in sorted(datasette.databases.items()):
        path = getattr(database, "path", None)
        if path:
            try:
                stat = os.stat(path)
            except OSError:
                state.append((name, None))
                continue
            state.append((name, stat.st_size, stat.st_mtime_ns))
        else:
            state.append((name, None))
    return tuple(state)


class ResponseCache:
    """A few whole ASGI responses (start event and body), bounded, oldest dropped first."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[tuple, tuple[dict, bytes]] = OrderedDict()

    def get(self, key: tuple) -> tuple[dict, bytes] | None:
        hit = self.entries.get(key)
        if hit is not None:
            self.entries.move_to_end(key)
        return hit

    def put(self, key: tuple, start: dict, body: bytes) -> None:
        self.entries[key] = (start, body)
        self.entries.move_to_end(key)
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        cache = ResponseCache()

        async def cached(scope, receive, send):
            if scope.get("type") != "http" or not shareable_request(scope):
                return await app(scope, receive, send)
            key = (scope["path"], scope.get("query_string", b""), database_state(datasette))
            hit = cache.get(key)
            if hit is not None:
                start, body = hit
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            captured: dict = {"start": None, "body": []}

            async def capture(event):
                if event["type"] == "http.response.start":
                    captured["start"] = event
                elif event["type"] == "http.response.body":
                    captured["body"].append(event.get("body", b""))
                    if not event.get("more_body", False) and shareable_response(captured["start"] or {}):
                        cache.put(key, captured["start"], b"".join(captured["body"]))
                await send(event)

            await app(scope, receive, capture)

        return cached

    return wrap
