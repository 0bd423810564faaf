"""The kept tree is derived state: a damaged or planted file costs a rebuild, never a false proof."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import tracker
from tracker import _proofs
from tracker.proofs import tree as kept_tree
from tracker.proofs.proof import check_inclusion

if TYPE_CHECKING:
    from tests.conftest import StepClock

    from tracker.store.base import Store


def _log(path: Path, clock: StepClock) -> tracker.Log:
    log = tracker.open(path, create=True, clock=clock)
    for i in range(21):
        log.append({"type": "topic", "id": f"topic-t{i}", "topic": f"t{i}", "name": f"Topic {i}"})
    return log


@pytest.fixture
def leaves_hashed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many leaves each read of the log for its tree hashed, one entry per read."""
    counts: list[int] = []
    real = kept_tree.leaf_hashes

    def spy(store: Store, size: int | None = None) -> bytes:
        hashes = real(store, size)
        counts.append(len(hashes) // 32)
        return hashes

    monkeypatch.setattr(kept_tree, "leaf_hashes", spy)
    return counts


def test_a_kept_tree_is_reused(tmp_path: Path, clock: StepClock, leaves_hashed: list[int]) -> None:
    """The head hashes every leaf once and keeps the tree; proofs then read it, hashing none."""
    with _log(tmp_path / "log.jsonl", clock) as log:
        note = log.tree_head().note()
        assert leaves_hashed == [21]
        for seq in (1, 8, 21):
            proof = _proofs.prove(log, f"topic-t{seq - 1}", note)
            assert check_inclusion(proof, head=note).index == seq - 1
        assert _proofs.prove_consistency(log, note, note)
        assert leaves_hashed == [21]  # no read of the log for the tree since the head


def test_a_planted_tree_with_the_heads_root_is_not_believed(
    tmp_path: Path, clock: StepClock, leaves_hashed: list[int]
) -> None:
    """A kept tree whose root nodes are right but whose leaves are not gives no proof: the
    proof made from it fails its check, the tree is rebuilt from the log, the proof is right."""
    with _log(tmp_path / "log.jsonl", clock) as log:
        note = log.tree_head().note()
        path = kept_tree.cache_path(log.store)
        assert path is not None
        kept = bytearray(path.read_bytes())
        # 21 leaves: the root is made of the first 16 leaves' node, the next 4's and leaf 20
        # alone, so the first 20 leaves can be replaced without changing the root it reads
        kept[16 : 16 + 20 * 32] = b"\x5a" * (20 * 32)
        path.write_bytes(bytes(kept))
        stored = kept_tree.load(log.store)
        assert stored is not None and stored.root(21) == kept_tree.build(log.store).root()
        stored.close()
        leaves_hashed.clear()
        proof = _proofs.prove(log, "topic-t6", note)
        assert check_inclusion(proof, head=note).index == 6
        assert leaves_hashed == [21]  # rebuilt once, from the log
        assert path.read_bytes()[16 : 16 + 32] != b"\x5a" * 32


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
