"""Signed records: who recorded each record, checked against the log's trusted keys.

A signed append writes version 2 records (``by``, ``digest``, ``nonce``, ``sig``): the hash
covers the salted digest instead of the event, and one signature on a batch's last record
covers the batch. ``verify(keys=...)`` names each record that is unsigned, signed in an
unknown key's name, signed wrongly, by a revoked or replaced key, or by a key without the role.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pytest

import tracker
from tracker.errors import ConflictError, IntegrityError, InvalidInputError, UnknownIdError
from tracker.events.codec import canonical_bytes
from tracker.proofs.keys import key_ref, new_key, parse_trusted, record_signer
from tracker.proofs.note import SignerKey
from tracker.store import base as store_base
from tracker.store import signed as store_signed
from tracker.store.records import (
    SIGNATURE_CONTEXT,
    compute_hash,
    hash_of_line,
    parse_record,
    signing_form,
)
from tracker.store.signed import Signer

if TYPE_CHECKING:
    from tests.conftest import StepClock


def topic(name: str) -> dict[str, str]:
    return {"type": "topic", "id": f"topic-{name}", "topic": name, "name": name.title()}


def keys_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "trusted-keys.txt"
    path.write_text("".join(line + "\n" for line in lines))
    return path


@pytest.fixture
def alice() -> SignerKey:
    return new_key("news.example/alice")


@pytest.fixture
def bob() -> SignerKey:
    return new_key("news.example/bob")


def lines_of(log: tracker.Log) -> list[bytes]:
    return [line for line, _pos in log.store.read_lines()]


def test_a_signed_batch_is_version_2_with_one_signature_on_its_last_record(
    tmp_path: Path, clock: StepClock, alice: SignerKey
) -> None:
    """Every record names the key; the digest salts the event; only the last is signed."""
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock, signer=alice) as log:
        log.append([topic("a"), topic("b"), topic("c")])
        lines = lines_of(log)
    records = [parse_record(line) for line in lines]
    assert [r.v for r in records] == [2, 2, 2]
    assert {r.by for r in records} == {key_ref(alice)}
    assert [r.sig is not None for r in records] == [False, False, True]
    for record, line in zip(records, lines, strict=True):
        assert canonical_bytes(record.to_dict()) == line  # the fast builder writes canonical bytes
        body = orjson.loads(line)
        assert body["digest"] == hashlib.sha256(
            bytes.fromhex(body["nonce"]) + canonical_bytes(body["event"])
        ).hexdigest()
        del body["hash"]
        assert compute_hash(body) == record.hash == hash_of_line(line)
        hashed = {k: v for k, v in body.items() if k not in ("event", "nonce")}
        assert hashlib.sha256(canonical_bytes(hashed)).hexdigest() == record.hash
    assert len({r.nonce for r in records}) == 3
    last = lines[-1]
    signed = orjson.loads(last)
    form = {k: v for k, v in signed.items() if k not in ("event", "hash", "nonce", "sig")}
    assert signing_form(last) == SIGNATURE_CONTEXT + canonical_bytes(form)
    alice.verifier().verify(base64.b64decode(signed["sig"]), SIGNATURE_CONTEXT + canonical_bytes(form))


def test_unsigned_appends_still_write_version_1(tmp_path: Path, clock: StepClock) -> None:
    """A log nobody signs is written exactly as before (the golden vectors hold the bytes)."""
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock) as log:
        log.append(topic("a"))
        (line,) = lines_of(log)
    assert line.endswith(b',"v":1}') and b'"by"' not in line


def test_a_signed_log_replays_verifies_and_reports_who_signed(
    tmp_path: Path, clock: StepClock, alice: SignerKey, bob: SignerKey
) -> None:
    """Two recorders: verify with their keys counts each one's records."""
    path = tmp_path / "log.jsonl"
    with tracker.open(path, create=True, clock=clock, signer="news.example/alice") as log:
        log.append([topic("a"), topic("b")])
        log.append(topic("c"), signer="news.example/bob")
        assert sorted(log.replay().topics) == ["a", "b", "c"]
        report = log.verify(
            keys=keys_file(
                tmp_path,
                f"{alice.verifier().text()} recorder",
                f"{bob.verifier().text()} recorder publisher",
            )
        )
    assert report.audit is not None
    assert report.audit.signed == 3
    assert dict(report.audit.recorders) == {key_ref(alice): 2, key_ref(bob): 1}
    assert tracker.open(path).verify().records == 3  # without keys: the chain and digests


