"""Guarantee 4, command-line half: bad arguments and bad files never hurt the log.

Hypothesis generates malformed command lines (unknown commands and flags, malformed dates,
bad ids, unknown events, bad heads) and malformed import files (JSONL lines that are not JSON,
not objects, not events, or JSON the canonical form cannot carry: duplicate keys, integers
beyond 64 bits, NaN; CSV rows with bad headers, cells and values), and runs them through
``tracker.cli.main(argv)`` in-process, plus a few dozen real ``tracker`` processes. Each run
must exit non-zero (1 refused, 2 usage), print nothing on stdout, say what is wrong on stderr
in lines that start with ``tracker:`` (one line; an import lists its bad lines, then a
summary), never a traceback, and leave the log byte-identical.
"""

from __future__ import annotations

import os
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tracker
from tracker.cli import main
from tracker.events.models import EVENT_TYPES, ActorKind

from .conftest import FIGURES, SEED_EVENTS, SOAK, fixed_clock
from .test_bad_input import (
    VALID,
    bad_slugs,
    count_case,
    json_values,
    malformed_dates,
    malformed_events,
    unknown_slugs,
)

SCALE = 10 if SOAK else 1
SUBPROCESS_RUNS = 150 if SOAK else 30
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
COMMANDS = [
    "init",
    "add",
    "import",
    "log",
    "show",
    "replay",
    "verify",
    "head",
    "repair",
    "stances",
    "figures",
    "posture",
    "disputes",
    "diff",
    "report",
]
DATED = ["replay", "show", "stances", "figures", "posture", "disputes", "diff"]


