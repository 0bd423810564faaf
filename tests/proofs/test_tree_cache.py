"""The kept tree is derived state: a damaged or planted file costs a rebuild, never a false proof."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import tracker
from tracker import _proofs
from tracker.proofs import tree as kept_tree
from tracker.proofs.proof import check_inclusion

if TYPE_CHECKING:
    from tests.conftest import StepClock


def _log(path: Path, clock: StepClock) -> tracker.Log:
    log = tracker.open(path, create=True, clock=clock)
    for i in range(21):
        log.append({"type": "topic", "id": f"topic-t{i}", "topic": f"t{i}", "name": f"Topic {i}"})
    return log


def test_a_tampered_tree_file_is_rebuilt(tmp_path: Path, clock: StepClock) -> None:
    """Every stored node overwritten: the proof made still checks (the tree was rebuilt)."""
    with _log(tmp_path / "log.jsonl", clock) as log:
        note = log.tree_head().note()
        path = kept_tree.cache_path(log.store)
        assert path is not None and path.is_file()
        size = path.stat().st_size
        path.write_bytes(path.read_bytes()[:16] + b"\xaa" * (size - 16))
        proof = _proofs.prove(log, "topic-t7", note)
        assert check_inclusion(proof, head=note).index == 7
        assert path.read_bytes()[16:48] != b"\xaa" * 32  # kept again, rebuilt


def test_a_symlink_at_the_tree_path_is_not_followed(tmp_path: Path, clock: StepClock) -> None:
    """A link planted where the tree is kept is replaced; its target is untouched."""
    with _log(tmp_path / "log.jsonl", clock) as log:
        note = log.tree_head().note()
        path = kept_tree.cache_path(log.store)
        assert path is not None
        victim = tmp_path / "victim.txt"
        victim.write_text("mine")
        path.unlink()
        os.symlink(victim, path)
        proof = _proofs.prove(log, "topic-t3", note)
        assert check_inclusion(proof, head=note).index == 3
        assert victim.read_text() == "mine"
        assert not path.is_symlink()