def test_each_failing_record_is_named_by_sequence_number(
    tmp_path: Path, clock: StepClock, alice: SignerKey, bob: SignerKey
) -> None:
    """Unsigned, unknown key, forged: each record is named; the first in the message."""
    mallory = SignerKey.generate("news.example/mallory")
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock) as log:
        log.append([topic("a"), topic("b")])  # records 1-2: unsigned
        log.append(topic("c"), signer=alice)  # 3: fine
        log.append(topic("d"), signer=bob)  # 4: a key not in the file
        forged = Signer(key_ref(alice), mallory.private().sign)
        log.append([topic("e"), topic("f")], signer=forged)  # 5-6: alice's name, mallory's key
        with pytest.raises(IntegrityError) as caught:
            log.verify(keys=keys_file(tmp_path, f"{alice.verifier().text()} recorder"))
    findings = caught.value.findings
    assert findings == [
        "records 1-2: unsigned (version 1 records: written without a key)",
        f"record 4: signed in the name of {key_ref(bob)}, a key not in the keys file",
        f"record 5: its batch's signature by {key_ref(alice)} does not verify (forged, or the batch was altered)",
        f"record 6: its batch's signature by {key_ref(alice)} does not verify (forged, or the batch was altered)",
    ]
    assert caught.value.seq == 1
    assert caught.value.message.startswith(findings[0] + " (and 3 more: 4, 5, 6")
    assert "\n" not in caught.value.message


def test_a_record_naming_another_recorder_than_its_batch_signer_is_named(
    tmp_path: Path,
    clock: StepClock,
    alice: SignerKey,
    bob: SignerKey,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch signed by alice whose first record claims bob: that record fails."""
    original = store_signed.make_signed_record

    def mixed(**kw: Any) -> store_signed.Record:
        if kw["batch_index"] == 0:
            kw["signer"] = record_signer(bob)
        return original(**kw)

    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock) as log:
        monkeypatch.setattr(store_base, "make_signed_record", mixed)
        log.append([topic("a"), topic("b")], signer=alice)
        monkeypatch.undo()
        trusted = keys_file(
            tmp_path, f"{alice.verifier().text()} recorder", f"{bob.verifier().text()} recorder"
        )
        with pytest.raises(IntegrityError) as caught:
            log.verify(keys=trusted)
    assert caught.value.findings == [
        f"record 1: names {key_ref(bob)} as its recorder, but its batch is signed by {key_ref(alice)}"
    ]


def test_a_revoked_key_signs_nothing_from_its_date_on(
    tmp_path: Path, clock: StepClock, alice: SignerKey, bob: SignerKey
) -> None:
    """Records before the revocation verify; those at or after it are named."""
    clock.set(datetime(2026, 2, 28, 23, 58, tzinfo=UTC))
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock, signer=bob) as log:
        log.append(topic("a"))  # 23:58
        log.append(topic("b"))  # 23:59
        log.append(topic("c"))  # 00:00 on 1 March
        revoked = f"{bob.verifier().text()} recorder revoked=2026-03-01"
        with pytest.raises(IntegrityError) as caught:
            log.verify(keys=keys_file(tmp_path, revoked))
    assert caught.value.findings == [
        f"record 3: signed by {key_ref(bob)} after its revocation (2026-03-01T00:00:00.000000Z)"
    ]


def test_a_rotation_hands_the_roles_to_the_new_key_and_retires_the_old(
    tmp_path: Path, clock: StepClock, alice: SignerKey
) -> None:
    """After alice announces alice-2027, its records verify unlisted; alice's later ones fail."""
    alice2 = new_key("news.example/alice-2027")
    trusted = keys_file(tmp_path, f"{alice.verifier().text()} recorder eraser")
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock, signer=alice) as log:
        log.append(topic("a"))
        receipt = log.rotate_key(alice, alice2.verifier().text())
        assert receipt.seq == 2
        log.append(topic("b"), signer=alice2)
        report = log.verify(keys=trusted)
        assert report.audit is not None
        assert report.audit.rotations == [(2, key_ref(alice), key_ref(alice2))]
        assert report.audit.signed == 3
        log.append(topic("c"))  # alice again, after handing over
        with pytest.raises(IntegrityError) as caught:
            log.verify(keys=trusted)
    assert caught.value.findings == [
        f"record 4: signed by {key_ref(alice)} after record 2 replaced it with another key"
    ]


