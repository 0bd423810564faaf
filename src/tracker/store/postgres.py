"""The shared store: a log in PostgreSQL, for a team appending to one record from many machines.

Select it with a URL wherever a log path goes (``tracker.open``, ``--log``, ``TRACKER_LOG``)::

    postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE?log=NAME[&sslmode=require...]

One database holds several logs (one per controversy), each named by the ``log`` query
parameter (``default`` when it is left out). Every other query parameter goes to libpq as it is
(``host=/path/to/socket/dir``, ``sslmode``, ``connect_timeout``, ...); a password may also come
from ``PGPASSWORD`` or ``~/.pgpass``. psycopg 3 is the driver, an optional extra
(``pip install 'tracker[postgres]'``): the embedded file store never imports this module.

Tables (schema version 2; ``tracker_schema`` records the version, so later versions migrate)::

    tracker_schema   version, applied
    tracker_logs     name (key), seq, hash, recorded: one head row per log
    tracker_records  (log, seq) key; recorded (timestamptz); batch_id, batch_index,
                     batch_count; v; prev; hash; event_id; event_type; occurred_earliest,
                     occurred_latest; line (bytea: the canonical bytes, as they are);
                     event (jsonb: a queryable copy only, since jsonb reorders keys);
                     (log, event_id) unique: one id, one record (version 2)

The stored ``line`` is the record's canonical bytes, byte for byte what the file store writes
on a line. Reads parse it (never the jsonb copy), and ``verify`` checks it, so a log copied
between stores verifies with the same head.

Serialising appends: a writer takes the log's head row with ``SELECT ... FOR UPDATE`` and holds
it until its transaction ends. Chosen over advisory locks because the row lock is part of the
data: it is taken and released by the same transaction that writes the batch (commit or
rollback releases it, and so does a client that dies, as the server aborts its transaction);
it needs no agreed-upon lock key namespace shared with other applications in the database; and
it works unchanged on the distributed engines that speak PostgreSQL's protocol (CockroachDB,
YugabyteDB), which do not all implement ``pg_advisory_lock``. The head row also makes the
chain's tip one cheap read. A guard on the head update (``WHERE seq = old AND hash = old``) and
the ``(log, seq)`` primary key refuse a second writer even if someone bypasses the lock.

Recorded time: read from the server's clock (``clock_timestamp()``) inside the transaction,
after the head row is locked, so it is never earlier than the record before (and clamped to it
if the server's clock stepped back). A clock injected into ``tracker.open`` (tests and the
bundled example) is used instead.

Acknowledgement: a batch is one transaction; ``Writer.append`` returns only after COMMIT (with
PostgreSQL's default ``synchronous_commit=on`` the commit is durable on the server). A refused
or failed append rolls back and leaves nothing. A commit whose outcome is unknown (the
connection dropped during COMMIT) is reported as a :class:`~tracker.errors.StorageError` saying
so, never as "ok".

Reads stream through a server-side cursor in chunks. A ``known_at`` replay finds the first
record recorded after the cut-off through the ``(log, recorded, seq)`` index (one index probe),
then streams only the sequence range before it through the primary key: a replay to an early
date reads the early records, not the table. ``as_of`` cannot cut the read: fixes apply by
``known_at`` alone and a correction can move an event that had not yet occurred into the
window, so replay must see every record before the cut-off; ``occurred_earliest`` and
``occurred_latest`` are indexed for queries in SQL (``WHERE occurred_latest <= ...``).

Following: each commit sends ``NOTIFY tracker_append`` with ``LOG SEQ``; :meth:`wait` listens
on a dedicated connection, and falls back to polling the head where LISTEN is unavailable.
"""

from __future__ import annotations

import itertools
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import orjson
import psycopg
from psycopg import errors as pg_errors

from tracker.errors import (
    IntegrityError,
    InvalidInputError,
    LockTimeoutError,
    LogExistsError,
    LogNotFoundError,
    StorageError,
    check_the_log,
)
from tracker.events.dates import PartialDate, parse_instant
from tracker.store.base import Clock, Head, Position, Store, Writer, is_database_url
from tracker.store.records import ZERO_HASH, Record, hash_of_line, parse_record
from tracker.store.signed import Signer

