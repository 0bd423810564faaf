"""The read model of one log: open it, check it, catch it up, read a state from it.

The database lives in the log's private folder in the user's cache
(:func:`tracker.derived.files.log_folder`): nobody but this user can write there, so SQLite's
side files (``-wal``, ``-shm``, ``-journal``, made by path next to the database) cannot be
planted or redirected by anyone else; the database itself is opened only once
:func:`~tracker.derived.files.open_own` has made sure it is a regular file of this user, and
with ``nofollow=1`` (SQLite refuses a symlink). It is believed only while:

- its ``meta`` rows carry a valid MAC under the user's key, bound to this log (a database
  copied from another log's folder, another user or another machine is rebuilt);
- it was written for this schema and this code (a digest of the projections', events' and
  read model's source files, and pydantic's and Python's versions: what decides its rows);
- the log still holds, at the position noted, the record it says it covers (by its hash).

Otherwise it is thrown away and built again from the log. It is written in one transaction per
chunk of records (write-ahead log, ``synchronous=NORMAL``: a crash may lose the last chunks,
never leave a half-written one), each noting what it covers, so a build cut short resumes
where it stopped. Another process catching up at the same time waits for the write lock and
then skips what was folded in first. Readers never wait: a state reads the versions valid at its
``known_at``, which no later catch-up changes (versions are only ever closed after their
record-time validity only ever gets an end after the newest record a state can ask about).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import os
import sqlite3
import sys
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from tracker.derived import files, key
from tracker.derived.readmodel.build import Builder, RecordIn
from tracker.derived.readmodel.schema import INDEXES, LATE_INDEXES, SCHEMA_VERSION, TABLES

if TYPE_CHECKING:
    from tracker.derived.readmodel.sql import Tables
    from tracker.derived.readmodel.state import ReadState

NAME = "readmodel.sqlite"
_SIDE = files.SQLITE_SIDE
_KIND = "readmodel"

LinesAt = Callable[[Sequence[int]], Sequence[bytes]]
"""Reads the records that start at the given positions of the log (one line each, in order)."""
Stream = Callable[["Mark"], Iterable[RecordIn]]
"""Streams the records after what a read model covers (a mark of sequence number 0: from the
first record), checking them against the chain from the mark's record."""


@dataclass(frozen=True, slots=True)
class Mark:
    """What a read model covers: the last record folded in."""

    seq: int
    position: int
    hash: str
    recorded: str


_CODE: list[str] = []


def code_version() -> str:
    """A digest of what decides the read model's rows: the projections', events' and read
    model's source files, and the versions of pydantic and Python."""
    if not _CODE:
        import pydantic
        import pydantic_core

        import tracker

        root = Path(tracker.__file__).parent
        digest = hashlib.sha256(
            "\0".join(
                (str(SCHEMA_VERSION), pydantic.VERSION, pydantic_core.__version__, sys.version)
            ).encode()
        )
        for folder in ("projections", "events", "derived/readmodel"):
            for path in sorted((root / folder).glob("*.py")):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _CODE.append(digest.hexdigest())
    return _CODE[0]


def connect(
    path: Path | None, *, readonly: bool = False, query_only: bool = False
) -> sqlite3.Connection:
    """A connection to the database at ``path`` (None: a private one in memory).

    The file must already be a regular file of this user (:func:`open_own`); ``nofollow=1``
    makes SQLite refuse it if it became a symlink since. ``readonly``: opened with ``mode=ro``
    (what runs a user's SQL). ``query_only``: opened for writing but refusing every change
    (a state's reader: our own queries only); unlike a ``mode=ro`` connection, it can
    checkpoint, so whichever of the writer and the readers closes last folds the write-ahead
    log into the database and deletes it.
    """
    if path is None:
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    else:
        mode = "ro" if readonly else "rw"
        uri = f"file:{quote(os.fspath(path))}?mode={mode}&nofollow=1"
        db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=60.0,
                             check_same_thread=False)
    db.execute("PRAGMA trusted_schema = OFF")  # no function of a crafted schema is ever run
    db.execute("PRAGMA cache_size = -32000")
    if path is not None and query_only:
        db.execute("PRAGMA query_only = ON")
    elif path is not None and not readonly:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
    return db


