"""SQL for analysts: the projections at two clocks as tables, on a read-only connection.

Interface version 2 (:data:`INTERFACE_VERSION`; the CHANGELOG says when it changes). A
connection opened at (``as_of``, ``known_at``) shows one table per projection result, with the
columns its rows' declared shape gives (what ``--json``, ``to_records()`` and the DataFrames
are built from: a partial date as six columns, a list as its JSON text):

====================  =========================================================================
``timeline``          every event that counts at ``as_of``, in occurred order
``uncertain``         events whose dates straddle ``as_of``
``stances``           the position in force per (holder, topic)
``stance_changes``    every classified change (new, hardened, softened, reversed, withdrawn)
``figures``           every figure, metric by metric, with its standing
``posture``           where each regulator stands toward each target
``posture_steps``     every escalation and step down
``posture_history``   every action of each pair opened, ended and superseded
``ignored_endings``   endings that do not fit the action they name (posture ignores them)
``claims``            every tested event, its status and verdicts
``verdicts``          every verdict
``fixes``             every correction, retraction and supersession, with its reason
``actors``            registered actors (``topics`` likewise; ``relations`` with their dates)
``clocks``            the clocks of the connection, the last record read and this version
====================  =========================================================================

The bitemporal base is there too, for questions across clocks: ``versions`` (every version of
every event, with ``rec_from``/``rec_to`` and ``counted_from``/``possible_from``; see
:mod:`tracker.derived.readmodel.schema`), ``version_keys``, ``fix_records`` and
``stamps``. Their shape may change between versions of the read model; the projection tables'
may not without a new interface version.

Read only, whatever the SQL: the database is opened with ``mode=ro``, and an authorizer allows
only reading (``SELECT``, reading columns, functions, recursive queries, and the ``table_info``
family of pragmas): no write, no ``ATTACH`` or ``VACUUM INTO`` (which would write a file), no
other pragma, no ``fts3_tokenizer``. The projection tables are made in the connection's own
temporary schema when a query first names them.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson

from tracker.errors import InvalidInputError
from tracker.projections.diff import CLOCKS
from tracker.projections.disputes import FixRow, TestedClaim, VerdictRow
from tracker.projections.figures import FigurePoint
from tracker.projections.posture import IgnoredEnding, PostureChange, PostureRow, PostureStep
from tracker.projections.registry import ACTOR_ROW, RELATION_ROW, TOPIC_ROW
from tracker.projections.shape import Column, Shape, integer, merge, text
from tracker.projections.stances import StanceChange, StanceStep
from tracker.projections.state import State
from tracker.projections.timeline import ENTRY_SHAPE

INTERFACE_VERSION = 2
"""The version of the tables ``tracker sql`` and ``Log.connect`` show (see the CHANGELOG)."""

_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE}
_PRAGMAS = {"table_info", "table_xinfo", "table_list"}
_DENIED_FUNCTIONS = {"fts3_tokenizer", "load_extension", "readfile", "writefile", "edit"}


def _authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None,
               _trigger: str | None) -> int:
    """Allow reading only (see the module docstring)."""
    if action in _ALLOWED:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION:
        return sqlite3.SQLITE_DENY if (arg2 or "").lower() in _DENIED_FUNCTIONS else sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _PRAGMAS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _actors(state: State) -> Iterator[dict[str, Any]]:
    for slug, reg in state.actors.items():
        entry = state.registry.actor_entries[slug]
        yield {"actor": slug, "name": reg.name, "kind": reg.kind, "aliases": reg.aliases,
               "jurisdiction": reg.jurisdiction, "relations": (), "event": entry.id,
               "seq": entry.seq}


def _topics(state: State) -> Iterator[dict[str, Any]]:
    for slug, reg in state.topics.items():
        entry = state.registry.topic_entries[slug]
        yield {"topic": slug, "name": reg.name, "description": reg.description,
               "event": entry.id}


def _relations(state: State) -> Iterator[dict[str, Any]]:
    for slug, reg in state.actors.items():
        for rel in reg.relations:
            yield {"source": slug, "type": rel.type, "target": rel.target, "start": rel.start,
                   "end": rel.end, "in_force": rel.in_force(state.as_of)}


_CLOCKS = merge(
    "sql_clocks",
    "The clocks a connection was opened at, the last record it reads, and its version.",
    CLOCKS,
    integer("head_seq", "the last record read (the log's, or the last recorded by known_at)"),
    text("head_hash", "that record's hash", nullable=True),
    integer("interface", "the version of these tables (see the CHANGELOG)"),
)


def _clocks(state: State) -> Iterator[dict[str, Any]]:
    yield {"as_of": state.as_of, "known_at": state.known_at,
           "known_at_record": getattr(state, "known_seq", None), "head_seq": state.head_seq,
           "head_hash": state.head_hash, "interface": INTERFACE_VERSION}


TABLES: dict[str, tuple[Shape, Callable[[State], Iterable[Any]]]] = {
    "timeline": (ENTRY_SHAPE, lambda s: s.timeline()),
    "uncertain": (ENTRY_SHAPE, lambda s: s.uncertain()),
    "stances": (StanceStep.SHAPE, lambda s: s.stances()),
    "stance_changes": (StanceChange.SHAPE, lambda s: s.stance_changes()),
    "figures": (FigurePoint.SHAPE, lambda s: s.figures().points),
    "posture": (PostureRow.SHAPE, lambda s: s.posture().current),
    "posture_steps": (PostureStep.SHAPE, lambda s: s.posture().steps),
    "posture_history": (PostureChange.SHAPE, lambda s: s.posture().history),
    "ignored_endings": (IgnoredEnding.SHAPE, lambda s: s.posture().ignored),
    "claims": (TestedClaim.SHAPE, lambda s: s.disputes().claims),
    "verdicts": (VerdictRow.SHAPE, lambda s: s.disputes().verdicts),
    "fixes": (FixRow.SHAPE, lambda s: s.disputes().fixes),
    "actors": (ACTOR_ROW, _actors),
    "topics": (TOPIC_ROW, _topics),
    "relations": (RELATION_ROW, _relations),
    "clocks": (_CLOCKS, _clocks),
}
"""Each projection table: the declared shape of its rows, and its rows at a state's clocks.

