"""Signed notes (https://c2sp.org/signed-note) and their keys, with Ed25519 from ``cryptography``.

A note is a text ending in a newline, a blank line, then one or more signature lines::

    — <key name> base64(4-byte key ID || signature)

Two signature types are made and checked here:

- ``0x01``, Ed25519 over the note text (the publisher's signature on a head);
- ``0x04``, a witness's timestamped cosignature (https://c2sp.org/tlog-cosignature): Ed25519
  over ``cosignature/v1\\ntime T\\n`` followed by the note text, the signature being the
  big-endian 64-bit time T then the 64 signature bytes.

Keys are written as Go's ``sumdb/note`` writes them: a verifier key (public, to share) is
``NAME+KEYID+base64(type || 32-byte public key)``, with KEYID the 8 hex digits of the key ID
``SHA-256(NAME || 0x0A || type || public key)[:4]``; a signer key (private, never shared) is
``PRIVATE+KEY+NAME+KEYID+base64(0x01 || 32-byte seed)``. The same Ed25519 key pair serves as a
publisher's key (type 0x01) and as a witness's (type 0x04): the type byte keeps the two uses
apart.

``cryptography`` is imported only when a signature is made or checked, so reading or verifying
a log without signatures never loads it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.errors import IntegrityError, InvalidInputError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ED25519 = 0x01
COSIGNATURE = 0x04
DASH = "\u2014"
MAX_SIGNATURES = 100
"""The most signature lines a note may carry (the spec asks to accept at least 16)."""


def valid_name(name: str) -> bool:
    """Whether ``name`` can be a key name: non-empty, printable, no spaces, no ``+``."""
    return (
        bool(name)
        and "+" not in name
        and not any(c.isspace() or unicodedata.category(c)[0] == "C" for c in name)
    )


def key_id(name: str, kind: int, public: bytes) -> int:
    """The 32-bit key ID of a key: SHA-256(name || 0x0A || type || public key), first 4 bytes."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass(frozen=True, slots=True)
