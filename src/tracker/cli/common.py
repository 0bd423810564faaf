"""What every command module shares: the parser class, global options, opening the log,
the date options, and output (``emit`` for ``--json`` or text, ``table`` for columns).

Command modules import only this and the standard library at module level; anything heavier
(pydantic, orjson, the facade) is imported inside the handler that needs it, so ``tracker
--help`` stays quick.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence

from tracker._inert import one_line, terminal_json, visible
from tracker.cli.errors import UsageError

TYPE_CHECKING = False  # not typing's: keeps typing out of `tracker --help`
if TYPE_CHECKING:
    from typing import Any, TypedDict

    import tracker

    class ReplayDates(TypedDict):
        """The keywords ``Log.replay`` takes for its two clocks."""

        as_of: str | None
        known_at: str | None

DEFAULT_LOG = "tracker.jsonl"
"""The log used when neither ``--log`` nor ``TRACKER_LOG`` names one (in the current directory)."""

ENV_LOG = "TRACKER_LOG"

ENV_TZ = "TRACKER_TZ"
"""Names the zone human output shows times in when ``--tz`` is not given."""

Handler = Callable[[argparse.Namespace], int | None]

_INVALID_CHOICE = (
    r"argument (?P<arg>[^:]+): invalid choice: '(?P<value>[^']*)' \(choose from (?P<choices>.*)\)"
)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (raised as UsageError, exit 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> Any:  # noqa: D102 - argparse's hook
        import re

        match = re.search(_INVALID_CHOICE, message)
        if match is not None:
            from tracker._suggest import did_you_mean

            value = match["value"]
            choices = [c.strip().strip("'") for c in match["choices"].split(",")]
            hint = did_you_mean(value, choices)
            listed = "" if hint else f" (choose from {', '.join(choices)})"
            if match["arg"] in _WORDS:
                what = _WORDS[match["arg"]].split(" ", 1)[-1]
                message = f"unknown {what} '{value}'{hint}{listed}"
            else:
                message = f"{match['arg']}: '{value}' is not a choice{hint}{listed}"
        elif message.startswith("the following arguments are required:"):
            missing = message.split(":", 1)[1].strip()
            first = missing.split(",")[0].strip()
            if first in _WORDS:
                actions = self._subparsers._group_actions if self._subparsers else []  # noqa: SLF001
                choices = list(getattr(actions[0], "choices", None) or []) if actions else []
                message = (
                    f"give {_WORDS[first]}: {', '.join(choices)}"
                    if choices
                    else f"give {_WORDS[first]}"
                )
            else:
                message = f"missing {missing}"
        elif message.startswith("unrecognized arguments:"):
            message = _unrecognized(self, message)
        elif message.endswith(": expected one argument"):
            flag = message.removeprefix("argument ").split(":")[0].split("/")[0]
            message = f"{flag} needs a value"
        elif message.startswith("argument "):  # a value its type refused: name the flag alone
            message = message.removeprefix("argument ")
        where = self.prog.removeprefix("tracker").strip()
        prefix = f"{where}: " if where else ""
        raise UsageError(f"{prefix}{message} (see '{self.prog} --help')")


_WORDS = {"COMMAND": "a command", "TYPE": "an event type", "ACTION": "an action"}


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, sized from $COLUMNS or the terminal without importing shutil."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24) -> None:
        try:
            columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns
        except (ValueError, OSError):
            columns = 80
        super().__init__(prog, indent_increment, max_help_position, width=max(columns, 40) - 2)


def _unrecognized(parser: argparse.ArgumentParser, message: str) -> str:
    """Add "did you mean" to an unknown flag."""
    import difflib

    words = message.split(":", 1)[1].split()
    flags = [s for a in parser._actions for s in a.option_strings]  # noqa: SLF001 - argparse has no public list
    for word in words:
        if word.startswith("-"):
            name = word.split("=", 1)[0]
            close = difflib.get_close_matches(name, flags, n=1)
            if close:
                return f"unknown flag {name}; did you mean {close[0]}?"
            return f"unknown flag {name}"
    if words and words[0].lower() in _YES_NO:
        switches = [f for f in flags if f.startswith("--no-") and f"--{f[5:]}" in flags]
        how = f"--{switches[0][5:]} for yes, {switches[0]} for no" if switches else "--FLAG"
        return f"unexpected argument '{words[0]}': a yes/no flag takes no value ({how})"
    if words:
        return f"unexpected argument '{words[0]}' (put a value with spaces in quotes: 'like this')"
    return message


_YES_NO = {"yes", "no", "true", "false", "y", "n", "1", "0", "on", "off"}


# --- global options --------------------------------------------------------------------------


def add_global_options(parser: argparse.ArgumentParser, *, top: bool, log: bool = True) -> None:
    """``--log``, ``--json``, ``--debug``: on the top parser and repeated on every command.

    On commands their default is SUPPRESS, so a value given before the command is kept.
    """
    group = parser.add_argument_group("global options")
    if log:
        group.add_argument(
            "--log",
            metavar="PATH",
            default=None if top else argparse.SUPPRESS,
            help=f"the log file (default: ${ENV_LOG}, else ./{DEFAULT_LOG})",
        )
    group.add_argument(
        "--json",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="machine-readable output (stable, sorted keys); errors as JSON on stderr",
    )
    group.add_argument(
        "--tz",
        metavar="ZONE",
        default=None if top else argparse.SUPPRESS,
        help=f"show times in this IANA zone, e.g. Europe/Paris (default: ${ENV_TZ}, else UTC; "
        "--json stays UTC)",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="show a traceback for unexpected errors",
    )


def command(
    subparsers: Any,
    name: str,
    *,
    help: str,  # noqa: A002 - argparse's name
    description: str | None = None,
    example: str,
    handler: Handler | None,
    log: bool = True,
) -> Parser:
    """Add one command with the global options, a description and an example in its help."""
    examples = "\n".join(f"  $ {line}" for line in example.strip().splitlines())
    parser: Parser = subparsers.add_parser(
        name,
        help=help,
        description=description or help[:1].upper() + help[1:] + ".",
        epilog=f"Example:\n{examples}",
    )
    if selected(subparsers)[:1] != [name]:
        return _Unused()  # type: ignore[return-value]
    add_global_options(parser, top=False, log=log)
    parser.set_defaults(parser=parser)
    if handler is not None:
        parser.set_defaults(handler=handler)
    return parser


class _Unused:
    """Stands in for the parser of a command that was not typed.

    Its flags are never parsed (``tracker --help`` lists only names and one-line helps), so
    building them is skipped: every call is accepted and does nothing.
    """

    def __getattr__(self, _name: str) -> Callable[..., _Unused]:
        return lambda *_args, **_kwargs: self


def selected(subparsers: Any) -> list[str]:
    """The command words the user typed (``["actor", "add"]``): build costly parsers only then."""
    return list(getattr(subparsers, "tracker_words", []))


# --- the log ---------------------------------------------------------------------------------


def log_path(args: argparse.Namespace) -> tuple[str, str]:
    """The log's path and where it came from (``--log``, ``TRACKER_LOG`` or ``default``).

    An empty ``TRACKER_LOG`` counts as unset (as an empty variable does for most programs);
    an empty ``--log`` is refused, since it is always a mistake (often an unset variable).
    """
    given = getattr(args, "log", None)
    if given is not None:
        if not given.strip():
            msg = (
                "--log is empty: give the log's path (--log grok.jsonl), or leave --log out "
                f"to use ${ENV_LOG} or ./{DEFAULT_LOG}"
            )
            raise UsageError(msg)
        return given, "--log"
    env = os.environ.get(ENV_LOG, "")
    if env.strip():
        return env, ENV_LOG
    return DEFAULT_LOG, "default"


ENV_SIGNING_KEY = "TRACKER_SIGNING_KEY"


def add_sign_option(parser: argparse.ArgumentParser) -> None:
    """``--sign KEY`` for a command that appends (default: ``$TRACKER_SIGNING_KEY``)."""
    parser.add_argument(
        "--sign",
        dest="signer",
        metavar="KEY",
        help=(
            f"sign what is appended with your key KEY (default: ${ENV_SIGNING_KEY}; "
            "see 'tracker key list')"
        ),
    )


def open_log(args: argparse.Namespace, *, signing: bool = False) -> tracker.Log:
    """Open the log the user chose; a missing log says how to create or choose one.

    ``signing``: the command appends, so its appends are signed with ``--sign KEY`` or, when
    that is not given, ``$TRACKER_SIGNING_KEY`` (an empty value counts as unset).
    """
    import tracker

    path, origin = log_path(args)
    signer = None
    if signing:
        signer = getattr(args, "signer", None) or os.environ.get(ENV_SIGNING_KEY, "").strip() or None
    with explain_missing_log(path, origin):
        log = tracker.open(path, clock=getattr(args, "clock", None), signer=signer)
    for note in log.notes:
        say(f"tracker: note: {note}", file=sys.stderr)
    if sys.stderr.isatty():  # (a long first build says what it is doing; a pipe stays quiet)
        log.progress = lambda news: say(f"tracker: {news}", file=sys.stderr, flush=True)
    return log


@contextlib.contextmanager
def explain_missing_log(path: str, origin: str, purpose: str = "") -> Iterator[None]:
    """Turn "no log at PATH" into the command line's message: how to create the log there
    (``tracker init --log PATH``), a close name beside it, or how to choose another log.

    ``origin`` is where ``path`` came from: ``--log``, ``TRACKER_LOG``, ``default`` (see
    :func:`log_path`), or ``source``: a log the command only reads, named by its own argument
    (``tracker copy SRC``, ``verify --extends OTHER``), which it makes no sense to create;
    ``purpose`` then says what it was for ("to copy").
    """
    from tracker.errors import LogNotFoundError

    try:
        yield
    except LogNotFoundError as exc:
        if origin == "source" and "tracker init" not in exc.message:
            raise  # not a missing log (a directory, say): its own message says what is wrong
        if origin == "source":
            near = _near_logs(path)
            hint = f"; did you mean {near}?" if near else ": give the path of an existing log"
            raise LogNotFoundError(f"no log at {path} {purpose}{hint}") from None
        if origin == "default":
            msg = (
                f"no log at ./{DEFAULT_LOG} (the default): create one with 'tracker init', "
                f"or choose a log with --log PATH or {ENV_LOG}=PATH"
            )
            raise LogNotFoundError(msg) from None
        message = exc.message.replace("'tracker init'", f"'tracker init --log {path}'")
        near = _near_logs(path) if "tracker init" in message else None
        if near:
            message = (
                f"no log at {path}; did you mean {near}? (to start a new log there: "
                f"tracker init --log {path})"
            )
        if origin == ENV_LOG:
            message += f" (from {ENV_LOG})"
        raise LogNotFoundError(message) from None


def _near_logs(path: str) -> str | None:
    """A file beside ``path`` whose name is close to it (``watr.jsonl`` -> ``water.jsonl``)."""
    import difflib

    folder, name = os.path.split(path)
    try:
        names = [n for n in os.listdir(folder or ".") if n.endswith((".jsonl", ".json"))]
    except OSError:
        return None
    # Compare the names without their extensions: every log ends in .jsonl, which makes any
    # two names look alike (nope.jsonl and copy.jsonl).
    stems = {os.path.splitext(n)[0]: n for n in sorted(names)}
    close = difflib.get_close_matches(os.path.splitext(name)[0], list(stems), n=1, cutoff=0.75)
    return os.path.join(folder, stems[close[0]]) if close else None


def add_date_options(parser: argparse.ArgumentParser) -> None:
    """``--as-of`` and ``--known-at``, the two clocks of a replay (and ``--date-order``)."""
    group = parser.add_argument_group("dates (a day or month means its end; unset means no limit)")
    group.add_argument(
        "--as-of",
        metavar="DATE",
        help="world time: count what certainly happened by then (2026-01-10, 2026-01, "
        "'12 January 2026', ...)",
    )
    group.add_argument(
        "--known-at",
        metavar="WHEN",
        help=(
            "record time: use only what the log had recorded by then: a date, a record number "
            "(@28: the log as it stood just after record 28), or a published head (a file "
            "holding the note 'tracker head' printed, or SEQ:HASH)"
        ),
    )
    add_date_order_option(group)


ENV_DATE_ORDER = "TRACKER_DATE_ORDER"
"""Says how to read a numeric date like 03/04/2026 when ``--date-order`` is not given."""

ORDER_FLAG = f"--date-order DMY or MDY, or ${ENV_DATE_ORDER}"
"""How the command line says to give the order of a date whose day and month could swap."""

ENV_DATE_LANGUAGES = "TRACKER_DATE_LANGUAGES"
"""The languages month names are read in (comma-separated codes), instead of the default eight."""


def add_date_order_option(parser: Any) -> None:
    """``--date-order DMY|MDY``: how to read a numeric day and month that could swap."""
    parser.add_argument(
        "--date-order",
        metavar="ORDER",
        type=str.upper,
        choices=("DMY", "MDY"),
        help=f"read 03/04/2026 as day first (DMY) or month first (MDY); default: "
        f"${ENV_DATE_ORDER}, else such a date is refused",
    )


def date_reading(args: argparse.Namespace) -> dict[str, Any]:
    """How dates written out are read: ``order``, ``languages`` and ``order_hint`` for
    :func:`tracker.events.written.read_date` (from ``--date-order`` and the environment)."""
    from tracker.errors import InvalidInputError

    order = getattr(args, "date_order", None)
    if order is None:
        env = os.environ.get(ENV_DATE_ORDER, "").strip()
        if env:
            order = env.upper()
            if order not in ("DMY", "MDY"):
                msg = f"${ENV_DATE_ORDER} is '{env}': give DMY (day first) or MDY (month first)"
                raise InvalidInputError(msg)
    langs = os.environ.get(ENV_DATE_LANGUAGES, "")
    languages = [c.strip() for c in langs.split(",") if c.strip()] or None
    return {"order": order, "languages": languages, "order_hint": ORDER_FLAG}


def note_reading(flag_name: str, reading: Any) -> None:
    """Say on stderr what a date written out was read as (never on stdout: ``--json`` stays pure)."""
    say(f"tracker: {flag_name}: {reading}", file=sys.stderr)


def dates(args: argparse.Namespace) -> ReplayDates:
    """The date options as keywords for ``Log.replay`` and friends.

    Every replay date given (``--as-of``, ``--known-at``, ``--to-as-of``, ``--to-known-at``)
    is checked first, so a bad one is refused naming its flag and the forms a replay takes.
    """
    from tracker.errors import InvalidDateError
    from tracker.events.dates import ACCEPTED_FORMS, parse_instant_bound

    for name in ("as_of", "known_at", "to_as_of", "to_known_at"):
        value = getattr(args, name, None)
        if value is None:
            continue
        if name.endswith("known_at") and _record_form(value):
            continue
        flag_name = f"--{name.replace('_', '-')}"
        try:
            try:
                parse_instant_bound(value)
            except InvalidDateError:
                from tracker.events.written import read_date

                reading = read_date(value, **date_reading(args))
                if reading is None:
                    raise
                parse_instant_bound(reading.text)
                note_reading(flag_name, reading)
                setattr(args, name, reading.text)
        except InvalidDateError as exc:
            message = exc.message.replace(ACCEPTED_FORMS, POINT_FORMS)
            if name.endswith("known_at") and value.strip().isdigit():  # a record without its @
                n = int(value)
                message = (
                    f"'{value}' is no date; did you mean @{n} (the log as it stood just after "
                    f"record {n})?"
                )
            elif name.endswith("known_at"):
                message += f"; or {RECORD_POINT_FORMS}"
            raise InvalidDateError(f"{flag_name}: {message}") from None
    return {"as_of": getattr(args, "as_of", None), "known_at": known_at(args, "known_at")}


RECORD_POINT_FORMS = "a record number (@28) or a published head (its note's file, or SEQ:HASH)"
"""What --known-at takes besides a date, as its refusals say."""


def _record_form(value: str) -> bool:
    """Whether a --known-at value names a record (@N, SEQ:HASH, a note, a file holding one).

    Raises:
        InvalidInputError: it looks like a record number or a head but is not a valid one.
    """
    from tracker._known import record_bound
    from tracker.errors import InvalidInputError

    try:
        if record_bound(value) is not None:
            return True
    except InvalidInputError as exc:
        raise InvalidInputError("--known-at: " + exc.message.split(": ", 1)[-1]) from None
    return _head_file(value) is not None


def _head_file(value: str) -> str | None:
    """The note a file named ``value`` holds, or None when no such file is there.

    Raises:
        InvalidInputError: the file is there but holds no head note.
    """
    import re

    from tracker.errors import InvalidInputError

    if re.fullmatch(r"[0-9T:.+~-]*", value) or not os.path.isfile(value):
        return None  # a date (or a typo of one) is never read as a file name
    try:
        with open(value, encoding="utf-8") as f:  # noqa: PTH123 - plain open keeps imports light
            text = f.read(65536)
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"--known-at: cannot read the head in {value}: {getattr(exc, 'strerror', None) or exc}"
        raise InvalidInputError(msg) from None
    from tracker._known import record_bound

    try:
        found = record_bound(text if "\n" in text else text.strip())
    except InvalidInputError as exc:
        msg = f"--known-at: {value} does not hold a head note 'tracker head' printed ({exc.message})"
        raise InvalidInputError(msg) from None
    if found is None:
        msg = f"--known-at: {value} does not hold a head note 'tracker head' printed"
        raise InvalidInputError(msg)
    return text


def known_at(args: argparse.Namespace, name: str) -> str | None:
    """The --known-at (or --to-known-at) value for the facade: a file's note read in."""
    value: str | None = getattr(args, name, None)
    if value is None:
        return None
    note = _head_file(value)
    return note if note is not None else value


