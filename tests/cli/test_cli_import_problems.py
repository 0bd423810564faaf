"""``tracker import``: every problem of every line in one run, in line order (issue 15).

Reading, dates, each field, the ids a line names and ids taken twice: all listed at once, up
to 20 lines and a count of the rest, so a file is fixed in one round, not three.
"""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Run, snapshot

HEADER = "type,id,occurred,speaker,quote,topic,stance,source,publisher\n"


def _refused(cli: Run, log: Path, src: Path, *more: str) -> str:
    before = snapshot(log)
    result = cli("import", str(src), *more)
    assert (result.status, result.out) == (1, "")
    assert snapshot(log) == before
    return result.err


def test_three_mistakes_in_one_row_and_several_bad_rows_in_one_run(
    grok_log: Path, cli: Run, tmp_path: Path
) -> None:
    """A date, a misspelt speaker and stance 5 in one row, and more rows: one run lists all."""
    src = tmp_path / "e.csv"
    src.write_text(
        HEADER
        + "statement,,03/04/2026,uk-gv,insulting,paywall,5,https://a.org/1,A\n"
        + "statement,,16/03/2026,uk-gov,fine,paywall,-1,https://a.org/2,A\n"  # read, no problem
        + "statement,,2026-01-10,ofcm,ok,paywal,1,,\n"
        + "statment,,2026-01-11,uk-gov,ok,paywall,1,https://a.org/4,A\n"
        + "statement,paywall-move,2026-01-09,x,other words,paywall,1,https://a.org/5,A\n"
    )
    err = _refused(cli, grok_log, src)
    assert err.splitlines() == [
        f"tracker: error: {src}:2: statement.occurred: invalid date '03/04/2026': it reads as "
        "2026-04-03 (day first) or as 2026-03-04 (month first); write YYYY-MM-DD, or give the "
        "order (--date-order DMY or MDY, or $TRACKER_DATE_ORDER)",
        f'tracker: error: {src}:2: statement.stance: must be at most 2, got "5"',
        f"tracker: error: {src}:2: statement.speaker: unknown actor 'uk-gv'; did you mean "
        "'uk-gov'?",
        f"tracker: error: {src}:4: statement needs a source (source and publisher) (see "
        "'tracker add statement --help')",
        f"tracker: error: {src}:4: statement.speaker: unknown actor 'ofcm' (register it first: "
        "tracker actor add ofcm --name ... --kind ...)",
        f"tracker: error: {src}:4: statement.topic: unknown topic 'paywal'; did you mean "
        "'paywall'?",
        f"tracker: error: {src}:5: unknown event type 'statment' (types: actor, topic, "
        "statement, figure, policy_change, regulatory_action, verification, incident, "
        "correction, retraction, supersession)",
        f"tracker: error: {src}:6: event id 'paywall-move' is already in the log (record 9) "
        "with other content; to change that event append a correction of it, or give this one "
        "another id",
        "tracker: 8 problems in 4 lines; nothing was imported",
    ]
    assert _refused(cli, grok_log, src, "--dry-run") == err  # a dry run finds the same
    error = json.loads(_refused(cli, grok_log, src, "--json"))["error"]
    assert (error["code"], error["count"], len(error["problems"])) == ("invalid-file", 8, 8)


