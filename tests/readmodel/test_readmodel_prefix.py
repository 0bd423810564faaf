"""A read model built up to a ``known_at`` answers that ``known_at`` again without reading on.

The first replay at a ``known_at`` builds the read model up to it (the records recorded by
then) and no further. Asked again at that ``known_at``, the one record after the last it
covers says whether anything is left to fold in: when that record was recorded later, the
log is not streamed again; when it has that very recorded time (a clock that did not move), it is
streamed as before. The answers equal the in-memory fold's either way.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

import tracker
from tracker import _read
from tracker.examples import demo_log_path


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def grok(tmp_path: Path) -> Path:
    """A copy of the bundled log (33 records; several share a recorded time)."""
    path = tmp_path / "grok.jsonl"
    shutil.copyfile(demo_log_path(), path)
    return path


def answers(log: tracker.Log, known_at: str, *, fold: bool = False) -> Any:
    """What a replay at ``known_at`` says (as JSON values)."""
    state = log.replay(known_at=known_at, fold=fold)
    return (
        state.timeline().to_records(),
        state.stances().to_json(),
        state.figures().to_json(),
        state.posture().to_json(),
        state.head_seq,
    )


def recorded_times(path: Path) -> list[str]:
    """The recorded time of each record, in order."""
    return [orjson.loads(line)["recorded"] for line in path.read_bytes().splitlines()]


def count_streams(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Note each stream of the log the facade starts from now on (0) and each record it
    yields (its sequence number)."""
    seen: list[int] = []
    real = _read.stream

    def counted(*args: Any, **kwargs: Any) -> Iterator[Any]:
        seen.append(0)
        for item in real(*args, **kwargs):
            seen.append(item[0])
            yield item

    monkeypatch.setattr(_read, "stream", counted)
    return seen


def test_a_known_at_answered_again_reads_no_record(
    grok: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built up to a known_at whose next record is later: the second replay streams nothing."""
    times = recorded_times(grok)
    cut = next(i for i in range(1, len(times)) if times[i] > times[i - 1] and i > len(times) // 2)
    known_at = times[cut - 1]
    with tracker.open(grok) as log:
        first = answers(log, known_at)
        folded = answers(log, known_at, fold=True)
    streamed = count_streams(monkeypatch)
    with tracker.open(grok) as log:
        again = answers(log, known_at)
    assert streamed == []
    assert again == first == folded


def test_a_batch_at_the_same_recorded_time_is_still_read_on(
    tmp_path: Path, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next record has the known_at's very recorded time (appended since the build, by a
    clock that did not move): it is streamed and folded in."""
    path = tmp_path / "same.jsonl"
    with tracker.init(path, clock=clock) as log:
        log.append([{"type": "actor", "actor": "a", "name": "A", "kind": "company"},
                    {"type": "topic", "topic": "t", "name": "T"}])
        clock.step = timedelta(0)
        log.append(STATEMENT | {"stance": 1})
        known_at = recorded_times(path)[-1]
        answers(log, known_at)  # builds the read model up to here
        log.append(STATEMENT | {"stance": -2, "occurred": "2026-01-03"})  # the same time
        assert recorded_times(path)[-1] == known_at
    streamed = count_streams(monkeypatch)
    with tracker.open(path) as log:
        again = answers(log, known_at)
    assert streamed == [0, 4]
    with tracker.open(path) as log:
        assert again == answers(log, known_at, fold=True)
    assert again[1][0]["position"] == -2  # (the statement recorded after the build)


STATEMENT = {"type": "statement", "speaker": "a", "topic": "t", "quote": "q",
             "occurred": "2026-01-02", "sources": [{"publisher": "P", "url": "https://p"}]}