def test_a_rotation_signed_by_another_key_hands_nothing_over(
    tmp_path: Path, clock: StepClock, alice: SignerKey, bob: SignerKey
) -> None:
    """Bob cannot announce a successor for alice: the record is named, the key not trusted."""
    mallory = new_key("news.example/mallory")
    trusted = keys_file(
        tmp_path, f"{alice.verifier().text()} recorder", f"{bob.verifier().text()} recorder"
    )
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock) as log:
        event = {"type": "key_rotation", "key": mallory.verifier().text(), "replaces": key_ref(alice)}
        log._append_log_record(event, record_signer(bob))
        log.append(topic("a"), signer=mallory)
        with pytest.raises(IntegrityError) as caught:
            log.verify(keys=trusted)
    assert caught.value.findings == [
        f"record 1: announces a key replacing {key_ref(alice)}, but is signed by {key_ref(bob)}",
        f"record 2: signed in the name of {key_ref(mallory)}, a key not in the keys file",
    ]


def test_a_key_signs_only_what_its_roles_allow(
    tmp_path: Path, clock: StepClock, alice: SignerKey, bob: SignerKey
) -> None:
    """A publisher-only key in a file that names recorders does not make records pass."""
    trusted = keys_file(
        tmp_path, f"{alice.verifier().text()} recorder", f"{bob.verifier().text()} publisher"
    )
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock, signer=bob) as log:
        log.append(topic("a"))
        with pytest.raises(IntegrityError) as caught:
            log.verify(keys=trusted)
        assert caught.value.findings == [
            f"record 1: signed by {key_ref(bob)}, which the keys file does not allow to record (role recorder)"
        ]
        # a keys file naming no recorder checks heads only: the records are not checked
        report = log.verify(keys=keys_file(tmp_path, f"{alice.verifier().text()} publisher"))
    assert report.audit is not None and not report.audit.keys_checked


@pytest.mark.parametrize("seq", [1, 2])
def test_an_edited_event_of_a_signed_record_is_caught(
    tmp_path: Path, clock: StepClock, alice: SignerKey, seq: int
) -> None:
    """The hash does not cover the event, its salted digest does: verify and replay catch it."""
    path = tmp_path / "log.jsonl"
    with tracker.open(path, create=True, clock=clock, signer=alice) as log:
        log.append([topic("alpha"), topic("beta")])
    lines = path.read_bytes().split(b"\n")
    lines[seq - 1] = lines[seq - 1].replace(b'"name":"Alpha"', b'"name":"Omega"').replace(
        b'"name":"Beta"', b'"name":"Gamma"'
    )
    path.write_bytes(b"\n".join(lines))
    with tracker.open(path) as log:
        with pytest.raises(IntegrityError) as caught:
            log.verify()
        assert caught.value.seq == seq
        assert str(caught.value) == (
            f"record {seq}: its event does not match its digest (the event was edited)"
        )
        with pytest.raises(IntegrityError):
            log.replay(fold=True)


