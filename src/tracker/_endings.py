"""Checking regulatory endings against the actions they end, for appends and for ``verify``.

The rules are :func:`tracker.events.rules.ending_mismatch`. An append needs the ended
action's current version (after its corrections): :func:`stored_version` reads it from the
records of its family, which the log's index lists, without a replay. ``verify`` walks every
record already; :class:`EndingCheck` follows the regulatory actions along that walk and lists
the endings that do not fit as warnings (a log written before appends refused them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from tracker.derived.index import Index
from tracker.events.codec import load_event
from tracker.events.models import ENDINGS, AnyEvent, RegulatoryAction
from tracker.events.rules import ending_mismatch
from tracker.store.file import FileStore


def current_version(event_id: str, records: Iterable[dict[str, Any]]) -> AnyEvent | None:
    """The event ``event_id`` as its records leave it: as first recorded, then corrected."""
    found: AnyEvent | None = None
    for data in records:
        if data.get("type") == "erased":  # an erased record: its event is no longer known
            if data.get("id") == event_id:
                found = None
            continue
        if data.get("id") == event_id:
            found = load_event(data)
        elif data.get("type") == "correction" and data.get("corrects") == event_id:
            found = load_event({**data["replacement"], "id": event_id})
    return found


def stored_version(event_id: str, index: Index, store: Any, writer: Any) -> AnyEvent | None:
    """The current version of a recorded event, read under the writer's lock.

    A file log reads the records of the event's family alone (the index says where they
    start); another store reads from the event's record to the head.
    """
    hit = index.event(event_id)
    if hit is None:
        return None
    if isinstance(store, FileStore):
        offsets = index.family_offsets(hit[3] or event_id) or [hit[4]]

        def first(offset: int) -> dict[str, Any]:
            for line, _pos in writer.read_lines(offset):
                event: dict[str, Any] = orjson.loads(line)["event"]
                return event
            return {}

        return current_version(event_id, (first(o) for o in offsets))
    start = store.position_of(hit[1] - 1)
    return current_version(event_id, (record.event for record, _pos in writer.read(start)))


def misfit(ending: AnyEvent, ended: AnyEvent | None) -> str | None:
    """Why a regulatory ending does not fit the action it names (None: it fits, or is no
    ending, or names nothing known)."""
    if not isinstance(ending, RegulatoryAction) or ending.rung not in ENDINGS or ended is None:
        return None
    return ending_mismatch(ending, ended)


class EndingCheck:
    """Follows the regulatory actions along a walk of the log; lists the misfit endings."""

    def __init__(self) -> None:
        """Start with nothing seen."""
        self._actions: dict[str, tuple[int, dict[str, Any]]] = {}  # id -> (seq, current dict)
        self._retracted: set[str] = set()

    def feed(self, seq: int, event: dict[str, Any]) -> None:
        """Note one record's event (its canonical dict)."""
        kind = event.get("type")
        if kind == "regulatory_action":
            self._actions[event["id"]] = (seq, event)
        elif kind == "correction" and event.get("corrects") in self._actions:
            first, _old = self._actions[event["corrects"]]
            self._actions[event["corrects"]] = (
                first,
                {**event["replacement"], "id": event["corrects"]},
            )
        elif kind == "retraction":
            self._retracted.add(event.get("retracts", ""))

    def warnings(self) -> list[str]:
        """One line per ending that does not fit, in log order: ``record N (ID): why``."""
        out = []
        live = {k: v for k, v in self._actions.items() if k not in self._retracted}
        for event_id, (seq, data) in live.items():
            if data.get("rung") not in ENDINGS or data.get("ends") not in live:
                continue
            problem = misfit(load_event(data), load_event(live[data["ends"]][1]))
            if problem is not None:
                out.append(f"record {seq} ({event_id}): {problem}; posture ignores it")
        return out


__all__ = ["EndingCheck", "current_version", "misfit", "stored_version"]
