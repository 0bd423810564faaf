"""The class around issue 13's attacks: every derived path, every derived field.

Derived state lives in the user's private cache folder, which nobody else can write; these
tests plant there what only a bug, a crash or the user could (a link, a FIFO, a crafted or
foreign file) and check that nothing is followed, nothing unauthenticated is believed, and
every answer equals that of a replay with no derived state at all.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

import tracker
from tracker.derived import files, key

from .conftest import Run, edit_in_place, tree


def _everything(log: Path) -> Any:
    """The answers derived state could change: a replay at three clocks, an actor's view, and
    the records a follower gets after record 20."""
    with tracker.open(log) as opened:
        answers = [
            opened.replay().timeline().to_records(),
            opened.replay(known_at="2026-01-13").timeline().to_records(),
            opened.replay(as_of="2026-01-10", known_at="2026-01-14").timeline().to_records(),
            opened.actor("grok").to_json(),
            opened.replay_actor("x", as_of="2026-01-12").posture().to_json(),
            [r.seq for r in opened.follow_records(after=20, timeout=0)],
        ]
    return orjson.loads(orjson.dumps(answers))


@pytest.fixture
def derived(grok: Path, cli: Run) -> Path:
    """The Grok log in use: its index, seek samples, read model and stamp all saved."""
    assert cli("add topic --log grok.jsonl --topic fines --name Fines").status == 0
    with tracker.open(grok) as log:
        log.replay()
        log.derived.seek.refresh()
        log.actor("grok")
        folder = log.derived.folder
    assert folder is not None
    for name in ("index/state.json", "index/ids.sqlite", "seek", "readmodel.sqlite", "verified"):
        assert (folder / name).is_file(), name
    return folder


@pytest.fixture
def expected(grok: Path, derived: Path, no_derived: Callable[[], None]) -> Iterator[Any]:
    """The answers with no derived state (computed in an empty cache, then back to the user's)."""
    saved = os.environ["TRACKER_CACHE_DIR"]
    no_derived()
    answers = _everything(grok)
    os.environ["TRACKER_CACHE_DIR"] = saved
    yield answers


DERIVED_PATHS = [
    "index", "index/state.json", "index/ids.sqlite", "index/ids.sqlite-journal",
    "index/ids.sqlite-wal", "seek", "readmodel.sqlite",
    "readmodel.sqlite-wal", "readmodel.sqlite-shm", "readmodel.sqlite-journal",
    "readmodel.sqlite.lock", "verified",
    "about",
]


@pytest.mark.parametrize("plant", ["link", "fifo"])
@pytest.mark.parametrize("name", DERIVED_PATHS)
def test_anything_planted_at_a_derived_path_is_replaced_never_followed(
    grok: Path, cli: Run, derived: Path, expected: Any, victim: Path, name: str, plant: str
) -> None:
    """A link (to the user's own files) or a FIFO where a derived file or folder belongs is
    removed and rebuilt: the user's files are untouched, nothing blocks, answers are a fresh
    replay's, and writes still check ids and references."""
    path = derived / name
    files.discard(path)
    if plant == "link":
        folder = name == "index"
        path.symlink_to(victim if folder else victim / "notes.txt")
    else:
        os.mkfifo(path)
    before = tree(victim)
    assert _everything(grok) == expected
    reused = cli("add topic --log grok.jsonl --id topic-image-paywall --topic other --name Other")
    assert reused.status == 1 and "already in the log" in reused.err
    assert cli("add topic --log grok.jsonl --topic bans --name Bans").status == 0
    assert tree(victim) == before
    with tracker.open(grok) as log:
        log.replay()
    assert tree(victim) == before  # (a link at a file never read again may stay: never followed)


def _fields(body: bytes) -> list[str]:
    return sorted(orjson.loads(body))


def _unsealed(path: Path) -> bytes:
    return path.read_bytes().rsplit(b"\n", 1)[0]


def _crafted_values(value: Any) -> Iterator[Any]:
    """Wrong values of every kind for a field."""
    yield None
    yield "crafted"
    yield -1
    yield 10**12
    yield [] if not isinstance(value, list) else [*value, "ghost"]
    yield {} if not isinstance(value, dict) else {**value, "ghost": "actor-ghost"}


@pytest.mark.parametrize("file", ["index/state.json", "verified"])
@pytest.mark.parametrize("sealed", [False, True], ids=["mac-kept", "resealed-other-key"])
def test_every_field_of_a_derived_json_file_crafted_is_not_believed(
    grok: Path, cli: Run, derived: Path, expected: Any, tmp_path: Path, file: str, sealed: bool
) -> None:
    """Each field of ``state.json`` and of the stamp set to a wrong value, with the old MAC
    kept or a new one under another key (what anyone but the user can make): never believed,
    answers are a fresh replay's, an unregistered actor is still refused."""
    path = derived / file
    original = path.read_bytes()
    body = orjson.loads(_unsealed(path))
    other_key = tmp_path / "other-cache"
    for field in _fields(_unsealed(path)):
        for value in _crafted_values(body[field]):
            crafted = orjson.dumps({**body, field: value})
            if sealed:
                saved = os.environ["TRACKER_CACHE_DIR"]
                os.environ["TRACKER_CACHE_DIR"] = str(other_key)
                scope = tracker.open(grok).derived.scope
                forged = key.seal({"verified": "verified"}.get(file, "index"), scope, crafted)
                os.environ["TRACKER_CACHE_DIR"] = saved
                assert forged is not None
                path.write_bytes(forged)
            else:
                path.write_bytes(crafted + original[-65:])
            ghost = cli(
                "add statement --log grok.jsonl --speaker ghost --quote Boo --occurred "
                "2026-01-12 --source https://example.org/g --publisher Example --dry-run"
            )
            assert ghost.status == 1, (field, value)
            path.write_bytes(original)
    assert _everything(grok) == expected


@pytest.mark.parametrize(
    "craft",
    ["sample seq", "sample offset", "sample recorded", "sample hash", "end count",
     "end offset", "end hash", "extra sample"],
)
def test_every_field_of_the_seek_file_crafted_changes_no_answer(
    grok: Path, derived: Path, expected: Any, craft: str
) -> None:
    """Seek samples crafted field by field (MAC kept): the file is rebuilt, answers unchanged."""
    path = derived / "seek"
    lines = _unsealed(path).split(b"\n")
    sample, end = lines[0].split(b" "), lines[-2].split(b" ")
    what, field = craft.split(" ")
    target = sample if what == "sample" else end
    at = {"seq": 0, "count": 1, "offset": 1 if what == "sample" else 2, "recorded": 2,
          "hash": 3}.get(field)
    if craft == "extra sample":
        lines.insert(1, b"2 0 2026-01-01T00:00:00.000000Z " + sample[3])
    else:
        assert at is not None
        target[at] = b"2026-01-01T00:00:00.000000Z" if field == "recorded" else (
            b"0" * 64 if field == "hash" else b"7")
        lines[0 if what == "sample" else -2] = b" ".join(target)
    path.write_bytes(b"\n".join(lines) + b"\n" + path.read_bytes()[-64:])
    assert _everything(grok) == expected


def test_a_sealed_but_false_seek_sample_is_caught_before_follow_uses_it(
    grok: Path, derived: Path, expected: Any
) -> None:
    """Even samples carrying a valid MAC (a bug, say) are checked before use: the record found
    where they point must be the one asked for, else they are thrown away. Here the samples
    claim to end at record 20 where record 25 ends (its hash is right, its number is not)."""
    lines = grok.read_bytes().splitlines(keepends=True)
    end = sum(len(line) for line in lines[:25])
    twenty_five = orjson.loads(lines[24])["hash"]
    with tracker.open(grok) as log:
        scope = log.derived.scope
    body = b"1 0 2026-01-12T15:00:00.000000Z %s\nend 20 %d %s\n" % (
        orjson.loads(lines[0])["hash"].encode(), end, twenty_five.encode())
    sealed = key.seal("seek", scope, body)
    assert sealed is not None
    (derived / "seek").write_bytes(sealed)
    assert _everything(grok) == expected


@pytest.mark.parametrize("field", ["seq", "position", "hash", "recorded", "schema", "code"])
def test_every_field_of_the_read_model_meta_crafted_is_rebuilt(
    grok: Path, derived: Path, expected: Any, field: str
) -> None:
    """A read model whose meta (what it covers, for which code) was changed fails its MAC (or
    its anchor): none of its rows is believed (here, crafted to lose every statement); it is
    built again from the log, and the answers are a fresh replay's."""
    import sqlite3

    db = sqlite3.connect(derived / "readmodel.sqlite")
    crafted = {"seq": 1, "position": 100, "hash": "0" * 64, "recorded": "2026-01-01",
               "schema": 99, "code": "x"}[field]
    db.execute("UPDATE meta SET v = ? WHERE k = ?", (crafted, field))
    db.execute("UPDATE versions SET rec_to = rec_from WHERE type = 'statement'")
    db.commit()
    db.close()
    assert _everything(grok) == expected


def test_an_edit_that_keeps_every_length_is_found_by_the_next_write(
    grok: Path, cli: Run, derived: Path
) -> None:
    """The stamp notes the file as this user last saw it: a file changed without growing was
    edited in place, and the next write verifies it whole and refuses."""
    edit_in_place(grok, b'"stance":-2', b'"stance":-1')
    result = cli("add topic --log grok.jsonl --topic bans --name Bans")
    assert result.status == 5 and "tracker verify" in result.err


def test_temporary_files_are_made_exclusively_under_unpredictable_names(
    cache: Path, victim: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a link planted at the very name the next temporary file would take is not
    followed: the temporary file is created with O_EXCL, and another name is drawn."""
    folder = files.log_folder("file", "/x", "o")
    assert folder is not None
    names = iter(["planted", "fresh"])
    monkeypatch.setattr(tempfile, "_get_candidate_names", lambda: names)
    (folder / ".state.planted.tmp").symlink_to(victim / "notes.txt")
    before = tree(victim)
    assert files.atomic_write(folder / "state", b"new")
    assert (folder / "state").read_bytes() == b"new"
    assert tree(victim) == before
    assert (folder / ".state.planted.tmp").is_symlink()  # left alone, not written through


def test_a_log_folder_owned_by_another_user_is_replaced(grok: Path, derived: Path) -> None:
    """A folder of another user where this log's folder belongs is never used."""
    state = derived / "index" / "state.json"
    os.chown(derived, 54321, 54321)
    with tracker.open(grok) as log:
        assert log.derived.folder == derived
        assert os.stat(derived).st_uid == os.geteuid()
    assert not state.exists() or os.stat(state).st_uid == os.geteuid()


def test_what_no_cheap_check_finds_is_found_by_verify(
    grok: Path, cli: Run, derived: Path, clock: Any, tmp_path: Path
) -> None:
    """The documented limit: an edit that keeps every length, inside what this user verified,
    made together with an append since this user last looked, lets the next write through
    (its own records are checked, the verified prefix is not read again); ``verify`` finds it,
    and so does the next replay, which reads every record."""
    mine = os.environ["TRACKER_CACHE_DIR"]
    os.environ["TRACKER_CACHE_DIR"] = str(tmp_path / "teammate-cache")
    with tracker.open(grok, clock=clock) as other:  # a teammate (their own cache) appends...
        other.append({"type": "topic", "topic": "teammate", "name": "A teammate's topic"})
    os.environ["TRACKER_CACHE_DIR"] = mine
    edit_in_place(grok, b"insulting", b"INSULTING")  # ...and someone edits an old record
    assert cli("add topic --log grok.jsonl --topic bans --name Bans").status == 0
    found = cli("verify --log grok.jsonl")
    assert found.status == 5 and "record 18" in found.err
    assert cli("replay --log grok.jsonl").status == 5