def shut(db: sqlite3.Connection) -> None:
    """Close a connection that may write, folding the write-ahead log into the database first.

    The last connection to close does that by itself (and deletes the ``-wal`` and ``-shm``
    files); a connection closing while others (a state's reader, another process) stay open
    does not, and a ``mode=ro`` connection never can. So the WAL is checkpointed and truncated
    to nothing here, waiting at most a moment for a reader in the middle of a query (then it
    checkpoints what it can, and the last to close does the rest).
    """
    with contextlib.suppress(sqlite3.Error):
        if not db.in_transaction:
            db.execute("PRAGMA busy_timeout = 50")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    with contextlib.suppress(sqlite3.Error):
        db.close()


class ReadModel:
    """The read model of one log (see the module docstring).

    Args:
        folder: the log's private folder (None: keep it in memory, for this process only).
        scope: what the log's derived files are sealed under (its kind, place and origin).
        lines_at: reads records back by the positions the stream gave.
        anchored: whether the log still holds a record with a hash, ending at a position.
    """

    def __init__(
        self,
        folder: Path | None,
        scope: str,
        lines_at: LinesAt,
        anchored: Callable[[int, str], bool],
    ) -> None:
        self.path = folder / NAME if folder is not None else None
        self.scope = scope
        self.lines_at = lines_at
        self._anchored = anchored
        self._db: sqlite3.Connection | None = None
        self._closer: weakref.finalize[[sqlite3.Connection], ReadModel] | None = None

    # --- opening ---------------------------------------------------------------------------

    @property
    def db(self) -> sqlite3.Connection:
        """The open connection (opened, checked and if need be rebuilt on first use; closed,
        with its write-ahead log checkpointed, by :meth:`close`, or when this object is
        collected or the process exits)."""
        if self._db is None:
            self._db = self._open()
            self._closer = weakref.finalize(self, shut, self._db)
        return self._db

    def _open(self) -> sqlite3.Connection:
        with self._alone():
            if self.path is not None:
                fd = files.open_own(self.path, os.O_RDWR, create=True)
                if fd is None:
                    self.path = None  # no private file can be had: keep it in memory
                else:
                    os.close(fd)
                    files.own_side_files(self.path)
            try:
                db = connect(self.path)
                if self._believed(db):
                    return db
                db.close()
            except sqlite3.DatabaseError:  # not a database, or a damaged one: build it again
                pass
            return self._fresh()

    @contextlib.contextmanager
    def _alone(self) -> Iterator[None]:
        """Check the database, and make it anew if need be, one process (or thread) at a time
        (an exclusive ``flock`` on ``readmodel.sqlite.lock`` beside it).

        Without it, the first uses of a log at once raced: one saw the database another was
        making (no ``meta`` yet), took it for damaged, and deleted it under the other's open
        connection ("disk I/O error", "table meta already exists", "no such table"). Catching
        up needs no such lock: SQLite's write lock orders it (:meth:`extend`).
        """
        if self.path is None:
            yield
            return
        fd = files.open_own(self.path.with_name(self.path.name + ".lock"), os.O_RDWR, create=True)
        if fd is None:
            yield
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # (closing releases the lock)

    def _fresh(self) -> sqlite3.Connection:
        """An empty database in place of whatever was there."""
        if self.path is not None:
            for suffix in ("", *_SIDE):
                files.discard(self.path.with_name(self.path.name + suffix))
            fd = files.open_own(self.path, os.O_RDWR, create=True)
            if fd is None:
                self.path = None
            else:
                os.close(fd)
        db = connect(self.path)
        db.execute("BEGIN IMMEDIATE")
        for statement in (TABLES + INDEXES).split(";"):
            if statement.strip():
                db.execute(statement)
        self._write_meta(db, Mark(0, 0, "", ""))
        db.execute("COMMIT")
        return db

    def _believed(self, db: sqlite3.Connection) -> bool:
        """Whether an opened database may be believed (see the module docstring)."""
        try:
            meta = dict(db.execute("SELECT k, v FROM meta").fetchall())
        except sqlite3.DatabaseError:
            return False
        mark = _mark(meta)
        if mark is None:
            return False
        mac, given = self._mac(mark), meta.get("mac")
        if mac is None or not isinstance(given, str) or not hmac.compare_digest(mac, given):
            return False
        return mark.seq == 0 or self._anchored(mark.position, mark.hash)

    def _mac(self, mark: Mark) -> str | None:
        mac = key.new_mac(_KIND, self.scope)
        if mac is None:
            return None
        body = "\0".join(
            (str(SCHEMA_VERSION), code_version(), str(mark.seq), str(mark.position), mark.hash,
             mark.recorded)
        )
        mac.update(body.encode())
        return mac.hexdigest()

    def _write_meta(self, db: sqlite3.Connection, mark: Mark) -> None:
        mac = self._mac(mark) if self.path is not None else "memory"
        rows = [
            ("schema", SCHEMA_VERSION), ("code", code_version()), ("seq", mark.seq),
            ("position", mark.position), ("hash", mark.hash), ("recorded", mark.recorded),
            ("mac", mac or ""),
        ]  # fmt: skip
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows)

    @property
    def covered(self) -> Mark:
        """The last record folded in (sequence number 0: none yet)."""
        meta = dict(self.db.execute("SELECT k, v FROM meta").fetchall())
        mark = _mark(meta)
        assert mark is not None
        return mark

    # --- catching up -------------------------------------------------------------------------

    def extend(self, stream: Stream) -> int:
        """Fold in every record the log holds past what is covered; return how many.

        ``stream`` is called with the mark of the last record covered.
        """
        db = self.db
        folded = 0
        # A build from nothing writes a file that is thrown away if it is cut short (a damaged
        # database is rebuilt, and each chunk's commit says what it covers): no fsync then.
        building = self.path is not None and self.covered.seq == 0
        if building:
            db.execute("PRAGMA synchronous = OFF")
        db.execute("BEGIN IMMEDIATE")
        try:
            mark = self.covered
            from tracker.derived.readmodel.read import Reader

            reader = Reader(db, self.lines_at, 0)
            builder = Builder(db, lambda row: reader.entries([tuple(row)])[0])
            for count in builder.feed_all(stream(mark), mark.seq):
                if builder.last is not None:
                    seq, record_hash, end, recorded = builder.last
                    self._write_meta(db, Mark(seq, end, record_hash, recorded))
                db.execute("COMMIT")
                folded = count
                db.execute("BEGIN IMMEDIATE")
                if self.covered.seq != (builder.last[0] if builder.last else mark.seq):
                    break  # another process took the lock between two chunks and folded on
            db.execute(LATE_INDEXES)  # (made, sorted, once a build is whole; else nothing)
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        finally:
            if building:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("PRAGMA synchronous = NORMAL")
        return folded

    def discard(self) -> None:
        """Throw the database away (it is rebuilt on next use)."""
        self.close()
        if self.path is not None:
            with self._alone():
                for suffix in ("", *_SIDE):
                    files.discard(self.path.with_name(self.path.name + suffix))

    def close(self) -> None:
        """Close the connection."""
        if self._closer is not None:
            self._closer()
        self._db = None

    # --- reading ---------------------------------------------------------------------------

    def state(
        self,
        *,
        as_of: datetime | None,
        known_at: datetime | None,
        upto: tuple[int, str | None] | None = None,
    ) -> ReadState:
        """The projections at (``as_of``, ``known_at``), read on demand from the database;
        ``upto``: the record ``known_at`` was given as (see :class:`ReadState`)."""
        from tracker.derived.readmodel.state import ReadState

        return ReadState(self, as_of=as_of, known_at=known_at, upto=upto)

    def reader(self) -> sqlite3.Connection:
        """A connection of its own for one state (read only): the state outlives the log's
        open handle (a command closes the log, then prints), and never sees a half-made chunk."""
        if self.path is None:
            return self.db
        self.db  # noqa: B018 - opened, checked (and rebuilt if need be) first
        return connect(self.path, query_only=True)

    def tables(self, state: ReadState) -> Tables:
        """A read-only connection showing ``state``'s answers as tables (:mod:`.sql`)."""
        from tracker.derived.readmodel.sql import Tables

        db = connect(self.path, readonly=True) if self.path is not None else connect(None)
        return Tables(db, state)


def _mark(meta: dict[str, object]) -> Mark | None:
    try:
        if meta["schema"] != SCHEMA_VERSION or meta["code"] != code_version():
            return None
        seq, position = meta["seq"], meta["position"]
        record_hash, recorded = meta["hash"], meta["recorded"]
    except KeyError:
        return None
    if not (isinstance(seq, int) and isinstance(position, int)):
        return None
    if not (isinstance(record_hash, str) and isinstance(recorded, str)):
        return None
    return Mark(seq, position, record_hash, recorded)


__all__ = ["NAME", "LinesAt", "Mark", "ReadModel", "Stream", "code_version", "connect", "shut"]