def test_records_filter_by_recorder(
    tmp_path: Path, clock: StepClock, alice: SignerKey, bob: SignerKey
) -> None:
    """``by`` takes a key's NAME+KEYID or its NAME."""
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock) as log:
        log.append(topic("a"), signer=alice)
        log.append(topic("b"), signer=bob)
        log.append(topic("c"))
        log.append(topic("d"), signer=alice)
        assert [r.seq for r in log.records(by=key_ref(alice))] == [1, 4]
        assert [r.seq for r in log.records(by="news.example/bob")] == [2]
        assert [r.seq for r in log.records(by="news.example/carol")] == []
        with pytest.raises(InvalidInputError):
            list(log.records(by=" "))


def test_show_says_who_recorded_each_version(
    tmp_path: Path, clock: StepClock, alice: SignerKey, bob: SignerKey
) -> None:
    """An event recorded by alice and corrected by bob: each record of its history says so."""
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock) as log:
        log.append(topic("a"), signer=alice)
        log.append({"type": "topic", "id": "topic-b", "topic": "b", "name": "B"})
        fixed = {"type": "topic", "topic": "a", "name": "A, renamed"}
        log.append(
            {"type": "correction", "corrects": "topic-a", "replacement": fixed, "reason": "typo"},
            signer=bob,
        )
        view = log.event("topic-a")
        assert view.recorders == {1: key_ref(alice), 3: key_ref(bob)}
        assert log.event("topic-b").recorders == {2: None}


def test_records_about_the_log_have_their_own_doors(tmp_path: Path, clock: StepClock) -> None:
    """An erasure or rotation is never appended as an event; erased-N ids are kept."""
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock) as log:
        with pytest.raises(InvalidInputError, match="erasure records are written by 'tracker erase'"):
            log.append({"type": "erasure", "records": [1], "reason": "r", "ordered_by": "o"})
        with pytest.raises(InvalidInputError, match="kept for erased records"):
            log.append({"type": "topic", "id": "erased-3", "topic": "t", "name": "T"})
        with pytest.raises(InvalidInputError, match="key_rotation records are written by"):
            log.append({"type": "key_rotation", "key": "a+00000000+AAAA", "replaces": "a+00000000"})
        assert len(log) == 0


def test_a_rotation_record_cannot_be_corrected(
    tmp_path: Path, clock: StepClock, alice: SignerKey, bob: SignerKey
) -> None:
    """Events do not point at records about the log."""
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock) as log:
        receipt = log.rotate_key(alice, bob)
        with pytest.raises(ConflictError, match="a record about the log itself"):
            log.append({"type": "retraction", "retracts": receipt.id, "reason": "oops"})
        with pytest.raises(InvalidInputError, match="cannot replace itself"):
            log.rotate_key(alice, alice)


def test_an_unknown_signing_key_is_said_before_anything_is_created(tmp_path: Path) -> None:
    """tracker.open(signer=...) loads the key first: a typo creates no log."""
    with pytest.raises(UnknownIdError, match="no key named news.example/nobody"):
        tracker.open(tmp_path / "log.jsonl", create=True, signer="news.example/nobody")
    assert not (tmp_path / "log.jsonl").exists()


def test_a_keys_file_with_a_bad_revocation_date_is_refused(alice: SignerKey) -> None:
    """One line naming the file's line and the fix."""
    with pytest.raises(InvalidInputError, match=r"keys:1: revoked='soon' is not a date"):
        parse_trusted(f"{alice.verifier().text()} recorder revoked=soon\n", where="keys")


def test_a_log_failing_everywhere_keeps_the_first_findings_and_counts_them_all(
    tmp_path: Path, clock: StepClock, alice: SignerKey, bob: SignerKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Findings are kept up to a bound (memory stays small at a million records), all counted."""
    from tracker.proofs import audit

    monkeypatch.setattr(audit, "KEPT", 3)
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock, signer=bob) as log:
        for i in range(6):
            log.append(topic(f"t{i}"))
        with pytest.raises(IntegrityError) as caught:
            log.verify(keys=keys_file(tmp_path, f"{alice.verifier().text()} recorder"))
    assert caught.value.count == 6
    assert [f.split(":")[0] for f in caught.value.findings] == ["record 1", "record 2", "record 3"]
    assert "(and 5 more: 2, 3...; see --json)" in caught.value.message
