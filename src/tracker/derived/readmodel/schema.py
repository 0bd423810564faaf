"""The read model's tables: event versions on two clocks, the keys that find them, the fixes.

One SQLite database per log, in the log's private cache folder (:mod:`tracker.derived.files`).
It holds no event's content: each row points at the record that holds it (its position in the
log and its hash), so the database stays small and the log stays the only truth. Its tables:

``versions``
    One row per version of an event: the event as first recorded, and again after each
    correction (its replacement) and each supersession (the same content, now superseded).
    Every row carries its **record-time validity**, ``rec_from <= K < rec_to``: the sequence
    numbers between which the log held it as the current version (``rec_to`` is NULL while it
    still is; ``ended_by`` says which fix ended it), and its **world placement** at any
    ``as_of`` T, in microseconds since the epoch: it *counts* when ``counted_from <= T`` (its
    latest possible instant is by then; registrations and undated events always count), is
    *uncertain* when only ``possible_from <= T``, else has not happened yet. ``sort_a``,
    ``sort_b`` and ``seq`` order it on the occurred clock, as the fold does.
``version_keys``
    Which versions concern what: ``a:ACTOR`` (every actor a world event names), ``R:ACTOR``
    (the registrations that relate to that actor), ``t:TOPIC``, ``m:METRIC``,
    ``r:EVENT`` (the events it points at: a verification's target, the action a closure ends),
    ``A:ACTOR`` and ``T:TOPIC`` (the registration of that actor or topic). The rows of any
    (``as_of``, ``known_at``) for a key are one indexed query.
``fix_records``
    Every correction, retraction and supersession by sequence number, with the version it
    ended (``before``), so a fix's history and a withdrawn stance are one lookup.
``stamps``
    Per recorded time, the last record with it and that record's hash: ``known_at`` becomes a
    sequence number with one lookup.
``meta``
    What the database covers (the last record folded in: its sequence number, position, hash
    and time) and for which code, sealed with the user's key.

The order-dependent work (stance changes, posture steps, figure standing) is not redone in
SQL: the rows of the keys asked about are turned back into the projections' own entries and
folded by the projections' own code (:mod:`tracker.derived.readmodel.state`).
"""

from __future__ import annotations

SCHEMA_VERSION = 1
"""Bumped when the tables change shape; a database of another version is rebuilt."""

OPEN = None
"""``rec_to`` of a version the log still holds as current."""

MIN_KEY = -(2**63)
"""``counted_from`` / ``possible_from`` of what always counts (registrations, undated events)."""

TABLES = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v ANY) WITHOUT ROWID;
CREATE TABLE stamps (
    recorded TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE versions (
    vid INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    rec_from INTEGER NOT NULL,
    rec_to INTEGER,
    ended_by TEXT,
    seq INTEGER NOT NULL,
    recorded TEXT NOT NULL,
    sort_a INTEGER NOT NULL,
    sort_b INTEGER NOT NULL,
    counted_from INTEGER NOT NULL,
    possible_from INTEGER NOT NULL,
    corrected_by TEXT NOT NULL,
    superseded_by TEXT,
    src INTEGER NOT NULL,
    src_seq INTEGER NOT NULL,
    src_hash BLOB NOT NULL
);
CREATE TABLE version_keys (
    key TEXT NOT NULL, vid INTEGER NOT NULL, PRIMARY KEY (key, vid)
)
    WITHOUT ROWID;
CREATE TABLE fix_records (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    before INTEGER,
    recorded TEXT NOT NULL,
    src INTEGER NOT NULL,
    src_hash BLOB NOT NULL
);
"""
"""The tables (their indexes: :data:`INDEXES` and :data:`LATE_INDEXES`)."""

INDEXES = """
CREATE INDEX versions_by_id ON versions (id, rec_from);
CREATE INDEX fixes_by_target ON fix_records (target, seq);
CREATE INDEX fixes_by_id ON fix_records (id);
"""
"""The indexes a build itself reads (a fix finds its target's version, a new id is checked
against the earlier ones): made with the tables."""

LATE_INDEXES = """
CREATE INDEX IF NOT EXISTS versions_by_time ON versions (sort_a, sort_b, seq);
"""
"""The index only answers read (the occurred order): made once, sorted, when a build (or a
catch-up) has folded in what it had, instead of being kept in order row by row."""

VERSION_COLUMNS = (
    "vid, id, type, rec_from, rec_to, ended_by, seq, recorded, sort_a, sort_b, counted_from, "
    "possible_from, corrected_by, superseded_by, src, src_seq, src_hash"
)
"""The columns of ``versions`` in table order (a row is a tuple in this order)."""

FIX_COLUMNS = "seq, id, kind, target, before, recorded, src, src_hash"

SEP = "\x1f"
"""Joins the ids of ``corrected_by`` (the unit separator: never part of an id)."""


__all__ = [
    "FIX_COLUMNS",
    "INDEXES",
    "LATE_INDEXES",
    "MIN_KEY",
    "OPEN",
    "SCHEMA_VERSION",
    "SEP",
    "TABLES",
    "VERSION_COLUMNS",
]
