"""Python errors speak Python (issue 15): which method, which argument; never a CLI flag.

A refusal keeps its advice apart from its message: ``str(error)`` ends with the Python advice
(``hint``), and the command line prints ``cli_hint`` instead (``see 'tracker log'``).
"""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import tracker
from tracker.errors import InvalidInputError, TrackerError, UnknownIdError
from tracker.examples import demo_log_path

SRC = [{"publisher": "P", "url": "https://example.org/a"}]
ACTION = {
    "type": "regulatory_action",
    "occurred": "2026-01-20",
    "regulator": "xyzzy-agency",
    "target": "x",
    "rung": "demand",
    "sources": SRC,
}


@pytest.fixture
def grok(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tracker.Log:
    """A copy of the bundled log, its derived state in the test's cache."""
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "grok.jsonl"
    shutil.copyfile(demo_log_path(), path)
    return tracker.open(path)


CALLS: list[tuple[str, Callable[[tracker.Log], Any], type[TrackerError], str]] = [
    (
        "records(actor=typo)",
        lambda log: list(log.records(actor="ofcm")),
        UnknownIdError,
        "no actor 'ofcm' is registered; did you mean 'ofcom'? "
        "(log.replay().actors holds the registered ones)",
    ),
    (
        "records(topic=typo)",
        lambda log: list(log.records(topic="image-paywal")),
        UnknownIdError,
        "no topic 'image-paywal' is registered; did you mean 'image-paywall'? "
        "(log.replay().topics holds the registered ones)",
    ),
    (
        "records(by=empty)",
        lambda log: list(log.records(by=" ")),
        InvalidInputError,
        "the key name is empty: give a key's NAME or NAME+KEYID "
        "(records(by=...); tracker.proofs.keys.list_keys() lists yours)",
    ),
    (
        "append(unknown actor)",
        lambda log: log.append(ACTION),
        UnknownIdError,
        "regulatory_action.regulator: unknown actor 'xyzzy-agency' (register it first: "
        "log.append({'type': 'actor', 'actor': 'xyzzy-agency', 'name': ..., 'kind': ...}))",
    ),
    (
        "event(unknown)",
        lambda log: log.event("paywall-mov"),
        UnknownIdError,
        "unknown event 'paywall-mov'; did you mean 'paywall-move'? "
        "(log.records() lists the log's records, with their events' ids)",
    ),
    (
        "erase(no signer)",
        lambda log: log.erase("paywall-move", reason="r", ordered_by="o"),
        InvalidInputError,
        "an erasure is a signed record: give the key to sign it with, one the log's keys file "
        "lets erase (log.erase(..., signer=KEY NAME), or tracker.open(..., signer=...))",
    ),
    (
        "replay().actor(typo)",
        lambda log: log.replay().actor("ofcm"),
        UnknownIdError,
        "unknown actor 'ofcm'; did you mean 'ofcom'? (state.actors holds the registered ones)",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [(c, e, m) for _n, c, e, m in CALLS],
    ids=[n for n, *_ in CALLS],
)
def test_python_advice(
    grok: tracker.Log, call: Callable[[tracker.Log], Any], error: type[TrackerError], message: str
) -> None:
    """The error names the method or argument, and no command or flag of the CLI."""
    with pytest.raises(error) as caught:
        call(grok)
    text = str(caught.value)
    assert text == message
    assert "'tracker " not in text and " --" not in text and "(--" not in text
    assert caught.value.cli_hint.startswith(" (")  # the command line has its own advice


@pytest.mark.parametrize(
    ("argv", "advice"),
    [
        ("log --actor ofcm", "(see 'tracker actor list')"),
        ("show paywall-mov", "(see 'tracker log' for ids)"),
        (
            "add regulatory_action --occurred 2026-01-20 --regulator xyzzy-agency --target x "
            "--rung demand --source https://example.org/a --publisher P",
            "(register it first: tracker actor add xyzzy-agency --name ... --kind ...)",
        ),
    ],
)
def test_the_command_line_keeps_its_advice(
    grok: tracker.Log, argv: str, advice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same refusals at the command line point at commands."""
    from tracker.cli.main import main

    capsys.readouterr()
    assert main([*shlex.split(argv), "--log", grok.location]) == 1
    err = capsys.readouterr().err
    assert err.endswith(f"{advice}\n") and err.count("\n") == 1, err
    assert "log." not in err.replace(grok.location, "")
