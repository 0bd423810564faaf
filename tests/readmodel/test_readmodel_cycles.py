"""A read model's slices are freed by reference counting when dropped: no reference cycle.

Big slices are moved out of the cyclic collector's reach (``gc.freeze``) to keep collections
from going over them again while an answer is shaped. A cycle in a slice's state would then
never be collected: a bound method of the state held by its figures made one, and answering
every projection of a million events grew to the fold's whole state (2,962 MB).
"""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import tracker
from tracker.examples import demo_log_path
from tracker.projections.fold import Entry
from tracker.projections.state import State


def test_answers_leave_no_cyclic_garbage(tmp_path: Path) -> None:
    path = tmp_path / "grok.jsonl"
    shutil.copyfile(demo_log_path(), path)
    with tracker.open(path) as log:
        state = log.replay(as_of="2026-01-14")
        state.timeline()  # the read model built and caught up, outside what is counted
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            for answer in (
                lambda: state.figures(),
                lambda: state.stances(),
                lambda: state.posture(),
                lambda: state.disputes(),
                lambda: state.actor("x"),
                lambda: list(state.timeline()),
            ):
                answer()
            gc.collect()
            left = [o for o in gc.garbage if isinstance(o, State | Entry)]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
    assert left == []