def replay(
    log: tracker.Log, args: argparse.Namespace, *, about: str | None = None
) -> tracker.State:
    """``log.replay`` at the command's dates, with a note when ``--known-at`` leaves nothing.

    With ``about`` (an actor id), only the registry and the records concerning that actor are
    folded (``log.replay_actor``): the answers about that actor are a full replay's, at a cost
    that does not grow with the log. A date before the log's first record is the usual sign
    of ``--known-at`` typed for ``--as-of``: the note on stderr says so (never with
    ``--json``, whose output stays pure).
    """
    if about is not None:
        state = log.replay_actor(about, **dates(args))
    else:
        state = log.replay(**dates(args))
    known_at = getattr(args, "known_at", None)
    if known_at is not None and state.head_seq == 0 and not getattr(args, "json", False):
        first = next(iter(log.records()), None)
        if first is not None:
            say(
                f"tracker: note: the log had recorded nothing by --known-at {known_at} (its "
                f"first record is from {first.recorded[:10]}); --known-at is when events were "
                "recorded, --as-of when they happened",
                file=sys.stderr,
            )
    return state


def note_units(units: Iterable[str | None], args: argparse.Namespace) -> None:
    """Note on stderr each unit outside the units table (kept as given, never converted).

    A unit code not in the table is allowed (a count of "spills"), but it is most often a
    typo of one that is (``Count``, ``per_hr``): say so, with the closest code. Not with
    ``--json``.
    """
    if getattr(args, "json", False):
        return
    from tracker.events.units import is_known, suggest_unit

    for unit in sorted({u for u in units if u is not None and not is_known(u)}):
        close = suggest_unit(unit)
        hint = (
            f"; did you mean '{close}'?"
            if close
            else f" (to count a thing, give count:{_slugged(unit)})."
        )
        say(
            f"tracker: note: unit '{unit}' is not in the units table{hint} It is kept as given "
            "and never converted (see the units table in docs/concepts.md)",
            file=sys.stderr,
        )


