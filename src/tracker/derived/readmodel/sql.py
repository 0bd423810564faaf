"""SQL for analysts: the projections at two clocks as tables, on a read-only connection.

Interface version 1 (:data:`INTERFACE_VERSION`; the CHANGELOG says when it changes). A
connection opened at (``as_of``, ``known_at``) shows one table per projection result, with the
columns its rows' ``record()`` gives (the same as ``--json`` and ``to_records()``):

==================  ===========================================================================
``timeline``        every event that counts at ``as_of``, in occurred order
``uncertain``       events whose dates straddle ``as_of``
``stances``         the position in force per (holder, topic)
``stance_changes``  every classified change (new, hardened, softened, reversed, withdrawn)
``figures``         every figure, metric by metric, with its standing
``posture``         where each regulator stands toward each target
``posture_steps``   every escalation and step down
``claims``          every tested event, its status and verdicts
``verdicts``        every verdict
``fixes``           every correction, retraction and supersession, with its reason
``actors``          registered actors (``topics``, ``relations`` likewise)
``clocks``          the clocks of the connection, the last record read and this version
==================  ===========================================================================

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

from tracker.errors import InvalidInputError
from tracker.events.dates import format_instant
from tracker.projections.state import State
from tracker.projections.timeline import entry_record

INTERFACE_VERSION = 1
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
        yield {"actor": slug, "name": reg.name, "kind": reg.kind,
               "jurisdiction": reg.jurisdiction, "aliases": ",".join(reg.aliases),
               "registered_by": entry.id, "registered_seq": entry.seq}


def _topics(state: State) -> Iterator[dict[str, Any]]:
    for slug, reg in state.topics.items():
        entry = state.registry.topic_entries[slug]
        yield {"topic": slug, "name": reg.name, "description": reg.description,
               "registered_by": entry.id, "registered_seq": entry.seq}


def _relations(state: State) -> Iterator[dict[str, Any]]:
    for slug, reg in state.actors.items():
        for rel in reg.relations:
            yield {"source": slug, "relation": rel.type, "target": rel.target}


def _clocks(state: State) -> Iterator[dict[str, Any]]:
    yield {
        "as_of": format_instant(state.as_of) if state.as_of else None,
        "known_at": format_instant(state.known_at) if state.known_at else None,
        "head_seq": state.head_seq,
        "head_hash": state.head_hash,
        "interface": INTERFACE_VERSION,
    }


TABLES: dict[str, Callable[[State], Iterable[dict[str, Any]]]] = {
    "timeline": lambda s: (entry_record(e) for e in s.timeline()),
    "uncertain": lambda s: (entry_record(e) for e in s.uncertain()),
    "stances": lambda s: s.stances().to_records(),
    "stance_changes": lambda s: s.stance_changes().to_records(),
    "figures": lambda s: s.figures().to_records(),
    "posture": lambda s: s.posture().current.to_records(),
    "posture_steps": lambda s: s.posture().steps.to_records(),
    "claims": lambda s: s.disputes().claims.to_records(),
    "verdicts": lambda s: s.disputes().verdicts.to_records(),
    "fixes": lambda s: s.disputes().fixes.to_records(),
    "actors": _actors,
    "topics": _topics,
    "relations": _relations,
    "clocks": _clocks,
}
"""Each projection table and the rows it holds at a state's clocks."""

