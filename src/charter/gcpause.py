"""Pause Python's cyclic garbage collector around big, allocation-heavy work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block with the cyclic garbage collector paused.

    Reading or scheduling a big plan allocates hundreds of thousands of small objects and frees
    nothing cyclic; with a big plan in memory each automatic collection walks millions of
    objects, which on 100,000 tasks costs more than the work itself. Reference counting still
    frees memory as usual, and the collector's previous state is restored afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
