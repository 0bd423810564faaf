"""Storage: the record format, the storage interface, and its backends.

The store knows records, never event models or projections. Backends: :class:`FileStore` (the
embedded JSONL default) and :class:`MemoryStore` (tests, scratch work).
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
