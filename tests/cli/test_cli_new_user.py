"""What a new user typing real mistakes meets: one line that says how to fix it, never a traceback.

Each test here pins a fix made after walking the README and ``--help`` as a newcomer: messages
that name the flag (not the model field), suggestions that ignore case, hints for numbers and
dates written the way people write them, the wrong kind of id, a misspelt CSV header, a
``--known-at`` that excludes everything, and notes that explain what the output shows.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from .conftest import Run, snapshot

SOURCE = "--source https://example.org/a --publisher 'Example News'"
FIGURE = f"add figure --occurred 2026-01-10 --metric images --unit count {SOURCE}"


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    """The small Grok log's bytes, kept once the first test of this module has built it."""
    return {}


@pytest.fixture
def small_log(
    built: dict[str, bytes], cli: Run, tmp_path: Path, request: pytest.FixtureRequest
) -> Path:
    """The small Grok log of ``grok_log`` at ./tracker.jsonl: built once, then copied."""
    path = tmp_path / "tracker.jsonl"
    if "log" in built:
        path.write_bytes(built["log"])
    else:
        built["log"] = request.getfixturevalue("grok_log").read_bytes()
    return path


# --- bad input: one line, the log untouched, never a traceback ------------------------------------


@pytest.mark.parametrize(
    ("command", "status", "message"),
    [
        (
            "actor add ofcom --name Ofcom --kind Regulator",
            1,
            "--kind: 'Regulator' is not a choice; did you mean 'regulator'? (choices: person, "
            "company, product, platform, regulator, government, prosecutor, court, legislator, "
            "media, ngo, investor, other)",
        ),
        (
            "actor add ofcom --name Ofcom --kind regulator --relation Part_Of:uk-gov",
            1,
            "--relation: 'Part_Of' is not a relation type; did you mean 'part_of:uk-gov'? "
            "(choices: developed_by, runs_on, operated_by, part_of, owned_by, led_by, member_of, "
            "funded_by, employed_by, subsidiary_of)",
        ),
        (
            "actor add 'Riverton Herald' --name 'Riverton Herald' --kind media",
            1,
            "actor.actor: \"Riverton Herald\" is not an id: use lowercase letters, digits, '.', "
            "'_' or '-', starting with a letter or digit, at most 64 characters (for example "
            "'riverton-herald')",
        ),
        (
            f"{FIGURE} --value 1,400",
            1,
            'figure.value: expected a number, got "1,400" (write it without thousands '
            "separators: 1400)",
        ),
        (
            f"{FIGURE} --value 1,46",
            1,
            'figure.value: expected a number, got "1,46" (write the decimal part after a point: '
            "1.46)",
        ),
        (
            f"{FIGURE} --value 6700 --approximate yes",
            2,
            "add figure: unexpected argument 'yes': a yes/no flag takes no value (--approximate "
            "for yes, --no-approximate for no) (see 'tracker add figure --help')",
        ),
        (
            "add statement --occurred 2026-01-13 --speaker uk-gov --quote still insulting "
            + SOURCE,
            2,
            "add statement: unexpected argument 'insulting' (put a value with spaces in quotes: "
            "'like this') (see 'tracker add statement --help')",
        ),
        (
            "replay --as-of",
            2,
            "replay: --as-of needs a value (see 'tracker replay --help')",
        ),
        (
            "add retraction --retracts paywall-move",
            2,
            "retraction needs --reason (see 'tracker add retraction --help')",
        ),
        (
            "add figure --occurred 2026-01-10 --metric images --value 1 --unit count "
            "--source https://example.org/a",
            2,
            "the source needs --publisher (or --source.publisher): give one for each source, in "
            "the same order",
        ),
        (
            "stances --holder UK-GOV",
            1,
            "unknown actor 'UK-GOV'; did you mean 'uk-gov'? (see 'tracker actor list')",
        ),
        (
            "replay --as-of 'Jan 15'",
            1,
            "--as-of: invalid date 'Jan 15': it has no year; write the year too (12 January "
            "2026), or YYYY-MM-DD",
        ),
        (
            "stances --known-at ..2026-01-12",
            1,
            "--known-at: invalid date '..2026-01-12': give one date, not an interval; a replay "
            "date is a year, a month, a day or a time (2026, 2026-01, 2026-01-15, "
            "2026-01-15T14:00), and a year, month or day means its end; or a record number "
            "(@28) or a published head (its note's file, or SEQ:HASH)",
        ),
        (
            "diff --as-of 2026-01-10 --to-as-of 2026-13-01",
            1,
            "--to-as-of: invalid date '2026-13-01': month must be 01-12; a replay date is a year, "
            "a month, a day or a time (2026, 2026-01, 2026-01-15, 2026-01-15T14:00), and a year, "
            "month or day means its end",
        ),
        (
            "log --occurred 'Jan'",  # ('Jan 2026' is read, as every date flag reads it)
            1,
            "--occurred: invalid date 'Jan': it has no year; write the year too (12 January "
            "2026), or YYYY-MM-DD",
        ),
        (
            "show uk-gov",
            1,
            "'uk-gov' is an actor id, not an event id: see 'tracker actor show uk-gov'",
        ),
        (
            "show paywall",
            1,
            "'paywall' is a topic id, not an event id: see 'tracker topic list'",
        ),
        (
            "actor show paywall-move",
            1,
            "'paywall-move' is an event id, not an actor id: see 'tracker show paywall-move'",
        ),
        (
            "add correction --corrects uk-gov --replacement.name 'HM Government' --reason r",
            1,
            "correction.corrects: 'uk-gov' is an actor id, not an event id; to change its "
            "registration, give the event that registered it: --corrects "
            "ev-{registered}",
        ),
        (
            "add verification --occurred 2026-01-13 --verifier the-verge --target uk-gov "
            f"--verdict confirmed {SOURCE}",
            1,
            "verification.target: 'uk-gov' is an actor id; --target takes the id of an event "
            "(see 'tracker log')",
        ),
        (
            "add correction --corrects {correction} --replacement.value 6500 --reason r",
            1,
            "correction.corrects: '{correction}' is a correction; fixes point at events, not at "
            "other fixes (to change the event, correct it again: --corrects bloomberg-rate)",
        ),
        (
            "replay --log trackr.jsonl",
            1,
            "no log at trackr.jsonl; did you mean tracker.jsonl? (to start a new log there: "
            "tracker init --log trackr.jsonl)",
        ),
        (
            "replay --log tracker.json",
            1,
            "no log at tracker.json; did you mean tracker.jsonl? (to start a new log there: "
            "tracker init --log tracker.json)",
        ),
        (
            "replay --log elsewhere.jsonl",
            1,
            "no log at elsewhere.jsonl: create it with 'tracker init --log elsewhere.jsonl'",
        ),
    ],
)
def test_a_mistake_is_one_line_that_says_how_to_fix_it(
    small_log: Path, cli: Run, command: str, status: int, message: str
) -> None:
    """Each mistake gets its exit status, one line naming the fix, and the log stays as it was."""
    actors = json.loads(cli("actor list --json").out)["actors"]
    registered = next(a["event"] for a in actors if a["actor"] == "uk-gov").removeprefix("ev-")
    correction = json.loads(cli("log --type correction --json").out)["records"][0]["event"]["id"]
    ids = {"registered": registered, "correction": correction}
    before = snapshot(small_log)
    result = cli(*shlex.split(command.format(**ids)))
    expected = f"tracker: error: {message.format(**ids)}\n"
    assert (result.status, result.out, result.err) == (status, "", expected)
    assert snapshot(small_log) == before


