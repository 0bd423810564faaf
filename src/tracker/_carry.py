"""Carrying a log on into a new one: :func:`tracker.carry`.

Records written before signed records (version 1) cannot be erased: their hashes cover their
events. To make that content erasable, a team carries the log on: a new log whose first record
(a ``predecessor`` record, signed) holds the old log's tree head, followed by every event of
the old log appended again, signed, in order (so they are version 2: signed and erasable).

The old log is verified first and kept as it is: it stays the record of when each event was
first recorded (replays ``known_at`` an earlier date read it), and its head, in the new log's
first record, ties the two: ``tracker verify --log OLD --head NOTE`` with that note proves the
old log is the one carried on.

What is not carried: records about the old log itself (its erasures, rotations, erased
placeholders, its own predecessor record), whose sequence numbers mean nothing in the new log.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker.errors import InvalidInputError, LogExistsError

if TYPE_CHECKING:
    from tracker._log import Log, SignerLike

_BATCH = 1000
_SKIPPED = frozenset(("erased", "erasure", "key_rotation", "predecessor"))


@dataclass(frozen=True, slots=True)
class CarryReport:
    """What a carry did."""

    source: str
    destination: str
    head: str
    """The old log's tree head note, as the new log's first record holds it."""
    carried: int
    """Events appended again (the new log holds one more record: the predecessor)."""
    skipped: int
    """Records about the old log itself, not carried."""


def carry(
    source: str | os.PathLike[str] | Log,
    destination: str | os.PathLike[str],
    *,
    signer: SignerLike,
    clock: Any = None,
) -> CarryReport:
    """Carry the log at ``source`` on into a new log at ``destination``; see the module doc.

    Args:
        source: the old log (a path, a URL, or an open Log); it is verified, never changed.
        destination: where the new log goes (a path or ``postgresql://...?log=NAME``); it
            must not exist yet.
        signer: the key that signs the new log's records.
        clock: the new log's recorded-time clock (tests only).

    Raises:
        IntegrityError: the old log does not verify.
        LogExistsError: something is at ``destination``.
        InvalidInputError: no signer.
    """
    import tracker
    from tracker._log import Log, _signer
    from tracker._proofs import tree_head
    from tracker.events.codec import load_event

    sign = _signer(signer)
    if sign is None:
        raise InvalidInputError(
            "a carried log is signed: give the key to sign it with",
            hint=" (signer=KEY NAME)",
            cli_hint=" (--sign KEY)",
        )
    old = source if isinstance(source, Log) else tracker.open(source)
    try:
        dest = os.fspath(destination)
        if not dest.startswith(("postgresql://", "postgres://")) and os.path.lexists(dest):
            msg = f"{dest} already exists; tracker carry starts a new log: choose another path"
            raise LogExistsError(msg)
        note = tree_head(old).note()  # verifies the old log
        new = tracker.init(dest, clock=clock)
        try:
            new.signer = sign
            new._append_log_record(  # noqa: SLF001 - the facade's own room
                {"type": "predecessor", "head": note.rstrip("\n"), "location": old.location[:500]},
                sign,
            )
            carried = skipped = 0
            pending: list[dict[str, Any]] = []
            for record, _pos in old.store.read():
                if record.event.get("type") in _SKIPPED:
                    skipped += 1
                    continue
                load_event(record.event, seq=record.seq)  # a stored event that no longer reads says so
                pending.append(record.event)
                if len(pending) >= _BATCH:
                    new.append(pending)
                    carried += len(pending)
                    pending = []
            if pending:
                new.append(pending)
                carried += len(pending)
            destination_location = new.location
        finally:
            new.close()
    finally:
        if old is not source:
            old.close()
    return CarryReport(old.location, destination_location, note, carried, skipped)


__all__ = ["CarryReport", "carry"]