COLUMNS: dict[str, tuple[str, ...]] = {
    "timeline": ("id", "type", "occurred", "earliest", "latest", "precision", "approximate",
                 "summary", "actors", "topics", "tags", "publishers", "seq", "recorded",
                 "corrected", "superseded_by"),
    "stances": ("holder", "topic", "position", "since", "since_earliest", "since_latest",
                "until", "until_earliest", "until_latest", "evidence", "quote", "corrected_by",
                "superseded_by"),
    "stance_changes": ("holder", "topic", "kind", "occurred", "occurred_earliest",
                       "occurred_latest", "position_before", "position_after", "before",
                       "after", "quote", "reason", "corrected_by"),
    "figures": ("id", "metric", "subject", "reporter", "occurred", "occurred_earliest",
                "occurred_latest", "period", "period_earliest", "period_latest", "value",
                "lower", "upper", "unit", "approximate", "text", "given_value", "given_lower",
                "given_upper", "given_unit", "status", "disputed", "verdicts", "corrected_by",
                "superseded_by", "publishers"),
    "posture": ("regulator", "target", "rung", "level", "since", "since_earliest",
                "since_latest", "event", "jurisdiction", "open_actions", "actions"),
    "posture_steps": ("regulator", "target", "kind", "occurred", "occurred_earliest",
                      "occurred_latest", "event", "from_rung", "from_level", "to_rung",
                      "to_level"),
    "claims": ("event", "type", "summary", "occurred", "occurred_earliest", "occurred_latest",
               "placement", "status", "disputed", "verdicts", "verifications"),
    "verdicts": ("claim", "verification", "verifier", "verdict", "occurred",
                 "occurred_earliest", "occurred_latest", "finding", "corrected_by"),
    "fixes": ("id", "kind", "target", "target_type", "reason", "by", "before", "after", "seq",
              "recorded"),
    "actors": ("actor", "name", "kind", "jurisdiction", "aliases", "registered_by",
               "registered_seq"),
    "topics": ("topic", "name", "description", "registered_by", "registered_seq"),
    "relations": ("source", "relation", "target"),
    "clocks": ("as_of", "known_at", "head_seq", "head_hash", "interface"),
}
"""The columns of each table, in order (a test holds them to the rows' ``record()``)."""
COLUMNS["uncertain"] = COLUMNS["timeline"]

_MISSING = re.compile(r"no such table: (?:temp\.)?(\w+)$")


class Tables:
    """The projection tables of one connection, made when a query first names them."""

    def __init__(self, db: sqlite3.Connection, state: State) -> None:
        """Serve ``state``'s answers as tables on ``db`` (a read-only connection)."""
        self.db = db
        self.state = state
        self.made: set[str] = set()
        db.set_authorizer(_authorize)

    def make(self, name: str) -> None:
        """Make one table (in the temporary schema), filled at the state's clocks."""
        if name in self.made:
            return
        columns = COLUMNS[name]
        db = self.db
        db.set_authorizer(None)
        try:
            quoted = ", ".join(f'"{c}"' for c in columns)
            db.execute(f'CREATE TEMP TABLE "{name}" ({quoted})')
            insert = f'INSERT INTO temp."{name}" VALUES ({", ".join("?" * len(columns))})'
            rows: list[tuple[Any, ...]] = []
            for record in TABLES[name](self.state):
                rows.append(tuple(record[c] for c in columns))
                if len(rows) >= 5000:
                    db.executemany(insert, rows)
                    rows = []
            db.executemany(insert, rows)
        finally:
            db.set_authorizer(_authorize)
        self.made.add(name)

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
                missing = _MISSING.search(str(exc))
                if missing and missing.group(1) in TABLES and missing.group(1) not in self.made:
                    self.make(missing.group(1))
                    continue
                raise _refused(exc) from None
            except (sqlite3.DatabaseError, sqlite3.ProgrammingError, sqlite3.Warning) as exc:
                raise _refused(exc) from None


def _refused(exc: Exception) -> InvalidInputError:
    text = str(exc)
    if "authoriz" in text:
        text += (
            " (tracker sql only reads: SELECT from the tables 'tracker sql --tables' lists)"
        )
    elif text.startswith("no such table"):
        text += f" (the tables: {', '.join(TABLES)}; and versions, version_keys, fix_records)"
    elif "one statement at a time" in text:
        text = "give one statement (no ';' between statements)"
    return InvalidInputError(f"SQL: {text}")


__all__ = ["COLUMNS", "INTERFACE_VERSION", "TABLES", "Tables"]
