"""The PostgreSQL store on a real server: schema, bytes, clock, locking, crashes, many writers."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

import tracker
from tracker.errors import (
    InvalidInputError,
    LockTimeoutError,
    LogExistsError,
    LogNotFoundError,
    StorageError,
)
from tracker.store.postgres import SQL_FIRST_AFTER, SQL_READ, parse_url

ACTOR = {"type": "actor", "id": "reg-ofcom", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"}


def statement(name: str, quote: str | None = None, occurred: str = "2026-01-05") -> dict[str, Any]:
    """A statement by Ofcom with id ``name``."""
    return {
        "type": "statement",
        "id": name,
        "speaker": "ofcom",
        "quote": quote or f"quote {name}",
        "occurred": occurred,
        "sources": [{"publisher": "Example News", "url": "https://example.org/a"}],
    }


def child(code: str, *args: str, **popen: Any) -> subprocess.Popen[str]:
    """Start a Python child process running ``code`` with ``args`` in sys.argv[1:]."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


class TestUrls:
    def test_the_log_name_and_password_are_taken_out_of_the_url(self):
        """?log= names the log and is not passed to libpq; the location hides the password."""
        conninfo, name, location = parse_url(
            "postgresql://ann:s3cret@db.example.org:5432/news?log=grok&sslmode=require"
        )
        assert name == "grok"
        assert conninfo == "postgresql://ann:s3cret@db.example.org:5432/news?sslmode=require"
        assert location == "postgresql://ann@db.example.org:5432/news?log=grok&sslmode=require"

    def test_a_url_without_a_log_name_means_the_default_log(self):
        """Leaving out ?log= selects the log called 'default'."""
        assert parse_url("postgres:///news") == ("postgres:///news", "default", "postgres:///news")

    @pytest.mark.parametrize("name", ["Grok", "-grok", "", "a b", "x" * 65])
    def test_an_invalid_log_name_is_refused(self, name):
        """A log name outside [a-z0-9][a-z0-9._-]{0,63} is refused with the rule and an example."""
        with pytest.raises(InvalidInputError, match=r"invalid log name .* \(e\.g\. \?log=grok\)"):
            parse_url(f"postgresql:///news?log={name}")


class TestSchema:
    def test_init_creates_the_schema_at_its_version_and_an_empty_log(self, pg_server, pg_url):
        """init records schema versions 1 and 2 and creates an empty log with its head row."""
        log = tracker.init(pg_url)
        with pg_server.connect() as conn:
            versions = conn.execute("SELECT version FROM tracker_schema").fetchall()
            name = log.store.log_name
            row = conn.execute(
                "SELECT seq, hash FROM tracker_logs WHERE name = %s", (name,)
            ).fetchone()
        assert sorted(versions) == [(1,), (2,)]
        assert row == (0, "0" * 64)
        assert log.head().seq == 0
        log.close()

    def test_init_refuses_an_existing_log_but_not_a_second_one(self, pg_server):
        """A second init of the same log is refused; another log in the same database is fine."""
        tracker.init(pg_server.url("desk-a")).close()
        with pytest.raises(
            LogExistsError, match="the log 'desk-a' already exists .* choose another name"
        ):
            tracker.init(pg_server.url("desk-a"))
        log_b = tracker.init(pg_server.url("desk-b"))
        log_b.append(ACTOR)
        log_a = tracker.open(pg_server.url("desk-a"))
        assert (log_a.head().seq, log_b.head().seq) == (0, 1)
        log_a.close()
        log_b.close()

    def test_opening_a_missing_log_says_how_to_create_it(self, pg_url):
        """Opening a log that was never created names it and the init command."""
        with pytest.raises(
            LogNotFoundError, match=r"no log 't\d+' in .* create it with 'tracker init --log"
        ):
            tracker.open(pg_url)

    def test_opening_a_database_without_tracker_tables_says_so(self, pg_server):
        """A database with no tracker schema is reported as holding no log."""
        with pg_server.connect() as conn:
            conn.execute("DROP DATABASE IF EXISTS tracker_empty")
            conn.execute("CREATE DATABASE tracker_empty")
        url = pg_server.url().replace("/tracker_test?", "/tracker_empty?")
        with pytest.raises(LogNotFoundError, match="the database has no tracker tables yet"):
            tracker.open(url)

    def test_an_unreachable_server_is_one_clear_line(self, pg_server, tmp_path):
        """A URL pointing at no server gives a StorageError naming the location and what to check."""
        url = f"postgresql:///tracker_test?host={tmp_path}&log=x"
        with pytest.raises(StorageError) as caught:
            tracker.open(url)
        assert caught.value.message.startswith(f"cannot connect to {url}: ")
        assert caught.value.message.endswith(
            "check the URL, and that the server is running and reachable"
        )
        assert "\n" not in caught.value.message

    def test_repair_has_nothing_to_cut_in_a_database(self, pg_url, clock):
        """A batch is one transaction, so repair finds no torn end; a missing log is still named."""
        with pytest.raises(LogNotFoundError):
            tracker.repair(pg_url)
        with tracker.open(pg_url, create=True, clock=clock) as log:
            log.append(ACTOR)
        assert tracker.repair(pg_url) is None

    def test_a_role_that_may_only_append_can_add_logs_and_append_but_not_edit(self, pg_server):
        """With the grants docs/postgres.md lists, a role inits a log and appends; UPDATE is denied."""
        tracker.init(pg_server.url()).close()  # the tables exist, made by their owner
        with pg_server.connect() as conn:
            conn.execute("DROP ROLE IF EXISTS desk")
            conn.execute("CREATE ROLE desk LOGIN")
            conn.execute("GRANT SELECT ON tracker_schema TO desk")
            conn.execute("GRANT SELECT, INSERT ON tracker_records TO desk")
            conn.execute("GRANT SELECT, INSERT, UPDATE ON tracker_logs TO desk")
        url = pg_server.url().replace(f"user={_owner(pg_server)}", "user=desk")
        with tracker.init(url) as log:
            log.append([ACTOR, statement("st-1")])
            assert log.verify().records == 2
            conninfo = parse_url(url)[0]
        with psycopg.connect(conninfo, autocommit=True) as desk:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                desk.execute("UPDATE tracker_records SET line = 'x'")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                desk.execute("DELETE FROM tracker_records")


