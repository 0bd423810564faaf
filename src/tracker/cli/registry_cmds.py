"""Registration commands: ``tracker actor add|show|list`` and ``tracker topic add|list``."""

from __future__ import annotations

import argparse

from tracker.cli.common import (
    add_date_options,
    add_sign_option,
    command,
    dates,
    emit,
    no_results,
    open_log,
    replay,
    selected,
    table,
)

TYPE_CHECKING = False  # not typing's: keeps typing out of `tracker --help`
if TYPE_CHECKING:
    from typing import Any

    from tracker.projections.state import State


def register(subparsers: Any) -> None:
    """Add this module's commands."""
    words = selected(subparsers)
    for kind, plural in (("actor", "actors"), ("topic", "topics")):
        group = subparsers.add_parser(
            kind,
            help=f"register and list {plural}"
            + (" (with aliases and relations)" if kind == "actor" else ""),
            description=f"Register {plural} that events name by id, and look them up.",
            epilog=f"Example:\n  $ tracker {kind} list",
        )
        actions = group.add_subparsers(
            dest="action", metavar="ACTION", title="actions", required=True
        )
        actions.tracker_words = words[1:] if words[:1] == [kind] else []
        p = command(
            actions,
            "add",
            help=f"register a new {kind}",
            example=_ADD_EXAMPLES[kind],
            handler=_add,
        )
        p.set_defaults(kind=kind)
        p.add_argument("--dry-run", action="store_true", help="check, append nothing")
        add_sign_option(p)
        if words[:2] == [kind, "add"]:
            from tracker.cli.flags import add_event_flags
            from tracker.events.flat import spec

            add_event_flags(p, spec(kind), positional=kind)
        if kind == "actor":
            p = command(
                actions,
                "show",
                help=(
                    "one actor: registration, relations both ways, events by role, stances, "
                    "figures, and regulatory posture"
                ),
                example="tracker actor show ofcom\ntracker actor show ofcom --as-of 2026-01-10",
                handler=_actor_show,
            )
            p.add_argument(
                "actor_id", metavar="ID", help="the actor's id (see 'tracker actor list')"
            )
            add_date_options(p)
        p = command(
            actions,
            "list",
            help=f"list the registered {plural}",
            example=f"tracker {kind} list\ntracker {kind} list --json",
            handler=_list,
        )
        p.set_defaults(kind=kind)
        add_date_options(p)


_ADD_EXAMPLES = {
    "actor": (
        "tracker actor add grok --name Grok --kind product --relation developed_by:xai "
        "--relation runs_on:x --alias 'Grok Imagine'"
    ),
    "topic": "tracker topic add paywall --name 'Image tools restricted to paying subscribers'",
}


def _add(args: argparse.Namespace) -> None:
    from tracker.cli.flags import event_from_flags

    flat = event_from_flags(args.kind, args.flat, command=f"tracker {args.kind} add")
    with open_log(args, signing=True) as log:
        receipt = log.append(flat.data, dry_run=args.dry_run)[0]
    slug = flat.data[args.kind]
    from tracker.cli.outputs import appended, dump

    result = {args.kind: slug, **appended(receipt, dry_run=args.dry_run)}
    if receipt.status == "exists":
        text = (
            f"{args.kind} {slug} is already registered, the same (record {receipt.seq}); "
            "nothing written"
        )
    elif args.dry_run:
        text = (
            f"would register {args.kind} {slug} as record {receipt.seq} (dry run: nothing written)"
        )
    else:
        text = f"registered {args.kind} {slug} as record {receipt.seq} (event {receipt.id})"
    output = f"{args.kind} add --dry-run" if args.dry_run else f"{args.kind} add"
    emit(dump(output, result), args.json, text)


def actor_record(state: State, actor_id: str) -> dict[str, Any]:
    """An actor's registration as plain values (raises UnknownIdError with a suggestion)."""
    reg = state.registry.require_actor(actor_id)
    entry = state.registry.actor_entries[actor_id]
    return {
        "actor": reg.actor,
        "name": reg.name,
        "kind": reg.kind,
        "aliases": list(reg.aliases),
        "jurisdiction": reg.jurisdiction,
        "relations": [
            {"type": r.type, "target": r.target, "start": r.start, "end": r.end}
            for r in reg.relations
        ],
        "event": entry.id,
        "seq": entry.seq,
    }


def _actor_show(args: argparse.Namespace) -> None:
    from tracker.cli.projections import actor_text
    from tracker.errors import UnknownIdError

    with open_log(args) as log:  # folds only the records about this actor (the log's index)
        state = log.replay_actor(args.actor_id, **dates(args))
        try:
            view = state.actor(args.actor_id)
        except UnknownIdError:  # not an actor: the whole state says what the id is
            state = log.replay(**dates(args))
            view = _actor_view(state, args.actor_id)
    from tracker.cli.outputs import clocks, dump
    from tracker.projections.shape import values_of

    result = dump("actor show", {**clocks(state), **values_of(view)})
    emit(result, args.json, lambda _: actor_text(state, view))


def _actor_view(state: State, actor_id: str) -> Any:
    """``state.actor(actor_id)``; an event id given instead is refused with where to look."""
    from tracker.errors import UnknownIdError

    try:
        return state.actor(actor_id)
    except UnknownIdError:
        if state.placement(actor_id) is not None:
            msg = f"'{actor_id}' is an event id, not an actor id: see 'tracker show {actor_id}'"
            raise UnknownIdError(msg) from None
        raise


def _list(args: argparse.Namespace) -> None:
    from tracker.cli.outputs import clocks, dump
    from tracker.cli.projections import relation_span

    with open_log(args) as log:
        state = replay(log, args)
    if args.kind == "actor":
        actors = [actor_record(state, slug) for slug in sorted(state.actors)]
        rows = [
            (
                a["actor"],
                a["name"],
                a["kind"],
                a["jurisdiction"] or "",
                ", ".join(a["aliases"]),
                ", ".join(
                    f"{r['type']} {r['target']}{relation_span(r['start'], r['end'])}"
                    for r in a["relations"]
                ),
            )
            for a in actors
        ]
        text = table(
            rows,
            ("ID", "NAME", "KIND", "JURISDICTION", "ALIASES", "RELATIONS"),
            widths=(0, 40, 0, 0, 40, 60),
        )
        emit(
            dump("actor list", {**clocks(state), "actors": actors}),
            args.json,
            text if rows else no_results("actors registered"),
        )
        return
    topics = [
        {
            "topic": t.topic,
            "name": t.name,
            "description": t.description,
            "event": state.registry.topic_entries[slug].id,
        }
        for slug, t in sorted(state.topics.items())
    ]
    topic_rows = [(t["topic"], t["name"], t["description"] or "") for t in topics]
    text = table(topic_rows, ("ID", "NAME", "DESCRIPTION"), widths=(0, 50, 70))
    emit(
        dump("topic list", {**clocks(state), "topics": topics}),
        args.json,
        text if topic_rows else no_results("topics registered"),
    )