def _slugged(unit: str) -> str:
    """A unit text as the name of a counted thing (``Aircraft`` -> ``aircraft``)."""
    import re

    return re.sub(r"[^a-z0-9_-]+", "_", unit.lower()).strip("_") or "thing"


POINT_FORMS = (
    "a replay date is a year, a month, a day or a time (2026, 2026-01, 2026-01-15, "
    "2026-01-15T14:00), and a year, month or day means its end"
)
"""What a replay date (``--as-of``, ``--known-at``) accepts, as its refusals say."""


def check_range(flag: str, value: str | None, args: argparse.Namespace) -> str | None:
    """A filter's date range (``--occurred``) in the log's form: as given, or a date written
    out (``January 2026``) read into it, as every other date flag reads one (and said on
    stderr). A bad one is refused naming the flag."""
    if value is None:
        return None
    from tracker.errors import InvalidDateError
    from tracker.events.written import read_date

    try:
        reading = read_date(value, **date_reading(args))
    except InvalidDateError as exc:
        raise InvalidDateError(f"{flag}: {exc.message}") from None
    if reading is None:
        return value
    note_reading(flag, reading)
    return reading.text


# --- output ----------------------------------------------------------------------------------


def display_zone(args: argparse.Namespace) -> Any:
    """The zone human output shows times in (``--tz``, else ``$TRACKER_TZ``), or None for UTC.

    Checked once, before the command runs, so an unknown zone is refused before any output;
    the result is kept on ``args.zone``. pendulum is imported only when a zone is named.
    """
    name = getattr(args, "tz", None) or os.environ.get(ENV_TZ) or None
    if name is None:
        return None
    from tracker.errors import InvalidDateError
    from tracker.events.dates import get_zone

    flag = "--tz" if getattr(args, "tz", None) else f"${ENV_TZ}"
    try:
        return get_zone(name)
    except InvalidDateError as exc:
        raise InvalidDateError(f"{flag}: {exc.message}") from None


