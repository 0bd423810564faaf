"""tracker: an event-sourced timeline tracker for public controversies.

Open a log, append sourced events, and replay it on two clocks::

    import tracker
    from tracker.events import Statement, Source

    log = tracker.open("grok.jsonl", create=True)
    log.append(...)
    state = log.replay(as_of="2026-01-10", known_at="2026-01-12")
    state.timeline()

Names are imported on first use, so ``import tracker`` stays cheap.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # not typing's: importing typing costs ~3 ms on every command's start
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    "open": "tracker._log",
    "init": "tracker._log",
    "repair": "tracker._log",
    "copy": "tracker._log",
    "CopyReport": "tracker._copy",
    "CachedLog": "tracker._cache",
    "cached_logs": "tracker._cache",
    "prune_cache": "tracker._cache",
    "carry": "tracker._carry",
    "CarryReport": "tracker._carry",
    "ErasureReceipt": "tracker._erase",
    "Log": "tracker._log",
    "Receipt": "tracker._log",
    "StoredEvent": "tracker._log",
    "VerifyReport": "tracker._log",
    "EventView": "tracker._log",
    "read_events": "tracker._import",
    "State": "tracker.projections.state",
    "diff": "tracker.projections.diff",
    "Head": "tracker.store.base",
    "Checkpoint": "tracker.store.checkpoint",
    "TrackerError": "tracker.errors",
}

__all__ = [
    "CachedLog",
    "CarryReport",
    "Checkpoint",
    "CopyReport",
    "ErasureReceipt",
    "EventView",
    "Head",
    "Log",
    "Receipt",
    "State",
    "StoredEvent",
    "TrackerError",
    "VerifyReport",
    "__version__",
    "cached_logs",
    "carry",
    "copy",
    "diff",
    "init",
    "open",
    "prune_cache",
    "read_events",
    "repair",
]

if TYPE_CHECKING:
    from tracker._cache import CachedLog, cached_logs, prune_cache
    from tracker._carry import CarryReport, carry
    from tracker._copy import CopyReport
    from tracker._erase import ErasureReceipt
    from tracker._import import read_events
    from tracker._log import (
        EventView,
        Log,
        Receipt,
        StoredEvent,
        VerifyReport,
        copy,
        init,
        open,
        repair,
    )
    from tracker.errors import TrackerError
    from tracker.projections.diff import diff
    from tracker.projections.state import State
    from tracker.store.base import Head
    from tracker.store.checkpoint import Checkpoint


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'tracker' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
