"""Checkpoints: a replayed state saved beside a file log, so the next replay folds only what follows.

``LOG.checkpoint`` holds one state: what a replay with no ``as_of`` built from the log's first
record up to one record (its sequence number, the byte offset after it, its chain hash and its
recorded time are in the header). A later replay (with a ``known_at``, if any, not before that
record) loads it, checks that the log still holds that record with that hash at that offset, and
folds only the records after it. A late record (recorded now, occurred weeks ago) is one of
those: the projections take it in and out like any other, so it changes exactly what it
changes. A replay to an earlier ``known_at`` may load it and take back the records after its
cutoff (:meth:`State.rewind`); one to an ``as_of`` moves the state there after
(:meth:`State.place_at`). Only a replay with neither clock saves one.

The file is a JSON header line, the pickled state, and a last line with an HMAC of the two. It
is written atomically (a temporary file, fsync, rename) and ignored, to be rebuilt, when:

- the projections' code changed (the header carries a digest of their source files);
- the record at its offset no longer has its hash (the log was replaced or cut);
- it was not written on this machine: a pickle can run code, so the file ends with an HMAC
  under a key kept in the user's cache directory (``$TRACKER_CACHE_DIR``, else
  ``$XDG_CACHE_HOME/tracker``, else ``~/.cache/tracker``), never beside the log. A checkpoint
  that came with a log from elsewhere is never unpickled.

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
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from collections.abc import Callable

    from tracker.projections.state import State

CHECKPOINT_VERSION = 1
WRITE_AFTER = 20_000
"""A replay that folded at least this many records past its starting point saves a checkpoint."""

_CODE: list[str] = []


@dataclass(frozen=True, slots=True)
class Mark:
    """Where a checkpoint stands in the log."""

    seq: int
    position: int
    hash: str
    recorded: str


def checkpoint_path(log: Path) -> Path:
    """The checkpoint file beside the log at ``log``."""
    return log.with_name(log.name + ".checkpoint")


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
        files = sorted((root / "projections").glob("*.py")) + [
            root / "events" / "models.py",
            root / "events" / "dates.py",
            root / "events" / "units.py",
            Path(__file__),
        ]
        for path in files:
            with contextlib.suppress(OSError):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _CODE.append(digest.hexdigest())
    return _CODE[0]


_KEY_BYTES = 32


def _key() -> bytes | None:
    """This machine's checkpoint key, created on first use; None where none can be kept.

    A key file of any other length than a key's (empty after a crash, or edited) is never
    used: it is replaced by a new key, so no checkpoint signed under it loads.
    """
    try:
        base = os.environ.get("TRACKER_CACHE_DIR")
        if base:
            directory = Path(base)
        else:
            xdg = os.environ.get("XDG_CACHE_HOME")
            directory = (Path(xdg) if xdg else Path.home() / ".cache") / "tracker"
    except RuntimeError:  # no home directory to keep it in
        return None
    path = directory / "checkpoint.key"
    try:
        key: bytes | None = path.read_bytes()
    except FileNotFoundError:
        key = None
    except OSError:
        return None
    if key is not None and len(key) == _KEY_BYTES:
        return key
    # Made whole in a temporary file, then put in place in one step: no reader ever sees
    # a part of it. A missing key is linked (the first of two processes wins; the other
    # reads its key); a damaged one is replaced.
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, os.urandom(_KEY_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        if key is None:
            with contextlib.suppress(FileExistsError):
                os.link(temp, path)
        else:
            os.replace(temp, path)
        key = path.read_bytes()
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    return key if len(key) == _KEY_BYTES else None


_TRAILER = 65  # a newline and the HMAC's 64 hex digits, after the pickled state


class _MacWriter:
    """A file wrapper that feeds everything written through it to an HMAC as well."""

    def __init__(self, out: Any, mac: hmac.HMAC) -> None:
        self.out = out
        self.mac = mac

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.out.write(data)  # type: ignore[no-any-return]


def _new_mac(key: bytes, header: dict[str, Any]) -> hmac.HMAC:
    return hmac.new(key, orjson.dumps(header, option=orjson.OPT_SORT_KEYS), hashlib.sha256)


def _mark_of(line: bytes) -> Mark | None:
    """The mark in a checkpoint's header line, if it is one of this version and code."""
    try:
        header = orjson.loads(line)
        if header["version"] != CHECKPOINT_VERSION or header["code"] != code_version():
            return None
        seq, position = header["seq"], header["position"]
        digest, recorded = header["hash"], header["recorded"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None
    if type(seq) is not int or type(position) is not int:
        return None
    if not isinstance(digest, str) or not isinstance(recorded, str):
        return None
    return Mark(seq, position, digest, recorded)


def peek(log: Path) -> Mark | None:
    """Where the checkpoint beside ``log`` stands, from its header alone (None: none usable).

    Nothing is checked against the log or unpickled, and another process may replace the
    file before :func:`load` reads it: trust the mark :func:`load` returns, not this one.
    """
    try:
        with open(checkpoint_path(log), "rb") as f:
            return _mark_of(f.readline())
    except OSError:
        return None


def load(log: Path, still_there: Callable[[int, str], bool]) -> tuple[State, Mark] | None:
    """The saved state and where it stands, if it is valid for this log, code and machine.

    The HMAC is checked over the whole file before anything is unpickled.
    """
    key = _key()
    if key is None:
        return None
    try:
        f = open(checkpoint_path(log), "rb")  # noqa: SIM115 - closed below
    except OSError:
        return None
    with f:
        line = f.readline()
        mark = _mark_of(line)
        if mark is None or not still_there(mark.position, mark.hash):
            return None
        start = f.tell()
        end = os.fstat(f.fileno()).st_size - _TRAILER
        if end <= start:
            return None
        mac = _new_mac(key, orjson.loads(line))
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
            state = pickle.load(f)  # noqa: S301 - written on this machine, under its key
        except Exception:  # noqa: BLE001 - code moved under it: rebuilt, never fatal
            return None
    from tracker.projections.state import State

    return (state, mark) if isinstance(state, State) else None


def save(log: Path, state: State, mark: Mark) -> None:
    """Save ``state`` as standing at ``mark``, atomically; quietly skip where it cannot."""
    key = _key()
    if key is None:
        return
    header: dict[str, Any] = {
        "version": CHECKPOINT_VERSION,
        "code": code_version(),
        "seq": mark.seq,
        "position": mark.position,
        "hash": mark.hash,
        "recorded": mark.recorded,
    }
    mac = _new_mac(key, header)
    path = checkpoint_path(log)
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as out:
            out.write(orjson.dumps(header) + b"\n")
            pickle.dump(state, _MacWriter(out, mac), protocol=pickle.HIGHEST_PROTOCOL)
            out.write(b"\n" + mac.hexdigest().encode())
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):  # never fatal
        with contextlib.suppress(OSError):
            temp.unlink()


__all__ = ["CHECKPOINT_VERSION", "WRITE_AFTER", "Mark", "checkpoint_path", "code_version"]
