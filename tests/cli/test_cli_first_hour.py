"""The smaller stumbles of a first hour (issue 15, item 6): each refused with one line that
says what was meant, and the exit status the README's table gives."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import tracker
from tracker.errors import InvalidInputError

from .conftest import Run, snapshot

STATEMENT = ["add", "statement", "--occurred", "2026-01-12", "--speaker", "uk-gov", "--quote", "q"]


def test_a_source_without_a_scheme_is_refused_with_the_address_it_likely_is(
    grok_log: Path, cli: Run
) -> None:
    """--source example.org/page is refused (not asked: scripts never answer a question),
    naming https://example.org/page; the log is untouched."""
    before = snapshot(grok_log)
    result = cli(*STATEMENT, "--source", "example.org/page", "--publisher", "A")
    assert (result.status, result.out, result.err) == (
        1,
        "",
        "tracker: error: --source: 'example.org/page' has no scheme; did you mean "
        "'https://example.org/page'? (give the whole address)\n",
    )
    result = cli(*STATEMENT, "--source", "page 4 of the print edition", "--publisher", "A")
    assert result.status == 1
    assert result.err == (
        "tracker: error: --source: 'page 4 of the print edition' is not a web address (it has no "
        "scheme, like https://); give the whole address, or name the source in a citation "
        "instead\n"
    )
    assert snapshot(grok_log) == before


@pytest.mark.parametrize("url", ["https://example.org/page", "http://x.org", "doi:10.1000/182"])
def test_an_address_with_a_scheme_is_taken(grok_log: Path, cli: Run, url: str) -> None:
    """Any scheme will do: https, http, doi."""
    result = cli(*STATEMENT, "--source", url, "--publisher", "A", "--dry-run")
    assert (result.status, result.err) == (0, "")


def test_an_import_names_an_address_without_a_scheme_by_its_line(
    grok_log: Path, cli: Run, tmp_path: Path
) -> None:
    """In a file, with every other problem of the file; a JSON file of good addresses is
    not looked at line by line."""
    src = tmp_path / "e.csv"
    src.write_text(
        "type,occurred,speaker,quote,source,publisher\n"
        "statement,2026-01-12,uk-gov,a,https://a.org/1,A\n"
        "statement,2026-01-12,uk-gov,b,www.gov.uk/a,UK government\n"
    )
    result = cli("import", str(src))
    assert (result.status, result.err) == (
        1,
        f"tracker: error: {src}:3: statement.sources.0.url: 'www.gov.uk/a' has no scheme; did "
        "you mean 'https://www.gov.uk/a'? (give the whole address)\n"
        "tracker: 1 bad line; nothing was imported\n",
    )
    event = {
        "type": "statement",
        "occurred": "2026-01-12",
        "speaker": "uk-gov",
        "quote": "q",
        "sources": [{"publisher": "A", "url": "example.org"}],
    }
    jsonl = tmp_path / "e.jsonl"
    jsonl.write_text(json.dumps(event) + "\n")
    result = cli("import", str(jsonl))
    assert result.err.startswith(f"tracker: error: {jsonl}:1: statement.sources.0.url: ")


