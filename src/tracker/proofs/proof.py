"""Proof files, and their checks with nothing but the proof, the heads and the keys.

An inclusion proof is a C2SP ``tlog-proof`` (https://c2sp.org/tlog-proof)::

    c2sp.org/tlog-proof@v1
    extra <base64 of the record's canonical line>
    index <leaf index: the record's sequence number - 1>
    <base64 audit path, one hash per line, from the leaf's sibling up>

    <the tree head, verbatim, with its signatures>

The record travels in the ``extra`` line: a checker recomputes its hash from its bytes (the
hash covers every field but itself), hashes that as leaf ``index`` and walks the audit path
to the head's root (RFC 9162 2.1.3.2). It learns that record and nothing about the others.

A consistency proof shows that a later head extends an earlier one (RFC 9162 2.1.4)::

    tracker-consistency-proof/v1
    old <size of the earlier head>
    new <size of the later head>
    <base64 proof hashes, one per line>

It is checked against the two heads themselves, which the reader already holds.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import orjson

from tracker.errors import IntegrityError, InvalidInputError
from tracker.proofs.merkle import leaf_hash, verify_consistency, verify_inclusion
from tracker.proofs.note import Checked, Note, VerifierKey, check_signatures, require_signed
from tracker.store.checkpoint import Checkpoint
from tracker.store.records import hash_of_line, signing_form

INCLUSION_HEADER = "c2sp.org/tlog-proof@v1"
CONSISTENCY_HEADER = "tracker-consistency-proof/v1"
_MAX_HASHES = 64


@dataclass(frozen=True, slots=True)
class SignedHead:
    """A tree head read from its note: the parsed head and the note (text and signatures)."""

    head: Checkpoint
    note: Note

    @property
    def root(self) -> bytes:
        """The head's Merkle root (a chain note has none: :func:`read_head` refuses it)."""
        assert self.head.root is not None
        return self.head.root


def normalize(text: str) -> str:
    """A note as pasted (Windows line ends, indentation, blank lines around it) made exact."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def read_head(text: str, *, what: str = "the head") -> SignedHead:
    """Read a tree head note (signed or not).

    Raises:
        InvalidInputError: not a note, or a chain note without a Merkle root.
    """
    note = Note.parse(normalize(text), signed=False)
    head = Checkpoint.parse(note.text)
    if head.root is None:
        msg = (
            f"{what} is a hash-chain head without a Merkle root (from an older 'tracker head'): "
            "proofs need a tree head; print one with 'tracker head'"
        )
        raise InvalidInputError(msg)
    return SignedHead(head, note)


def check_head_signatures(
    signed: SignedHead, keys: list[VerifierKey] | None, *, what: str = "the head"
) -> list[Checked]:
    """Check a head's signatures against ``keys`` (every known one must verify, and one
    publisher's at least); with no keys, list them unchecked."""
    if keys is None:
        return check_signatures(signed.note, [])
    return require_signed(signed.note, keys, what=what)


def format_inclusion(line: bytes, index: int, path: list[bytes], head_note: str) -> str:
    """The tlog-proof text for the record ``line`` at leaf ``index``."""
    lines = [
        INCLUSION_HEADER,
        "extra " + base64.b64encode(line).decode(),
        f"index {index}",
        *(base64.b64encode(h).decode() for h in path),
    ]
    return "\n".join(lines) + "\n\n" + head_note


@dataclass(frozen=True, slots=True)
class Inclusion:
    """A checked inclusion proof: the record it shows and the head it is in."""

    record: dict[str, object]
    index: int
    head: SignedHead
    signatures: list[Checked]
    recorder: str | None = None
    """The key the record names as its recorder (``NAME+KEYID``; None: an unsigned record)."""
    recorder_signature: str = "unsigned"
    """``verified`` (its signature, on this record, checks with a key given), ``not in the
    proof`` (its batch's signature is on a later record), ``not checked`` (no key given for
    it) or ``unsigned`` (a version 1 record)."""


