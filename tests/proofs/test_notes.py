"""Signed notes and keys: Go's sumdb/note test vectors, and a second verification written here
from the C2SP signed-note and tlog-cosignature specifications alone."""

from __future__ import annotations

import base64
import hashlib
import struct

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tracker.errors import IntegrityError, InvalidInputError
from tracker.proofs.note import (
    COSIGNATURE,
    Note,
    SignerKey,
    VerifierKey,
    check_signatures,
    require_signed,
)

# golang.org/x/mod sumdb/note: note.go's package example and note_test.go (TestSign, TestVerifierList)
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIGNED = (
    GO_TEXT + "\n"
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
GO_DOUBLE = (
    GO_SIGNED
    + "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
)


def test_go_keys_read_and_write_back() -> None:
    """Go's signer and verifier keys parse, agree, and print back byte for byte."""
    signer = SignerKey.parse(GO_SKEY)
    assert signer.text() == GO_SKEY
    assert signer.verifier().text() == GO_VKEY
    assert VerifierKey.parse(GO_VKEY).text() == GO_VKEY


def test_go_signature_is_reproduced() -> None:
    """Signing Go's text with Go's key gives Go's signed note exactly (Ed25519 is deterministic)."""
    assert Note(GO_TEXT).sign(SignerKey.parse(GO_SKEY)).encode() == GO_SIGNED


def test_go_notes_verify() -> None:
    """Go's singly and doubly signed notes verify with its keys; unknown keys are reported."""
    keys = [VerifierKey.parse(GO_VKEY), VerifierKey.parse(ENOCH_VKEY)]
    checked = check_signatures(Note.parse(GO_DOUBLE), keys)
    assert [(c.name, c.status) for c in checked] == [
        ("PeterNeumann", "verified"),
        ("EnochRoot", "verified"),
    ]
    only_peter = check_signatures(Note.parse(GO_DOUBLE), keys[:1])
    assert [c.status for c in only_peter] == ["verified", "unknown"]


@pytest.mark.parametrize(
    "bad",
    [
        GO_VKEY[:-1],
        GO_VKEY.replace("c74f20a3", "c74f20a4"),
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_mangled_keys_are_refused(bad: str) -> None:
    """Keys mangled as Go's TestNewVerifier mangles them are refused."""
    with pytest.raises(InvalidInputError):
        VerifierKey.parse(bad)


def test_a_forged_or_altered_note_is_caught() -> None:
    """A changed text or a changed signature byte fails; a note with no known signer fails."""
    keys = [VerifierKey.parse(GO_VKEY)]
    altered = GO_SIGNED.replace("answer", "Answer")
    with pytest.raises(IntegrityError, match="does not verify"):
        require_signed(Note.parse(altered), keys)
    with pytest.raises(IntegrityError, match="not signed by any publisher key"):
        require_signed(Note.parse(GO_SIGNED), [VerifierKey.parse(ENOCH_VKEY)])


@pytest.mark.parametrize(
    "text",
    [GO_TEXT, GO_TEXT + "\n— \n", GO_TEXT + "\n— PeterNeumann !!!\n", GO_TEXT + "\x1b\n\n— a AAAA\n"],
)
def test_malformed_notes_are_refused(text: str) -> None:
    """No signature block, a bad signature line or a control character: refused in one line."""
    with pytest.raises(InvalidInputError):
        Note.parse(text)


# --- a second verification, from the specifications alone ------------------------------------


def spec_verify(note: str, name: str, public: bytes) -> list[str]:
    """Verify ``note``'s signatures by key ``name``/``public`` as C2SP signed-note v1 and
    tlog-cosignature v1 say, returning the kinds that verified ("ed25519", "cosignature")."""
    text, _, block = note.rpartition("\n\n")
    text += "\n"
    found = []
    for line in block.splitlines():
        dash, key_name, payload = line.split(" ")
        assert dash == "\u2014"
        raw = base64.b64decode(payload)
        if key_name != name:
            continue
        ed_id = hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]
        co_id = hashlib.sha256(name.encode() + b"\n\x04" + public).digest()[:4]
        key = Ed25519PublicKey.from_public_bytes(public)
        try:
            if raw[:4] == ed_id:
                key.verify(raw[4:], text.encode())
                found.append("ed25519")
            elif raw[:4] == co_id:
                (t,) = struct.unpack(">Q", raw[4:12])
                key.verify(raw[12:], b"cosignature/v1\ntime %d\n" % t + text.encode())
                found.append("cosignature")
        except InvalidSignature:
            found.append("bad")
    return found


def test_our_notes_pass_the_spec_verification() -> None:
    """A head signed by a publisher and cosigned by a witness verifies by the specs' rules."""
    publisher, witness = SignerKey.generate("news.example/alice"), SignerKey.generate("w.example/1")
    text = "tracker-log/0123456789abcdef\n3\n" + base64.b64encode(b"r" * 32).decode() + "\nchain " + "a" * 64 + "\n"
    note = Note(text).sign(publisher).cosign(witness, 1_700_000_000).encode()
    assert spec_verify(note, publisher.name, publisher.public) == ["ed25519"]
    assert spec_verify(note, witness.name, witness.public) == ["cosignature"]
    assert spec_verify(note.replace("\n3\n", "\n4\n"), witness.name, witness.public) == ["bad"]
    keys = [publisher.verifier(), witness.verifier(COSIGNATURE)]
    assert [c.status for c in require_signed(Note.parse(note), keys)] == ["verified", "verified"]
    assert [c.timestamp for c in check_signatures(Note.parse(note), keys)] == [None, 1_700_000_000]
