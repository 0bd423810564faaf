"""Commands that read the log's records and events: log, show, replay."""

from __future__ import annotations

import argparse
import sys

from tracker.cli.common import (
    add_date_options,
    add_date_order_option,
    check_range,
    clip,
    command,
    dates,
    emit,
    emit_streamed,
    no_results,
    open_log,
    plural,
    replay,
    say,
    table_lines,
    when,
)

TYPE_CHECKING = False  # not typing's: keeps typing out of `tracker --help`
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any


def register(subparsers: Any) -> None:
    """Add this module's commands."""
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
            what = "recorded" if h.kind == "recorded" else f"{h.kind} {h.event.id}: {h.reason}"
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
