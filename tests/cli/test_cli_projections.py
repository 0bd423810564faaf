"""``tracker stances|figures|posture|disputes|diff`` and ``actor show`` on the bundled Grok log."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tracker.examples import demo_log_path

from .conftest import Run


@pytest.fixture
def demo(tmp_path: Path) -> str:
    """A copy of the bundled Grok log; returns its path."""
    path = tmp_path / "demo.jsonl"
    shutil.copyfile(demo_log_path(), path)
    return str(path)


def test_stances_of_the_uk_government(demo: str, cli: Run) -> None:
    """The UK government's stance toward the paywall move, with its evidence and quote."""
    result = cli("stances", "--log", demo, "--holder", "uk-gov")
    assert result.status == 0
    assert result.out == (
        "HOLDER  TOPIC          POSITION  SINCE                    EVIDENCE          QUOTE OR (SUMMARY)\n"
        "uk-gov  image-paywall  -2        on or before 2026-01-12  uk-gov-insulting  "
        "\u201cmenghina korban misogini dan kekerasan seksual\u201d\n"
    )
    data = json.loads(cli("stances", "--log", demo, "--holder", "uk-gov", "--json").out)
    assert [(s["topic"], s["position"], s["evidence"]) for s in data["stances"]] == [
        ("image-paywall", -2, ["uk-gov-insulting"])
    ]


def test_stance_changes(demo: str, cli: Run) -> None:
    """--changes lists each change with its kind and the statements around it."""
    result = cli("stances", "--log", demo, "--topic", "sexual-deepfakes", "--changes")
    assert result.out.splitlines() == [
        "OCCURRED                 HOLDER               TOPIC             KIND  FROM  TO  BEFORE  AFTER",
        "on or before 2026-01-12  european-commission  sexual-deepfakes  new         -1          ec-very-seriously",
        "on or before 2026-01-12  fr-ministers         sexual-deepfakes  new         -2          fr-ministers-condemn",
        "on or before 2026-01-12  fr-mps               sexual-deepfakes  new         -2          fr-mps-condemn",
        "",
        "note: 'on or before D' has no known start: it is listed at D, the latest it may have "
        "happened (--json keeps the replay's order: the earliest it may have happened first)",
    ]
    data = json.loads(
        cli("stances", "--log", demo, "--changes", "--json", "--known-at", "2026-01-12").out
    )
    assert data["known_at"] == "2026-01-12T23:59:59.999999Z"  # the day's end: what it means
    assert [c["holder"] for c in data["changes"]] == ["uk-gov", "european-commission"]


def test_the_verge_verdict(demo: str, cli: Run) -> None:
    """disputes shows The Verge's contradiction, what is contested, and the correction."""
    result = cli("disputes", "--log", demo)
    lines = result.out.splitlines()
    assert lines[0].split() == ["CLAIM", "TYPE", "STATUS", "VERDICTS", "SUMMARY"]
    assert lines[1].startswith(
        "grok-paywall-claim  statement  contradicted  the-verge contradicted (verge-test)"
    )
    assert "contested: grok-paywall-claim" in lines
    assert any(
        line.startswith("2026-01-14T10:00:00.000000Z  correction  xai-quarterly-loss")
        for line in lines
    )
    data = json.loads(cli("disputes", "--log", demo, "--json").out)
    assert data["contested"] == ["grok-paywall-claim"]
    assert data["claims"][0]["verdicts"] == ["the-verge:contradicted"]


def test_posture_at_the_end(demo: str, cli: Run) -> None:
    """posture: the Commission at preservation_order (3), Ofcom at demand (4), and the steps."""
    lines = cli("posture", "--log", demo).out.splitlines()
    assert [line.split()[:5] for line in lines[:5]] == [
        ["REGULATOR", "TARGET", "LEVEL", "RUNG", "HELD"],
        ["european-commission", "x", "3", "preservation_order", "ec-preservation-order"],
        ["ofcom", "x", "4", "demand", "ofcom-demand"],
        ["paris-prosecutor", "grok", "7", "investigation_widened", "paris-investigation-widened"],
        ["uk-unnamed", "x", "8", "fine_threatened", "uk-fine-threat"],
    ]
    assert lines[6] == "history: 4 changes"
    assert "4 steps" in lines
    data = json.loads(cli("posture", "--log", demo, "--regulator", "ofcom", "--json").out)
    assert [(r["target"], r["rung"], r["level"]) for r in data["current"]] == [("x", "demand", 4)]
    assert [s["event"] for s in data["steps"]] == ["ofcom-demand"]


def test_xai_figures_with_units(demo: str, cli: Run) -> None:
    """figures --subject xai, as given and converted to millions of dollars."""
    assert cli("figures", "--log", demo, "--subject", "xai").out.splitlines()[1:] == [
        "funding_raised      on or before 2026-01-12  20 billion US dollars    USD_billion  xai                xai-raise",
        (
            "quarterly_net_loss  on or before 2026-01-12  1.46 billion US dollars  USD_billion  xai                "
            "xai-quarterly-loss  corrected from 14.6 billion US dollars on 2026-01-14: DEMO \u2026"
        ),
    ]
    data = json.loads(
        cli("figures", "--log", demo, "--subject", "xai", "--unit", "USD_million", "--json").out
    )
    assert data["unit"] == "USD_million"
    points = [p for s in data["series"] for p in s["points"]]
    assert [
        (p["id"], p["value"], p["unit"], p["given_value"], p["given_unit"]) for p in points
    ] == [
        ("xai-raise", 20000.0, "USD_million", 20.0, "USD_billion"),
        ("xai-quarterly-loss", 1460.0, "USD_million", 1.46, "USD_billion"),
    ]


