"""``tracker add TYPE``: one event from flags generated from the event models."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import orjson
import pytest

from tracker.events.models import EVENT_TYPES

from .conftest import Run, snapshot


def _flags_of(model: type) -> list[str]:
    """The flag each model field must have in --help (nested groups by their dotted names)."""
    out = []
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        if name == "type":
            continue
        if name in ("sources", "relations"):
            item = {"sources": "source", "relations": "relation"}[name]
            inner = info.annotation.__args__[0]
            out += [f"--{item}.{key.replace('_', '-')}" for key in inner.model_fields]
        else:
            out.append("--" + name.replace("_", "-"))
    return out


@pytest.mark.parametrize("event_type", list(EVENT_TYPES))
def test_every_model_field_is_a_flag_in_help(cli: Run, event_type: str) -> None:
    """Every field of every event model appears as a flag in `tracker add TYPE --help`."""
    result = cli("add", event_type, "--help")
    assert result.status == 0
    missing = [
        flag
        for flag in _flags_of(EVENT_TYPES[event_type])
        if f"{flag} " not in result.out and f"{flag}," not in result.out
    ]
    assert missing == []
    assert "Example:\n  $ tracker add " + event_type in result.out


def test_help_of_add_lists_every_type(cli: Run) -> None:
    """`tracker add --help` lists the event types."""
    result = cli("add", "--help")
    assert result.status == 0
    for event_type in EVENT_TYPES:
        assert re.search(rf"\n    {event_type}\s", result.out)


def test_add_figure_prints_id_and_record(grok_log: Path, cli: Run) -> None:
    """A figure added with flags is appended and its id and record number printed."""
    result = cli(
        "add figure --id xai-loss --occurred 2025-07..2025-09 --metric net_loss --value 1.46 --unit USD_billion --subject xai --source https://example.org/loss --publisher Bloomberg"
    )
    assert (result.status, result.out, result.err) == (
        0,
        "appended figure xai-loss as record 13\n",
        "",
    )
    last = orjson.loads(grok_log.read_bytes().splitlines()[-1])
    assert last["event"] == {
        "id": "xai-loss",
        "metric": "net_loss",
        "occurred": "2025-07..2025-09",
        "sources": [{"publisher": "Bloomberg", "url": "https://example.org/loss"}],
        "subject": "xai",
        "type": "figure",
        "unit": "USD_billion",
        "value": 1.46,
    }


def test_add_json_receipt(grok_log: Path, cli: Run) -> None:
    """With --json the receipt is a JSON object with the id, record number and status."""
    result = cli(
        "add incident --id victims --occurred 2026-01 --harm 'images of women' --actor grok --source https://example.org/v --publisher Example --json"
    )
    assert result.status == 0
    assert json.loads(result.out) == {
        "dry_run": False,
        "id": "victims",
        "seq": 13,
        "status": "appended",
    }


def test_sources_pair_by_position(grok_log: Path, cli: Run) -> None:
    """Repeated dotted source flags pair by position; an empty value keeps a place."""
    result = cli(
        "add statement --id two-sources --occurred 2026-01-09 --speaker uk-gov --quote q --source.publisher A --source.url https://a --source.citation '' --source.published 2026-01-09 --source.publisher B --source.url '' --source.citation 'print edition, p. 3'"
    )
    assert result.status == 0, result.err
    event = orjson.loads(grok_log.read_bytes().splitlines()[-1])["event"]
    assert event["sources"] == [
        {"publisher": "A", "published": "2026-01-09", "url": "https://a"},
        {"citation": "print edition, p. 3", "publisher": "B"},
    ]


def test_tags_and_booleans(grok_log: Path, cli: Run) -> None:
    """A list flag repeats (by its name or its singular); a boolean takes --no- too."""
    result = cli(
        "add figure --id rate2 --occurred 2026-01 --metric m --value 3 --unit count --tag uk --tags paywall --approximate --no-approximate --source https://a --publisher A"
    )
    assert result.status == 0, result.err
    event = orjson.loads(grok_log.read_bytes().splitlines()[-1])["event"]
    assert event["tags"] == ["paywall", "uk"]
    assert "approximate" not in event  # false is the default, so it is omitted


def test_correction_patch_keeps_other_fields(grok_log: Path, cli: Run) -> None:
    """--replacement.FIELD changes one field of the corrected event's current version."""
    result = cli(
        "add correction --corrects paywall-move --replacement.after 'subscribers only, on X' --reason wording"
    )
    assert result.status == 0, result.err
    event = orjson.loads(grok_log.read_bytes().splitlines()[-1])["event"]
    assert event["replacement"] == {
        "actor": "x",
        "after": "subscribers only, on X",
        "occurred": "2026-01-09",
        "product": "grok",
        "rule": "image generation",
        "sources": [{"publisher": "The Guardian", "url": "https://example.org/paywall"}],
        "type": "policy_change",
    }


def test_correction_whole_replacement_as_json(grok_log: Path, cli: Run) -> None:
    """--replacement JSON gives the whole replacement event."""
    replacement = {
        "type": "statement",
        "occurred": "2026-01-11",
        "speaker": "uk-gov",
        "quote": "insulting",
        "sources": [{"publisher": "UK government", "url": "https://www.gov.uk/a"}],
    }
    result = cli(
        "add",
        "correction",
        "--corrects",
        "uk-insulting",
        "--replacement",
        json.dumps(replacement),
        "--reason",
        "date",
    )
    assert result.status == 0, result.err
    assert (
        orjson.loads(grok_log.read_bytes().splitlines()[-1])["event"]["replacement"] == replacement
    )