# --- notes that explain what the output shows ----------------------------------------------------


def test_known_at_before_the_first_record_says_why_nothing_shows(small_log: Path, cli: Run) -> None:
    """A --known-at before the log's first record gets a note telling the two clocks apart."""
    result = cli("stances --known-at 2026-01-11")
    assert (result.status, result.out) == (0, "(no stances)\n")
    assert result.err == (
        "tracker: note: the log had recorded nothing by --known-at 2026-01-11 (its first record "
        "is from 2026-01-12); --known-at is when events were recorded, --as-of when they "
        "happened\n"
    )
    assert cli("replay --known-at 2026-01-11").err == result.err
    assert cli("stances --known-at 2026-01-11 --json").err == ""  # --json output stays pure
    assert cli("stances --known-at 2026-01-12").err == ""  # something was recorded by then


def test_open_start_note_only_when_such_a_date_is_shown(small_log: Path, cli: Run) -> None:
    """The note on '..D' dates follows a timeline that shows one, and no other."""
    note = (
        "note: 'on or before D' has no known start: it is listed at D, the latest it may have "
        "happened (--json keeps the replay's order: the earliest it may have happened first)"
    )
    assert cli("replay").out.splitlines()[-1] == note
    assert note not in cli("replay --type verification").out


def test_unknown_unit_gets_a_note(small_log: Path, cli: Run, tmp_path: Path) -> None:
    """A unit outside the table is kept, with a note naming the closest code; a known one is not."""
    result = cli(f"{FIGURE.replace('count', 'Count')} --value 3 --dry-run")
    assert result.status == 0
    assert result.err == (
        "tracker: note: unit 'Count' is not in the units table; did you mean 'count'? It is kept "
        "as given and never converted (see the units table in docs/concepts.md)\n"
    )
    assert cli(f"{FIGURE} --value 3 --dry-run").err == ""
    assert cli(f"{FIGURE.replace('count', 'Count')} --value 3 --dry-run --json").err == ""
    src = tmp_path / "spills.csv"
    src.write_text(
        "type,occurred,metric,value,unit,source,publisher\n"
        "figure,2026-01,spills,3,spills,https://example.org/s,Herald\n"
    )
    result = cli("import", str(src), "--dry-run")
    assert result.err == (
        "tracker: note: unit 'spills' is not in the units table (to count a thing, give "
        "count:spills). It is kept as given and never converted (see the units table in "
        "docs/concepts.md)\n"
    )


