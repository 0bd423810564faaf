"""Commands on the log: init, add, import, log, show, replay, verify, head, repair, schema."""

from __future__ import annotations

import argparse
import shlex
import sys
import time

from tracker.cli.common import (
    DEFAULT_LOG,
    ENV_LOG,
    add_date_options,
    add_date_order_option,
    add_sign_option,
    check_range,
    clip,
    command,
    date_reading,
    dates,
    emit,
    emit_streamed,
    explain_missing_log,
    log_path,
    no_results,
    note_reading,
    note_units,
    open_log,
    plural,
    replay,
    say,
    selected,
    table_lines,
    when,
)
from tracker.cli.errors import UsageError

TYPE_CHECKING = False  # not typing's: keeps typing out of `tracker --help`
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any

_now = time.monotonic
"""The progress line's clock (tests replace it)."""

EXAMPLES: dict[str, str] = {
    "actor": "tracker add actor --actor ofcom --name Ofcom --kind regulator --jurisdiction GB",
    "topic": "tracker add topic --topic paywall --name 'Image tools restricted to subscribers'",
    "statement": (
        "tracker add statement --occurred ..2026-01-12 --speaker uk-gov "
        "--quote 'insulting to victims' --topic paywall --stance -2 "
        "--source https://www.gov.uk/... --publisher 'UK government'"
    ),
    "figure": (
        "tracker add figure --occurred 2026-01~ --metric sexualised_images --value 6700 "
        "--approximate --unit per_hour --reported-by bloomberg "
        "--source https://www.bloomberg.com/... --publisher Bloomberg"
    ),
    "policy_change": (
        "tracker add policy_change --occurred ..2026-01-09 --actor x --product grok "
        "--rule 'image generation' --after 'paying subscribers only' "
        "--source https://example.org/x --publisher 'The Guardian'"
    ),
    "regulatory_action": (
        "tracker add regulatory_action --occurred ..2026-01-12 --regulator ofcom --target x "
        "--rung demand --jurisdiction GB --source https://www.ofcom.org.uk/... --publisher Ofcom"
    ),
    "verification": (
        "tracker add verification --occurred ..2026-01-12 --verifier the-verge "
        "--target paywall-claim --verdict contradicted --finding 'still free in the app' "
        "--source https://www.theverge.com/... --publisher 'The Verge'"
    ),
    "incident": (
        "tracker add incident --occurred 2026-01 --harm 'sexualised images of women' "
        "--actors grok --source https://example.org/a --publisher 'Example News'"
    ),
    "correction": (
        "tracker add correction --corrects bloomberg-rate --replacement.value 6700 "
        "--reason 'typed 67000'"
    ),
    "retraction": "tracker add retraction --retracts dup-figure --reason 'entered twice'",
    "supersession": (
        "tracker add supersession --supersedes fine-threat --by fine-imposed "
        "--reason 'the fine was imposed'"
    ),
}
"""An example command line per event type (a test checks every type has one)."""