def when(instant: Any, args: argparse.Namespace) -> str:
    """An instant (a record's ``recorded`` text or an aware datetime) for human output.

    Every command shows recorded times and other instants through this one function. Without
    a zone (``--tz``/``$TRACKER_TZ``) the text is unchanged: a record's RFC 3339 UTC stamp,
    a datetime by :func:`tracker.events.dates.format_instant`. With one, it is the local
    minute and the zone's abbreviation, e.g. ``2026-01-12 16:04 CET``. ``--json`` never
    calls this: it stays UTC.
    """
    zone = getattr(args, "zone", None)
    if zone is None:
        if isinstance(instant, str):
            return instant
        from tracker.events.dates import format_instant

        return format_instant(instant)
    import pendulum

    from tracker.events.dates import parse_instant

    dt = parse_instant(instant) if isinstance(instant, str) else instant
    return pendulum.instance(dt).in_timezone(zone).format("YYYY-MM-DD HH:mm zz")


def dumps(result: Any) -> bytes:
    """``result`` as stable JSON: sorted keys, two-space indent, a final newline; what a
    terminal would act on inside a string is a ``\\u`` escape (:func:`terminal_json`)."""
    import orjson

    return terminal_json(
        orjson.dumps(
            result, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
        )
    )


def emit(result: Any, as_json: bool, text: str | Callable[[Any], str] | None = None) -> None:
    """Print ``result``: as JSON with ``--json``, else as ``text`` (a string or a renderer)."""
    if as_json:
        sys.stdout.flush()
        sys.stdout.buffer.write(dumps(result))
        sys.stdout.flush()
        return
    if text is None:
        out = str(result)
    elif callable(text):
        out = text(result)
    else:
        out = text
    if out:
        say(out)