def _owner(server: Any) -> str:
    return server.base.rsplit("user=", 1)[1]


class TestStoredRecords:
    def test_the_canonical_bytes_are_stored_as_they_are_beside_a_jsonb_copy(
        self, pg_server, pg_url, clock
    ):
        """The line column holds the exact canonical bytes; jsonb and the columns are copies."""
        log = tracker.open(pg_url, create=True, clock=clock)
        log.append([ACTOR, statement("st-1", occurred="2026-01-05")])
        record = list(log.records())[1]
        with pg_server.connect() as conn:
            row = conn.execute(
                "SELECT line, event, recorded, event_id, event_type, occurred_earliest, "
                "occurred_latest, hash, prev FROM tracker_records WHERE log = %s AND seq = 2",
                (log.store.log_name,),
            ).fetchone()
        assert row[0] == record.line()
        assert row[1] == record.event
        assert row[2] == datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
        assert row[3:5] == ("st-1", "statement")
        assert row[5] == datetime(2026, 1, 5, tzinfo=UTC)
        assert row[6] == datetime(2026, 1, 5, 23, 59, 59, 999999, tzinfo=UTC)
        assert row[7:] == (record.hash, record.prev)
        log.close()

    def test_a_nul_character_keeps_its_bytes_and_hash(self, pg_server, pg_url, clock):
        """An event holding U+0000 keeps its exact bytes (jsonb, which cannot, gets U+FFFD)."""
        log = tracker.open(pg_url, create=True, clock=clock)
        memory = tracker.open(":memory:", clock=type(clock)())
        for target in (log, memory):
            target.append([ACTOR, statement("st-nul", quote="a\x00b")])
        assert [r.line() for r in log.records()] == [r.line() for r in memory.records()]
        assert b'"quote":"a\\u0000b"' in list(log.records())[1].line()
        assert log.verify().records == 2
        assert str(log.head()) == str(memory.head())
        with pg_server.connect() as conn:
            quote = conn.execute(
                "SELECT event->>'quote' FROM tracker_records WHERE log = %s AND seq = 2",
                (log.store.log_name,),
            ).fetchone()
        assert quote == ("a\ufffdb",)
        log.close()

    def test_the_server_clock_stamps_appends_after_the_lock(self, pg_server, pg_url):
        """Without an injected clock, recorded is the server's time during the append."""
        log = tracker.open(pg_url, create=True)
        with pg_server.connect() as conn:
            before = conn.execute("SELECT clock_timestamp()").fetchone()[0]
            log.append(ACTOR)
            after = conn.execute("SELECT clock_timestamp()").fetchone()[0]
        recorded = next(log.records()).recorded_at
        assert before <= recorded <= after
        log.close()

    def test_the_server_clock_never_goes_below_the_last_record(self, pg_url):
        """After a record stamped in 2099, the server's earlier clock is clamped to it."""
        future = tracker.open(":memory:", clock=lambda: datetime(2099, 1, 1, tzinfo=UTC))
        future.append(ACTOR)
        log = tracker.open(pg_url, create=True)
        tracker.copy(future, log)
        log.append(statement("st-1"))
        assert [r.recorded for r in log.records()] == ["2099-01-01T00:00:00.000000Z"] * 2
        assert log.verify().records == 2
        log.close()


