"""Progress bars for long stages: counts, rate and ETA, quiet when asked."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(
    items: Iterable[T], *, total: int | None, desc: str, unit: str, enabled: bool = True
) -> Iterator[T]:
    """Wrap an iterable in a tqdm bar on stderr (disabled for tests or pipes when asked)."""
    yield from tqdm(
        items,
        total=total,
        desc=desc,
        unit=unit,
        disable=not enabled,
        file=sys.stderr,
        dynamic_ncols=True,
        smoothing=0.1,
    )