def say(text: str, *, file: Any = None, flush: bool = False) -> None:
    """Print a line of human output (stdout, or ``file``): the one way the command line
    writes text for people.

    Recorded text may hold terminal control sequences (pasted from a web page, or planted):
    every control character, bidirectional override and line separator but the newline is
    shown as an escape (``\\x1b``, ``\\u202e``), never sent to the terminal
    (:func:`tracker._inert.visible`).
    """
    print(visible(text, keep="\n"), file=file, flush=flush)  # noqa: T201 - the one print


def emit_streamed(result: dict[str, Any], key: str, items: Iterable[Any]) -> None:
    """Print ``result`` as :func:`emit` does with ``--json``, its list ``key`` taken from
    ``items`` as they come: the same bytes, without the whole list in memory.

    ``result`` holds everything else (``key`` is left out of it); each item is a JSON value
    (a dict from a shape's ``dump``, or a list).
    """
    import orjson

    placeholder = f'"{key}": []'.encode()
    whole = dumps({**result, key: []})
    at = whole.index(placeholder) + len(placeholder) - 1  # (a key is never inside a string)
    out = sys.stdout.buffer
    sys.stdout.flush()
    out.write(whole[:at])
    option = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2
    first = True
    for item in items:
        text = terminal_json(orjson.dumps(item, option=option)).replace(b"\n", b"\n    ")
        out.write(b"\n    " + text if first else b",\n    " + text)
        first = False
    out.write(whole[at:] if first else b"\n  " + whole[at:])
    sys.stdout.flush()


