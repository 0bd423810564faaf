"""``tracker init`` and how the log is chosen: --log, else TRACKER_LOG, else ./tracker.jsonl."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Run


def test_init_default_path(cli: Run, tmp_path: Path) -> None:
    """Without --log or TRACKER_LOG, init creates ./tracker.jsonl."""
    result = cli("init")
    assert result.status == 0
    assert result.out.startswith("created an empty log at tracker.jsonl\n")
    assert (tmp_path / "tracker.jsonl").read_bytes() == b""


def test_init_with_log_flag(cli: Run, tmp_path: Path) -> None:
    """--log PATH chooses the file, and the output says how to use it."""
    result = cli("init", "--log", "grok.jsonl")
    assert result.out.splitlines()[:2] == [
        "created an empty log at grok.jsonl",
        "use it with --log grok.jsonl, or: export TRACKER_LOG=grok.jsonl",
    ]
    assert (tmp_path / "grok.jsonl").exists()


def test_log_flag_before_or_after_the_command(cli: Run) -> None:
    """--log works before the command as well as after it."""
    assert cli("--log", "a.jsonl", "init").status == 0
    empty = "tracker-log/empty\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nchain " + "0" * 64 + "\n\n"  # the tree head of an empty log
    assert cli("--log", "a.jsonl", "head").out == empty
    assert cli("head", "--log", "a.jsonl").out == empty


def test_tracker_log_env(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """TRACKER_LOG is used when --log is not given; --log wins over it."""
    monkeypatch.setenv("TRACKER_LOG", str(tmp_path / "env.jsonl"))
    assert cli("init").status == 0
    assert (tmp_path / "env.jsonl").exists()
    assert cli("init", "--log", "flag.jsonl").status == 0
    assert (tmp_path / "flag.jsonl").exists()


def test_init_refuses_to_overwrite(cli: Run, tmp_path: Path) -> None:
    """init never overwrites a file: exit 1 and the file is untouched."""
    (tmp_path / "tracker.jsonl").write_text("my notes\n")
    result = cli("init")
    assert (result.status, result.err) == (
        1,
        "tracker: error: tracker.jsonl already exists; tracker init never overwrites: choose another path\n",
    )
    assert (tmp_path / "tracker.jsonl").read_text() == "my notes\n"


def test_missing_default_log_says_how_to_choose(cli: Run) -> None:
    """With no log anywhere, the error says how to create or choose one."""
    result = cli("replay")
    assert (result.status, result.err) == (
        1,
        "tracker: error: no log at ./tracker.jsonl (the default): create one with 'tracker init', "
        "or choose a log with --log PATH or TRACKER_LOG=PATH\n",
    )


def test_missing_env_log_names_the_variable(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """A TRACKER_LOG that points nowhere is named in the error."""
    monkeypatch.setenv("TRACKER_LOG", "gone.jsonl")
    result = cli("head")
    assert (
        result.err
        == "tracker: error: no log at gone.jsonl: create it with 'tracker init --log gone.jsonl' (from TRACKER_LOG)\n"
    )


EMPTY_LOG = (
    "tracker: error: --log is empty: give the log's path (--log grok.jsonl), or leave --log out "
    "to use $TRACKER_LOG or ./tracker.jsonl\n"
)


@pytest.mark.parametrize(
    "argv",
    [
        ["--log", "", "init"],
        ["init", "--log", ""],
        ["--log=", "replay"],
        ["log", "--log", "  "],
        ["repair", "--log", ""],
    ],
)
def test_an_empty_log_flag_is_refused(cli: Run, tmp_path: Path, argv: list[str]) -> None:
    """An empty --log (an unset shell variable) is a usage error, not the default log."""
    assert cli("init").status == 0
    before = (tmp_path / "tracker.jsonl").read_bytes()
    result = cli(*argv)
    assert (result.status, result.out, result.err) == (2, "", EMPTY_LOG)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tracker.jsonl"]
    assert (tmp_path / "tracker.jsonl").read_bytes() == before


@pytest.mark.parametrize(
    "argv", [["--log", ".", "log"], ["repair", "--log", "."], ["copy", ".", "b.jsonl"]]
)
def test_a_directory_is_not_a_log(cli: Run, tmp_path: Path, argv: list[str]) -> None:
    """A directory given as the log, even '.', is refused in one line (no 'please report')."""
    result = cli(*argv)
    assert (result.status, result.err) == (
        1,
        "tracker: error: . is a directory, not a log file: give the path of a .jsonl log\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_an_empty_tracker_log_counts_as_unset(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TRACKER_LOG set to nothing is ignored: the default log is used, and named in errors."""
    monkeypatch.setenv("TRACKER_LOG", "")
    assert cli("head").err == (
        "tracker: error: no log at ./tracker.jsonl (the default): create one with 'tracker init', "
        "or choose a log with --log PATH or TRACKER_LOG=PATH\n"
    )
    assert cli("init").out.startswith("created an empty log at tracker.jsonl\n")
    assert (tmp_path / "tracker.jsonl").read_bytes() == b""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["repair"],
            "no log at ./tracker.jsonl (the default): create one with 'tracker init', or choose "
            "a log with --log PATH or TRACKER_LOG=PATH",
        ),
        (
            ["repair", "--log", "elsewhere.jsonl"],
            "no log at elsewhere.jsonl: create it with 'tracker init --log elsewhere.jsonl'",
        ),
        (
            ["repair", "--log", "gork.jsonl"],
            "no log at gork.jsonl; did you mean grok.jsonl? (to start a new log there: "
            "tracker init --log gork.jsonl)",
        ),
        (
            ["copy", "elsewhere.jsonl", "backup.jsonl"],
            "no log at elsewhere.jsonl to copy: give the path of an existing log",
        ),
        (
            ["copy", "gork.jsonl", "backup.jsonl"],
            "no log at gork.jsonl to copy; did you mean grok.jsonl?",
        ),
        (
            ["verify", "--log", "grok.jsonl", "--extends", "elsewhere.jsonl"],
            "no log at elsewhere.jsonl to compare with: give the path of an existing log",
        ),
        (
            ["verify", "--log", "grok.jsonl", "--extends", "gork.jsonl"],
            "no log at gork.jsonl to compare with; did you mean grok.jsonl?",
        ),
    ],
)
def test_repair_copy_and_verify_name_a_missing_log(
    cli: Run, tmp_path: Path, argv: list[str], message: str
) -> None:
    """repair says how to create a missing log; copy and verify --extends, which only read the
    log they are given, never advise creating it; each names a close name that was meant."""
    assert cli("init", "--log", "grok.jsonl").status == 0
    result = cli(*argv)
    assert (result.status, result.out, result.err) == (1, "", f"tracker: error: {message}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grok.jsonl"]


def test_repair_names_a_missing_env_log(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """repair names TRACKER_LOG when the log it points at is missing, as other commands do."""
    monkeypatch.setenv("TRACKER_LOG", "gone.jsonl")
    assert cli("repair").err == cli("head").err == (
        "tracker: error: no log at gone.jsonl: create it with 'tracker init --log gone.jsonl' "
        "(from TRACKER_LOG)\n"
    )


def test_not_a_log(cli: Run, tmp_path: Path) -> None:
    """A file that is not a tracker log is refused without a traceback."""
    (tmp_path / "notes.txt").write_text("hello\n")
    result = cli("replay", "--log", "notes.txt")
    assert (result.status, result.err) == (
        1,
        "tracker: error: notes.txt is not a tracker log (its first line is not a record)\n",
    )
