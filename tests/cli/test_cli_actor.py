"""``tracker actor add|show|list`` and ``tracker topic add|list``."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from .conftest import Run, snapshot


def test_actor_list(grok_log: Path, cli: Run) -> None:
    """The table lists actors by id with kind, aliases and relations."""
    assert cli("actor", "list").out == (
        "ID         NAME           KIND        JURISDICTION  ALIASES  RELATIONS\n"
        "bloomberg  Bloomberg      media\n"
        "grok       Grok           product                            developed_by xai, runs_on x\n"
        "the-verge  The Verge      media\n"
        "uk-gov     UK government  government  GB\n"
        "x          X              platform                  Twitter\n"
        "xai        xAI            company\n"
    )


UNDATED = {f"{end}{part}": None for end in ("start", "end")
           for part in ("", "_earliest", "_latest", "_precision", "_approximate", "_at")}
"""A relation with no start or end date, as --json gives it (a date is six columns)."""


def test_actor_list_json(grok_log: Path, cli: Run) -> None:
    """--json gives each actor's registration, relations included."""
    actors = json.loads(cli("actor", "list", "--json").out)["actors"]
    grok = next(a for a in actors if a["actor"] == "grok")
    assert grok == {
        "actor": "grok",
        "aliases": [],
        "event": grok["event"],
        "jurisdiction": None,
        "kind": "product",
        "name": "Grok",
        "relations": [
            {"target": "xai", "type": "developed_by", **UNDATED},
            {"target": "x", "type": "runs_on", **UNDATED},
        ],
        "seq": 3,
    }


def test_actor_show(grok_log: Path, cli: Run) -> None:
    """show gives relations in both directions, the events naming the actor, then its answers."""
    lines = cli("actor", "show", "xai").out.splitlines()
    assert lines[0] == "xai: xAI (company)"
    assert lines[lines.index("relations") + 1] == "  grok developed_by xai"
    at = lines.index("events naming xai (0)")
    assert lines[at + 1 :] == [
        "  (no events)",
        "stances held (0)",
        "  (no stances)",
        "figures about it (0)",
        "  (no figures)",
        "figures it reported (0)",
        "  (no figures)",
        "posture as regulator (0)",
        "  (no regulatory actions)",
        "posture faced as target (0)",
        "  (no regulatory actions)",
    ]
    data = json.loads(cli("actor", "show", "grok", "--json").out)
    assert [e["id"] for e in data["events"]] == ["bloomberg-rate", "paywall-move"]


def test_actor_show_unknown_suggests(grok_log: Path, cli: Run) -> None:
    """A mistyped actor id gets the closest one, names and aliases included."""
    assert cli("actor", "show", "grk").err == (
        "tracker: error: unknown actor 'grk'; did you mean 'grok'? (see 'tracker actor list')\n"
    )
    assert cli("actor", "show", "twitter").err == (
        "tracker: error: unknown actor 'twitter'; did you mean 'x'? (see 'tracker actor list')\n"
    )


def test_actor_add_with_relations_and_aliases(grok_log: Path, cli: Run) -> None:
    """--relation TYPE:TARGET and --alias build the registration."""
    result = cli(
        "actor add musk --name 'Elon Musk' --kind person --alias Musk --relation employed_by:xai --relation.type led_by --relation.target x"
    )
    assert result.status == 0, result.err
    assert result.out.startswith("registered actor musk as record 13 (event ev-")
    event = json.loads(grok_log.read_bytes().splitlines()[-1])["event"]
    assert event["relations"] == [
        {"target": "x", "type": "led_by"},
        {"target": "xai", "type": "employed_by"},
    ]
    assert event["aliases"] == ["Musk"]


def test_actor_add_help_lists_fields(cli: Run) -> None:
    """`tracker actor add --help` shows the model's fields and the shorthand."""
    out = cli("actor", "add", "--help").out
    for flag in (
        "--name",
        "--kind",
        "--alias",
        "--relation TYPE:TARGET",
        "--jurisdiction",
        "--relation.target",
    ):
        assert flag in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            shlex.split("actor add grok --name Grok --kind product"),
            "tracker: error: actor 'grok' is already registered (event {grok}); to change it, "
            "append a correction of that event\n",
        ),
        (
            shlex.split("actor add ofcom --name Ofcom --kind regulater"),
            "tracker: error: --kind: 'regulater' is not a choice; did you mean 'regulator'? (choices: "
            "person, company, product, platform, regulator, government, prosecutor, court, "
            "legislator, media, ngo, investor, other)\n",
        ),
        (
            shlex.split("actor add ofcom --name Ofcom --kind regulator --relation part_of"),
            "tracker: error: --relation: expected TYPE:TARGET, got 'part_of' (for example developed_by:xai)\n",
        ),
        (
            shlex.split("actor add ofcom --name Ofcom --kind regulator --relation part_of:uk-gv"),
            "tracker: error: actor.relations.target: unknown actor 'uk-gv'; did you mean 'uk-gov'?\n",
        ),
        (
            shlex.split("actor add Ofcom --name Ofcom --kind regulator"),
            "tracker: error: actor.actor: \"Ofcom\" is not an id: use lowercase letters, digits, '.', "
            "'_' or '-', starting with a letter or digit, at most 64 characters (for example "
            "'ofcom')\n",
        ),
    ],
)
def test_bad_actor_add(grok_log: Path, cli: Run, argv: list[str], message: str) -> None:
    """A refused registration is one line and leaves the log as it was."""
    grok = json.loads(cli("actor", "list", "--json").out)["actors"][1]["event"]
    before = snapshot(grok_log)
    result = cli(*argv)
    assert (result.status, result.err) == (1, message.format(grok=grok))
    assert snapshot(grok_log) == before


def test_a_missing_flag_is_a_usage_error(grok_log: Path, cli: Run) -> None:
    """actor add without --name exits 2, as a missing argument does (it used to exit 1)."""
    before = snapshot(grok_log)
    result = cli("actor", "add", "ofcom", "--kind", "regulator")
    assert (result.status, result.err) == (
        2,
        "tracker: error: actor needs --name (see 'tracker actor add --help')\n",
    )
    assert snapshot(grok_log) == before


def test_topics(grok_log: Path, cli: Run) -> None:
    """topic add registers a topic; topic list shows it."""
    result = cli(
        "topic add deepfakes --name 'Sexualised deepfakes' --description 'Images made by Grok'"
    )
    assert result.status == 0
    assert cli("topic", "list").out == (
        "ID         NAME                                   DESCRIPTION\n"
        "deepfakes  Sexualised deepfakes                   Images made by Grok\n"
        "paywall    Image tools restricted to subscribers\n"
    )


def test_empty_lists(cli: Run) -> None:
    """An empty log lists no actors and no topics."""
    cli("init")
    assert cli("actor", "list").out == "(no actors registered)\n"
    assert cli("topic", "list").out == "(no topics registered)\n"
