"""Pausing the garbage collector while many objects and no cycles are built (replay, imports).

Its own module so that reading a file to import does not load the whole facade for it.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused(*, freeze: bool = True) -> Iterator[None]:
    """Pause the cyclic garbage collector while a fold builds many objects (and no cycles).

    With ``freeze``, on the way out what exists is moved out of the collector's reach
    (``gc.freeze``): a replayed state of a million events would otherwise cost a full
    collection, seconds long, at the next allocation, and again at every later one. Frozen
    objects are still freed by reference counting when dropped; only reference cycles that
    already exist stay until ``gc.unfreeze()``, and a state builds none.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


__all__ = ["paused"]