def test_figures_refuse_to_mix_dimensions(demo: str, cli: Run) -> None:
    """Converting dollars to a rate is one clear line and exit 1."""
    result = cli("figures", "--log", demo, "--unit", "per_day")
    assert result.status == 1
    assert result.err == (
        "tracker: error: figure xai-raise (funding_raised): cannot convert USD_billion "
        "(currency USD) to per_day (count rate): different dimensions; filter by metric to "
        "convert one series\n"
    )
    assert cli("figures", "--log", demo, "--unit", "per_dya").err == (
        "tracker: error: unknown unit 'per_dya'; did you mean 'per_day'?\n"
    )


def test_diff_between_two_known_at(demo: str, cli: Run) -> None:
    """Same --as-of, two known-at dates: the late French paragraph and the correction."""
    result = cli(
        "diff",
        "--log",
        demo,
        "--as-of",
        "2026-01-12",
        "--known-at",
        "2026-01-12",
        "--to-known-at",
        "2026-01-14",
    )
    lines = result.out.splitlines()
    assert lines[:2] == [
        "from as of 2026-01-12, known at 2026-01-12",
        "  to as of 2026-01-12, known at 2026-01-14",
    ]
    assert [
        line.split()[:2] + [line.split()[3]] for line in lines[4:] if not line.startswith("fix")
    ] == [
        ["event", "corrected", "xai-quarterly-loss"],
        ["event", "added", "paris-investigation-widened"],
        ["event", "added", "fr-ministers-condemn"],
        ["event", "added", "fr-mps-condemn"],
        ["stance_change", "added", "fr-ministers-condemn"],
        ["stance_change", "added", "fr-mps-condemn"],
        ["figure", "corrected", "xai-quarterly-loss"],
        ["posture", "added", "paris-investigation-widened"],
    ]
    data = json.loads(
        cli(
            "diff",
            "--log",
            demo,
            "--known-at",
            "2026-01-13",
            "--to-known-at",
            "2026-01-14",
            "--json",
        ).out
    )
    assert data["b"]["known_at"] == "2026-01-14T23:59:59.999999Z"
    assert [(f["change"], f["id"]) for f in data["fixes"]] == [("added", "fix-xai-quarterly-loss")]


def test_diff_needs_the_other_side(demo: str, cli: Run) -> None:
    """diff without --to-known-at or --to-as-of is a usage error (exit 2)."""
    result = cli("diff", "--log", demo, "--known-at", "2026-01-12")
    assert result.status == 2
    assert "give the other side with --to-known-at and/or --to-as-of" in result.err


def test_before_the_paywall_announcement(demo: str, cli: Run) -> None:
    """Known only up to 15:02 on the 12th, there are no stances, posture or disputes yet."""
    early = ("--log", demo, "--known-at", "2026-01-12T15:02")
    assert cli("stances", *early).out == "(no stances)\n"
    assert cli("posture", *early).out == "(no regulatory actions)\n"
    assert cli("disputes", *early).out == (
        "(no tested claims)\n\n(no corrections, retractions or supersessions)\n"
    )


def test_actor_show_is_the_per_actor_view(demo: str, cli: Run) -> None:
    """actor show gives relations, events by role, figures and the posture the actor faces."""
    lines = cli("actor", "show", "x", "--log", demo).out.splitlines()
    assert lines[:5] == [
        "x: X (platform)",
        "  registered by: actor-x (record 3)",
        "relations",
        "  x led_by elon-musk",
        "  grok runs_on x",
    ]
    assert lines[5] == "events naming x (5)"
    assert lines[lines.index("posture faced as target (3)") + 2].split() == [
        "european-commission",
        "3",
        "preservation_order",
        "ec-preservation-order",
        "(on",
        "or",
        "before",
        "2026-01-12)",
    ]
    data = json.loads(cli("actor", "show", "xai", "--log", demo, "--json").out)
    assert data["by_role"] == {"subject": ["xai-quarterly-loss", "xai-raise"]}
    assert [f["value"] for f in data["figures"]] == [20.0, 1.46]


def test_unknown_ids_suggest(demo: str, cli: Run) -> None:
    """A mistyped holder, regulator or actor is one line with the nearest id."""
    assert cli("stances", "--log", demo, "--holder", "uk-gv").err == (
        "tracker: error: unknown actor 'uk-gv'; did you mean 'uk-gov'? (see 'tracker actor list')\n"
    )
    assert cli("posture", "--log", demo, "--regulator", "ofcon").err == (
        "tracker: error: unknown actor 'ofcon'; did you mean 'ofcom'? (see 'tracker actor list')\n"
    )


@pytest.mark.parametrize("name", ["stances", "figures", "posture", "disputes", "diff"])
def test_help_has_an_example(cli: Run, name: str) -> None:
    """Each command's --help ends with an example."""
    out = cli(name, "--help").out
    assert "Example:\n  $ tracker " + name in out
    assert "--as-of" in out and "--known-at" in out and "--json" in out