class TestIndexes:
    def test_a_known_at_read_probes_the_recorded_index_and_reads_a_key_range(
        self, pg_server, pg_url, clock
    ):
        """The queries behind a known_at replay use the (log, recorded, seq) index and the key."""
        source = tracker.open(":memory:", clock=clock)
        source.append(ACTOR)
        for i in range(40):
            source.append([statement(f"st-{i}-{j}") for j in range(50)])
        log = tracker.open(pg_url, create=True)
        tracker.copy(source, log)
        name = log.store.log_name
        cutoff = datetime(2026, 1, 12, 9, 5, tzinfo=UTC)
        with pg_server.connect() as conn, conn.transaction():
            conn.execute("ANALYZE tracker_records")
            probe = conn.execute(
                "EXPLAIN (FORMAT JSON) " + SQL_FIRST_AFTER, (name, cutoff)
            ).fetchone()[0]
            # reads go through a server-side cursor, planned as one (DECLARE)
            declare = "EXPLAIN (FORMAT JSON) DECLARE probe CURSOR FOR " + SQL_READ
            stream = conn.execute(declare, (name, 0, 251)).fetchone()[0]
        assert _indexes(probe) == ["tracker_records_recorded"]
        assert _indexes(stream) == ["tracker_records_pkey"]
        state = log.replay(known_at=cutoff)
        assert state.head_seq == 251  # the actor, then five batches of fifty
        log.close()

    def test_a_known_at_replay_never_fetches_what_was_recorded_later(
        self, pg_server, pg_url, clock
    ):
        """A replay to 09:01 succeeds even though record 4, recorded at 09:02, is unreadable."""
        log = tracker.open(pg_url, create=True, clock=clock)
        log.append([ACTOR, statement("st-1")])
        log.append(statement("st-2"))
        log.append(statement("st-3"))
        with pg_server.connect() as conn:
            conn.execute(
                "UPDATE tracker_records SET line = 'not a record' WHERE log = %s AND seq = 4",
                (log.store.log_name,),
            )
        state = log.replay(known_at="2026-01-12T09:01")
        assert state.head_seq == 3
        with pytest.raises(InvalidInputError, match="record 4: not a tracker record"):
            log.replay()
        log.close()


