"""The index's table on disk: ``ids.sqlite``, opened safely, and what a row holds.

See :mod:`tracker.derived.index` for what the index holds and when it is believed. The
database is looked up, never loaded: an append's duplicate-id and reference checks read the few
rows they need through SQLite's B-tree, so the index costs a process a few megabytes of page
cache whatever the log's length (the buckets of text lines it replaced were held whole while
they were built, about 620 MB at a million events).

Like the read model (:mod:`tracker.derived.readmodel.model`), it lives in the log's private
folder, where nobody else can write: SQLite's side file (``-journal``, made by path next to the
database) cannot be planted there by anyone else, and the database is opened only once
:func:`~tracker.derived.files.open_own` has made sure it is a regular file of this user, with
``nofollow=1`` (SQLite refuses a symlink). Its ``meta`` row says which record its rows cover;
the sealed ``state.json`` must name the same one, else the whole index is rebuilt.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from tracker.derived import files

NAME = "ids.sqlite"

_SIDE = files.SQLITE_SIDE

TARGET_FIELD = {
    "correction": "corrects",
    "retraction": "retracts",
    "supersession": "supersedes",
    "verification": "target",
    "regulatory_action": "ends",
}
"""The field through which a record joins another event's family."""

Entry = tuple[str, int, str, str, int]
"""(content digest, sequence number, event type, family root id or "", record offset)"""

_TABLES = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v ANY) WITHOUT ROWID;
CREATE TABLE ids (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    digest TEXT NOT NULL,
    type TEXT NOT NULL,
    root TEXT NOT NULL,
    offset INTEGER NOT NULL
);
CREATE UNIQUE INDEX ids_by_id ON ids (id);
CREATE TABLE families (root TEXT PRIMARY KEY, offsets BLOB NOT NULL) WITHOUT ROWID;
"""
"""``ids``: one row per record, by sequence number (a save appends at the table's end), found
by its event id through ``ids_by_id`` (the first record that gave an id keeps it): only that
small index takes rows in random order, and it stays in the page cache while a save writes
50,000 of them (a table ordered by id alone made every save rewrite pages all over it: a
million-event import went 4x slower). ``families``: per family that grew past one record,
where its records start (little-endian 64-bit offsets)."""


class StaleIndexError(Exception):
    """A saved index is unreadable or does not match its state: rebuild."""


def _connect(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(os.fspath(path))}?mode=rw&nofollow=1"
    db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30.0,
                         check_same_thread=False)
    db.execute("PRAGMA trusted_schema = OFF")  # no function of a crafted schema is ever run
    db.execute("PRAGMA cache_size = -48000")  # at most 48 MB of pages (the id index at 1M)
    db.execute("PRAGMA synchronous = OFF")  # derived: a torn file fails its checks, is rebuilt
    return db


def open_ids(directory: Path) -> sqlite3.Connection | None:
    """The saved index's database in ``directory`` (None: there is none, or not a file of ours).

    Raises:
        StaleIndexError: it is not a database of this shape.
    """
    path = directory / NAME
    fd = files.open_own(path, os.O_RDONLY)
    if fd is None:
        return None
    os.close(fd)
    files.own_side_files(path)
    try:
        db = _connect(path)
        db.execute("SELECT seq, id, digest, type, root, offset FROM ids LIMIT 0").fetchall()
        db.execute("SELECT root, offsets FROM families LIMIT 0").fetchall()
    except sqlite3.Error:
        msg = f"{path} is not an index database"
        raise StaleIndexError(msg) from None
    return db


def create_ids(directory: Path) -> sqlite3.Connection | None:
    """A new, empty index database in ``directory`` in place of whatever was there (None: no
    private file can be had there)."""
    path = directory / NAME
    for suffix in ("", *_SIDE):
        files.discard(path.with_name(path.name + suffix))
    fd = files.open_own(path, os.O_RDWR, create=True)
    if fd is None:
        return None
    os.close(fd)
    try:
        db = _connect(path)
        db.execute("PRAGMA journal_mode = DELETE")
        db.execute("BEGIN IMMEDIATE")
        for statement in _TABLES.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('seq', 0)")
        db.execute("COMMIT")
    except sqlite3.Error:
        return None
    return db


def covered(db: sqlite3.Connection) -> int | None:
    """The sequence number of the last record the database's rows cover (None: unreadable)."""
    try:
        row = db.execute("SELECT v FROM meta WHERE k = 'seq'").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row is not None and isinstance(row[0], int) else None


__all__ = ["NAME", "TARGET_FIELD", "Entry", "StaleIndexError", "covered", "create_ids", "open_ids"]
