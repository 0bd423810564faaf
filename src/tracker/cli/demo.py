"""``tracker demo``: the bundled Grok log, and a short walk through it with the real commands."""

from __future__ import annotations

import argparse
import os

from tracker.cli.common import command, emit, say

TYPE_CHECKING = False  # not typing's: keeps typing out of `tracker --help`
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

DEMO_FILE = "grok.jsonl"


def register(subparsers: Any) -> None:
    """Add ``tracker demo``."""
    p = command(
        subparsers,
        "demo",
        help="copy the bundled Grok case to a log and walk through it",
        description=(
            "Put the bundled example (the January 2026 Grok deepfake controversy) at PATH,\n"
            "or in a new temporary directory, and run a few real commands on it, each shown\n"
            "with its --log PATH so you can run it again: the timeline, one event with its\n"
            "sources, a replay at an earlier --as-of (what was only possibly true then), a\n"
            "replay at an earlier --known-at (what was not yet recorded), one actor, the\n"
            "stance changes, and verify.\n"
            "It never reads or changes $TRACKER_LOG. An existing file at PATH is refused,\n"
            "unless it is the demo log itself."
        ),
        example="tracker demo\ntracker demo grok.jsonl",
        handler=_demo,
        log=False,
    )
    p.add_argument(
        "path",
        metavar="PATH",
        nargs="?",
        help=f"where to put the log (a file, or a directory for {DEMO_FILE})",
    )


def _source() -> Path:
    from pathlib import Path

    from tracker.examples import demo_log_path

    return Path(demo_log_path())


def place(path: str | None) -> Path:
    """Copy the demo log to ``path`` (or a new temporary directory) and return where it is.

    Raises:
        LogExistsError: another file is already at ``path``.
    """
    import shutil
    import tempfile
    from pathlib import Path

    from tracker.errors import LogExistsError, LogNotFoundError

    source = _source()
    if path is None:
        target = Path(tempfile.mkdtemp(prefix="tracker-demo-")) / DEMO_FILE
    else:
        target = Path(path)
        if target.is_dir():
            target = target / DEMO_FILE
    if target.exists():
        if target.read_bytes() == source.read_bytes():
            return target
        msg = (
            f"{target} already exists and is not the demo log; give another PATH "
            "(tracker never overwrites a file)"
        )
        raise LogExistsError(msg)
    if not target.parent.is_dir():
        msg = (
            f"cannot create {target}: the directory {target.parent} does not exist; create it first"
        )
        raise LogNotFoundError(msg)
    shutil.copyfile(source, target)
    return target


def steps(path: Path) -> list[tuple[str, list[str]]]:
    """The walk: (what it shows, the command's arguments after ``--log PATH``)."""
    from datetime import timedelta

    import tracker

    with tracker.open(path) as log:
        state = log.replay()
        records = list(log.records())
    timeline = list(state.timeline())
    out: list[tuple[str, list[str]]] = [
        ("The timeline: every event, in the order it happened.", ["replay"])
    ]
    verified = {getattr(e.event, "target", None) for e in timeline if e.type == "verification"}
    pick = next((e for e in timeline if e.id in verified), None) or next(
        (e for e in timeline if e.type == "figure"), timeline[0] if timeline else None
    )
    if pick is not None:
        out.append(
            ("One event, with its sources, its history and who checked it.", ["show", pick.id])
        )
    corrected = next((e for e in timeline if e.corrected_by), None)
    if corrected is not None:
        out.append(
            (
                "An event corrected after it was recorded: the log keeps both versions, "
                "and every replay uses the correction.",
                ["show", corrected.id],
            )
        )
    latest = [
        e.occurred.latest
        for e in timeline
        if e.occurred is not None and e.occurred.latest is not None
    ]
    if latest:
        day = (max(latest) - timedelta(days=1)).date().isoformat()
        out.append(
            (
                f"The state as of {day}: events whose dates straddle that day were only "
                "possibly true "
                "then; they are listed apart, not counted.",
                ["replay", "--as-of", day],
            )
        )
    days = sorted({r.recorded[:10] for r in records})
    if len(days) > 1:
        out.append(
            (
                f"What the log knew at the end of {days[0]}: anything recorded later "
                "(a correction, "
                "say) is not there yet.",
                ["replay", "--known-at", days[0]],
            )
        )
    named = {slug: len(state.actor(slug).events) for slug in sorted(state.actors)}
    if named and max(named.values()):
        busiest = max(named, key=lambda slug: named[slug])  # the first of the most named
        out.append(
            (
                f"One actor, {busiest}: its relations both ways, every event naming it by "
                "role, its stances, figures and the regulatory posture it faces.",
                ["actor", "show", busiest],
            )
        )
    if len(state.stance_changes()):
        out.append(
            (
                "How positions moved: each stance change, classified (new, hardened, "
                "softened, reversed, withdrawn), with the statements on both sides.",
                ["stances", "--changes"],
            )
        )
    out.append(("Check the hash chain: every line untouched since it was written.", ["verify"]))
    return out


