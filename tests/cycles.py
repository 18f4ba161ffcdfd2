"""Test helper: what a finished object leaves to the cycle collector.

The node turns automatic full collections off (``runtime/collector.py``) and relies on calls
being freed by reference counting when they end; an object caught in a reference cycle would
linger until the next periodic collection.
"""

from __future__ import annotations

import gc
from collections.abc import Callable


def left_in_cycles(make: Callable[[], object], *kinds: type) -> list[object]:
    """Build an object graph with ``make``, drop it, and return the objects of ``kinds`` that
    reference counting could not free (they needed the cycle collector)."""
    gc.collect()
    gc.disable()
    try:
        make()  # the result is dropped at once
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        return [found for found in gc.garbage if isinstance(found, kinds)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
