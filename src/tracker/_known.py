"""``known_at`` given as a record of the log instead of a time: ``@28``, ``28``, a published head.

"As the log stood just after record 28" keeps records 1..28 and nothing recorded later (the
log as it was when record 28 was its last, whatever their recorded times: the rest of record
28's batch shares its time but is left out). A published head (the note ``tracker head``
prints, ``SEQ:HASH``, a :class:`~tracker.store.base.Head` or a
:class:`~tracker.store.checkpoint.Checkpoint`) means the same for its size, and the log's
record there must have the head's hash: a replay "as we published it" cannot silently be of
another log.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from tracker.errors import IntegrityError, InvalidDateError, InvalidInputError

if TYPE_CHECKING:
    from tracker._log import Log

Upto = tuple[int, str | None]
"""A replay's last record when ``known_at`` names one: its sequence number and hash (None for
record 0, the empty log)."""

EMPTY_LOG_TIME = "0001-01-01T00:00:00.000000Z"
"""The record time ``@0`` replays to: before any record."""

_AT = re.compile(r"@\s*([0-9]+)")
_SEQ_HASH = re.compile(r"[0-9]+:[0-9a-fA-F]{64}")

RECORD_FORMS = (
    "a record number (@28: the log as it stood just after record 28), or a published head "
    "(the note 'tracker head' prints, or SEQ:HASH)"
)
"""What known_at takes besides a date, as messages say it."""


def record_bound(value: Any) -> tuple[int, str | None] | None:
    """The record a ``known_at`` names, with the hash it must have; None for a date.

    Returns ``(seq, hash)`` for a head (its hash is checked), ``(seq, None)`` for a record
    number (an int, or ``"@28"``), and None for a date, a datetime or a date string.

    Raises:
        InvalidDateError: neither a date nor a record: a record number below 0, ``@`` with no
            number, or text that looks like a head but is not one.
    """
    if value is None or isinstance(value, date | datetime):
        return None
    if isinstance(value, bool):
        msg = f"known_at={value!r}: give a date, {RECORD_FORMS}"
        raise InvalidDateError(msg)
    if isinstance(value, int):
        return _checked(value, value), None
    seq = getattr(value, "seq", None)
    digest = getattr(value, "hash", None)
    if isinstance(seq, int) and isinstance(digest, str):  # a Head or a Checkpoint
        return _checked(seq, value), digest.lower()
    if not isinstance(value, str):
        return None  # (the date parser says what is wrong with it)
    text = value.strip()
    found = _AT.fullmatch(text)
    if found is not None:
        return _checked(int(found[1]), value), None
    if text.startswith("@") or (text.startswith("-") and text[1:].isdigit()):
        msg = f"known_at={value!r}: a record number is @N with N from 0 (the empty log) up"
        raise InvalidDateError(msg)
    if "\n" in text or _SEQ_HASH.fullmatch(text):
        from tracker.store.checkpoint import Checkpoint

        head = Checkpoint.parse(text)
        return head.seq, head.hash.lower()
    return None


def resolve(log: Log, known_at: Any) -> tuple[datetime | None, Upto | None]:
    """``known_at`` as a record time, and the record it names when it names one.

    A date is its bound (the end of a day or month). A record number or a head becomes that
    record's recorded time (a replay to it holds every record recorded by then) and the
    record itself (seq, hash): the replay keeps records up to it alone, leaving out the rest
    of its batch.

    Raises:
        InvalidDateError: ``known_at`` is neither a date nor a record.
        InvalidInputError: it names a record the log does not have.
        IntegrityError: it is a head whose record the log holds with another hash.
    """
    from tracker.events.dates import parse_instant, parse_instant_bound

    bound = record_bound(known_at)
    if bound is None:
        return (parse_instant_bound(known_at) if known_at is not None else None), None
    seq, pinned = bound
    head = log.store.head()
    if seq > head.seq:
        msg = f"no record {seq} in {log.location} to replay to: its last record is {head.seq}"
        raise InvalidInputError(msg)
    if seq == 0:
        return parse_instant(EMPTY_LOG_TIME), (0, None)
    record = next(iter(log.store.read(log.derived.position_of(seq - 1))))[0]
    if pinned is not None and record.hash != pinned:
        msg = (
            f"this log does not extend the head {seq}:{pinned[:12]}...: its record {seq} "
            f"has the hash {record.hash[:12]}... (another log, or a rewritten one)"
        )
        raise IntegrityError(msg, seq=seq)
    return parse_instant(record.recorded), (record.seq, record.hash)


def _checked(seq: int, given: Any) -> int:
    if seq < 0:
        msg = f"known_at={given!r}: a record number is 0 (the empty log) or more"
        raise InvalidDateError(msg)
    return seq


__all__ = ["EMPTY_LOG_TIME", "RECORD_FORMS", "Upto", "record_bound", "resolve"]
