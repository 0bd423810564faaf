"""Checkpoints: a replayed state kept in the log's folder, so the next replay folds only what follows.

The ``checkpoint`` file in the log's folder (:mod:`tracker.derived`) holds one state: what a
replay with no ``as_of`` built from the log's first record up to one record (its sequence
number, the byte offset after it, its chain hash and its recorded time are in the header), with
the event ids it saw (one id, one record: the records folded after it are checked against them).
A later replay (with a ``known_at``, if any, not before that record) loads it, checks that the
log still holds that record with that hash at that offset, and folds only the records after it.
A late record (recorded now, occurred weeks ago) is one of those: the projections take it in and
out like any other, so it changes exactly what it changes. A replay to an earlier ``known_at``
may load it and take back the records after its cutoff (:meth:`State.rewind`); one to an
``as_of`` moves the state there after (:meth:`State.place_at`). Only a replay with neither
clock saves one.

The file is a JSON header line, the pickled state, and a last line with an HMAC of the two under
the user's key (:mod:`tracker.derived.key`), bound to this log. It is written through
:func:`tracker.derived.files.atomic_write` and ignored, to be rebuilt, when:

- the projections' code changed (the header carries a digest of their source files);
- the record at its offset no longer has its hash (the log was replaced or cut);
- its MAC fails: a pickle can run code, so a checkpoint that came from anywhere else (another
  log's folder, another user, another machine, a hand edit) is never unpickled.

The header also holds the digest of every byte of the log before that offset (SHA-256, chained
stretch by stretch as replays fold the log on: :func:`prefix_digest`). The caller
(:class:`tracker.derived.core.Derived`) uses a checkpoint while the log file is untouched since
this user last verified it whole; once it changed (another user appended, say), only after the
bytes before the checkpoint's record are read again and still have that digest. An edit there,
even one that keeps every length and the anchor record's hash, is so never folded over.

Checkpoints are derived data: delete the file and everything still works, only slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from tracker._json import loads as json_loads
from tracker.derived import files, key

if TYPE_CHECKING:
    from collections.abc import Callable

    from tracker.projections.state import State

CHECKPOINT_VERSION = 3
WRITE_AFTER = 20_000
"""A replay that folded at least this many records past its starting point saves a checkpoint."""

_CODE: list[str] = []


Segments = tuple[tuple[int, str], ...]
"""The prefix digest: (end offset, SHA-256 hex) per stretch of the log folded in one go; each
digest covers the one before it and that stretch's bytes (:func:`prefix_digest`)."""


@dataclass(frozen=True, slots=True)
class Mark:
    """Where a checkpoint stands in the log, and the digest of every byte before it."""

    seq: int
    position: int
    hash: str
    recorded: str
    prefix: Segments = ()


def start_digest(prefix: Segments) -> hashlib._Hash:
    """A hasher that goes on from ``prefix`` (feed it the bytes after its last offset)."""
    return hashlib.sha256(bytes.fromhex(prefix[-1][1])) if prefix else hashlib.sha256()


def prefix_digest(read: Callable[[int, int], bytes], prefix: Segments) -> bool:
    """Whether the bytes ``read(start, end)`` gives still have the digests of ``prefix``.

    This is how a checkpoint is believed when the log file changed since this user last
    verified it whole (another user appended): every byte before its record is read and
    hashed again, which finds any edit there, even one that keeps every length.
    """
    start, previous = 0, b""
    for end, digest in prefix:
        hasher = hashlib.sha256(previous)
        at = start
        while at < end:
            chunk = read(at, min(end - at, 1 << 22))
            if not chunk:
                return False
            hasher.update(chunk)
            at += len(chunk)
        if hasher.hexdigest() != digest:
            return False
        start, previous = end, bytes.fromhex(digest)
    return bool(prefix)


def code_version() -> str:
    """A digest of the code a state's shape depends on (projections, events, this module)."""
    if not _CODE:
        import pydantic
        import pydantic_core

        import tracker

        root = Path(tracker.__file__).parent
        # The models pickle by their pydantic internals (events/models.py): a new pydantic,
        # or Python, may lay those out otherwise.
        versions = (tracker.__version__, pydantic.VERSION, pydantic_core.__version__, sys.version)
        digest = hashlib.sha256("\0".join(versions).encode())
        sources = sorted((root / "projections").glob("*.py")) + [
            root / "events" / "models.py",
            root / "events" / "dates.py",
            root / "events" / "units.py",
            Path(__file__),
        ]
        for path in sources:
            with contextlib.suppress(OSError):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _CODE.append(digest.hexdigest())
    return _CODE[0]


_TRAILER = 65  # a newline and the HMAC's 64 hex digits, after the pickled state


