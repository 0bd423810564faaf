"""The index's files on disk: line formats, bucket and list names, and checked reads and writes.

See :mod:`tracker.derived.index` for what the index holds. Every file but ``state.json`` is
written at its valid end only (bytes past it are a flush that never saved its state) and read
whole, checked against the size and SHA-256 that the sealed ``state.json`` noted.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from pathlib import Path
from typing import Any

from tracker.derived import files
from tracker.events.models import EVENT_TYPES

_TARGET = {
    "correction": "corrects",
    "retraction": "retracts",
    "supersession": "supersedes",
    "verification": "target",
    "regulatory_action": "ends",
}
"""The field through which a record joins another event's family."""

_ACTOR_FIELDS: dict[str, tuple[str, ...]] = {
    kind: tuple(f for f, ns in model.REFS.items() if ns == "actor")
    for kind, model in EVENT_TYPES.items()
}

Entry = tuple[str, int, str, str, int, str]
"""(content digest, sequence number, event type, family root id or "", record offset,
the actors the event names, comma-separated)"""


class StaleIndexError(Exception):
    """A saved index file is shorter than its state says, or unreadable: rebuild."""


def _bucket(key: str, buckets: int) -> int:
    return zlib.crc32(key.encode()) & (buckets - 1)


def actors_named(event: dict[str, Any]) -> set[str]:
    """Every actor id an event dict names (a correction: its replacement's too)."""
    kind = event["type"]
    out: set[str] = set()
    for field in _ACTOR_FIELDS.get(kind, ()):
        value = event.get(field)
        if isinstance(value, str):
            out.add(value)
        elif isinstance(value, list | tuple):
            out.update(value)
    if kind == "actor":
        out.update(r["target"] for r in event.get("relations", ()))
    elif kind == "correction":
        out |= actors_named(event["replacement"])
    for source in event.get("sources", ()):  # a publisher registered as an actor
        publisher = source.get("publisher_id")
        if publisher is not None:
            out.add(publisher)
    return out


class _Family:
    __slots__ = ("interest", "offsets")

    def __init__(self, interest: set[str], offsets: list[int]) -> None:
        self.interest = interest
        self.offsets = offsets


def read_valid(path: str, size: int, digest: str | None) -> bytes:
    """The first ``size`` bytes of a saved file, if they have ``digest``.

    Raises:
        StaleIndexError: the file is missing, shorter, not a regular file of this user, or
            its bytes are not the ones saved.
    """
    fd = files.open_own(path, os.O_RDONLY)
    data = b""
    if fd is not None:
        try:
            data = os.read(fd, size)
            while 0 < len(data) < size:  # a short read: read on
                more = os.read(fd, size - len(data))
                if not more:
                    break
                data += more
        except OSError:
            data = b""
        finally:
            os.close(fd)
    if len(data) < size or hashlib.sha256(data).hexdigest() != digest:
        msg = f"{path} is not the file the index state describes"
        raise StaleIndexError(msg)
    return data


def write_at_valid_end(path: Path, data: bytes, at: int) -> tuple[int, str]:
    """Write ``data`` at byte ``at`` (the valid end) of a file; return its new valid size and
    the SHA-256 of its valid bytes.

    Raises:
        OSError: it cannot be written (the caller keeps the index in memory only).
    """
    fd = files.open_own(path, os.O_RDWR, create=True)
    if fd is None:
        raise OSError(path)
    try:
        os.ftruncate(fd, at)
        view = memoryview(data)
        while view:
            written = os.pwrite(fd, view, at)
            view, at = view[written:], at + written
        digest = hashlib.sha256()
        done = 0
        while done < at:
            chunk = os.pread(fd, min(at - done, 1 << 22), done)
            if not chunk:
                raise OSError(path)
            digest.update(chunk)
            done += len(chunk)
        return at, digest.hexdigest()
    finally:
        os.close(fd)


_SAFE_NAME = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")


def _list_file(actor: str) -> str:
    """The file of an actor's list ("": the registry's), safe whatever the id holds.

    Ids that events validate are safe file names; a record that was never validated (a log
    written by another program) may name anything, so any other id is hashed.
    """
    if not actor:
        return "registry"
    if set(actor) <= _SAFE_NAME and actor[0] not in "._-" and len(actor) <= 64:
        return f"actors/{actor}"
    return "actors/~" + hashlib.sha256(actor.encode()).hexdigest()[:32]


def _parse_id(line: bytes) -> tuple[str, Entry]:
    parts = line.split(b" ")
    if len(parts) != 7:
        msg = "an unreadable id line"
        raise StaleIndexError(msg)
    try:
        root, named = parts[4].decode(), parts[6].decode()
        return parts[0].decode(), (
            parts[1].decode(),
            int(parts[2]),
            parts[3].decode(),
            "" if root == "-" else root,
            int(parts[5]),
            "" if named == "-" else named,
        )
    except ValueError:
        msg = "an unreadable id line"
        raise StaleIndexError(msg) from None


__all__ = [
    "Entry",
    "StaleIndexError",
    "actors_named",
    "read_valid",
    "write_at_valid_end",
]
