"""The Python API of the user's cache: which logs have derived state there, and pruning it.

``tracker.cached_logs()`` lists the folders (one per log ever opened) with the state of their
logs; ``tracker.prune_cache()`` removes those no log can use any more (the log was moved,
deleted or replaced by another at the same place). Derived state is rebuilt from a log when
it is needed, so pruning never loses anything but time.
"""

from __future__ import annotations

from tracker.derived.cache import CachedLog, cached_logs, prune


def prune_cache(*, everything: bool = False, dry_run: bool = False) -> list[CachedLog]:
    """Remove the cache folders no log can use any more and return them (with
    ``dry_run``, only return them). ``everything`` removes every log's folder, current ones
    too: each is rebuilt the next time its log is opened (close other tracker processes
    first: one reading a log whose folder is removed stops with an error)."""
    entries = cached_logs()
    if dry_run:
        return [e for e in entries if everything or e.prunable]
    return prune(entries, everything=everything)


__all__ = ["CachedLog", "cached_logs", "prune_cache"]
