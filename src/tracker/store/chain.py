"""Walking a log's records in order, checking each one extends the chain before it is believed.

One walker serves every reader that must not believe a broken log: ``verify``, the index's
catch-up before a write, ``tracker log``, copies. Each line must parse, be exactly the
canonical bytes of what it parses to, carry the hash of its content, link to the record before,
follow it in sequence, not be recorded before it, and (when ids are tracked) name an event id
no earlier record used: one id, one record.

The fast path checks all of that without building a :class:`Record`; any doubt falls through
to :func:`check_line`, which names the fault.
"""

from __future__ import annotations

from typing import Any

import orjson

from tracker._json import NestingError, check_depth, may_nest
from tracker.errors import IntegrityError, check_the_log
from tracker.store.records import HASH_KEY, SCHEMA_VERSION, ZERO_HASH, check_line, hash_at
from tracker.store.signed import v2_members_ok

RECORD_KEYS = frozenset(("batch", "event", "hash", "prev", "recorded", "seq", "v"))


def duplicate_id(event_id: str, first: int, again: int) -> IntegrityError:
    """The error for an event id found in two records (``first`` before ``again``)."""
    msg = (
        f"record {again}: event id '{event_id}' is already used by record {first}; an id "
        "names one record only, so the log was edited or written by another program"
    )
    return IntegrityError(msg, seq=again, **check_the_log(then="and restore the log from a copy"))


class Chain:
    """The state of a walk: the last record checked, and the event ids seen (when tracked).

    Start from the beginning (the defaults) or from a record already verified (its sequence
    number, hash and recorded time). With ``ids`` (a dict, usually empty), every event id is
    noted with its sequence number and a second use of one is refused.
    """

    __slots__ = ("ids", "prev", "recorded", "seq")

    def __init__(
        self,
        *,
        seq: int = 0,
        prev: str = ZERO_HASH,
        recorded: str = "",
        ids: dict[str, int] | None = None,
    ) -> None:
        """Start after record ``seq`` (hash ``prev``, recorded at ``recorded``)."""
        self.seq = seq
        self.prev = prev
        self.recorded = recorded
        self.ids = ids

    def check(self, line: bytes) -> dict[str, Any]:
        """Check ``line`` as the next record; return what it parses to.

        Raises:
            IntegrityError: the line does not extend the chain (``seq`` names it), or its
                event id was used by an earlier record.
            InvalidRecordError: the line comes from a newer tracker.
        """
        expected = self.seq + 1
        try:
            data = orjson.loads(line)
            i = line.rfind(HASH_KEY)
            recorded = data["recorded"]
            ok = (
                (
                    (data.keys() == RECORD_KEYS and data["v"] == SCHEMA_VERSION)
                    or v2_members_ok(data)  # (a signed record: its hash holds its event)
                )
                and data["seq"] == expected
                and data["prev"] == self.prev
                and type(data["event"]) is dict
                and type(recorded) is str
                and recorded >= self.recorded
                and type(data["batch"]["index"]) is int
                and type(data["batch"]["count"]) is int
                and i > 0
                and hash_at(line, i) == data["hash"]
                and orjson.dumps(data, option=orjson.OPT_SORT_KEYS) == line
            )
            if ok and may_nest(line):
                check_depth(data)  # records are read as every input is: 64 levels at most
        except (orjson.JSONDecodeError, orjson.JSONEncodeError, KeyError, TypeError, AttributeError):
            ok = False
        except NestingError as exc:
            msg = f"record {expected}: not a valid record ({exc})"
            raise IntegrityError(msg, seq=expected) from None
        if not ok:
            data = check_line(line, expected, self.prev, self.recorded).to_dict()
        checked: dict[str, Any] = data
        if self.ids is not None:
            event_id = data["event"].get("id")
            if isinstance(event_id, str):
                first = self.ids.setdefault(event_id, expected)
                if first != expected:
                    raise duplicate_id(event_id, first, expected)
        self.seq, self.prev, self.recorded = expected, checked["hash"], checked["recorded"]
        return checked


__all__ = ["RECORD_KEYS", "Chain", "duplicate_id"]
