"""The id and registry index beside a file log: appends check ids without scanning the log."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

import tracker
from tracker.derived import key
from tracker.errors import ConflictError, UnknownIdError


def _actor(slug: str, name: str) -> dict[str, Any]:
    return {"type": "actor", "actor": slug, "name": name, "kind": "regulator"}


def _statement(n: int, speaker: str = "ofcom", **extra: Any) -> dict[str, Any]:
    return {
        "type": "statement",
        "speaker": speaker,
        "occurred": "2026-01-09",
        "quote": f"Statement number {n}.",
        "sources": [{"publisher": "BBC", "url": f"https://bbc.example/{n}"}],
        **extra,
    }


@pytest.fixture
def filled(log_path: Path, clock: Any) -> Path:
    """A closed log of two actors and ten statements (one with a user id), index saved."""
    with tracker.open(log_path, create=True, clock=clock) as log:
        log.append([_actor("ofcom", "Ofcom"), _actor("xai", "xAI")])
        log.append([_statement(n) for n in range(9)])
        log.append(_statement(9, id="st-nine"))
    return log_path


def _index_dir(log_path: Path) -> Path:
    """The log's index: in its folder in the user's cache."""
    with tracker.open(log_path) as log:
        folder = log.derived.folder
    assert folder is not None
    return folder / "index"


def _state(log_path: Path) -> dict[str, Any]:
    sealed = (_index_dir(log_path) / "state.json").read_bytes()
    return orjson.loads(sealed.rsplit(b"\n", 1)[0])


def test_close_saves_the_index_with_the_head_it_covers(filled: Path) -> None:
    """After close, state.json holds the head's sequence number, offset and chain hash."""
    with tracker.open(filled) as log:
        head = log.head()
    state = _state(filled)
    assert (state["seq"], state["position"], state["hash"]) == (12, head.position, head.hash)
    assert state["actors"] == {"ofcom": state["actors"]["ofcom"], "xai": state["actors"]["xai"]}
    assert sorted(state["names"]) == ["ofcom", "xai"]


def test_an_append_on_a_reopened_log_reads_no_record(filled: Path, lines_read: list[int]) -> None:
    """With a saved index, appending checks ids and references without reading the log."""
    with tracker.open(filled) as log:
        receipts = log.append(_statement(100, about=["xai"]))
    assert receipts[0].seq == 13
    assert lines_read == []


def test_a_saved_index_still_finds_duplicates_and_conflicts(filled: Path) -> None:
    """Same content under a known id is 'exists' at its record; other content is a conflict."""
    with tracker.open(filled) as log:
        again = log.append([_statement(3), _statement(9, id="st-nine")])
        assert [(r.seq, r.status) for r in again] == [(6, "exists"), (12, "exists")]
        with pytest.raises(ConflictError, match=r"event id 'st-nine' is already in the log \(record 12\)"):
            log.append(_statement(10, id="st-nine"))


def test_a_saved_index_checks_references(filled: Path) -> None:
    """Unknown actors and events are refused with suggestions drawn from the saved index."""
    with tracker.open(filled) as log:
        with pytest.raises(UnknownIdError, match="unknown actor 'ofcon'; did you mean 'ofcom'"):
            log.append(_statement(11, speaker="ofcon"))
        with pytest.raises(UnknownIdError, match="unknown event 'st-nien'; did you mean 'st-nine'"):
            log.append({"type": "retraction", "retracts": "st-nien", "reason": "typo"})
        log.append({"type": "retraction", "retracts": "st-nine", "reason": "wrong quote"})
    with tracker.open(filled) as log:
        with pytest.raises(UnknownIdError, match="'st-nine' has been retracted"):
            log.append(
                {"type": "supersession", "supersedes": "st-nine", "by": "st-nine", "reason": "x"}
            )


def test_records_appended_by_another_writer_are_folded_in(filled: Path, clock: Any) -> None:
    """An index saved before another process appended catches up from its offset only."""
    first = tracker.open(filled, clock=clock)
    first.append(_statement(50))  # loads the saved index at record 12
    with tracker.open(filled, clock=clock) as other:
        other.append(_actor("ofcom-board", "Ofcom Board"))
    receipts = first.append(_statement(51, speaker="ofcom-board"))
    assert receipts[0].seq == 15
    first.close()
    assert _state(filled)["seq"] == 15


