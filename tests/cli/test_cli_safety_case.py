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
    assert "'probe' is an action by 'faa', and a closure by 'ntsb' cannot end it" in result.err
    assert snapshot(Path("tracker.jsonl")) == before


def test_show_and_figures_say_what_the_correction_changed(safety: Run) -> None:
    """show lists the changed field; figures prints the old value beside the new one."""
    shown = safety("show count")
    assert "    value: 177 -> 171" in shown.out
    data = json.loads(safety("show count --json").out)
    assert data["history"][1]["changes"] == [{"field": "value", "old": "177", "new": "171"}]
    figures = safety("figures").out
    assert "corrected from 177 aircraft on" in figures
    fixes = json.loads(safety("disputes --json").out)["fixes"]
    assert (fixes[0]["before"], fixes[0]["after"]) == ("value: 177", "value: 171")
    table = safety("disputes").out.splitlines()
    assert table[-2].split()[-1] == "CHANGED"
    assert table[-1].endswith("the order covers 171  value: 177 -> 171")


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
    assert "warning: record 11 (old-misfit): 'probe' is an action by 'faa'" in result.out
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


def test_an_outlet_that_published_is_in_its_own_view(safety: Run) -> None:
    """A source naming a registered outlet by id: the outlet's view lists what it published;
    an alias is answered with the id; a free-text publisher still works."""
    assert safety("actor add seattle-times --name 'The Seattle Times' --kind media").status == 0
    added = safety(
        *shlex.split(
            "add incident --id bolts --occurred 2024-01-15 --harm 'loose bolts found' "
            "--actors maker --source https://example.org/st --publisher 'The Seattle Times' "
            "--source.publisher-id seattle-times"
        )
    )
    assert added.status == 0, added.err
    view = safety("actor show seattle-times").out
    assert "events naming seattle-times (1)" in view
    assert "publisher" in view.split("events naming")[1]
    data = json.loads(safety("actor show seattle-times --json").out)
    assert data["by_role"] == {"publisher": ["bolts"]}
    alias = safety(
        *shlex.split(
            "add incident --occurred 2024-01-16 --harm 'more bolts' --source "
            "https://example.org/st2 --publisher 'Seattle Times' --source.publisher-id "
            "'The Seattle Times'"
        )
    )
    assert alias.status == 0, alias.err  # a name or alias is stored as the actor's id
    assert json.loads(safety("actor show seattle-times --json").out)["by_role"] == {
        "publisher": ["bolts", alias.out.split()[2]]
    }
    typo = safety(
        *shlex.split(
            "add incident --occurred 2024-01-16 --harm 'more' --source https://example.org/x "
            "--publisher X --source.publisher-id seattle-time"
        )
    )
    assert (typo.status, typo.err.count("\n")) == (1, 1)
    assert "unknown actor 'seattle-time'; did you mean 'seattle-times'?" in typo.err
    assert safety("show count").status == 0  # free-text publishers keep working


def test_relations_in_force_at_an_as_of(safety: Run) -> None:
    """A CEO steps down and a successor starts: the view at each as_of shows the relation then
    in force."""
    for line in (
        "actor add ceo-one --name 'First CEO' --kind person",
        "actor add ceo-two --name 'Second CEO' --kind person",
        "actor add board --name Board --kind company --relation.type led_by "
        "--relation.target ceo-one --relation.start 2019",
    ):
        result = safety(*shlex.split(line))
        assert result.status == 0, (line, result.err)
    import tracker

    log = tracker.open("tracker.jsonl")
    registration = next(r for r in log.records(type="actor") if r.event["actor"] == "board")
    log.append(
        {
            "type": "correction",
            "corrects": registration.event["id"],
            "reason": "the CEO stepped down; a successor was named",
            "replacement": {
                "type": "actor",
                "actor": "board",
                "name": "Board",
                "kind": "company",
                "relations": [
                    {"type": "led_by", "target": "ceo-one", "start": "2019", "end": "2024-03-25"},
                    {"type": "led_by", "target": "ceo-two", "start": "2024-03-26"},
                ],
            },
        }
    )
    log.close()
    early = safety("actor show board --as-of 2024-02-01").out
    assert "board led_by ceo-one (since 2019, until 2024-03-25)" in early
    assert "ceo-two" not in early
    late = safety("actor show board --as-of 2024-04-01").out
    assert "board led_by ceo-two (since 2024-03-26)" in late
    assert "ceo-one" not in late
    data = json.loads(safety("actor show ceo-two --as-of 2024-04-01 --json").out)
    assert [(r["relation"], r["start"]) for r in data["relations"]] == [("led_by", "2024-03-26")]
    listed = json.loads(safety("actor list --json").out)["actors"]
    board = next(a for a in listed if a["actor"] == "board")
    assert [(r["target"], r["start"], r["end"]) for r in board["relations"]] == [
        ("ceo-one", "2019", "2024-03-25"),
        ("ceo-two", "2024-03-26", None),
    ]
    assert "led_by ceo-one (since 2019, until 2024-03-25)" in safety("actor list").out


