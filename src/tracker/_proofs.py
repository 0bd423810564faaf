"""The facade's room for heads and proofs: what needs a log (``tracker head``, ``prove``,
``cosign``, ``verify --head`` with a tree head). Checking a proof needs no log:
:mod:`tracker.proofs.proof`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import orjson

from tracker.errors import IntegrityError, InvalidInputError, UnknownIdError, check_the_log
from tracker.proofs import tree as _tree
from tracker.proofs.merkle import Tree, leaf_hash, verify_consistency, verify_inclusion
from tracker.proofs.proof import SignedHead, format_consistency, format_inclusion, read_head
from tracker.store.checkpoint import Checkpoint, origin_of
from tracker.store.file import FileStore, open_regular
from tracker.store.records import hash_of_line

if TYPE_CHECKING:
    from tracker._log import Log


def tree_head(log: Log) -> Checkpoint:
    """The log's tree head: it verifies the log, builds its Merkle tree (kept for proofs)."""
    report = log.verify()
    tree = _tree.build(log.store, report.records)
    if tree.size != report.records:
        msg = f"{log.location} changed while its tree was built; run 'tracker head' again"
        raise IntegrityError(msg)
    _tree.save(log.store, tree)
    first = None
    if report.records:
        for line, _pos in log.store.read_lines():
            first = hash_of_line(line)
            break
    return Checkpoint(origin_of(first), report.records, report.head.hash, tree.root())


def tree_for(log: Log, size: int, root: bytes) -> Tree:
    """A tree of the log with at least ``size`` leaves whose first ``size`` have ``root``:
    the kept one when it says so, else one rebuilt from the log (and kept).

    Raises:
        IntegrityError: the log's first ``size`` records do not have that root.
    """
    kept = _tree.load(log.store)
    if kept is not None and kept.size >= size and kept.root(size) == root:
        return kept
    if kept is not None:
        kept.close()
    tree = _tree.build(log.store)
    if tree.size < size:
        msg = f"{log.location} has {tree.size} records, fewer than the head's {size}: it is not the log of that head, or it was cut"
        raise IntegrityError(msg, seq=tree.size + 1)
    _tree.save(log.store, tree)
    if tree.root(size) != root:
        msg = (
            f"the log's first {size} records do not have the head's Merkle root: it is another "
            "log, or it was rewritten"
        )
        raise IntegrityError(msg, **check_the_log(
            "run 'tracker verify --head' to see where", "log.extends(head) says where"))
    return tree


def _check_origin(log: Log, signed: SignedHead) -> None:
    if signed.head.seq == 0:
        return
    first = next(iter(log.store.read_lines()), None)
    origin = origin_of(hash_of_line(first[0]) if first is not None else None)
    if signed.head.origin != origin:
        msg = f"the head is for the log {signed.head.origin}, and this log is {origin}"
        raise IntegrityError(msg, seq=1)


def _record_line(log: Log, event_id: str) -> bytes:
    """The stored line of the record that holds event ``event_id``."""
    store = log.store
    if isinstance(store, FileStore):
        entry = log.derived.catch_up().event(event_id)
        if entry is not None:
            with open(open_regular(os.fspath(store.real_path), os.O_RDONLY), "rb", buffering=0) as f:  # noqa: PTH123
                fd, offset = f.fileno(), entry[4]
                chunk = os.pread(fd, 4096, offset)
                while b"\n" not in chunk:
                    more = os.pread(fd, 1 << 16, offset + len(chunk))
                    if not more:
                        break
                    chunk += more
                return chunk.split(b"\n", 1)[0]
    else:
        for record, _pos in store.read():
            if record.event.get("id") == event_id:
                return record.line()
    raise UnknownIdError(
        f"unknown event '{event_id}': it is not in {log.location}",
        hint=" (log.records() lists the log's records, with their events' ids)",
        cli_hint=" (see 'tracker log' for ids)",
    )


def prove(log: Log, event_id: str, head: str) -> str:
    """The inclusion proof of event ``event_id`` in the log at tree head ``head`` (a note).

    Raises:
        UnknownIdError: the log holds no such event.
        InvalidInputError: ``head`` is not a tree head, or the event came after it.
        IntegrityError: the log does not match the head.
    """
    signed = read_head(head)
    _check_origin(log, signed)
    line = _record_line(log, event_id)
    record_hash = hash_of_line(line)
    seq = orjson.loads(line)["seq"]
    if seq > signed.head.seq:
        msg = (
            f"event '{event_id}' is record {seq}, recorded after the head (which ends at "
            f"record {signed.head.seq}): prove it against a later head"
        )
        raise InvalidInputError(msg)
    leaf = leaf_hash(bytes.fromhex(record_hash))
    for attempt in (0, 1):
        tree = tree_for(log, signed.head.seq, signed.root)
        path = tree.inclusion_proof(seq - 1, signed.head.seq)
        if verify_inclusion(seq - 1, signed.head.seq, leaf, path, signed.root):
            return format_inclusion(line, seq - 1, path, signed.note.encode())
        if attempt == 0:
            _drop(log)
    msg = f"record {seq} of {log.location} is not in the tree of its head: its line was edited"
    raise IntegrityError(msg, seq=seq, **check_the_log())


def prove_consistency(log: Log, old: str, new: str) -> str:
    """The proof that tree head ``new`` extends tree head ``old``, both of this log.

    Raises:
        InvalidInputError: a head is not a tree head, or ``old`` is larger than ``new``.
        IntegrityError: the log does not match a head.
    """
    a = read_head(old, what="the earlier head")
    b = read_head(new, what="the later head")
    if a.head.seq > b.head.seq:
        msg = f"--from is the larger head ({a.head.seq} records) and --to the smaller ({b.head.seq}): swap them"
        raise InvalidInputError(msg)
    if a.head.seq == 0:
        msg = "the earlier head is of an empty log, which every log extends: there is nothing to prove"
        raise InvalidInputError(msg)
    _check_origin(log, b)
    for attempt in (0, 1):
        tree = tree_for(log, b.head.seq, b.root)
        if tree.root(a.head.seq) != a.root:
            msg = (
                f"the log's first {a.head.seq} records do not have the earlier head's root: "
                "the log was rewritten since that head was published"
            )
            raise IntegrityError(msg, seq=a.head.seq)
        proof = tree.consistency_proof(a.head.seq, b.head.seq)
        if verify_consistency(a.head.seq, b.head.seq, a.root, b.root, proof):
            return format_consistency(a.head.seq, b.head.seq, proof)
        if attempt == 0:
            _drop(log)
    msg = "the consistency proof made from the log does not check"
    raise IntegrityError(msg, **check_the_log())


def _drop(log: Log) -> None:
    _tree.discard(log.store)


__all__ = ["prove", "prove_consistency", "tree_for", "tree_head"]