DB_SCHEMA_VERSION = 2
DEFAULT_LOG = "default"
DEFAULT_LOCK_TIMEOUT = 10.0
NOTIFY_CHANNEL = "tracker_append"
_FETCH = 2000
_LOG_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")

# Each entry brings the schema from version N-1 to N; init and open apply what is missing.
# A callable runs a check inside the migration's transaction (it raises to stop it).
_MIGRATIONS: dict[int, tuple[str | Callable[[psycopg.Connection[Any]], None], ...]] = {
    1: (
        f"""CREATE TABLE tracker_logs (
            name text PRIMARY KEY,
            seq bigint NOT NULL DEFAULT 0,
            hash text NOT NULL DEFAULT '{ZERO_HASH}',
            recorded text,
            created timestamptz NOT NULL DEFAULT clock_timestamp()
        )""",
        """CREATE TABLE tracker_records (
            log text NOT NULL REFERENCES tracker_logs (name),
            seq bigint NOT NULL,
            recorded timestamptz NOT NULL,
            batch_id bigint NOT NULL,
            batch_index integer NOT NULL,
            batch_count integer NOT NULL,
            v integer NOT NULL,
            prev text NOT NULL,
            hash text NOT NULL,
            event_id text,
            event_type text,
            occurred_earliest timestamptz,
            occurred_latest timestamptz,
            line bytea NOT NULL,
            event jsonb NOT NULL,
            PRIMARY KEY (log, seq)
        )""",
        "CREATE INDEX tracker_records_recorded ON tracker_records (log, recorded, seq)",
        "CREATE INDEX tracker_records_occurred ON tracker_records (log, occurred_latest)",
        "CREATE INDEX tracker_records_event_id ON tracker_records (log, event_id)",
    ),
    2: (
        # One id, one record: the database refuses a second record with an id, whoever writes.
        # A log that already breaks the rule is named, and the migration stops.
        lambda conn: _refuse_duplicate_ids(conn),
        "DROP INDEX tracker_records_event_id",
        "CREATE UNIQUE INDEX tracker_records_event_id ON tracker_records (log, event_id)",
    ),
}
_UNIQUE_ID = "tracker_records_event_id"


def _refuse_duplicate_ids(conn: psycopg.Connection[Any]) -> None:
    """Raise IntegrityError naming a log that holds one event id in two records, if any."""
    row = conn.execute(
        "SELECT log, event_id, min(seq), max(seq) FROM tracker_records "
        "WHERE event_id IS NOT NULL GROUP BY log, event_id HAVING count(*) > 1 "
        "ORDER BY log, min(seq) LIMIT 1"
    ).fetchone()
    if row is not None:
        log, event_id, first, again = row
        msg = (
            f"the log '{log}' holds event id '{event_id}' in records {first} and {again}; an "
            "id names one record only, so the database cannot be upgraded to refuse that: "
            "copy the log's good prefix to a new log (tracker copy), then upgrade"
        )
        raise IntegrityError(msg, seq=again)

# The statements reads use (tests EXPLAIN them to check that they use the indexes).
SQL_HEAD = "SELECT seq, hash, recorded FROM tracker_logs WHERE name = %s"
SQL_LOCK_HEAD = SQL_HEAD + " FOR UPDATE"
SQL_READ = (
    "SELECT seq, line FROM tracker_records WHERE log = %s AND seq > %s AND seq <= %s ORDER BY seq"
)
SQL_FIRST_AFTER = (
    "SELECT seq FROM tracker_records WHERE log = %s AND recorded > %s "
    "ORDER BY recorded, seq LIMIT 1"
)
_SQL_INSERT = (
    "INSERT INTO tracker_records (log, seq, recorded, batch_id, batch_index, batch_count, v, "
    "prev, hash, event_id, event_type, occurred_earliest, occurred_latest, line, event) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb)"
)
_SQL_ERASE = (
    "UPDATE tracker_records SET event_id = %s, event_type = %s, occurred_earliest = %s, "
    "occurred_latest = %s, line = %s, event = %s::jsonb WHERE log = %s AND seq = %s"
)
_SQL_MOVE_HEAD = (
    "UPDATE tracker_logs SET seq = %s, hash = %s, recorded = %s "
    "WHERE name = %s AND seq = %s AND hash = %s"
)
_MAX_SEQ = (1 << 63) - 1

