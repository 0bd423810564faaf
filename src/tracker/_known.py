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
from typing import Any

from tracker.errors import InvalidDateError

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


def _checked(seq: int, given: Any) -> int:
    if seq < 0:
        msg = f"known_at={given!r}: a record number is 0 (the empty log) or more"
        raise InvalidDateError(msg)
    return seq


__all__ = ["RECORD_FORMS", "record_bound"]