The table's columns are the shape's flat columns (a partial date gives six; a nested shape
none), in order; a list is stored as its JSON text, a boolean as 0 or 1."""

_SQL_TYPES = {"text": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER",
              "instant": "TEXT"}


def columns(name: str) -> tuple[Column, ...]:
    """The columns of table ``name``."""
    return TABLES[name][0].columns


_MISSING = re.compile(r"no such table: (?:temp\.)?(\w+)$")


class Tables:
    """The projection tables of one connection, made when a query first names them."""

    def __init__(self, db: sqlite3.Connection, state: State) -> None:
        """Serve ``state``'s answers as tables on ``db`` (a read-only connection)."""
        self.db = db
        self.state = state
        self.made: set[str] = set()
        db.set_authorizer(_authorize)
        # A query that runs away (a recursive CTE without end) stops on Ctrl-C: SQLite calls
        # back into Python every few thousand steps, where the signal's KeyboardInterrupt is
        # raised; SQLite then stops with 'interrupted' (see _interrupted).
        db.set_progress_handler(_keep_going, 10_000)

    def make(self, name: str) -> None:
        """Make one table (in the temporary schema), filled at the state's clocks."""
        if name in self.made:
            return
        shape, rows_of = TABLES[name]
        names = [c.name for c in shape.columns]
        many = [c.many for c in shape.columns]
        dump, dumps = shape.dump, orjson.dumps
        db = self.db
        db.set_authorizer(None)
        try:
            declared = ", ".join(f'"{c.name}" {_SQL_TYPES[c.kind]}' for c in shape.columns)
            db.execute(f'CREATE TEMP TABLE "{name}" ({declared})')
            insert = f'INSERT INTO temp."{name}" VALUES ({", ".join("?" * len(names))})'
            rows: list[tuple[Any, ...]] = []
            for item in rows_of(self.state):
                record = dump(item)
                rows.append(tuple(
                    dumps(record[c]).decode() if m else record[c]
                    for c, m in zip(names, many, strict=True)
                ))
                if len(rows) >= 5000:
                    db.executemany(insert, rows)
                    rows = []
            db.executemany(insert, rows)
        finally:
            db.set_authorizer(_authorize)
        self.made.add(name)

    def make_all(self, names: Iterable[str] | None = None) -> sqlite3.Connection:
        """Make the named tables (None: every one) now; return the (read-only) connection."""
        for name in TABLES if names is None else names:
            if name not in TABLES:
                msg = f"no table '{name}': the tables are {', '.join(TABLES)}"
                raise InvalidInputError(msg)
            self.make(name)
        return self.db

    def execute(self, query: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        """Run one read-only statement, making the tables it names first.

        Raises:
            InvalidInputError: the SQL is not one statement that only reads, or fails.
        """
        params = tuple(params)
        while True:
            try:
                return self.db.execute(query, params)
            except sqlite3.OperationalError as exc:
                _interrupted(exc)
                missing = _MISSING.search(str(exc))
                if missing and missing.group(1) in TABLES and missing.group(1) not in self.made:
                    self.make(missing.group(1))
                    continue
                raise _refused(exc) from None
            except (sqlite3.DatabaseError, sqlite3.ProgrammingError, sqlite3.Warning) as exc:
                raise _refused(exc) from None


class Answer:
    """The rows of one query: its column names, then its rows (tuples), read as they are
    iterated."""

    def __init__(self, cursor: sqlite3.Cursor, state: State) -> None:
        """Wrap an executed cursor; ``state`` is what its tables were made from."""
        self._cursor = cursor
        self.state = state
        """The state the tables hold (its clocks: ``as_of``, ``known_at``, ``head_seq``)."""
        self.columns: list[str] = [d[0] for d in cursor.description or ()]
        """The names of the result's columns, in order."""

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        while True:
            try:
                rows = self._cursor.fetchmany(1000)
            except sqlite3.OperationalError as exc:
                _interrupted(exc)
                raise _refused(exc) from None
            if not rows:
                return
            yield from rows

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per row (a column named twice keeps its last value)."""
        return [dict(zip(self.columns, row, strict=True)) for row in self]

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (needs ``tracker[pandas]``).

        Raises:
            ModuleNotFoundError: pandas is not installed (``pip install 'tracker[pandas]'``).
        """
        from tracker.projections.frames import _require

        pd = _require("pandas", "to_pandas")
        return pd.DataFrame.from_records(list(self), columns=self.columns)


def tables_of(state: State) -> Tables:
    """The tables of a state: on its read model's database (read only), or for a state folded
    in memory, on a private in-memory database (the projection tables only)."""
    from tracker.derived.readmodel.state import ReadState

    if isinstance(state, ReadState):
        return state.model.tables(state)
    from tracker.derived.readmodel.model import connect

    return Tables(connect(None), state)


def _keep_going() -> int:
    """SQLite's progress callback: carry on (a pending Ctrl-C raises here, in Python)."""
    return 0


def _interrupted(exc: sqlite3.OperationalError) -> None:
    """Raise KeyboardInterrupt if SQLite stopped because Ctrl-C was pressed."""
    if str(exc) == "interrupted":
        raise KeyboardInterrupt from None


def _refused(exc: Exception) -> InvalidInputError:
    text = str(exc)
    if "authoriz" in text:
        text += (
            " (tracker sql only reads: SELECT from the tables 'tracker sql --tables' lists)"
        )
    elif text.startswith("no such table"):
        from tracker._suggest import did_you_mean

        missing = _MISSING.search(text)
        own = ("versions", "version_keys", "fix_records")
        hint = did_you_mean(missing.group(1), (*TABLES, *own)) if missing else ""
        text += f"{hint} (the tables: {', '.join(TABLES)}; and {', '.join(own)})"
    elif "one statement at a time" in text:
        text = "give one statement (no ';' between statements)"
    return InvalidInputError(f"SQL: {text}")


__all__ = ["INTERFACE_VERSION", "TABLES", "Answer", "Tables", "columns", "tables_of"]
