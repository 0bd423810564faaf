"""Erasure that keeps the proofs: content gone for good, every hash, head and proof intact.

"Gone" is checked on the bytes: after ``erase``, no file in the test's directories (the log,
the files tracker derives beside it and in the cache) holds the erased event's text, its id
or its nonce.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pytest

import tracker
from tracker import _proofs
from tracker.errors import ConflictError, IntegrityError, InvalidInputError, UnknownIdError
from tracker.proofs.keys import key_ref, new_key
from tracker.proofs.note import SignerKey
from tracker.proofs.proof import check_consistency, check_inclusion

if TYPE_CHECKING:
    from tests.conftest import StepClock

SECRET = "Jane Q. Victim, aged 14"
SOURCE = [{"publisher": "Example News", "url": "https://example.org/a"}]


def incident(event_id: str, harm: str) -> dict[str, Any]:
    return {"type": "incident", "id": event_id, "harm": harm, "occurred": "2026-01-05", "sources": SOURCE}


@pytest.fixture
def alice() -> SignerKey:
    return new_key("news.example/alice")


@pytest.fixture
def legal() -> SignerKey:
    return new_key("news.example/legal")


@pytest.fixture
def path(tmp_path: Path, clock: StepClock, alice: SignerKey) -> Path:
    """A signed log: an outlet, the incident naming the victim, another incident, a correction
    of the first that repeats the name, and a verification of the correction's target."""
    log_path = tmp_path / "log.jsonl"
    with tracker.open(log_path, create=True, clock=clock, signer=alice) as log:
        log.append({"type": "actor", "actor": "example-news", "name": "Example News", "kind": "media"})
        log.append(incident("inc-victim", f"{SECRET} was targeted"))
        log.append(incident("inc-other", "accounts were targeted"))
        fixed = {k: v for k, v in incident("x", f"{SECRET}, per the court, was targeted").items() if k != "id"}
        log.append({"type": "correction", "id": "fix-victim", "corrects": "inc-victim",
                    "replacement": fixed, "reason": "the court's wording"})
        log.append({"type": "verification", "id": "ver-victim", "target": "inc-victim",
                    "verifier": "example-news", "verdict": "confirmed", "occurred": "2026-01-06",
                    "sources": SOURCE})
    return log_path


def _read_model(log: tracker.Log) -> Any:
    """The log's read model, built in the log's folder in the cache."""
    from tracker.derived.readmodel import ReadModel
    from tracker.derived.readmodel.source import StoreSource
    from tracker.proofs import tree as kept_tree

    kept = kept_tree.cache_path(log.store)
    assert kept is not None
    source = StoreSource(log.store)
    model = ReadModel(kept.parent, "scope", source.lines_at, source.anchored)
    model.extend(source.stream)
    model.close()
    return model


def every_byte(root: Path) -> bytes:
    """The contents of every regular file under ``root`` (the log, derived files, the cache)."""
    out = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            p = Path(dirpath) / name
            if p.is_file() and not p.is_symlink():
                out.append(p.read_bytes())
    return b"\n".join(out)


def test_erasure_keeps_heads_and_proofs_and_the_content_is_gone(
    path: Path, tmp_path: Path, alice: SignerKey, legal: SignerKey
) -> None:
    """The story's core: a proof of another event, the old head and the chain all still hold."""
    with tracker.open(path) as log:
        log.replay()  # derived files: the read model, the index
        old = log.tree_head().note()
        read_model = _read_model(log)  # and a read model, in the log's folder in the cache
        assert read_model.path is not None and read_model.path.exists()
        proof = _proofs.prove(log, "inc-other", old)
        nonces = [orjson.loads(line)["nonce"] for line in path.read_bytes().splitlines()[1:2]]
        assert SECRET.encode() in every_byte(tmp_path)
        receipt = log.erase("inc-victim", reason="court order 2026/123", ordered_by="Tribunal", signer=legal)
        assert receipt.erased == (2, 4, 5)  # the event, its correction, its verification
        assert receipt.events == ("inc-victim", "fix-victim", "ver-victim")
        assert receipt.seq == 6 and receipt.by == key_ref(legal)
        assert not read_model.path.exists()  # forgotten with the rest (the next replay rebuilds it)
        # what still holds
        report = log.verify(head=old)
        assert report.audit is not None and [e.records for e in report.audit.erasures] == [(2, 4, 5)]
        assert check_inclusion(proof, head=old).index == 2
        new = log.tree_head().note()
        check_consistency(_proofs.prove_consistency(log, old, new), old, new)
        # what is gone: from the replay, and from every byte under the test's directories
        state = log.replay()
        assert state.entry("inc-victim") is None and state.entry("inc-other") is not None
        assert state.entry("erased-2") is not None  # a placeholder, which no projection takes
    blob = every_byte(tmp_path)
    for gone in (SECRET.encode(), b"inc-victim", b"fix-victim", b"ver-victim", *(n.encode() for n in nonces)):
        assert gone not in blob, gone
    keys = tmp_path / "keys.txt"
    keys.write_text(f"{alice.verifier().text()} recorder\n{legal.verifier().text()} eraser\n")
    with tracker.open(path) as log:
        assert log.verify(keys=keys).audit.signed == 6  # type: ignore[union-attr]


