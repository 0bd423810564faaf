"""The read model follows the rules of derived state: private, authenticated, anchored, rebuilt.

Each test damages, forges or plants something where the read model lives and checks that the
answers stay those of a replay with no derived files (or that the read fails with one line),
and that nothing outside the cache folder is touched.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

import tracker
from tracker.derived import files
from tracker.derived.readmodel import Mark, ReadModel
from tracker.derived.readmodel.model import NAME
from tracker.derived.readmodel.source import StoreSource
from tracker.errors import IntegrityError, TrackerError

SOURCE = [{"publisher": "P", "url": "https://p.example"}]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def log(tmp_path: Path) -> tracker.Log:
    """A small file log: two actors, a topic, stances, a correction and a retraction."""
    opened = tracker.open(tmp_path / "log.jsonl", create=True)
    opened.append([{"type": "actor", "actor": a, "name": a.upper(), "kind": "other"}
                   for a in ("a0", "a1")])
    opened.append({"type": "topic", "topic": "t0", "name": "T"})
    for i, stance in enumerate((-1, -2, 1)):
        opened.append({"type": "statement", "id": f"s{i}", "speaker": "a0", "topic": "t0",
                       "stance": stance, "quote": f"q{i}", "occurred": f"2026-01-0{i + 1}",
                       "sources": SOURCE})
    opened.append({"type": "correction", "corrects": "s1", "reason": "misquoted",
                   "replacement": {"type": "statement", "speaker": "a0", "topic": "t0",
                                   "stance": 2, "quote": "q1", "occurred": "2026-01-02",
                                   "sources": SOURCE}})
    opened.append({"type": "retraction", "retracts": "s2", "reason": "never said"})
    return opened


def model_of(log: tracker.Log, scope: str = "scope") -> tuple[ReadModel, StoreSource]:
    source = StoreSource(log.store)
    folder = files.log_folder("file", str(log.location), "origin")
    assert folder is not None
    return ReadModel(folder, scope, source.lines_at, source.anchored), source


def built(log: tracker.Log, scope: str = "scope") -> ReadModel:
    model, source = model_of(log, scope)
    model.extend(source.stream)
    return model


def stances(model: ReadModel) -> object:
    return model.state(as_of=None, known_at=None).stance_changes().to_json()


def test_the_database_lives_private_in_the_cache(log: tracker.Log, tmp_path: Path) -> None:
    """The database is a 0600 file in a 0700 folder of the user's cache, nothing beside the log."""
    model = built(log)
    assert model.path is not None
    assert model.path.is_relative_to(tmp_path / "cache")
    assert stat.S_IMODE(model.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(model.path.parent.stat().st_mode) == 0o700
    beside = sorted(p.name for p in tmp_path.iterdir())
    assert not [name for name in beside if "sqlite" in name or "readmodel" in name]


def test_answers_survive_deleting_the_database(log: tracker.Log) -> None:
    """Deleting the read model changes no answer: it is rebuilt from the log."""
    model = built(log)
    before = stances(model)
    model.discard()
    again = built(log)
    assert stances(again) == before
    assert before == log.replay(fold=True).stance_changes().to_json()


def test_a_forged_mac_is_rebuilt(log: tracker.Log) -> None:
    """A database whose meta does not carry this user's MAC is thrown away and rebuilt."""
    model = built(log)
    assert model.path is not None
    path = model.path
    model.close()
    db = sqlite3.connect(path)
    db.execute("UPDATE versions SET rec_to = 1")  # (a crafted row: every version gone)
    db.execute("UPDATE meta SET v = 'forged' WHERE k = 'mac'")
    db.commit()
    db.close()
    again = built(log)
    assert stances(again) == log.replay(fold=True).stance_changes().to_json()


def test_a_database_from_another_log_scope_is_rebuilt(log: tracker.Log) -> None:
    """A database sealed for another log (copied between folders) is not believed."""
    built(log, scope="another log").close()
    model = built(log, scope="this log")
    assert model.covered.seq == len(log)
    assert stances(model) == log.replay(fold=True).stance_changes().to_json()


def test_a_symlink_planted_at_the_database_is_replaced_never_followed(
    log: tracker.Log, tmp_path: Path
) -> None:
    """A symlink where the database belongs is removed; the file it points at is untouched."""
    model, source = model_of(log)
    assert model.path is not None
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    os.symlink(victim, model.path)
    for suffix in ("-wal", "-shm", "-journal"):
        os.symlink(victim, str(model.path) + suffix)
    model.extend(source.stream)
    assert victim.read_text() == "precious"
    assert not model.path.is_symlink()
    assert stances(model) == log.replay(fold=True).stance_changes().to_json()


def test_garbage_at_the_database_is_rebuilt(log: tracker.Log) -> None:
    """A file that is not a database (or a truncated one) is replaced by a fresh build."""
    model, source = model_of(log)
    assert model.path is not None
    model.path.write_bytes(b"not a database" * 100)
    model.extend(source.stream)
    assert stances(model) == log.replay(fold=True).stance_changes().to_json()


def test_a_log_replaced_under_it_is_not_answered_from_stale_rows(
    log: tracker.Log, tmp_path: Path
) -> None:
    """When the record the database is anchored to is gone, the database is rebuilt."""
    built(log).close()
    path = Path(log.location)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-2]))  # the last two records cut (as a repair would)
    shorter = tracker.open(path)
    model = built(shorter)
    assert model.covered.seq == len(lines) - 2
    assert stances(model) == shorter.replay(fold=True).stance_changes().to_json()