def test_a_deleted_index_is_rebuilt(filled: Path) -> None:
    """Without its index directory the log still checks appends (rebuilding it from the log)."""
    shutil.rmtree(_index_dir(filled))
    with tracker.open(filled) as log:
        assert log.append(_statement(3))[0].status == "exists"
        with pytest.raises(UnknownIdError):
            log.append(_statement(12, speaker="nobody"))
    assert _state(filled)["seq"] == 12


def test_an_index_for_another_log_is_discarded(filled: Path, tmp_path: Path, clock: Any) -> None:
    """An index whose chain hash does not match the log at its offset is thrown away."""
    other = tmp_path / "other.jsonl"
    with tracker.open(other, create=True, clock=clock) as log:
        log.append([_actor("cnil", "CNIL"), _actor("ofcom", "Ofcom")])
        log.append([_statement(n) for n in range(10)])
    index = _index_dir(filled)
    shutil.rmtree(index)
    shutil.copytree(_index_dir(other), index)
    with tracker.open(filled) as log:  # same length, other hashes: rebuilt from this log
        with pytest.raises(UnknownIdError, match="unknown actor 'cnil'"):
            log.append(_statement(1, speaker="cnil"))
        assert log.append(_statement(9, id="st-nine"))[0].status == "exists"


def test_index_rows_past_the_saved_state_are_ignored(filled: Path) -> None:
    """Rows a save wrote before it was cut short (its state never saved) make the saved index
    a stale one: it is rebuilt from the log, and the row's id does not count."""
    db = sqlite3.connect(_index_dir(filled) / "ids.sqlite")
    db.execute("INSERT INTO ids VALUES (99, 'ghost-id', '0123456789abcdef0123', 'statement', '', 0)")
    db.execute("UPDATE meta SET v = 99 WHERE k = 'seq'")
    db.commit()
    db.close()
    with tracker.open(filled) as log:
        receipts = log.append(_statement(77, id="ghost-id"))
    assert [(r.id, r.seq, r.status) for r in receipts] == [("ghost-id", 13, "appended")]


def test_a_large_batch_on_a_saved_index_loads_whole_buckets(filled: Path) -> None:
    """A batch of many events checks all its ids against the saved buckets at once."""
    with tracker.open(filled) as log:
        receipts = log.append([_statement(n) for n in range(5, 40)])
    assert [r.status for r in receipts] == ["exists"] * 4 + ["appended"] * 31
    assert [r.seq for r in receipts] == [8, 9, 10, 11, *range(13, 44)]


def test_correcting_a_registration_moves_it_in_the_saved_index(filled: Path) -> None:
    """A correction renaming an actor's registration is what the next session sees."""
    with tracker.open(filled) as log:
        owner = _state(filled)["actors"]["xai"]
        log.append(
            {
                "type": "correction",
                "corrects": owner,
                "replacement": _actor("x-ai", "xAI Corp"),
                "reason": "the company's own id",
            }
        )
    with tracker.open(filled) as log:
        log.append(_statement(60, speaker="x-ai"))
        with pytest.raises(UnknownIdError, match="unknown actor 'xai'"):
            log.append(_statement(61, speaker="xai"))


def _src(n: int) -> list[dict[str, str]]:
    return [{"publisher": "AP", "url": f"https://apnews.example/{n}", "published": "2026-01-09"}]


def _families(log: tracker.Log, clock: Any) -> None:
    """Events whose fixes and verifications bring actors in and out of them."""
    log.append([_actor(a, a.upper()) for a in ("ofcom", "xai", "bbc", "cnil", "ec")])
    log.append({"type": "topic", "topic": "paywall", "name": "The paywall"})
    log.append([
        {"type": "statement", "id": "s1", "speaker": "xai", "topic": "paywall", "stance": 1,
         "occurred": "2026-01-09", "quote": "Fixed.", "sources": _src(1)},
        {"type": "figure", "id": "f1", "metric": "images", "value": 6700, "unit": "per_hour",
         "occurred": "2026-01-08", "subject": "xai", "reported_by": "bbc", "sources": _src(2)},
        {"type": "regulatory_action", "id": "r1", "regulator": "ofcom", "target": "xai",
         "rung": "demand", "occurred": "2026-01-10", "sources": _src(3)},
        {"type": "incident", "id": "i1", "harm": "Images shared", "occurred": "2026-01-07",
         "actors": ["xai"], "sources": _src(4)},
    ])
    clock.set(datetime(2026, 2, 1, tzinfo=UTC))
    log.append([
        {"type": "verification", "id": "v1", "verifier": "cnil", "target": "f1",
         "verdict": "contradicted", "occurred": "2026-01-11", "sources": _src(5)},
        # a late report, and a correction that moves an incident to another actor
        {"type": "statement", "id": "s2", "speaker": "ofcom", "occurred": "2026-01-05",
         "quote": "We wrote to xAI.", "about": ["xai"], "sources": _src(6)},
        {"type": "correction", "corrects": "i1", "reason": "it was the EC's finding",
         "replacement": {"type": "incident", "harm": "Images shared", "occurred": "2026-01-07",
                         "actors": ["ec"], "sources": _src(4)}},
    ])
    clock.set(datetime(2026, 2, 10, tzinfo=UTC))
    log.append([
        {"type": "retraction", "retracts": "v1", "reason": "the test was flawed"},
        {"type": "regulatory_action", "regulator": "ofcom", "target": "xai", "rung": "closure",
         "ends": "r1", "occurred": "2026-02-09", "sources": _src(7)},
        {"type": "supersession", "supersedes": "s1", "by": "s2", "reason": "newer"},
        {"type": "correction", "corrects": log.replay().actors["bbc"].id or "", "reason": "name",
         "replacement": _actor("bbc", "BBC News")},
    ])