def test_an_erasure_by_a_key_without_the_eraser_role_fails_verify_keys(
    path: Path, tmp_path: Path, alice: SignerKey
) -> None:
    """Alice may record, not erase: the erasure and the records it erased are both named."""
    keys = tmp_path / "keys.txt"
    keys.write_text(f"{alice.verifier().text()} recorder\n")
    with tracker.open(path) as log:
        log.erase("inc-other", reason="r", ordered_by="o", signer=alice)
        with pytest.raises(IntegrityError) as caught:
            log.verify(keys=keys)
    assert caught.value.findings == [
        "record 3: erased by record 6, whose signer may not erase (see record 6)",
        f"record 6: signed by {key_ref(alice)}, which the keys file does not allow to erase (role eraser)",
    ]


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda d: d | {"event": {"id": "erased-2", "type": "erased", "note": "x"}},
         "record 2: an erased record's placeholder event was edited"),
        (lambda d: d | {"digest": "0" * 64}, "record 2: its hash does not match its content"),
        (lambda d: d | {"by": "news.example/mallory+00000000"}, "record 2: its hash does not match"),
    ],
    ids=["placeholder", "digest", "by"],
)
def test_an_altered_erased_record_is_caught(path: Path, legal: SignerKey, tamper: Any, message: str) -> None:
    """An erased record keeps its hash: any change to what is left of it breaks it."""
    with tracker.open(path) as log:
        log.erase("inc-victim", reason="r", ordered_by="o", signer=legal)
    lines = path.read_bytes().splitlines()
    lines[1] = orjson.dumps(tamper(orjson.loads(lines[1])), option=orjson.OPT_SORT_KEYS)
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(IntegrityError, match=message) as caught, tracker.open(path) as log:
        log.verify()
    assert caught.value.seq == 2


def test_content_removed_without_an_erasure_record_is_caught(path: Path) -> None:
    """Someone strips a record's content by hand (hash kept): verify names it."""
    from tracker.store.signed import erased_line

    lines = path.read_bytes().splitlines()
    lines[2] = erased_line(lines[2])
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(IntegrityError) as caught, tracker.open(path) as log:
        log.verify()
    assert str(caught.value) == "record 3: its content was removed, but no erasure record names it"


def test_an_erasure_whose_records_still_hold_their_content_is_caught(path: Path, legal: SignerKey) -> None:
    """The old line put back after an erasure (a restore from a backup): verify says so."""
    before = path.read_bytes().splitlines()
    with tracker.open(path) as log:
        log.erase("inc-other", reason="r", ordered_by="o", signer=legal)
    lines = path.read_bytes().splitlines()
    lines[2] = before[2]
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(IntegrityError) as caught, tracker.open(path) as log:
        log.verify()
    assert str(caught.value) == "record 3: erasure record 6 names it, but its content is still there"


def test_version_1_records_cannot_be_erased(tmp_path: Path, clock: StepClock, legal: SignerKey) -> None:
    """An unsigned record's hash covers its event: the message says why and what to do."""
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock) as log:
        log.append(incident("inc-old", "old"))
        before = (tmp_path / "log.jsonl").read_bytes()
        with pytest.raises(InvalidInputError, match=r"event 'inc-old' \(record 1\) cannot be erased: .*carry it into a new log"):
            log.erase("inc-old", reason="r", ordered_by="o", signer=legal)
    assert (tmp_path / "log.jsonl").read_bytes() == before


def test_refusals_leave_the_log_untouched(path: Path, legal: SignerKey) -> None:
    """Unknown ids, records about the log, an unsigned erasure: one clear error, no change."""
    before = path.read_bytes()
    with tracker.open(path) as log:
        with pytest.raises(UnknownIdError, match="unknown event 'nope'"):
            log.erase("nope", reason="r", ordered_by="o", signer=legal)
        with pytest.raises(InvalidInputError, match="an erasure is a signed record"):
            tracker.open(path).erase("inc-other", reason="r", ordered_by="o")
        with pytest.raises(InvalidInputError):
            log.erase("inc-other", reason=" ", ordered_by="o", signer=legal)
        receipt = log.erase("inc-other", reason="r", ordered_by="o", signer=legal, dry_run=True)
        assert receipt.dry_run and receipt.erased == (3,)
        assert path.read_bytes() == before
        log.erase("inc-other", reason="r", ordered_by="o", signer=legal)
        erasure = orjson.loads(path.read_bytes().splitlines()[-1])["event"]["id"]
        with pytest.raises(ConflictError, match="a record about the log itself"):
            log.erase(erasure, reason="r", ordered_by="o", signer=legal)


