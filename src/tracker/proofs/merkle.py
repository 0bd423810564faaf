"""The Merkle tree of RFC 9162 (Certificate Transparency v2), section 2.1, over a log's records.

Leaf ``i`` (zero-based) of a log's tree is record ``i + 1``'s hash, as 32 raw bytes; the tree
hashes it as RFC 9162 says (a leaf is ``SHA-256(0x00 || data)``, an interior node
``SHA-256(0x01 || left || right)``, the empty tree ``SHA-256()``), so any implementation of the
RFC (transparency-dev's ``merkle`` module, Go's ``sumdb/tlog``) computes the same root, the
same audit paths and the same consistency proofs.

:class:`Tree` keeps every complete subtree's hash, level by level (a level is one ``bytes`` of
32-byte hashes), so a proof at a million leaves reads O(log n) stored hashes and hashes at
most O(log n) more (the right edge of a tree whose size is not a power of two). The functions
``verify_inclusion`` and ``verify_consistency`` are the RFC's verification algorithms
(2.1.3.2 and 2.1.4.2); they need nothing but the proof, the sizes and the roots.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash: SHA-256 of 0x00 followed by the leaf's data."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash: SHA-256 of 0x01, the left child and the right child."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1): where RFC 9162 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


class Tree:
    """A Merkle tree's complete subtrees, level by level, built from its leaf hashes."""

    __slots__ = ("levels", "size")

    def __init__(self, levels: list[bytes] | None = None) -> None:
        """Wrap stored levels (level 0: the leaf hashes); prefer :meth:`from_leaf_hashes`."""
        self.levels: list[bytes] = levels if levels else [b""]
        self.size = len(self.levels[0]) // HASH_SIZE

    @classmethod
    def from_leaf_hashes(cls, hashes: bytes | Iterable[bytes]) -> Tree:
        """Build the tree whose leaf hashes are ``hashes`` (one bytes, 32 per leaf, or many)."""
        tree = cls()
        tree.extend(hashes if isinstance(hashes, bytes) else b"".join(hashes))
        return tree

    @classmethod
    def from_record_hashes(cls, hex_hashes: Iterable[str]) -> Tree:
        """Build the tree of a log whose records have the (hex) hashes ``hex_hashes``."""
        sha, fromhex = hashlib.sha256, bytes.fromhex
        return cls.from_leaf_hashes(b"".join([sha(b"\x00" + fromhex(h)).digest() for h in hex_hashes]))

    def extend(self, leaf_hashes: bytes) -> None:
        """Append leaves (their hashes, 32 bytes each), completing the subtrees they close."""
        if len(leaf_hashes) % HASH_SIZE:
            msg = "leaf hashes must be 32 bytes each"
            raise ValueError(msg)
        sha = hashlib.sha256
        self.levels[0] += leaf_hashes
        level = 0
        while True:
            below = self.levels[level]
            count = len(below) // HASH_SIZE
            if count < 2:
                break
            if level + 1 == len(self.levels):
                self.levels.append(b"")
            done = len(self.levels[level + 1]) // HASH_SIZE
            if done == count // 2:
                break
            start, end = 2 * done * HASH_SIZE, (count // 2) * 2 * HASH_SIZE
            self.levels[level + 1] += b"".join(
                [sha(b"\x01" + below[i : i + 64]).digest() for i in range(start, end, 64)]
            )
            level += 1
        self.size = len(self.levels[0]) // HASH_SIZE

    def node(self, level: int, index: int) -> bytes:
        """The hash of complete subtree ``index`` at ``level`` (leaves are level 0)."""
        at = index * HASH_SIZE
        return self.levels[level][at : at + HASH_SIZE]

    def subtree(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]) for 0 <= lo < hi <= size, where [lo, hi) is a subtree of RFC 9162's
        recursion (lo a multiple of the largest power of two below hi - lo, or a whole level
        node)."""
        n = hi - lo
        if n & (n - 1) == 0 and lo % n == 0:
            return self.node(n.bit_length() - 1, lo // n)
        k = _split(n)
        return node_hash(self.subtree(lo, lo + k), self.subtree(lo + k, hi))

    def root(self, size: int | None = None) -> bytes:
        """The root hash of the tree of the first ``size`` leaves (all of them by default)."""
        size = self.size if size is None else size
        self._check_size(size)
        return EMPTY_ROOT if size == 0 else self.subtree(0, size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """The audit path of leaf ``index`` in the tree of size ``size`` (RFC 9162 2.1.3.1)."""
        self._check_size(size)
        if not 0 <= index < size:
            msg = f"leaf {index} is not in a tree of size {size}"
            raise ValueError(msg)
        path: list[bytes] = []
        lo, hi = 0, size
        while hi - lo > 1:
            k = _split(hi - lo)
            if index < lo + k:
                path.append(self.subtree(lo + k, hi))
                hi = lo + k
            else:
                path.append(self.subtree(lo, lo + k))
                lo += k
        path.reverse()
        return path

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        """The proof that the tree of size ``new`` extends that of size ``old`` (RFC 9162
        2.1.4.1); empty when ``old`` is 0 or equals ``new``."""
        self._check_size(new)
        if not 0 <= old <= new:
            msg = f"a tree of size {old} cannot be extended by one of size {new}"
            raise ValueError(msg)
        if old in (0, new):
            return []
        proof: list[bytes] = []
        lo, hi, whole = 0, new, True
        m = old
        while True:
            if m == hi - lo:
                if not whole:
                    proof.append(self.subtree(lo, hi))
                break
            k = _split(hi - lo)
            if m <= k:
                proof.append(self.subtree(lo + k, hi))
                hi = lo + k
            else:
                proof.append(self.subtree(lo, lo + k))
                lo += k
                m -= k
                whole = False
        proof.reverse()
        return proof

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            msg = f"the tree has {self.size} leaves, not {size}"
            raise ValueError(msg)


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree of ``size`` with
    ``root`` (RFC 9162 2.1.3.2)."""
    if not 0 <= index < size or len(leaf) != HASH_SIZE or any(len(p) != HASH_SIZE for p in proof):
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows that the tree of size ``new`` and root ``new_root`` extends the
    tree of size ``old`` and root ``old_root`` (RFC 9162 2.1.4.2). As in the reference
    implementations, a proof from the empty tree (``old`` 0) proves nothing and is refused."""
    if not 0 <= old <= new or any(len(p) != HASH_SIZE for p in proof):
        return False
    if old == 0:
        return False  # the empty tree is a prefix of every tree: there is nothing to prove
    if old == new:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old & (old - 1) == 0:  # a power of two: the old root is the first node of the path
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Tree",
    "leaf_hash",
    "node_hash",
    "verify_consistency",
    "verify_inclusion",
]