def _answers(state: tracker.State, actor: str) -> Any:
    timeline = state.timeline(actor=actor)
    return (
        state.actor(actor).to_json(),
        timeline.to_records(),
        {e.id: state.history(e.id) for e in timeline},
        [e.id for e in state.uncertain()],
        state.actors,
        state.topics,
        # what the command line asks of an actor-scoped replay (stances, figures, posture)
        state.stances(holder=actor).to_json(),
        state.stance_changes(holder=actor).to_json(),
        state.figures(subject=actor).to_json(),
        state.figures(reporter=actor).to_json(),
        state.posture(regulator=actor).to_json(),
        state.posture(target=actor).to_json(),
    )


@pytest.mark.parametrize(
    ("as_of", "known_at"),
    [(None, None), ("2026-01-09", None), (None, "2026-01-20"), ("2026-01-10", "2026-02-05")],
)
def test_one_actors_replay_answers_as_the_full_replay(
    log_path: Path, clock: Any, as_of: str | None, known_at: str | None
) -> None:
    """Folding only the registry and an actor's records (its events' families, including
    events a correction moved to it) gives that actor's answers of a full replay."""
    def compare(log: tracker.Log) -> None:
        full = log.replay(as_of=as_of, known_at=known_at)
        for actor in ("ofcom", "xai", "bbc", "cnil", "ec"):
            part = log.replay_actor(actor, as_of=as_of, known_at=known_at)
            assert _answers(part, actor) == _answers(full, actor), actor

    with tracker.open(log_path, create=True, clock=clock) as log:
        _families(log, clock)
        compare(log)  # the index as the appends left it in memory
    with tracker.open(log_path) as log:
        compare(log)  # the index saved in the log's folder
    shutil.rmtree(_index_dir(log_path))
    with tracker.open(log_path) as log:
        compare(log)  # the index rebuilt from the log
    ec = tracker.open(log_path).replay_actor("ec")
    assert [e.id for e in ec.timeline(actor="ec")] == ["i1"]
    assert ec.timeline(actor="ec")[0].corrected_by != ()
    full_ec = tracker.open(log_path).replay().actor("ec").to_json()
    assert tracker.open(log_path).actor("ec").to_json() == full_ec
    assert [e["id"] for e in full_ec["events"]] == ["i1"]


def _saved_ids(log_path: Path) -> list[str]:
    db = sqlite3.connect(_index_dir(log_path) / "ids.sqlite")
    try:
        return [row[0] for row in db.execute("SELECT id FROM ids")]
    finally:
        db.close()


