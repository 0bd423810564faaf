"""Commands for a log shared by a team: ``tracker copy`` between stores, ``tracker follow`` it live."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from tracker._inert import terminal_json
from tracker.cli.common import (
    clip,
    command,
    emit,
    explain_missing_log,
    open_log,
    plural,
    say,
    when,
)

if TYPE_CHECKING:
    import argparse


def register(subparsers: Any) -> None:
    """Add ``copy`` and ``follow``."""
    p = command(
        subparsers,
        "copy",
        help="copy a log between stores (file, PostgreSQL), records as they are",
        description=(
            "Copy the log SRC into DST, record by record as they are: recorded times and hashes\n"
            "are kept, so the copy verifies with the same head. Each record is verified as it\n"
            "is read. DST is created when missing; if it holds an earlier copy, only the new\n"
            "records are added (a nightly backup); a DST with other records is refused."
        ),
        example=(
            "tracker copy grok.jsonl 'postgresql://db.example.org/newsroom?log=grok'\n"
            "tracker copy 'postgresql://db.example.org/newsroom?log=grok' backup.jsonl"
        ),
        handler=_copy,
        log=False,
    )
    p.add_argument("source", metavar="SRC", help="the log to copy: a path or a postgresql:// URL")
    p.add_argument("destination", metavar="DST", help="where to copy it: a path or a URL")
    p = command(
        subparsers,
        "follow",
        help="print events as they are appended, by anyone, until Ctrl-C",
        description=(
            "Print each new event as it is appended to the log, by this machine or any other:\n"
            "a PostgreSQL log tells followers of each commit; a file log is looked at twice a\n"
            "second. With --json, each record is printed as stored, one per line (JSON Lines)."
        ),
        example="tracker follow\ntracker follow --after 0 --json | jq .event.id",
        handler=_follow,
    )
    p.add_argument(
        "--after",
        metavar="SEQ",
        type=_record_number,
        help="start after record SEQ (0: from the first record; default: only new ones)",
    )
    p.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        help="stop after this many seconds with nothing new (default: never)",
    )


def _record_number(text: str) -> int:
    """``--after``: a record number, 0 or more (argparse makes a refusal a usage error)."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        msg = f"'{text}' is not a record number: give 0 or more (0: from the first record)"
        raise argparse.ArgumentTypeError(msg)
    return value


def _seconds(text: str) -> float:
    """``--timeout``: seconds, 0 or more."""
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (value >= 0 and math.isfinite(value)):
        msg = f"'{text}' is not a number of seconds: give 0 or more (leave it out to wait for ever)"
        raise argparse.ArgumentTypeError(msg)
    return value


def _copy(args: argparse.Namespace) -> None:
    import tracker

    with explain_missing_log(args.source, "source", "to copy"):
        source = tracker.open(args.source)
    with source:
        report = tracker.copy(source, args.destination)
    result = {
        "copied": report.copied,
        "destination": report.destination,
        "head": str(report.head),
        "skipped": report.skipped,
        "source": report.source,
    }
    if report.copied:
        kept = f" ({report.skipped} already there)" if report.skipped else ""
        text = (
            f"copied {plural(report.copied, 'record')} from {report.source} to "
            f"{report.destination}{kept}\nhead {report.head}"
        )
    else:
        text = (
            f"nothing to copy: {report.destination} already holds all "
            f"{plural(report.skipped, 'record')} of {report.source}\nhead {report.head}"
        )
    from tracker.cli.outputs import dump

    emit(dump("copy", result), args.json, text)


def _follow(args: argparse.Namespace) -> None:
    from tracker.cli.render import describe
    from tracker.events.codec import load_event

    with open_log(args) as log:
        if not args.json and sys.stderr.isatty():
            say(f"following {log.location} (Ctrl-C to stop)", file=sys.stderr)
        out = sys.stdout
        tty = out.isatty()
        for record in log.follow_records(after=args.after, timeout=args.timeout):
            if args.json:
                # the record's own bytes into a pipe or a file; on a terminal, what it would
                # act on inside a string is escaped (the JSON means the same)
                line = record.line() if not tty else terminal_json(record.line())
                out.flush()
                out.buffer.write(line + b"\n")
                out.buffer.flush()
                continue
            event = record.event
            fields = (
                str(record.seq),
                when(record.recorded, args),
                event["type"],
                event["id"],
                event.get("occurred", ""),
                clip(describe(load_event(event, seq=record.seq)), 10_000),
            )
            say("  ".join(f for f in fields if f), flush=True)
