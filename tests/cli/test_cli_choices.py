"""Every closed choice refused at the command line suggests the nearest value (issue 14 item 14)."""

from __future__ import annotations

import pytest

from .conftest import Run

ACTION = (
    "add regulatory_action --occurred 2026-01-20 --regulator ofcom --target x --rung {} "
    "--source https://example.org/a --publisher P"
)


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        (ACTION.format("lifted"), "--rung: 'lifted' is not a choice; did you mean 'closure'?"),
        (ACTION.format("Demand"), "--rung: 'Demand' is not a choice; did you mean 'demand'?"),
        (
            "add verification --occurred 2026-01-20 --verifier ofcom --target t --verdict false "
            "--source https://example.org/a --publisher P",
            "--verdict: 'false' is not a choice; did you mean 'contradicted'?",
        ),
        (
            "actor add bbc --name BBC --kind outlet",
            "--kind: 'outlet' is not a choice; did you mean 'media'?",
        ),
        ("export timelinjs", "did you mean 'timelinejs'?"),
        ("plot postur --out p.svg", "did you mean 'posture'?"),
    ],
)
def test_closed_choices_at_the_command_line(cli: Run, line: str, hint: str) -> None:
    """Each closed choice refused at the command line suggests the nearest value."""
    assert cli("init").status == 0
    result = cli(line)
    assert result.status in (1, 2)
    assert hint in result.err, result.err
    assert result.err.count("\n") == 1