def test_figures_of_an_unknown_metric_list_the_metrics(small_log: Path, cli: Run) -> None:
    """A metric not on record is refused (exit 1) as an unknown actor is, with the closest one."""
    result = cli("figures --metric images")
    assert (result.status, result.out, result.err) == (
        1,
        "",
        "tracker: error: no metric 'images' on record; did you mean 'sexualised_images'? "
        "(metrics: sexualised_images)\n",
    )
    error = json.loads(cli("figures --metric images --json").err)["error"]
    assert (error["code"], error["message"].startswith("no metric 'images'")) == ("unknown-id", True)
    # on record, but not yet happened at --as-of: an empty answer, not a refusal
    assert cli("figures --metric sexualised_images --as-of 2026-01-01").out == "(no figures)\n"
    # a replay of one actor's records asks the whole log about the metric
    assert cli("figures --metric imagez --subject grok").status == 1
    assert cli("figures --metric sexualised_images --subject uk-gov").out == "(no figures)\n"


# --- the same names as elsewhere ----------------------------------------------------------------


def test_projection_filters_take_the_names_add_uses(small_log: Path, cli: Run) -> None:
    """figures --reported-by is --reporter, and stances --speaker is --holder, as in add."""
    assert (
        cli("figures --reported-by bloomberg --json").out
        == cli("figures --reporter bloomberg --json").out
    )
    by_speaker = json.loads(cli("stances --speaker uk-gov --json").out)
    assert [s["holder"] for s in by_speaker["stances"]] == ["uk-gov"]


# --- a CSV written by hand ----------------------------------------------------------------------


