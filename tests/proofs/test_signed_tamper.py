"""Signed (version 2) records are as tamper-evident as version 1: any changed byte is named.

The hash of a version 2 record leaves its event and nonce out (the salted digest stands for
them), so this holds only because every reader checks the event against the digest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import tracker
from tracker.errors import IntegrityError, InvalidRecordError
from tracker.proofs.note import SignerKey

ALICE = SignerKey("news.example/alice", bytes(range(32)))


@pytest.fixture
def signed(tmp_path: Path, clock: Any) -> tuple[Path, bytes]:
    """Five signed records: a single, a batch of three, a single."""
    path = tmp_path / "log.jsonl"
    topics = [{"type": "topic", "id": f"t{i}", "topic": f"t{i}", "name": f"T {i}"} for i in range(5)]
    with tracker.open(path, create=True, clock=clock, signer=ALICE) as log:
        log.append(topics[0])
        log.append(topics[1:4])
        log.append(topics[4])
    return path, path.read_bytes()


@pytest.mark.parametrize("seq", [1, 3, 4, 5])
def test_a_changed_byte_anywhere_in_a_signed_record_is_named(
    signed: tuple[Path, bytes], seq: int
) -> None:
    """Flipping any bit-0 of record N's bytes makes verify name N (or, for its version
    digit, ask for a newer tracker)."""
    path, data = signed
    lines = data.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: seq - 1])
    end = start + len(lines[seq - 1]) - 1  # the newline: a torn end, tested elsewhere
    version_digit = start + lines[seq - 1].rindex(b'"v":2') + 4
    for offset in range(start, end):
        changed = bytearray(data)
        changed[offset] ^= 0x01
        path.write_bytes(changed)
        if offset == version_digit:
            with pytest.raises(InvalidRecordError, match="newer tracker"):
                tracker.open(path).verify()
            continue
        with pytest.raises(IntegrityError) as caught:
            tracker.open(path).verify()
        assert caught.value.seq == seq, f"byte {offset - start} ({chr(data[offset])!r})"