def test_the_new_fields_are_csv_columns_and_in_the_schema(safety: Run, tmp_path: Path) -> None:
    """restriction, topic/stance on an action, unquantified, source.publisher_id: CSV import
    columns and fields of `tracker schema`."""
    assert safety("actor add wsj --name 'Wall Street Journal' --kind media").status == 0
    src = tmp_path / "more.csv"
    src.write_text(
        "type,id,occurred,regulator,target,rung,restriction,topic,stance,metric,unit,"
        "unquantified,source,publisher,source.publisher_id\n"
        "regulatory_action,cap2,2024-02-01,faa,maker,restriction_imposed,no new lines,"
        "grounding,1,,,,https://example.org/c,FAA,\n"
        "figure,bolts2,2024-02-02,,,,,,,loose_bolts,count:aircraft,true,"
        "https://example.org/w,WSJ,Wall Street Journal\n",
        encoding="utf-8",
    )
    result = safety("import", str(src))
    assert result.status == 0, result.err
    assert json.loads(safety("actor show wsj --json").out)["by_role"] == {"publisher": ["bolts2"]}
    schema = json.loads(safety("schema").out)
    text = json.dumps(schema)
    for name in ("restriction", "unquantified", "publisher_id", "count:THING"):
        assert name in text
    stances = json.loads(safety("stances --holder faa --json").out)["stances"]
    assert [(s["topic"], s["position"], s["evidence"]) for s in stances] == [
        ("grounding", 1, ["cap2"])
    ]


def test_tracker_sql_carries_the_vocabulary(safety: Run) -> None:
    """tracker sql (interface 2): the posture history and the ignored endings are tables,
    relations carry their dates and whether they hold at --as-of, figure points say what a
    correction changed, and an act's stance is a stance row."""
    import tracker
    from tracker.events.codec import prepare_event

    for line in (
        "actor add ceo --name CEO --kind person",
        "actor add board --name Board --kind company --relation.type led_by "
        "--relation.target ceo --relation.start 2019 --relation.end 2024-03-25",
        f"add regulatory_action --id stance --occurred 2024-02-01 --regulator faa --target maker "
        f"--rung demand --topic grounding --stance 2 {SRC}",
    ):
        result = safety(*shlex.split(line))
        assert result.status == 0, (line, result.err)
    log = tracker.open("tracker.jsonl")
    misfit = {"type": "regulatory_action", "id": "misfit", "regulator": "ntsb",
              "target": "maker", "rung": "closure", "ends": "probe", "occurred": "2024-02-01",
              "sources": [{"publisher": "NTSB", "url": "https://example.org/ntsb"}]}
    with log.store.writer() as writer:  # (written past the checks, as an older tracker did)
        writer.append([prepare_event(misfit)[1]])
    log.close()

    def rows(query: str, *dates: str) -> list[dict[str, object]]:
        result = safety("sql", *dates, query, "--json")
        assert result.status == 0, result.err
        data = json.loads(result.out)
        return [dict(zip(data["columns"], row, strict=True)) for row in data["rows"]]

    assert rows("SELECT interface FROM clocks") == [{"interface": 2}]
    assert rows("SELECT change, action, occurred FROM posture_history "
                "WHERE regulator = 'faa'") == [
        {"change": "opened", "action": "ground", "occurred": "2024-01-06"},
        {"change": "opened", "action": "probe", "occurred": "2024-01-11"},
        {"change": "ended", "action": "ground", "occurred": "2024-01-24"},
        {"change": "opened", "action": "cap", "occurred": "2024-01-24"},
        {"change": "opened", "action": "stance", "occurred": "2024-02-01"},
    ]
    assert rows("SELECT event, ends, ended_regulator FROM ignored_endings") == [
        {"event": "misfit", "ends": "probe", "ended_regulator": "faa"}
    ]
    query = "SELECT source, type, target, start, \"end\", in_force FROM relations"
    relation = {"source": "board", "type": "led_by", "target": "ceo", "start": "2019",
                "end": "2024-03-25"}
    assert rows(query, "--as-of", "2024-01-01") == [{**relation, "in_force": 1}]
    assert rows(query) == [{**relation, "in_force": 0}]
    figure = rows("SELECT value, corrections FROM figures WHERE id = 'count'")
    assert figure[0]["value"] == 171
    assert "corrected from 177" in str(figure[0]["corrections"])
    assert rows("SELECT holder, topic, position, evidence, quote FROM stances") == [
        {"holder": "faa", "topic": "grounding", "position": 2, "evidence": '["stance"]',
         "quote": None}
    ]
