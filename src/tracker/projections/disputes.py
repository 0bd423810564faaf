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

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, get_args

from tracker.events.dates import PartialDate
from tracker.events.describe import describe
from tracker.events.models import Verdict, Verification
from tracker.projections.changes import FieldChange
from tracker.projections.fold import Entry, FixEntry, Placement
from tracker.projections.results import Row, Rows, Tabular, rows
from tracker.projections.shape import Shape, boolean, date, instant, integer, nested, text, texts

Status = Literal["untested", "confirmed", "partly_confirmed", "contradicted"]

STATUSES: tuple[str, ...] = get_args(Status)
"""Every status, from no verdict to the strongest."""

VERDICTS: tuple[str, ...] = get_args(Verdict)
"""Every verdict a verification gives."""

PLACEMENTS: tuple[str, ...] = get_args(Placement)
"""Where an event stands at the replay point."""

FIX_KINDS: tuple[str, ...] = ("correction", "retraction", "supersession")
"""The three fixes to the record."""

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
class VerdictRow(Row):
    """One verdict: who tested which event, when, and what they found."""

    SHAPE: ClassVar[Shape] = Shape(
        "verdict",
        "One verdict: who tested which event, when, and what they found.",
        text("claim", "the event tested"),
        text("verification", "the verification event's id"),
        text("verifier", "the actor who tested it"),
        text("verdict", "what they found", choices=VERDICTS),
        date("occurred", "when the verification was published"),
        text("finding", "what they found, in words", nullable=True),
        texts("corrected_by", "corrections applied to the verification"),
    )

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


@dataclass(frozen=True)
class TestedClaim(Row):
    """An event that has been tested, with every verdict on it."""

    __test__ = False  # not a pytest test class, despite the name

    SHAPE: ClassVar[Shape] = Shape(
        "tested_claim",
        "An event that has been tested, with its standing and the verdicts on it.",
        text("event", "the tested event's id"),
        text("type", "its type (null if the log no longer holds it)", nullable=True),
        text("summary", "what it is, in one line", nullable=True),
        date("occurred", "when it occurred"),
        text(
            "placement",
            "where it stands at the replay point: counted, uncertain, future or retracted",
            nullable=True,
            choices=PLACEMENTS,
        ),
        text("status", "the strongest verdict on it", choices=STATUSES),
        boolean("disputed", "whether it is contested: contradicted or partly confirmed"),
        texts(
            "verdicts",
            "'verifier:verdict' for each verdict, in occurred order",
            get=lambda c: [f"{v.verifier}:{v.verdict}" for v in c.verdicts],
        ),
        texts(
            "verifications",
            "the verification events, in the same order",
            get=lambda c: [v.verification for v in c.verdicts],
        ),
    )

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


@dataclass(frozen=True)
class FixRow(Row):
    """A correction, retraction or supersession, with its reason (applies by known_at alone)."""

    SHAPE: ClassVar[Shape] = Shape(
        "fix",
        "A correction, retraction or supersession of the record, with its reason.",
        text("id", "the fix's own event id"),
        text("kind", "correction, retraction or supersession", choices=FIX_KINDS),
        text("target", "the event it fixes"),
        text("target_type", "the fixed event's type", nullable=True),
        text("reason", "why"),
        text("by", "for a supersession: the event that replaces the target", nullable=True),
        text(
            "before",
            "for a correction: each changed field with its old value ('value: 177'); else the "
            "target's summary as it stood before the fix",
            nullable=True,
        ),
        text(
            "after",
            "for a correction: each changed field with its new value ('value: 171')",
            nullable=True,
        ),
        texts(
            "changes",
            "for a correction: every field it changed, as 'field: old -> new'",
            get=lambda f: [c.text for c in f.changes],
        ),
        integer("seq", "the record number of the fix"),
        instant("recorded", "when the log recorded the fix"),
    )

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


def assemble(
    claims: Iterable[tuple[tuple[int, int, int], TestedClaim]], fixes: Iterable[FixRow]
) -> Disputes:
    """The disputes of tested claims (each with the occurred order of the event it tests) and
    fix rows (in log order): claims in occurred order (ties: the event's id), verdicts in the
    occurred order of the verifications (ties: the claim)."""
    ordered = [c for _k, c in sorted(claims, key=lambda kc: (kc[0], kc[1].event))]
    verdicts = sorted((v for c in ordered for v in c.verdicts), key=lambda v: (v.sort_key, v.claim))
    return Disputes(rows(ordered, TestedClaim), rows(verdicts, VerdictRow), rows(fixes, FixRow))


def fix_row(fix: FixEntry) -> FixRow:
    """Describe one fix."""
    ev = fix.fix
    before = fix.before.event if fix.before is not None else None
    changes = fix.changes()
    if fix.kind == "correction":
        old = "; ".join(f"{c.field}: {c.old_text}" for c in changes) or None
        new = "; ".join(f"{c.field}: {c.new_text}" for c in changes) or None
    else:
        old = describe(before) if before is not None else None
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
class Disputes(Tabular):
    """Tested claims with their verdicts, what is contested, and every fix to the record."""

    SHAPE: ClassVar[Shape] = Shape(
        "disputes",
        "Tested claims with their verdicts, what is contested, and every fix to the record.",
        nested("claims", TestedClaim.SHAPE, "every tested event, in occurred order"),
        texts(
            "contested",
            "the ids of the claims contested at the replay point",
            get=lambda d: [c.event for c in d.contested],
        ),
        nested("verdicts", VerdictRow.SHAPE, "every verdict, in occurred order"),
        nested("fixes", FixRow.SHAPE, "corrections, retractions and supersessions, in log order"),
    )

    claims: Rows[TestedClaim]
    """Every tested event, in occurred order of the event."""
    verdicts: Rows[VerdictRow]
    """Every verdict, one row each, in occurred order of the verification."""
    fixes: Rows[FixRow]
    """Corrections, retractions and supersessions, in log order."""

    @property
    def contested(self) -> Rows[TestedClaim]:
        """The claims contested at the replay point (contradicted or partly confirmed)."""
        return rows((c for c in self.claims if c.disputed), TestedClaim)

    def claim(self, event_id: str) -> TestedClaim | None:
        """The tested claim about one event, or None if nobody tested it."""
        return next((c for c in self.claims if c.event == event_id), None)

    def _main_rows(self) -> Rows[TestedClaim]:
        """The claims (the main table; :attr:`verdicts` and :attr:`fixes` are the others)."""
        return self.claims

    def to_json(self) -> dict[str, Any]:
        """Claims, contested ids, verdicts and fixes."""
        return self.SHAPE.dump(self)


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

    def of(self, event_id: str) -> list[Entry]:
        """The verifications of one event, in occurred order."""
        return sorted(self._by_target.get(event_id, {}).values(), key=lambda e: e.sort_key)

    def verdicts_on(self, event_id: str) -> Rows[VerdictRow]:
        """The verdicts on one event, in occurred order of the verifications."""
        found = self.of(event_id)
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
        return rows(out, VerdictRow)

    def status_of(self, event_id: str) -> tuple[Status, Rows[VerdictRow]]:
        """The status of one event and the verdicts behind it."""
        verdicts = self.verdicts_on(event_id)
        return status_of([v.verdict for v in verdicts]), verdicts


__all__ = [
    "FIX_KINDS",
    "PLACEMENTS",
    "STATUSES",
    "VERDICTS",
    "Disputes",
    "FixRow",
    "Status",
    "TestedClaim",
    "VerdictRow",
    "Verifications",
    "assemble",
    "fix_row",
    "is_disputed",
    "status_of",
]
