"""``tracker report``, ``tracker plot`` and ``tracker export``: show the log and share it.

Each command replays the log at ``--as-of`` / ``--known-at`` and hands the state to
:mod:`tracker.report`, which returns text or bytes; this module only parses, writes the file
(atomically: a temporary file beside it, then a rename) and says what it wrote.
"""

from __future__ import annotations

import argparse
import os
import sys

from tracker.cli.common import add_date_options, command, dates, emit, open_log, plural
from tracker.cli.errors import UsageError

TYPE_CHECKING = False  # not typing's: keeps typing out of `tracker --help`
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

CHARTS = ("stances", "figures", "posture", "timeline")
"""What ``tracker plot`` draws (kept equal to tracker.report.charts.CHARTS by a test)."""

EXPORTS = ("timelinejs", "csv", "claimreview")

GROUPINGS = ("kind", "actor", "topic", "type", "none")
"""How ``export timelinejs`` may group events in rows, the default first (kept equal to
tracker.report.exports.GROUPINGS by a test)."""


def register(subparsers: Any) -> None:
    """Add ``report``, ``plot`` and ``export``."""
    p = command(
        subparsers,
        "report",
        help="write a self-contained HTML report: timeline, stances, figures, regulators, disputes",
        description=(
            "Write one HTML page that works offline (no script, nothing loaded from the web),\n"
            "on a laptop or a phone: the timeline with uncertain dates drawn as such, stances\n"
            "over time with each change linked to its evidence, figures with units and disputed\n"
            "values marked, the regulators' escalation ladder, disputes and corrections, and\n"
            "every event with its sources. The footer names the log head and the replay dates.\n"
            "Needs the 'report' extra: pip install 'tracker[report]'."
        ),
        example=(
            "tracker report --out grok.html\n"
            "tracker report --out grok-jan10.html --as-of 2026-01-10 --known-at 2026-01-12"
        ),
        handler=_report,
    )
    p.add_argument("--out", metavar="FILE.html", required=True, help="the page to write")
    p.add_argument("--title", help="the page's headline (default: Controversy report)")
    add_date_options(p)

    p = command(
        subparsers,
        "plot",
        help="draw one chart as PNG or SVG, for an article or a slide",
        description=(
            "Draw one chart of the replay: stances (each holder's position per topic over time),\n"
            "figures (each metric's reported values, in its unit), posture (the regulators'\n"
            "escalation ladder) or timeline. The format follows --out: .png or .svg.\n"
            "Needs the 'report' extra: pip install 'tracker[report]'."
        ),
        example=(
            "tracker plot posture --out ladder.png\n"
            "tracker plot stances --out stances.svg --as-of 2026-01-10"
        ),
        handler=_plot,
    )
    p.add_argument("chart", choices=CHARTS, help="which chart")
    p.add_argument("--out", metavar="FILE.png|FILE.svg", required=True, help="the image to write")
    p.add_argument(
        "--dpi", type=int, default=200, help="PNG resolution (default 200; 8 inches wide)"
    )
    add_date_options(p)

    p = command(
        subparsers,
        "export",
        help="export to TimelineJS3 JSON, CSV tables or schema.org ClaimReview JSON-LD",
        description=(
            "timelinejs   the JSON TimelineJS3 loads (approximate dates keep a display date)\n"
            "csv          every table (events, actors, topics, fixes, verifications and each\n"
            "             projection) as DIR/<table>.csv with --out DIR, or one table on stdout\n"
            "claimreview  one schema.org ClaimReview per verification: claim, verdict, reviewer\n"
            "Without --out the export goes to standard output. Unlike report and plot, export\n"
            "needs no matplotlib.\n\n"
            "CSV is made safe for spreadsheets: a text cell starting with =, +, -, @, a tab or a\n"
            "carriage return (which a spreadsheet would run as a formula) or with ' gets a ' in\n"
            "front (OWASP's rule); numbers stay numbers. --raw keeps every text exactly as\n"
            "recorded, for programs that read the file (never open such a file in a spreadsheet)."
        ),
        example=(
            "tracker export timelinejs --out grok-timeline.json --title 'Grok and the paywall'\n"
            "tracker export csv --out tables/\n"
            "tracker export csv --table events > events.csv\n"
            "tracker export claimreview --out claimreview.jsonld"
        ),
        handler=_export,
    )
    p.add_argument("format", choices=EXPORTS, help="which format")
    p.add_argument("--out", metavar="PATH", help="a file (a directory for csv); default: stdout")
    p.add_argument(
        "--group-by",
        choices=GROUPINGS,
        default=GROUPINGS[0],
        help="timelinejs: one row per kind of actor (regulators, media, ...; the default), per "
        "actor, topic or event type, or none (one row)",
    )
    p.add_argument(
        "--title",
        help="timelinejs: the title slide's headline (default: the report's, Controversy report)",
    )
    p.add_argument(
        "--table", metavar="NAME", help="csv without --out: the table to print (default events)"
    )
    p.add_argument(
        "--raw",
        action="store_true",
        help="csv: keep text cells exactly as recorded, for programs (no ' before a cell that "
        "starts like a formula); unsafe to open in a spreadsheet",
    )
    add_date_options(p)


