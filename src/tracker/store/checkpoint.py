"""The published head: a short note that pins a log, to print in an article and check later.

A checkpoint says "this log had N records, and record N's hash was H". Anyone holding it can
later prove that a log still extends it (its first N records are the ones published, byte for
byte), because each record's hash covers the one before. The text form is modelled on the C2SP
checkpoint note (https://c2sp.org/tlog-checkpoint)::

    tracker-log/5d0c9f2e81a4b7c3
    42
    9b1d5f...e07

- line 1, the origin: names the log. It is ``tracker-log/`` and the first 16 hex digits of
  record 1's hash, so every copy of a log (any path, any backend) has the same origin, and a
  head published for another log is told apart from a tampered one;
- line 2, the size: the head's sequence number (the note covers records 1..N);
- line 3: the hash of record N, in lowercase hex as ``tracker log`` shows it;
- a blank line, after which signature lines may later be added (the signed-note form:
  ``— NAME BASE64``). Nothing after the blank line is read today.

In this first form line 3 is the head of a hash chain, not the base64 root of a Merkle tree;
it is written in hex on purpose, so that no transparency-log tool takes it for one. The short
form ``SEQ:HASH`` (``42:9b1d...``) carries the same pin without the origin.

A *tree head* (what ``tracker head`` prints since signed heads came) is a C2SP checkpoint
proper: line 3 is the base64 RFC 9162 Merkle root over the first N records' hashes
(:mod:`tracker.proofs.merkle`), and an extension line ``chain HASH`` keeps the hash chain's
pin, so every check a chain note allows works with a tree head too::

    tracker-log/5d0c9f2e81a4b7c3
    42
    q2Xc0lE3...Jk=
    chain 9b1d5f...e07

Both forms are read by :meth:`Checkpoint.parse`; signature lines after the blank line are
checked by :mod:`tracker.proofs.note`, never here.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from tracker.errors import InvalidInputError
from tracker.store.records import ZERO_HASH

ORIGIN_PREFIX = "tracker-log/"
EMPTY_ORIGIN = ORIGIN_PREFIX + "empty"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SIZE = re.compile(r"0|[1-9][0-9]{0,18}")
_B64_32 = re.compile(r"[A-Za-z0-9+/]{43}=")
CHAIN_PREFIX = "chain "
_EXAMPLE = f"42:{'ab' * 32}"


def origin_of(first_hash: str | None) -> str:
    """Return the origin line of a log whose record 1 has hash ``first_hash`` (None: empty)."""
    return EMPTY_ORIGIN if first_hash is None else ORIGIN_PREFIX + first_hash[:16]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A published head: the log's origin (None when given as ``SEQ:HASH``), size and hash,
    and for a tree head the Merkle root of its first ``seq`` records."""

    origin: str | None
    seq: int
    hash: str
    root: bytes | None = None

    def text(self) -> str:
        """The note's text (what signatures sign): origin, size, hash or root (and chain)."""
        origin = self.origin or (EMPTY_ORIGIN if self.seq == 0 else ORIGIN_PREFIX + "unknown")
        if self.root is None:
            return f"{origin}\n{self.seq}\n{self.hash}\n"
        root = base64.b64encode(self.root).decode()
        return f"{origin}\n{self.seq}\n{root}\n{CHAIN_PREFIX}{self.hash}\n"

    def note(self) -> str:
        """Return the note to publish: its text, then a blank line (for signatures)."""
        return self.text() + "\n"

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a head given as a checkpoint note or as ``SEQ:HASH``.

        Surrounding blank lines, indentation and Windows line ends are forgiven (the note may
        have been pasted from an article or an email); anything after the note's blank line
        (future signatures) is ignored.

        Raises:
            InvalidInputError: neither form; the message says what was expected.
        """
        if not isinstance(text, str):
            msg = (
                f"invalid head: expected the text of a checkpoint note or SEQ:HASH (e.g. "
                f"{_EXAMPLE}), not {type(text).__name__}"
            )
            raise InvalidInputError(msg)
        lines = [line.strip() for line in text.replace("\r\n", "\n").strip().split("\n")]
        if len(lines) == 1:
            return _parse_short(lines[0])
        body = lines[: lines.index("")] if "" in lines else lines
        if len(body) < 3:
            msg = (
                "invalid head note: expected three lines (origin, size, hash) as "
                "'tracker head' prints them"
            )
            raise InvalidInputError(msg)
        origin, size, digest = body[:3]
        root = None
        if _B64_32.fullmatch(digest):  # a tree head: the chain's pin is on an extension line
            root = _root(digest)
            chain = next((b for b in body[3:] if b.startswith(CHAIN_PREFIX)), "")
            digest = chain[len(CHAIN_PREFIX) :]
            if not _HEX64.fullmatch(digest.lower()):
                msg = "invalid head note: a tree head needs its 'chain HASH' line as 'tracker head' prints it"
                raise InvalidInputError(msg)
        if not origin.startswith(ORIGIN_PREFIX) or len(origin) <= len(ORIGIN_PREFIX):
            msg = (
                f"invalid head note: its first line {_show(origin)} is not a tracker log origin "
                f"(expected '{ORIGIN_PREFIX}...' as 'tracker head' prints it)"
            )
            raise InvalidInputError(msg)
        if not _SIZE.fullmatch(size):
            msg = f"invalid head note: its second line {_show(size)} is not a record count"
            raise InvalidInputError(msg)
        if not _HEX64.fullmatch(digest.lower()):
            msg = f"invalid head note: its third line {_show(digest)} is not a 64-hex-digit hash"
            raise InvalidInputError(msg)
        seq = int(size)
        if seq == 0 and digest.lower() != ZERO_HASH:
            msg = "invalid head note: size 0 goes only with the zero hash (an empty log)"
            raise InvalidInputError(msg)
        return cls(origin, seq, digest.lower(), root)


def _root(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        msg = f"invalid head note: its third line {_show(text)} is not a base64 tree root"
        raise InvalidInputError(msg) from None


def _show(text: str, limit: int = 40) -> str:
    """Quote user text for a one-line message: control characters escaped, long text cut."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
    return "'" + (text if len(text) <= limit else text[: limit - 3] + "...") + "'"


def _parse_short(text: str) -> Checkpoint:
    seq_text, colon, digest = text.partition(":")
    digest = digest.lower()
    if not colon or not _SIZE.fullmatch(seq_text) or not _HEX64.fullmatch(digest):
        msg = f"invalid head {_show(text, 80)}: expected SEQ:HASH, e.g. 42:{'ab' * 32} (from 'tracker head')"
        raise InvalidInputError(msg)
    seq = int(seq_text)
    if seq == 0 and digest != ZERO_HASH:
        msg = "invalid head: sequence number 0 goes only with the zero hash (an empty log)"
        raise InvalidInputError(msg)
    return Checkpoint(None, seq, digest)


__all__ = ["CHAIN_PREFIX", "EMPTY_ORIGIN", "ORIGIN_PREFIX", "Checkpoint", "origin_of"]
