"""``tracker sql``: one read-only SQL query on the projections as tables, at two clocks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tracker.cli.common import (
    add_date_options,
    command,
    dates,
    emit,
    emit_streamed,
    no_results,
    open_log,
    say,
    table_lines,
)

if TYPE_CHECKING:
    import argparse

DESCRIPTION = """\
Run one SQL query (SQLite's dialect) on the log's projections as tables, as they stood at
--as-of, as the log knew them at --known-at: timeline, uncertain, stances, stance_changes,
figures, posture, posture_steps, posture_history, ignored_endings, claims, verdicts, fixes,
actors, topics, relations, clocks.
Their columns are the ones --json prints (a date is six columns, a list its JSON text);
'tracker sql --tables' lists them. The read model's own tables are there too: versions
(every version of every event, with the records between which it held: rec_from, rec_to),
version_keys, fix_records, stamps. Only reading is allowed: anything that would write,
attach a file or load code is refused. Table interface version 2 (see the CHANGELOG).
"""


def register(subparsers: Any) -> None:
    """Add ``sql``."""
    p = command(
        subparsers,
        "sql",
        help="query the projections with SQL (read only), at any two dates",
        description=DESCRIPTION,
        example=(
            "tracker sql \"SELECT holder, position FROM stances WHERE topic = 'image-paywall'\"\n"
            "tracker sql --as-of 2026-01-09 --csv 'SELECT * FROM figures' > figures.csv\n"
            "tracker sql --tables"
        ),
        handler=_sql,
    )
    p.add_argument("query", metavar="QUERY", nargs="?", help="one SELECT statement")
    add_date_options(p)
    form = p.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true", help="print CSV (a header, then the rows)")
    form.add_argument("--tables", action="store_true", help="list the tables and their columns")
    p.add_argument(
        "--raw",
        action="store_true",
        help="with --csv: keep text starting with = + - @ as it is (for programs, not "
        "spreadsheets: by default such a cell gets a leading ' so it is never a formula)",
    )


def _sql(args: argparse.Namespace) -> None:
    if args.tables:
        _tables(args)
        return
    if not args.query:
        args.parser.error("give a QUERY (one SELECT statement), or --tables to list the tables")
    from tracker.cli.outputs import clocks

    with open_log(args) as log:
        answer = log.sql(args.query, **dates(args))
    rows = iter(answer)
    if args.json:
        from tracker.cli.outputs import dump

        result = dump("sql", {**clocks(answer.state), "columns": answer.columns, "rows": []})
        del result["rows"]
        emit_streamed(result, "rows", (list(row) for row in rows))
        return
    if args.csv:
        _csv(answer.columns, rows, raw=args.raw)
        return
    first = next(rows, None)
    if first is None:
        say(" ".join(answer.columns))
        say(no_results("rows"))
        return
    for line in table_lines(_chain(first, rows), answer.columns, sample=200):
        say(line)


def _csv(columns: list[str], rows: Iterator[tuple[Any, ...]], *, raw: bool) -> None:
    """The rows as CSV on standard output, as every export is printed there (on a terminal,
    control characters shown as escapes), a thousand rows at a time."""
    from tracker.cli.report import export_to_stdout

    chunk = io.StringIO()
    writer = csv.writer(chunk, lineterminator="\n")
    writer.writerow(columns)
    for n, row in enumerate(rows, 1):
        writer.writerow(row if raw else [_inert(cell) for cell in row])
        if n % 1000 == 0:
            export_to_stdout(chunk.getvalue().encode("utf-8"))
            chunk.seek(0)
            chunk.truncate()
    export_to_stdout(chunk.getvalue().encode("utf-8"))


def _chain(first: tuple[Any, ...], rest: Iterator[tuple[Any, ...]]) -> Iterator[list[str]]:
    yield [_cell(v) for v in first]
    for row in rest:
        yield [_cell(v) for v in row]


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _inert(value: Any) -> Any:
    """A text cell as every CSV export writes it (:func:`tracker._inert.csv_text`: a leading
    ' before what a spreadsheet would take for a formula); numbers stay numbers."""
    from tracker._inert import csv_text

    return csv_text(value) if isinstance(value, str) else value


def _tables(args: argparse.Namespace) -> None:
    from tracker.cli.outputs import dump
    from tracker.derived.readmodel.sql import INTERFACE_VERSION, TABLES

    tables: list[dict[str, Any]] = []
    for name, (shape, _rows) in TABLES.items():
        tables.append({
            "name": name,
            "description": shape.description,
            "columns": [
                {"name": c.name, "type": c.kind, "list": c.many, "nullable": c.nullable,
                 "description": c.description}
                for c in shape.columns
            ],
        })
    result = dump("sql --tables", {"interface": INTERFACE_VERSION, "tables": tables})

    def text(_: Any) -> str:
        lines = [f"tables of 'tracker sql' (interface version {INTERFACE_VERSION}):"]
        for t in tables:
            lines += ["", f"{t['name']}: {t['description']}"]
            for c in t["columns"]:
                kind = f"list of {c['type']}" if c["list"] else c["type"]
                lines.append(f"  {c['name']:<24} {kind:<16} {c['description']}")
        lines += ["", "and the read model's: versions, version_keys, fix_records, stamps"]
        return "\n".join(lines)

    emit(result, args.json, text)
