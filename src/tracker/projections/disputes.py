"""Disputes and corrections: which events were tested, the verdicts and by whom, and every fix.

Verifications are world events: an outlet published a test on a date, so a verdict counts in a
replay only when the verification certainly occurred by ``as_of`` (and was recorded by
``known_at``). A tested event keeps counting whatever the verdict; it is *marked*.

The status of a tested event is the strongest verdict it has received, in this order:
``contradicted`` (at least one verifier found it false), then ``partly_confirmed``, then
``confirmed``; an event nobody tested is ``untested``. An event is *disputed* (contested at the
replay point) when its status is ``contradicted`` or ``partly_confirmed``: one confirmation
does not cancel another outlet's contradiction.

Corrections, retractions and supersessions are fixes to our record and apply by ``known_at``
alone; :meth:`tracker.State.disputes` lists them with their reasons beside the verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tracker.events.dates import PartialDate
from tracker.events.models import Verification
from tracker.projections.changes import FieldChange
from tracker.projections.fold import Entry, FixEntry
from tracker.projections.results import Rows, date_columns, joined, rows
from tracker.projections.timeline import summary_of

Status = Literal["untested", "confirmed", "partly_confirmed", "contradicted"]

_RANK: dict[str, int] = {"confirmed": 1, "partly_confirmed": 2, "contradicted": 3}
_BY_RANK: dict[int, Status] = {
    0: "untested",
    1: "confirmed",
    2: "partly_confirmed",
    3: "contradicted",
}


def status_of(verdicts: tuple[str, ...] | list[str]) -> Status:
    """The strongest verdict among ``verdicts``: contradicted > partly_confirmed > confirmed."""
    return _BY_RANK[max((_RANK[v] for v in verdicts), default=0)]


def is_disputed(status: str) -> bool:
    """Whether a status means the event is contested (contradicted or partly confirmed)."""
    return status in ("contradicted", "partly_confirmed")


@dataclass(frozen=True)
class VerdictRow:
    """One verdict: who tested which event, when, and what they found."""

    claim: str
    """The event tested."""
    verification: str
    """The verification event's id."""
    verifier: str
    verdict: str
    occurred: PartialDate | None
    finding: str | None
    corrected_by: tuple[str, ...] = ()
    sort_key: tuple[int, int, int] = field(default=(0, 0, 0), repr=False)
    """Occurred order of the verification (earliest, latest, sequence number)."""

    def record(self) -> dict[str, Any]:
        """One flat row."""
        return {
            "claim": self.claim,
            "verification": self.verification,
            "verifier": self.verifier,
            "verdict": self.verdict,
            **date_columns("occurred", self.occurred),
            "finding": self.finding,
            "corrected_by": joined(self.corrected_by),
        }


@dataclass(frozen=True)
class TestedClaim:
    """An event that has been tested, with every verdict on it."""

    __test__ = False  # not a pytest test class, despite the name

    event: str
    type: str | None
    """The tested event's type (None if the log no longer holds it)."""
    summary: str | None
    occurred: PartialDate | None
    placement: str | None
    """Where the tested event stands: counted, uncertain, future (after as_of) or retracted."""
    status: Status
    verdicts: Rows[VerdictRow]

    @property
    def disputed(self) -> bool:
        """Whether the claim is contested: contradicted or partly confirmed by someone."""
        return is_disputed(self.status)

    def record(self) -> dict[str, Any]:
        """One flat row (the verdicts summarised as ``verifier:verdict`` pairs)."""
        return {
            "event": self.event,
            "type": self.type,
            "summary": self.summary,
            **date_columns("occurred", self.occurred),
            "placement": self.placement,
            "status": self.status,
            "disputed": self.disputed,
            "verdicts": joined(f"{v.verifier}:{v.verdict}" for v in self.verdicts),
            "verifications": joined(v.verification for v in self.verdicts),
        }


