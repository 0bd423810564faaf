"""SQL on the read model: one table per projection at the chosen clocks, read only whatever
the SQL says."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

import tracker
from tracker.derived import files
from tracker.derived.readmodel import ReadModel
from tracker.derived.readmodel.source import StoreSource
from tracker.derived.readmodel.sql import INTERFACE_VERSION, TABLES, Tables, columns
from tracker.errors import InvalidInputError
from tracker.events.dates import parse_instant_bound
from tracker.examples import demo_log_path


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def model() -> ReadModel:
    """The read model of the bundled Grok case."""
    log = tracker.open(demo_log_path())
    source = StoreSource(log.store)
    built = ReadModel(files.log_folder("file", "demo", "origin"), "demo", source.lines_at,
                      source.anchored)
    built.extend(source.stream)
    return built


def tables(model: ReadModel, as_of: str | None = None, known_at: str | None = None) -> Tables:
    state = model.state(
        as_of=parse_instant_bound(as_of) if as_of else None,
        known_at=parse_instant_bound(known_at) if known_at else None,
    )
    return model.tables(state)


def test_every_table_has_the_declared_columns_of_its_rows(model: ReadModel) -> None:
    """Each table's columns are its rows' declared flat columns, in order, typed; each holds
    the state's rows as --json gives them (lists as JSON text, booleans as 0 or 1)."""
    sql = tables(model)
    state = model.state(as_of=None, known_at=None)
    for name, (shape, rows_of) in TABLES.items():
        names = [c.name for c in columns(name)]
        expected = []
        for record in shape.dump_all(rows_of(state)):
            expected.append(tuple(
                orjson.dumps(record[c]).decode() if isinstance(record[c], list)
                else int(record[c]) if isinstance(record[c], bool) else record[c]
                for c in names
            ))
        got = sql.execute(f"SELECT * FROM {name}").fetchall()
        assert got == expected, name
        info = sql.execute(f"PRAGMA table_info({name})").fetchall()
        assert [row[1] for row in info] == names


def test_the_tables_are_at_the_chosen_clocks(model: ReadModel) -> None:
    """A connection at (as_of, known_at) shows that replay's answers, and says its clocks."""
    sql = tables(model, as_of="2026-01-09", known_at="2026-01-12")
    log = tracker.open(demo_log_path())
    fold = log.replay(as_of="2026-01-09", known_at="2026-01-12", fold=True)
    assert sql.execute("SELECT id FROM timeline").fetchall() == [(i,) for i in fold.timeline().ids()]
    clocks = sql.execute("SELECT as_of, known_at, head_seq, interface FROM clocks").fetchone()
    assert clocks == ("2026-01-09T23:59:59.999999Z", "2026-01-12T23:59:59.999999Z",
                      fold.head_seq, INTERFACE_VERSION)
    holders = sql.execute(
        "SELECT holder, position FROM stances WHERE topic = ? ORDER BY holder", ("image-paywall",)
    ).fetchall()
    assert holders == sorted((s.holder, s.position) for s in fold.stances(topic="image-paywall"))


def test_the_bitemporal_base_answers_across_clocks(model: ReadModel) -> None:
    """The versions table keeps each version with the records between which it held."""
    sql = tables(model)
    rows = sql.execute(
        "SELECT id, rec_from, rec_to, ended_by FROM versions WHERE id = 'xai-quarterly-loss' "
        "ORDER BY rec_from"
    ).fetchall()
    assert [r[3] for r in rows] == ["correction", None]
    assert rows[0][2] == rows[1][1]


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM versions",
        "UPDATE meta SET v = 1",
        "INSERT INTO stances VALUES (1)",
        "DROP TABLE versions",
        "CREATE TABLE x (a)",
        "CREATE TEMP TABLE x (a)",
        "ATTACH DATABASE '{tmp}/evil.db' AS evil",
        "VACUUM INTO '{tmp}/evil.db'",
        "VACUUM",
        "PRAGMA journal_mode = DELETE",
        "PRAGMA query_only = OFF",
        "PRAGMA writable_schema = ON",
        "SELECT load_extension('/tmp/x.so')",
        "SELECT fts3_tokenizer('simple')",
        "SELECT 1; DELETE FROM versions",
        "BEGIN",
        "SAVEPOINT a",
        "REINDEX",
        "ANALYZE",
        "CREATE VIRTUAL TABLE v USING fts5(a)",
        "WITH x AS (SELECT 1) DELETE FROM versions",
    ],
)
def test_hostile_sql_cannot_write(model: ReadModel, tmp_path: Path, query: str) -> None:
    """Whatever the SQL, nothing is written, attached or loaded: one refusal naming SQL."""
    assert model.path is not None
    before = model.path.read_bytes()
    sql = tables(model)
    with pytest.raises(InvalidInputError, match="^SQL: "):
        sql.execute(query.format(tmp=tmp_path))
    assert not (tmp_path / "evil.db").exists()
    assert model.path.read_bytes() == before
    assert sql.execute("SELECT count(*) FROM versions").fetchone()[0] > 0


def test_a_mistake_in_sql_is_one_line(model: ReadModel) -> None:
    """A typo in a query is refused with SQLite's message, prefixed SQL:."""
    sql = tables(model)
    with pytest.raises(InvalidInputError, match="^SQL: no such column: nope"):
        sql.execute("SELECT nope FROM stances")
    with pytest.raises(InvalidInputError, match="^SQL: no such table: nowhere .the tables: timeline, uncertain"):
        sql.execute("SELECT * FROM nowhere")
    # Main listed the tables without naming the one a typo meant (review):
    with pytest.raises(InvalidInputError, match="^SQL: no such table: timline; did you mean 'timeline'"):
        sql.execute("SELECT * FROM timline")


def test_only_the_named_tables_are_made(model: ReadModel) -> None:
    """A query naming one table makes that table only (the others cost nothing)."""
    sql = tables(model)
    sql.execute("SELECT count(*) FROM stances").fetchone()
    assert sql.made == {"stances"}
    sql.execute("SELECT count(*) FROM figures f JOIN actors a ON a.actor = f.subject").fetchone()
    assert sql.made == {"stances", "figures", "actors"}
    assert os.fspath(model.path).endswith("readmodel.sqlite")
