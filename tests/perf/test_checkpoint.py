"""Checkpoints: a replay starts from the saved state and folds only what was recorded after it."""

from __future__ import annotations

import os
import pickle
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

import tracker
from tracker.derived import checkpoint as _checkpoint
from tracker.derived.core import Derived


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Checkpoint keys live in a fresh cache directory for each test."""
    path = tmp_path / "cache"
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(path))
    return path


def _checkpoint_of(log: Path) -> Path:
    """Where the log's checkpoint lives: its folder in the user's cache."""
    with tracker.open(log) as opened:
        folder = opened.derived.folder
    assert folder is not None
    return folder / "checkpoint"


def _src(n: int) -> list[dict[str, str]]:
    return [{"publisher": "AP", "url": f"https://apnews.example/{n}", "published": "2026-01-09"}]


def _statement(n: int, speaker: str, stance: int, occurred: str = "2026-01-09") -> dict[str, Any]:
    return {"type": "statement", "id": f"s{n}", "speaker": speaker, "topic": "paywall",
            "stance": stance, "occurred": occurred, "quote": f"Quote {n}.", "sources": _src(n)}


@pytest.fixture
def log_with_checkpoint(log_path: Path, clock: Any) -> Path:
    """A log of registrations, statements, a figure and an action, checkpointed at its end."""
    with tracker.open(log_path, create=True, clock=clock) as log:
        log.append([
            {"type": "actor", "actor": a, "name": a.upper(), "kind": "regulator"}
            for a in ("ofcom", "xai", "ec")
        ])
        log.append({"type": "topic", "topic": "paywall", "name": "The paywall"})
        log.append([_statement(n, ("ofcom", "xai", "ec")[n % 3], n % 5 - 2) for n in range(12)])
        log.append([
            {"type": "figure", "id": "f1", "metric": "images", "value": 6700, "unit": "per_hour",
             "occurred": "2026-01-08", "subject": "xai", "reported_by": "ofcom",
             "sources": _src(50)},
            {"type": "regulatory_action", "id": "r1", "regulator": "ofcom", "target": "xai",
             "rung": "demand", "occurred": "2026-01-10", "sources": _src(51)},
        ])
        log.replay(checkpoint=True)
    return log_path


def _everything(state: tracker.State) -> Any:
    """Every answer of a state that a checkpoint could get wrong."""
    return (
        state.summary(),
        state.timeline().to_records(),
        state.stances().to_json(),
        state.figures().to_json(),
        state.posture().to_json(),
        state.disputes().to_json(),
        {a: state.actor(a).to_json() for a in sorted(state.actors)},
        [(f.kind, f.seq, f.target) for f in state.fixes()],
        state.head_seq,
        state.head_hash,
    )


def test_a_replay_starts_from_the_checkpoint(log_with_checkpoint: Path, lines_read: list[int]) -> None:
    """With a checkpoint at the head, a replay reads no record and answers the same."""
    assert _checkpoint_of(log_with_checkpoint).exists()
    warm = tracker.open(log_with_checkpoint).replay()
    assert lines_read == []
    cold = tracker.open(log_with_checkpoint).replay(checkpoint=False)
    assert len(lines_read) == 18
    assert _everything(warm) == _everything(cold)


def test_late_records_and_fixes_after_a_checkpoint(
    log_with_checkpoint: Path, clock: Any, lines_read: list[int]
) -> None:
    """Records after the checkpoint (a late report, a correction, a retraction, a closure) are
    folded into it and change exactly what a full replay changes."""
    size = log_with_checkpoint.stat().st_size
    clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    with tracker.open(log_with_checkpoint, clock=clock) as log:
        log.append([
            _statement(90, "ec", 2, occurred="2026-01-02"),  # recorded two months late
            {"type": "correction", "corrects": "s4", "reason": "misheard",
             "replacement": {k: v for k, v in _statement(4, "xai", -2).items() if k != "id"}},
            {"type": "retraction", "retracts": "s7", "reason": "never said"},
            {"type": "verification", "verifier": "ec", "target": "f1", "verdict": "contradicted",
             "occurred": "2026-01-11", "sources": _src(60)},
            {"type": "regulatory_action", "regulator": "ofcom", "target": "xai", "rung": "closure",
             "ends": "r1", "occurred": "2026-02-20", "sources": _src(61)},
        ])
    lines_read.clear()
    warm = tracker.open(log_with_checkpoint).replay()
    assert min(lines_read) == size  # only what follows the checkpoint was read
    assert len(lines_read) == 5
    cold = tracker.open(log_with_checkpoint).replay(checkpoint=False)
    assert _everything(warm) == _everything(cold)
    assert warm.timeline()[0].id == "s90"  # the late report sorts by when it occurred
    assert warm.placement("s7") == "retracted"


def test_an_early_known_at_replays_from_the_start(
    log_with_checkpoint: Path, lines_read: list[int]
) -> None:
    """A known_at early in the log folds its few records from the start, not the checkpoint."""
    early = tracker.open(log_with_checkpoint).replay(known_at="2026-01-12T09:00")
    assert early.head_seq == 3
    assert len(lines_read) == 3  # the seek samples end the reading at the cutoff
    assert sorted(early.actors) == ["ec", "ofcom", "xai"]
    assert early.summary()["events"] == 0


def test_a_late_known_at_rewinds_the_checkpoint(
    log_with_checkpoint: Path, lines_read: list[int]
) -> None:
    """A known_at late in the log takes the later records back from the checkpoint's state."""
    late = tracker.open(log_with_checkpoint).replay(known_at="2026-01-12T09:02")
    assert late.head_seq == 16
    assert len(lines_read) <= 16  # only to find record 16's hash: nothing after it is read
    cold = tracker.open(log_with_checkpoint).replay(known_at="2026-01-12T09:02", checkpoint=False)
    assert late.head_hash == cold.head_hash
    assert _everything(late) == _everything(cold)
    assert late.figures().to_json() == []  # the figure and the action came in the last append
    lines_read.clear()
    after = tracker.open(log_with_checkpoint).replay(known_at="2026-01-13")
    assert lines_read == []  # past the checkpoint's record: nothing to read or take back
    assert after.head_seq == 18


