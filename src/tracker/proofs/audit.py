"""Who recorded each record, and what was erased: the checks ``verify`` adds to the chain's.

``verify`` walks the chain (every line canonical, every hash right, every link) and hands
each record it has checked to an :class:`Audit`, in order. The audit checks what the chain
cannot:

- **Erasures** (always, keys or not): an erased record (a version 2 record without its nonce,
  its event replaced by a placeholder) must be named by a later erasure record, and every
  record an erasure names must be erased. Anything else is content removed without a trace,
  or an erasure that was not carried out.
- **Signatures** (with the trusted keys, ``verify --keys``): every record must be signed by a
  key of the keys file that may do what the record does (``recorder``; ``eraser`` for an
  erasure), or by a key announced in a record signed by the key it replaces (a rotation).
  A batch's signature is on its last record and covers the whole batch: every record of
  it must name the signer's key. Each record that fails is named by sequence number: unsigned
  (version 1, or a batch closed without a signature), signed in the name of an unknown key,
  signed wrongly (forged or altered), signed by a key revoked by then (``revoked=DATE`` in
  the keys file), or replaced by then (a rotation), or by a key without the role.

An erasure counts, with keys, only when it passes those checks itself (an ``eraser`` key).

Nothing here reads the log: the facade feeds it the parsed records and their lines.
"""

from __future__ import annotations

import base64
import binascii
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tracker.errors import InvalidInputError
from tracker.proofs.keys import TrustedKey, key_ref
from tracker.proofs.note import VerifierKey
from tracker.store.records import SIGNED_VERSION, signing_form

KEPT = 10_000
"""How many findings of the walk a report keeps (it counts them all)."""


@dataclass(frozen=True, slots=True)
class ErasureInfo:
    """One erasure record: the records it erased, why, who ordered it and who signed it."""

    seq: int
    records: tuple[int, ...]
    reason: str
    ordered_by: str
    by: str
    signed: bool | None
    """True: its signature and the eraser role check out; False: they do not; None: no keys
    were given to check them."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A record that fails a check: its sequence number and what is wrong, in one line."""

    seq: int
    problem: str
    last: int | None = None
    """For a run of records with the same problem (unsigned version 1 records): the last."""

    def __str__(self) -> str:
        if self.last is not None and self.last != self.seq:
            return f"records {self.seq}-{self.last}: {self.problem}"
        return f"record {self.seq}: {self.problem}"