class VerifierKey:
    """A public key that checks signatures: its name, signature type and 32 key bytes."""

    name: str
    kind: int
    public: bytes

    @property
    def id(self) -> int:
        """The key ID that signature lines carry."""
        return key_id(self.name, self.kind, self.public)

    def text(self) -> str:
        """The key as one line to share: ``NAME+KEYID+base64(type || public key)``."""
        data = base64.b64encode(bytes([self.kind]) + self.public).decode()
        return f"{self.name}+{self.id:08x}+{data}"

    def as_kind(self, kind: int) -> VerifierKey:
        """The same public key for another signature type (0x01 or 0x04)."""
        return VerifierKey(self.name, kind, self.public)

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        """Read a verifier key ``NAME+KEYID+BASE64``.

        Raises:
            InvalidInputError: the text is not such a key, its ID does not match, or its
                type is neither Ed25519 (0x01) nor a witness cosignature key (0x04).
        """
        parts = text.strip().split("+", 2)  # base64 may hold '+' too
        if len(parts) != 3 or not valid_name(parts[0]):
            msg = f"not a public key: expected NAME+KEYID+KEY as 'tracker key export' prints it, got {_short(text)}"
            raise InvalidInputError(msg)
        name, hex_id, data = parts
        raw = _b64(data)
        if raw is None or len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE):
            msg = f"public key {name}: not an Ed25519 key (type 01 or 04, 32 bytes) in base64"
            raise InvalidInputError(msg)
        key = cls(name, raw[0], raw[1:])
        if len(hex_id) != 8 or hex_id != f"{key.id:08x}":
            msg = f"public key {name}: its key ID {_short(hex_id)} does not match the key (altered or mistyped)"
            raise InvalidInputError(msg)
        return key

    def verify(self, signature: bytes, message: bytes) -> bool:
        """Whether ``signature`` (64 bytes) is this key's Ed25519 signature of ``message``."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True, slots=True)
class SignerKey:
    """A private Ed25519 key with its name (never printed, never written beside a log)."""

    name: str
    seed: bytes

    def private(self) -> Ed25519PrivateKey:
        """The key as ``cryptography``'s object (keep it to sign many messages)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def public(self) -> bytes:
        """The 32 bytes of the public key."""
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        return self.private().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def verifier(self, kind: int = ED25519) -> VerifierKey:
        """The public key that checks this key's signatures of type ``kind``."""
        return VerifierKey(self.name, kind, self.public)

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of ``message`` (64 bytes)."""
        return self.private().sign(message)

    def text(self) -> str:
        """The private key as Go's sumdb/note writes it: ``PRIVATE+KEY+NAME+KEYID+BASE64``."""
        key_hash = self.verifier().id
        data = base64.b64encode(bytes([ED25519]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{key_hash:08x}+{data}"

    @classmethod
    def generate(cls, name: str) -> SignerKey:
        """A new random key pair named ``name``."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import (
            Encoding,
            NoEncryption,
            PrivateFormat,
        )

        if not valid_name(name):
            msg = f"invalid key name {_short(name)}: no spaces, no '+', e.g. newsroom.example/alice"
            raise InvalidInputError(msg)
        seed = Ed25519PrivateKey.generate().private_bytes(
            Encoding.Raw, PrivateFormat.Raw, NoEncryption()
        )
        return cls(name, seed)

    @classmethod
    def parse(cls, text: str) -> SignerKey:
        """Read a private key ``PRIVATE+KEY+NAME+KEYID+BASE64``.

        Raises:
            InvalidInputError: the text is not such a key, or its ID does not match.
        """
        parts = text.strip().split("+", 4)  # base64 may hold '+' too
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"] or not valid_name(parts[2]):
            msg = "not a private key: expected PRIVATE+KEY+NAME+KEYID+KEY as 'tracker key new' writes it"
            raise InvalidInputError(msg)
        raw = _b64(parts[4])
        if raw is None or len(raw) != 33 or raw[0] != ED25519:
            msg = f"private key {parts[2]}: not an Ed25519 key in base64"
            raise InvalidInputError(msg)
        key = cls(parts[2], raw[1:])
        if parts[3] != f"{key.verifier().id:08x}":
            msg = f"private key {parts[2]}: its key ID does not match the key (altered)"
            raise InvalidInputError(msg)
        return key


@dataclass(frozen=True, slots=True)
class Signature:
    """One signature line of a note: the key's name, its ID and the signature bytes."""

    name: str
    id: int
    data: bytes

    def line(self) -> str:
        """The line as the note carries it (without its newline)."""
        payload = base64.b64encode(self.id.to_bytes(4, "big") + self.data).decode()
        return f"{DASH} {self.name} {payload}"


@dataclass(frozen=True, slots=True)
class Note:
    """A note: its text (ending in a newline) and its signature lines."""

    text: str
    signatures: tuple[Signature, ...] = ()

    def encode(self) -> str:
        """The signed note: text, blank line, one line per signature."""
        lines = "".join(s.line() + "\n" for s in self.signatures)
        return f"{self.text}\n{lines}"

    def sign(self, key: SignerKey) -> Note:
        """This note with ``key``'s Ed25519 signature added (replacing an earlier one by it)."""
        verifier = key.verifier(ED25519)
        sig = Signature(key.name, verifier.id, key.sign(self.text.encode()))
        return self._with(sig)

    def cosign(self, key: SignerKey, timestamp: int) -> Note:
        """This note with ``key``'s witness cosignature (cosignature/v1) at ``timestamp``."""
        if not 0 <= timestamp < 2**63:
            msg = "a cosignature's time must be between 0 and 2^63 - 1"
            raise InvalidInputError(msg)
        verifier = key.verifier(COSIGNATURE)
        message = cosigned_message(self.text, timestamp)
        sig = Signature(key.name, verifier.id, struct.pack(">Q", timestamp) + key.sign(message))
        return self._with(sig)

    def _with(self, sig: Signature) -> Note:
        kept = tuple(s for s in self.signatures if (s.name, s.id) != (sig.name, sig.id))
        return Note(self.text, (*kept, sig))

    @classmethod
    def parse(cls, data: str, *, signed: bool = True) -> Note:
        """Split a note into its text and signature lines (nothing is verified here).

        With ``signed`` false, a text with no signature block is accepted (an unsigned head).

        Raises:
            InvalidInputError: not a note (control characters, no signature lines, a
                malformed one, too many).
        """
        if any(c < " " and c != "\n" for c in data):
            msg = "invalid note: it holds control characters (only newlines are allowed; was it converted to Windows line ends?)"
            raise InvalidInputError(msg)
        cut = data.rfind("\n\n")
        if cut < 0:
            if signed:
                msg = "invalid note: no signature lines (expected the text, a blank line, then '— NAME SIGNATURE' lines)"
                raise InvalidInputError(msg)
            text = data if data.endswith("\n") else data + "\n"
            return cls(text, ())
        text, block = data[: cut + 1], data[cut + 2 :]
        if not block.endswith("\n") and block:
            block += "\n"
        sigs: list[Signature] = []
        for line in block.splitlines():
            sigs.append(_parse_signature(line))
            if len(sigs) > MAX_SIGNATURES:
                msg = f"invalid note: more than {MAX_SIGNATURES} signature lines"
                raise InvalidInputError(msg)
        if signed and not sigs:
            msg = "invalid note: no signature lines after the blank line"
            raise InvalidInputError(msg)
        return cls(text, tuple(sigs))


def cosigned_message(text: str, timestamp: int) -> bytes:
    """What a witness signs (tlog-cosignature, Ed25519): a header, the time, the note text."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


@dataclass(frozen=True, slots=True)
class Checked:
    """The outcome of checking one signature line against the keys given."""

    name: str
    id: int
    status: str
    """``verified``, ``unknown`` (no key given has this name and ID: ignored) or ``bad``."""
    role: str = ""
    """``publisher`` (type 0x01) or ``witness`` (type 0x04) for a known key."""
    timestamp: int | None = None
    """A witness's cosignature time (POSIX seconds)."""


def check_signatures(note: Note, keys: list[VerifierKey]) -> list[Checked]:
    """Check every signature line of ``note`` whose key name and ID match a key given.

    A line whose key is unknown is reported as such and otherwise ignored, as the signed-note
    specification says; a witness cosignature's signature bytes start with its time.
    """
    by_id = {(k.name, k.id): k for k in keys}
    out: list[Checked] = []
    for sig in note.signatures:
        key = by_id.get((sig.name, sig.id))
        if key is None:
            out.append(Checked(sig.name, sig.id, "unknown"))
            continue
        if key.kind == COSIGNATURE:
            ok = len(sig.data) == 72
            timestamp = int.from_bytes(sig.data[:8], "big") if ok else None
            if ok and timestamp is not None and timestamp < 2**63:
                ok = key.verify(sig.data[8:], cosigned_message(note.text, timestamp))
            else:
                ok = False
            out.append(Checked(sig.name, sig.id, "verified" if ok else "bad", "witness", timestamp))
        else:
            ok = len(sig.data) == 64 and key.verify(sig.data, note.text.encode())
            out.append(Checked(sig.name, sig.id, "verified" if ok else "bad", "publisher"))
    return out


def require_signed(note: Note, keys: list[VerifierKey], *, what: str = "the note") -> list[Checked]:
    """Check ``note``'s signatures: every one by a known key must verify, and at least one
    publisher's (type 0x01) must.

    Raises:
        IntegrityError: a signature by a known key does not verify, or no known publisher
            key signed the note.
    """
    checked = check_signatures(note, keys)
    for c in checked:
        if c.status == "bad":
            msg = (
                f"{what}: the {c.role} signature by {c.name} ({c.id:08x}) does not verify: "
                "the note was altered or the signature forged"
            )
            raise IntegrityError(msg)
    if not any(c.status == "verified" and c.role == "publisher" for c in checked):
        names = ", ".join(sorted({c.name for c in checked})) or "nobody"
        msg = (
            f"{what} is not signed by any publisher key in the keys given (signed by: {names}); "
            "add the publisher's public key to the keys file"
        )
        raise IntegrityError(msg)
    return checked


def _parse_signature(line: str) -> Signature:
    prefix = DASH + " "
    if not line.startswith(prefix):
        msg = f"invalid note: signature line {_short(line)} does not start with '— '"
        raise InvalidInputError(msg)
    name, sep, payload = line[len(prefix) :].partition(" ")
    raw = _b64(payload) if sep else None
    if not valid_name(name) or raw is None or len(raw) < 5:
        msg = f"invalid note: malformed signature line {_short(line)}"
        raise InvalidInputError(msg)
    return Signature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None


def _short(text: str, limit: int = 40) -> str:
    text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
    return "'" + (text if len(text) <= limit else text[: limit - 3] + "...") + "'"


__all__ = [
    "COSIGNATURE",
    "ED25519",
    "Checked",
    "Note",
    "Signature",
    "SignerKey",
    "VerifierKey",
    "check_signatures",
    "cosigned_message",
    "key_id",
    "require_signed",
    "valid_name",
]
