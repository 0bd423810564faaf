"""What every test and benchmark shares: nothing of the real user's is read or written.

tracker keeps derived state (index, seek samples, checkpoints, the MAC key) in the user's cache
directory and private signing keys in the user's config directory. Each test gets its own of
both (``TRACKER_CACHE_DIR``, ``TRACKER_CONFIG_DIR``), so no test writes the real ``~/.cache``
or ``~/.config``, and no test sees what another left there; module- and session-wide fixtures
(built before any one test's) get the session's own. Subprocesses inherit them with the
environment. This file sits at the root so that ``benchmarks/`` is covered as ``tests/`` is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

PRIVATE_DIRS = ("TRACKER_CACHE_DIR", "TRACKER_CONFIG_DIR")
"""The variables that place the user's derived state and keys (see tracker.derived.files and
tracker.proofs.keys)."""


@pytest.fixture(autouse=True, scope="session")
def _session_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """A cache and a config directory for the session (what wider fixtures build goes there)."""
    saved = {name: os.environ.get(name) for name in PRIVATE_DIRS}
    dirs = {name: tmp_path_factory.mktemp(name.lower()) for name in PRIVATE_DIRS}
    os.environ.update({name: str(path) for name, path in dirs.items()})
    yield dirs
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def _private_dirs(
    _session_dirs: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, Path]:
    """This test's own cache and config directories (outside its ``tmp_path``, which tests
    list), set for the test's duration and restored after."""
    dirs = {name: tmp_path_factory.mktemp(name.lower()) for name in PRIVATE_DIRS}
    for name, path in dirs.items():
        monkeypatch.setenv(name, str(path))
    return dirs