@dataclass(slots=True)
class AuditReport:
    """What the audit found: erasures, and (with keys) who signed what and what failed."""

    keys_checked: bool
    erasures: list[ErasureInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """The records that fail, sorted by sequence number: all of them, or the first
    :data:`KEPT` found walking the log (and those the end of the walk finds)."""
    failed: int = 0
    """How many findings there are in all."""
    signed: int = 0
    """Records whose signature checked out (with keys)."""
    recorders: Counter[str] = field(default_factory=Counter)
    """Records per recorder key (``NAME+KEYID``) whose signature checked out."""
    rotations: list[tuple[int, str, str]] = field(default_factory=list)
    """(record, old key, new key) for each rotation that took effect."""


@dataclass(slots=True)
class _Key:
    verifier: VerifierKey
    roles: frozenset[str]
    revoked: str | None
    replaced_at: int | None = None
    """The rotation record after which this key no longer signs."""
    public: Any = None
    """``cryptography``'s public key object, made on first use."""

    def verify(self, signature: bytes, message: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        if self.public is None:
            self.public = Ed25519PublicKey.from_public_bytes(self.verifier.public)
        try:
            self.public.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(slots=True)
class _Pending:
    """Records of a batch awaiting its signature: a run of plain records (first..last, one
    recorder, one recorded time: a whole honest batch is one run, however long), or one
    erasure or rotation record with its event."""

    seq: int
    last: int
    by: str
    recorded: str
    event: dict[str, Any] | None = None

    @property
    def count(self) -> int:
        return self.last - self.seq + 1


class Audit:
    """Feed it every record in order (:meth:`see`), then :meth:`finish`; see the module doc."""

    def __init__(self, trusted: list[TrustedKey] | None) -> None:
        """With ``trusted`` (a keys file read), check signatures too; without, erasures only."""
        self.report = AuditReport(keys_checked=trusted is not None)
        self._keys: dict[str, _Key] | None = None
        if trusted is not None:
            self._keys = {}
            for t in trusted:
                ref = key_ref(t.key)
                known = self._keys.get(ref)
                roles = t.roles | (known.roles if known else frozenset())
                self._keys[ref] = _Key(t.key.as_kind(0x01), roles, t.revoked)
        self._batch: list[_Pending] = []
        self._erased: dict[int, str] = {}
        self._unsigned: list[list[int]] = []
        """Runs of version 1 records, [first, last] (with keys: they are unsigned)."""

    # --- feeding -------------------------------------------------------------------------

    def see(self, data: dict[str, Any], line: bytes) -> None:
        """One record, already checked by the chain walk (``data`` is its parsed line)."""
        if data["v"] < SIGNED_VERSION:
            if self._keys is not None:
                seq = data["seq"]
                runs = self._unsigned
                if runs and runs[-1][1] == seq - 1:
                    runs[-1][1] = seq
                else:
                    runs.append([seq, seq])
            return
        seq, by, event = data["seq"], data["by"], data["event"]
        if "nonce" not in data:
            self._erased[seq] = by
        special = event if event.get("type") in ("erasure", "key_rotation") else None
        if self._keys is None:  # erasures only: no batch to settle
            if special is not None and special.get("type") == "erasure":
                self._note_erasure(_Pending(seq, seq, by, "", special), None)
            return
        pending, recorded = self._batch, data["recorded"]
        run = pending[-1] if pending else None
        if (
            special is None
            and run is not None
            and run.event is None
            and run.last == seq - 1
            and run.by == by
            and run.recorded == recorded
        ):
            run.last = seq
        else:
            pending.append(_Pending(seq, seq, by, recorded, special))
        batch = data["batch"]
        if batch["index"] == batch["count"] - 1:
            self._settle(data.get("sig"), line)

    def _find(self, seq: int, problem: str, last: int | None = None) -> None:
        """Records ``seq`` (to ``last``) fail with ``problem``: each is a finding."""
        report = self.report
        last = seq if last is None else last
        for one in range(seq, min(last, seq + KEPT - len(report.findings) - 1) + 1):
            report.findings.append(Finding(one, problem))  # a log failing everywhere keeps
        report.failed += last - seq + 1  # the first ones, and counts the rest

    def _settle(self, sig: str | None, line: bytes) -> None:
        """Check a batch's signature (on its last record) and each record it covers."""
        batch, self._batch = self._batch, []
        closing = batch[-1]
        keys = self._keys
        assert keys is not None
        key = keys.get(closing.by)
        problem = None
        if sig is None:
            problem = f"unsigned (its batch's last record, {closing.last}, carries no signature)"
        elif key is None:
            problem = f"signed in the name of {closing.by}, a key not in the keys file"
        elif not key.verify(_b64(sig), signing_form(line) or b""):
            problem = f"its batch's signature by {closing.by} does not verify (forged, or the batch was altered)"
        for rec in batch:
            ok = False
            if problem is not None:
                self._find(rec.seq, problem, rec.last)
            elif rec.by != closing.by:
                self._find(
                    rec.seq,
                    f"names {rec.by} as its recorder, but its batch is signed by {closing.by}",
                    rec.last,
                )
            else:
                ok = self._allowed(rec, key)  # type: ignore[arg-type]
            if ok:
                self.report.signed += rec.count
                self.report.recorders[rec.by] += rec.count
            kind = rec.event.get("type") if rec.event is not None else None
            if kind == "erasure":
                self._note_erasure(rec, ok)
            elif ok and kind == "key_rotation":
                self._rotate(rec, key)  # type: ignore[arg-type]

    def _allowed(self, rec: _Pending, key: _Key) -> bool:
        """Whether ``key`` (whose signature checked out) may sign ``rec`` when it did."""
        if key.revoked is not None and rec.recorded >= key.revoked:
            self._find(rec.seq, f"signed by {rec.by} after its revocation ({key.revoked})", rec.last)
            return False
        if key.replaced_at is not None and rec.seq > key.replaced_at:
            self._find(
                rec.seq,
                f"signed by {rec.by} after record {key.replaced_at} replaced it with another key",
                rec.last,
            )
            return False
        kind = rec.event.get("type") if rec.event is not None else None
        role = "eraser" if kind == "erasure" else "recorder"
        if kind == "key_rotation" and key.roles & {"recorder", "eraser"}:
            return True
        if role not in key.roles:
            what = "erase" if role == "eraser" else "record"
            self._find(
                rec.seq,
                f"signed by {rec.by}, which the keys file does not allow to {what} (role {role})",
                rec.last,
            )
            return False
        return True

    def _rotate(self, rec: _Pending, key: _Key) -> None:
        """A rotation signed by a key in good standing: the new key takes over its roles."""
        assert self._keys is not None and rec.event is not None
        event = rec.event
        if event.get("replaces") != rec.by:
            self._find(
                rec.seq,
                f"announces a key replacing {event.get('replaces')}, but is signed by {rec.by}",
            )
            return
        try:
            new = VerifierKey.parse(str(event.get("key")))
        except InvalidInputError as exc:
            self._find(rec.seq, f"announces a key that does not parse ({exc.message})")
            return
        ref = key_ref(new)
        if ref in self._keys and ref != rec.by:
            known = self._keys[ref]
            roles = known.roles | key.roles
        else:
            roles = key.roles
        self._keys[ref] = _Key(new.as_kind(0x01), roles, key.revoked)
        key.replaced_at = rec.seq
        self.report.rotations.append((rec.seq, rec.by, ref))

    def _note_erasure(self, rec: _Pending, signed: bool | None) -> None:
        event = rec.event
        assert event is not None
        records = event.get("records")
        self.report.erasures.append(
            ErasureInfo(
                rec.seq,
                tuple(r for r in records if isinstance(r, int)) if isinstance(records, list) else (),
                str(event.get("reason", "")),
                str(event.get("ordered_by", "")),
                rec.by,
                signed,
            )
        )

    # --- the end ---------------------------------------------------------------------------

    def finish(self) -> AuditReport:
        """Check erasures against erased records; return the report (findings sorted)."""
        report = self.report
        for rec in self._batch:  # an unfinished batch cannot reach here (a torn end), but:
            self._find(rec.seq, "unsigned (its batch is unfinished)", rec.last)
        self._batch = []
        for first, last in self._unsigned:
            what = "a version 1 record" if first == last else "version 1 records"
            report.findings.append(Finding(first, f"unsigned ({what}: written without a key)", last))
            report.failed += 1
        named: dict[int, ErasureInfo] = {}
        for erasure in report.erasures:
            for target in erasure.records:
                if target >= erasure.seq:
                    self._find(erasure.seq, f"names record {target}, which is not before it")
                elif target not in self._erased:
                    self._find(
                        target,
                        f"erasure record {erasure.seq} names it, but its content is still there",
                    )
                elif erasure.signed is not False:
                    named.setdefault(target, erasure)
        for seq in self._erased:
            if seq in named:
                continue
            tried = [e for e in report.erasures if seq in e.records]
            if tried:
                self._find(
                    seq,
                    f"erased by record {tried[0].seq}, whose signer may not erase (see record "
                    f"{tried[0].seq})",
                )
            else:
                self._find(seq, "its content was removed, but no erasure record names it")
        report.findings.sort(key=lambda f: f.seq)
        return report


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return b""


__all__ = ["KEPT", "Audit", "AuditReport", "ErasureInfo", "Finding"]
