"""Verifying a log: the chain walked, erasures and signatures audited, one log held to another.

What :meth:`tracker.Log.verify` and :meth:`tracker.Log.extends` do, out of the facade (which
keeps their signatures and documentation and calls these).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker import _read
from tracker._endings import EndingCheck
from tracker.errors import MAX_PROBLEMS, IntegrityError
from tracker.store.base import Head
from tracker.store.checkpoint import Checkpoint
from tracker.store.records import HASH_KEY

if TYPE_CHECKING:
    from tracker._log import Log
    from tracker.proofs.audit import AuditReport, Finding
    from tracker.proofs.keys import TrustedKey


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of a clean verify."""

    records: int
    head: Head
    warnings: tuple[str, ...] = ()
    """What does not break the chain but does not fit either: endings of regulatory actions
    that do not fit the action they name (recorded before appends refused them)."""
    audit: AuditReport | None = None
    """Erasures, and with keys who signed what (None: a log of version 1 records only,
    verified without keys)."""



def verify(
    log: Log,
    head: str | Head | Checkpoint | None = None,
    keys: str | os.PathLike[str] | list[TrustedKey] | None = None,
) -> VerifyReport:
    """:meth:`tracker.Log.verify` (see there)."""
    trusted = _trusted(keys)
    audit = None
    if trusted is not None and any(t.roles & {"recorder", "eraser"} for t in trusted):
        from tracker.proofs.audit import Audit

        audit = Audit(trusted)
    want = _parse_head(head) if head is not None else None
    current = log.store.head()  # raises TornTailError on a damaged end
    before = log.derived.stat()
    endings = EndingCheck()
    chain, audit = _read.verify_walk(log.store, want, audit, endings)
    count = chain.seq
    if want is not None and want.root is not None:  # a tree head: its Merkle root too
        from tracker._proofs import tree_for

        tree_for(log, want.seq, want.root)
    report = audit.finish() if audit is not None else None
    if report is not None and report.findings:
        raise _audit_error(report.findings, report.failed)
    if before is not None and count:
        log.derived.note_whole(before, current.position, count, chain.prev)
    return VerifyReport(
        count,
        Head(count, chain.prev, chain.recorded or None, current.position),
        tuple(endings.warnings()),
        report,
    )


def extends(log: Log, other: Log | str | os.PathLike[str]) -> VerifyReport:
    """:meth:`tracker.Log.extends` (see there)."""
    from tracker._log import Log
    from tracker._opening import open

    theirs = other if isinstance(other, Log) else open(other)
    try:
        their_report = _verify_named(theirs, "the other log")
        my_report = _verify_named(log, "this log")
        mine = log.store.read_lines()
        for seq, (their_line, _pos) in enumerate(theirs.store.read_lines(), 1):
            if seq > their_report.records:
                break
            my_line = next(mine, (None, None))[0]
            if my_line is None:
                msg = (
                    f"this log does not extend {theirs.location}: it stops at record "
                    f"{seq - 1}, and the other log goes on to {their_report.records}"
                )
                raise IntegrityError(msg, seq=seq)
            if my_line != their_line and _stored_hash(my_line) != _stored_hash(their_line):
                # (the same hash with other bytes: one copy erased a record, which keeps
                # its hash; both logs are verified, so each stored hash is the line's)
                msg = (
                    f"this log does not extend {theirs.location}: the logs part ways at "
                    f"record {seq}"
                )
                raise IntegrityError(msg, seq=seq)
    finally:
        if theirs is not other:
            theirs.close()
    return my_report


def _stored_hash(line: bytes) -> bytes:
    """The hash a canonical line stores (its top-level hash member's value)."""
    i = line.rfind(HASH_KEY) + len(HASH_KEY)
    return line[i : i + 64]


def _trusted(keys: str | os.PathLike[str] | list[TrustedKey] | None) -> list[TrustedKey] | None:
    if keys is None or isinstance(keys, list):
        return keys
    from tracker.proofs.keys import read_trusted

    return read_trusted(os.fspath(keys))


def _audit_error(findings: list[Finding], failed: int) -> IntegrityError:
    """One line for records that fail the signature or erasure checks (the first named)."""
    first = findings[0]
    msg = str(first)
    if failed > 1:
        named = findings[1:6]
        others = ", ".join(str(f.seq) for f in named)
        more = "..." if failed - 1 > len(named) else ""
        msg += f" (and {failed - 1} more: {others}{more}; see --json)"
    shown = [str(f) for f in findings[:MAX_PROBLEMS]]
    return IntegrityError(msg, seq=first.seq, findings=shown, count=failed)


def _parse_head(head: str | Head | Checkpoint) -> Checkpoint:
    if isinstance(head, Checkpoint):
        return head
    if isinstance(head, Head):
        return Checkpoint(None, head.seq, head.hash)
    return Checkpoint.parse(head)


def _verify_named(log: Log, name: str) -> VerifyReport:
    """Verify ``log``, naming it in the error (for checks that involve two logs)."""
    try:
        return log.verify()
    except IntegrityError as exc:
        msg = f"{name} ({log.location}) is damaged: {exc.message}"
        raise IntegrityError(msg, seq=exc.seq) from None


__all__ = ["VerifyReport", "extends", "verify"]
