"""Dates as articles write them, at the command line and in imports: stored in the log's
grammar, echoed with their precision, counted and listed by an import, refused when ambiguous."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from .conftest import Run, snapshot

STATEMENT = (
    "add statement --id said --speaker uk-gov --quote hi --source https://a.org/1 --publisher A"
)


def _stored(log: Path, event_id: str) -> dict[str, object]:
    for line in log.read_bytes().splitlines():
        event = orjson.loads(line)["event"]
        if event.get("id") == event_id:
            return event  # type: ignore[no-any-return]
    raise AssertionError(event_id)


def test_add_reads_the_date_stores_the_grammar_and_echoes_on_stderr(
    grok_log: Path, cli: Run
) -> None:
    """The log holds 2026-01-12; stderr says what was read, at what precision; stdout is JSON."""
    result = cli(
        *STATEMENT.split(),
        "--occurred",
        "Januari 12, 2026",
        "--source.published",
        "12. Januar 2026",
        "--json",
    )
    assert result.status == 0, result.err
    assert json.loads(result.out)["id"] == "said"
    assert result.err == (
        'tracker: --occurred: read "Januari 12, 2026" as 2026-01-12 (day)\n'
        'tracker: --source.published: read "12. Januar 2026" as 2026-01-12 (day)\n'
    )
    stored = _stored(grok_log, "said")
    assert stored["occurred"] == "2026-01-12"
    assert stored["sources"] == [{"publisher": "A", "url": "https://a.org/1", "published": "2026-01-12"}]


def test_a_month_stays_a_month(grok_log: Path, cli: Run) -> None:
    """'January 2026' is stored as 2026-01, never as a day."""
    result = cli(*STATEMENT.split(), "--occurred", "January 2026")
    assert result.err == 'tracker: --occurred: read "January 2026" as 2026-01 (month)\n'
    assert _stored(grok_log, "said")["occurred"] == "2026-01"


def test_an_ambiguous_date_is_refused_with_both_readings(grok_log: Path, cli: Run) -> None:
    """03/04/2026 is refused naming both days; the log is untouched."""
    before = snapshot(grok_log)
    result = cli(*STATEMENT.split(), "--occurred", "03/04/2026")
    assert (result.status, result.out) == (1, "")
    assert result.err == (
        "tracker: error: --occurred: invalid date '03/04/2026': it reads as 2026-04-03 (day "
        "first) or as 2026-03-04 (month first); write YYYY-MM-DD, or give the order "
        "(--date-order DMY or MDY, or $TRACKER_DATE_ORDER)\n"
    )
    assert snapshot(grok_log) == before


def test_date_order_flag_and_environment(
    grok_log: Path, cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--date-order (any case) and $TRACKER_DATE_ORDER settle it; a bad variable is refused."""
    result = cli(*STATEMENT.split(), "--occurred", "03/04/2026", "--date-order", "dmy")
    assert result.err == 'tracker: --occurred: read "03/04/2026" as 2026-04-03 (day)\n'
    monkeypatch.setenv("TRACKER_DATE_ORDER", "MDY")
    result = cli(*STATEMENT.replace("said", "said2").split(), "--occurred", "03/04/2026")
    assert result.err == 'tracker: --occurred: read "03/04/2026" as 2026-03-04 (day)\n'
    monkeypatch.setenv("TRACKER_DATE_ORDER", "YDM")
    result = cli(*STATEMENT.replace("said", "said3").split(), "--occurred", "03/04/2026")
    assert (result.status, result.err) == (
        1,
        "tracker: error: $TRACKER_DATE_ORDER is 'YDM': give DMY (day first) or MDY (month "
        "first)\n",
    )
    assert cli(*STATEMENT.split(), "--occurred", "2026", "--date-order", "YMD").status == 2


def test_a_date_without_a_year_is_refused(grok_log: Path, cli: Run) -> None:
    """'12 Jan' is not guessed to be this year."""
    result = cli(*STATEMENT.split(), "--occurred", "12 Jan")
    assert (result.status, result.err) == (
        1,
        "tracker: error: --occurred: invalid date '12 Jan': it has no year; write the year too "
        "(12 January 2026), or YYYY-MM-DD\n",
    )


def test_a_corrections_replacement_dates_are_read(grok_log: Path, cli: Run) -> None:
    """--replacement.occurred is read too, and named by its flag."""
    result = cli(
        "add correction --corrects paywall-move --reason 'the day was wrong' "
        "--replacement.occurred '8 janvier 2026'"
    )
    assert result.status == 0, result.err
    assert result.err == (
        'tracker: --replacement.occurred: read "8 janvier 2026" as 2026-01-08 (day)\n'
    )


