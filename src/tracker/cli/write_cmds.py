"""Commands that write the log: init, add, import."""

from __future__ import annotations

import argparse
import shlex
import sys
import time

from tracker.cli.common import (
    DEFAULT_LOG,
    ENV_LOG,
    add_date_order_option,
    add_sign_option,
    command,
    date_reading,
    emit,
    log_path,
    note_reading,
    note_units,
    open_log,
    plural,
    selected,
)

TYPE_CHECKING = False  # not typing's: keeps typing out of `tracker --help`
if TYPE_CHECKING:
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

    result = dump(
        "add --dry-run" if args.dry_run else "add", appended(receipt, dry_run=args.dry_run)
    )
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
        f"record {r['first_seq']}" if appended == 1 else f"records {r['first_seq']}-{r['last_seq']}"
    )
    noun = "event" if appended == 1 else "events"
    if r["dry_run"]:
        return (
            f"{listing}would import {appended} {noun} as {span}{existing}{dated} "
            "(dry run: nothing written)"
        )
    return f"imported {appended} {noun} from {r['file']} as {span}{existing}{dated}"
