"""pytest-benchmark cases for the goals of issue 17 (heads, proofs, signed records), on the generated log.

Off by default: each case then runs once and checks its answer. Time them with
``TRACKER_BENCH_SIZE=100000 pytest benchmarks/test_proofs.py --benchmark-enable`` (1000000 for
the goal's size); imports and the log's generation stay outside the timer. Goals:

- building the Merkle tree of the whole log: at most 1.2x ``verify`` (group ``goal17-tree``);
- an inclusion proof at that size: O(log n) hashes, made in under 50 ms and checked in under
  10 ms (group ``goal17-proof``);
- ``verify --keys`` on the log signed per batch of 1,000: at most 1.2x ``verify`` plus the
  signatures' own cost (group ``goal17-keys``);
- a single signed append: p50 at most 1.2x an unsigned one (group ``goal17-append``).
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


# --- signed records (issue 17's last goals) -------------------------------------------------
#
# - ``verify --keys`` on a log signed per batch of 1,000: at most 1.2x ``verify`` plus the
#   signatures' own verification cost (group ``goal17-keys``; the yardstick is ``verify`` of
#   the same events unsigned, in the same batches, and the signatures' cost is measured alone);
# - a single signed append: p50 at most 1.2x an unsigned one (group ``goal17-append``).

SIGNER = None


def _signer() -> Any:
    from tracker.proofs.note import SignerKey

    global SIGNER  # noqa: PLW0603 - one key for the module's cases
    if SIGNER is None:
        SIGNER = SignerKey("bench.example/recorder", bytes(range(32)))
    return SIGNER


@pytest.fixture(scope="module")
def batched_logs(proof_log: Path) -> tuple[Path, Path, Path]:
    """The generated events in the generator's batches (1,000 each, after one of the actors'
    and topics' registrations): unsigned (the generated log itself), the same events in the
    same batches signed, one signature per batch; and the keys file."""
    from benchmarks.conftest import BENCH_SIZE
    from benchmarks.generate import generate

    directory = proof_log.parent
    signed = directory / "signed.jsonl"
    generate(signed, BENCH_SIZE, signer=_signer())
    keys = directory / "keys.txt"
    keys.write_text(f"{_signer().verifier().text()} recorder\n")
    return proof_log, signed, keys


@pytest.mark.benchmark(group="goal17-keys")
def test_verify_unsigned_batches(benchmark: Any, batched_logs: tuple[Path, Path, Path]) -> None:
    """The yardstick: verify the same events unsigned, in the same batches (version 1 records)."""
    with tracker.open(batched_logs[0]) as log:
        report = benchmark(log.verify)
    assert report.audit is None


@pytest.mark.benchmark(group="goal17-keys")
def test_verify_signed_without_keys(benchmark: Any, batched_logs: tuple[Path, Path, Path]) -> None:
    """The signed log (version 2 records) verified without keys: chain, digests, erasures."""
    with tracker.open(batched_logs[1]) as log:
        report = benchmark(log.verify)
    assert report.audit is not None and not report.audit.keys_checked


@pytest.mark.benchmark(group="goal17-keys")
def test_verify_signed_with_keys(benchmark: Any, batched_logs: tuple[Path, Path, Path]) -> None:
    """verify --keys: every record's signer, one Ed25519 signature per batch of 1,000."""
    from tracker.proofs.keys import read_trusted

    trusted = read_trusted(str(batched_logs[2]))
    with tracker.open(batched_logs[1]) as log:
        report = benchmark(log.verify, keys=trusted)
    assert report.audit is not None and report.audit.signed == report.records


@pytest.mark.benchmark(group="goal17-keys")
def test_signature_checks_alone(benchmark: Any, batched_logs: tuple[Path, Path, Path]) -> None:
    """The signatures' own cost: each batch's Ed25519 signature checked, nothing else."""
    import base64

    import orjson
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from tracker.store.records import signing_form

    signed = []
    with tracker.open(batched_logs[1]) as log:
        for line, _pos in log.store.read_lines():
            if b'"sig":"' in line:
                signed.append((base64.b64decode(orjson.loads(line)["sig"]), signing_form(line)))
    public = _signer().public

    def check() -> int:
        key = Ed25519PublicKey.from_public_bytes(public)
        for signature, message in signed:
            key.verify(signature, message)
        return len(signed)

    assert benchmark(check) == len(signed)
    benchmark.extra_info["signatures"] = len(signed)


def _one_event_appender(path: Path, signed: bool) -> Any:
    """A log at ``path`` and a function appending one new topic to it per call."""
    log = tracker.open(path, create=True)
    if signed:
        log.signer = __import__("tracker.proofs.keys").proofs.keys.record_signer(_signer())
    log.append({"type": "topic", "topic": "warm", "name": "Warm"})  # the index exists
    counter = iter(range(10**9))

    def append() -> None:
        n = next(counter)
        log.append({"type": "topic", "topic": f"t{n}", "name": f"Topic {n}"})

    return log, append


@pytest.mark.benchmark(group="goal17-append")
def test_append_one_unsigned(benchmark: Any, tmp_path: Path) -> None:
    """The yardstick: one unsigned event appended (validated, fsynced) to a file log."""
    log, append = _one_event_appender(tmp_path / "log.jsonl", signed=False)
    with log:
        benchmark.pedantic(append, rounds=200, warmup_rounds=5)
        assert {r.v for r in log.records()} == {1}


@pytest.mark.benchmark(group="goal17-append")
def test_append_one_signed(benchmark: Any, tmp_path: Path) -> None:
    """One signed event appended: a nonce, its digest, one Ed25519 signature."""
    log, append = _one_event_appender(tmp_path / "log.jsonl", signed=True)
    with log:
        benchmark.pedantic(append, rounds=200, warmup_rounds=5)
        assert {r.v for r in log.records()} == {2}


@pytest.mark.benchmark(group="goal17-append")
def test_append_signed_against_unsigned_interleaved(benchmark: Any, tmp_path: Path) -> None:
    """The goal's ratio measured fairly on a busy machine: one signed and one unsigned append
    in turn, 1,000 of each (20 when timing is off), so load and disk drift hit both alike;
    the p50s and their ratio go in the benchmark's extra_info."""
    import statistics
    import time

    n = 20 if benchmark.disabled else 1000
    unsigned, append_unsigned = _one_event_appender(tmp_path / "u.jsonl", signed=False)
    signed, append_signed = _one_event_appender(tmp_path / "s.jsonl", signed=True)
    times: dict[str, list[float]] = {"unsigned": [], "signed": []}

    def run() -> None:
        for i in range(n):
            pair = [("unsigned", append_unsigned), ("signed", append_signed)]
            for name, append in pair if i % 2 else reversed(pair):
                start = time.perf_counter()
                append()
                times[name].append(time.perf_counter() - start)

    with unsigned, signed:
        benchmark.pedantic(run, rounds=1, iterations=1)
    p50 = {name: statistics.median(t) for name, t in times.items()}
    benchmark.extra_info.update(
        {f"{name}_p50_ms": round(v * 1e3, 3) for name, v in p50.items()}
        | {"ratio": round(p50["signed"] / p50["unsigned"], 2), "appends": n}
    )
    assert len(times["signed"]) == n