def test_replay_dates_are_read_too(grok_log: Path, cli: Run) -> None:
    """--as-of '10 January 2026' is 2026-01-10 (its end), echoed; the answer is the same."""
    written = cli("replay", "--as-of", "10 January 2026", "--json")
    plain = cli("replay", "--as-of", "2026-01-10", "--json")
    assert written.status == 0
    assert written.out == plain.out
    assert written.err == 'tracker: --as-of: read "10 January 2026" as 2026-01-10 (day)\n'


CSV = (
    "type,occurred,speaker,quote,source,publisher\n"
    "statement,Januari 12 2026,uk-gov,a,https://a.org/1,A\n"
    "statement,16/03/2026,uk-gov,b,https://a.org/2,A\n"
    "statement,2026-01-11,uk-gov,c,https://a.org/3,A\n"
)


def test_an_import_counts_the_dates_it_read(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """The summary says how many dates were read from other spellings; the log holds grammar."""
    src = tmp_path / "e.csv"
    src.write_text(CSV)
    result = cli("import", str(src))
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        f"imported 3 events from {src} as records 13-15; read 2 dates written another way "
        "(--dry-run lists them)\n"
    )
    occurred = [orjson.loads(line)["event"]["occurred"] for line in grok_log.read_bytes().splitlines()[-3:]]
    assert occurred == ["2026-01-12", "2026-03-16", "2026-01-11"]


def test_a_dry_run_lists_each_reading(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """--dry-run lists every conversion by file:line and field, in text and in --json."""
    src = tmp_path / "e.csv"
    src.write_text(CSV)
    result = cli("import", str(src), "--dry-run")
    assert result.out == (
        f'{src}:2: statement.occurred: read "Januari 12 2026" as 2026-01-12 (day)\n'
        f'{src}:3: statement.occurred: read "16/03/2026" as 2026-03-16 (day)\n'
        "would import 3 events as records 13-15; read 2 dates written another way, as listed "
        "above (dry run: nothing written)\n"
    )
    data = json.loads(cli("import", str(src), "--dry-run", "--json").out)
    assert data["dates_read"] == 2
    assert data["date_readings"][1] == {
        "where": f"{src}:3",
        "field": "statement.occurred",
        "given": "16/03/2026",
        "read_as": "2026-03-16",
        "precision": "day",
    }


def test_a_jsonl_import_reads_them_too(grok_log: Path, cli: Run, tmp_path: Path) -> None:
    """A JSON line's date written out is read the same way, and a bad one named by its line."""
    event = {
        "type": "statement",
        "speaker": "uk-gov",
        "quote": "q",
        "sources": [{"publisher": "A", "url": "https://a.org/x", "published": "12 janvier 2026"}],
    }
    src = tmp_path / "e.jsonl"
    src.write_text(json.dumps(dict(event, occurred="~2026-01-11")) + "\n")
    result = cli("import", str(src), "--dry-run")
    assert result.out.splitlines()[:2] == [
        f'{src}:1: statement.occurred: read "~2026-01-11" as 2026-01-11~ (day)',
        f'{src}:1: statement.sources.0.published: read "12 janvier 2026" as 2026-01-12 (day)',
    ]
    src.write_text(json.dumps(dict(event, occurred="03/04/2026")) + "\n")
    result = cli("import", str(src), "--date-order", "MDY", "--dry-run")
    assert f'{src}:1: statement.occurred: read "03/04/2026" as 2026-03-04 (day)' in result.out
    result = cli("import", str(src))
    assert result.status == 1
    assert result.err.startswith(
        f"tracker: error: {src}:1: statement.occurred: invalid date '03/04/2026': it reads as "
        "2026-04-03 (day first) or as 2026-03-04 (month first)"
    )


@pytest.mark.parametrize(
    ("argv", "loaded"),
    [
        (["add", "statement", "--occurred", "2026-01-12"], False),
        (["add", "statement", "--occurred", "12 January 2026"], True),
        (["import", "FILE"], False),
    ],
)
def test_dateparser_loads_only_for_a_date_written_out(
    grok_log: Path, tmp_path: Path, argv: list[str], loaded: bool
) -> None:
    """Start-up stays fast: a date in the log's grammar never imports dateparser."""
    src = tmp_path / "e.csv"
    src.write_text(CSV.replace("Januari 12 2026", "2026-01-12").replace("16/03/2026", "2026-03-16"))
    args = [str(src) if a == "FILE" else a for a in argv]
    if args[0] == "add":
        args += ["--speaker", "uk-gov", "--quote", "q", "--source", "https://a.org/z"]
        args += ["--publisher", "A", "--dry-run"]
    code = (
        "import sys, contextlib, io\n"
        "from tracker.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    status = main({[*args, '--log', str(grok_log)]!r})\n"
        "print(status, 'dateparser' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == f"0 {loaded}\n"
