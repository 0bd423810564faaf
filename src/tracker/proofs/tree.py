"""A log's Merkle tree as derived state: built from the log, kept in the user's cache.

The tree's leaves are the records' hashes, so it is rebuilt from the log at any time (one read
of the log and two SHA-256 per record). It is kept in the user's cache directory (never beside
the log: the log's private folder of :mod:`tracker.derived.files`) so that a proof at a million
records reads a few dozen stored hashes instead of the whole log. Nothing read from the kept tree is believed: every proof made from it is checked
against the root of the head it is for before it is handed out, and a proof that fails (a
stale, damaged or planted file) makes the tree rebuilt from the log. A kept tree can thus cost
a rebuild, never a false proof.

The file: a 16-byte header (``TRKTREE1`` and the leaf count, big-endian), then each level of
complete subtrees from the leaves up, 32 bytes a node. It is written by
:func:`tracker.derived.files.atomic_write` and opened without following links.
"""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from tracker.derived import files
from tracker.proofs.merkle import HASH_SIZE, Tree
from tracker.store.records import HASH_KEY

if TYPE_CHECKING:
    from tracker.store.base import Store

_MAGIC = b"TRKTREE1"
_HEADER = 16


def cache_path(store: Store) -> Path | None:
    """Where the tree of ``store``'s log is kept (None: an empty log, a log in memory, or no
    private cache folder to be had).

    In the log's private folder in the user's cache, as :func:`tracker.derived.core.folder_of`
    (the one place that decides it) finds it: keyed by the store's kind, where the log lives
    and its first record.
    """
    from tracker.derived.core import folder_of

    folder = folder_of(store)[0]
    return None if folder is None else folder / "merkle.tree"


def leaf_hashes(store: Store, size: int | None = None) -> bytes:
    """The leaf hashes of a log's first ``size`` records (all of them by default).

    Each leaf is the hash stored in the record's line (a line whose hash does not match its
    content is ``verify``'s business: a tree built over it yields roots and proofs that no
    honest head matches).
    """
    sha, fromhex, key = hashlib.sha256, bytes.fromhex, HASH_KEY
    width = len(key)
    out: list[bytes] = []
    append = out.append
    for line, _pos in store.read_lines():
        if size is not None and len(out) >= size:
            break
        i = line.rfind(key) + width
        append(sha(b"\x00" + fromhex(line[i : i + 64].decode())).digest())
    return b"".join(out)


def build(store: Store, size: int | None = None) -> Tree:
    """The Merkle tree of a log's first ``size`` records (all of them by default)."""
    return Tree.from_leaf_hashes(leaf_hashes(store, size))


class StoredTree(Tree):
    """A kept tree, read node by node from its file (a proof reads O(log n) nodes)."""

    __slots__ = ("_fd", "_offsets")

    def __init__(self, fd: int, size: int) -> None:
        """Wrap an open tree file of ``size`` leaves; use :func:`load`."""
        super().__init__()
        self.size = size
        self._fd = fd
        self._offsets: list[int] = []
        at, count = _HEADER, size
        while count:
            self._offsets.append(at)
            at += count * HASH_SIZE
            count //= 2

    def node(self, level: int, index: int) -> bytes:
        """One stored node, read from the file."""
        return os.pread(self._fd, HASH_SIZE, self._offsets[level] + index * HASH_SIZE)

    def close(self) -> None:
        """Close the file."""
        os.close(self._fd)


def load(store: Store) -> StoredTree | None:
    """The kept tree of ``store``'s log, or None (none kept, or not a tree file)."""
    path = cache_path(store)
    if path is None:
        return None
    fd = files.open_own(path, os.O_RDONLY)
    if fd is None:
        return None
    header = os.pread(fd, _HEADER, 0)
    size = struct.unpack(">Q", header[8:])[0] if len(header) == _HEADER else -1
    expected = _HEADER + HASH_SIZE * sum(size >> k for k in range(max(size, 1).bit_length()))
    if header[:8] != _MAGIC or size < 0 or os.fstat(fd).st_size != expected:
        os.close(fd)
        return None
    return StoredTree(fd, size)


def save(store: Store, tree: Tree) -> None:
    """Keep ``tree`` for ``store``'s log (best effort: a tree is derived data, never believed,
    so it needs no fsync)."""
    path = cache_path(store)
    if path is None:
        return

    def write(f: BinaryIO) -> None:
        f.write(_MAGIC + struct.pack(">Q", tree.size))
        for level in tree.levels:
            if level:
                f.write(level)

    files.atomic_write(path, write, fsync=False)


def discard(store: Store) -> None:
    """Forget the kept tree (it gave a proof that did not check)."""
    path = cache_path(store)
    if path is not None:
        files.discard(path)


__all__ = ["StoredTree", "build", "cache_path", "discard", "leaf_hashes", "load", "save"]
