"""Tests for the synthetic log generator and the one-command benchmark report."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import orjson

import tracker
from benchmarks.conftest import ROOT
from benchmarks.generate import GENERATOR_VERSION, generate
from benchmarks.measures import lines_of

SMALL = 3000


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    """Two runs with one seed write byte-identical logs; another seed writes another log."""
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    generate(a, SMALL, seed=3)
    generate(b, SMALL, seed=3)
    generate(c, SMALL, seed=4)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_mix_sizes_and_late_reports(bench_log: Path) -> None:
    """The log holds every event type, ~200 actors and 50 topics, mostly 500-1,000 byte
    records, and late reports recorded two weeks or more after they occurred."""
    types: collections.Counter[str] = collections.Counter()
    sizes, late, user_ids = [], 0, 0
    for line in lines_of(bench_log):
        record = orjson.loads(line)
        event = record["event"]
        types[event["type"]] += 1
        sizes.append(len(line) + 1)
        if not event["id"].startswith("ev-"):
            user_ids += 1
        occurred = event.get("occurred", "")
        if len(occurred) == 10 and occurred[4] == "-":  # a plain day
            recorded = datetime.fromisoformat(record["recorded"])
            day = datetime.fromisoformat(occurred + "T23:59:59+00:00")
            if recorded - day >= timedelta(days=14):
                late += 1
    assert set(types) == {
        "actor", "topic", "statement", "figure", "policy_change", "regulatory_action",
        "verification", "incident", "correction", "retraction", "supersession",
    }
    assert types["actor"] == 200
    assert types["topic"] == 50
    n = len(sizes)
    assert sum(500 <= s <= 1000 for s in sizes) / n > 0.9
    assert 650 <= sum(sizes) / n <= 900
    assert 0.03 < late / n < 0.10
    assert 0.2 < user_ids / n < 0.4


def test_generated_log_verifies_and_replays(bench_log: Path) -> None:
    """The generated log passes verify, and a replay counts corrections and retractions."""
    with tracker.open(bench_log) as log:
        assert log.verify().records == len(log)
        state = log.replay()
    summary = state.summary()
    assert summary["actors"] == 200
    assert summary["topics"] == 50
    assert summary["fixes"] > 0
    assert len(state.retracted()) > 0


def test_generate_command(tmp_path: Path) -> None:
    """``python -m benchmarks.generate N PATH`` writes N events and says so."""
    target = tmp_path / "cmd.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.generate", "600", str(target)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("600 events")
    with tracker.open(target) as log:
        assert len(log) == 600


def test_generate_command_refuses_existing_path(tmp_path: Path) -> None:
    """The generator never overwrites a file: usage error, file untouched."""
    target = tmp_path / "exists.jsonl"
    target.write_text("keep me")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.generate", "600", str(target)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 2
    assert "already exists" in done.stderr
    assert target.read_text() == "keep me"


def test_run_command_prints_every_goal(tmp_path: Path) -> None:
    """``bash benchmarks/run 2000`` generates its log and prints a row for goals 1 to 8."""
    env = dict(os.environ, TRACKER_BENCH_DIR=str(tmp_path))
    done = subprocess.run(
        ["bash", "benchmarks/run", "2000", "--repeat", "1"],
        cwd=ROOT, capture_output=True, text=True, env=env, check=False,
    )
    assert done.returncode == 0, done.stderr
    goals = {w[0] for w in map(str.split, done.stdout.splitlines()) if w and w[0].isdigit()}
    assert goals == {"1", "2", "3", "4", "5", "6", "7", "8"}
    assert "failed" not in done.stderr
    assert (tmp_path / f"events-2000-s7-g{GENERATOR_VERSION}.jsonl").exists()


def test_fast_replay_equals_careful_replay_on_the_generated_log(bench_log: Path) -> None:
    """On every event type at scale, the file's fast replay builds the very state that the
    dict-validating path over the same records builds."""
    from tracker.store.memory import MemoryStore

    memory = MemoryStore()
    with tracker.open(bench_log) as log, memory.writer() as writer:
        writer.append_records(list(log.records()))
        middle = next(r.recorded for r in log.records() if r.seq == len(log) // 2)
        for options in ({}, {"as_of": "2025-11-15"}, {"known_at": middle}):
            fast = log.replay(**options, fold=True)
            careful = tracker.open(memory).replay(**options)
            assert fast._replayer.entries == careful._replayer.entries
            assert fast._replayer.placement == careful._replayer.placement
            assert fast._replayer.fixes == careful._replayer.fixes
            assert fast.timeline().to_records() == careful.timeline().to_records()
            assert fast.summary() == careful.summary()


def _actor_answers(state: tracker.State, actor: str) -> object:
    """What a state says about one actor: its timeline, its uncertain events, their histories."""
    timeline = state.timeline(actor=actor)
    uncertain = [e.id for e in state.uncertain() if actor in {v for _f, ns, v in e.event.references() if ns == "actor"}]
    histories = {e.id: state.history(e.id) for e in timeline}
    placements = {e.id: state.placement(e.id) for e in timeline}
    view = state.actor(actor).to_json()
    return view, timeline.to_records(), uncertain, histories, placements, state.actors, state.topics


def test_one_actors_replay_equals_the_full_replay_on_the_generated_log(bench_log: Path) -> None:
    """For every actor, folding only the registry and that actor's records answers as the
    full replay does, at several dates on both clocks."""
    with tracker.open(bench_log) as log:
        middle = next(r.recorded for r in log.records() if r.seq == len(log) // 2)
        for options in ({}, {"as_of": "2025-11-15"}, {"known_at": middle}):
            full = log.replay(**options)
            for actor in sorted(full.actors)[::4]:
                part = log.replay_actor(actor, **options)
                assert _actor_answers(part, actor) == _actor_answers(full, actor), (actor, options)
