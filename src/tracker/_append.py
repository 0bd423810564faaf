"""The write path of :meth:`tracker.Log.append` and its kin: a batch checked, written, indexed.

Under the log's lock, the index (the last point this user verified) is caught up with the log,
the batch is checked against it and against itself (:func:`tracker._plan.plan`), the records
are written and fsynced by the store, and the derived state learns what was appended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from tracker._endings import stored_version
from tracker._plan import LOG_DOORS as _LOG_DOORS
from tracker._publishers import resolve_publishers
from tracker.derived.index import StaleIndexError
from tracker.errors import InvalidInputError
from tracker.events.models import AnyEvent, Correction
from tracker.store.file import FileStore

if TYPE_CHECKING:
    from tracker._import import PreparedFile
    from tracker._log import Log
    from tracker.store.signed import Signer


@dataclass(frozen=True, slots=True)
class Receipt:
    """What an append did with one event."""

    id: str
    seq: int
    status: Literal["appended", "exists"]
    """``exists``: the log already held this id with the same content, so nothing was written."""


def append_prepared(
    log: Log,
    prepared: list[tuple[AnyEvent, dict[str, Any], str]],
    *,
    dry_run: bool,
    labels: Sequence[str] | None,
    signer: Signer | None,
    log_records: bool = False,
    file: PreparedFile | None = None,
) -> list[Receipt]:
    """Check a prepared batch against the log and write it, all or nothing (see
    :meth:`tracker.Log.append`); ``log_records``: records about the log itself, whose own
    door (an erasure, a key rotation) has checked them."""
    if not log_records:
        refuse_log_events(prepared, labels)
    derived = log.derived
    with log.store.writer() as writer:
        # The index is the last point this user verified: catching it up checks every
        # record appended since (the whole log, the first time), so a write extends only
        # a chain this user has verified.
        derived.catch_up(writer)
        try:
            plan = plan_batch(log, prepared, labels, file, writer)
        except StaleIndexError:  # a saved index file is damaged: rebuild it from the log
            derived.reset_index(discard=True)
            derived.catch_up(writer)
            plan = plan_batch(log, prepared, labels, file, writer)
        chosen = [i for i, step in enumerate(plan) if step[1] == "appended"]
        if dry_run or not chosen:
            next_seq = log.derived.index.seq + 1
            return receipts(log, plan, next_seq)
        offset = int(writer.head().position) if isinstance(log.store, FileStore) else 0
        before = derived.before_append()
        records = writer.append([plan[i][0] for i in chosen], signer=signer)
        derived.appended(records, offset, [plan[i][2] for i in chosen], writer.head())
        derived.after_append(before, records[-1].seq, records[-1].hash)
    return receipts(log, plan, records[0].seq)


def receipts(
    log: Log, plan: list[tuple[dict[str, Any], str, str]], first_seq: int
) -> list[Receipt]:
    """One receipt per event given, in order; a repeat within the batch is ``exists``."""
    out = []
    seq = first_seq
    placed: dict[str, int] = {}
    for data, status, _digest in plan:
        event_id = data["id"]
        if status == "appended":
            out.append(Receipt(event_id, seq, "appended"))
            placed[event_id] = seq
            seq += 1
        elif status == "repeat":
            out.append(Receipt(event_id, placed[event_id], "exists"))
        else:
            known = log.derived.index.event(event_id)
            assert known is not None
            out.append(Receipt(event_id, known[1], "exists"))
    return out


def plan_batch(
    log: Log,
    prepared: Sequence[tuple[AnyEvent, dict[str, Any], str]],
    labels: Sequence[str] | None = None,
    file: PreparedFile | None = None,
    writer: Any = None,
) -> list[tuple[dict[str, Any], str, str]]:
    """Check a batch against the log and itself (:func:`tracker._plan.plan`); with the
    ``file`` it was read from, every problem of every line is reported at once."""
    from tracker._plan import plan

    index = log.derived.index
    actors = index.actors
    if any(
        s.publisher_id is not None and s.publisher_id not in actors
        for step in prepared
        for event in ((step[0], step[0].replacement) if isinstance(step[0], Correction) else (step[0],))
        for s in event.sources
    ):  # a publisher named by a name or an alias: store the actor's id
        # (isinstance, not getattr with a default: pydantic raises inside for a missing field)
        prepared = resolve_publishers(prepared, index.actors, index.names)

    def current(ref: str) -> AnyEvent | None:  # an ended action, as corrected
        return stored_version(ref, index, log.store, writer)

    if file is None:
        return plan(index, prepared, labels, current=current)
    return plan(
        index,
        prepared,
        labels,
        positions=file.positions,
        rejected=file.rejected,
        problems=file.problems,
        current=current,
    )


def refuse_log_events(
    prepared: Sequence[tuple[AnyEvent, dict[str, Any], str]], labels: Sequence[str] | None
) -> None:
    """Records about the log itself (erasures, key rotations, ...) have their own doors; and
    ``erased-N`` ids belong to erased records' placeholders."""
    for i, (_event, data, _digest) in enumerate(prepared):
        kind, event_id = data["type"], data["id"]
        at = f"{labels[i]}: " if labels else f"event {i + 1}: " if len(prepared) > 1 else ""
        if kind in _LOG_DOORS:
            msg = f"{at}{kind} records are written by {_LOG_DOORS[kind]}, not appended"
            raise InvalidInputError(msg)
        if event_id.startswith("erased-") and event_id[7:].isdigit():
            msg = f"{at}the id '{event_id}' is kept for erased records: choose another id"
            raise InvalidInputError(msg)


def rotate_key(log: Log, old: Any, new: Any) -> Receipt:
    """:meth:`tracker.Log.rotate_key`: a ``key_rotation`` record, signed by the old key."""
    from tracker._opening import _signer
    from tracker.proofs.keys import key_ref
    from tracker.proofs.note import SignerKey, VerifierKey

    signer = _signer(old)
    assert signer is not None
    if isinstance(new, SignerKey):
        new = new.verifier()
    verifier = new if isinstance(new, VerifierKey) else VerifierKey.parse(str(new))
    if key_ref(verifier) == signer.by:
        msg = f"{signer.by} cannot replace itself: give the new key"
        raise InvalidInputError(msg)
    event = {"type": "key_rotation", "key": verifier.as_kind(0x01).text(), "replaces": signer.by}
    return log._append_log_record(event, signer)  # noqa: SLF001 - the facade's own room


__all__ = ["Receipt", "append_prepared", "rotate_key", "plan_batch", "receipts", "refuse_log_events"]
