"""Retries with backoff: a server that answers 429 or 5xx (or does not answer) gets time to recover.

Scrapy's RetryMiddleware decides whether to retry and counts the tries; this subclass waits before
handing the retry back: `MSA_RETRY_BACKOFF_BASE * 2**(try - 1)` seconds, or the server's Retry-After
when it says more, never more than `MSA_RETRY_BACKOFF_MAX`. The wait does not hold the host's
download slot, so other requests go on meanwhile.
"""

from __future__ import annotations

import email.utils
import random
from datetime import UTC, datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task


def backoff_seconds(retry: int, base: float, cap: float, retry_after: float | None = None) -> float:
    """Seconds to wait before retry number `retry` (1, 2, ...): exponential, with ±10% jitter so that
    many requests failing together do not come back together."""
    delay = base * 2 ** max(retry - 1, 0) * random.uniform(0.9, 1.1)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(delay, cap)


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) → seconds from now; None if absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


class BackoffRetryMiddleware(RetryMiddleware):
    """Replaces Scrapy's RetryMiddleware (same settings, plus MSA_RETRY_BACKOFF_BASE / _MAX)."""

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("MSA_RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("MSA_RETRY_BACKOFF_MAX", 60.0)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._wait(result, retry_after_seconds(response.headers.get(b"Retry-After")))
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(result, None)
        return result

    async def _wait(self, retry: Request, retry_after: float | None) -> None:
        tries = retry.meta.get("retry_times", 1)
        delay = backoff_seconds(tries, self.backoff_base, self.backoff_max, retry_after)
        self.crawler.stats.inc_value("msa/retry_backoff_seconds", round(delay, 3))
        if delay > 0:
            from twisted.internet import reactor

            await maybe_deferred_to_future(task.deferLater(reactor, delay))
