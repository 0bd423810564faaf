"""Issue 17's whole story, from the terminal, as a newsroom and its readers would live it.

Two recorders sign events into one log; the publisher prints a head and a witness cosigns it;
a reader checks one event's proof with only the note and the keys; another event is erased
on a court's order; the first proof, the new head and ``verify --keys`` all still hold. Then
five attacks, each caught in one line with exit 5: a forged signature, a record in an unknown
recorder's name, a proof of an event that is not in the log, a head that does not extend the
published one, and an altered erased record.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import tracker
from tracker.proofs.keys import key_ref, load_key
from tracker.store.signed import Signer

from .conftest import Result, Run

SECRET = "Jane Q. Victim, 14"


@pytest.fixture(autouse=True)
def own_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys and kept trees go to the test's temporary directory, never the user's."""
    monkeypatch.setenv("TRACKER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TRACKER_SIGNING_KEY", raising=False)


def caught(result: Result, line: str) -> None:
    """Caught: exit 5, and exactly this one line on stderr."""
    assert result.status == 5, (result.out, result.err)
    assert result.err == f"tracker: error: {line}\n"


def test_the_whole_story(cli: Run, tmp_path: Path, clock: object) -> None:
    """Sign, publish, cosign, prove, erase; everything still holds; five attacks are caught."""
    # --- the newsroom: two recorders, a publisher (alice), a legal desk, and a witness
    for name in ("news.example/alice", "news.example/bob", "news.example/legal", "witness.example/w1"):
        assert cli(f"key new {name}").status == 0
    alice, bob, legal = (cli(f"key export news.example/{n}").out.strip() for n in ("alice", "bob", "legal"))
    witness = cli("key export witness.example/w1 --witness").out.strip()
    keys = tmp_path / "trusted-keys.txt"
    keys.write_text(
        f"{alice} publisher recorder\n{bob} recorder\n{legal} eraser\n{witness} witness\n"
    )
    assert cli("init").status == 0
    assert cli("actor add ofcom --name Ofcom --kind regulator --sign news.example/alice").status == 0
    assert cli("actor add x --name X --kind platform --sign news.example/bob").status == 0
    added = cli(
        "add regulatory_action --id ofcom-demand --regulator ofcom --target x --rung demand "
        "--occurred 2026-01-09 --source https://ofcom.org.uk/a --publisher Ofcom "
        "--sign news.example/alice"
    )
    assert added.status == 0, added.err
    events = tmp_path / "incidents.jsonl"
    events.write_text(
        json.dumps({"type": "incident", "id": "inc-named", "harm": f"{SECRET} was targeted",
                    "occurred": "2026-01-08", "sources": [{"publisher": "Example", "url": "https://example.org/a"}]})
        + "\n"
        + json.dumps({"type": "incident", "id": "inc-count", "harm": "thousands of images an hour",
                      "occurred": "2026-01-08", "sources": [{"publisher": "Bloomberg", "url": "https://bloomberg.com/a"}]})
        + "\n"
    )
    assert cli(f"import {events} --sign news.example/bob").status == 0
    assert cli(f"verify --keys {keys}").status == 0

    # --- publish a head, the witness cosigns it, a reader checks one event with the note and keys
    (tmp_path / "head.txt").write_text(cli("head --sign news.example/alice").out)
    cosigned = cli(f"cosign head.txt --key witness.example/w1 --keys {keys}")
    assert cosigned.status == 0, cosigned.err
    (tmp_path / "head-w.txt").write_text(cosigned.out)
    assert cli("prove ofcom-demand --head head-w.txt --out demand.proof").status == 0
    reader = tmp_path / "reader"
    reader.mkdir()
    for name in ("demand.proof", "head-w.txt", "trusted-keys.txt"):
        shutil.copy(tmp_path / name, reader / name)
    log_path = tmp_path / "tracker.jsonl"
    log_path.rename(tmp_path / "away.jsonl")  # the reader has no log, no cache: only three files
    shutil.move(tmp_path / "cache", tmp_path / "cache-away")
    checked = cli(f"check-proof {reader}/demand.proof --head {reader}/head-w.txt --keys {reader}/trusted-keys.txt")
    (tmp_path / "away.jsonl").rename(log_path)
    shutil.move(tmp_path / "cache-away", tmp_path / "cache")
    assert checked.status == 0, checked.err
    origin = (tmp_path / "head-w.txt").read_text().splitlines()[0]
    alice_key = load_key("news.example/alice")
    alice_ref = key_ref(alice_key)
    assert checked.out == (
        f"ok: event ofcom-demand (regulatory_action) is record 3 of {origin} at its head of 5 "
        "records; signed by news.example/alice (publisher), witness.example/w1 (witness); "
        f"recorded by {alice_ref} (its signature checked)\n"
    )

    # --- a court orders the victim's details erased
    erased = cli("erase inc-named --reason 'court order 2026/17' --ordered-by 'Tribunal judiciaire de Paris' --sign news.example/legal")
    assert erased.status == 0, erased.err
    assert SECRET.encode() not in (tmp_path / "tracker.jsonl").read_bytes()
    # ... and everything still holds: the proof, the old head, a new head that extends it
    again = cli(f"check-proof {reader}/demand.proof --head {reader}/head-w.txt --keys {reader}/trusted-keys.txt")
    assert again.status == 0, again.err
    assert again.out == checked.out
    assert cli(f"verify --head head-w.txt --keys {keys}").status == 0
    (tmp_path / "head-2.txt").write_text(cli("head --sign news.example/alice").out)
    assert cli("prove --from head-w.txt --to head-2.txt --out extends.proof").status == 0
    extends = cli(f"check-proof extends.proof --from head-w.txt --to head-2.txt --keys {keys}")
    assert extends.status == 0, extends.err
    assert extends.out.startswith(f"ok: the head at 6 extends the head at 5 of {origin}; signed by ")
    assert cli("prove ofcom-demand --head head-2.txt --out demand-2.proof").status == 0
    at_new_head = cli(f"check-proof demand-2.proof --head head-2.txt --keys {keys}")
    assert at_new_head.status == 0, at_new_head.err
    assert f"is record 3 of {origin} at its head of 6 records" in at_new_head.out
    full = cli(f"verify --keys {keys}")
    assert full.status == 0, full.err
    refs = {n: key_ref(load_key(f"news.example/{n}")) for n in ("alice", "bob", "legal")}
    assert full.out.startswith(
        f"ok: 6 records, chain intact; every record signed by a trusted key: {refs['alice']} (2), "
        f"{refs['bob']} (3), {refs['legal']} (1); record 6 erased record 4 (court order "
        "2026/17; ordered by Tribunal judiciaire de Paris); head 6:"
    )

    # --- attack 1: a record in alice's name, signed with another key (a forged signature)
    honest = log_path.read_bytes()
    mallory = tracker.proofs.note.SignerKey.generate("news.example/mallory")
    with tracker.open(log_path, clock=clock) as log:  # type: ignore[arg-type]
        log.append({"type": "topic", "topic": "forged", "name": "Forged"},
                   signer=Signer(key_ref(alice_key), mallory.private().sign))
    caught(
        cli(f"verify --keys {keys}"),
        f"record 7: its batch's signature by {alice_ref} does not verify (forged, or the batch was altered)",
    )
    log_path.write_bytes(honest)

    # --- attack 2: a record in the name of a recorder the keys file does not know
    with tracker.open(log_path, clock=clock) as log:  # type: ignore[arg-type]
        log.append({"type": "topic", "topic": "stranger", "name": "Stranger"}, signer=mallory)
    caught(
        cli(f"verify --keys {keys}"),
        f"record 7: signed in the name of {key_ref(mallory)}, a key not in the keys file",
    )
    log_path.write_bytes(honest)

    # --- attack 3: a proof of an event that is not in the log (a fork holds it)
    fork = tmp_path / "fork.jsonl"
    shutil.copy(log_path, fork)
    with tracker.open(fork, clock=clock) as log:  # type: ignore[arg-type]
        log.append({"type": "topic", "id": "planted", "topic": "planted", "name": "Planted"}, signer=alice_key)
        fork_head = log.tree_head().note()
    (tmp_path / "fork-head.txt").write_text(fork_head)
    assert cli(f"prove planted --head fork-head.txt --log {fork} --out planted.proof").status == 0
    proof_lines = (tmp_path / "planted.proof").read_text().split("\n\n", 1)[0]
    with_real_head = proof_lines + "\n\n" + (tmp_path / "head-2.txt").read_text()
    (tmp_path / "planted-real-head.proof").write_text(with_real_head)
    caught(
        cli(f"check-proof planted-real-head.proof --head head-2.txt --keys {keys}"),
        "the proof does not show record 7 (event planted) in the log at head 6: the event is "
        "not in that log, or the proof was altered",
    )

    # --- attack 4: a head that does not extend the published one: the log rewritten by an
    # insider who holds the publisher's key, so the new head's signature itself is good
    rewritten = tmp_path / "rewritten.jsonl"
    lines = honest.splitlines(keepends=True)
    rewritten.write_bytes(b"".join(lines[:3]))  # the log cut back to before the incidents
    with tracker.open(rewritten, clock=clock) as log:  # type: ignore[arg-type]
        log.append([{"type": "topic", "topic": f"other{i}", "name": "Another past"} for i in range(3)],
                   signer=alice_key)
    signed_rewrite = cli(f"head --sign news.example/alice --log {rewritten}")  # 6 records, as head-2
    assert signed_rewrite.status == 0, signed_rewrite.err
    (tmp_path / "head-rewritten.txt").write_text(signed_rewrite.out)
    caught(
        cli(f"check-proof extends.proof --from head-w.txt --to head-rewritten.txt --keys {keys}"),
        "the head at 6 does not extend the head at 5: the log was rewritten between them, or "
        "the proof was altered",
    )
    caught(
        cli(f"prove --from head-w.txt --to head-rewritten.txt --log {rewritten}"),
        "the log's first 5 records do not have the earlier head's root: the log was rewritten "
        "since that head was published",
    )
    rewritten_check = cli(f"verify --log {rewritten} --head head-w.txt --keys {keys}")
    assert rewritten_check.status == 5
    assert rewritten_check.err.count("\n") == 1
    assert rewritten_check.err.startswith("tracker: error: the log does not extend the published head 5:")

    # --- attack 5: the erased record altered: content planted back in its place (an invented
    # event with a nonce of the forger's choosing), or its digest changed
    lines = honest.splitlines(keepends=True)
    record = json.loads(lines[3])
    assert record["event"] == {"id": "erased-4", "type": "erased"} and "nonce" not in record
    planted = dict(record, nonce="00" * 32, event={
        "type": "incident", "id": "inc-named", "harm": "someone else was targeted",
        "occurred": "2026-01-08", "sources": [{"publisher": "Example", "url": "https://example.org/a"}]})
    for altered, line in (
        (planted, "record 4: its event does not match its digest (the event was edited)"),
        (dict(record, digest="00" * 32), "record 4: its hash does not match its content (it was edited)"),
    ):
        lines[3] = json.dumps(altered, sort_keys=True, separators=(",", ":")).encode() + b"\n"
        log_path.write_bytes(b"".join(lines))
        caught(cli(f"verify --keys {keys}"), line)
    log_path.write_bytes(honest)
    assert cli(f"verify --keys {keys}").status == 0