def register(subparsers: Any) -> None:
    """Add this module's commands."""
    command(
        subparsers,
        "init",
        help="create a new, empty log (never overwrites)",
        description=(
            f"Create a new, empty log at --log PATH, else ${ENV_LOG}, else ./{DEFAULT_LOG}.\n"
            "Refuses to touch an existing file."
        ),
        example="tracker init --log grok.jsonl",
        handler=_init,
    )
    _register_add(subparsers)
    p = command(
        subparsers,
        "import",
        help="append the events of a JSONL or CSV file, all or nothing",
        description=(
            "Append every event of a file in one batch, all or nothing.\n\n"
            "JSONL: one event per line, as a JSON object (see 'tracker schema').\n"
            "CSV: a header row of flag names without '--' (type,occurred,speaker,quote,\n"
            "source,publisher,...), one event per row; a blank cell is a flag not given;\n"
            "repeat a column for more values (two source and two publisher columns give two\n"
            "sources, paired by position). Bad lines are listed as FILE:LINE: field: problem.\n"
            "Re-importing the same file adds nothing (ids are derived from content).\n"
            "Dates may be written as articles write them ('12 January 2026', '12 janvier\n"
            "2026', 13/01/2026): each is stored as the log writes it; the import says how\n"
            "many it read, and --dry-run lists each.\n\n"
            "A CSV file (each type's columns: tracker add TYPE --help):\n"
            "  type,id,occurred,speaker,quote,topic,stance,metric,value,unit,source,publisher\n"
            "  statement,,2026-01-12,uk-gov,insulting,paywall,-2,,,,https://gov.uk/a,UK government\n"
            "  figure,rate,2026-01~,,,,,images,6700,per_hour,https://bloomberg.com/b,Bloomberg\n"
            "The same as JSONL (one object per line):\n"
            '  {"type": "figure", "id": "rate", "occurred": "2026-01~", "metric": "images",\n'
            '   "value": 6700, "unit": "per_hour", "sources": [{"publisher": "Bloomberg",\n'
            '   "url": "https://bloomberg.com/b"}]}   (all on one line)'
        ),
        example=(
            "tracker import events.csv --dry-run\n"
            "tracker import events.jsonl\n"
            "cat events.jsonl | tracker import -"
        ),
        handler=_import,
    )
    p.add_argument("file", metavar="FILE", help="a .jsonl or .csv file, or - for standard input")
    p.add_argument(
        "--format",
        choices=("jsonl", "csv"),
        help="the file's format (default: from its name or content)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="check everything, append nothing; list each date read from another spelling",
    )
    add_date_order_option(p)
    add_sign_option(p)

    p = command(
        subparsers,
        "log",
        help="list the raw records, optionally filtered",
        description=(
            "List the log's records in sequence order: each event exactly as recorded,\n"
            "fixes included and nothing applied. Date filters take a partial date or a\n"
            "range (2026-01, 2026-01-05..2026-01-08, ..2026-01-12)."
        ),
        example=(
            "tracker log --type figure --actor bloomberg\n"
            "tracker log --occurred 2026-01 --recorded 2026-01-12.."
        ),
        handler=_log,
    )
    p.add_argument(
        "--type", metavar="TYPE", help="only events of this type (figure, statement, ...)"
    )
    p.add_argument("--actor", metavar="ID", help="only events that name this actor")
    p.add_argument("--topic", metavar="ID", help="only events that name this topic")
    p.add_argument(
        "--occurred", metavar="RANGE", help="only events that may have occurred in this range"
    )
    p.add_argument("--recorded", metavar="RANGE", help="only records stored in this range")
    add_date_order_option(p)
    p.add_argument(
        "--by",
        metavar="KEY",
        help="only records signed in the name of this key (NAME, or NAME+KEYID as records name it)",
    )

    p = command(
        subparsers,
        "show",
        help="one event: its fields, sources, history, corrections and verifications",
        example="tracker show bloomberg-rate\ntracker show bloomberg-rate --known-at 2026-01-12",
        handler=_show,
    )
    p.add_argument("event_id", metavar="EVENT_ID", help="the event's id (see 'tracker log')")
    add_date_options(p)

    p = command(
        subparsers,
        "replay",
        help="the timeline as it stood at a date, as the log knew it at a date",
        description=(
            "Replay the log: the events that certainly happened by --as-of, using only what\n"
            "the log had recorded by --known-at. Events whose dates straddle --as-of are\n"
            "listed apart, as uncertain. Corrections and retractions apply by --known-at."
        ),
        example=(
            "tracker replay\n"
            "tracker replay --as-of 2026-01-10\n"
            "tracker replay --as-of 2026-01-10 --known-at 2026-01-12"
        ),
        handler=_replay,
    )
    add_date_options(p)
    p.add_argument("--actor", metavar="ID", help="only events naming this actor")
    p.add_argument("--topic", metavar="ID", help="only events naming this topic")
    p.add_argument("--type", metavar="TYPE", help="only events of this type")
    p.add_argument("--tag", metavar="TAG", help="only events with this tag")

    p = command(
        subparsers,
        "verify",
        help="check the hash chain and that every line is untouched",
        description=(
            "Walk the whole log: every line in canonical form, every hash right, no record\n"
            "missing. With --head, also check that the log still extends a head you\n"
            "published earlier (the note 'tracker head' prints, or SEQ:HASH). With --extends,\n"
            "check that the log holds every record of another copy, byte for byte.\n"
            "Exit 5 names the first bad record."
        ),
        example=(
            "tracker verify\n"
            "tracker verify --head published-head.txt\n"
            "tracker verify --head 42:3f5a...\n"
            "tracker verify --extends grok-archived.jsonl"
        ),
        handler=_verify,
    )
    p.add_argument(
        "--head",
        metavar="HEAD",
        help=(
            "a head published earlier that the log must extend: a file holding the note "
            "'tracker head' printed, - to read it from standard input, the note itself, "
            "or SEQ:HASH"
        ),
    )
    p.add_argument(
        "--extends",
        metavar="PATH",
        help="another copy of the log (older, or a colleague's) that this log must extend",
    )
    p.add_argument(
        "--keys",
        metavar="FILE",
        help=(
            "the log's trusted keys (one 'tracker key export' line each, with roles): every "
            "record must be signed by one, and the --head note's signatures must verify"
        ),
    )

    p = command(
        subparsers,
        "head",
        help="print the log's tree head as a note to publish (origin, size, Merkle root)",
        description=(
            "Verify the log, then print its head as a C2SP checkpoint note: the log's origin,\n"
            "its size (the last sequence number), the RFC 9162 Merkle root of its records'\n"
            "hashes and a 'chain' line with the last record's hash. --sign KEY adds your\n"
            "signature (signed-note format). Publish it (in an article, a commit, an email);\n"
            "'tracker verify --head' proves later that the log still extends it, and\n"
            "'tracker prove' shows one event is in it without showing the others."
        ),
        example=(
            "tracker head --sign newsroom.example/alice > published-head.txt\n"
            "tracker verify --head published-head.txt --keys trusted-keys.txt"
        ),
        handler=_head,
    )
    p.add_argument(
        "--sign", metavar="KEY", action="append", help="sign the head with this key (repeatable)"
    )
    command(
        subparsers,
        "repair",
        help="cut a torn or unfinished end after a crash (the bytes are saved first)",
        description=(
            "After a crash, a log may end in a torn line or an unfinished batch (exit 4).\n"
            "repair cuts those bytes, saving them beside the log first (LOG.torn-OFFSET).\n"
            "Nothing acknowledged is lost: a torn end was never reported as appended."
        ),
        example="tracker repair --log grok.jsonl",
        handler=_repair,
    )
    p = command(
        subparsers,
        "schema",
        help="print the JSON Schema of events, or of a command's --json output",
        description=(
            "Print the JSON Schema of an event (for writing import files), of one event type,\n"
            "or with --output of what a command prints with --json (every list an array,\n"
            "every absence null, every instant RFC 3339 UTC with microseconds and Z)."
        ),
        example=(
            "tracker schema > event.schema.json\n"
            "tracker schema figure\n"
            "tracker schema --output stances\n"
            "tracker schema --output 'actor show'"
        ),
        handler=_schema,
        log=False,
    )
    p.add_argument("event_type", metavar="TYPE", nargs="?", help="only this event type")
    p.add_argument(
        "--output",
        metavar="COMMAND",
        help="the schema of COMMAND's --json output (stances, figures, 'actor show', ...)",
    )


