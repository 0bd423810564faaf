"""Every attack of issue 13's "What broke" (items 1, 2, 3 and 5), reproduced as it was made.

Each test says in its docstring what today's main did (each was run against main before the
fix and failed there); after the fix, the user's other files are untouched and every answer
equals a replay with no derived state, or the command refuses with one line.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

import tracker

from .conftest import (
    Run,
    append_forged,
    digest,
    edit_in_place,
    one_line_error,
    rechain,
    records,
    tree,
)

# --- 1. Files beside a log are followed and believed ----------------------------------------


def test_a_link_planted_as_the_index_beside_the_log_deletes_nothing(
    grok: Path, cli: Run, victim: Path
) -> None:
    """Main: with ``grok.jsonl.index`` a link to another folder, the next ``tracker add``
    deleted the files in that folder (the stale index was discarded through the link).
    Now nothing beside the log is used; one note, once, says the old files can be deleted."""
    before = tree(victim)
    (grok.parent / "grok.jsonl.index").symlink_to(victim)
    first = cli("add topic --log grok.jsonl --topic fines --name Fines")
    assert first.status == 0, first.err
    assert tree(victim) == before
    assert "no longer used" in first.err and "you can delete them" in first.err
    assert cli("actor show grok --log grok.jsonl").status == 0
    again = cli("add topic --log grok.jsonl --topic bans --name Bans")
    assert again.status == 0 and "no longer used" not in again.err
    assert tree(victim) == before


def test_a_link_at_an_index_bucket_beside_the_log_truncates_nothing(
    grok: Path, cli: Run, victim: Path
) -> None:
    """Main: a link at one index bucket file (``grok.jsonl.index/ids-64/N``) made ``tracker
    add`` truncate the file it pointed at. Now the index beside the log is never opened."""
    _craft_index(grok, cli)
    buckets = grok.parent / "grok.jsonl.index" / "ids-64"
    buckets.mkdir(parents=True, exist_ok=True)
    for n in range(64):
        (buckets / str(n)).unlink(missing_ok=True)
        (buckets / str(n)).symlink_to(victim / "notes.txt")
    before = tree(victim)
    assert cli("add topic --log grok.jsonl --topic fines --name Fines").status == 0
    assert cli("replay --log grok.jsonl").status == 0
    assert tree(victim) == before


def test_links_at_the_old_temporary_names_are_never_written(
    grok: Path, cli: Run, victim: Path
) -> None:
    """Main: links at the predictable temporary names (``grok.jsonl.seek.PID.tmp``, the
    checkpoint's and ``state.json``'s) made a plain ``tracker replay`` overwrite their
    targets. Now temporary files are made exclusively, under unpredictable names, in the
    user's cache folder."""
    pid = os.getpid()
    assert cli("actor show grok --log grok.jsonl").status == 0  # (main built its index here)
    index = grok.parent / "grok.jsonl.index"
    index.mkdir(exist_ok=True)
    planted = {
        grok.parent / f"grok.jsonl.seek.{pid}.tmp": victim / "notes.txt",
        grok.parent / f"grok.jsonl.checkpoint.{pid}.tmp": victim / "draft.md",
        index / f"state.json.{pid}.tmp": victim / "created-by-tracker",
    }
    for link, target in planted.items():
        link.symlink_to(target)
    before = tree(victim)
    assert cli("replay --log grok.jsonl").status == 0
    assert cli("add topic --log grok.jsonl --topic fines --name Fines").status == 0
    with tracker.open(grok) as log:
        log.replay()
    assert tree(victim) == before


def _craft_index(grok: Path, cli: Run, change: Callable[[dict[str, Any]], None] | None = None) -> None:
    """Craft the index main kept beside the log: let a command build it (main does; this
    tracker keeps it elsewhere, so a state in main's format is planted), then edit it."""
    assert cli("actor show grok --log grok.jsonl").status == 0
    path = grok.parent / "grok.jsonl.index" / "state.json"
    if path.exists():
        state = orjson.loads(path.read_bytes())
    else:
        head = records(grok)[-1]
        state = {
            "version": 4, "position": grok.stat().st_size, "seq": head["seq"],
            "hash": head["hash"], "actors": {}, "topics": {}, "names": {}, "retracted": [],
            "owners": {}, "sizes": {}, "buckets": 64, "count": 0,
        }
        path.parent.mkdir(exist_ok=True)
    if change is not None:
        change(state)
    path.write_bytes(orjson.dumps(state))


