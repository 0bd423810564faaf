"""The trust rules on the PostgreSQL store (issue 13): one id, one record, enforced by the
database too (schema version 2, migrated from version 1); a write extends only a chain this
process has verified; ``head`` refuses a log that does not verify."""

from __future__ import annotations

import itertools
from typing import Any

import psycopg
import pytest

import tracker
from tracker.errors import IntegrityError
from tracker.events.codec import prepare_event
from tracker.store import postgres
from tracker.store.records import make_record_at

from .conftest import Server

_databases = itertools.count(1)

ACTOR = {"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"}
TOPIC = {"type": "topic", "topic": "paywall", "name": "The paywall"}


def _stored(event: dict[str, Any]) -> dict[str, Any]:
    """The event as a record holds it (canonical, with its derived id)."""
    return prepare_event(event)[1]


def _forge(conn: psycopg.Connection[Any], log: str, event: dict[str, Any]) -> int:
    """Insert a chain-valid record holding ``event`` after the head, as another program could
    (bypassing the head row lock and tracker's checks); returns its sequence number."""
    seq, prev, recorded = conn.execute(
        "SELECT seq, hash, recorded FROM tracker_logs WHERE name = %s", (log,)
    ).fetchone()
    record = make_record_at(
        seq=seq + 1, recorded=recorded or "2026-01-12T09:00:00.000000Z", batch_id=seq + 1,
        batch_index=0, batch_count=1,
        event=event, prev=prev,
    )
    row = postgres._row(log, record)
    conn.execute(postgres._SQL_INSERT, row)
    conn.execute(
        "UPDATE tracker_logs SET seq = %s, hash = %s, recorded = %s WHERE name = %s",
        (record.seq, record.hash, record.recorded, log),
    )
    return record.seq


def test_the_database_refuses_a_second_record_with_an_id(pg_server: Server) -> None:
    """Even a writer that bypasses tracker cannot store one event id in two records."""
    url = pg_server.url()
    with tracker.init(url) as log:
        log.append([ACTOR, TOPIC])
        name = log.store.log_name
        first = next(r for r in log.records() if r.event["type"] == "topic")
    with pg_server.connect() as conn, pytest.raises(psycopg.errors.UniqueViolation):
        _forge(conn, name, {**first.event, "name": "Another paywall"})


def test_a_write_onto_a_broken_chain_is_refused(pg_server: Server) -> None:
    """A record whose stored bytes were changed in the table stops the next write (exit 5),
    naming the record; ``head`` refuses to print a note for it."""
    url = pg_server.url()
    with tracker.init(url) as log:
        log.append([ACTOR, TOPIC])
        name = log.store.log_name
    with pg_server.connect() as conn:
        conn.execute(
            "UPDATE tracker_records SET line = convert_to(replace(convert_from(line, 'UTF8'), "
            "'Ofcom', 'OFCOM'), 'UTF8') WHERE log = %s AND seq = 1",
            (name,),
        )
    with tracker.open(url) as log:
        with pytest.raises(IntegrityError, match=r"record 1: .*log\.verify\(\)") as caught:
            log.append({"type": "topic", "topic": "fines", "name": "Fines"})
        assert caught.value.seq == 1
        assert log.head().seq == 2
        with pytest.raises(IntegrityError, match="record 1"):
            log.checkpoint()


def _v1_database(pg_server: Server) -> str:
    """A new database holding tracker tables at schema version 1 (as before issue 13)."""
    name = f"tracker_v1_{next(_databases)}"
    with pg_server.connect() as conn:
        conn.execute(f"CREATE DATABASE {name}")
    base = pg_server.base.replace("/tracker_test?", f"/{name}?")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE tracker_schema (version integer PRIMARY KEY, "
            "applied timestamptz NOT NULL DEFAULT clock_timestamp())"
        )
        for statement in postgres._MIGRATIONS[1]:
            conn.execute(statement)  # type: ignore[arg-type]
        conn.execute("INSERT INTO tracker_schema (version) VALUES (1)")
        conn.execute("INSERT INTO tracker_logs (name) VALUES ('desk')")
    return base


def test_a_version_1_database_is_migrated_to_refuse_reused_ids(pg_server: Server) -> None:
    """Opening a database of schema version 1 brings it to version 2: the unique index."""
    base = _v1_database(pg_server)
    with psycopg.connect(base, autocommit=True) as conn:
        _forge(conn, "desk", _stored(ACTOR))
    with tracker.open(f"{base}&log=desk") as log:
        assert log.verify().records == 1
        log.append(TOPIC)
    with psycopg.connect(base, autocommit=True) as conn:
        versions = conn.execute("SELECT version FROM tracker_schema ORDER BY 1").fetchall()
        unique = conn.execute(
            "SELECT indisunique FROM pg_index WHERE indexrelid = "
            "'tracker_records_event_id'::regclass"
        ).fetchone()
    assert versions == [(1,), (2,)]
    assert unique == (True,)


def test_a_version_1_database_with_a_reused_id_is_named_not_migrated(pg_server: Server) -> None:
    """A database whose log already holds an id twice cannot take the unique index: opening it
    names the log, the id and both records (exit 5), and leaves it at version 1."""
    base = _v1_database(pg_server)
    with psycopg.connect(base, autocommit=True) as conn:
        _forge(conn, "desk", _stored(ACTOR))
        _forge(conn, "desk", _stored(TOPIC))
        _forge(conn, "desk", {**_stored(ACTOR), "name": "OFCOM"})  # the registration's id again
    with pytest.raises(IntegrityError) as caught:
        tracker.open(f"{base}&log=desk")
    assert "'desk'" in caught.value.message and "records 1 and 3" in caught.value.message
    assert caught.value.exit_code == 5
    with psycopg.connect(base, autocommit=True) as conn:
        versions = conn.execute("SELECT version FROM tracker_schema ORDER BY 1").fetchall()
    assert versions == [(1,)]
