"""Storage: the record format, the storage interface, and its backends.

The store knows records, never event models or projections. Backends: :class:`FileStore` (the
embedded JSONL default), :class:`MemoryStore` (tests, scratch work) and
``tracker.store.postgres.PostgresStore`` (a log shared by a team; import it from its module,
which needs the optional psycopg driver: ``pip install 'tracker[postgres]'``).
"""

from __future__ import annotations

from tracker.store.base import Head, Store, Writer, system_clock
from tracker.store.file import FileStore
from tracker.store.memory import MemoryStore
from tracker.store.records import SCHEMA_VERSION, ZERO_HASH, Record

__all__ = [
    "SCHEMA_VERSION",
    "ZERO_HASH",
    "FileStore",
    "Head",
    "MemoryStore",
    "Record",
    "Store",
    "Writer",
    "system_clock",
]