def test_a_crafted_index_beside_the_log_lets_no_unregistered_actor_through(
    grok: Path, cli: Run
) -> None:
    """Main: an actor added to ``state.json`` let ``tracker add`` accept a statement by an
    unregistered actor, while ``verify`` said ok. Now that file is never read: refused."""

    def craft(state: dict[str, Any]) -> None:
        state["actors"]["ghost"] = "actor-ghost"

    _craft_index(grok, cli, craft)
    before = digest(grok)
    ghost = cli(
        "add statement --log grok.jsonl --speaker ghost --quote Boo --occurred 2026-01-12 "
        "--source https://example.org/g --publisher Example"
    )
    assert ghost.status == 1 and "unknown actor 'ghost'" in one_line_error(ghost)
    assert digest(grok) == before
    assert cli("verify --log grok.jsonl").status == 0


def test_a_crafted_index_beside_the_log_lets_no_reused_id_through(grok: Path, cli: Run) -> None:
    """Main: every id bucket's size set to 0 in ``state.json`` let ``tracker add`` write a
    second event with an existing id (``topic-image-paywall``), and ``verify`` said ok. Now
    that file is never read: refused, the log unwritten."""

    def craft(state: dict[str, Any]) -> None:
        state["sizes"] = {k: 0 if k.startswith("ids-") else v for k, v in state["sizes"].items()}

    _craft_index(grok, cli, craft)
    before = digest(grok)
    reused = cli(
        "add topic --log grok.jsonl --id topic-image-paywall --topic other --name Other"
    )
    assert reused.status == 1 and "already in the log" in one_line_error(reused)
    assert digest(grok) == before
    assert cli("verify --log grok.jsonl").status == 0


def test_a_crafted_index_beside_the_log_loses_no_event_of_an_actor(grok: Path, cli: Run) -> None:
    """Main: a crafted index (an actor's list cut to nothing) made ``tracker actor show`` lose
    events while ``verify`` said ok. Now the answer is a full replay's."""

    def craft(state: dict[str, Any]) -> None:
        state["sizes"] = {k: 0 if k.startswith("actors/") else v for k, v in state["sizes"].items()}

    _craft_index(grok, cli, craft)
    shown = cli("actor show grok --log grok.jsonl --json")
    assert shown.status == 0
    full = tracker.open(grok).replay(fold=True).actor("grok").to_json()
    assert orjson.loads(shown.out)["events"] == orjson.loads(orjson.dumps(full))["events"]
    assert len(full["events"]) == 10


def _old_seek(grok: Path, *samples: tuple[int, int, str]) -> None:
    """Plant a seek file in main's format holding these (seq, offset, recorded) samples, each
    false, and a true end line."""
    head = records(grok)[-1]
    lines = [b"%d %d %s %s\n" % (seq, at, when.encode(), head["hash"].encode())
             for seq, at, when in samples]
    lines.append(b"end %d %d %s\n" % (head["seq"], grok.stat().st_size, head["hash"].encode()))
    (grok.parent / "grok.jsonl.seek").write_bytes(b"".join(lines))


def _start_of(grok: Path, seq: int) -> int:
    """Where record ``seq``'s line starts."""
    return sum(len(line) + 1 for line in grok.read_bytes().splitlines()[: seq - 1])


def test_a_false_seek_sample_changes_no_answer(grok: Path, cli: Run) -> None:
    """Main: one false sample in ``grok.jsonl.seek`` (record 1 'recorded' on the 14th) made
    ``replay --known-at 2026-01-13`` show 0 events instead of the log's 17, and another (record
    21 'starting' where record 29 does) made ``follow --after 20`` skip records 21 to 28. Now
    samples never bound what a replay reads, and a sample is checked before use."""
    expected = tracker.open(grok).replay(known_at="2026-01-13", fold=True)
    _old_seek(grok, (1, 0, "2026-01-14T00:00:00.000000Z"))
    shown = cli("replay --log grok.jsonl --known-at 2026-01-13 --json")
    assert shown.status == 0
    assert len(orjson.loads(shown.out)["timeline"]) == len(expected.timeline()) == 17
    _old_seek(grok, (1, 0, "2026-01-12T00:00:00.000000Z"),
              (21, _start_of(grok, 29), "2026-01-12T15:00:00.000000Z"))
    followed = cli("follow --log grok.jsonl --after 20 --timeout 0 --json")
    assert followed.status == 0, followed.err
    assert [orjson.loads(line)["seq"] for line in followed.out.splitlines()] == list(range(21, 34))


