"""Errors: exit codes decided in one place, one line on stderr, the log untouched, no traceback."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from tracker import errors
from tracker.cli.errors import EXIT_CODES, UsageError, guarded

from .conftest import Run, snapshot


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (errors.InvalidEventError("bad"), 1, "invalid-event"),
        (errors.UnknownIdError("bad"), 1, "unknown-id"),
        (errors.ConflictError("bad"), 1, "conflict"),
        (errors.LogExistsError("bad"), 1, "log-exists"),
        (UsageError("bad"), 2, "usage"),
        (errors.TornTailError("bad", offset=0, length=1), 4, "torn-tail"),
        (errors.IntegrityError("bad"), 5, "integrity"),
        (errors.StorageError("bad"), 6, "storage"),
        (errors.LockTimeoutError("bad"), 7, "lock-timeout"),
        (KeyboardInterrupt(), 130, "interrupted"),
        (RuntimeError("bad"), 3, "unexpected"),
    ],
)
def test_exit_codes(
    exc: BaseException, status: int, code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each kind of failure maps to its documented exit status and error code."""

    def fail() -> int:
        raise exc

    assert guarded(fail, as_json=True, debug=False) == status
    assert json.loads(capsys.readouterr().err)["error"]["code"] == code
    assert status in EXIT_CODES


def test_unexpected_error_says_please_report(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug exits 3 with one line asking for a report, and no traceback."""

    def boom(_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("tracker.cli.check_cmds._head", boom)
    result = cli("head")
    assert (result.status, result.err) == (
        3,
        "tracker: error: unexpected error: RuntimeError: boom; this is a bug in tracker, please "
        "report it with the command you ran (run again with --debug for the traceback)\n",
    )


def test_debug_shows_the_traceback(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """--debug prints the traceback of an unexpected error."""

    def boom(_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("tracker.cli.check_cmds._head", boom)
    result = cli("head", "--debug")
    assert result.status == 3
    assert result.err.startswith("Traceback (most recent call last):")
    assert result.err.endswith(
        "RuntimeError: boom; this is a bug in tracker, please report it with the command you ran\n"
    )


def test_ctrl_c_exits_130(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C exits 130 with one line."""

    def interrupted(_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("tracker.cli.check_cmds._head", interrupted)
    assert cli("head") == type(cli("--version"))(130, "", "tracker: error: interrupted\n")


def test_usage_error_as_json(cli: Run) -> None:
    """With --json even a usage error is a JSON object on stderr."""
    result = cli("replay", "--as-off", "2026", "--json")
    assert result.status == 2
    assert json.loads(result.err) == {
        "error": {
            "code": "usage",
            "message": "replay: unknown flag --as-off; did you mean --as-of? (see 'tracker replay --help')",
            "problems": [],
            "count": None,
        }
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["repaly"], "unknown command 'repaly'; did you mean 'replay'? (see 'tracker --help')"),
        (
            [],
            "give a command: init, add, import, log, show, replay, verify, head, repair, schema, actor, topic, demo, stances, figures, posture, disputes, diff, sql, report, plot, export, copy, follow, key, cosign, prove, check-proof, erase, carry (see 'tracker --help')",
        ),
        (["actor"], "actor: give an action: add, show, list (see 'tracker actor --help')"),
        (
            ["actor", "shw"],
            "actor: unknown action 'shw'; did you mean 'show'? (see 'tracker actor --help')",
        ),
        (["show"], "show: missing EVENT_ID (see 'tracker show --help')"),
        (
            ["replay", "--as-of"],
            "replay: --as-of needs a value (see 'tracker replay --help')",
        ),
        (
            ["import", "x", "--format", "xml"],
            "import: --format: 'xml' is not a choice (choose from jsonl, csv) (see 'tracker import --help')",
        ),
    ],
)
def test_usage_errors(cli: Run, argv: list[str], message: str) -> None:
    """Usage errors exit 2 with one line, with a suggestion where one is close."""
    result = cli(*argv)
    assert (result.status, result.out, result.err) == (2, "", f"tracker: error: {message}\n")


