"""Opening a log: :func:`open`, :func:`init`, :func:`repair` and :func:`copy` (``tracker.open``...).

The doors a user comes in by, each choosing the store a location names (a file path, a
PostgreSQL URL, ``:memory:``) and wrapping it in a :class:`tracker.Log` (the facade,
:mod:`tracker._log`, which re-exports them).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from tracker.errors import MissingExtraError
from tracker.store.base import Clock, Store, is_database_url, system_clock
from tracker.store.file import DEFAULT_LOCK_TIMEOUT, Damage, FileStore
from tracker.store.memory import MemoryStore
from tracker.store.signed import Signer

if TYPE_CHECKING:
    from tracker._copy import CopyReport
    from tracker._log import Log
    from tracker.store.postgres import PostgresStore


SignerLike = Signer | str | Any
"""What signs appends: a key's name (in the config directory), a ``SignerKey`` or a ``Signer``."""


def _signer(value: SignerLike | None) -> Signer | None:
    """A record signer from a key name, a private key or a signer (None: unsigned)."""
    if value is None or isinstance(value, Signer):
        return value
    from tracker.proofs.keys import record_signer
    from tracker.proofs.note import SignerKey

    if isinstance(value, str | SignerKey):
        return record_signer(value)
    msg = f"signer: expected a key name, a SignerKey or a Signer, got {type(value).__name__}"
    raise TypeError(msg)


def open(  # noqa: A001 - tracker.open is the natural name, as in io.open
    location: str | os.PathLike[str] | Store,
    *,
    create: bool = False,
    clock: Clock | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    signer: SignerLike | None = None,
) -> Log:
    """Open the log at ``location`` (a path, a PostgreSQL URL, ``:memory:``, or a Store).

    Args:
        location: a JSONL file path; ``postgresql://HOST/DATABASE?log=NAME`` for a log in a
            PostgreSQL database (needs ``tracker[postgres]``); ``:memory:`` for a scratch log.
        create: create an empty log if none exists there.
        clock: the recorded-time clock (tests and the bundled example only). Unset, file logs
            use this machine's clock and PostgreSQL logs the server's.
        lock_timeout: seconds to wait for another writer before giving up.
        signer: sign every append with this key: the name of one of your keys (``tracker key
            list``; the CLI takes ``--sign KEY`` or ``$TRACKER_SIGNING_KEY``), a
            :class:`~tracker.proofs.note.SignerKey`, or a
            :class:`~tracker.store.signed.Signer`. Signed appends are version 2 records:
            each names its recorder, the batch's last carries one Ed25519 signature, and
            each can be erased later (:meth:`Log.erase`). ``verify(keys=...)`` checks them.

    Raises:
        LogNotFoundError: no log there and ``create`` is false.
        TornTailError: the log ends in a torn line or unfinished batch (see ``repair``).
    """
    from tracker._log import Log

    stamp = clock or system_clock
    signer = _signer(signer)  # an unknown key is said before anything is opened or created
    if isinstance(location, Store):
        return Log(location, signer=signer)
    if is_database_url(location):
        store = _database()(
            str(location), clock=clock, lock_timeout=lock_timeout, create=create
        )
        return Log(store, signer=signer)
    if str(location) == ":memory:":
        return Log(MemoryStore(clock=stamp), signer=signer)
    path = os.fspath(location)
    if create and not os.path.lexists(path):
        return Log(FileStore.create(path, clock=stamp, lock_timeout=lock_timeout), signer=signer)
    return Log(FileStore(path, clock=stamp, lock_timeout=lock_timeout), signer=signer)


def init(location: str | os.PathLike[str], *, clock: Clock | None = None) -> Log:
    """Create a new, empty log, refusing to overwrite anything at ``location``.

    ``location`` is a file path, or a ``postgresql://...?log=NAME`` URL: the database's tracker
    tables are created (or migrated) first, then the named log.
    """
    from tracker._log import Log

    if is_database_url(location):
        return Log(_database().create(str(location), clock=clock))
    return Log(FileStore.create(os.fspath(location), clock=clock or system_clock))


def repair(location: str | os.PathLike[str]) -> Damage | None:
    """Cut a torn or unfinished end of the log at ``location`` (the bytes are saved first).

    Returns what was cut, or None when the log's end was whole (always, for a PostgreSQL log:
    a batch is one transaction, so it never has a torn end).
    """
    if is_database_url(location):
        open(location).close()  # still says when there is no such log
        return None
    return FileStore(os.fspath(location), check=False).repair()


def copy(
    source: str | os.PathLike[str] | Store | Log,
    destination: str | os.PathLike[str] | Store | Log,
) -> CopyReport:
    """Copy a log between any two stores (file, PostgreSQL, memory), records as they are.

    The backup and migration path: times and hashes are kept, so the copy verifies with the
    same head, and copying file -> PostgreSQL -> file gives back the same bytes. See
    :meth:`Log.copy_to` for the rules.
    """
    from tracker._log import Log

    src = source if isinstance(source, Log) else open(source)
    try:
        return src.copy_to(destination)
    finally:
        if src is not source:
            src.close()


def _database() -> type[PostgresStore]:
    """The PostgreSQL store class, imported on first use (psycopg is an optional extra)."""
    try:
        from tracker.store.postgres import PostgresStore
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("psycopg"):
            raise
        msg = (
            "PostgreSQL logs need the psycopg driver: pip install 'tracker[postgres]' "
            "(or use a file path for an embedded log)"
        )
        raise MissingExtraError(msg) from None
    return PostgresStore


__all__ = ["SignerLike", "copy", "init", "open", "repair"]