def test_an_edit_before_the_read_models_record_is_found(grok: Path, cli: Run) -> None:
    """Main: with a valid checkpoint saved, editing an earlier record (keeping its length)
    left ``stances`` and ``replay`` answering from the checkpoint with exit 0 (without the
    checkpoint they refused with exit 5). Now a file changed in place since this user last saw
    it has its read model rebuilt, and the rebuild's walk finds the edit: every command refuses."""
    with tracker.open(grok) as log:
        log.replay()
    assert cli("stances --log grok.jsonl").status == 0
    edit_in_place(grok, b"insulting", b"INSULTING")
    for command in ("stances", "replay", "show uk-gov-insulting"):
        result = cli(f"{command} --log grok.jsonl")
        assert result.status == 5, command
        assert "record 18" in one_line_error(result)


# --- 2. One id, two events -------------------------------------------------------------------


def _reuse_claim_id(grok: Path) -> int:
    """Forge a chain-valid record re-using the id of the tested Grok claim, other content."""
    claim = next(r["event"] for r in records(grok) if r["event"]["id"] == "grok-paywall-claim")
    return append_forged(grok, {**claim, "quote": "Image tools are free for everyone."})


@pytest.mark.parametrize(
    "command",
    ["replay", "show grok-paywall-claim", "disputes", "verify", "log", "stances",
     "add topic --topic fines --name Fines", "head"],
)
def test_a_reused_id_is_an_integrity_error(grok: Path, cli: Run, command: str) -> None:
    """Main: a chain-valid record with the id of an existing event (other content) replaced
    the original in ``replay`` and ``show`` (its history dropped the first record),
    ``disputes`` gave the old verdict to the new text, and ``verify`` said ok. Now every
    command refuses with exit 5, naming both records."""
    seq = _reuse_claim_id(grok)
    before = digest(grok)
    result = cli(f"{command} --log grok.jsonl")
    assert result.status == 5, result.err
    message = one_line_error(result)
    assert f"record {seq}" in message and "record 16" in message
    assert "grok-paywall-claim" in message
    assert digest(grok) == before


def test_a_reused_id_with_the_same_content_is_still_an_integrity_error(
    grok: Path, cli: Run
) -> None:
    """One id, one record, whatever the content: even a verbatim second record of an event."""
    claim = next(r["event"] for r in records(grok) if r["event"]["id"] == "grok-paywall-claim")
    seq = append_forged(grok, dict(claim))
    result = cli("verify --log grok.jsonl")
    assert result.status == 5 and f"record {seq}" in one_line_error(result)


def test_a_reused_id_fails_a_published_head(grok: Path, cli: Run) -> None:
    """Main: ``verify --head`` said the log with a reused id extends the published head."""
    note = cli("head --log grok.jsonl").out
    (grok.parent / "head.txt").write_text(note)
    _reuse_claim_id(grok)
    result = cli("verify --log grok.jsonl --head head.txt")
    assert result.status == 5 and "grok-paywall-claim" in one_line_error(result)


def test_appending_an_event_already_in_the_log_stays_a_no_op(grok: Path) -> None:
    """Re-importing: an event whose id and content the log holds writes nothing."""
    claim = next(r["event"] for r in records(grok) if r["event"]["id"] == "grok-paywall-claim")
    before = digest(grok)
    with tracker.open(grok) as log:
        receipt = log.append(claim)[0]
    assert (receipt.status, receipt.seq) == ("exists", 16)
    assert digest(grok) == before


# --- 3. A broken log still takes writes and publishes ------------------------------------------