def test_a_registration_goes_only_with_the_events_that_name_it(
    tmp_path: Path, clock: StepClock, alice: SignerKey
) -> None:
    """Erasing a person's registration while a statement names them is refused; both go."""
    with tracker.open(tmp_path / "log.jsonl", create=True, clock=clock, signer=alice) as log:
        log.append({"type": "actor", "actor": "jane", "name": SECRET, "kind": "person"})
        log.append({"type": "statement", "id": "st-jane", "speaker": "jane", "quote": "Help.",
                    "occurred": "2026-01-05", "sources": SOURCE})
        with pytest.raises(ConflictError, match="records 2 still name"):
            log.erase("jane", reason="r", ordered_by="o")
        assert log.erase(["jane", "st-jane"], reason="r", ordered_by="o").erased == (1, 2)
        assert log.replay().actors == {}
    assert SECRET.encode() not in (tmp_path / "log.jsonl").read_bytes()


def test_a_failed_rewrite_leaves_the_log_as_it_was(
    path: Path, legal: SignerKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename never happens: the log is unchanged and no temporary file is left."""
    before = path.read_bytes()

    def refuse(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(tracker.TrackerError, match="No space left on device"), tracker.open(path) as log:
        log.erase("inc-other", reason="r", ordered_by="o", signer=legal)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir() if p.name.endswith(".erase")) == []


def test_a_log_reached_through_a_link_is_erased_in_its_file(
    path: Path, tmp_path: Path, legal: SignerKey
) -> None:
    """The link stays a link; the file it points at is the one rewritten."""
    link = tmp_path / "link.jsonl"
    link.symlink_to(path)
    with tracker.open(link) as log:
        log.erase("inc-victim", reason="r", ordered_by="o", signer=legal)
    assert link.is_symlink() and SECRET.encode() not in path.read_bytes()


def test_a_log_with_another_hard_link_is_refused(path: Path, tmp_path: Path, legal: SignerKey) -> None:
    """The other name would keep the old bytes: refused before anything is written."""
    os.link(path, tmp_path / "other-name.jsonl")
    with pytest.raises(InvalidInputError, match="other hard link"), tracker.open(path) as log:
        log.erase("inc-victim", reason="r", ordered_by="o", signer=legal)
    assert SECRET.encode() in path.read_bytes()


def test_an_unsigned_log_is_carried_on_into_an_erasable_one(
    tmp_path: Path, clock: StepClock, legal: SignerKey
) -> None:
    """The new log's first record holds the old head (which the old log still verifies
    against); every event follows, signed; the carried content can now be erased."""
    old_path = tmp_path / "old.jsonl"
    with tracker.open(old_path, create=True, clock=clock) as old:
        old.append({"type": "actor", "actor": "example-news", "name": "Example News", "kind": "media"})
        old.append([incident("inc-victim", f"{SECRET} was targeted"), incident("inc-other", "other")])
        old.append({"type": "retraction", "retracts": "inc-other", "reason": "a duplicate"})
        before = old.replay()
    old_bytes = old_path.read_bytes()
    report = tracker.carry(old_path, tmp_path / "new.jsonl", signer=legal, clock=clock)
    assert (report.carried, report.skipped) == (4, 0)
    assert old_path.read_bytes() == old_bytes
    with tracker.open(tmp_path / "new.jsonl") as new:
        first = next(new.records())
        assert first.event["type"] == "predecessor" and first.event["head"] == report.head.rstrip("\n")
        assert tracker.open(old_path).verify(head=first.event["head"]).records == 4
        after = new.replay()
        assert after.timeline().ids() == before.timeline().ids()
        assert sorted(after.retracted()) == ["inc-other"]
        assert [r.v for r in new.records()] == [2] * 5
        new.erase("inc-victim", reason="r", ordered_by="o", signer=legal)
    assert SECRET.encode() not in (tmp_path / "new.jsonl").read_bytes()
    with pytest.raises(tracker.TrackerError, match="already exists"):
        tracker.carry(old_path, tmp_path / "new.jsonl", signer=legal)


def test_a_copy_made_before_an_erasure_is_still_extended(path: Path, tmp_path: Path, legal: SignerKey) -> None:
    """verify --extends compares records by hash: the erased record is the same record."""
    import shutil

    backup = tmp_path / "backup.jsonl"
    shutil.copy(path, backup)
    with tracker.open(path) as log:
        log.erase("inc-other", reason="r", ordered_by="o", signer=legal)
        assert log.extends(backup).records == 6
    assert SECRET.encode() in backup.read_bytes()  # the copy keeps what it held: erase it too
