"""No test writes the real user's cache or config directory, and none sees another's: the root
conftest.py gives each test its own (``TRACKER_CACHE_DIR``, ``TRACKER_CONFIG_DIR``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tracker
from tracker.derived import files
from tracker.proofs.keys import config_dir


@pytest.mark.parametrize("turn", [1, 2])
def test_each_test_has_its_own_cache_and_config_and_nothing_leaves_them(
    tmp_path: Path, turn: int
) -> None:
    """A log used from Python and from the command line (a subprocess, as benchmarks and
    end-to-end tests run it), and a signing key made: everything lands in this test's own
    directories, which start empty whichever test ran before (twice, to show it)."""
    cache, config = Path(os.environ["TRACKER_CACHE_DIR"]), Path(os.environ["TRACKER_CONFIG_DIR"])
    assert files.cache_root() == cache and config_dir() == config
    for place in (cache, config):
        assert not place.is_relative_to(Path.home()), place
        assert not place.is_relative_to(tmp_path)  # (tests list their tmp_path)
        assert not any(place.iterdir()), f"left by an earlier test: {list(place.iterdir())}"
    log = tmp_path / "log.jsonl"
    with tracker.open(log, create=True) as opened:
        opened.append({"type": "topic", "topic": f"t{turn}", "name": "A topic"})
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--log", str(log), "key", "new", "desk"],
        capture_output=True, text=True, check=False, env=dict(os.environ),
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--log", str(log), "add", "topic", "--topic", "u",
         "--name", "Another", "--sign", "desk"],
        capture_output=True, text=True, check=False, env=dict(os.environ),
    )
    assert done.returncode == 0, done.stderr
    assert (cache / "derived.key").is_file() and any((cache / "logs").iterdir())
    assert any((config / "keys").iterdir())
