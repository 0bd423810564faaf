"""pytest-benchmark cases for the goals of issue 17 (heads and proofs), on the generated log.

Off by default: each case then runs once and checks its answer. Time them with
``TRACKER_BENCH_SIZE=100000 pytest benchmarks/test_proofs.py --benchmark-enable`` (1000000 for
the goal's size); imports and the log's generation stay outside the timer. Goals:

- building the Merkle tree of the whole log: at most 1.2x ``verify`` (group ``goal17-tree``);
- an inclusion proof at that size: O(log n) hashes, made in under 50 ms and checked in under
  10 ms (group ``goal17-proof``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import tracker
from tracker import _proofs
from tracker.proofs import tree as kept_tree
from tracker.proofs.proof import check_inclusion


@pytest.fixture(scope="module")
def proof_log(bench_log: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the generated log, with a cache folder of its own."""
    directory = tmp_path_factory.mktemp("proofs")
    path = directory / "events.jsonl"
    shutil.copyfile(bench_log, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRACKER_CACHE_DIR", str(directory / "cache"))
        yield path


@pytest.mark.benchmark(group="goal17-tree")
def test_verify_alone(benchmark: Any, proof_log: Path) -> None:
    """The yardstick: verify the whole log."""
    with tracker.open(proof_log) as log:
        report = benchmark(log.verify)
    assert report.records > 0


@pytest.mark.benchmark(group="goal17-tree")
def test_tree_build(benchmark: Any, proof_log: Path) -> None:
    """Build the Merkle tree of the whole log from its records and keep it (no verify)."""
    with tracker.open(proof_log) as log:

        def build() -> int:
            tree = kept_tree.build(log.store)
            kept_tree.save(log.store, tree)
            return tree.size

        size = benchmark(build)
        assert size == log.head().seq


@pytest.mark.benchmark(group="goal17-proof")
def test_prove_one_event(benchmark: Any, proof_log: Path) -> None:
    """Make the inclusion proof of an event in the middle of the log, tree already kept."""
    with tracker.open(proof_log) as log:
        note = log.tree_head().note()
        middle = log.head().seq // 2
        event_id = next(r.event["id"] for r in log.records() if r.seq == middle)
        _proofs.prove(log, event_id, note)  # warm: the index and the kept tree exist
        proof = benchmark(_proofs.prove, log, event_id, note)
    hashes = proof.split("\n\n")[0].count("\n") - 2
    assert hashes <= 2 * log.head().seq.bit_length()
    benchmark.extra_info["hashes"] = hashes


@pytest.mark.benchmark(group="goal17-proof")
def test_check_one_proof(benchmark: Any, proof_log: Path) -> None:
    """Check an inclusion proof offline (no log), the head given."""
    with tracker.open(proof_log) as log:
        note = log.tree_head().note()
        last = log.head().seq
        event_id = next(r.event["id"] for r in log.records() if r.seq == last)
        proof = _proofs.prove(log, event_id, note)
    result = benchmark(check_inclusion, proof, head=note)
    assert result.index == last - 1