def clip(value: Any, width: int) -> str:
    """One safe line of at most ``width`` characters (``…`` marks a cut): white space runs,
    newlines included, become one space and control characters are shown as escapes."""
    text = one_line(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def table(
    rows: Iterable[Sequence[Any]], headers: Sequence[str], *, widths: Sequence[int] | None = None
) -> str:
    """Columns padded to their widest cell (sized to the data, never to the terminal).

    ``widths`` caps each column (0: no cap); longer cells are clipped with ``…``.
    """
    return "\n".join(table_lines(rows, headers, widths=widths))


def table_lines(
    rows: Iterable[Sequence[Any]],
    headers: Sequence[str],
    *,
    widths: Sequence[int] | None = None,
    sample: int | None = None,
) -> Iterator[str]:
    """The lines of :func:`table`, streamed: columns are sized on the first ``sample`` rows.

    With ``sample`` set, a table of a million rows needs only that many in memory; a later
    cell wider than its column pushes the rest of its line right.
    """
    caps = list(widths or [0] * len(headers))
    source = iter(rows)
    head = list(itertools.islice(source, sample)) if sample is not None else list(source)

    def cells(row: Sequence[Any]) -> list[str]:
        return [clip(cell, caps[i] or 10_000) for i, cell in enumerate(row)]

    body = [cells(row) for row in head]
    sizes = [len(h) for h in headers]
    for row in body:
        for i, cell in enumerate(row):
            sizes[i] = max(sizes[i], len(cell))

    def line(row: Sequence[str]) -> str:
        return "  ".join(cell.ljust(sizes[i]) for i, cell in enumerate(row)).rstrip()

    yield line(list(headers))
    for row in body:
        yield line(row)
    for rest in source:
        yield line(cells(rest))


def plural(count: int, word: str) -> str:
    """``1 topic``, ``2 topics``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def no_results(what: str) -> str:
    """The line printed instead of an empty table."""
    return f"(no {what})"


__all__ = [
    "DEFAULT_LOG",
    "ENV_LOG",
    "ENV_TZ",
    "Parser",
    "add_date_options",
    "add_date_order_option",
    "add_global_options",
    "check_range",
    "clip",
    "date_reading",
    "command",
    "dates",
    "display_zone",
    "dumps",
    "emit",
    "emit_streamed",
    "explain_missing_log",
    "known_at",
    "log_path",
    "note_reading",
    "note_units",
    "open_log",
    "add_sign_option",
    "plural",
    "replay",
    "say",
    "selected",
    "table",
    "table_lines",
    "when",
]