def test_a_line_with_several_bad_fields_lists_each(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """No '(and 1 more)' that is never shown: each field's problem is a line of its own."""
    line = {
        "type": "figure",
        "occurred": "2026-01",
        "metric": "images",
        "value": "about 6700",
        "unit": "per_hour",
        "approximate": "maybe",
        "sources": [{"publisher": "A"}],
    }
    src = tmp_path / "e.jsonl"
    src.write_text(json.dumps(line) + "\n")
    assert _refused(cli, grok_log, src).splitlines() == [
        f"tracker: error: {src}:1: figure.sources.0: a source needs a url or a citation",
        f'tracker: error: {src}:1: figure.value: expected a number, got "about 6700" (give the '
        "number alone, and approximate true for 'about')",
        f'tracker: error: {src}:1: figure.approximate: expected true or false, got "maybe"',
        "tracker: 3 problems in 1 line; nothing was imported",
    ]


def test_a_csv_row_with_several_bad_choices_lists_each(
    grok_log: Path, cli: Run, tmp_path: Path
) -> None:
    """Two cells that are no choice, in one row: both named, with the closest choice."""
    src = tmp_path / "e.csv"
    src.write_text(
        "type,occurred,regulator,target,rung,source,publisher\n"
        "regulatory_action,2026-01-12,uk-gov,x,demnd,https://a.org/1,A\n"
        "regulatory_action,2026-01-12,uk-gov,x,invesigation_opened,https://a.org/2,A\n"
    )
    assert _refused(cli, grok_log, src).splitlines() == [
        f"tracker: error: {src}:2: rung: 'demnd' is not a choice; did you mean 'demand'? "
        "(choices: contact, information_request, preservation_order, demand, ultimatum, "
        "investigation_opened, investigation_widened, fine_threatened, fine_imposed, "
        "restriction_imposed, ban_or_suspension, closure, withdrawal, overturned)",
        f"tracker: error: {src}:3: rung: 'invesigation_opened' is not a choice; did you mean "
        "'investigation_opened'? (choices: contact, information_request, preservation_order, "
        "demand, ultimatum, investigation_opened, investigation_widened, fine_threatened, "
        "fine_imposed, restriction_imposed, ban_or_suspension, closure, withdrawal, overturned)",
        "tracker: 2 bad lines; nothing was imported",
    ]


def test_what_a_refused_line_registers_spares_the_lines_after_it(
    grok_log: Path, cli: Run, tmp_path: Path
) -> None:
    """An actor whose registration line is bad is not also 'unknown' on every later line."""
    src = tmp_path / "e.csv"
    src.write_text(
        "type,actor,name,kind,occurred,speaker,quote,source,publisher\n"
        "actor,ofcom,Ofcom,regulatr,,,,,\n"
        "statement,,,,2026-01-12,ofcom,unacceptable,https://a.org/1,A\n"
    )
    assert _refused(cli, grok_log, src).splitlines() == [
        f"tracker: error: {src}:2: kind: 'regulatr' is not a choice; did you mean 'regulator'? "
        "(choices: person, company, product, platform, regulator, government, prosecutor, "
        "court, legislator, media, ngo, investor, other)",
        "tracker: 1 bad line; nothing was imported",
    ]


def test_ids_taken_twice_are_all_listed(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """An actor registered again, an id reused in the file: each conflict, in line order."""
    src = tmp_path / "e.csv"
    src.write_text(
        "type,id,actor,name,kind,occurred,speaker,quote,source,publisher\n"
        "actor,,xai,xAI Corp,company,,,,,\n"
        "statement,twice,,,,2026-01-12,xai,one,https://a.org/1,A\n"
        "statement,twice,,,,2026-01-12,xai,two,https://a.org/2,A\n"
    )
    assert _refused(cli, grok_log, src).splitlines() == [
        f"tracker: error: {src}:2: actor 'xai' is already registered (event "
        f"{_registered(grok_log, 'xai')}); to change it, append a correction of that event",
        f"tracker: error: {src}:4: event id 'twice' is already in the log (earlier in this "
        "batch) with other content; to change that event append a correction of it, or give "
        "this one another id",
        "tracker: 2 conflicts; nothing was imported",
    ]


def _registered(log: Path, actor: str) -> str:
    for line in log.read_text().splitlines():
        event = json.loads(line)["event"]
        if event.get("actor") == actor and event["type"] == "actor":
            return str(event["id"])
    raise AssertionError(actor)


def test_an_unclosed_quote_is_named_with_its_line(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """A quote left open is reported on the line it opens, not as a missing source later."""
    src = tmp_path / "e.csv"
    ok = "statement,,2026-01-12,uk-gov,fine,paywall,-1,https://a.org/{n},A\n"
    # closed by the quote of a later cell: the rows between are read into one cell
    src.write_text(
        HEADER
        + ok.format(n=1)
        + 'statement,,2026-01-12,uk-gov,"insulting,paywall,-2,https://a.org/2,A\n'
        + ok.format(n=3)
        + 'statement,,2026-01-12,uk-gov,",paywall,-2,https://a.org/4,A\n'
    )
    assert _refused(cli, grok_log, src).splitlines() == [
        f"tracker: error: {src}:3: the quote that opens the 'quote' cell is not closed where "
        "the row ends: lines 4-5 were read into that cell; close the quote (inside a quoted "
        'cell, write a quote twice: "")',
        "tracker: 1 bad line; nothing was imported",
    ]
    # closed inside a cell further down
    src.write_text(
        HEADER + 'statement,,2026-01-12,uk-gov,"insulting,paywall\n' + ok.format(n=3)
        + 'statement,,2026-01-12,uk-gov,"fine" words,paywall,-2,https://a.org/4,A\n'
    )
    assert _refused(cli, grok_log, src).splitlines()[0] == (
        f"tracker: error: {src}:2: a quote opened on this line closes only on line 4, inside a "
        'cell: close it where its cell ends (inside a quoted cell, write a quote twice: "")'
    )
    # never closed
    src.write_text(HEADER + ok.format(n=1) + 'statement,,2026-01-12,uk-gov,"open,paywall\n')
    assert _refused(cli, grok_log, src).splitlines() == [
        f"tracker: error: {src}:3: a quote opened on this line is never closed: the rest of "
        'the file was read into one cell; close it (inside a quoted cell, write a quote twice: '
        '"")',
        "tracker: 1 bad line; nothing was imported",
    ]


def test_a_quote_left_open_in_a_big_file_is_named_as_one(
    grok_log: Path, cli: Run, tmp_path: Path
) -> None:
    """Main: a quote left open with more than 128 KiB of unquoted rows after it was reported
    as Python's "field larger than field limit (131072)", with no word of the quote or the
    fix. Now the line that opens it is named with the likely cause; one huge cell on one
    line is told to be shortened."""
    src = tmp_path / "e.csv"
    row = "statement,,2026-01-12,uk-gov,plain words {n},paywall,-1,https://a.org/{n},A\n"
    rows = "".join(row.format(n=n) for n in range(2500))
    opened = 'statement,,2026-01-12,uk-gov,"open,paywall,-2,https://a.org/x,A\n'
    src.write_text(HEADER + opened + rows)
    err = _refused(cli, grok_log, src).splitlines()
    assert len(err) == 2, err
    assert err[0].startswith(
        f"tracker: error: {src}:2: a cell that starts on this line runs on to line "
    )
    assert err[0].endswith(
        "and past 131,072 characters: a quote opened here is most likely never closed; close "
        'it (inside a quoted cell, write a quote twice: "")'
    )
    huge = "statement,,2026-01-12,uk-gov," + "A" * 200_000 + ",paywall,1,https://a.org/1,A\n"
    src.write_text(HEADER + huge)
    assert _refused(cli, grok_log, src).splitlines() == [
        f"tracker: error: {src}:2: a cell is longer than 131,072 characters, more than any "
        "field holds; shorten it",
        "tracker: 1 bad line; nothing was imported",
    ]


def test_past_twenty_problems_the_rest_are_counted(
    grok_log: Path, cli: Run, tmp_path: Path
) -> None:
    """Twenty problems are shown, in order, then how many more; --json counts them all."""
    src = tmp_path / "e.csv"
    src.write_text(
        HEADER
        + "".join(
            f"statement,,2026-01-12,nobody-{n},q,paywall,9,https://a.org/{n},A\n"
            for n in range(1, 13)
        )
    )
    lines = _refused(cli, grok_log, src).splitlines()
    assert len(lines) == 22
    assert lines[0] == f'tracker: error: {src}:2: statement.stance: must be at most 2, got "9"'
    assert lines[1].startswith(f"tracker: error: {src}:2: statement.speaker: unknown actor")
    assert lines[19].startswith(f"tracker: error: {src}:11: statement.speaker: unknown actor")
    assert lines[20:] == [
        "tracker: error: ... and 4 more",
        "tracker: 24 problems in 12 lines; nothing was imported",
    ]
    error = json.loads(_refused(cli, grok_log, src, "--json"))["error"]
    assert (error["count"], len(error["problems"])) == (24, 20)
