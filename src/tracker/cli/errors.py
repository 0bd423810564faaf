"""The one place where the command line decides exit codes and prints errors.

=====  ==========================================================================
code   meaning
=====  ==========================================================================
0      ok
1      refused input: validation, unknown id, conflict (``TrackerError.exit_code``)
2      usage: an unknown command or flag, a missing argument
3      unexpected error: a bug, "please report" (a traceback only with ``--debug``)
4      torn tail: the log ends in a torn line or unfinished batch (``tracker repair``)
5      integrity: a broken chain, an edited line, a head the log does not extend
6      I/O failure, or durability unknown (disk full, failed fsync)
7      lock timeout: another process held the log too long
130    interrupted (Ctrl-C)
=====  ==========================================================================

Every error is one line on stderr (``tracker: error: ...``), or with ``--json`` one JSON object
``{"error": {"code": ..., "message": ...}}`` on stderr. Never a traceback, unless ``--debug``
is given and the error is unexpected.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing's: keeps typing out of `tracker --help`
if TYPE_CHECKING:
    from collections.abc import Callable

    from tracker.errors import TrackerError

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_UNEXPECTED = 3
EXIT_INTERRUPTED = 130

EXIT_CODES: dict[int, str] = {
    0: "ok",
    1: "refused input: validation, unknown id, conflict",
    2: "usage: unknown command or flag, missing argument",
    3: "unexpected error (please report it; --debug shows the traceback)",
    4: "torn tail: the log ends in a torn line or unfinished batch (see tracker repair)",
    5: "integrity: broken chain, edited line, or head not extended",
    6: "I/O failure or durability unknown (disk full, failed fsync)",
    7: "lock timeout: another process held the log too long",
    130: "interrupted (Ctrl-C)",
}
"""Every exit status and what it means (the exit-status table of docs/cli.md is checked against this)."""


class UsageError(Exception):
    """A command line that does not parse (argparse's ``error`` raises it): exit 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _print_error(
    code: str, message: str, *, as_json: bool, extra: dict[str, object] | None = None
) -> None:
    if as_json:
        import orjson

        # the shape 'tracker schema --output error' declares (tracker.cli.outputs), written
        # here by hand so that an error never needs the models imported
        body: dict[str, object] = {
            "code": code,
            "message": message,
            "problems": [],
            "count": None,
            **(extra or {}),
        }
        from tracker._inert import terminal_json

        data = terminal_json(
            orjson.dumps({"error": body}, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)
        )
        sys.stderr.flush()
        sys.stderr.buffer.write(data)
        sys.stderr.flush()
        return
    lines = _printable(message).split("\n") or [""]
    _say(f"tracker: error: {lines[0]}")
    for line in lines[1:]:
        _say(f"  {line}")


def _say(line: str) -> None:
    """Print an error line already made safe by :func:`_printable` (on stderr)."""
    print(line, file=sys.stderr)  # noqa: T201 - errors' own print; text escaped by the caller


def _printable(text: str) -> str:
    """Escape control characters (a user's input echoed in a message may hold some), so an
    error cannot move the cursor, recolour the terminal or break its line; newlines stay."""
    from tracker._inert import visible

    return visible(text, keep="\n")


def _tracker_error() -> type[TrackerError]:
    """TrackerError, imported only when an exception is on its way (not for `--help`)."""
    from tracker.errors import TrackerError

    return TrackerError


def guarded(call: Callable[[], int], *, as_json: bool, debug: bool) -> int:
    """Run ``call`` and turn whatever it raises into an exit status and one line on stderr."""
    try:
        return call()
    except UsageError as exc:
        _print_error("usage", exc.message, as_json=as_json)
        return EXIT_USAGE
    except _tracker_error() as exc:
        problems = getattr(exc, "problems", None)
        if problems is not None:
            count = getattr(exc, "count", len(problems))
            more = count - len(problems)
            if as_json:
                _print_error(
                    exc.code,
                    exc.message + exc.cli_hint,
                    as_json=True,
                    extra={"problems": problems, "count": count},
                )
            else:
                for line in problems:
                    _say(f"tracker: error: {_printable(line)}")
                if more:
                    _say(f"tracker: error: ... and {more} more")
                summary = exc.summary
                if summary is None:
                    noun = "unknown reference" if exc.code == "unknown-id" else "bad line"
                    summary = f"{count} {noun}{'' if count == 1 else 's'}"
                _say(f"tracker: {summary}; nothing was imported")
        else:
            # the records verify --keys finds failing: one line (the first, and how many
            # more); with --json each one, under problems
            findings = getattr(exc, "findings", None)
            extra = None if findings is None else {"problems": findings, "count": exc.count}  # type: ignore[attr-defined]
            # the command line's advice in place of the library's (Python's) advice
            _print_error(exc.code, exc.message + exc.cli_hint, as_json=as_json, extra=extra)
        return exc.exit_code
    except KeyboardInterrupt:
        _print_error("interrupted", "interrupted", as_json=as_json)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (tracker log | head): stop quietly, and keep Python from
        # complaining when it flushes stdout at exit.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass  # stdout is not a real file (in tests): nothing will flush to a closed pipe
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the one place that catches everything
        if debug:
            import traceback

            traceback.print_exc()
        message = (
            f"unexpected error: {type(exc).__name__}: {exc}; this is a bug in tracker, please "
            "report it with the command you ran"
            + ("" if debug else " (run again with --debug for the traceback)")
        )
        _print_error("unexpected", message, as_json=as_json)
        return EXIT_UNEXPECTED


__all__ = ["EXIT_CODES", "EXIT_OK", "EXIT_REFUSED", "EXIT_USAGE", "UsageError", "guarded"]