BAD_INPUT: list[str] = shlex.split(
    "'add figure --occurred 2026-01 --metric m --value lots --unit count $SOURCE' 'add figure --occurred yesterday --metric m --value 1 --unit count $SOURCE' 'add figure --occurred 2026-02-30 --metric m --value 1 --unit count $SOURCE' 'add figure --occurred 2026 --metric m --lower 5 --upper 1 --unit count $SOURCE' 'add figure --occurred 2026 --metric m --value nan --unit count $SOURCE' 'add figure --occurred 2026 --metric m --value 1e999 --unit count $SOURCE' 'add figure --occurred 2026 --metric '\"'\"'Bad Metric'\"'\"' --value 1 --unit count $SOURCE' 'add figure' 'add figure --source https://a --source https://b --publisher A' 'add statement --occurred 2026 --speaker uk-gov $SOURCE' 'add statement --occurred 2026 --speaker uk-gov --quote q --stance 1 $SOURCE' 'add statement --occurred 2026 --speaker uk-gov --quote q --stance strong --topic paywall $SOURCE' 'add statement --occurred 2026 --speaker uk-gov --quote '\"'\"''\"'\"' $SOURCE' 'add statement --id uk-insulting --occurred 2026 --speaker uk-gov --quote other $SOURCE' 'add statement --id '\"'\"'Has Spaces'\"'\"' --occurred 2026 --speaker uk-gov --quote q $SOURCE' 'add verification --occurred 2026 --verifier the-verge --target nope --verdict confirmed $SOURCE' 'add regulatory_action --occurred 2026 --regulator uk-gov --target x --rung closure $SOURCE' 'add regulatory_action --occurred 2026 --regulator uk-gov --target x --rung fine $SOURCE' 'add correction --corrects bloomberg-rate --replacement '\"'\"'{not json'\"'\"' --reason r' 'add correction --corrects bloomberg-rate --replacement.metric '\"'\"'Not A Slug'\"'\"' --reason r' 'add correction --corrects bloomberg-rate --replacement.speaker uk-gov --reason r' 'add correction --corrects uk-insulting --replacement.value 3 --reason r' 'add retraction --retracts nope --reason r' 'add supersession --supersedes paywall-move --by paywall-move --reason r' 'add figur' 'add figure --valeu 1' 'actor add grok --name G --kind product' 'actor add new --name N --kind alien' 'actor add new --name N --kind person --relation friend_of:grok' 'actor show nobody' 'topic add paywall --name again' 'show nope' 'replay --as-of tomorrow' 'replay --known-at 2026-01-05..2026-01-08' 'log --occurred jan' 'verify --head 12:zz' 'import missing.jsonl' 'import bad.jsonl' 'import bad.csv' 'import refs.jsonl' init 'demo tracker.jsonl' 'schema nope' bogus --log"
)
"""Refused command lines ($SOURCE stands for a valid source), run on the small Grok log."""


@pytest.mark.parametrize("line", BAD_INPUT)
def test_bad_input_leaves_the_log_byte_identical(
    grok_log: Path, cli: Run, tmp_path: Path, line: str
) -> None:
    """Every refused command exits 1 or 2, says why on stderr, prints nothing else, no traceback."""
    (tmp_path / "bad.jsonl").write_text('{"type": "figure", "value": "x"}\n')
    (tmp_path / "bad.csv").write_text("type,occurred\nfigure,2026-13\n")
    (tmp_path / "refs.jsonl").write_text(
        '{"type":"incident","occurred":"2026","harm":"h","actors":["nobody"],"sources":[{"publisher":"A","url":"u"}]}\n'
    )
    argv = shlex.split(line.replace("$SOURCE", "--source https://a --publisher A"))
    before = snapshot(grok_log)
    result = cli(*argv)
    assert result.status in (1, 2), result.err
    assert result.out == ""
    assert "Traceback" not in result.err
    lines = result.err.splitlines()
    assert lines and all(line.startswith("tracker: ") for line in lines), result.err
    if argv[:1] != ["import"]:
        assert len(lines) == 1, result.err
    assert snapshot(grok_log) == before