class _MacWriter:
    """A file wrapper that feeds everything written through it to an HMAC as well."""

    def __init__(self, out: Any, mac: hmac.HMAC) -> None:
        self.out = out
        self.mac = mac

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.out.write(data)  # type: ignore[no-any-return]


_KIND = "checkpoint"


def _new_mac(scope: str, header_line: bytes) -> hmac.HMAC | None:
    mac = key.new_mac(_KIND, scope)
    if mac is not None:
        mac.update(header_line + b"\n")
    return mac


def _mark_of(line: bytes) -> Mark | None:
    """The mark in a checkpoint's header line, if it is one of this version and code."""
    try:
        header = json_loads(line)
        if header["version"] != CHECKPOINT_VERSION or header["code"] != code_version():
            return None
        seq, position = header["seq"], header["position"]
        digest, recorded = header["hash"], header["recorded"]
        prefix = tuple((int(end), str(hexdigest)) for end, hexdigest in header["prefix"])
    except (ValueError, KeyError, TypeError):  # (ValueError: orjson's, the nesting limit's, hex)
        return None
    if type(seq) is not int or type(position) is not int or seq < 1 or position < 1:
        return None
    if not isinstance(digest, str) or not isinstance(recorded, str):
        return None
    if not prefix or prefix[-1][0] != position or any(
        b[0] <= a[0] or len(b[1]) != 64 for a, b in zip(((0, ""), *prefix[:-1]), prefix, strict=True)
    ):
        return None
    return Mark(seq, position, digest, recorded, prefix)


def _open(path: Path) -> IO[bytes] | None:
    fd = files.open_own(path, os.O_RDONLY)
    return None if fd is None else os.fdopen(fd, "rb")


def peek(path: Path) -> Mark | None:
    """Where the checkpoint at ``path`` stands, from its header alone (None: none usable).

    Nothing is checked against the log or unpickled, and another process may replace the
    file before :func:`load` reads it: trust the mark :func:`load` returns, not this one.
    """
    f = _open(path)
    if f is None:
        return None
    with f:
        try:
            return _mark_of(f.readline(4096))
        except OSError:
            return None


def load(
    path: Path, scope: str, still_there: Callable[[int, str], bool]
) -> tuple[State, dict[str, int], Mark] | None:
    """The saved state, its event ids and where it stands, if valid for this log, code and user.

    The HMAC is checked over the whole file before anything is unpickled.
    """
    f = _open(path)
    if f is None:
        return None
    with f:
        line = f.readline(4096)
        mark = _mark_of(line)
        if mark is None or not still_there(mark.position, mark.hash):
            return None
        mac = _new_mac(scope, line.rstrip(b"\n"))
        if mac is None:
            return None
        start = f.tell()
        end = os.fstat(f.fileno()).st_size - _TRAILER
        if end <= start:
            return None
        left = end - start
        while left > 0:
            chunk = f.read(min(left, 1 << 22))
            if not chunk:
                return None
            mac.update(chunk)
            left -= len(chunk)
        if not hmac.compare_digest(f.read()[1:], mac.hexdigest().encode()):
            return None
        f.seek(start)
        try:
            loaded = pickle.load(f)  # noqa: S301 - sealed under this user's key, for this log
        except Exception:  # noqa: BLE001 - code moved under it: rebuilt, never fatal
            return None
    from tracker.projections.state import State

    if (
        not isinstance(loaded, tuple)
        or len(loaded) != 2
        or not isinstance(loaded[0], State)
        or not isinstance(loaded[1], dict)
    ):
        return None
    return loaded[0], loaded[1], mark


def save(path: Path, scope: str, state: State, ids: dict[str, int], mark: Mark) -> None:
    """Save ``state`` (and the ids it saw) as standing at ``mark``; quietly skip where it cannot."""
    header: dict[str, Any] = {
        "version": CHECKPOINT_VERSION,
        "code": code_version(),
        "seq": mark.seq,
        "position": mark.position,
        "hash": mark.hash,
        "recorded": mark.recorded,
        "prefix": [list(segment) for segment in mark.prefix],
    }
    line = orjson.dumps(header, option=orjson.OPT_SORT_KEYS)
    mac = _new_mac(scope, line)
    if mac is None:
        return

    def write(out: IO[bytes]) -> None:
        out.write(line + b"\n")
        pickle.dump((state, ids), _MacWriter(out, mac), protocol=pickle.HIGHEST_PROTOCOL)
        out.write(b"\n" + mac.hexdigest().encode())

    with contextlib.suppress(pickle.PicklingError, TypeError, AttributeError):  # never fatal
        files.atomic_write(path, write)


__all__ = [
    "CHECKPOINT_VERSION",
    "WRITE_AFTER",
    "Mark",
    "Segments",
    "code_version",
    "load",
    "peek",
    "prefix_digest",
    "save",
    "start_digest",
]