def check_inclusion(
    text: str, *, head: str | None = None, keys: list[VerifierKey] | None = None
) -> Inclusion:
    """Check an inclusion proof offline.

    Args:
        text: the proof file's text.
        head: the head the reader holds (its text must be the proof's head's text).
        keys: public keys the head's signatures are checked against (and the record's own,
            when it carries one).

    One of ``head`` and ``keys`` is needed: a proof checked against the head it carries,
    with no key to tell who published that head, shows nothing (anyone can make a tree and
    a head to go with it).

    Raises:
        InvalidInputError: the text is not a proof, a head is not a tree head, or neither
            ``head`` nor ``keys`` is given.
        IntegrityError: the proof does not show the record in the head's tree, the head
            differs from the one the reader holds, or a signature does not verify.
    """
    if head is None and keys is None:
        msg = (
            "a proof checked against its own head alone shows nothing (anyone can make a tree "
            "and a head): give the head you hold (--head NOTE) or the publisher's keys (--keys FILE)"
        )
        raise InvalidInputError(msg)
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != INCLUSION_HEADER:
        msg = f"not an inclusion proof: its first line must be {INCLUSION_HEADER} (from 'tracker prove')"
        raise InvalidInputError(msg)
    try:
        blank = lines.index("", 1)
    except ValueError:
        msg = "not an inclusion proof: no blank line before its head"
        raise InvalidInputError(msg) from None
    body, note_text = lines[1:blank], "\n".join(lines[blank + 1 :])
    if len(body) < 2 or not body[0].startswith("extra ") or not body[1].startswith("index "):
        msg = "not an inclusion proof: expected 'extra' (the record) and 'index' lines"
        raise InvalidInputError(msg)
    line = _b64(body[0][6:], "the record (extra line)")
    index_text = body[1][6:]
    if not index_text.isdigit() or (index_text != "0" and index_text.startswith("0")):
        msg = f"not an inclusion proof: bad index {index_text[:20]!r}"
        raise InvalidInputError(msg)
    path = [_b64(h, "a proof hash") for h in body[2:]]
    if len(path) > _MAX_HASHES:
        msg = "not an inclusion proof: too many hashes"
        raise InvalidInputError(msg)
    embedded = read_head(note_text, what="the proof's head")
    signed = embedded
    if head is not None:
        signed = read_head(head, what="the head given")
        if signed.note.text != embedded.note.text:
            msg = (
                f"the proof is for head {embedded.head.seq} of {embedded.head.origin}, "
                f"not for the head given ({signed.head.seq} of {signed.head.origin})"
            )
            raise IntegrityError(msg)
    signatures = check_head_signatures(signed, keys)
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("hash"), str):
        msg = "the proof's record is not a tracker record"
        raise IntegrityError(msg)
    index = int(index_text)
    record_hash = hash_of_line(line)
    if record_hash != record["hash"] or record.get("seq") != index + 1:
        msg = (
            f"the proof's record does not match itself (its hash or its number {record.get('seq')} "
            f"is not what its bytes and index {index} say): it was altered"
        )
        raise IntegrityError(msg)
    leaf = leaf_hash(bytes.fromhex(record_hash))
    if not verify_inclusion(index, signed.head.seq, leaf, path, signed.root):
        event = record.get("event")
        ident = event.get("id") if isinstance(event, dict) else None
        msg = (
            f"the proof does not show record {index + 1} (event {ident}) in the log at head "
            f"{signed.head.seq}: the event is not in that log, or the proof was altered"
        )
        raise IntegrityError(msg)
    recorder, status = _recorder(record, line, keys)
    return Inclusion(record, index, signed, signatures, recorder, status)


def _recorder(record: dict[str, object], line: bytes, keys: list[VerifierKey] | None) -> tuple[str | None, str]:
    """Who a proof's record names as its recorder, and what its signature shows."""
    by = record.get("by")
    if not isinstance(by, str):
        return None, "unsigned"
    sig = record.get("sig")
    if not isinstance(sig, str):
        return by, "not in the proof"
    key = next((k for k in keys or () if f"{k.name}+{k.as_kind(0x01).id:08x}" == by), None)
    if key is None:
        return by, "not checked"
    form = signing_form(line)
    try:
        signature = base64.b64decode(sig, validate=True)
    except (binascii.Error, ValueError):
        signature = b""
    if form is None or not key.as_kind(0x01).verify(signature, form):
        msg = f"the proof's record names {by} as its recorder, but its signature does not verify"
        raise IntegrityError(msg)
    return by, "verified"


def format_consistency(old: int, new: int, proof: list[bytes]) -> str:
    """The consistency proof text between head sizes ``old`` and ``new``."""
    lines = [CONSISTENCY_HEADER, f"old {old}", f"new {new}"]
    lines += [base64.b64encode(h).decode() for h in proof]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class Consistency:
    """A checked consistency proof: the later head extends the earlier one."""

    old: SignedHead
    new: SignedHead
    signatures: list[Checked]


def check_consistency(
    text: str, old: str, new: str, *, keys: list[VerifierKey] | None = None
) -> Consistency:
    """Check a consistency proof between two heads offline.

    Raises:
        InvalidInputError: not a consistency proof, or a head is not a tree head.
        IntegrityError: the later head does not extend the earlier one (or they are heads of
            different logs, or the proof is for other sizes), or a signature does not verify.
    """
    lines = [line.strip() for line in text.replace("\r\n", "\n").strip().split("\n")]
    if (
        len(lines) < 3
        or lines[0] != CONSISTENCY_HEADER
        or not lines[1].startswith("old ")
        or not lines[2].startswith("new ")
        or not lines[1][4:].isdigit()
        or not lines[2][4:].isdigit()
    ):
        msg = f"not a consistency proof: expected {CONSISTENCY_HEADER}, 'old N' and 'new N' lines (from 'tracker prove --from --to')"
        raise InvalidInputError(msg)
    proof = [_b64(h, "a proof hash") for h in lines[3:] if h]
    if len(proof) > _MAX_HASHES:
        msg = "not a consistency proof: too many hashes"
        raise InvalidInputError(msg)
    a = read_head(old, what="the earlier head")
    b = read_head(new, what="the later head")
    signatures = check_head_signatures(a, keys, what="the earlier head")
    signatures += check_head_signatures(b, keys, what="the later head")
    if a.head.origin != b.head.origin:
        msg = f"the heads are of different logs ({a.head.origin} and {b.head.origin})"
        raise IntegrityError(msg)
    if (int(lines[1][4:]), int(lines[2][4:])) != (a.head.seq, b.head.seq):
        msg = (
            f"the proof is between sizes {lines[1][4:]} and {lines[2][4:]}, not between the "
            f"heads given ({a.head.seq} and {b.head.seq})"
        )
        raise IntegrityError(msg)
    if not verify_consistency(a.head.seq, b.head.seq, a.root, b.root, proof):
        msg = (
            f"the head at {b.head.seq} does not extend the head at {a.head.seq}: the log was "
            "rewritten between them, or the proof was altered"
        )
        raise IntegrityError(msg)
    return Consistency(a, b, signatures)


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.strip().encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        msg = f"not a proof: {what} is not base64"
        raise InvalidInputError(msg) from None


__all__ = [
    "CONSISTENCY_HEADER",
    "INCLUSION_HEADER",
    "Consistency",
    "Inclusion",
    "SignedHead",
    "check_consistency",
    "check_head_signatures",
    "check_inclusion",
    "format_consistency",
    "format_inclusion",
    "normalize",
    "read_head",
]