def test_a_rewind_takes_back_late_fixes(
    log_with_checkpoint: Path, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Corrections and retractions recorded after the cutoff are undone: the earlier versions return."""
    with tracker.open(log_with_checkpoint, clock=clock) as log:
        before = log.head().recorded
        log.append({"type": "correction", "corrects": "f1", "reason": "Misread.",
                    "replacement": {"type": "figure", "metric": "images", "value": 7600,
                                    "unit": "per_hour", "occurred": "2026-01-08",
                                    "subject": "xai", "reported_by": "ofcom",
                                    "sources": _src(50)}})
        log.append({"type": "retraction", "retracts": "s3", "reason": "Misattributed."})
        log.replay(checkpoint=True)
    monkeypatch.setattr(Derived, "_REWIND_FROM", 0.0)
    rewound = tracker.open(log_with_checkpoint).replay(known_at=before)
    cold = tracker.open(log_with_checkpoint).replay(known_at=before, checkpoint=False)
    assert _everything(rewound) == _everything(cold)
    assert rewound.figures().series[0].points[0].value == 6700
    assert rewound.placement("s3") == "counted"
    assert rewound.fixes() == []


def test_an_as_of_replay_starts_from_the_checkpoint(
    log_with_checkpoint: Path, lines_read: list[int]
) -> None:
    """The checkpoint holds the state with no as_of; a replay to a world date moves it there."""
    saved = _checkpoint_of(log_with_checkpoint).read_bytes()
    state = tracker.open(log_with_checkpoint).replay(as_of="2026-01-09")
    assert lines_read == []
    assert state.placement("r1") == "future"
    assert state.placement("f1") == "counted"
    cold = tracker.open(log_with_checkpoint).replay(as_of="2026-01-09", checkpoint=False)
    assert _everything(state) == _everything(cold)
    both = tracker.open(log_with_checkpoint).replay(as_of="2026-01-09", known_at="2026-01-12T09:02")
    assert _everything(both) == _everything(
        tracker.open(log_with_checkpoint).replay(
            as_of="2026-01-09", known_at="2026-01-12T09:02", checkpoint=False
        )
    )
    assert _checkpoint_of(log_with_checkpoint).read_bytes() == saved  # never saved


def test_an_as_of_replay_folds_what_follows_the_checkpoint(
    log_with_checkpoint: Path, clock: Any, lines_read: list[int]
) -> None:
    """Records after the checkpoint are folded at the as_of: a late report of an early event counts."""
    size = log_with_checkpoint.stat().st_size
    with tracker.open(log_with_checkpoint, clock=clock) as log:
        log.append([_statement(90, "ec", 2, occurred="2026-01-02"),
                    _statement(91, "ec", -2, occurred="2026-01-20")])
    lines_read.clear()
    state = tracker.open(log_with_checkpoint).replay(as_of="2026-01-09")
    assert min(lines_read) == size
    assert (state.placement("s90"), state.placement("s91")) == ("counted", "future")
    cold = tracker.open(log_with_checkpoint).replay(as_of="2026-01-09", checkpoint=False)
    assert _everything(state) == _everything(cold)


def test_a_checkpoint_saved_meanwhile_by_another_process_is_used_as_loaded(
    log_path: Path, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If another process saves a newer checkpoint between the look at its header and the load,
    the replay goes by the one it loaded: it takes back what came after its known_at."""
    with tracker.open(log_path, create=True, clock=clock) as log:
        log.append({"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"})
        log.append({"type": "topic", "topic": "paywall", "name": "The paywall"})
        log.append([_statement(1, "ofcom", 1), _statement(2, "ofcom", 2)])
        log.replay(checkpoint=True)
        cutoff = log.head().recorded
        log.append([_statement(3, "ofcom", -1), _statement(4, "ofcom", -2)])
    real_peek = _checkpoint.peek
    saved: list[bool] = []

    def peek_while_another_process_saves(path: Path) -> Any:
        mark = real_peek(path)  # the older checkpoint, at the cutoff: "fold forward"
        if not saved:
            saved.append(True)
            tracker.open(log_path).replay(checkpoint=True)  # the other process: a newer one
        return mark

    monkeypatch.setattr(_checkpoint, "peek", peek_while_another_process_saves)
    warm = tracker.open(log_path).replay(known_at=cutoff)
    monkeypatch.setattr(_checkpoint, "peek", real_peek)
    assert _checkpoint.peek(_checkpoint_of(log_path)).seq == 6  # the newer one was loaded
    assert [e.id for e in warm.timeline()] == ["s1", "s2"]
    assert _everything(warm) == _everything(
        tracker.open(log_path).replay(known_at=cutoff, checkpoint=False)
    )


def test_a_checkpoint_with_a_malformed_header_is_ignored(log_with_checkpoint: Path) -> None:
    """A header whose fields have the wrong types is ignored by every replay, never an error."""
    path = _checkpoint_of(log_with_checkpoint)
    header, rest = path.read_bytes().split(b"\n", 1)
    broken = {**orjson.loads(header), "recorded": None}
    path.write_bytes(orjson.dumps(broken) + b"\n" + rest)
    assert _checkpoint.peek(path) is None
    for clocks in ({}, {"known_at": "2026-01-12T09:01"}, {"as_of": "2026-01-09"}):
        state = tracker.open(log_with_checkpoint).replay(**clocks)
        cold = tracker.open(log_with_checkpoint).replay(**clocks, checkpoint=False)
        assert _everything(state) == _everything(cold)


def test_the_rewind_decision_counts_records_the_seek_samples_did_not_cover_yet(
    log_path: Path, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Samples behind the checkpoint are brought up to it first, so an early cutoff still folds."""
    monkeypatch.setattr(Derived, "_REWIND_FROM", 0.6)
    with tracker.open(log_path, create=True, clock=clock) as log:
        log.append({"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"})
        log.append({"type": "topic", "topic": "paywall", "name": "The paywall"})
        for batch in range(3):
            log.append([_statement(batch * 500 + i, "ofcom", 1) for i in range(500)])
        log.replay(checkpoint=True)  # samples and checkpoint at record 1,502
        for batch in range(3, 8):
            log.append([_statement(batch * 500 + i, "ofcom", 1) for i in range(500)])
        log.replay(checkpoint=True)  # from the checkpoint: no samples taken on the way
    stamps = sorted({r.recorded for r in tracker.open(log_path).records()})
    rewinds: list[str] = []
    real = tracker.State.rewind
    monkeypatch.setattr(
        tracker.State, "rewind", lambda self, *a: (rewinds.append(a[1]), real(self, *a))[1]
    )
    early = tracker.open(log_path).replay(known_at=stamps[4])  # 1,502 of 4,002 records
    assert early.head_seq == 1502
    assert rewinds == []
    late = tracker.open(log_path).replay(known_at=stamps[-2])
    assert late.head_seq == 3502
    assert rewinds == [stamps[-2]]


def test_a_checkpoint_of_another_log_is_ignored(
    log_with_checkpoint: Path, tmp_path: Path, clock: Any
) -> None:
    """A checkpoint whose record is not in this log (same offset, other hash) is not used."""
    other = tmp_path / "other.jsonl"
    with tracker.open(other, create=True, clock=clock) as log:  # same events, another history
        for record in tracker.open(log_with_checkpoint).records():
            event = dict(record.event)
            if event.get("actor") == "ec":
                event["name"] = "European Commission"
            log.append(event)
    shutil.copyfile(_checkpoint_of(log_with_checkpoint), _checkpoint_of(other))
    state = tracker.open(other).replay()
    assert state.actors["ec"].name == "European Commission"


def test_a_checkpoint_from_another_machine_is_never_unpickled(
    log_with_checkpoint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines_read: list[int]
) -> None:
    """Under another key (another user's cache), the checkpoint is ignored before any unpickling."""
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "elsewhere"))

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a foreign checkpoint was unpickled")

    monkeypatch.setattr(pickle, "load", refuse)
    state = tracker.open(log_with_checkpoint).replay(checkpoint=None)
    assert state.head_seq == 18
    assert len(lines_read) == 18


def test_an_edited_checkpoint_is_ignored(log_with_checkpoint: Path, lines_read: list[int]) -> None:
    """A checkpoint whose bytes changed fails its HMAC and is rebuilt from the log."""
    path = _checkpoint_of(log_with_checkpoint)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    state = tracker.open(log_with_checkpoint).replay()
    assert len(lines_read) == 18
    assert state.head_seq == 18


def test_new_projection_code_ignores_old_checkpoints(
    log_with_checkpoint: Path, monkeypatch: pytest.MonkeyPatch, lines_read: list[int]
) -> None:
    """When the projections' source changes, a checkpoint written by the old code is not used."""
    monkeypatch.setattr(_checkpoint, "_CODE", ["another version of the projections"])
    tracker.open(log_with_checkpoint).replay()
    assert len(lines_read) == 18


def test_deleting_the_checkpoint_changes_nothing_but_speed(log_with_checkpoint: Path) -> None:
    """Without its checkpoint, the log replays to the same state."""
    warm = tracker.open(log_with_checkpoint).replay()
    _checkpoint_of(log_with_checkpoint).unlink()
    assert _everything(tracker.open(log_with_checkpoint).replay()) == _everything(warm)


def test_a_long_fold_saves_a_checkpoint(
    log_path: Path, clock: Any, monkeypatch: pytest.MonkeyPatch, lines_read: list[int]
) -> None:
    """A replay that folds WRITE_AFTER records or more past its start saves one by itself."""
    monkeypatch.setattr(_checkpoint, "WRITE_AFTER", 10)
    with tracker.open(log_path, create=True, clock=clock) as log:
        log.append([{"type": "actor", "actor": "ofcom", "name": "Ofcom", "kind": "regulator"},
                    {"type": "topic", "topic": "paywall", "name": "The paywall"}])
        log.append([_statement(n, "ofcom", 1) for n in range(5)])
        log.replay()  # 7 records: below the threshold
        assert not _checkpoint_of(log_path).exists()
        log.append([_statement(n, "ofcom", -1) for n in range(5, 10)])
        log.replay()
        assert _checkpoint_of(log_path).exists()
    lines_read.clear()
    assert tracker.open(log_path).replay().head_seq == 12
    assert lines_read == []


def _all_kinds_of_event() -> list[Any]:
    """Every event of the bundled Grok log, plus a retraction and a supersession it lacks."""
    from tracker.events import Retraction, Supersession
    from tracker.examples import demo_log_path

    events = [stored.event for stored in tracker.open(demo_log_path()).events()]
    events.append(Retraction(id="r9", retracts="s1", reason="Misattributed."))
    events.append(Supersession(supersedes="s1", by="s2", reason="A newer count."))
    return events


def test_every_event_pickles_back_equal_with_the_same_fields_set() -> None:
    """Models pickle by value: each comes back equal, of its class, with the same fields set."""
    from tracker.events import EVENT_TYPES, event_to_dict

    events = _all_kinds_of_event()
    assert {e.type for e in events} == set(EVENT_TYPES)
    back = pickle.loads(pickle.dumps(events, protocol=pickle.HIGHEST_PROTOCOL))
    for before, after in zip(events, back, strict=True):
        assert type(after) is type(before)
        assert after == before
        assert after.model_fields_set == before.model_fields_set
        assert repr(after) == repr(before)
        assert event_to_dict(after) == event_to_dict(before)


def test_a_copy_of_an_unpickled_model_leaves_its_siblings_alone() -> None:
    """Unpickled models with the same fields share one fields set; copying one never changes it."""
    a, b = pickle.loads(pickle.dumps([_statement_model(1), _statement_model(2)]))
    assert a.model_fields_set is b.model_fields_set
    changed = a.model_copy(update={"summary": "Changed."})
    assert "summary" in changed.model_fields_set
    assert "summary" not in b.model_fields_set
    assert b.model_fields_set == {"type", "id", "speaker", "topic", "stance", "occurred", "quote", "sources"}


def _statement_model(n: int) -> Any:
    from tracker.events import parse_event

    return parse_event(_statement(n, "ofcom", 1))


@pytest.mark.parametrize("damaged", [b"", b"short"])
def test_a_damaged_key_is_replaced_and_nothing_signed_under_it_loads(
    log_with_checkpoint: Path, cache_dir: Path, damaged: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key file that is not a whole key (empty after a crash) is never signed or checked with:
    a checkpoint made under it, which could carry any pickle, is not loaded."""
    import hashlib
    import hmac

    from tracker.derived.key import KEY_NAME

    path = _checkpoint_of(log_with_checkpoint)
    key_file = cache_dir / KEY_NAME
    key_file.write_bytes(damaged)
    header, rest = path.read_bytes().split(b"\n", 1)
    body = rest[: -_checkpoint._TRAILER]
    scope = f"file\0{log_with_checkpoint.resolve()}\0{path.parent.name}"  # (any: no key fits)
    forged = hmac.new(damaged, f"tracker-derived\0checkpoint\0{scope}\0".encode(), hashlib.sha256)
    forged.update(header + b"\n" + body)
    path.write_bytes(header + b"\n" + body + b"\n" + forged.hexdigest().encode())
    calls: list[Any] = []
    monkeypatch.setattr(pickle, "load", lambda f: calls.append(f))
    state = tracker.open(log_with_checkpoint).replay()
    assert calls == []  # never unpickled
    assert state.head_seq == 18
    assert len(key_file.read_bytes()) == 32  # a new, whole key took its place


def test_a_checkpoint_is_believed_after_another_user_appends_once_its_prefix_checks_out(
    log_with_checkpoint: Path, clock: Any, lines_read: list[int], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another user appending (their own cache) changes the file, so the stamp no longer says
    it is what was verified: the checkpoint is used once every byte before its record still
    has the digest it noted, and only the new records are folded (and checked)."""
    size = log_with_checkpoint.stat().st_size
    mine = os.environ["TRACKER_CACHE_DIR"]
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "teammate"))
    with tracker.open(log_with_checkpoint, clock=clock) as other:
        other.append(_statement(70, "ec", 1))
    monkeypatch.setenv("TRACKER_CACHE_DIR", mine)
    lines_read.clear()
    warm = tracker.open(log_with_checkpoint).replay()
    assert lines_read == [size]  # the prefix is hashed with pread, not read as records
    cold = tracker.open(log_with_checkpoint).replay(checkpoint=False)
    assert _everything(warm) == _everything(cold)


def test_a_checkpoint_over_an_edited_prefix_is_not_used_even_after_appends(
    log_with_checkpoint: Path, clock: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit before the checkpoint's record that keeps every length and the anchor, made
    with an append by another user, fails the prefix digest: the replay folds from the first
    record and names the edited one."""
    mine = os.environ["TRACKER_CACHE_DIR"]
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "teammate"))
    with tracker.open(log_with_checkpoint, clock=clock) as other:
        other.append(_statement(70, "ec", 1))
    monkeypatch.setenv("TRACKER_CACHE_DIR", mine)
    data = log_with_checkpoint.read_bytes()
    log_with_checkpoint.write_bytes(data.replace(b"Quote 3.", b"Quote 8.", 1))
    with pytest.raises(tracker.TrackerError, match="record 8: its hash") as caught:
        tracker.open(log_with_checkpoint).replay()
    assert caught.value.exit_code == 5