def test_an_edited_record_is_refused_when_read_back(log: tracker.Log) -> None:
    """A record changed in place after the read model walked it is refused on reading, naming it."""
    model = built(log)
    path = Path(log.location)
    data = path.read_bytes()
    path.write_bytes(data.replace(b'"quote":"q0"', b'"quote":"Q0"'))
    with pytest.raises(IntegrityError, match="record 4 is no longer what it was"):
        stances(model)


def test_appends_by_another_process_are_folded_in(log: tracker.Log, tmp_path: Path) -> None:
    """Records appended after a build are folded in on the next catch-up, and only those."""
    model = built(log)
    covered = model.covered.seq
    other = tracker.open(log.location)
    other.append({"type": "statement", "id": "s9", "speaker": "a1", "topic": "t0", "stance": 2,
                  "quote": "late", "occurred": "2026-01-09", "sources": SOURCE})
    source = StoreSource(log.store)
    assert model.extend(source.stream) == 1
    assert model.covered.seq == covered + 1
    assert stances(model) == log.replay(fold=True).stance_changes().to_json()


def test_two_catch_ups_at_once_fold_each_record_once(log: tracker.Log) -> None:
    """Two read models of one log catching up one after the other share one database."""
    first, source = model_of(log)
    second, _ = model_of(log)
    assert first.extend(source.stream) == len(log)
    assert second.extend(source.stream) == 0
    assert stances(second) == stances(first)