@pytest.mark.parametrize("key", ["ur\\u006c", "\\u0075rl", "\\u0075\\u0072\\u006C"])
def test_an_address_under_an_escaped_key_is_checked_too(
    grok_log: Path, cli: Run, tmp_path: Path, key: str
) -> None:
    """The fast path skips the address check when one search of the bytes finds no address
    without a scheme; a key spelled with JSON escapes ("ur\\u006c" is "url") is not what that
    search reads, so a file with any escape takes the checked path: refused as the plain key
    is, nothing imported."""
    before = snapshot(grok_log)
    line = (
        '{"type":"statement","occurred":"2026-01-12","speaker":"uk-gov","quote":"q",'
        f'"sources":[{{"publisher":"A","{key}":"example.org/a"}}]}}\n'
    )
    jsonl = tmp_path / "escaped.jsonl"
    jsonl.write_text(line)
    assert json.loads(line)["sources"][0] == {"publisher": "A", "url": "example.org/a"}
    result = cli("import", str(jsonl))
    assert (result.status, result.err) == (
        1,
        f"tracker: error: {jsonl}:1: statement.sources.0.url: 'example.org/a' has no scheme; "
        "did you mean 'https://example.org/a'? (give the whole address)\n"
        "tracker: 1 bad line; nothing was imported\n",
    )
    assert snapshot(grok_log) == before
    with pytest.raises(InvalidInputError, match="has no scheme"):
        tracker.read_events(jsonl)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["add", "statement", "--speaker", "uk-gov"],
            "statement needs --occurred and a source (--source and --publisher) (see 'tracker "
            "add statement --help')",
        ),
        (
            [*STATEMENT, "--source", "https://a.org"],
            "the source needs --publisher (or --source.publisher): give one for each source, in "
            "the same order",
        ),
        (["actor", "add", "ofcom"], "actor needs --name and --kind (see 'tracker actor add --help')"),
        (
            ["add", "actor", "--actor", "ofcom"],
            "actor needs --name and --kind (see 'tracker add actor --help')",
        ),
        (["topic", "add", "fines"], "topic needs --name (see 'tracker topic add --help')"),
    ],
)
def test_a_missing_required_flag_is_a_usage_error(
    grok_log: Path, cli: Run, argv: list[str], message: str
) -> None:
    """Exit 2, as the exit table says of a missing argument (it used to be 1); --json says
    'usage'."""
    result = cli(*argv)
    assert (result.status, result.err) == (2, f"tracker: error: {message}\n")
    result = cli(*argv, "--json")
    assert (result.status, json.loads(result.err)["error"]["code"]) == (2, "usage")


def test_a_log_given_to_import_is_named_a_log(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """One line pointing at tracker copy, not twenty "missing 'type'" lines."""
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(grok_log.read_bytes())
    before = snapshot(grok_log)
    result = cli("import", str(copy))
    assert (result.status, result.err) == (
        1,
        f"tracker: error: {copy} is a tracker log (line 1 is a record, not an event): to copy a "
        f"log, with its records' times and hashes, use 'tracker copy {copy} DEST'\n",
    )
    assert snapshot(grok_log) == before


def test_a_dry_run_says_what_it_would_append(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """import --dry-run --json: would_append, never appended (nothing was)."""
    src = tmp_path / "e.csv"
    src.write_text(
        "type,occurred,speaker,quote,source,publisher\n"
        "statement,2026-01-12,uk-gov,a,https://a.org/1,A\n"
    )
    dry = json.loads(cli("import", str(src), "--dry-run", "--json").out)
    assert (dry["would_append"], dry["dry_run"], "appended" in dry) == (1, True, False)
    done = json.loads(cli("import", str(src), "--json").out)
    assert (done["appended"], done["dry_run"], "would_append" in done) == (1, False, False)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--after", "-5"],
            "follow: --after: '-5' is not a record number: give 0 or more (0: from the first "
            "record) (see 'tracker follow --help')",
        ),
        (
            ["--timeout", "-1"],
            "follow: --timeout: '-1' is not a number of seconds: give 0 or more (leave it out to "
            "wait for ever) (see 'tracker follow --help')",
        ),
        (
            ["--timeout", "nan"],
            "follow: --timeout: 'nan' is not a number of seconds: give 0 or more (leave it out "
            "to wait for ever) (see 'tracker follow --help')",
        ),
    ],
)
def test_follow_refuses_a_negative_start_or_timeout(
    grok_log: Path, cli: Run, argv: list[str], message: str
) -> None:
    """A negative --after or --timeout is a usage error (they were taken, and waited on)."""
    result = cli("follow", *argv)
    assert (result.status, result.out, result.err) == (2, "", f"tracker: error: {message}\n")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"after": -5}, "after must be 0 or more (0: from the first record), not -5"),
        ({"timeout": -1.0}, "timeout must be a number of seconds, 0 or more, not -1.0"),
        ({"timeout": math.nan}, "timeout must be a number of seconds, 0 or more, not nan"),
    ],
)
def test_follow_from_python_refuses_them_too(
    grok_log: Path, kwargs: dict[str, float], message: str
) -> None:
    """Log.follow_records checks its arguments before it waits on anything."""
    with tracker.open(grok_log) as log, pytest.raises(InvalidInputError) as caught:
        next(log.follow_records(**kwargs))  # type: ignore[arg-type]
    assert caught.value.message == message