_cursor_names = itertools.count(1)


def parse_url(url: str) -> tuple[str, str, str]:
    """Split a log URL into (conninfo for libpq, log name, location without the password).

    Raises:
        InvalidInputError: the URL is not a PostgreSQL URL or names an invalid log.
    """
    if not is_database_url(url):
        msg = f"'{url}' is not a PostgreSQL URL: expected postgresql://HOST/DATABASE?log=NAME"
        raise InvalidInputError(msg)
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = [v for k, v in query if k == "log"]
    rest = [(k, v) for k, v in query if k != "log"]
    name = names[-1] if names else DEFAULT_LOG
    if (
        not name
        or name[0] not in _LOG_NAME_CHARS - {".", "_", "-"}
        or len(name) > 64
        or not set(name) <= _LOG_NAME_CHARS
    ):
        msg = (
            f"invalid log name '{name}' in {redact(url)}: use 1-64 lowercase letters, digits, "
            "'.', '_' or '-', starting with a letter or digit (e.g. ?log=grok)"
        )
        raise InvalidInputError(msg)
    query_text = urlencode(rest)
    conninfo = f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{query_text}" if rest else "")
    return conninfo, name, redact(url)


def redact(url: str) -> str:
    """Return ``url`` without its password (for messages and ``Store.location``)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = quote(parts.username or "", safe="")
    host = parts.netloc.rpartition("@")[2]
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{user}@{host}{parts.path}{query}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _refused(location: str, action: str, exc: psycopg.Error) -> StorageError:
    """Turn a driver error into one line saying what failed and what to check."""
    if isinstance(exc, psycopg.OperationalError) and not isinstance(exc, pg_errors.QueryCanceled):
        hint = "; check the URL, and that the server is running and reachable"
    else:
        hint = ""
    return StorageError(f"cannot {action} {location}: {_first_line(exc)}{hint}")


def _jsonb_text(event: dict[str, Any], line: bytes) -> str:
    """The event as JSON for the jsonb copy (jsonb cannot hold U+0000: it becomes U+FFFD)."""
    text = orjson.dumps(event).decode()
    if b"\\u0000" in line:
        text = orjson.dumps(_without_nul(event)).decode()
    return text


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


def _occurred(event: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    text = event.get("occurred")
    if not isinstance(text, str):
        return None, None
    try:
        when = PartialDate.parse(text)
    except ValueError:  # the queryable columns are a convenience; the line is the record
        return None, None
    return when.earliest, when.latest


def _row(log: str, record: Record) -> tuple[Any, ...]:
    line = record.line()
    event = record.event
    earliest, latest = _occurred(event)
    event_id = event.get("id")
    event_type = event.get("type")
    return (
        log,
        record.seq,
        parse_instant(record.recorded),
        record.batch_id,
        record.batch_index,
        record.batch_count,
        record.v,
        record.prev,
        record.hash,
        event_id if isinstance(event_id, str) else None,
        event_type if isinstance(event_type, str) else None,
        earliest,
        latest,
        line,
        _jsonb_text(event, line),
    )


def _stream(
    conn: psycopg.Connection[Any], log: str, start: int, stop: int
) -> Iterator[tuple[bytes, int]]:
    """Yield (line, seq) for seq in (start, stop] through a server-side cursor.

    The caller owns the transaction (a named cursor lives inside one).
    """
    name = f"tracker_read_{next(_cursor_names)}"
    with conn.cursor(name=name, binary=True) as cur:
        cur.itersize = _FETCH
        cur.execute(SQL_READ, (log, start, stop))
        for seq, line in cur:
            yield bytes(line), seq


def _head_from_row(row: tuple[Any, ...] | None, store: PostgresStore) -> Head:
    if row is None:
        msg = f"the log '{store.log_name}' has disappeared from {store.location}"
        raise LogNotFoundError(msg)
    seq, digest, recorded = row
    return Head(seq, digest, recorded, seq)


class PostgresStore(Store):
    """A log in a PostgreSQL database. Positions are sequence numbers.

    Open one with :func:`tracker.open` (a ``postgresql://`` URL) or create one with
    :func:`tracker.init`. It keeps a few connections: one per concurrent read or write, reused,
    plus one listening for appends while :meth:`wait` is used; :meth:`close` closes them.
    """

    def __init__(
        self,
        url: str,
        *,
        clock: Clock | None = None,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        create: bool = False,
    ) -> None:
        """Connect and check that the log exists (creating it when ``create`` is true).

        Args:
            url: ``postgresql://...?log=NAME`` (see the module docstring).
            clock: recorded-time clock; None means the server's clock (``clock_timestamp()``).
            lock_timeout: seconds a writer waits for another writer's lock before giving up.
            create: create the schema and the log when they are missing.

        Raises:
            LogNotFoundError: the database has no tracker schema or no log of that name.
            StorageError: the server cannot be reached or refused the request.
        """
        self._conninfo, self.log_name, self.location = parse_url(url)
        self._clock = clock
        self.lock_timeout = lock_timeout
        self._idle: list[psycopg.Connection[Any]] = []
        self._pool_lock = threading.Lock()
        self._listener: psycopg.Connection[Any] | None = None
        self._listeners: list[psycopg.Connection[Any]] = []  # the listener, for the finalizer
        # A store dropped without close() still closes its connections when collected.
        weakref.finalize(self, _close_all, self._idle, self._listeners)
        self._listening = threading.Lock()  # one waiter at a time on the listening connection
        self._can_listen = True
        self._closed = False
        try:
            self._check(create=create)
        except BaseException:
            self.close()
            raise

    def _check(self, *, create: bool) -> None:
        with self._connection() as conn:
            try:
                version = _schema_version(conn)
                if version is None and not create:
                    msg = (
                        f"no tracker log in {self.location}: the database has no tracker "
                        f"tables yet; create the log with 'tracker init --log {self.location}'"
                    )
                    raise LogNotFoundError(msg)
                _check_version(version, self.location)
                if (version or 0) < DB_SCHEMA_VERSION:
                    _migrate(conn)
                if create:
                    conn.execute(
                        "INSERT INTO tracker_logs (name) VALUES (%s) ON CONFLICT DO NOTHING",
                        (self.log_name,),
                    )
                row = conn.execute(SQL_HEAD, (self.log_name,)).fetchone()
                conn.commit()
            except psycopg.Error as exc:
                raise _refused(self.location, "open", exc) from None
        if row is None:
            msg = (
                f"no log '{self.log_name}' in {self.location}: create it with "
                f"'tracker init --log {self.location}', or check the ?log= name"
            )
            raise LogNotFoundError(msg)

    @classmethod
    def create(
        cls, url: str, *, clock: Clock | None = None, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    ) -> PostgresStore:
        """Create the schema (if needed) and a new, empty log, refusing one that exists.

        Raises:
            LogExistsError: the database already holds a log of that name.
        """
        conninfo, name, location = parse_url(url)
        try:
            with psycopg.connect(conninfo, application_name="tracker") as conn:
                version = _schema_version(conn)
                _check_version(version, location)
                if (version or 0) < DB_SCHEMA_VERSION:
                    _migrate(conn)  # only then: adding a log needs no right to create tables
                try:
                    conn.execute("INSERT INTO tracker_logs (name) VALUES (%s)", (name,))
                except pg_errors.UniqueViolation:
                    msg = (
                        f"the log '{name}' already exists in {location}; tracker init never "
                        "overwrites: choose another name with ?log=NAME"
                    )
                    raise LogExistsError(msg) from None
        except psycopg.Error as exc:
            raise _refused(location, "create a log in", exc) from None
        return cls(url, clock=clock, lock_timeout=lock_timeout)

    # --- connections ----------------------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        """Lend a connection (no transaction open); it goes back to the pool afterwards."""
        with self._pool_lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            try:
                conn = psycopg.connect(self._conninfo, application_name="tracker")
            except psycopg.Error as exc:
                raise _refused(self.location, "connect to", exc) from None
        try:
            yield conn
        finally:
            healthy = not conn.closed and not conn.broken
            if healthy and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                try:
                    conn.rollback()
                except psycopg.Error:
                    healthy = False
            with self._pool_lock:
                if healthy and not self._closed:
                    self._idle.append(conn)
                    conn = None
            if conn is not None:
                conn.close()

    def close(self) -> None:
        """Close every connection the store holds (one lent to a read closes when it ends)."""
        with self._pool_lock:
            self._closed = True
        self._set_listener(None)
        _close_all(self._idle, self._listeners)

    def _set_listener(self, conn: psycopg.Connection[Any] | None) -> None:
        if self._listener is not None:
            self._listener.close()
        self._listener = conn
        self._listeners[:] = [] if conn is None else [conn]

    # --- reading --------------------------------------------------------------------------

    def head(self) -> Head:
        """Return the head from the log's head row (one indexed read)."""
        with self._connection() as conn:
            try:
                row = conn.execute(SQL_HEAD, (self.log_name,)).fetchone()
            except psycopg.Error as exc:
                raise _refused(self.location, "read", exc) from None
        return _head_from_row(row, self)

    def read_lines(self, start: Position | None = None) -> Iterator[tuple[bytes, Position]]:
        """Stream the stored canonical bytes of each record after sequence number ``start``."""
        yield from self._read_range(int(start or 0), _MAX_SEQ)

    def first_line(self) -> bytes | None:
        """The stored bytes of record 1 (one indexed read)."""
        with self._connection() as conn:
            try:
                row = conn.execute(
                    "SELECT line FROM tracker_records WHERE log = %s AND seq = 1", (self.log_name,)
                ).fetchone()
                conn.rollback()
            except psycopg.Error as exc:
                raise _refused(self.location, "read", exc) from None
        return None if row is None else bytes(row[0])

    def lines_at(self, positions: Sequence[Position]) -> list[bytes]:
        """The stored bytes of the records just after ``positions`` (a position is the sequence
        number before a record), in order, in one query (a read model reads records back so)."""
        seqs = [int(p or 0) + 1 for p in positions]
        with self._connection() as conn:
            try:
                found = dict(
                    conn.execute(
                        "SELECT seq, line FROM tracker_records WHERE log = %s AND seq = ANY(%s)",
                        (self.log_name, seqs),
                    ).fetchall()
                )
                conn.rollback()
            except psycopg.Error as exc:
                raise _refused(self.location, "read", exc) from None
        try:
            return [bytes(found[seq]) for seq in seqs]
        except KeyError as exc:
            msg = f"record {exc.args[0]} is not in {self.location}"
            raise IntegrityError(msg, seq=int(exc.args[0]), **check_the_log()) from None

    def read(self, start: Position | None = None) -> Iterator[tuple[Record, Position]]:
        """Stream records after sequence number ``start``, each with its sequence number."""
        for line, seq in self._read_range(int(start or 0), _MAX_SEQ):
            yield parse_record(line, where=f"{self.location} record {seq}: "), seq

    def read_until(
        self, start: Position | None = None, *, until_recorded: str
    ) -> Iterator[tuple[Record, Position]]:
        """Stream the records recorded at or before ``until_recorded``, via the index.

        Recorded times never go down along the log, so those records are a prefix: one probe of
        the ``(log, recorded, seq)`` index finds where it ends, and only that range is read.
        """
        try:
            cutoff = parse_instant(until_recorded)
        except ValueError:
            yield from super().read_until(start, until_recorded=until_recorded)
            return
        with self._connection() as conn:
            try:
                row = conn.execute(SQL_FIRST_AFTER, (self.log_name, cutoff)).fetchone()
                conn.rollback()
            except psycopg.Error as exc:
                raise _refused(self.location, "read", exc) from None
        stop = _MAX_SEQ if row is None else int(row[0]) - 1
        for line, seq in self._read_range(int(start or 0), stop):
            yield parse_record(line, where=f"{self.location} record {seq}: "), seq

    def _read_range(self, start: int, stop: int) -> Iterator[tuple[bytes, int]]:
        if start >= stop:
            return
        with self._connection() as conn:
            try:
                yield from _stream(conn, self.log_name, start, stop)
            except psycopg.Error as exc:
                raise _refused(self.location, "read", exc) from None

    def position_of(self, seq: int) -> Position | None:
        """The position after record ``seq`` is its sequence number (0: the start)."""
        head = self.head()
        if seq < 0 or seq > head.seq:
            msg = f"there is no record {seq} in {self.location}: its last record is {head.seq}"
            raise InvalidInputError(msg)
        return seq

    # --- following ------------------------------------------------------------------------

    def wait(self, position: Position | None, *, timeout: float, poll: float = 0.5) -> bool:
        """Block until the log grows past ``position`` or ``timeout`` seconds pass.

        Listens for the NOTIFY each commit sends; the head is checked after LISTEN is in
        place, so an append between the caller's read and this call is never missed. Where
        LISTEN is unavailable, polls the head every ``poll`` seconds.
        """
        if not self._listening.acquire(blocking=False):  # another thread is listening
            return super().wait(position, timeout=timeout, poll=poll)
        try:
            listener = self._listen()
            if listener is None:
                return super().wait(position, timeout=timeout, poll=poll)
            return self._wait_notified(listener, int(position or 0), timeout)
        finally:
            self._listening.release()

    def _wait_notified(self, listener: psycopg.Connection[Any], after: int, timeout: float) -> bool:
        if self.head().seq > after:
            return True
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                for note in listener.notifies(timeout=left, stop_after=1):
                    log, _, seq = note.payload.rpartition(" ")
                    if log == self.log_name and seq.isdigit() and int(seq) > after:
                        return True
            except psycopg.Error as exc:
                self._set_listener(None)
                raise _refused(self.location, "listen to", exc) from None
        return self.head().seq > after

    def _listen(self) -> psycopg.Connection[Any] | None:
        if self._listener is not None or not self._can_listen:
            return self._listener
        try:
            conn = psycopg.connect(self._conninfo, autocommit=True, application_name="tracker")
        except psycopg.Error as exc:
            raise _refused(self.location, "connect to", exc) from None
        try:
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
        except (pg_errors.FeatureNotSupported, pg_errors.SyntaxError):
            conn.close()
            self._can_listen = False  # an engine without LISTEN: wait() polls instead
            return None
        except psycopg.Error as exc:
            conn.close()
            raise _refused(self.location, "listen to", exc) from None
        self._set_listener(conn)
        return conn

    # --- writing --------------------------------------------------------------------------

    @contextmanager
    def writer(self, *, timeout: float | None = None) -> Iterator[Writer]:
        """Lock the log's head row and yield a writer; each append commits on its own."""
        wait = self.lock_timeout if timeout is None else timeout
        with self._connection() as conn:
            writer = _PostgresWriter(self, conn, wait)
            writer.lock()
            yield writer


def _close_all(*pools: list[psycopg.Connection[Any]]) -> None:
    """Close and forget the connections in each list (close() and the finalizer use it)."""
    for pool in pools:
        while pool:
            pool.pop().close()


def _schema_version(conn: psycopg.Connection[Any]) -> int | None:
    """The database's tracker schema version, or None when it has no tracker tables."""
    found = conn.execute("SELECT to_regclass('tracker_schema')").fetchone()
    if found is None or found[0] is None:
        conn.rollback()
        return None
    row = conn.execute("SELECT max(version) FROM tracker_schema").fetchone()
    conn.rollback()
    return int(row[0]) if row and row[0] is not None else 0


def _check_version(version: int | None, location: str) -> None:
    if version is not None and version > DB_SCHEMA_VERSION:
        msg = (
            f"{location} holds tracker tables of schema version {version}; this tracker knows "
            f"up to version {DB_SCHEMA_VERSION}: upgrade tracker to use this database"
        )
        raise StorageError(msg)


def _migrate(conn: psycopg.Connection[Any]) -> None:
    """Bring the schema up to :data:`DB_SCHEMA_VERSION`, one version per transaction."""
    for attempt in range(2):
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS tracker_schema (version integer PRIMARY KEY, "
                "applied timestamptz NOT NULL DEFAULT clock_timestamp())"
            )
            conn.commit()
            break
        except pg_errors.UniqueViolation:  # another process created it at the same moment
            conn.rollback()
            if attempt:
                raise
    for version in range(1, DB_SCHEMA_VERSION + 1):
        conn.execute("LOCK TABLE tracker_schema IN EXCLUSIVE MODE")
        done = conn.execute("SELECT 1 FROM tracker_schema WHERE version = %s", (version,))
        if done.fetchone() is None:
            for statement in _MIGRATIONS[version]:
                if callable(statement):
                    try:
                        statement(conn)
                    except IntegrityError:
                        conn.rollback()
                        raise
                else:
                    conn.execute(statement)
            conn.execute("INSERT INTO tracker_schema (version) VALUES (%s)", (version,))
        conn.commit()


class _PostgresWriter(Writer):
    """A writer holding the head row lock; each append is one transaction, then it re-locks."""

    def __init__(self, store: PostgresStore, conn: psycopg.Connection[Any], wait: float) -> None:
        super().__init__(store._clock or self._server_clock)
        self._store = store
        self._conn = conn
        self._wait = wait
        self._head: Head | None = None  # set while the lock is held
        self._committed: Head | None = None  # the head this writer's last commit left

    def lock(self) -> None:
        """Begin a transaction and lock the head row (waiting up to the lock timeout)."""
        store = self._store
        try:
            self._conn.execute(
                "SELECT set_config('lock_timeout', %s, true)",
                (f"{max(int(self._wait * 1000), 1)}ms",),
            )
            row = self._conn.execute(SQL_LOCK_HEAD, (store.log_name,)).fetchone()
        except pg_errors.LockNotAvailable:
            self._conn.rollback()
            msg = (
                f"another writer has held the lock on {store.location} for over "
                f"{self._wait:g} s; try again when it is done"
            )
            raise LockTimeoutError(msg) from None
        except psycopg.Error as exc:
            raise _refused(store.location, "lock", exc) from None
        self._head = _head_from_row(row, store)

    def _locked_head(self) -> Head:
        if self._head is None:
            self.lock()
        assert self._head is not None
        return self._head

    def _server_clock(self) -> datetime:
        """The server's clock, read inside the transaction that holds the lock."""
        self._locked_head()
        try:
            row = self._conn.execute("SELECT clock_timestamp()").fetchone()
        except psycopg.Error as exc:
            raise _refused(self._store.location, "read the clock of", exc) from None
        assert row is not None
        value: datetime = row[0]
        return value

    def head(self) -> Head:
        # Between a commit and the next append the lock is not held: report what the commit
        # left (appends re-lock first, so they never build on this).
        return self._head or self._committed or self._locked_head()

    def append(
        self, events: Sequence[dict[str, Any]], *, signer: Signer | None = None
    ) -> list[Record]:
        self._locked_head()
        return super().append(events, signer=signer)

    def append_records(self, records: Sequence[Record]) -> None:
        self._locked_head()
        super().append_records(records)

    def rewrite(
        self, lines: Mapping[int, bytes], events: Sequence[dict[str, Any]], *, signer: Signer
    ) -> list[Record]:
        self._locked_head()
        return super().rewrite(lines, events, signer=signer)

    def rewrite_records(self, lines: Mapping[int, bytes], records: Sequence[Record]) -> None:
        self._locked_head()
        super().rewrite_records(lines, records)

    def _rewrite(self, lines: Mapping[int, bytes], records: Sequence[Record], head: Head) -> Position:
        """Update the rows in place (the line, its queryable columns and its jsonb copy), then
        insert ``records``: one transaction. Old row versions stay in the table's files until
        VACUUM, and in the write-ahead log until it is recycled (see docs/guarantees.md, on erasure)."""
        store = self._store
        try:
            found = dict(
                self._conn.execute(
                    "SELECT seq, line FROM tracker_records WHERE log = %s AND seq = ANY(%s)",
                    (store.log_name, list(lines)),
                ).fetchall()
            )
            updates = []
            for seq, line in sorted(lines.items()):
                old = found.get(seq)
                if old is None or hash_of_line(line) != hash_of_line(bytes(old)):
                    self._abort()
                    msg = f"record {seq}: the line put in its place would change its hash"
                    raise IntegrityError(msg, seq=seq)
                row = _row(store.log_name, parse_record(line))
                # event_id, event_type, occurred_earliest, occurred_latest, line, event
                updates.append((*row[9:15], store.log_name, seq))
            with self._conn.cursor() as cur:
                cur.executemany(_SQL_ERASE, updates)
        except psycopg.Error as exc:
            self._abort()
            raise _refused(store.location, "rewrite", exc) from None
        if not records:  # erased lines carried into a copy, nothing appended
            try:
                self._conn.commit()
            except psycopg.Error as exc:
                self._head = None
                raise _refused(store.location, "commit to", exc) from None
            self._head = None
            self._committed = head
            return head.seq
        return self._write(records, head)

    def read(self, start: Position | None = None) -> Iterator[tuple[Record, Position]]:
        for line, seq in self.read_lines(start):
            yield parse_record(line), seq

    def read_lines(self, start: Position | None = None) -> Iterator[tuple[bytes, Position]]:
        head = self._locked_head()
        try:
            yield from _stream(self._conn, self._store.log_name, int(start or 0), head.seq)
        except psycopg.Error as exc:
            raise _refused(self._store.location, "read", exc) from None

    def stage(self, records: Sequence[Record], head: Head) -> None:
        """Insert the records and move the head row, inside the locked transaction (no commit)."""
        store = self._store
        if head != self._locked_head():
            msg = f"the head of {store.location} moved while the lock was held; nothing was written"
            raise IntegrityError(msg, seq=head.seq + 1)
        last = records[-1]
        try:
            with self._conn.cursor() as cur:
                cur.executemany(_SQL_INSERT, [_row(store.log_name, r) for r in records])
                cur.execute(
                    _SQL_MOVE_HEAD,
                    (last.seq, last.hash, last.recorded, store.log_name, head.seq, head.hash),
                )
                if cur.rowcount != 1:
                    msg = f"the head of {store.location} moved under the lock; nothing was written"
                    raise IntegrityError(msg, seq=head.seq + 1)
                cur.execute(
                    "SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, f"{store.log_name} {last.seq}")
                )
        except pg_errors.UniqueViolation as exc:
            self._abort()
            if exc.diag.constraint_name != _UNIQUE_ID:
                raise _refused(store.location, "append to", exc) from None
            msg = (
                f"{store.location} already holds a record with one of these event ids (the "
                "database refuses a second record with an id); nothing was written"
            )
            raise IntegrityError(msg, seq=head.seq + 1) from None
        except psycopg.Error as exc:
            self._abort()
            raise _refused(store.location, "append to", exc) from None
        except BaseException:
            self._abort()
            raise

    def _write(self, records: Sequence[Record], head: Head) -> Position:
        self.stage(records, head)
        try:
            self._conn.commit()
        except psycopg.OperationalError as exc:
            self._head = None
            msg = (
                f"the connection to {self._store.location} failed during COMMIT "
                f"({_first_line(exc)}): whether the last append is durable is unknown"
            )
            raise StorageError(msg, **check_the_log(
                "run 'tracker verify' and 'tracker head'", "check with log.verify() and log.head()",
                then="before relying on it")) from None
        except psycopg.Error as exc:
            self._head = None
            raise _refused(self._store.location, "commit to", exc) from None
        last = records[-1]
        # The lock went with the commit: the next append re-locks (and re-reads the head).
        self._head = None
        self._committed = Head(last.seq, last.hash, last.recorded, last.seq)
        return last.seq

    def _abort(self) -> None:
        self._head = None
        try:
            self._conn.rollback()
        except psycopg.Error:
            pass  # a broken connection: the server rolls the transaction back itself


__all__ = [
    "DB_SCHEMA_VERSION",
    "DEFAULT_LOG",
    "PostgresStore",
    "parse_url",
    "redact",
]
