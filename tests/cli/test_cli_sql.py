"""``tracker sql``: one read-only query on the answers as tables, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tracker

from .conftest import Run


def test_a_query_prints_a_table(grok: Path, cli: Run) -> None:
    """The rows come as a table with the query's column names as headers."""
    result = cli("sql", "SELECT holder, position FROM stances WHERE topic = 'image-paywall'")
    assert result.status == 0, result.err
    assert result.out.splitlines() == ["holder  position", "uk-gov  -2"]


def test_json_gives_the_clocks_the_columns_and_the_rows(grok: Path, cli: Run) -> None:
    """--json prints the clocks, the column names and the rows, as the replay at those clocks
    answers."""
    result = cli("sql", "--as-of", "2026-01-09", "--json", "SELECT id FROM timeline")
    assert result.status == 0, result.err
    data = json.loads(result.out)
    expected = tracker.open(grok).replay(as_of="2026-01-09", fold=True).timeline().ids()
    assert data["columns"] == ["id"]
    assert data["rows"] == [[i] for i in expected]
    assert data["as_of"] == "2026-01-09T23:59:59.999999Z"


def test_csv_neutralises_formulas_unless_raw(grok: Path, cli: Run) -> None:
    """--csv writes a header and the rows; a text cell a spreadsheet would run as a formula
    gets a leading ' (OWASP's rule), numbers stay numbers; --raw keeps the text."""
    query = "SELECT '=HYPERLINK(1)' AS f, -2 AS n, '@x' AS a, 'plain' AS p"
    rows = list(csv.reader(io.StringIO(cli("sql", "--csv", query).out)))
    assert rows == [["f", "n", "a", "p"], ["'=HYPERLINK(1)", "-2", "'@x", "plain"]]
    raw = list(csv.reader(io.StringIO(cli("sql", "--csv", "--raw", query).out)))
    assert raw[1] == ["=HYPERLINK(1)", "-2", "@x", "plain"]


@pytest.mark.parametrize(
    "text", ["\uff1dHYPERLINK(1)", "\n=1+1", "'=quoted", "\t@x", "-1+1", "+1"]
)
def test_csv_neutralises_as_every_csv_export_does(grok: Path, cli: Run, text: str) -> None:
    """--csv writes a text cell exactly as ``tracker export csv`` does (one neutraliser): the
    full-width formula signs and a leading newline are neutralised too, and a text that
    starts with ' gets one more, so every neutralised cell reads back as its text."""
    from tracker._inert import csv_restore, csv_text

    query = "SELECT ? AS t".replace("?", "'" + text.replace("'", "''") + "'")
    rows = list(csv.reader(io.StringIO(cli("sql", "--csv", query).out, newline="")))
    assert rows[1] == [csv_text(text)] and rows[1][0].startswith("'")
    assert csv_restore(rows[1][0]) == text


def test_tables_lists_every_table_and_column(grok: Path, cli: Run) -> None:
    """--tables lists each table with its columns' names and types (and --json)."""
    from tracker.derived.readmodel.sql import TABLES, columns

    data = json.loads(cli("sql", "--tables", "--json").out)
    assert [t["name"] for t in data["tables"]] == list(TABLES)
    for table in data["tables"]:
        assert [c["name"] for c in table["columns"]] == [c.name for c in columns(table["name"])]
    text = cli("sql", "--tables").out
    assert "stance_changes:" in text and "occurred_earliest" in text


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM versions",
        "ATTACH DATABASE 'evil.db' AS evil",
        "VACUUM INTO 'evil.db'",
        "PRAGMA writable_schema = ON",
        "SELECT 1; DROP TABLE versions",
        "CREATE TABLE t (a)",
    ],
)
def test_writing_sql_is_refused_in_one_line(
    grok: Path, cli: Run, tmp_path: Path, query: str
) -> None:
    """SQL that would write or attach anything exits 1 with one line, the log untouched and no
    file made."""
    before = grok.read_bytes()
    result = cli("sql", query)
    assert result.status == 1
    assert result.out == ""
    assert len(result.err.splitlines()) == 1 and result.err.startswith("tracker: error: SQL: ")
    assert grok.read_bytes() == before
    assert not (tmp_path / "evil.db").exists()


def test_no_query_is_a_usage_error(grok: Path, cli: Run) -> None:
    """Without a query (or --tables) the command says what to give, exit 2."""
    result = cli("sql")
    assert result.status == 2
    assert "give a QUERY" in result.err


def test_an_empty_answer_says_so(grok: Path, cli: Run) -> None:
    """A query with no rows prints its headers and says there are none."""
    result = cli("sql", "SELECT id FROM timeline WHERE id = 'nothing'")
    assert result.status == 0
    assert result.out.splitlines() == ["id", "(no rows)"]


def test_ctrl_c_stops_a_query_that_runs_away(grok: Path) -> None:
    """A recursive query without end: Ctrl-C (SIGINT) stops it with 'interrupted' and exit 130
    (SQLite's own loop never returned to Python, so the signal waited for ever)."""
    forever = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    argv = [sys.executable, "-m", "tracker", "--log", str(grok), "sql", forever]
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # (a shell starts background jobs with SIGINT ignored, and an ignored SIGINT is
        # inherited: give the command a terminal's default, as a user's shell does)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    ) as proc:
        assert proc.stderr is not None
        time.sleep(2)  # (let it start: Ctrl-C before the query is an interrupt too)
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail("the query went on after Ctrl-C")
    assert proc.returncode == 130, err
    assert out == "" and err.strip() == "tracker: error: interrupted"