def _indexes(plan: Any) -> list[str]:
    """The index names a JSON plan scans (and no sequential scans)."""
    text = json.dumps(plan)
    assert "Seq Scan" not in text
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "Index Name" in node:
                found.append(node["Index Name"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(plan)
    return found


class TestLocking:
    def test_a_writer_waits_for_the_lock_and_gives_up_after_its_timeout(self, pg_url, clock):
        """While one writer holds the head row, another times out with a LockTimeoutError."""
        log = tracker.open(pg_url, create=True, clock=clock)
        log.append(ACTOR)
        other = tracker.open(pg_url, clock=clock, lock_timeout=0.2)
        with (
            log.store.writer(),
            pytest.raises(
                LockTimeoutError, match="another writer has held the lock on .* for over 0.2 s"
            ),
        ):
            other.append(statement("st-1"))
        assert other.append(statement("st-1"))[0].seq == 2
        log.close()
        other.close()

    def test_eight_processes_appending_500_events_each_keep_the_chain(self, pg_url):
        """8 processes x 500 appends: 4,001 contiguous records, each writer's order kept, chain verifies."""
        log = tracker.open(pg_url, create=True)
        log.append(ACTOR)
        code = """
            import sys, tracker
            url, who = sys.argv[1], sys.argv[2]
            log = tracker.open(url)
            for i in range(500):
                log.append({"type": "statement", "id": f"w{who}-{i}", "speaker": "ofcom",
                            "quote": f"writer {who} says {i}", "occurred": "2026-01-05",
                            "sources": [{"publisher": "P", "url": "https://example.org/a"}]})
            log.close()
        """
        workers = [child(code, pg_url, str(w)) for w in range(8)]
        for worker in workers:
            _out, err = worker.communicate(timeout=240)
            assert worker.returncode == 0, err
        records = list(log.records())
        assert [r.seq for r in records] == list(range(1, 4002))
        for w in range(8):
            mine = [r.event["id"] for r in records if r.event["id"].startswith(f"w{w}-")]
            assert mine == [f"w{w}-{i}" for i in range(500)]
        assert str(log.verify().head) == str(log.head())
        log.close()


class TestCrashes:
    def test_a_client_killed_mid_transaction_leaves_nothing_and_frees_the_lock(
        self, pg_server, pg_url, clock
    ):
        """SIGKILL after a batch is inserted but before COMMIT: no row of it remains, appends go on."""
        log = tracker.open(pg_url, create=True, clock=clock)
        log.append([ACTOR, statement("st-1")])
        code = """
            import sys, time, tracker
            from datetime import UTC, datetime
            from tracker.store.records import make_record
            log = tracker.open(sys.argv[1])
            with log.store.writer() as writer:
                head = writer.head()
                records, prev = [], head.hash
                for i in range(3):
                    event = {"type": "statement", "id": f"lost-{i}", "speaker": "ofcom",
                             "quote": "never committed", "occurred": "2026-01-05",
                             "sources": [{"publisher": "P", "url": "https://example.org/a"}]}
                    record = make_record(seq=head.seq + 1 + i, recorded=datetime.now(UTC),
                                         batch_id=head.seq + 1, batch_index=i, batch_count=3,
                                         event=event, prev=prev)
                    records.append(record)
                    prev = record.hash
                writer.stage(records, head)
                print("staged", flush=True)
                time.sleep(120)
        """
        process = child(code, pg_url)
        assert process.stdout.readline() == "staged\n"
        with pg_server.connect() as conn:
            locks = conn.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                "WHERE a.application_name = 'tracker' AND l.locktype = 'transactionid'"
            ).fetchone()
        assert locks[0] >= 1  # the child really is inside an open transaction
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        later = tracker.open(pg_url, clock=clock, lock_timeout=20)
        assert later.append(statement("st-2"))[0].seq == 3
        with pg_server.connect() as conn:
            ids = conn.execute(
                "SELECT event_id FROM tracker_records WHERE log = %s ORDER BY seq",
                (log.store.log_name,),
            ).fetchall()
        assert ids == [("reg-ofcom",), ("st-1",), ("st-2",)]
        assert later.verify().records == 3
        log.close()
        later.close()

    def test_a_client_killed_while_appending_loses_nothing_acknowledged(self, pg_url):
        """SIGKILL during a stream of 3-event batches: every acknowledged batch is there, none torn."""
        log = tracker.open(pg_url, create=True)
        log.append(ACTOR)
        code = """
            import sys, tracker
            log = tracker.open(sys.argv[1])
            n = 0
            while True:
                batch = [{"type": "statement", "id": f"b{n}-{j}", "speaker": "ofcom",
                          "quote": "batch", "occurred": "2026-01-05",
                          "sources": [{"publisher": "P", "url": "https://example.org/a"}]}
                         for j in range(3)]
                receipts = log.append(batch)
                print(receipts[-1].seq, flush=True)
                n += 1
        """
        process = child(code, pg_url)
        acked = [int(process.stdout.readline()) for _ in range(25)]
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        head = log.head()
        assert head.seq >= acked[-1]
        assert (head.seq - 1) % 3 == 0  # whole batches only
        seqs = [r.seq for r in log.records()]
        assert seqs == list(range(1, head.seq + 1))
        assert acked == [1 + 3 * (i + 1) for i in range(25)]
        assert log.verify().records == head.seq
        log.close()


class TestOptionalDriver:
    def test_the_file_store_never_imports_psycopg(self, tmp_path):
        """Appending, replaying, verifying and copying file logs leaves psycopg unimported."""
        code = """
            import sys, tracker
            log = tracker.open(sys.argv[1], create=True)
            log.append({"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"})
            log.replay(known_at="2030-01-01"); log.verify()
            tracker.copy(sys.argv[1], sys.argv[2])
            print(sorted(m for m in sys.modules if m.startswith("psycopg")))
        """
        process = child(code, str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"))
        out, err = process.communicate(timeout=60)
        assert (out, process.returncode) == ("[]\n", 0), err

    def test_a_missing_driver_is_one_line_naming_the_extra(self):
        """Without psycopg, opening a PostgreSQL URL says to install tracker[postgres]: a
        missing extra (it used to be a StorageError, exit 6, as if the disk had failed)."""
        code = """
            import sys
            sys.modules["psycopg"] = None  # as if the extra were not installed
            import tracker
            try:
                tracker.open("postgresql://localhost/news?log=grok")
            except tracker.TrackerError as exc:
                print(type(exc).__name__, exc)
        """
        process = child(code)
        out, err = process.communicate(timeout=60)
        assert out == (
            "MissingExtraError PostgreSQL logs need the psycopg driver: pip install "
            "'tracker[postgres]' (or use a file path for an embedded log)\n"
        ), err