def test_csv_header_ignores_case(small_log: Path, cli: Run, tmp_path: Path) -> None:
    """A header typed with capitals (Type, Occurred) names the same columns."""
    src = tmp_path / "caps.csv"
    src.write_text(
        "Type,Occurred,Speaker,Quote,Source,Publisher\n"
        "statement,2026-01-13,uk-gov,still insulting,https://example.org/s,UK government\n"
    )
    result = cli("import", str(src))
    assert (result.status, result.err) == (0, "")
    assert result.out == f"imported 1 event from {src} as record 13\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "type;occurred;speaker;quote\nstatement;2026-01-13;uk-gov;q\n",
            "{src}:1: the cells are separated by ';', not ','; save the file as CSV with commas "
            "(in a spreadsheet: CSV UTF-8, comma-delimited)",
        ),
        (
            "type,date,speaker,quote,source,publisher\n"
            + "statement,2026-01-13,uk-gov,q,https://example.org/s,P\n" * 3,
            "{src}:1: column 'date' is not a field of any event type; did you mean 'occurred'? "
            "(the columns are the flags of 'tracker add TYPE --help', without the --)",
        ),
        (
            "type,occurred,speaker,quote,colour\nstatement,2026-01-13,uk-gov,q,red\n",
            "{src}:1: column 'colour' is not a field of any event type (the columns are the "
            "flags of 'tracker add TYPE --help', without the --)",
        ),
    ],
)
def test_csv_header_mistakes_are_reported_once(
    small_log: Path, cli: Run, tmp_path: Path, text: str, message: str
) -> None:
    """A header that cannot be right is refused once, before any row, with what to change."""
    src = tmp_path / "bad.csv"
    src.write_text(text)
    before = snapshot(small_log)
    result = cli("import", str(src))
    assert (result.status, result.err) == (1, f"tracker: error: {message.format(src=src)}\n")
    assert snapshot(small_log) == before


def test_import_help_shows_a_file_of_each_format(cli: Run, tmp_path: Path) -> None:
    """The CSV and JSONL samples in 'tracker import --help' import as they are shown."""
    help_text = cli("import", "--help").out
    lines = help_text.splitlines()
    start = lines.index("A CSV file (each type's columns: tracker add TYPE --help):")
    (tmp_path / "e.csv").write_text(
        "".join(f"{line[2:]}\n" for line in lines[start + 1 : start + 4])
    )
    jsonl = " ".join(line.strip() for line in lines[start + 5 : start + 8])
    (tmp_path / "e.jsonl").write_text(jsonl.removesuffix("(all on one line)").strip() + "\n")
    for command in (
        "init",
        "actor add uk-gov --name 'UK government' --kind government",
        "topic add paywall --name 'The paywall'",
    ):
        assert cli(command).status == 0
    assert cli("import e.csv").out == "imported 2 events from e.csv as records 3-4\n"
    assert (
        cli("import e.jsonl").out
        == "nothing to import: the one event of e.jsonl is already in the log\n"
    )


def test_log_filters_read_dates_as_articles_write_them(small_log: Path, cli: Run) -> None:
    """Main: ``tracker log --occurred 'Jan 2026'`` was refused while ``--as-of 'Jan 2026'``
    and ``add --occurred`` read it (review). Now the filters read it too, and say so."""
    written = cli("log --occurred 'January 2026' --recorded '..31 décembre 2099' --json")
    plain = cli("log --occurred 2026-01 --recorded ..2099-12-31 --json")
    assert (written.status, written.out) == (0, plain.out)
    assert written.err.splitlines() == [
        'tracker: --occurred: read "January 2026" as 2026-01 (month)',
        'tracker: --recorded: read "..31 décembre 2099" as ..2099-12-31 (day)',
    ]
    ordered = cli("log --occurred 03/01/2026 --date-order MDY --json")
    assert ordered.out == cli("log --occurred 2026-03-01 --json").out