# --- writing -----------------------------------------------------------------------------------


def write_file(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file beside it, then a rename).

    The file gets the mode a plain write would give it (``umask`` applied), so a report can
    be shared or served as any other file; an existing file keeps its own.
    """
    import tempfile
    from pathlib import Path

    from tracker.errors import InvalidInputError

    if not path.strip():
        msg = "--out is empty: give the file to write (--out report.html)"
        raise InvalidInputError(msg)
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        msg = f"cannot write {path}: it is a directory (give a file name)"
        raise InvalidInputError(msg)
    if not folder.is_dir():
        msg = f"cannot write {path}: no directory {folder} (create it first)"
        raise InvalidInputError(msg)
    if _holds_a_log(target):
        msg = (
            f"cannot write {path}: it is a tracker log, which an output never replaces; give "
            "--out another file"
        )
        raise InvalidInputError(msg)
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:  # permission, a read-only disk, a full one, ...
        reason = exc.strerror.lower() if exc.strerror else type(exc).__name__
        raise InvalidInputError(f"cannot write {path}: {reason}") from None


def _holds_a_log(target: Path) -> bool:
    """Whether ``target`` is a regular file whose first line is a log's record (``--out``
    naming the log, often by a completion of its name, would have replaced it)."""
    import json
    import stat

    try:  # (never blocking: a FIFO there is not waited on)
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False  # nothing there (or unreadable: the write says why)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        first = f.readline(1 << 20)
    try:
        data = json.loads(first)
    except ValueError:
        return False
    return isinstance(data, dict) and {"seq", "prev", "hash", "event"} <= data.keys()


def export_to_stdout(data: bytes) -> None:
    """An export on standard output: as it is into a pipe or a file; on a terminal, with its
    control characters shown as escapes (a quote's ESC sequence never reaches the screen).
    Every export printed on standard output goes through here (``export``, ``sql --csv``)."""
    if sys.stdout.isatty():
        from tracker._inert import visible

        text = data.decode("utf-8").replace("\r\n", "\n")
        data = visible(text, keep="\n").encode("utf-8")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _summary(output: str, log: Any, state: Any, **extra: Any) -> dict[str, Any]:
    """What ``output`` prints with --json: what was written, and the replay it came from."""
    from tracker.cli.outputs import clocks, dump

    head = log.head()
    values = {**extra, **clocks(state), "replayed_seq": state.head_seq, "log_head": str(head)}
    return dump(output, values)


def _short_head(summary: dict[str, Any]) -> str:
    seq, digest = summary["log_head"].split(":")
    return f"log head {seq}:{digest[:12]}…"


# --- handlers ----------------------------------------------------------------------------------


def _report(args: argparse.Namespace) -> int:
    from tracker.report import render_report

    with open_log(args) as log:
        state = log.replay(**dates(args))
        html = render_report(state, log_head=log.head(), title=args.title)
        data = html.encode("utf-8")
        write_file(args.out, data)
        events = len(state.timeline()) + len(state.uncertain())
        summary = _summary("report", log, state, wrote=args.out, bytes=len(data), events=events)
    text = f"wrote {args.out}: {plural(events, 'event')}, 4 charts, {_short_head(summary)}"
    emit(summary, args.json, text)
    return 0


def _plot(args: argparse.Namespace) -> int:
    from tracker.report import render_chart

    suffix = os.path.splitext(args.out)[1].lower()
    if suffix not in (".png", ".svg"):
        msg = f"plot: give --out a .png or .svg file, not '{args.out}' (see 'tracker plot --help')"
        raise UsageError(msg)
    if not 20 <= args.dpi <= 1200:
        msg = f"plot: --dpi {args.dpi} is out of range; use 20 to 1200"
        raise UsageError(msg)
    with open_log(args) as log:
        state = log.replay(**dates(args))
        data = render_chart(
            state, args.chart, format="png" if suffix == ".png" else "svg", dpi=args.dpi
        )
        write_file(args.out, data)
        summary = _summary(
            "plot", log, state, wrote=args.out, bytes=len(data), chart=args.chart
        )
    emit(summary, args.json, f"wrote {args.out}: the {args.chart} chart, {_short_head(summary)}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from tracker.report import exports

    if args.raw and args.format != "csv":
        msg = "export: --raw goes with csv only (JSON exports keep text as it is)"
        raise UsageError(msg)
    with open_log(args) as log:
        state = log.replay(**dates(args))
        head = log.head()
        if args.format == "csv":
            return _export_csv(args, log, state)
        payload: Any
        if args.format == "timelinejs":
            payload = exports.timelinejs(
                state, log_head=head, group_by=args.group_by, title=args.title
            )
            count = len(payload["events"])
        else:
            payload = exports.claimreview(state)
            count = len(payload)
        data = exports.to_json(payload)
        if args.out is None:
            export_to_stdout(data)
            return 0
        write_file(args.out, data)
        summary = _summary("export", log, state, wrote=args.out, bytes=len(data), items=count)
    what = plural(count, "event" if args.format == "timelinejs" else "review")
    emit(summary, args.json, f"wrote {args.out}: {what}, {_short_head(summary)}")
    return 0


def _export_csv(args: argparse.Namespace, log: Any, state: Any) -> int:
    from pathlib import Path

    from tracker.errors import InvalidInputError
    from tracker.report import exports

    tables = exports.csv_tables(state, raw=args.raw)
    if args.out is None:
        name = args.table or "events"
        if name not in tables:
            import difflib

            close = difflib.get_close_matches(name, list(tables), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (tables: {', '.join(tables)})"
            msg = f"unknown table '{name}'{hint}"
            raise InvalidInputError(msg)
        export_to_stdout(tables[name].encode("utf-8"))
        return 0
    if args.table is not None:
        msg = "export csv: --table prints one table to stdout; leave it out with --out DIR"
        raise UsageError(msg)
    folder = Path(args.out)
    if folder.exists() and not folder.is_dir():
        msg = f"cannot write tables into {args.out}: it is a file (give a directory)"
        raise InvalidInputError(msg)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror.lower() if exc.strerror else type(exc).__name__
        raise InvalidInputError(f"cannot write tables into {args.out}: {reason}") from None
    for name, text in tables.items():  # (the tables built above, each written safely)
        write_file(str(folder / f"{name}.csv"), text.encode("utf-8"))
    summary = _summary("export csv", log, state, wrote=args.out, tables=sorted(tables))
    emit(
        summary,
        args.json,
        f"wrote {len(tables)} tables to {args.out}: {', '.join(tables)}; {_short_head(summary)}",
    )
    return 0
