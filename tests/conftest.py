"""Shared fixtures: logs on a fixed, injectable clock (tests never read the wall clock)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import tracker


class StepClock:
    """A clock that starts at a fixed instant and moves one minute per reading (or as set)."""

    def __init__(self, start: datetime = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)) -> None:
        self.now = start
        self.step = timedelta(minutes=1)

    def __call__(self) -> datetime:
        value = self.now
        self.now += self.step
        return value

    def set(self, when: datetime) -> None:
        """Jump to ``when`` (used to simulate records entered on a later day)."""
        self.now = when


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Derived state (index, seek samples, checkpoints, the user's key) goes to a cache of the
    test session's own, never to the real ~/.cache, nor beside the bundled example log."""
    path = tmp_path_factory.mktemp("cache")
    saved = os.environ.get("TRACKER_CACHE_DIR")
    os.environ["TRACKER_CACHE_DIR"] = str(path)
    yield path
    if saved is None:
        os.environ.pop("TRACKER_CACHE_DIR", None)
    else:
        os.environ["TRACKER_CACHE_DIR"] = saved


@pytest.fixture
def clock() -> StepClock:
    """A step clock starting 2026-01-12 09:00 UTC."""
    return StepClock()


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    """A path where a log may be created."""
    return tmp_path / "log.jsonl"


@pytest.fixture
def empty_log(log_path: Path, clock: StepClock) -> Iterator[tracker.Log]:
    """A new, empty file log on the step clock."""
    log = tracker.open(log_path, create=True, clock=clock)
    yield log
    log.close()


@pytest.fixture
def make_source() -> Callable[..., dict[str, str]]:
    """Build a minimal source dict."""

    def build(publisher: str = "Example News", url: str = "https://example.org/a") -> dict[str, str]:
        return {"publisher": publisher, "url": url}

    return build