def test_a_long_session_saves_the_index_as_it_goes(
    log_path: Path, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past _FLUSH_AT ids added, the index is saved and leaves memory (what bounds it on a
    million events); lookups then read the database, and nothing is lost."""
    from tracker.derived import index as _index

    monkeypatch.setattr(_index, "_FLUSH_AT", 5)
    with tracker.open(log_path, create=True, clock=clock) as log:
        _families(log, clock)  # 17 events, appended a few at a time
        assert log.derived.index.saved  # saved along the way: lookups read the database
        assert len(log.derived.index._recent) < 17
        log.append([_statement(n) for n in range(20)])
        log.append({"type": "verification", "verifier": "bbc", "target": "s1",
                    "verdict": "confirmed", "occurred": "2026-01-12", "sources": _src(9)})
        assert [r.status for r in log.append([_statement(3), _statement(19)])] == ["exists"] * 2
    assert len(_saved_ids(log_path)) == 17 + 20 + 1  # every event's id
    with tracker.open(log_path, clock=clock) as log:
        assert [r.status for r in log.append([_statement(3), _statement(19)])] == ["exists"] * 2
        full = log.replay()
        for actor in ("ofcom", "xai", "bbc", "cnil", "ec"):
            assert _answers(log.replay_actor(actor), actor) == _answers(full, actor)


def test_an_index_built_whole_is_saved(
    log_path: Path, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index first built from a log already holding many events (a big log met for the
    first time, or after its cache was cleared) is saved at close, and the next process loads
    it instead of reading the whole log again (it was never saved: each cold 'tracker add' on
    a million-event log rebuilt it, 47 s)."""
    from tracker.derived import index as _index

    with tracker.open(log_path, create=True, clock=clock) as log:
        _families(log, clock)
        log.append([_statement(n) for n in range(20)])
    shutil.rmtree(_index_dir(log_path))  # the cache cleared: the next append builds it whole
    with tracker.open(log_path, clock=clock) as log:
        log.append(_statement(20))
    assert len(_saved_ids(log_path)) == 17 + 20 + 1
    read: list[int] = []
    monkeypatch.setattr(_index.Index, "add", lambda self, *a, **k: read.append(1))
    with tracker.open(log_path, clock=clock) as log:  # loaded, not rebuilt from the log
        assert [r.status for r in log.append([_statement(3)])] == ["exists"]
    assert read == []


@pytest.mark.parametrize(
    ("command", "key", "query"),
    [
        (["stances", "--holder"], "stances", lambda s, a: s.stances(holder=a)),
        (["stances", "--changes", "--holder"], "changes", lambda s, a: s.stance_changes(holder=a)),
        (["figures", "--subject"], "series", lambda s, a: s.figures(subject=a)),
        (["figures", "--reporter"], "series", lambda s, a: s.figures(reporter=a)),
        (["posture", "--regulator"], None, lambda s, a: s.posture(regulator=a)),
        (["posture", "--target"], None, lambda s, a: s.posture(target=a)),
    ],
)
def test_commands_about_one_actor_fold_only_its_records(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    lines_read: list[int],
    command: list[str],
    key: str | None,
    query: Any,
) -> None:
    """`tracker stances --holder A` (figures --subject/--reporter, posture --regulator/--target)
    reads no record from the log's start (the read model's rows of A only, read back by
    position), and answers as a full replay of the Grok log does, for every actor."""
    from tracker.cli.main import main
    from tracker.examples import demo_log_path

    path = tmp_path / "grok.jsonl"
    shutil.copyfile(demo_log_path(), path)
    with tracker.open(path) as log:
        log.derived.catch_up()  # the index and the read model, as any earlier command leaves them
        log.replay()
        full = log.replay(as_of="2026-01-12", fold=True)
    for actor in sorted(full.actors):
        lines_read.clear()
        assert main(["--log", str(path), *command, actor, "--as-of", "2026-01-12", "--json"]) == 0
        out = orjson.loads(capsys.readouterr().out)
        assert lines_read == []  # no reading of the log from its start: the read model's rows
        expected = query(full, actor).to_json()
        assert (out[key] if key else {k: out[k] for k in expected}) == expected, actor


@pytest.mark.parametrize("damage", ["drop names", "owners as a list", "actors as a list"])
def test_a_malformed_index_state_is_rebuilt(filled: Path, damage: str) -> None:
    """A state.json that parses but lacks a field, or has one of the wrong type, is rebuilt:
    appends and actor views work as with no index at all (even sealed under the user's key)."""
    state_file = _index_dir(filled) / "state.json"
    state = _state(filled)
    if damage == "drop names":
        del state["names"]
    elif damage == "owners as a list":
        state["owners"] = []
    else:
        state["actors"] = list(state["actors"])
    with tracker.open(filled) as log:
        scope = log.derived.scope
    sealed = key.seal("index", scope, orjson.dumps(state))
    assert sealed is not None
    state_file.write_bytes(sealed)
    with tracker.open(filled) as log:
        assert log.append(_statement(100, about=["xai"]))[0].seq == 13
        assert [e.id for e in log.actor("xai").events][-1:] == [log.replay().timeline()[-1].id]
