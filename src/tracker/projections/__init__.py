"""Projections: pure folds over events (no I/O), rebuilt by replay at any (as_of, known_at).

:class:`State` holds them all; :mod:`tracker.projections.fold` is the fold they share.
"""

from __future__ import annotations

from tracker.projections.fold import Entry, FixEntry, Projection, Replayer
from tracker.projections.registry import Registry
from tracker.projections.state import HistoryItem, State
from tracker.projections.timeline import Timeline, TimelineView

__all__ = [
    "Entry",
    "FixEntry",
    "HistoryItem",
    "Projection",
    "Registry",
    "Replayer",
    "State",
    "Timeline",
    "TimelineView",
]
