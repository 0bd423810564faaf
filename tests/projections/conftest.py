"""Fixtures for the projection tests: a scratch log and a builder of hand-made events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

import tracker
from tracker.projections.state import State

SOURCE = {"publisher": "Example News", "url": "https://example.org/a"}


class Book:
    """A scratch log with one short method per event type; each appends one record.

    Record time comes from the step clock (one minute per record from 2026-01-12 09:00 UTC);
    :meth:`on` jumps it, to simulate events recorded on a later day.
    """

    def __init__(self, log: tracker.Log, clock: Any) -> None:
        self.log = log
        self.clock = clock
        self.events: dict[str, dict[str, Any]] = {}

    def on(self, when: str) -> Book:
        """Record what follows from ``when`` (ISO, UTC) on."""
        self.clock.set(datetime.fromisoformat(when).replace(tzinfo=UTC))
        return self

    def add(self, event: dict[str, Any]) -> dict[str, Any]:
        """Append one event dict; remember it by id."""
        self.log.append(event)
        if "id" in event:
            self.events[event["id"]] = event
        return event

    def actor(self, slug: str, kind: str = "company", **fields: Any) -> dict[str, Any]:
        """Register an actor (its name is its id, title-cased)."""
        return self.add(
            {"type": "actor", "actor": slug, "name": slug.title(), "kind": kind, **fields}
        )

    def actors(self, *specs: str) -> None:
        """Register several actors, each given as ``id`` or ``id:kind`` (kind ``other`` if none)."""
        for spec in specs:
            slug, _, kind = spec.partition(":")
            self.actor(slug, kind or "other")

    def topic(self, slug: str) -> dict[str, Any]:
        """Register a topic."""
        return self.add({"type": "topic", "topic": slug, "name": slug.title()})

    def say(
        self,
        id: str,
        speaker: str,
        topic: str | None,
        stance: int | None,
        occurred: str,
        **fields: Any,
    ) -> dict[str, Any]:
        """A statement (quote: its id)."""
        ev: dict[str, Any] = {
            "type": "statement",
            "id": id,
            "speaker": speaker,
            "quote": f"quote {id}",
            "occurred": occurred,
            "sources": [SOURCE],
            **fields,
        }
        if topic is not None:
            ev["topic"] = topic
        if stance is not None:
            ev["stance"] = stance
        return self.add(ev)

    def figure(
        self, id: str, metric: str, value: float | None, unit: str, occurred: str, **fields: Any
    ) -> dict[str, Any]:
        """A figure."""
        ev: dict[str, Any] = {
            "type": "figure",
            "id": id,
            "metric": metric,
            "unit": unit,
            "occurred": occurred,
            "sources": [SOURCE],
            **fields,
        }
        if value is not None:
            ev["value"] = value
        return self.add(ev)

    def act(
        self, id: str, regulator: str, target: str, rung: str, occurred: str, **fields: Any
    ) -> dict[str, Any]:
        """A regulatory action (``ends=...`` for a closure or withdrawal)."""
        return self.add(
            {
                "type": "regulatory_action",
                "id": id,
                "regulator": regulator,
                "target": target,
                "rung": rung,
                "occurred": occurred,
                "sources": [SOURCE],
                **fields,
            }
        )

    def verify(
        self, id: str, verifier: str, target: str, verdict: str, occurred: str
    ) -> dict[str, Any]:
        """A verification."""
        return self.add(
            {
                "type": "verification",
                "id": id,
                "verifier": verifier,
                "target": target,
                "verdict": verdict,
                "occurred": occurred,
                "sources": [SOURCE],
            }
        )

    def correct(self, id: str, target: str, reason: str = "typo", **changes: Any) -> dict[str, Any]:
        """Correct ``target``: its recorded dict with ``changes`` applied, as a full replacement."""
        replacement = {k: v for k, v in self.events[target].items() if k != "id"}
        replacement.update(changes)
        return self.add(
            {
                "type": "correction",
                "id": id,
                "corrects": target,
                "replacement": replacement,
                "reason": reason,
            }
        )

    def retract(self, id: str, target: str, reason: str = "never happened") -> dict[str, Any]:
        """Retract ``target``."""
        return self.add({"type": "retraction", "id": id, "retracts": target, "reason": reason})

    def supersede(self, id: str, old: str, by: str, reason: str = "moved on") -> dict[str, Any]:
        """Mark ``old`` superseded by ``by``."""
        return self.add(
            {"type": "supersession", "id": id, "supersedes": old, "by": by, "reason": reason}
        )

    def state(self, **clocks: Any) -> State:
        """Replay at the given clocks."""
        return self.log.replay(**clocks)


@pytest.fixture
def book(clock: Any) -> Iterator[Book]:
    """An empty scratch log (in memory) on the step clock."""
    log = tracker.open(":memory:", clock=clock)
    yield Book(log, clock)
    log.close()