# --- init ------------------------------------------------------------------------------------


def _init(args: argparse.Namespace) -> None:
    import tracker

    path, origin = log_path(args)
    with tracker.init(path) as log:
        path = log.location  # a URL is shown without its password
    hint = ""
    if origin == "--log":
        quoted = shlex.quote(path)  # a URL's '&' and '?' need quotes in a shell
        hint = f"\nuse it with --log {quoted}, or: export {ENV_LOG}={quoted}"
    from tracker.cli.outputs import dump

    emit(
        dump("init", {"created": path}),
        args.json,
        f"created an empty log at {path}{hint}\n"
        "next: tracker actor add ID --name NAME --kind KIND (see tracker actor add --help)",
    )


# --- add -------------------------------------------------------------------------------------


def _register_add(subparsers: Any) -> None:
    parser = command(
        subparsers,
        "add",
        help="append one event, from flags (tracker add TYPE --help lists them)",
        description=(
            "Append one event of TYPE. The flags come from the event's fields; nested fields\n"
            "are dotted (--source.url, --source.publisher) and repeat in groups paired by\n"
            "position. --source URL --publisher NAME is the short form. Dates take any\n"
            "partial date: 2026-01-09, 2026-01, 2026, ..2026-01-12 (on or before),\n"
            "2026-01-05..2026-01-08 (between), 2026-01~ (approximate), or a date as an\n"
            "article writes it ('12 January 2026', '12 janvier 2026', 'January 2026',\n"
            "13/01/2026), which is stored as the log writes it and echoed on stderr.\n"
            "Prints the new event's id and record number once the record is on disk."
        ),
        example=EXAMPLES["figure"],
        handler=None,
    )
    words = selected(subparsers)
    if words[:1] != ["add"]:
        return  # the per-type parsers need the models (pydantic): build them only for 'add'
    types = parser.add_subparsers(
        dest="event_type", metavar="TYPE", title="event types", required=True
    )
    types.tracker_words = words[1:]  # type: ignore[attr-defined]
    from tracker.cli.flags import add_event_flags
    from tracker.events.flat import spec
    from tracker.events.models import EVENT_TYPES

    for name, model in EVENT_TYPES.items():
        doc = (model.__doc__ or name).strip().splitlines()[0]
        sub = command(
            types,
            name,
            help=doc[:1].lower() + doc[1:].rstrip("."),
            description=doc,
            example=EXAMPLES[name],
            handler=_add,
        )
        sub.add_argument("--dry-run", action="store_true", help="check the event, append nothing")
        add_date_order_option(sub)
        add_sign_option(sub)
        if words[1:2] == [name]:  # only the type typed needs its flags
            add_event_flags(sub, spec(name))


def _add(args: argparse.Namespace) -> None:
    from tracker.cli.flags import event_from_flags
    from tracker.errors import UnknownIdError
    from tracker.events.flat import apply_patch

    flat = event_from_flags(args.event_type, args.flat)
    reading = date_reading(args)
    _read_dates(flat.data, reading)
    with open_log(args, signing=True) as log:
        try:
            if flat.patch:
                given = flat.data.get("replacement")
                base = given if given is not None else _current(log, flat.data["corrects"])
                flat.data["replacement"] = apply_patch(base, flat.patch)
                _read_dates(flat.data["replacement"], reading, "replacement.")
            receipt = log.append(flat.data, dry_run=args.dry_run)[0]
        except UnknownIdError:
            _registration_for_event(log.replay(), flat.data)
            raise
    note_units(_units([flat.data]), args)
    from tracker.cli.outputs import appended, dump

    result = dump("add --dry-run" if args.dry_run else "add", appended(receipt, dry_run=args.dry_run))
    emit(result, args.json, _receipt_text(args.event_type, receipt, dry_run=args.dry_run))


