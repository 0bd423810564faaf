"""Every command's ``--json`` output matches the schema ``tracker schema --output COMMAND`` prints.

The schemas are built from the one declaration of each result's columns (tracker.cli.outputs
and the projections' ``SHAPE``), so this holds the output, the declaration and the published
schema together: every list an array, every absence null, every instant RFC 3339 UTC with
microseconds and ``Z``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tracker.cli.outputs import COMMANDS
from tracker.projections.shape import INSTANT_PATTERN

from .conftest import Run

# Each case: (command whose schema applies, the arguments after the bundled log's setup).
CASES: list[tuple[str, list[str]]] = [
    ("replay", ["replay"]),
    ("replay", ["replay", "--as-of", "2026-01-09", "--known-at", "2026-01-12"]),
    ("show", ["show", "xai-quarterly-loss"]),
    ("show", ["show", "grok-paywall-claim", "--as-of", "2026-01-10"]),
    ("log", ["log", "--type", "figure"]),
    ("verify", ["verify"]),
    ("head", ["head"]),
    ("stances", ["stances"]),
    ("stances", ["stances", "--changes"]),
    ("figures", ["figures"]),
    ("figures", ["figures", "--subject", "xai", "--unit", "USD_million"]),
    ("posture", ["posture"]),
    ("disputes", ["disputes"]),
    ("disputes", ["disputes", "--known-at", "2026-01-12"]),
    ("diff", ["diff", "--known-at", "2026-01-12", "--to-known-at", "2026-01-14"]),
    ("diff", ["diff", "--as-of", "2026-01-09", "--to-as-of", "2026-01-13"]),
    ("actor show", ["actor", "show", "xai"]),
    ("actor show", ["actor", "show", "grok", "--as-of", "2026-01-08"]),
    ("actor list", ["actor", "list"]),
    ("topic list", ["topic", "list"]),
    ("export", ["export", "timelinejs", "--out", "tl.json"]),
    ("export", ["export", "csv", "--out", "tables"]),
    ("repair", ["repair"]),
    (
        "add",
        [
            "add",
            "incident",
            "--occurred",
            "2026-01-20",
            "--harm",
            "more images",
            "--source",
            "https://example.org/a",
            "--publisher",
            "Example",
            "--dry-run",
        ],
    ),
    ("add", ["add", "topic", "--topic", "age-checks", "--name", "Age checks"]),
    ("actor add", ["actor", "add", "ico", "--name", "ICO", "--kind", "regulator"]),
    ("actor add", ["actor", "add", "ico", "--name", "ICO", "--kind", "regulator", "--dry-run"]),
    ("topic add", ["topic", "add", "age-checks", "--name", "Age checks", "--dry-run"]),
    ("topic add", ["topic", "add", "age-checks", "--name", "Age checks"]),
    ("copy", ["copy", "tracker.jsonl", "backup.jsonl"]),
    ("sql", ["sql", "SELECT holder, position, since_at FROM stances"]),
    ("sql", ["sql", "--as-of", "2026-01-09", "SELECT * FROM versions WHERE id = 'no such'"]),
    ("sql", ["sql", "--tables"]),
    ("cache list", ["cache"]),
    ("cache list", ["cache", "list"]),
    ("cache prune", ["cache", "prune", "--dry-run"]),
]



def schema_of(cli: Run, command: str) -> Draft202012Validator:
    """The published schema of a command's output, checked to be a valid schema."""
    result = cli("schema", "--output", command)
    assert result.status == 0, result.err
    schema = json.loads(result.out)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def check(validator: Draft202012Validator, text: str) -> object:
    """Validate one JSON document, listing every error."""
    data = json.loads(text)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []
    return data


def instants_in(value: object) -> list[str]:
    """Every string that looks like a timestamp (has a date, a T and a time) anywhere in it."""
    import re

    out: list[str] = []
    if isinstance(value, dict):
        for v in value.values():
            out += instants_in(v)
    elif isinstance(value, list):
        for v in value:
            out += instants_in(v)
    elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}.*", value):
        out.append(value)
    return out


@pytest.mark.parametrize(("command", "argv"), CASES, ids=[" ".join(a) for _c, a in CASES])
def test_output_matches_its_schema(grok: Path, cli: Run, command: str, argv: list[str]) -> None:
    """The --json output validates against the command's published schema."""
    validator = schema_of(cli, command)
    result = cli(*argv, "--json")
    assert result.status == 0, result.err
    data = check(validator, result.out)
    for value in instants_in(data):  # one format for every instant, wherever it is
        assert __import__("re").fullmatch(INSTANT_PATTERN, value), value


def test_every_command_with_json_output_is_covered(grok: Path, cli: Run, tmp_path: Path) -> None:
    """The commands without a case above are checked here, so every declared output is run."""
    covered = {c for c, _ in CASES}
    checked = set()
    # init on a new log, import of a small file, report and plot, follow, demo, an error
    checked.add("init")
    check(schema_of(cli, "init"), cli("init", "--log", "new.jsonl", "--json").out)
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"type": "topic", "topic": "bans", "name": "Bans"}\n', encoding="utf-8"
    )
    checked.add("import")
    check(schema_of(cli, "import"), cli("import", str(events), "--json").out)
    checked.add("follow")
    follow = cli("follow", "--after", "30", "--timeout", "0", "--json")
    assert follow.status == 0, follow.err
    lines = [line for line in follow.out.splitlines() if line]
    assert lines
    validator = schema_of(cli, "follow")
    for line in lines:
        check(validator, line)
    checked.add("demo")
    check(schema_of(cli, "demo"), cli("demo", str(tmp_path / "demo.jsonl"), "--json").out)
    checked.add("report")
    check(schema_of(cli, "report"), cli("report", "--out", "r.html", "--json").out)
    checked.add("plot")
    check(schema_of(cli, "plot"), cli("plot", "posture", "--out", "p.svg", "--json").out)
    checked.add("error")
    failed = cli("show", "no-such-event", "--json")
    assert failed.status == 1
    check(schema_of(cli, "error"), failed.err)
    assert covered | checked | set(PROOF_COMMANDS) == set(COMMANDS)


