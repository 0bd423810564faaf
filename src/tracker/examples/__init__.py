"""The bundled example: the January 2026 Grok deepfake controversy, as a ready-made log.

Open the shipped log (it is read-only data inside the package; copy it before appending)::

    import shutil
    import tracker
    from tracker.examples import demo_log_path

    shutil.copy(demo_log_path(), "grok.jsonl")
    log = tracker.open("grok.jsonl")
    state = log.replay(as_of="2026-01-12", known_at="2026-01-12")

or build a fresh copy from the event dicts in :mod:`tracker.examples.grok`::

    log = tracker.examples.build("grok.jsonl")

The case, its sources and its simulated recording times are described in
:mod:`tracker.examples.grok`.
"""

from __future__ import annotations

import atexit
import os
from contextlib import ExitStack
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker._log import Log

__all__ = ["DEMO_LOG_NAME", "build", "demo_log_path"]

DEMO_LOG_NAME = "grok.jsonl"
"""The file name of the shipped log inside this package."""

_resources = ExitStack()
atexit.register(_resources.close)
_demo_path: Path | None = None


def demo_log_path() -> Path:
    """Return the path of the shipped Grok log (read-only package data; copy it to append).

    Found with :mod:`importlib.resources`, so it works from an installed wheel; were the
    package imported from a zip file, the log is extracted to a temporary file that lasts
    until the interpreter exits.
    """
    global _demo_path
    if _demo_path is None:
        _demo_path = _resources.enter_context(as_file(files(__name__) / DEMO_LOG_NAME))
    return _demo_path


def build(path: str | os.PathLike[str]) -> Log:
    """Build the Grok log from scratch at ``path`` (which must not exist) and return it open.

    Every batch of :data:`tracker.examples.grok.SESSIONS` is appended at its simulated
    recorded time, so the result is byte for byte the shipped log.

    Raises:
        LogExistsError: something already exists at ``path``.
        LogNotFoundError: the directory of ``path`` does not exist.
    """
    import tracker
    from tracker.examples.grok import BATCHES, SimulatedClock

    clock = SimulatedClock()
    log = tracker.init(path, clock=clock)
    try:
        for batch in BATCHES:
            clock.at(batch.recorded)
            log.append(list(batch.events))
    except BaseException:
        log.close()
        raise
    return log
