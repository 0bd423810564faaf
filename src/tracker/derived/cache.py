"""The user's cache seen as a whole: which logs have derived state there, and pruning it.

Every log a user opens gets a private folder, ``CACHE/logs/DIGEST/`` (see :mod:`.files`), named
by the store's kind, the log's place and a digest of its first record, with an ``about`` file
saying which log it was made for. Nothing removes a folder when its log is moved, deleted or
replaced, so the cache grows with every log ever opened (a million-event log's read model is
about 300 MB). This module lists the folders with the state of their logs and removes the ones
no log needs any more. It never follows a link, never reads anything but a regular file, and
never touches the user's key (``derived.key``) or anything outside ``CACHE/logs/``.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import files

CURRENT = "current"
"""The log is still where it was, and it is the same log (same first record)."""
GONE = "gone"
"""Nothing (or no regular file) is where the log was: it was moved or deleted."""
REPLACED = "replaced"
"""Another log is where this one was (its first record differs): it has a folder of its own."""
NOT_CHECKED = "not checked"
"""A PostgreSQL log: the server is not asked (pruning keeps these unless told to remove all)."""
UNKNOWN = "unknown"
"""The folder says nothing readable about its log (made by an older tracker, or damaged)."""

PRUNABLE = frozenset({GONE, REPLACED, UNKNOWN})
"""The states whose folders no log can use any more."""

_ABOUT_LIMIT = 1 << 16
_FIRST_LINE_LIMIT = 1 << 26
"""How much of a log is read to find its first record (64 MiB: far longer than a record)."""
_NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


@dataclass(frozen=True)
class CachedLog:
    """One log's folder of derived state in the user's cache."""

    folder: Path
    """The folder (``CACHE/logs/DIGEST``)."""
    kind: str
    """The store: ``file`` or ``postgresql`` (empty when unknown)."""
    location: str
    """Where the log lived: a file's real path, or a database URL without its password."""
    state: str
    """:data:`CURRENT`, :data:`GONE`, :data:`REPLACED`, :data:`NOT_CHECKED` or :data:`UNKNOWN`."""
    size: int
    """Bytes held by the folder's files."""
    last_used: float | None
    """When a file in the folder last changed (POSIX seconds; None: the folder is empty)."""

    @property
    def last_used_at(self) -> datetime | None:
        """:attr:`last_used` as an aware UTC datetime."""
        return None if self.last_used is None else datetime.fromtimestamp(self.last_used, tz=UTC)

    @property
    def prunable(self) -> bool:
        """Whether no log can use this folder any more."""
        return self.state in PRUNABLE


def logs_folder() -> Path | None:
    """``CACHE/logs`` when the cache and that folder exist as private folders of this user."""
    root = files.cache_root()
    if root is None:
        return None
    logs = root / "logs"
    try:
        st = os.lstat(logs)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
        return None
    return logs


def cached_logs() -> list[CachedLog]:
    """Every log's folder of derived state in the user's cache, by where the log was.

    Each says where its log was and whether it is still there (``state``): ``current``,
    ``gone``, ``replaced`` (another log is at that path), ``not checked`` (PostgreSQL) or
    ``unknown``. Nothing is followed or opened but regular files; nothing is changed.
    """
    logs = logs_folder()
    if logs is None:
        return []
    out: list[CachedLog] = []
    try:
        names = sorted(os.listdir(logs))
    except OSError:
        return []
    for name in names:
        folder = logs / name
        try:
            st = os.lstat(folder)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode):
            continue  # a stray file or link: not a log's folder (the next open replaces it)
        out.append(_describe(folder))
    out.sort(key=lambda c: (c.location, c.folder.name))
    return out


def prune(entries: list[CachedLog], *, everything: bool = False) -> list[CachedLog]:
    """Remove the folders of ``entries`` no log can use (all of them with ``everything``);
    returns those removed. A folder is removed with everything in it, never following a link
    (:func:`files.discard`); the next command on a current log rebuilds what it needs."""
    removed: list[CachedLog] = []
    logs = logs_folder()
    for entry in entries:
        if not (everything or entry.prunable):
            continue
        if logs is None or entry.folder.parent != logs:
            continue  # only folders listed from this user's cache
        files.discard(entry.folder)
        if not os.path.lexists(entry.folder):
            removed.append(entry)
    return removed


def _describe(folder: Path) -> CachedLog:
    """A folder with what its ``about`` file says and the state of the log it names."""
    size, last = _usage(folder)
    about = files.read_file(folder / "about", limit=_ABOUT_LIMIT)
    parsed = _parse_about(about)
    if parsed is None:
        return CachedLog(folder, "", "", UNKNOWN, size, last)
    kind, location, origin = parsed
    if kind == "postgresql":
        state = NOT_CHECKED
    elif kind == "file":
        state = _file_state(location, origin)
    else:
        state = UNKNOWN
    return CachedLog(folder, kind, location, state, size, last)


def _parse_about(data: bytes | None) -> tuple[str, str, str] | None:
    """(kind, location, origin) from an ``about`` file: ``KIND LOCATION\\norigin DIGEST\\n``
    (a location may itself hold spaces or line breaks: the origin is the last line)."""
    if not data or not data.endswith(b"\n"):
        return None
    try:
        text = data[:-1].decode()
    except UnicodeDecodeError:
        return None
    body, _, last = text.rpartition("\n")
    kind, _, location = body.partition(" ")
    if not last.startswith("origin ") or not kind or not location:
        return None
    return kind, location, last.removeprefix("origin ")


def _file_state(location: str, origin: str) -> str:
    """Whether the file log at ``location`` is still the one whose first record hashes to
    ``origin``."""
    try:
        fd = os.open(location, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return GONE
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return GONE
        data = b""
        while b"\n" not in data and len(data) < _FIRST_LINE_LIMIT:
            chunk = os.pread(fd, 1 << 16, len(data))
            if not chunk:
                break
            data += chunk
    except OSError:
        return GONE
    finally:
        os.close(fd)
    end = data.find(b"\n")
    if end < 0:
        return REPLACED  # an empty file, or one without a whole first record: not that log
    return CURRENT if hashlib.sha256(data[:end]).hexdigest() == origin else REPLACED


def _usage(folder: Path) -> tuple[int, float | None]:
    """Bytes in ``folder``'s files (its sub-folders' too) and the newest change among them."""
    size = 0
    last: float | None = None
    for dirpath, _dirs, names in os.walk(folder, followlinks=False):
        for name in names:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                size += st.st_size
                last = st.st_mtime if last is None else max(last, st.st_mtime)
    return size, last


__all__ = [
    "CURRENT",
    "GONE",
    "NOT_CHECKED",
    "PRUNABLE",
    "REPLACED",
    "UNKNOWN",
    "CachedLog",
    "cached_logs",
    "logs_folder",
    "prune",
]