def _read_dates(data: dict[str, Any], reading: dict[str, Any], prefix: str = "") -> None:
    """Rewrite the dates of an event's flags written out (``12 January 2026``) in the log's
    form, saying on stderr what each was read as; refuse one that cannot be read unguessed,
    and a web address without its scheme."""
    from tracker.errors import InvalidDateError, InvalidEventError
    from tracker.events.written import address_problems, read_event_dates

    kind = "" if prefix else str(data.get("type", ""))
    for field, message in address_problems(data):
        raise InvalidEventError(f"{_flag_of(prefix + field, kind)}: {message}")
    readings, problems = read_event_dates(data, **reading)
    for field, message in problems:
        raise InvalidDateError(f"{_flag_of(prefix + field, kind)}: {message}")
    for field, found in readings:
        note_reading(_flag_of(prefix + field, kind), found)


def _flag_of(field: str, event_type: str = "") -> str:
    """The flag a field of an event dict comes from: ``sources.1.published`` ->
    ``--source.published (source 2)``; ``sources.0.url`` -> ``--source`` (the short form)."""
    from tracker.events.flat import flag, singular, spec

    parts = field.split(".")
    names: list[str] = []
    which = ""
    for i, part in enumerate(parts):
        if part.isdigit():
            which = f" ({names[-1]} {int(part) + 1})" if int(part) and names else ""
            continue
        following = parts[i + 1] if i + 1 < len(parts) else ""
        names.append(singular(part) if following.isdigit() else part)
    if event_type:
        path = tuple(p for p in parts if not p.isdigit())
        short = [f.name for f in spec(event_type).fields if f.path == path and "." not in f.name]
        if short:
            return flag(short[0]) + which
    return flag(".".join(names)) + which


def _current(log: Any, event_id: str) -> dict[str, Any]:
    """The current version of the event a correction's ``--replacement.FIELD`` flags change.

    Raises:
        ConflictError: ``event_id`` is itself a fix (fixes point at events, not at fixes).
    """
    from tracker.errors import ConflictError
    from tracker.events import event_to_dict

    current = event_to_dict(log.event(event_id).event)
    fixed = current.get("corrects") or current.get("retracts") or current.get("supersedes")
    if fixed is not None:
        msg = (
            f"correction.corrects: '{event_id}' is a {current['type']}; fixes point at events, "
            f"not at other fixes (to change the event, correct it again: --corrects {fixed})"
        )
        raise ConflictError(msg)
    return current


_EVENT_REFS = ("corrects", "retracts", "supersedes", "by", "ends")
"""The fields that hold an event id (and a verification's ``target``)."""


def _registration_for_event(state: Any, data: dict[str, Any]) -> None:
    """Refuse an actor or topic id given where an event id belongs, naming the event to use.

    ``--corrects ofcom`` means "change Ofcom's registration": the fix points at the event that
    registered it, which the message gives. Any other closest event id would mislead.
    """
    from tracker.errors import UnknownIdError

    kind = data["type"]
    keys = [*_EVENT_REFS, "target"] if kind == "verification" else _EVENT_REFS
    registry = state.registry
    for key in keys:
        ref = data.get(key)
        if not isinstance(ref, str) or state.placement(ref) is not None:
            continue
        for what, entries in (
            ("an actor", registry.actor_entries),
            ("a topic", registry.topic_entries),
        ):
            if ref in entries:
                if kind in ("correction", "retraction"):
                    fix = "change" if kind == "correction" else "withdraw"
                    msg = (
                        f"{kind}.{key}: '{ref}' is {what} id, not an event id; to {fix} its "
                        f"registration, give the event that registered it: --{key} "
                        f"{entries[ref].id}"
                    )
                else:
                    msg = (
                        f"{kind}.{key}: '{ref}' is {what} id; --{key} takes the id of an event "
                        "(see 'tracker log')"
                    )
                raise UnknownIdError(msg)


def _units(events: list[Any]) -> list[str | None]:
    """The figure units of events (models or dicts), a corrected figure's included."""
    out = []
    for event in events:
        # (only a correction model has a replacement: asking any other model costs pydantic
        # a raised AttributeError, a tenth of a big import's own time)
        plain = isinstance(event, dict)
        inner = _get(event, "replacement") if plain or event.type == "correction" else None
        for e in (event, inner):
            if e is not None and _get(e, "type") == "figure":
                out.append(_get(e, "unit"))
    return out


def _get(event: Any, name: str) -> Any:
    return event.get(name) if isinstance(event, dict) else getattr(event, name, None)


def _receipt_text(kind: str, receipt: Any, *, dry_run: bool) -> str:
    if receipt.status == "exists":
        return f"already in the log: {kind} {receipt.id} (record {receipt.seq}); nothing written"
    if dry_run:
        return (
            f"would append {kind} {receipt.id} as record {receipt.seq} (dry run: nothing written)"
        )
    return f"appended {kind} {receipt.id} as record {receipt.seq}"


# --- import ----------------------------------------------------------------------------------


