"""A second controversy through the command line: a product-safety case (issue 14).

A grounding order, an investigation opened under it, the lifting, a production cap, an ending
that does not fit, and a corrected count, entered as a user would.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from .conftest import Run, snapshot

SRC = "--source https://example.org/faa --publisher 'FAA'"

SETUP = [
    "init",
    "actor add faa --name FAA --kind regulator --jurisdiction US",
    "actor add ntsb --name NTSB --kind regulator --jurisdiction US",
    "actor add maker --name 'Aircraft maker' --kind company",
    "topic add grounding --name 'Keeping the aircraft grounded'",
    f"add regulatory_action --id ground --occurred 2024-01-06 --regulator faa --target maker "
    f"--rung ban_or_suspension --restriction 'MAX 9 grounded' {SRC}",
    f"add regulatory_action --id probe --occurred 2024-01-11 --regulator faa --target maker "
    f"--rung investigation_opened {SRC}",
    f"add regulatory_action --id lift --occurred 2024-01-24 --regulator faa --target maker "
    f"--rung closure --ends ground {SRC}",
    f"add regulatory_action --id cap --occurred 2024-01-24 --regulator faa --target maker "
    f"--rung restriction_imposed --restriction 'production capped at 38 a month' {SRC}",
    f"add figure --id count --occurred 2024-01-06 --metric aircraft_grounded --value 177 "
    f"--unit aircraft --subject maker --summary 'FAA grounds the aircraft' {SRC}",
    "add correction --corrects count --replacement.value 171 --reason 'the order covers 171'",
]


@pytest.fixture
def safety(cli: Run) -> Run:
    """The safety case's log in ./tracker.jsonl."""
    for line in SETUP:
        result = cli(*shlex.split(line))
        assert result.status == 0, (line, result.err)
    return cli


def test_posture_names_the_investigation_with_its_own_date(safety: Run) -> None:
    """After the lifting, the current row is held by the investigation since its own date."""
    result = safety("posture")
    assert result.status == 0
    row = next(line for line in result.out.splitlines() if line.startswith("faa"))
    assert "restriction_imposed" in row
    assert "cap (2024-01-24)" in row
    assert "faa on maker: production capped at 38 a month" in result.out
    history = safety("posture --json").out
    changes = [(h["change"], h["action"], h["occurred"]) for h in json.loads(history)["history"]]
    assert changes == [
        ("opened", "ground", "2024-01-06"),
        ("opened", "probe", "2024-01-11"),
        ("ended", "ground", "2024-01-24"),
        ("opened", "cap", "2024-01-24"),
    ]


def test_an_ending_of_another_pair_is_refused_in_one_line(safety: Run) -> None:
    """A closure by another regulator naming the FAA's action: one line, exit 1, log untouched."""
    before = snapshot(Path("tracker.jsonl"))
    result = safety(
        *shlex.split(
            f"add regulatory_action --occurred 2024-02-01 --regulator ntsb --target maker "
            f"--rung closure --ends probe {SRC}"
        )
    )
    assert result.status == 1
    assert result.err.count("\n") == 1
    assert "'probe' is 'faa''s action, and a closure by 'ntsb' cannot end it" in result.err
    assert snapshot(Path("tracker.jsonl")) == before


def test_show_and_figures_say_what_the_correction_changed(safety: Run) -> None:
    """show lists the changed field; figures prints the old value beside the new one."""
    shown = safety("show count")
    assert "    value: 177 -> 171" in shown.out
    data = json.loads(safety("show count --json").out)
    assert data["history"][1]["changes"] == [{"field": "value", "old": 177, "new": 171}]
    figures = safety("figures").out
    assert "corrected from 177 aircraft on" in figures
    fixes = json.loads(safety("disputes --json").out)["fixes"]
    assert (fixes[0]["before"], fixes[0]["after"]) == ("value: 177", "value: 171")


def test_verify_warns_of_an_old_ending_that_does_not_fit(safety: Run) -> None:
    """A misfit ending written past the checks: verify exits 0 and lists it as a warning."""
    import tracker
    from tracker.events.codec import prepare_event

    log = tracker.open("tracker.jsonl")
    bad = {
        "type": "regulatory_action",
        "id": "old-misfit",
        "regulator": "ntsb",
        "target": "maker",
        "rung": "closure",
        "ends": "probe",
        "occurred": "2024-02-01",
        "sources": [{"publisher": "NTSB", "url": "https://example.org/ntsb"}],
    }
    with log.store.writer() as writer:
        writer.append([prepare_event(bad)[1]])
    log.close()
    result = safety("verify")
    assert result.status == 0
    assert "1 warning (the chain is intact):" in result.out
    assert "warning: record 11 (old-misfit): 'probe' is 'faa''s action" in result.out
    assert json.loads(safety("verify --json").out)["warnings"][0].startswith("record 11")
    posture = json.loads(safety("posture --json").out)
    assert [i["event"] for i in posture["ignored"]] == ["old-misfit"]
    assert "ignored (they do not fit" in safety("posture").out


def test_an_on_or_before_action_is_listed_at_its_latest_date(safety: Run) -> None:
    """An action reported in March ('..2024-03-09') is listed after January's events, shown as
    'on or before', in the timeline and the posture history and steps; --json keeps the
    fold's order (earliest possible first)."""
    added = safety(
        *shlex.split(
            f"add regulatory_action --id audit --occurred ..2024-03-09 --regulator ntsb "
            f"--target maker --rung investigation_opened {SRC}"
        )
    )
    assert added.status == 0, added.err
    lines = safety("replay").out.splitlines()
    audit = next(i for i, line in enumerate(lines) if " audit " in line)
    lift = next(i for i, line in enumerate(lines) if " lift " in line)
    assert audit > lift
    assert lines[audit].startswith("on or before 2024-03-09  regulatory_action  audit ")
    history = safety("posture").out.split("history:")[1].split("\n\n")[0].splitlines()[2:]
    assert history[-1].startswith("on or before 2024-03-09  ntsb")
    data = json.loads(safety("posture --json").out)
    assert data["history"][0]["action"] == "audit"  # the fold: it may have happened first
