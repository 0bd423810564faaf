"""Signed records on every store: the same version 2 bytes, the same checks, copies kept whole."""

from __future__ import annotations

from pathlib import Path

import pytest

import tracker
from tracker.errors import IntegrityError
from tracker.proofs.keys import key_ref, record_signer
from tracker.proofs.note import SignerKey

from .conftest import Backend

ALICE = SignerKey("news.example/alice", bytes(range(32)))


def topic(name: str) -> dict[str, str]:
    return {"type": "topic", "id": f"topic-{name}", "topic": name, "name": name.title()}


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    path = tmp_path / "trusted-keys.txt"
    path.write_text(f"{ALICE.verifier().text()} recorder\n")
    return path


def test_signed_appends_verify_on_every_store(backend: Backend, clock: object, keys: Path) -> None:
    """A signed batch and a signed single: version 2 bytes the store keeps, checked by verify."""
    log = backend.open(clock=clock)
    log.signer = record_signer(ALICE)
    log.append([topic("a"), topic("b")])
    log.append(topic("c"))
    lines = [line for line, _pos in log.store.read_lines()]
    assert all(line.endswith(b',"v":2}') for line in lines)
    report = log.verify(keys=keys)
    assert report.audit is not None and report.audit.recorders == {key_ref(ALICE): 3}
    assert sorted(log.replay().topics) == ["a", "b", "c"]
    backend.tamper(log, 2, lines[1].replace(b'"name":"B"', b'"name":"X"'))
    with pytest.raises(IntegrityError, match="record 2: its event does not match its digest"):
        log.verify()


def test_file_to_postgres_to_file_keeps_signed_bytes(
    tmp_path: Path, clock: object, pg_url: str, keys: Path
) -> None:
    """Copies carry version 2 records byte for byte; the copy verifies with the same keys."""
    source = tmp_path / "signed.jsonl"
    with tracker.open(source, create=True, clock=clock, signer=ALICE) as log:
        log.append([topic("a"), topic("b")])
        log.append(topic("c"))
    tracker.copy(source, pg_url)
    tracker.copy(pg_url, tmp_path / "back.jsonl")
    assert (tmp_path / "back.jsonl").read_bytes() == source.read_bytes()
    with tracker.open(pg_url) as log:
        assert log.verify(keys=keys).audit.signed == 3  # type: ignore[union-attr]
