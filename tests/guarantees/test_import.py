"""Guarantee 7: importing is idempotent, and an interrupted import leaves all of it or none.

An import is one batch: one write, whose records carry their batch framing (id, index, count).
Importing the same events twice adds nothing the second time (ids are given, or derived from
the content). An import killed midway (SIGKILL at a random moment during its write) leaves
either all of its events or, once the torn end is repaired, none; so does a cut exactly
between two of its lines, which the batch framing makes visible as an unfinished batch.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

import tracker
from tracker.cli import main
from tracker.errors import TornTailError
from tracker.store import file as file_store

from .conftest import SOAK, Child, fixed_clock

KILLS = 300 if SOAK else 40
IMPORT_SIZE = 1500


def import_events(tag: str, n: int = IMPORT_SIZE, *, ids: bool = True) -> list[dict[str, Any]]:
    """An import file's worth of events: registrations, then statements naming them."""
    events: list[dict[str, Any]] = [
        {"type": "actor", "actor": f"{tag}-speaker", "name": f"Speaker {tag}", "kind": "person"}
    ]
    for i in range(n - 1):
        events.append(
            {
                "type": "statement",
                "speaker": f"{tag}-speaker",
                "quote": f"Statement {i} of import {tag}: " + "words " * 40,
                "occurred": f"2026-01-{1 + i % 28:02d}",
                "sources": [{"publisher": "Example News", "url": f"https://example.org/{tag}/{i}"}],
            }
        )
    if ids:
        for i, event in enumerate(events):
            event["id"] = f"{tag}-{i}"
    return events


def _ids_present(path: Path) -> set[str]:
    with tracker.open(path) as log:
        return {stored.event.id for stored in log.events() if stored.event.id is not None}


@pytest.mark.parametrize("ids", [True, False], ids=["given-ids", "derived-ids"])
def test_importing_the_same_events_twice_adds_nothing(log_path: Path, ids: bool) -> None:
    """The second import of the same events reports them all as already there and writes nothing."""
    events = import_events("a", 200, ids=ids)
    with tracker.open(log_path, create=True, clock=fixed_clock) as log:
        first = log.append(events)
        after_first = log_path.read_bytes()
        second = log.append(events)
    assert [r.status for r in first] == ["appended"] * 200
    assert [r.status for r in second] == ["exists"] * 200
    assert [r.id for r in second] == [r.id for r in first]
    assert [r.seq for r in second] == list(range(1, 201))
    assert log_path.read_bytes() == after_first


def test_an_overlapping_import_adds_only_the_new_events(log_path: Path) -> None:
    """Re-importing a file that grew appends only the events not yet in the log, as one batch."""
    events = import_events("b", 100)
    with tracker.open(log_path, create=True, clock=fixed_clock) as log:
        log.append(events[:60])
        receipts = log.append(events)
        assert [r.status for r in receipts].count("appended") == 40
        assert log.verify().records == 100
    records = log_path.read_bytes().splitlines()
    assert records[-1].startswith(b'{"batch":{"count":40,"id":61,"index":39}')


def _import_and_die(report: int, path: Path, tag: str, delay: float) -> None:
    """Child: import one big batch; a killer thread sends SIGKILL ``delay`` s into its write."""

    def kill_later() -> None:
        time.sleep(delay)  # sleeping lets go of the GIL: the main thread goes on to write
        os.kill(os.getpid(), signal.SIGKILL)

    file_store._test_before_write = lambda: threading.Thread(target=kill_later).start()
    with tracker.open(path, clock=fixed_clock) as log:
        log.append(import_events(tag))
    os.write(report, b"imported\n")  # reached only if the kill came after append returned


def test_an_import_killed_midway_leaves_all_or_none(
    tmp_path: Path, fork: Callable[..., Child], figures: dict[str, Any]
) -> None:
    """SIGKILL at random moments of an import's write: afterwards all of its events, or none."""
    rng = random.Random(7)
    outcomes = {"all": 0, "none (torn, repaired)": 0, "none (not begun)": 0}
    for round_no in range(KILLS):
        path = tmp_path / f"log-{round_no % 4}.jsonl"
        if not path.exists():
            tracker.open(path, create=True).close()
        before = path.read_bytes()
        tag = f"k{round_no}"
        child = fork(_import_and_die, path, tag, rng.uniform(0.0, 0.001))
        child.wait()
        acked = "imported" in child.output()
        assert child.killed or acked
        torn = False
        try:
            tracker.open(path).close()
        except TornTailError as exc:
            assert exc.offset == len(before)  # the whole import is the torn batch
            torn = True
            tracker.repair(path)
            path.with_name(f"{path.name}.torn-{exc.offset}").unlink()
        present = {i for i in _ids_present(path) if i.startswith(f"{tag}-")}
        assert present in (set(), {f"{tag}-{i}" for i in range(IMPORT_SIZE)}), len(present)
        assert not (acked and not present)  # an acknowledged import is never lost
        if present:
            outcomes["all"] += 1
        elif torn:
            outcomes["none (torn, repaired)"] += 1
            assert path.read_bytes() == before
        else:
            outcomes["none (not begun)"] += 1
            assert path.read_bytes() == before
    for outcome, n in outcomes.items():
        figures[f"import: killed imports that left {outcome}"] = n
    assert outcomes["none (torn, repaired)"] >= 1  # some kills really tore an import