@dataclass(frozen=True)
class FixRow:
    """A correction, retraction or supersession, with its reason (applies by known_at alone)."""

    id: str
    kind: str
    target: str
    reason: str
    seq: int
    recorded: str
    by: str | None
    """For a supersession: the event that replaces the target."""
    target_type: str | None
    before: str | None
    """For a correction: each changed field with its old value (``value: 177``); else the
    target's summary as it stood before the fix."""
    after: str | None
    """For a correction: each changed field with its new value (``value: 171``)."""
    changes: tuple[FieldChange, ...] = ()
    """For a correction: every field it changed, old and new value."""

    def record(self) -> dict[str, Any]:
        """One flat row."""
        return {
            "id": self.id,
            "kind": self.kind,
            "target": self.target,
            "target_type": self.target_type,
            "reason": self.reason,
            "by": self.by,
            "before": self.before,
            "after": self.after,
            "changes": "; ".join(c.text for c in self.changes),
            "seq": self.seq,
            "recorded": self.recorded,
        }


def fix_row(fix: FixEntry) -> FixRow:
    """Describe one fix."""
    ev = fix.fix
    before = fix.before.event if fix.before is not None else None
    changes = fix.changes()
    if fix.kind == "correction":
        old = "; ".join(f"{c.field}: {c.old_text}" for c in changes) or None
        new = "; ".join(f"{c.field}: {c.new_text}" for c in changes) or None
    else:
        old = summary_of(before) if before is not None else None
        new = None
    return FixRow(
        ev.id or "",
        fix.kind,
        fix.target,
        fix.reason,
        fix.seq,
        fix.recorded,
        getattr(ev, "by", None),
        before.type if before is not None else None,
        old,
        new,
        changes,
    )


@dataclass(frozen=True)
class Disputes:
    """Tested claims with their verdicts, what is contested, and every fix to the record."""

    claims: Rows[TestedClaim]
    """Every tested event, in occurred order of the event."""
    verdicts: Rows[VerdictRow]
    """Every verdict, one row each, in occurred order of the verification."""
    fixes: Rows[FixRow]
    """Corrections, retractions and supersessions, in log order."""

    @property
    def contested(self) -> Rows[TestedClaim]:
        """The claims contested at the replay point (contradicted or partly confirmed)."""
        return rows(c for c in self.claims if c.disputed)

    def claim(self, event_id: str) -> TestedClaim | None:
        """The tested claim about one event, or None if nobody tested it."""
        return next((c for c in self.claims if c.event == event_id), None)

    def to_records(self) -> list[dict[str, Any]]:
        """The claims as flat rows."""
        return self.claims.to_records()

    def to_json(self) -> dict[str, Any]:
        """Claims, contested ids, verdicts and fixes."""
        return {
            "claims": self.claims.to_json(),
            "contested": [c.event for c in self.contested],
            "verdicts": self.verdicts.to_json(),
            "fixes": self.fixes.to_json(),
        }


class Verifications:
    """Projection: counted verifications, indexed by the event they test."""

    TAKES = (Verification,)

    def __init__(self) -> None:
        """Start empty."""
        self._by_target: dict[str, dict[str, Entry]] = {}

    def add(self, entry: Entry) -> None:
        """Fold in a verification; other events are ignored."""
        ev = entry.event
        if isinstance(ev, Verification):
            self._by_target.setdefault(ev.target, {})[entry.id] = entry

    def remove(self, entry: Entry) -> None:
        """Take a verification out."""
        ev = entry.event
        if isinstance(ev, Verification):
            found = self._by_target.get(ev.target)
            if found is not None:
                found.pop(entry.id, None)
                if not found:
                    del self._by_target[ev.target]

    def targets(self) -> list[str]:
        """The ids of every tested event (unordered)."""
        return list(self._by_target)

    def verdicts_on(self, event_id: str) -> Rows[VerdictRow]:
        """The verdicts on one event, in occurred order of the verifications."""
        found = sorted(self._by_target.get(event_id, {}).values(), key=lambda e: e.sort_key)
        out = []
        for e in found:
            ev: Verification = e.event  # type: ignore[assignment]
            out.append(
                VerdictRow(
                    ev.target,
                    e.id,
                    ev.verifier,
                    ev.verdict,
                    ev.occurred,
                    ev.finding,
                    e.corrected_by,
                    e.sort_key,
                )
            )
        return rows(out)

    def status_of(self, event_id: str) -> tuple[Status, Rows[VerdictRow]]:
        """The status of one event and the verdicts behind it."""
        verdicts = self.verdicts_on(event_id)
        return status_of([v.verdict for v in verdicts]), verdicts


__all__ = [
    "Disputes",
    "FixRow",
    "Status",
    "TestedClaim",
    "VerdictRow",
    "Verifications",
    "fix_row",
    "is_disputed",
    "status_of",
]