class _Progress:
    """A throttled progress line on stderr, shown only after a second and only on a terminal."""

    def __init__(self, name: str) -> None:
        from tracker._inert import one_line

        self.name = one_line(name)  # the line's own \r and ESC [K are the only controls
        self.start = _now()
        self.last = 0.0
        self.shown = False

    def __call__(self, lines: int) -> None:
        now = _now()
        if now - self.start < 1.0 or now - self.last < 0.1:
            return
        self.last = now
        self.shown = True
        sys.stderr.write(f"\rreading {self.name}: {lines:,} lines")
        sys.stderr.flush()

    def step(self, text: str) -> None:
        if _now() - self.start >= 1.0:
            self.shown = True
            sys.stderr.write(f"\r\033[K{text}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _import(args: argparse.Namespace) -> None:
    from tracker._import import prepare_file
    from tracker.errors import StorageError, TrackerError

    progress = _Progress(args.file) if sys.stderr.isatty() else None
    try:
        with open_log(args, signing=True) as log:
            reading = date_reading(args)
            loaded = prepare_file(
                args.file,
                format=args.format,
                progress=progress,
                date_order=reading["order"],
                date_languages=reading["languages"],
                date_order_hint=reading["order_hint"],
                check=False,  # the log adds the ids lines name, and reports all at once
            )
            if progress is not None:
                progress.step(f"checking and appending {len(loaded.prepared):,} events...")
            try:
                receipts = log.append_file(loaded, dry_run=args.dry_run)
            except TrackerError as exc:  # an unknown id, a conflict: say the file was not half-read
                # (a storage failure may have written some: its message says what is known)
                if "nothing was imported" not in exc.message and not isinstance(exc, StorageError):
                    # after "did you mean 'grok'?" a clause reads better in brackets than after ';'
                    question = exc.message.endswith("?")
                    exc.message += (
                        " (nothing was imported)" if question else "; nothing was imported"
                    )
                raise
    finally:
        if progress is not None:
            progress.done()
    note_units(_units(loaded.events), args)
    fresh = [r for r in receipts if r.status == "appended"]
    result = {
        "file": loaded.name,
        "format": loaded.format,
        "events": len(receipts),
        # a dry run appends nothing: it says what it would append
        "would_append" if args.dry_run else "appended": len(fresh),
        "existing": len(receipts) - len(fresh),
        "first_seq": fresh[0].seq if fresh else None,
        "last_seq": fresh[-1].seq if fresh else None,
        "dry_run": args.dry_run,
        "dates_read": len(loaded.readings),
    }
    if args.dry_run:
        result["date_readings"] = [
            {
                "where": where,
                "field": field,
                "given": found.given,
                "read_as": found.text,
                "precision": found.precision,
            }
            for where, field, found in loaded.readings
        ]
    from tracker.cli.outputs import dump

    output = "import --dry-run" if args.dry_run else "import"
    emit(dump(output, result), args.json, _import_text(result, loaded.readings))


def _import_text(r: dict[str, Any], readings: list[Any]) -> str:
    existing = f"; {r['existing']} already in the log" if r["existing"] else ""
    appended = r["would_append"] if r["dry_run"] else r["appended"]
    dated = ""
    if readings:
        many = plural(len(readings), "date")
        dated = (
            f"; read {many} written another way, as listed above"
            if r["dry_run"]
            else f"; read {many} written another way (--dry-run lists them)"
        )
    listing = "".join(f"{where}: {field}: {found}\n" for where, field, found in readings)
    if not r["dry_run"]:
        listing = ""
    if not appended:
        if r["events"] == 1:
            return f"{listing}nothing to import: the one event of {r['file']} is already in the log"
        return (
            f"{listing}nothing to import: all {r['events']} events of {r['file']} are already "
            "in the log"
        )
    span = (
        f"record {r['first_seq']}"
        if appended == 1
        else f"records {r['first_seq']}-{r['last_seq']}"
    )
    noun = "event" if appended == 1 else "events"
    if r["dry_run"]:
        return (
            f"{listing}would import {appended} {noun} as {span}{existing}{dated} "
            "(dry run: nothing written)"
        )
    return f"imported {appended} {noun} from {r['file']} as {span}{existing}{dated}"


# --- log -------------------------------------------------------------------------------------


def _log(args: argparse.Namespace) -> None:
    from tracker.cli.render import describe
    from tracker.events.codec import load_event

    args.occurred = check_range("--occurred", args.occurred, args)
    args.recorded = check_range("--recorded", args.recorded, args)
    filters = {
        "type": args.type,
        "actor": args.actor,
        "topic": args.topic,
        "occurred": args.occurred,
        "recorded": args.recorded,
        "by": args.by,
    }
    with open_log(args) as log:
        records = log.records(**filters)
        if args.json:
            out = sys.stdout.buffer
            sys.stdout.flush()
            out.write(b'{\n  "records": [')
            first = True
            for record in records:
                out.write(b"\n    " if first else b",\n    ")
                out.write(record.line())
                first = False
            out.write(b"]\n}\n" if first else b"\n  ]\n}\n")
            out.flush()
            return
        rows = (
            (
                r.seq,
                when(r.recorded, args),
                r.event["type"],
                r.event["id"],
                r.event.get("occurred", ""),
                describe(load_event(r.event, seq=r.seq)),
            )
            for r in records
        )
        lines = table_lines(
            rows,
            ("SEQ", "RECORDED", "TYPE", "ID", "OCCURRED", "WHAT"),
            widths=(0, 0, 0, 0, 0, 70),
            sample=1000,
        )
        header = next(lines)
        first_line = next(lines, None)
        if first_line is None:
            empty = "records match" if any(filters.values()) else "records: the log is empty"
            say(no_results(empty))
            return
        say(header)
        say(first_line)
        for line in lines:  # streamed: a long log is never held in memory
            say(line)


# --- show ------------------------------------------------------------------------------------


def _show(args: argparse.Namespace) -> None:
    from tracker.cli.outputs import clocks, dump
    from tracker.errors import UnknownIdError
    from tracker.events import event_to_dict

    with open_log(args) as log:
        try:
            view = log.event(args.event_id, **dates(args))
        except UnknownIdError:
            _not_an_event(log.replay(), args.event_id)
            raise
    result = {
        **clocks(view),
        "id": view.id,
        "type": view.event.type,
        "placement": view.placement,
        "seq": view.seq,
        "recorded": view.recorded,
        "event": event_to_dict(view.event),
        "history": [
            {
                "kind": h.kind,
                "seq": h.seq,
                "recorded": h.recorded,
                "id": h.event.id,
                "reason": h.reason,
                "by": view.recorders.get(h.seq),
                "changes": list(h.changes),
            }
            for h in view.history
        ],
        "verifications": [
            {
                "id": v.id,
                "verifier": v.event.verifier,  # type: ignore[union-attr]
                "verdict": v.event.verdict,  # type: ignore[union-attr]
                "occurred": v.occurred,
                "finding": v.event.finding,  # type: ignore[union-attr]
            }
            for v in view.verifications
        ],
        "superseded_by": view.superseded_by,
    }
    emit(dump("show", result), args.json, lambda _: _show_text(view, args))


_PLACEMENT = {
    "counted": "counted",
    "uncertain": "uncertain at as-of: its dates straddle it",
    "future": "not yet happened at as-of",
    "retracted": "RETRACTED: it no longer counts",
    "fix": "a fix of the record",
}


def _show_text(view: Any, args: argparse.Namespace) -> str:
    from tracker._inert import continued, one_line
    from tracker.cli.render import describe, number

    ev = view.event
    lines = [
        f"{ev.type} {view.id} ({_PLACEMENT.get(view.placement, view.placement)})",
        f"  {clip(describe(ev), 100)}",
    ]
    skip = {"id", "type", "sources"}
    field_indent = " " * 16  # a value's further lines start under its first
    for name in type(ev).model_fields:
        value = getattr(ev, name)
        if (
            name in skip
            or value is None
            or value == ()
            or (name in ("approximate", "unquantified") and not value)
        ):
            continue
        if isinstance(value, bool):
            text = "yes" if value else "no"
        elif isinstance(value, float):
            text = number(value)
        elif isinstance(value, tuple):
            text = ", ".join(one_line(_item(v)) for v in value)
        elif hasattr(value, "model_dump"):
            text = one_line(describe(value))
        else:
            text = continued(value, field_indent)
        lines.append(f"  {name + ':':<13} {text}")
    if ev.sources:
        lines.append("sources")
        for i, s in enumerate(ev.sources, 1):
            where = s.url or s.citation
            published = f" (published {s.published})" if s.published else ""
            lines.append(f"  {i}. {one_line(s.publisher)}: {one_line(where)}{published}")
            if s.quote:
                lines.append(f'     "{continued(s.quote, "      ")}"')
    if view.history:
        lines.append("history")
        for h in view.history:
            what = (
                "recorded" if h.kind == "recorded" else f"{h.kind} {h.event.id}: {h.reason}"
            )
            by = view.recorders.get(h.seq)
            signed = f" (signed by {one_line(by)})" if by else ""
            lines.append(f"  record {h.seq:<5} {when(h.recorded, args)}  {one_line(what)}{signed}")
            lines.extend(
                f"    {one_line(c.field)}: {one_line(clip(c.old_text, 60))} -> "
                f"{one_line(clip(c.new_text, 60))}"
                for c in h.changes
            )
    if view.superseded_by:
        lines.append(f"superseded by {view.superseded_by}")
    if view.verifications:
        lines.append("verifications")
        for v in view.verifications:
            finding = f": {v.event.finding}" if v.event.finding else ""
            occurred = v.occurred.text if v.occurred else ""
            lines.append(
                f"  {occurred}  {v.event.verifier} {v.event.verdict} ({v.id})"
                + continued(finding, "    ")
            )
    return "\n".join(lines)


def _not_an_event(state: Any, slug: str) -> None:
    """Refuse an actor or topic id given where an event id belongs, saying where to look."""
    from tracker.errors import UnknownIdError

    for what, table, where in (
        ("an actor", state.actors, f"tracker actor show {slug}"),
        ("a topic", state.topics, "tracker topic list"),
    ):
        if slug in table:
            msg = f"'{slug}' is {what} id, not an event id: see '{where}'"
            raise UnknownIdError(msg)


def _item(value: Any) -> str:
    if hasattr(value, "target") and hasattr(value, "type"):
        return f"{value.type} {value.target}"
    return str(value)


# --- replay ----------------------------------------------------------------------------------


def _replay(args: argparse.Namespace) -> None:
    from tracker.cli.outputs import clocks, dump
    from tracker.cli.render import open_start_note, timeline_lines, timeline_table

    with open_log(args) as log:
        state = replay(log, args)
    filters = {"actor": args.actor, "topic": args.topic, "type": args.type, "tag": args.tag}
    timeline = state.timeline(**filters)  # an unknown actor, topic or type is refused
    uncertain = list(state.uncertain())
    if any(filters.values()):
        keep = set(_filtered_ids(uncertain, filters))
        uncertain = [e for e in uncertain if e.id in keep]
    summary = state.summary()
    if args.json:  # printed as it is read: the whole log's events are never all in memory
        from tracker.projections.timeline import ENTRY_SHAPE

        result = dump(
            "replay",
            {**clocks(state), "summary": summary, "timeline": [], "uncertain": uncertain},
        )
        del result["timeline"]
        emit_streamed(result, "timeline", (ENTRY_SHAPE.dump(e) for e in timeline))
        return
    as_of = f"as of {args.as_of}" if args.as_of else "as of: no limit"
    known = f"as known at {args.known_at}" if args.known_at else "known at: the whole log"
    say(
        f"{as_of}, {known}: {plural(len(timeline), 'event')}, {len(uncertain)} uncertain, "
        f"{plural(summary['actors'], 'actor')}, {plural(summary['topics'], 'topic')} "
        f"(log read to record {summary['head_seq']})\n"
    )
    shown: list[str] = []

    def noting(entries: Iterable[Any]) -> Iterator[Any]:
        for e in entries:
            if e.occurred is not None and not shown and e.occurred.text.startswith(".."):
                shown.append(e.occurred.text)
            yield e

    if len(timeline):
        for line in timeline_lines(noting(timeline), sample=500):
            say(line)
    else:
        say(no_results("events"))
    if uncertain:
        say(f"\npossibly by then, not counted (their dates straddle {args.as_of}):")
        say(timeline_table(noting(uncertain)))
    note = open_start_note(shown)
    if note:
        say(f"\n{note}")


def _filtered_ids(entries: list[Any], filters: dict[str, str | None]) -> list[str]:
    from tracker.projections.timeline import Timeline

    line = Timeline()
    for e in entries:
        line.add(e)
    return line.view(**filters).ids()


# --- verify, head, repair, schema ------------------------------------------------------------


def _verify(args: argparse.Namespace) -> None:
    head = _read_head(args.head) if args.head is not None else None
    signed = None
    trusted = None
    if args.keys is not None:
        from tracker.proofs.keys import read_trusted

        trusted = read_trusted(args.keys)
    with open_log(args) as log:
        if args.extends:
            with explain_missing_log(args.extends, "source", "to compare with"):
                report = log.extends(args.extends)
        if not args.extends or head is not None or trusted is not None:
            report = log.verify(head=head, keys=trusted)
        if head is not None:
            signed = _tree_head(head, args.keys)
    last = report.head
    result: dict[str, Any] = {
        "ok": True,
        "records": report.records,
        "head": str(last),
        "seq": last.seq,
        "hash": last.hash,
        "extends_head": None,
        "extends_log": None,
        "root": None,
        "signatures": [],
        "signed": None,
        "recorders": [],
        "rotations": [],
        "erasures": [],
    }
    text = f"ok: {report.records} records, chain intact"
    audit = report.audit
    if audit is not None and audit.keys_checked:
        result["signed"] = audit.signed
        result["recorders"] = [
            {"key": key, "records": n} for key, n in sorted(audit.recorders.items())
        ]
        result["rotations"] = [
            {"record": seq, "old": old, "new": new} for seq, old, new in audit.rotations
        ]
        names = ", ".join(f"{k} ({n})" for k, n in sorted(audit.recorders.items()))
        text += f"; every record signed by a trusted key: {names or 'none'}"
    elif trusted is not None:
        text += "; record signatures not checked (the keys file names no recorder or eraser)"
    if audit is not None and audit.erasures:
        result["erasures"] = [
            {
                "record": e.seq,
                "erased": list(e.records),
                "reason": e.reason,
                "ordered_by": e.ordered_by,
                "by": e.by,
            }
            for e in audit.erasures
        ]
        for e in audit.erasures:
            erased = ", ".join(str(r) for r in e.records)
            noun = "record" if len(e.records) == 1 else "records"
            text += (
                f"; record {e.seq} erased {noun} {erased} ({clip(e.reason, 80)}; "
                f"ordered by {clip(e.ordered_by, 60)})"
            )
    if head is not None:
        from tracker.store.checkpoint import Checkpoint

        pinned = Checkpoint.parse(head)
        result["extends_head"] = str(pinned)
        text += f"; it extends the published head {pinned.seq}"
        if signed is not None:
            from tracker.cli.proof_cmds import signatures_json, signatures_text

            result["root"] = signed.head.root.hex() if signed.head.root else None
            result["signatures"] = signatures_json(signed.checked)
            text += " and its Merkle root"
            if args.keys is not None:
                text += "; " + signatures_text(signed.checked, args.keys)
            elif signed.checked:
                text += f" ({plural(len(signed.checked), 'signature')} not checked: give --keys)"
    if args.extends:
        result["extends_log"] = args.extends
        text += f"; it extends {args.extends}"
    result["warnings"] = list(report.warnings)
    text = f"{text}; head {last}"
    if report.warnings:
        text += f"\n{plural(len(report.warnings), 'warning')} (the chain is intact):"
        text += "".join(f"\n  warning: {w}" for w in report.warnings)
    from tracker.cli.outputs import dump

    emit(dump("verify", result), args.json, text)


def _read_head(value: str) -> str:
    """The text of --head: the note or SEQ:HASH itself, a file holding it, or - for stdin."""
    import re

    from tracker.errors import InvalidInputError

    if value == "-":
        return sys.stdin.read()
    if "\n" in value or re.fullmatch(r"\s*\d+:[0-9a-fA-F]*\s*", value):
        return value
    try:
        with open(value, encoding="utf-8") as f:  # noqa: PTH123 - plain open keeps imports light
            return f.read(65536)
    except FileNotFoundError:
        msg = (
            f"--head {value!r} is neither SEQ:HASH nor a file holding the note 'tracker head' "
            "printed"
        )
        raise InvalidInputError(msg) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read the head from {value}: {getattr(exc, 'strerror', None) or exc}"
        raise InvalidInputError(msg) from None


def _head(args: argparse.Namespace) -> None:
    import base64

    from tracker._proofs import tree_head

    keys = []
    if args.sign:
        from tracker.proofs.keys import load_key

        keys = [load_key(name) for name in args.sign]
    with open_log(args) as log:
        head = log.head()
        checkpoint = tree_head(log)
    note = checkpoint.note()
    if keys:
        from tracker.proofs.note import Note

        signed = Note(checkpoint.text())
        for key in keys:
            signed = signed.sign(key)
        note = signed.encode()
    assert checkpoint.root is not None
    result = {
        "origin": checkpoint.origin,
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "root": base64.b64encode(checkpoint.root).decode(),
        "recorded": head.recorded,
        "head": str(checkpoint),
        "note": note,
    }
    from tracker.cli.outputs import dump

    emit(dump("head", result), args.json, note.rstrip("\n") + ("" if keys else "\n"))


class _Signed:
    """A tree head given to verify, with its checked signatures."""

    def __init__(self, head: Any, checked: list[Any]) -> None:
        self.head, self.checked = head, checked


def _tree_head(text: str, keys_path: str | None) -> _Signed | None:
    """For a tree head given to verify (whose root ``Log.verify`` checked): check its
    signatures against the keys (a chain note has none: None)."""
    from tracker.cli.proof_cmds import trusted_keys
    from tracker.proofs.proof import check_head_signatures, normalize
    from tracker.store.checkpoint import Checkpoint

    if Checkpoint.parse(text).root is None:
        if keys_path is not None:
            from tracker.errors import InvalidInputError

            msg = "--keys: this head is a hash-chain note (an older 'tracker head'), which carries no signatures"
            raise InvalidInputError(msg)
        return None
    from tracker.proofs.proof import read_head

    signed = read_head(normalize(text))
    keys = trusted_keys(keys_path)
    return _Signed(signed.head, check_head_signatures(signed, keys))


def _repair(args: argparse.Namespace) -> None:
    import tracker

    path, origin = log_path(args)
    with explain_missing_log(path, origin):
        damage = tracker.repair(path)
    from tracker.cli.outputs import dump

    if damage is None:
        result: dict[str, Any] = {
            "repaired": False,
            "offset": None,
            "length": None,
            "description": None,
        }
        emit(dump("repair", result), args.json, f"nothing to repair: {path} ends cleanly")
        return
    result = {
        "repaired": True,
        "offset": damage.offset,
        "length": damage.length,
        "description": damage.description,
    }
    emit(
        dump("repair", result),
        args.json,
        f"cut {damage.length} bytes at byte {damage.offset} of {path}: {damage.description}",
    )


def _schema(args: argparse.Namespace) -> None:
    from tracker.events import json_schema
    from tracker.events.flat import spec

    if args.output is not None:
        if args.event_type is not None:
            msg = "schema: give an event TYPE or --output COMMAND, not both"
            raise UsageError(msg)
        emit(_output_schema(args.output), True)
        return
    if args.event_type is None:
        emit(json_schema(), True)
        return
    model = spec(args.event_type).model
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    emit(schema, True)


def _output_schema(command: str) -> dict[str, Any]:
    """The schema of a command's --json output; an unknown command is refused with the list."""
    from tracker.cli.outputs import COMMANDS, schema
    from tracker.errors import InvalidInputError
    from tracker.projections.registry import suggest

    name = " ".join(command.split())
    if name not in COMMANDS:  # 'actor-show' and 'actor_show' name 'actor show'
        spaced = " ".join(command.replace("-", " ").replace("_", " ").split())
        name = spaced if spaced in COMMANDS else name
    if name not in COMMANDS:
        close = suggest(name, COMMANDS)
        hint = f"; did you mean '{close}'?" if close else ""
        msg = (
            f"schema --output: no command '{command}'{hint} (commands with --json output: "
            f"{', '.join(sorted(COMMANDS))})"
        )
        raise InvalidInputError(msg)
    return schema(name)