def test_an_import_cut_between_any_two_of_its_lines_leaves_none(
    log_path: Path, figures: dict[str, Any]
) -> None:
    """Cut exactly between two lines of an import (and inside each): none of it counts."""
    with tracker.open(log_path, create=True, clock=fixed_clock) as log:
        log.append(import_events("before", 5))
        start = log_path.stat().st_size
        log.append(import_events("cut", 60))
    data = log_path.read_bytes()
    boundaries = [i + 1 for i in range(start, len(data) - 1) if data[i : i + 1] == b"\n"]
    assert len(boundaries) == 59
    cuts = boundaries + [b - 7 for b in boundaries]  # between lines, and inside a line
    for cut in cuts:
        log_path.write_bytes(data[:cut])
        with pytest.raises(TornTailError) as caught:
            tracker.open(log_path)
        assert caught.value.offset == start
        if cut in boundaries:
            assert "an unfinished batch" in str(caught.value)
        tracker.repair(log_path)
        log_path.with_name(f"log.jsonl.torn-{start}").unlink()
        assert log_path.read_bytes() == data[:start]
        assert not {i for i in _ids_present(log_path) if i.startswith("cut-")}
    figures["import: cuts inside an import, all caught"] = len(cuts)


# --- through the command line -------------------------------------------------------------------


def _write_jsonl(path: Path, events: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))
    return path


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["jsonl", "jsonl-derived-ids", "csv"])
def test_tracker_import_twice_adds_nothing_the_second_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """`tracker import FILE` run twice: the second run appends nothing and says so."""
    log = tmp_path / "log.jsonl"
    tracker.open(log, create=True).close()
    if kind == "csv":
        rows = [["type", "actor", "name", "kind"]]
        rows += [["actor", f"csv-{i}", f"Person {i}", "person"] for i in range(30)]
        file = _write_csv(tmp_path / "events.csv", rows)
    else:
        file = _write_jsonl(tmp_path / "events.jsonl", import_events("c", 30, ids=kind == "jsonl"))
    assert main(["import", str(file), "--log", str(log)]) == 0
    assert "imported 30 events" in capsys.readouterr().out
    after_first = log.read_bytes()
    assert main(["import", str(file), "--log", str(log), "--json"]) == 0
    result = orjson.loads(capsys.readouterr().out)
    assert (result["appended"], result["existing"]) == (0, 30)
    assert log.read_bytes() == after_first


def _cli_import_and_die(report: int, path: Path, file: Path, delay: float) -> None:
    """Child: `tracker import FILE`; a killer thread sends SIGKILL ``delay`` s into the write."""
    import contextlib
    import io

    def kill_later() -> None:
        time.sleep(delay)
        os.kill(os.getpid(), signal.SIGKILL)

    file_store._test_before_write = lambda: threading.Thread(target=kill_later).start()
    with contextlib.redirect_stdout(io.StringIO()):
        status = main(["import", str(file), "--log", str(path)])
    os.write(report, f"imported {status}\n".encode())


def test_tracker_import_killed_midway_leaves_all_or_none(
    tmp_path: Path, fork: Callable[..., Child], figures: dict[str, Any]
) -> None:
    """SIGKILL during `tracker import`: afterwards all of the file's events, or none."""
    rng = random.Random(8)
    path = tmp_path / "log.jsonl"
    tracker.open(path, create=True).close()
    outcomes = {"all": 0, "none": 0}
    for round_no in range(KILLS // 2):
        tag = f"cli{round_no}"
        file = _write_jsonl(tmp_path / "events.jsonl", import_events(tag, 800))
        before = path.read_bytes()
        child = fork(_cli_import_and_die, path, file, rng.uniform(0.0, 0.001))
        child.wait()
        report = child.output()
        assert child.killed or "imported 0" in report, report
        try:
            tracker.open(path).close()
        except TornTailError as exc:
            assert exc.offset == len(before)
            tracker.repair(path)
            path.with_name(f"{path.name}.torn-{exc.offset}").unlink()
        present = {i for i in _ids_present(path) if i.startswith(f"{tag}-")}
        assert present in (set(), {f"{tag}-{i}" for i in range(800)}), len(present)
        assert present or "imported 0" not in report
        outcomes["all" if present else "none"] += 1
        if not present:
            assert path.read_bytes() == before
    figures["import: killed `tracker import` runs that left all"] = outcomes["all"]
    figures["import: killed `tracker import` runs that left none"] = outcomes["none"]