PROOF_COMMANDS = (
    "key new",
    "key list",
    "key export",
    "key rotate",
    "erase",
    "carry",
    "cosign",
    "prove",
    "check-proof",
)
"""The commands the test below runs (keys in the test's own config directory)."""


def test_proof_commands_match_their_schemas(
    grok: Path, cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys, a signed and cosigned head, both kinds of proof: each --json as declared."""
    monkeypatch.setenv("TRACKER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))

    def run(command: str, line: str) -> object:
        result = cli(f"{line} --json")
        assert result.status == 0, result.err
        return check(schema_of(cli, command), result.out)

    run("key new", "key new news.example/alice")
    run("key new", "key new witness.example/w1")
    run("key list", "key list")
    alice = run("key export", "key export news.example/alice")
    witness = run("key export", "key export witness.example/w1 --witness")
    keys = tmp_path / "keys.txt"
    keys.write_text(
        f"{alice['public_key']} publisher\n{witness['public_key']} witness\n"  # type: ignore[index]
    )
    (tmp_path / "head.txt").write_text(cli("head --sign news.example/alice").out)
    cosigned = run("cosign", f"cosign head.txt --key witness.example/w1 --keys {keys}")
    (tmp_path / "head-w.txt").write_text(cosigned["note"])  # type: ignore[index]
    check(schema_of(cli, "verify"), cli(f"verify --head head-w.txt --keys {keys} --json").out)
    run("prove", "prove xai-quarterly-loss --head head-w.txt --out p.tlog-proof")
    run("check-proof", f"check-proof p.tlog-proof --head head-w.txt --keys {keys}")
    cli("add topic --topic later --name Later")
    (tmp_path / "head-2.txt").write_text(cli("head").out)
    run("prove", "prove --from head-w.txt --to head-2.txt --out c.proof")
    run("check-proof", "check-proof c.proof --from head-w.txt --to head-2.txt")
    # signed records: a batch of two, a rotation, verify --keys, and the log's record forms
    run("key new", "key new news.example/alice-2027")
    keys.write_text(f"{alice['public_key']} publisher recorder\n")  # type: ignore[index]
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        '{"type": "topic", "topic": "t1", "name": "T1"}\n{"type": "topic", "topic": "t2", "name": "T2"}\n'
    )
    assert cli(f"import {batch} --sign news.example/alice").status == 0
    run("key rotate", "key rotate news.example/alice news.example/alice-2027")
    assert cli("add topic --topic t3 --name T3 --sign news.example/alice-2027").status == 0
    log = check(schema_of(cli, "log"), cli("log --recorded 2000.. --by news.example --json").out)
    assert log == {"records": []}  # no key is named 'news.example' alone
    signed = check(schema_of(cli, "log"), cli("log --json").out)
    assert [r["v"] for r in signed["records"][-4:]] == [2, 2, 2, 2]  # type: ignore[index]
    follow = cli("follow --after 34 --timeout 0 --json")
    for line in follow.out.splitlines():
        check(schema_of(cli, "follow"), line)
    run("erase", "erase t2 --reason r --ordered-by o --sign news.example/alice-2027 --dry-run")
    erased = run("erase", "erase t2 --reason r --ordered-by o --sign news.example/alice-2027")
    assert erased["erased"] == [36]  # type: ignore[index]
    forms = check(schema_of(cli, "log"), cli("log --json").out)["records"]  # type: ignore[index]
    assert "nonce" not in forms[35] and "sig" in forms[35]  # an erased record closing its batch
    for line in cli("follow --after 34 --timeout 0 --json").out.splitlines():
        check(schema_of(cli, "follow"), line)
    carried = run("carry", "carry carried.jsonl --sign news.example/alice-2027")
    assert carried["carried"] == 36 and carried["skipped"] == 3  # type: ignore[index]
    failed = cli(f"verify --keys {keys} --json")
    assert failed.status == 5
    error = check(schema_of(cli, "error"), failed.err)
    # the 34 unsigned records (one run), the erased record and its erasure (no eraser role)
    assert error["error"]["count"] == 3  # type: ignore[index]


def test_unknown_output_is_refused_with_a_suggestion(cli: Run) -> None:
    """A mistyped command name gets the closest one and the list."""
    result = cli("schema", "--output", "stance")
    assert result.status == 1
    assert "did you mean 'stances'?" in result.err
    assert "actor show" in result.err


def test_output_names_take_dashes_for_spaces(cli: Run) -> None:
    """'actor-show' names the same schema as 'actor show'."""
    assert cli("schema", "--output", "actor-show").out == cli("schema", "--output", "actor show").out


def command_names() -> set[str]:
    """Every command the parser has (``actor show`` for a command of a group)."""
    from tracker.cli.main import build_parser

    def subcommands(parser: object) -> dict[str, object]:
        found = getattr(parser, "_subparsers", None)
        if found is None:
            return {}
        return dict(found._group_actions[0].choices)  # noqa: SLF001 - argparse has no public list

    names = set()
    for name, parser in subcommands(build_parser([])).items():
        inner = subcommands(parser)
        names |= {f"{name} {sub}" for sub in inner} if inner else {name}
    return names


def test_every_command_declares_its_output() -> None:
    """Each command of the parser has a declared --json shape (schema prints schemas)."""
    assert command_names() - {"schema"} == set(COMMANDS) - {"error"}
