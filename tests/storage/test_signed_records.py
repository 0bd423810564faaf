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


SECRET = "Jane Q. Victim"


def test_erasure_on_every_store(backend: Backend, clock: object, keys: Path) -> None:
    """The erased record keeps its hash; replay and verify hold; the content is gone."""
    log = backend.open(clock=clock)
    log.signer = record_signer(ALICE)
    log.append([topic("a"), {"type": "topic", "id": "t-secret", "topic": "s", "name": SECRET}])
    log.append(topic("c"))
    head = log.tree_head().note()
    receipt = log.erase("t-secret", reason="a person's request", ordered_by="the editor")
    assert receipt.erased == (2,) and receipt.seq == 4
    assert log.verify(head=head).audit.erasures[0].records == (2,)  # type: ignore[union-attr]
    assert sorted(log.replay().topics) == ["a", "c"]
    assert all(SECRET.encode() not in line for line, _pos in log.store.read_lines())


def test_erasure_in_postgresql_leaves_no_copy_in_the_row(pg_server: object, clock: object) -> None:
    """The line, its jsonb copy and the event id column all lose the content."""
    url = pg_server.url()  # type: ignore[attr-defined]
    with tracker.open(url, create=True, clock=clock, signer=ALICE) as log:
        log.append({"type": "topic", "id": "t-secret", "topic": "s", "name": SECRET})
        log.erase("t-secret", reason="r", ordered_by="o")
        name = log.store.log_name  # type: ignore[attr-defined]
    with pg_server.connect() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(
            "SELECT seq, line, event::text, event_id, event_type FROM tracker_records "
            "WHERE log = %s ORDER BY seq",
            (name,),
        ).fetchall()
    assert [(r[0], r[3], r[4]) for r in rows] == [(1, "erased-1", "erased"), (2, rows[1][3], "erasure")]
    assert all(SECRET not in str(bytes(r[1])) + r[2] for r in rows)


@pytest.mark.parametrize("kind", ["file", "postgres"])
def test_a_copy_brought_up_to_date_carries_the_erasure(
    kind: str, tmp_path: Path, clock: object, request: pytest.FixtureRequest, keys: Path
) -> None:
    """A backup copied before an erasure loses the content when it is copied again (it would
    otherwise hold an erasure naming records that still have their content: not a valid log)."""
    source = tmp_path / "signed.jsonl"
    backup = tmp_path / "backup.jsonl" if kind == "file" else request.getfixturevalue("pg_url")
    with tracker.open(source, create=True, clock=clock, signer=ALICE) as log:
        log.append([topic("a"), {"type": "topic", "id": "t-secret", "topic": "s", "name": SECRET}])
        log.append(topic("c"))
        tracker.copy(log, backup)
        log.erase("t-secret", reason="r", ordered_by="o")
        log.append(topic("d"))
    report = tracker.copy(source, backup)
    assert (report.copied, report.skipped) == (2, 3)
    with tracker.open(backup) as copy:
        assert all(SECRET.encode() not in line for line, _pos in copy.store.read_lines())
        assert [line for line, _p in copy.store.read_lines()] == source.read_bytes().splitlines()
        assert copy.verify().audit.erasures[0].records == (2,)  # type: ignore[union-attr]
    again = tracker.copy(source, backup)  # nothing new, nothing to carry: nothing rewritten
    assert (again.copied, again.skipped) == (0, 5)
