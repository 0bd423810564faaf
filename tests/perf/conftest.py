"""Fixtures for the tests of the performance work (issue 7): the index, seek samples, checkpoints."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tracker.store import file as file_store


class Reads(list[int]):
    """Start offsets of the lines read; ``ends``: where each reader was told to stop."""

    def __init__(self) -> None:
        super().__init__()
        self.ends: list[int] = []


@pytest.fixture
def lines_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[Reads]:
    """The start offset of every line any reader takes from a log file, in order."""
    seen = Reads()
    real = file_store._iter_lines

    def spy(fd: int, pos: int, end: int) -> Iterator[tuple[bytes, int]]:
        seen.ends.append(end)
        for line, after in real(fd, pos, end):
            seen.append(after - len(line) - 1)
            yield line, after

    monkeypatch.setattr(file_store, "_iter_lines", spy)
    yield seen
