"""Projections: pure folds over events (no I/O), rebuilt by replay at any (as_of, known_at).

:class:`State` holds them all; :mod:`tracker.projections.fold` is the fold they share. One
module per projection: :mod:`~tracker.projections.timeline`, :mod:`~tracker.projections.registry`,
:mod:`~tracker.projections.actors` (per-actor view), :mod:`~tracker.projections.stances`,
:mod:`~tracker.projections.figures`, :mod:`~tracker.projections.posture`,
:mod:`~tracker.projections.disputes`, and :mod:`~tracker.projections.diff` between two states.

Every answer's columns are declared once (:mod:`~tracker.projections.shape`): each row type's
``SHAPE`` gives its JSON form, its JSON Schema, its DataFrames
(:mod:`~tracker.projections.frames`) and the read model's tables.
"""

from __future__ import annotations

from tracker.projections.actors import ActorEvent, ActorView, RelationRow
from tracker.projections.diff import Change, StateDiff, diff
from tracker.projections.disputes import Disputes, FixRow, TestedClaim, VerdictRow
from tracker.projections.figures import FigurePoint, FigureSeries, FigureTable
from tracker.projections.fold import Entry, FixEntry, Projection, Replayer
from tracker.projections.posture import LEVELS, Posture, PostureRow, PostureStep
from tracker.projections.registry import Registry
from tracker.projections.results import Row, Rows, Tabular
from tracker.projections.shape import Column, Field, Shape
from tracker.projections.stances import (
    CHANGE_KINDS,
    StanceChange,
    StanceHistory,
    StanceStep,
    classify,
)
from tracker.projections.state import HistoryItem, State
from tracker.projections.timeline import Timeline, TimelineView

__all__ = [
    "CHANGE_KINDS",
    "LEVELS",
    "ActorEvent",
    "ActorView",
    "Change",
    "Column",
    "Disputes",
    "Entry",
    "Field",
    "FigurePoint",
    "FigureSeries",
    "FigureTable",
    "FixEntry",
    "FixRow",
    "HistoryItem",
    "Posture",
    "PostureRow",
    "PostureStep",
    "Projection",
    "Registry",
    "RelationRow",
    "Replayer",
    "Row",
    "Rows",
    "Shape",
    "StanceChange",
    "StanceHistory",
    "StanceStep",
    "State",
    "StateDiff",
    "Tabular",
    "TestedClaim",
    "Timeline",
    "TimelineView",
    "VerdictRow",
    "classify",
    "diff",
]