@pytest.mark.parametrize("known", [True, False], ids=["index-saved", "first-use"])
@pytest.mark.parametrize(
    ("old", "new"),
    [(b"move insulting", b"move INSULTING"), (b"move insulting", b"move welcoming!")],
    ids=["same-length", "longer"],
)
def test_an_edited_log_takes_no_write_and_no_head(
    grok: Path, cli: Run, known: bool, old: bytes, new: bytes
) -> None:
    """Main: after one record's quote was edited in place (the record still a valid event),
    ``tracker add`` appended onto the broken chain (exit 0), ``tracker log`` printed the
    edited text, and ``tracker head`` printed a note to publish. Now each refuses with exit 5, naming record 18 and ``tracker verify``,
    whether or not this user had used the log before the edit; the log is not written."""
    if known:
        assert cli("add topic --log grok.jsonl --topic fines --name Fines").status == 0
    edit_in_place(grok, old, new)
    before = digest(grok)
    for command in ("add topic --topic bans --name Bans", "log", "head"):
        result = cli(f"{command} --log grok.jsonl")
        assert result.status == 5, (command, result.err)
        message = one_line_error(result)
        assert "record 18" in message, message
    assert "tracker verify" in cli("add topic --topic bans --name Bans --log grok.jsonl").err
    assert digest(grok) == before


# --- 5. Inputs that hang or crash --------------------------------------------------------------


def _special(kind: str, tmp_path: Path) -> tuple[str, socket.socket | None]:
    if kind == "fifo":
        path = tmp_path / "pipe.jsonl"
        os.mkfifo(path)
        return str(path), None
    if kind == "socket":
        path = tmp_path / "sock.jsonl"
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(path))
        return str(path), server
    if kind == "directory":
        path = tmp_path / "folder.jsonl"
        path.mkdir()
        return str(path), None
    return kind, None


@pytest.mark.parametrize("kind", ["fifo", "socket", "directory", "/dev/null", "/dev/zero"])
def test_special_files_as_the_log_are_refused_at_once(tmp_path: Path, kind: str) -> None:
    """Main: ``--log`` naming a FIFO hung ``verify`` and ``add`` for ever; ``/dev/null`` and
    ``/dev/zero`` "verified ok: 0 records", and ``verify`` made ``/dev/null.lock``. Now each
    command refuses in one line, at once, and no lock file is made beside them."""
    path, server = _special(kind, tmp_path)
    lock_existed = os.path.lexists(path + ".lock")
    try:
        for command in (["verify"], ["add", "topic", "--topic", "t", "--name", "T"], ["replay"]):
            done = subprocess.run(
                [sys.executable, "-m", "tracker", *command, "--log", path],
                capture_output=True, text=True, timeout=60, check=False,
            )
            assert done.returncode not in (0, 3), (command, done.stderr)
            assert done.stderr.startswith("tracker: error: ")
            assert len(done.stderr.splitlines()) == 1, done.stderr
        assert os.path.lexists(path + ".lock") == lock_existed
    finally:
        if server is not None:
            server.close()


@pytest.mark.parametrize(
    "command",
    ["report --out {out}", "export timelinejs --out {out}", "export claimreview --out {out}"],
)
def test_an_output_never_replaces_a_log(grok: Path, cli: Run, command: str) -> None:
    """Main: ``tracker report --out grok.jsonl`` (the log's name, completed by the shell)
    replaced the log with the HTML page: every command after it said the file was no log.
    Now an --out naming a log (this one or another, or a link to one) is refused in one
    line, exit 1, and the log is untouched."""
    other = grok.parent / "other.jsonl"
    shutil.copyfile(grok, other)
    (grok.parent / "link.html").symlink_to(grok)
    for out in ("grok.jsonl", str(grok), "other.jsonl", "link.html"):
        before, before_other = digest(grok), digest(other)
        result = cli(f"{command.format(out=out)} --log grok.jsonl")
        assert (result.status, result.out) == (1, ""), (out, result.err)
        assert result.err == (
            f"tracker: error: cannot write {out}: it is a tracker log, which an output never "
            "replaces; give --out another file\n"
        )
        assert (digest(grok), digest(other)) == (before, before_other)
    assert cli(f"{command.format(out='fine.out')} --log grok.jsonl").status == 0