@pytest.fixture
def cli_log(tmp_path: Path) -> Iterator[Path]:
    """A small log (actors, a topic, a statement) for the command line to be wrong about."""
    path = tmp_path / "log.jsonl"
    with tracker.open(path, create=True, clock=fixed_clock) as log:
        log.append(SEED_EVENTS)
        log.append(dict(VALID["statement"], id="ofcom-contact"))
    return path


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command line in-process; return (status, stdout, stderr)."""
    capsys.readouterr()
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def assert_refused(status: int, out: str, err: str, *, as_json: bool = False) -> None:
    """A refusal: exit 1 or 2, nothing on stdout, one clear error on stderr, no traceback."""
    assert status in (1, 2), (status, out, err)
    assert out == "", out
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines, "nothing on stderr"
    if as_json:
        assert len(lines) == 1
        error = orjson.loads(lines[0])["error"]
        assert error["code"] in (
            "usage",
            "invalid-input",
            "invalid-event",
            "invalid-date",
            "invalid-record",
            "invalid-file",
            "unknown-id",
            "conflict",
            "log-exists",
            "log-not-found",
        ), error
        assert error["message"].strip()
        return
    assert lines[0].startswith("tracker: error: "), err
    assert all(line.startswith("tracker: ") for line in lines), err
    assert len(lines) == 1 or lines[-1].endswith("nothing was imported"), err
    for line in lines:
        assert not [c for c in line if ord(c) < 32 or 127 <= ord(c) < 160], line


# --- strategies ----------------------------------------------------------------------------

words = st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=12)
garbage = st.text(max_size=20).filter(lambda t: "\x00" not in t)


@st.composite
def bad_argvs(draw: st.DrawFn) -> tuple[list[str], str]:
    """A command line that is certainly wrong, and what is wrong with it."""
    kind = draw(
        st.sampled_from(
            ["command", "flag", "date", "slug", "type", "show", "head", "missing", "value"]
        )
    )
    if kind == "command":
        word = draw(words.filter(lambda w: w not in _ALL_COMMANDS and not w.startswith("-")))
        argv = [word, *draw(st.lists(garbage, max_size=3))]
    elif kind == "flag":
        command = draw(st.sampled_from(COMMANDS))
        flag = "--zz" + draw(st.text(string.ascii_lowercase, max_size=8))
        argv = [command, flag] + draw(st.lists(garbage, max_size=2))
        if command == "add":
            argv = ["add", "topic", flag, "--topic", "t1", "--name", "T"]
    elif kind == "date":
        command = draw(st.sampled_from(DATED))
        argv = [command, draw(st.sampled_from(["--as-of", "--known-at"])), draw(malformed_dates())]
        if command == "show":
            argv.insert(1, "ofcom-contact")
    elif kind == "slug":
        bad = draw(bad_slugs.filter(lambda v: isinstance(v, str) and v.strip() != ""))
        which = draw(st.sampled_from(["actor", "speaker", "topic"]))
        if which == "actor":  # --flag=VALUE, so that a value starting with '-' is a value
            argv = ["add", "actor", "--actor=" + bad, "--name", "Somebody", "--kind", "person"]
        elif which == "speaker":
            argv = [
                "add",
                "statement",
                "--speaker=" + bad,
                "--quote",
                "Hello.",
                "--occurred",
                "2026-01-05",
                "--source",
                "https://example.org/a",
                "--publisher",
                "Example",
            ]
        else:
            argv = ["add", "topic", "--topic=" + bad, "--name", "Something"]
    elif kind == "type":
        word = draw(words.filter(lambda w: w not in _TYPES))
        argv = ["add", word, "--occurred", "2026-01-05"]
    elif kind == "show":
        argv = ["show", draw(unknown_slugs)]
    elif kind == "head":
        text = draw(garbage.filter(lambda t: t != "-" and not os.path.exists(t)))
        argv = ["verify", "--head=" + text]
    elif kind == "missing":
        argv = draw(
            st.sampled_from(
                [
                    ["add"],
                    ["add", "statement"],
                    ["add", "actor", "--actor", "nobody"],
                    ["show"],
                    ["import"],
                    ["verify", "--head"],
                    ["replay", "--as-of"],
                ]
            )
        )
    else:  # a reference to an actor the log does not hold
        argv = [
            "add",
            "regulatory_action",
            "--regulator",
            draw(unknown_slugs),
            "--target",
            "x",
            "--rung",
            "demand",
            "--occurred",
            "2026-01-09",
            "--source",
            "https://ofcom.org.uk/a",
            "--publisher",
            "Ofcom",
        ]
    return argv, kind


_ALL_COMMANDS = {*COMMANDS, "schema", "demo", "actor", "topic", "help"}
"""Every command word (an unknown command must be none of them)."""
_TYPES = set(EVENT_TYPES)


def _with_log(argv: list[str], log: Path, draw_front: bool) -> list[str]:
    return ["--log", str(log), *argv] if draw_front else [*argv, "--log", str(log)]


@settings(SETTINGS, max_examples=500 * SCALE)
@given(case=bad_argvs(), front=st.booleans(), as_json=st.booleans())
def test_malformed_command_lines_are_refused_in_one_line(
    cli_log: Path,
    capsys: pytest.CaptureFixture[str],
    case: tuple[list[str], str],
    front: bool,
    as_json: bool,
) -> None:
    """A wrong command line exits 1 or 2 with one line on stderr, and the log does not change."""
    argv, _kind = case
    before = cli_log.read_bytes()
    argv = _with_log(argv, cli_log, front) + (["--json"] if as_json else [])
    status, out, err = run_main(argv, capsys)
    assert_refused(status, out, err, as_json=as_json)
    assert cli_log.read_bytes() == before
    count_case("command lines")


# --- import files ------------------------------------------------------------------------------

GOOD_LINE = orjson.dumps({"type": "topic", "topic": "fresh-topic", "name": "A fresh topic"})


@st.composite
def bad_json_lines(draw: st.DrawFn) -> bytes:
    """One JSONL line that is certainly not an importable event."""
    kind = draw(
        st.sampled_from(
            ["text", "scalar", "object", "event", "duplicate", "bigint", "constant", "huge", "utf8"]
        )
    )
    if kind == "text":
        text = draw(st.text(min_size=1, max_size=40).filter(lambda t: t.strip() and "\n" not in t))
        return text.encode("utf-8", "surrogatepass")
    if kind == "scalar":
        return orjson.dumps(draw(st.one_of(json_values.filter(lambda v: not isinstance(v, dict)))))
    if kind == "object":  # any object without a type is not an event
        obj = draw(st.dictionaries(st.text(max_size=8).filter(lambda k: k != "type"), json_values))
        return orjson.dumps(obj)
    if kind == "event":
        event = draw(malformed_events())
        return orjson.dumps(event if isinstance(event, dict) else event[1])
    base = orjson.dumps(VALID["statement"])[:-1]  # without its closing brace
    if kind == "duplicate":
        key = draw(st.sampled_from(sorted(VALID["statement"])))
        return base + b"," + orjson.dumps(key) + b":" + orjson.dumps(VALID["statement"][key]) + b"}"
    if kind == "bigint":
        big = draw(st.one_of(st.integers(min_value=2**64), st.integers(max_value=-(2**63) - 1)))
        return base.replace(b'"stance":-2', b'"stance":' + str(big).encode()) + b"}"
    if kind == "constant":
        return (
            base + b',"value":' + draw(st.sampled_from([b"NaN", b"Infinity", b"-Infinity"])) + b"}"
        )
    if kind == "huge":
        return base + b',"value":1e' + str(draw(st.integers(309, 5000))).encode() + b"}"
    return (
        base + b',"summary":"' + draw(st.sampled_from([b"\xff", b"\xed\xa0\x80", b"\xc3"])) + b'"}'
    )


@settings(SETTINGS, max_examples=300 * SCALE)
@given(
    bad=bad_json_lines(),
    good_before=st.integers(0, 3),
    good_after=st.integers(0, 3),
    as_json=st.booleans(),
)
def test_malformed_jsonl_files_import_nothing(
    cli_log: Path,
    capsys: pytest.CaptureFixture[str],
    bad: bytes,
    good_before: int,
    good_after: int,
    as_json: bool,
) -> None:
    """A JSONL file with one bad line among good ones imports nothing, and says which line."""
    lines = [GOOD_LINE.replace(b"fresh-topic", f"fresh-{i}".encode()) for i in range(6)]
    content = b"\n".join([*lines[:good_before], bad, *lines[3 : 3 + good_after]]) + b"\n"
    file = cli_log.with_name("events.jsonl")
    file.write_bytes(content)
    before = cli_log.read_bytes()
    status, out, err = run_main(
        ["import", str(file), "--log", str(cli_log), *(["--json"] if as_json else [])], capsys
    )
    assert_refused(status, out, err, as_json=as_json)
    if not as_json:  # the file is named, and the bad line when the file is read line by line
        first = err.splitlines()[0]
        assert f"events.jsonl:{good_before + 1}: " in first or "JSON array" in first, first
    assert cli_log.read_bytes() == before
    count_case("JSONL files")


@st.composite
def bad_csv_files(draw: st.DrawFn) -> str:
    """A CSV import file with one certainly bad row (or header) among good rows."""
    header = ["type", "actor", "name", "kind"]
    rows = [["actor", f"csv-{i}", f"Person {i}", "person"] for i in range(draw(st.integers(0, 3)))]
    kind = draw(st.sampled_from(["slug", "kind", "type", "cells", "column", "header", "date"]))
    if kind == "slug":
        bad = draw(bad_slugs.filter(lambda v: isinstance(v, str) and v.strip() != ""))
        rows.append(["actor", bad, "Somebody", "person"])
    elif kind == "kind":
        word = draw(words.filter(lambda w: w.strip().lower() not in _KINDS))
        rows.append(["actor", "csv-kind", "Somebody", word])
    elif kind == "type":
        rows.append([draw(words.filter(lambda w: w.strip() not in _TYPES)), "a", "b", "person"])
    elif kind == "cells":
        rows.append(
            ["actor", "csv-cells", "Somebody", "person", *draw(st.lists(words, min_size=1))]
        )
    elif kind == "column":
        header.append("zz" + draw(st.text(string.ascii_lowercase, max_size=6)))
        rows = [[*r, "1"] for r in rows] or [["actor", "csv-col", "Somebody", "person", "1"]]
    elif kind == "header":
        header[0] = draw(words.filter(lambda w: w.strip() not in ("type", "--type")))
        rows = rows or [["actor", "csv-h", "Somebody", "person"]]
    else:
        header = ["type", "speaker", "quote", "occurred", "source", "publisher"]
        rows = [["statement", "ofcom", "Hello.", draw(malformed_dates()), "https://x.org", "X"]]
    rows += [["actor", f"csv-after-{i}", "After", "person"] for i in range(draw(st.integers(0, 2)))]
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue()


_KINDS = set(get_args(ActorKind))


@settings(SETTINGS, max_examples=300 * SCALE)
@given(content=bad_csv_files(), as_json=st.booleans())
def test_malformed_csv_files_import_nothing(
    cli_log: Path, capsys: pytest.CaptureFixture[str], content: str, as_json: bool
) -> None:
    """A CSV file with a bad header, row, cell or value imports nothing, in clear lines."""
    file = cli_log.with_name("events.csv")
    file.write_text(content, encoding="utf-8")
    before = cli_log.read_bytes()
    status, out, err = run_main(
        ["import", str(file), "--log", str(cli_log), *(["--json"] if as_json else [])], capsys
    )
    assert_refused(status, out, err, as_json=as_json)
    assert cli_log.read_bytes() == before
    count_case("CSV files")


# --- real processes ----------------------------------------------------------------------------


def test_real_tracker_processes_refuse_bad_input_in_one_line(cli_log: Path, tmp_path: Path) -> None:
    """A few dozen real `tracker` runs with bad input: exit 1 or 2, one line, no traceback."""
    bad_file = tmp_path / "bad.jsonl"
    bad_file.write_bytes(b'{"type":"topic","topic":"t","name":"A","name":"B"}\n')
    cases: list[list[str]] = [
        ["frobnicate"],
        ["replay", "--as-of", "2026-13-01"],
        ["replay", "--known-at", "yesterday"],
        ["show", "no-such-event"],
        ["add", "actor", "--actor", "Not A Slug", "--name", "X", "--kind", "person"],
        ["add", "figure", "--value", "lots"],
        ["add", "statment"],
        ["verify", "--head", "12:zz"],
        ["import", str(bad_file)],
        ["import", str(tmp_path / "missing.csv")],
        ["log", "--type", "figure", "--frobnicate"],
        ["--log"],
    ]
    tail = [["replay", "--as-of", d] for d in ("2026-02-30", "0000", "2026-01-12T25:00", "~", "..")]
    cases += tail
    while len(cases) < SUBPROCESS_RUNS:
        n = len(cases)
        cases.append(["show", f"missing-{n}"] if n % 2 else ["replay", "--as-of", f"2026-{13 + n}"])
    before = cli_log.read_bytes()
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_LOG"}
    env["TRACKER_LOG"] = str(cli_log)
    for argv in cases:
        proc = subprocess.run(
            [sys.executable, "-m", "tracker", *argv],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert_refused(proc.returncode, proc.stdout, proc.stderr)
        count_case("real processes")
    assert cli_log.read_bytes() == before
    assert FIGURES["bad input: cases (real processes)"] >= SUBPROCESS_RUNS