def test_a_build_cut_short_resumes(log: tracker.Log, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build interrupted after a chunk keeps what it committed and resumes from there."""
    from tracker.derived.readmodel import build

    monkeypatch.setattr(build, "CHUNK", 3)
    model, source = model_of(log)

    def interrupted(mark: Mark) -> object:
        for i, item in enumerate(source.stream(mark)):
            if i == 4:
                raise KeyboardInterrupt
            yield item

    with pytest.raises(KeyboardInterrupt):
        model.extend(interrupted)  # type: ignore[arg-type]
    assert model.covered.seq == 3
    assert model.extend(source.stream) == len(log) - 3
    assert stances(model) == log.replay(fold=True).stance_changes().to_json()


def test_the_database_name_is_fixed() -> None:
    """The database's file name is part of the documented layout of the cache folder."""
    assert NAME == "readmodel.sqlite"


@pytest.mark.parametrize("later", [0, 1])
def test_an_id_used_twice_is_refused(log: tracker.Log, later: int) -> None:
    """A chain-valid record reusing an event's id is an integrity error naming the record,
    whether the first use was folded in an earlier catch-up or in the same one."""
    model, source = model_of(log)
    if later:
        model.extend(source.stream)
    with log.store.writer() as writer:  # (the store appends whatever it is given)
        writer.append([{"type": "statement", "id": "s0", "speaker": "a1", "quote": "other",
                        "occurred": "2026-01-05", "sources": SOURCE}])
    with pytest.raises(IntegrityError, match=f"record {len(log)}: event id 's0' is already used by record 4"):
        model.extend(source.stream)


def test_every_question_a_state_answers_is_read_from_the_read_model() -> None:
    """ReadState answers every public question of State itself (a question added to State
    without a read of its own would answer from an empty state)."""
    from tracker.derived.readmodel import ReadState
    from tracker.projections.state import State

    asked = {
        name for name, value in vars(State).items()
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    } - {"restored", "actors", "topics"}  # (the slices' maker; two views of .registry)
    assert asked - set(vars(ReadState)) == set()


def test_a_known_at_replay_reads_nothing_recorded_later(tmp_path: Path) -> None:
    """A replay to a known_at catches the read model up to that prefix only: a record
    recorded later, even one that is not a record at all, is never read (the whole replay
    after it says what is wrong with it)."""
    from datetime import UTC, datetime, timedelta

    class Clock:
        now = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)

        def __call__(self) -> datetime:
            self.now += timedelta(minutes=1)
            return self.now

    path = tmp_path / "log.jsonl"
    log = tracker.open(path, create=True, clock=Clock())
    log.append({"type": "actor", "actor": "a0", "name": "A", "kind": "other"})
    log.append({"type": "topic", "topic": "t0", "name": "T"})
    log.append({"type": "statement", "id": "s0", "speaker": "a0", "topic": "t0", "stance": 1,
                "quote": "q", "occurred": "2026-01-05", "sources": SOURCE})
    log.append({"type": "statement", "id": "s1", "speaker": "a0", "topic": "t0", "stance": -2,
                "quote": "later words", "occurred": "2026-01-06", "sources": SOURCE})
    path.write_bytes(path.read_bytes().replace(b"later words", b"LATER WORDS"))
    state = tracker.open(path).replay(known_at="2026-01-12T09:03")
    assert [s.position for s in state.stances()] == [1]
    with pytest.raises(TrackerError):
        tracker.open(path).replay()


def test_first_uses_at_once_make_one_database_and_answer_alike(tmp_path: Path) -> None:
    """Three handles on one log replay at once with no read model yet (as parallel commands
    on a fresh cache do): each answers as the fold does, none fails. Before the database was
    checked and made one at a time, one of them took the database another was making for a
    damaged one and deleted it under the other's connection (in most rounds: "table meta
    already exists", "disk I/O error", "no such table")."""
    import threading

    from tracker.examples import demo_log_path

    path = tmp_path / "grok.jsonl"
    path.write_bytes(demo_log_path().read_bytes())
    expected = tracker.open(path).replay(fold=True).stance_changes().to_json()

    def replay(log: tracker.Log, start: threading.Barrier, answers: list[object]) -> None:
        start.wait()
        try:
            answers.append(log.replay().stance_changes().to_json())
        except Exception as exc:  # noqa: BLE001 - any failure is what this test is for
            answers.append(exc)

    for round_ in range(5):
        logs = [tracker.open(path) for _ in range(3)]
        start = threading.Barrier(len(logs))
        answers: list[object] = []
        threads = [
            threading.Thread(target=replay, args=(log, start, answers)) for log in logs
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert answers == [expected] * len(logs), round_
        for log in logs:
            log.close()
        folder = logs[0].derived.folder
        assert folder is not None
        files.discard(folder)  # (the next round starts with no read model again)
