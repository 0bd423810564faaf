"""``tracker``: the parser, dispatch to the command modules, and the error guard.

The command modules are listed once, in :data:`COMMAND_MODULES`; each exposes
``register(subparsers)`` and adds its commands with :func:`tracker.cli.common.command`. A module
builds costly parsers (flags from the event models) only when its command was typed:
:func:`tracker.cli.common.selected` tells which words were.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from tracker.cli.common import Parser, add_global_options, display_zone
from tracker.cli.errors import EXIT_OK, UsageError, guarded

TYPE_CHECKING = False  # not typing's: keeps typing out of `tracker --help`
if TYPE_CHECKING:
    from tracker.store.base import Clock

COMMAND_MODULES: tuple[str, ...] = (
    "tracker.cli.write_cmds",
    "tracker.cli.read_cmds",
    "tracker.cli.check_cmds",
    "tracker.cli.registry_cmds",
    "tracker.cli.demo",
    "tracker.cli.projections",
    "tracker.cli.sql",
    "tracker.cli.report",
    "tracker.cli.share",
    "tracker.cli.proof_cmds",
    "tracker.cli.erase_cmds",
)
"""The modules that add commands, in the order ``tracker --help`` lists them."""

DESCRIPTION = """\
Record, replay and check a controversy's timeline: who said what, when, on whose evidence.

Start with 'tracker demo' (the bundled Grok case), or 'tracker init' for your own log.
Every command takes --json for stable, machine-readable output, and --help with an example.
"""

EPILOG = """\
The log is --log PATH, else $TRACKER_LOG (unless empty), else ./tracker.jsonl.
Exit status: 0 ok, 1 refused input, 2 usage, 3 bug (please report), 4 torn tail,
5 integrity, 6 I/O, 7 lock timeout, 130 interrupted.

Example:
  $ tracker demo
  $ tracker init --log grok.jsonl
"""


def _words(argv: Sequence[str]) -> list[str]:
    """The command words typed (``tracker --log x actor add ofcom`` -> actor, add, ofcom)."""
    out: list[str] = []
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token == "--":
            break
        if token in ("--log", "--tz"):
            skip = True
            continue
        if token.startswith("-"):
            if out:
                break
            continue
        out.append(token)
    return out


def build_parser(argv: Sequence[str] = ()) -> Parser:
    """The whole parser; costly sub-parsers are built only for the command in ``argv``."""
    from tracker import __version__

    parser = Parser(prog="tracker", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"tracker {__version__}")
    add_global_options(parser, top=True)
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands", parser_class=Parser, required=True
    )
    subparsers.tracker_words = _words(argv)  # type: ignore[attr-defined]
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """Run ``tracker`` with ``argv`` (default: the process's arguments); return the exit status.

    ``clock`` stamps appended records (tests only; the wall clock otherwise).
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args_list
    debug = "--debug" in args_list

    def call() -> int:
        parser = build_parser(args_list)
        try:
            args, extra = parser.parse_known_args(args_list)
            if extra:  # reported by the command's own parser, which knows its flags
                getattr(args, "parser", parser).error(f"unrecognized arguments: {' '.join(extra)}")
        except SystemExit as exc:  # --help and --version exit 0 through argparse
            if exc.code in (0, None):
                return EXIT_OK
            raise UsageError(str(exc)) from None
        args.clock = clock
        args.zone = display_zone(args)
        status = args.handler(args)
        return EXIT_OK if status is None else int(status)

    return guarded(call, as_json=as_json, debug=debug)


def run(argv: Sequence[str] | None = None) -> int:
    """The console script's entry point (``tracker.cli:main`` calls it)."""
    return main(argv)


__all__ = ["COMMAND_MODULES", "build_parser", "main", "run"]


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