def _demo(args: argparse.Namespace) -> int:
    import shlex

    from tracker.cli.main import main

    path = place(args.path)
    walk = steps(path)
    shown = shlex.quote(str(path))
    if args.json:
        from tracker.cli.outputs import dump

        emit(
            dump(
                "demo",
                {
                    "log": str(path),
                    "commands": [["tracker", "--log", str(path), *cmd] for _, cmd in walk],
                },
            ),
            True,
        )
        return 0
    say(f"The bundled Grok example is at {path}")
    say("(the January 2026 Grok deepfake controversy, from the article of 12 January 2026).\n")
    for what, cmd in walk:
        say(f"# {what}")
        say(f"$ tracker --log {shown} {shlex.join(cmd)}")
        status = main(["--log", str(path), *cmd], clock=None)
        say("")
        if status:
            return status
    for line in closing(path, temporary=args.path is None):
        say(line)
    return 0


TRY = (
    ["actor", "list"],
    ["log", "--type", "figure"],
    ["figures", "--subject", "xai", "--unit", "USD_million"],
    ["diff", "--known-at", "2026-01-12", "--to-known-at", "2026-01-14"],
    ["replay", "--as-of", "2026-01-09", "--json"],
)
"""What the closing lines suggest: commands that need nothing beyond the core install."""


def closing(path: Path, *, temporary: bool) -> list[str]:
    """The demo's last lines: commands that work as printed, and what becomes of its files.

    Each command names the log with ``--log``, so it works in any shell (bash, zsh, fish, cmd,
    PowerShell) with no variable to set; paths are quoted for the shell of this platform.
    """
    import shutil
    import sys
    from pathlib import Path

    windows = os.name == "nt"
    shown = _quoted(str(path), windows=windows)
    lines = ["Try it yourself (each command works as shown):"]
    lines += [f"  tracker --log {shown} {_joined(cmd, windows=windows)}" for cmd in TRY]
    if shutil.which("tracker") is None:  # e.g. run as .venv/bin/tracker, not activated
        venv = Path(sys.prefix)
        activate = (
            venv / "Scripts" / "activate.bat" if windows else venv / "bin" / "activate"
        )
        lines.append(
            f"(tracker is not on this shell's PATH: activate its environment first with "
            f"{'' if windows else '. '}{_quoted(str(activate), windows=windows)})"
        )
    if os.environ.get("TRACKER_LOG"):
        lines.append("(your TRACKER_LOG is set; the demo did not use or change it)")
    kept = _cache_folder(path)
    cache = _quoted(str(kept), windows=windows) if kept is not None else None
    if temporary:
        folder = _quoted(str(path.parent), windows=windows)
        gone = folder if cache is None else f"{folder} {cache}"
        remove = f"rmdir /s /q {gone}" if windows else f"rm -r {gone}"
        lines.append("")
        if cache is None:
            lines.append(f"The folder {folder} stays after the demo (the log and its lock file);")
        else:
            lines.append(
                f"The folder {folder} stays after the demo (the log and its lock file), and so "
                f"does what tracker derived from it in your cache, {cache};"
            )
        lines.append(f"remove them when you are done: {remove}")
    else:
        lines.append("")
        lines.append(
            f"The log stays at {shown}, with its lock file {path.name}.lock beside it"
            + (
                "."
                if cache is None
                else f"; what tracker derives from it (rebuilt when missing) is in {cache}."
            )
        )
    return lines


def _cache_folder(path: Path) -> Path | None:
    """Where tracker keeps what it derives from the log at ``path`` (None: nowhere)."""
    import tracker

    with tracker.open(path) as log:
        return log.derived.folder


def _quoted(text: str, *, windows: bool) -> str:
    import shlex
    import subprocess

    return subprocess.list2cmdline([text]) if windows else shlex.quote(text)


def _joined(words: list[str], *, windows: bool) -> str:
    return " ".join(_quoted(w, windows=windows) for w in words)