def test_dry_run_writes_nothing(grok_log: Path, cli: Run) -> None:
    """--dry-run checks the event and says what would happen, without writing."""
    before = snapshot(grok_log)
    result = cli("add topic --topic deepfakes --name Deepfakes --dry-run")
    assert result.status == 0
    assert result.out.startswith("would append topic ev-")
    assert result.out.endswith(" as record 13 (dry run: nothing written)\n")
    assert snapshot(grok_log) == before


@pytest.mark.parametrize(
    ("argv", "key"),
    [
        ("add topic --topic deepfakes --name Deepfakes", None),
        ("actor add ico --name ICO --kind regulator", "actor"),
        ("topic add age-checks --name 'Age checks'", "topic"),
    ],
)
def test_a_dry_run_says_would_append(
    grok_log: Path, cli: Run, argv: str, key: str | None
) -> None:
    """--dry-run --json says would_append (as import --dry-run does), never appended: nothing
    was; the add that follows appends at the record the dry run named, and a dry run of it
    again says exists."""
    before = snapshot(grok_log)
    dry = json.loads(cli(f"{argv} --dry-run --json").out)
    assert snapshot(grok_log) == before
    assert (dry["status"], dry["dry_run"], dry["seq"]) == ("would_append", True, 13)
    done = json.loads(cli(f"{argv} --json").out)
    assert (done["status"], done["dry_run"], done["seq"], done["id"]) == (
        "appended", False, 13, dry["id"]
    )
    again = json.loads(cli(f"{argv} --dry-run --json").out)
    assert (again["status"], again["dry_run"], again["seq"]) == ("exists", True, 13)
    if key is not None:
        assert dry[key] == done[key] == again[key]


def test_same_event_twice_is_a_no_op(grok_log: Path, cli: Run) -> None:
    """Adding the very same event again writes nothing and says so."""
    argv = ["add", "topic", "--topic", "deepfakes", "--name", "Deepfakes"]
    assert cli(*argv).status == 0
    before = snapshot(grok_log)
    result = cli(*argv)
    assert result.status == 0
    assert result.out.startswith("already in the log: topic ev-")
    assert snapshot(grok_log) == before


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (
            ["add", "figure", "--occurred", "2026-01", "--value", "3"],
            2,  # a missing flag is a usage error
            "tracker: error: figure needs a source (--source and --publisher), --metric and --unit "
            "(see 'tracker add figure --help')\n",
        ),
        (
            shlex.split(
                "add figure --occurred 2026-01 --metric m --value 'about 6700' --unit count --source https://a --publisher A"
            ),
            1,
            'tracker: error: figure.value: expected a number, got "about 6700" (give the number '
            "alone, and approximate true for 'about')\n",
        ),
        (
            shlex.split(
                "add statement --occurred 2026-01 --speaker uk-gv --quote q --source https://a --publisher A"
            ),
            1,
            "tracker: error: statement.speaker: unknown actor 'uk-gv'; did you mean 'uk-gov'?\n",
        ),
        (
            shlex.split(
                "add statement --occurred 2026-13 --speaker uk-gov --quote q --source https://a --publisher A"
            ),
            1,
            "tracker: error: statement.occurred: invalid date '2026-13': month must be 01-12; use "
            "YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH:MM[+HH:MM], '..D' (on or before), 'D..' (on "
            "or after), 'D1..D2', with '~' for approximate\n",
        ),
        (
            shlex.split(
                "add statement --occurred 2026-01 --speaker uk-gov --quote q --source https://a"
            ),
            2,
            "tracker: error: the source needs --publisher (or --source.publisher): give one for each "
            "source, in the same order\n",
        ),
        (
            ["add", "figure", "--valeu", "3"],
            2,
            "tracker: error: add figure: unknown flag --valeu; did you mean --value? "
            "(see 'tracker add figure --help')\n",
        ),
        (
            ["add", "figur"],
            2,
            "tracker: error: add: unknown event type 'figur'; did you mean 'figure'? "
            "(see 'tracker add --help')\n",
        ),
        (
            shlex.split("add correction --corrects bloomberg-rat --replacement.value 1 --reason r"),
            1,
            "tracker: error: unknown event 'bloomberg-rat'; did you mean 'bloomberg-rate'? "
            "(see 'tracker log' for ids)\n",
        ),
        (
            shlex.split(
                "add verification --occurred 2026-01-10 --verifier the-verge --target paywall-move --verdict debunked --source https://a --publisher A"
            ),
            1,
            "tracker: error: --verdict: 'debunked' is not a choice; did you mean 'contradicted'? (choices: confirmed, "
            "contradicted, partly_confirmed)\n",
        ),
    ],
)
def test_bad_add_is_one_line_and_writes_nothing(
    grok_log: Path, cli: Run, argv: list[str], status: int, message: str
) -> None:
    """A refused add prints one line naming the problem, exits non-zero and leaves the log as it was."""
    before = snapshot(grok_log)
    result = cli(*argv)
    assert (result.status, result.out, result.err) == (status, "", message)
    assert snapshot(grok_log) == before
