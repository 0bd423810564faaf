"""A log's Merkle tree as derived state: built from the log, kept in the user's cache.

The tree's leaves are the records' hashes, so it is rebuilt from the log at any time (one read
of the log and two SHA-256 per record). It is kept in the user's cache directory (never beside
the log) so that a proof at a million records reads a few dozen stored hashes instead of the
whole log. Nothing read from the kept tree is believed: every proof made from it is checked
against the root of the head it is for before it is handed out, and a proof that fails (a
stale, damaged or planted file) makes the tree rebuilt from the log. A kept tree can thus cost
a rebuild, never a false proof.

The file: a 16-byte header (``TRKTREE1`` and the leaf count, big-endian), then each level of
complete subtrees from the leaves up, 32 bytes a node. It is written to an exclusively created
temporary file in the same directory, flushed to disk and renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.proofs.merkle import HASH_SIZE, Tree
from tracker.store.records import HASH_KEY

if TYPE_CHECKING:
    from tracker.store.base import Store

_MAGIC = b"TRKTREE1"
_HEADER = 16


def cache_path(location: str) -> Path | None:
    """Where the tree of the log at ``location`` is kept (None: a log in memory).

    The one place that decides it, so that the tree moves with the rest of the derived state
    when that gets its own cache folder per log.
    """
    if location == ":memory:" or location.startswith("<"):
        return None
    base = os.environ.get("TRACKER_CACHE_DIR")
    if base:
        root = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = (Path(xdg) if xdg else Path.home() / ".cache") / "tracker"
    real = location if "://" in location else os.path.realpath(location)
    return root / "trees" / (hashlib.sha256(real.encode()).hexdigest()[:32] + ".tree")


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


def load(location: str) -> StoredTree | None:
    """The kept tree of the log at ``location``, or None (none kept, or not a tree file)."""
    path = cache_path(location)
    if path is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    header = os.pread(fd, _HEADER, 0)
    size = struct.unpack(">Q", header[8:])[0] if len(header) == _HEADER else -1
    expected = _HEADER + HASH_SIZE * sum(size >> k for k in range(max(size, 1).bit_length()))
    if header[:8] != _MAGIC or size < 0 or os.fstat(fd).st_size != expected:
        os.close(fd)
        return None
    return StoredTree(fd, size)


def save(location: str, tree: Tree) -> None:
    """Keep ``tree`` for the log at ``location`` (best effort: a tree is derived data)."""
    path = cache_path(location)
    if path is None:
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tree-", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + struct.pack(">Q", tree.size))
            for level in tree.levels:
                if level:
                    f.write(level)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


__all__ = ["StoredTree", "build", "cache_path", "leaf_hashes", "load", "save"]
