"""Replays for the facade: the read model caught up with the log, the in-memory fold, one event.

:func:`caught_up` opens a log's read model (:mod:`tracker.derived.readmodel`) and folds into it
what was appended since it last read the log, each record checked against the chain as a
replay checks it; :meth:`tracker.Log.replay` then reads its answers from it. :func:`fold` is the
reference: the whole log (up to ``known_at``) folded in memory. :func:`event_view` is what
``Log.event`` (``tracker show``) says about one event.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from tracker import _read
from tracker._gc import paused as _gc_paused
from tracker.errors import InvalidInputError, UnknownIdError
from tracker.events.dates import format_instant
from tracker.events.models import AnyEvent
from tracker.store.chain import Chain
from tracker.store.records import HASH_KEY, ZERO_HASH, Record

if TYPE_CHECKING:
    from tracker._known import Upto
    from tracker._log import Log
    from tracker.derived.readmodel import Mark, ReadModel
    from tracker.derived.readmodel.build import RecordIn
    from tracker.projections.fold import Entry
    from tracker.projections.state import HistoryItem, State


class _Unnoted(dict[str, int]):
    """Event ids a stream need not remember (the read model checks ids in its database)."""

    def setdefault(self, key: str, default: int | None = None) -> int:
        """Remember nothing; say the id is new."""
        assert default is not None
        return default


def fold(
    log: Log, as_of: datetime | None, known_at: datetime | None, upto: Upto | None = None
) -> State:
    """Fold the log in memory up to ``known_at`` (the reference every answer is held to); with
    ``upto`` (a record named by ``known_at``: see :func:`tracker._known.resolve`), up to that
    record alone."""
    from tracker.projections.state import State

    cutoff = format_instant(known_at) if known_at is not None else None
    last = upto[0] if upto is not None else None
    derived = log.derived
    state = State(as_of=as_of, known_at=known_at)
    whole = derived.stat() if cutoff is None else None
    advance, pos = state.advance, None
    with _gc_paused():
        for seq, recorded, event, record_hash, pos in _read.stream(
            log.store, derived, None, Chain(ids={}), cutoff
        ):
            if last is not None and seq > last:
                break  # (the rest of the record's batch)
            advance(seq, recorded, event, record_hash)
    if whole is not None and state.head_hash is not None:
        derived.note_whole(whole, pos, state.head_seq, state.head_hash)
    state.known_seq = last
    return state


NEWS_AFTER = 20_000
"""How many records the read model must take in for :attr:`Log.progress` to be told (about a
second's work on two cores)."""


def caught_up(log: Log, cutoff: str | None = None) -> ReadModel | None:
    """The log's read model, caught up with it (with ``cutoff``, an RFC 3339 ``known_at``:
    with what was recorded by then, and nothing after it is read); None where the log is
    folded instead (a log in memory, an empty one, or one with no private folder)."""
    derived = log.derived
    model = derived.readmodel()
    if model is None:
        return None
    store = log.store
    covered = model.covered
    if cutoff is not None and covered.seq and covered.recorded > cutoff:
        return model  # it holds every record of that prefix already
    head = store.head()
    if head.seq == covered.seq and head.hash == covered.hash:
        return model  # nothing appended since: no lock, no read of the log
    if cutoff is not None and covered.seq and _next_recorded(model, covered) > cutoff:
        return model  # built up to that prefix already (the next record is later): one read
    pending = head.seq - covered.seq
    if log.progress is not None and pending >= NEWS_AFTER:
        what = "the records of the log" if not covered.seq else "the records appended since"
        log.progress(
            f"reading {'up to ' if cutoff is not None else ''}{pending:,} records into the read "
            f"model ({what}; once: later commands read it)"
        )
    before = derived.stat()
    walked: list[tuple[Any, int, str, bool]] = []

    def records(mark: Mark) -> Iterator[RecordIn]:
        start = mark.position if mark.seq else None
        chain = Chain(seq=mark.seq, prev=mark.hash or ZERO_HASH, recorded=mark.recorded,
                      ids=_Unnoted())  # (the read model checks ids itself: one lookup per chunk)
        position, seq, record_hash = start, 0, ""
        for seq, recorded, event, record_hash, end in _read.stream(
            store, derived, start, chain, cutoff
        ):
            yield seq, recorded, event, record_hash, int(position or 0), int(end)
            position = end
        if seq and cutoff is None:  # (a prefix walked is not the file as it is)
            walked.append((position, seq, record_hash, mark.seq == 0))

    with _gc_paused():
        model.extend(records)
    for position, seq, record_hash, whole in walked:
        derived.walked(before, position, seq, record_hash, whole=whole)
    return model


def _next_recorded(model: ReadModel, covered: Mark) -> str:
    """The recorded time of the record after the last one ``model`` covers ("" where it
    cannot be read: the caller then streams from there as usual, and that says what is wrong).

    A read model built up to a ``known_at`` stops before the first record recorded after it;
    asked again at that ``known_at``, this one record says there is nothing to fold in, where a
    stream from there would read a chunk of the log to find it out.
    """
    try:
        (line,) = model.lines_at([covered.position])
        tail = orjson.loads(b"{" + line[line.rfind(HASH_KEY) + 1 :])
        found = tail["recorded"]
    except Exception:  # noqa: BLE001 - any damage: the stream finds and names it
        return ""
    return found if isinstance(found, str) and found >= covered.recorded else ""


@dataclass(frozen=True, slots=True)
class EventView:
    """One event as a replay sees it: :meth:`Log.event`."""

    id: str
    event: AnyEvent
    """Its current version (after corrections); for a retracted event, the last one before the
    retraction; for a fix (correction, retraction, supersession), the fix itself."""
    seq: int
    """The record that first recorded it."""
    recorded: str
    placement: str
    """``counted``, ``uncertain`` (its dates straddle as_of), ``future`` (after as_of),
    ``retracted``, or ``fix``."""
    history: tuple[HistoryItem, ...]
    """When it was recorded, then each correction, retraction or supersession of it."""
    verifications: tuple[Entry, ...]
    """The verifications of it that count at as_of, in occurred order."""
    superseded_by: str | None = None
    as_of: datetime | None = None
    """The replay's world time (None: unbounded)."""
    known_at: datetime | None = None
    """The replay's record time (None: the whole log)."""
    known_seq: int | None = None
    """When known_at was given as a record number: that record."""
    recorders: dict[int, str | None] = field(default_factory=dict)
    """Who each record of its history claims recorded it (``NAME+KEYID``), by sequence
    number; None: unsigned."""


def event_view(state: State, event_id: str) -> EventView | None:
    """What ``state`` says about one event (or fix), or None when it knows no such id."""
    entry = state.entry(event_id)
    placement = state.placement(event_id)
    history = tuple(state.history(event_id))
    if entry is None and placement == "retracted":
        entry = state.retracted()[event_id].before
    if entry is None:
        fix = state.fix(event_id)
        if fix is None:
            return None
        return EventView(
            event_id, fix.fix, fix.seq, fix.recorded, "fix", (), (), None,
            state.as_of, state.known_at, state.known_seq,
        )  # fmt: skip
    return EventView(
        event_id,
        entry.event,
        history[0].seq if history else entry.seq,
        history[0].recorded if history else entry.recorded,
        placement or "counted",
        history,
        tuple(state.verifications_of(event_id)),
        entry.superseded_by,
        state.as_of,
        state.known_at,
        state.known_seq,
    )


_FOLLOW_WAIT = 60.0


def follow(
    log: Log, after: int | None, timeout: float | None, poll: float
) -> Iterator[Record]:
    """:meth:`tracker.Log.follow_records`: the records as they are appended, the read model
    caught up after each round."""
    if after is not None and after < 0:
        msg = f"after must be 0 or more (0: from the first record), not {after}"
        raise InvalidInputError(msg)
    if timeout is not None and not timeout >= 0:  # (NaN too)
        msg = f"timeout must be a number of seconds, 0 or more, not {timeout}"
        raise InvalidInputError(msg)
    store = log.store
    position = store.head().position if after is None else log.derived.position_of(after)
    wait = _FOLLOW_WAIT if timeout is None else timeout
    while True:
        new = False
        for record, after_record in store.read(position):
            yield record
            position = after_record
            new = True
        if new:
            caught_up(log)
        if not store.wait(position, timeout=wait, poll=poll) and timeout is not None:
            return


def event(
    log: Log, event_id: str, as_of: Any, known_at: Any
) -> EventView:
    """:meth:`tracker.Log.event`: one event's view, or UnknownIdError saying why not."""
    view = event_view(log.replay(as_of=as_of, known_at=known_at), event_id)
    if view is None:
        log.derived.catch_up()
        guess = log.derived.index.suggest_event(event_id)
        hint = f"; did you mean '{guess}'?" if guess else ""
        if log.derived.index.event(event_id) is not None:
            msg = f"event '{event_id}' was not yet recorded at known_at {known_at}"
        else:
            msg = f"unknown event '{event_id}'{hint}"
            raise UnknownIdError(
                msg,
                hint=" (log.records() lists the log's records, with their events' ids)",
                cli_hint=" (see 'tracker log' for ids)",
            )
        raise UnknownIdError(msg)
    seqs = {view.seq, *(h.seq for h in view.history)}
    return replace(view, recorders=log.recorders(seqs))


__all__ = ["EventView", "caught_up", "event", "event_view", "fold", "follow"]