def test_a_log_saved_as_csv_is_named_as_a_log(grok: Path, cli: Run) -> None:
    """Main: a log given to import under a .csv name was read as CSV: "a quote closes inside
    a cell". A file starting with '{' is JSON lines whatever its name: it is named a log."""
    shutil.copyfile(grok, grok.parent / "events.csv")
    before = digest(grok)
    result = cli("import events.csv --log grok.jsonl")
    assert (result.status, result.out) == (1, "")
    assert result.err == (
        "tracker: error: events.csv is a tracker log (line 1 is a record, not an event): to "
        "copy a log, with its records' times and hashes, use 'tracker copy events.csv DEST'\n"
    )
    assert digest(grok) == before


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_given_to_import_is_refused_at_once(grok: Path, cli: Run, device: str) -> None:
    """Main: ``tracker import /dev/zero`` read the device whole, filling memory until the
    system killed it (22 GB on a 24 GB machine); ``/dev/urandom`` under a memory limit said
    "this is a bug". Now a device is refused before a byte is read, in one line, exit 1."""
    before = digest(grok)
    result = cli(f"import {device} --log grok.jsonl")
    assert (result.status, result.out) == (1, "")
    assert result.err == (
        f"tracker: error: {device} is a character device, not a file of events: give the path "
        "of a CSV or JSONL file (or - for standard input)\n"
    )
    assert digest(grok) == before


def test_an_import_nested_deep_is_one_line(grok: Path, cli: Run) -> None:
    """Main: an import line nested 1,000 levels deep exited 3, "this is a bug"
    (RecursionError). Now: one line naming the file and line, exit 1, nothing imported."""
    deep = b'{"type":"topic","topic":"x","name":' + b"[" * 1000 + b"]" * 1000 + b"}\n"
    (grok.parent / "deep.jsonl").write_bytes(b'{"type":"topic","topic":"y","name":"Y"}\n' + deep)
    before = digest(grok)
    result = cli("import deep.jsonl --log grok.jsonl")
    assert result.status == 1
    assert "deep.jsonl:2: JSON nested deeper than 64 levels" in result.err
    assert "this is a bug" not in result.err
    assert digest(grok) == before


@pytest.mark.parametrize("planted", ["link", "dangling link", "fifo", "directory"])
def test_a_planted_lock_file_is_refused_in_one_line(
    grok: Path, cli: Run, victim: Path, planted: str
) -> None:
    """Main: the lock file beside a log was opened with O_CREAT through any link planted
    there (creating or opening the file it pointed at). Now a write refuses in one line."""
    lock = grok.parent / "grok.jsonl.lock"
    if planted == "link":
        lock.symlink_to(victim / "notes.txt")
    elif planted == "dangling link":
        lock.symlink_to(victim / "created-by-tracker")
    elif planted == "fifo":
        os.mkfifo(lock)
    else:
        lock.mkdir()
    before, log_before = tree(victim), digest(grok)
    result = cli("add topic --log grok.jsonl --topic fines --name Fines")
    assert "grok.jsonl.lock" in one_line_error(result)
    assert tree(victim) == before and digest(grok) == log_before


def test_a_lock_file_of_another_user_is_refused(grok: Path, cli: Run) -> None:
    """A lock file owned by neither this user nor the log's owner is not this log's lock."""
    lock = grok.parent / "grok.jsonl.lock"
    lock.write_bytes(b"")
    os.chown(lock, 54321, 54321)
    result = cli("add topic --log grok.jsonl --topic fines --name Fines")
    assert "another user's file" in one_line_error(result)


def test_a_log_given_through_a_link_is_used_at_its_real_path(
    grok: Path, cli: Run, tmp_path: Path
) -> None:
    """``--log`` may be a link to the log: it is resolved once, the lock sits beside the real
    file, and the log keeps one folder of derived state whichever name it is opened by."""
    link = tmp_path / "mine.jsonl"
    link.symlink_to(grok)
    assert cli(f"add topic --log {link} --topic fines --name Fines").status == 0
    assert (grok.parent / "grok.jsonl.lock").exists()
    assert not (tmp_path / "mine.jsonl.lock").exists()
    with tracker.open(link) as via_link, tracker.open(grok) as direct:
        assert via_link.derived.folder == direct.derived.folder
    assert records(grok)[-1]["event"]["topic"] == "fines"


# --- the class around them: a rewrite consistent with itself -----------------------------------


def test_a_rechained_log_fails_only_against_a_published_head(grok: Path, cli: Run) -> None:
    """A log edited and re-hashed from there on is a valid chain: ``verify`` cannot tell, a
    head published before can (the README says so)."""
    note = cli("head --log grok.jsonl").out
    (grok.parent / "head.txt").write_text(note)

    def soften(event: dict[str, object]) -> None:
        event["stance"] = 0

    rechain(grok, 18, soften)
    assert cli("verify --log grok.jsonl").status == 0
    result = cli("verify --log grok.jsonl --head head.txt")
    assert result.status == 5
    assert "does not extend the published head" in one_line_error(result)
