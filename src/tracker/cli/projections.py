"""The answer commands: ``tracker stances``, ``figures``, ``posture``, ``disputes`` and ``diff``.

Each replays the log at ``--as-of`` / ``--known-at``, asks the state one question through the
facade (:class:`tracker.State`), and prints the answer as a table, or with ``--json`` as the
answer's ``to_json()`` (with the clocks it was asked at).
"""

from __future__ import annotations

import argparse

from tracker.cli.common import (
    add_date_options,
    clip,
    command,
    dates,
    emit,
    known_at,
    no_results,
    open_log,
    plural,
    replay,
    table,
    when,
)
from tracker.cli.errors import UsageError

TYPE_CHECKING = False  # not typing's: keeps typing out of `tracker --help`
if TYPE_CHECKING:
    from typing import Any

    from tracker.events.dates import PartialDate
    from tracker.projections.actors import ActorView
    from tracker.projections.figures import FigurePoint
    from tracker.projections.posture import PostureRow
    from tracker.projections.state import State


def register(subparsers: Any) -> None:
    """Add this module's commands."""
    p = command(
        subparsers,
        "stances",
        help="who stands where on each topic (-2 against .. +2 for), and how that moved",
        description=(
            "Current positions per holder and topic, with the statements that hold them.\n"
            "--changes lists each change instead: new, hardened (same side, further from 0),\n"
            "softened (same side, nearer 0), reversed (sign flip) or withdrawn (the statement\n"
            "was retracted), with the statements before and after it."
        ),
        example=(
            "tracker stances --holder uk-gov\n"
            "tracker stances --topic sexual-deepfakes --changes\n"
            "tracker stances --as-of 2026-01-10 --known-at 2026-01-12 --json"
        ),
        handler=_stances,
    )
    p.add_argument("--topic", metavar="TOPIC", help="only this topic")
    p.add_argument("--holder", "--speaker", dest="holder", metavar="ACTOR", help="only this holder")
    p.add_argument("--changes", action="store_true", help="list the classified changes")
    add_date_options(p)

    p = command(
        subparsers,
        "figures",
        help="reported figures per metric over time, with units, reporter and standing",
        description=(
            "Figure series, one per metric, in occurred order. Each value keeps its unit;\n"
            "--unit converts every selected value to one unit of the same dimension\n"
            "(per_hour to per_day, USD_billion to USD_million) and refuses any that cannot be."
        ),
        example=(
            "tracker figures --metric sexualised_images_generated --unit per_day\n"
            "tracker figures --subject xai --unit USD_million --json"
        ),
        handler=_figures,
    )
    p.add_argument("--metric", metavar="METRIC", help="only this metric")
    p.add_argument("--subject", metavar="ACTOR", help="only figures about this actor")
    p.add_argument(
        "--reporter",
        "--reported-by",
        dest="reporter",
        metavar="ACTOR",
        help="only figures reported by this actor",
    )
    p.add_argument("--unit", metavar="UNIT", help="convert every value to this unit")
    add_date_options(p)

    p = command(
        subparsers,
        "posture",
        help="each regulator's highest open rung toward each target, and its steps",
        description=(
            "Per regulator and target, the highest rung of the escalation ladder still open\n"
            "(1 contact .. 10 restriction_imposed, 11 ban_or_suspension), the actions holding\n"
            "it with their own dates, and the restrictions in force; then the history (every\n"
            "action opened, ended by a closure, withdrawal or overturning, or superseded) and\n"
            "every escalation and step down with the event that made it. An ending that does\n"
            "not fit the action it names (another pair's, dated before it) is ignored and listed."
        ),
        example="tracker posture\ntracker posture --target x --as-of 2026-01-10 --json",
        handler=_posture,
    )
    p.add_argument("--regulator", metavar="ACTOR", help="only this regulator")
    p.add_argument("--target", metavar="ACTOR", help="only this target")
    add_date_options(p)

    p = command(
        subparsers,
        "disputes",
        help="tested claims with their verdicts, what is contested, and every fix",
        description=(
            "Each tested event with its verdicts and by whom (status: the strongest verdict,\n"
            "contradicted > partly_confirmed > confirmed), then the corrections, retractions\n"
            "and supersessions with their reasons."
        ),
        example="tracker disputes\ntracker disputes --known-at 2026-01-13 --json",
        handler=_disputes,
    )
    add_date_options(p)

    p = command(
        subparsers,
        "diff",
        help="what changed between two replays: events, stances, figures, posture, fixes",
        description=(
            "Compare the replay at --as-of/--known-at with the one at --to-as-of/--to-known-at\n"
            "(each defaults to its first-side value; give at least one). Same --as-of, two\n"
            "known-at dates: what the log learnt in between about the same days."
        ),
        example=(
            "tracker diff --as-of 2026-01-12 --known-at 2026-01-12 --to-known-at 2026-01-14\n"
            "tracker diff --as-of 2026-01-10 --to-as-of 2026-01-12 --json\n"
            "tracker diff --known-at @28 --to-known-at @29"
        ),
        handler=_diff,
    )
    add_date_options(p)
    group = p.add_argument_group("the other side")
    group.add_argument("--to-as-of", metavar="DATE", help="world time of the second replay")
    group.add_argument(
        "--to-known-at",
        metavar="WHEN",
        help="record time of the second replay (a date, @N, or a published head)",
    )


def _replay(args: argparse.Namespace, about: str | None = None) -> State:
    """The replay at the command's dates; with ``about``, only what concerns that actor."""
    with open_log(args) as log:
        return replay(log, args, about=about)


def _out(output: str, state: State, **values: Any) -> dict[str, Any]:
    """The JSON of ``output``: the state's clocks, then ``values`` (see tracker.cli.outputs)."""
    from tracker.cli.outputs import clocks, dump

    return dump(output, {**clocks(state), **values})


def values_of(answer: Any) -> dict[str, Any]:
    """An answer's top-level fields by name, as its declared shape reads them."""
    from tracker.projections.shape import values_of as read

    return read(answer)


def _position(value: int | None) -> str:
    return "none" if value is None else f"{value:+d}"


def _stances(args: argparse.Namespace) -> None:
    from tracker.cli.render import listing_key, open_start_note, shown_date, words

    state = _replay(args, about=args.holder)
    if args.changes:
        changes = state.stance_changes(topic=args.topic, holder=args.holder)
        rows: list[tuple[Any, ...]] = [
            (
                shown_date(c.occurred),
                c.holder,
                c.topic,
                c.kind,
                "" if c.position_before is None else _position(c.position_before),
                _position(c.position_after),
                c.before or "",
                c.after,
            )
            for c in sorted(changes, key=lambda c: listing_key(c.occurred, c.sort_key[2]))
        ]
        text = table(rows, ("OCCURRED", "HOLDER", "TOPIC", "KIND", "FROM", "TO", "BEFORE", "AFTER"))
        note = open_start_note(c.occurred for c in changes)
        text += f"\n\n{note}" if note else ""
        emit(
            _out("stances --changes", state, changes=changes),
            args.json,
            text if rows else no_results("stance changes"),
        )
        return
    stances = state.stances(topic=args.topic, holder=args.holder)
    rows = [
        (
            s.holder,
            s.topic,
            _position(s.position),
            shown_date(s.since),
            ",".join(s.evidence),
            words(s.quote, s.summary),
        )
        for s in stances
    ]
    text = table(
        rows,
        ("HOLDER", "TOPIC", "POSITION", "SINCE", "EVIDENCE", "QUOTE OR (SUMMARY)"),
        widths=(0, 0, 0, 0, 50, 60),
    )
    emit(
        _out("stances", state, stances=stances),
        args.json,
        text if rows else no_results("stances"),
    )


def standing(p: FigurePoint) -> str:
    """A figure's marks: its verdict status, its corrections, what superseded it."""
    out: list[str] = [] if p.status == "untested" else [p.status]
    if p.corrections:
        out.extend(p.corrections)
    elif p.corrected_by:
        out.append(f"corrected by {','.join(p.corrected_by)}")
    if p.superseded_by:
        out.append(f"superseded by {p.superseded_by}")
    return "; ".join(out)


def _figures(args: argparse.Namespace) -> None:
    about = args.subject or args.reporter
    state = _replay(args, about=about)
    figures = state.figures(
        metric=args.metric, subject=args.subject, reporter=args.reporter, unit=args.unit
    )

    from tracker.cli.render import listing_key, shown_date

    rows = [
        (
            p.metric,
            shown_date(p.occurred),
            p.text,
            p.unit,
            p.subject or "",
            p.reporter or "",
            p.id,
            standing(p),
        )
        for series in figures.series
        for p in sorted(series.points, key=lambda p: listing_key(p.occurred, p.sort_key[2]))
    ]
    text = table(
        rows,
        ("METRIC", "OCCURRED", "VALUE", "UNIT", "SUBJECT", "REPORTER", "ID", "STANDING"),
        widths=(0, 0, 40, 0, 0, 0, 0, 60),
    )
    emit(
        _out("figures", state, unit=args.unit, series=figures.series),
        args.json,
        text if rows else no_results("figures"),
    )


def _posture(args: argparse.Namespace) -> None:
    from tracker.cli.render import listing_key, open_start_note, shown_date

    state = _replay(args, about=args.regulator or args.target)
    posture = state.posture(regulator=args.regulator, target=args.target)

    def text(_: Any) -> str:
        if not len(posture.current) and not len(posture.ignored):
            return no_results("regulatory actions")
        current = table(
            [
                (
                    r.regulator,
                    r.target,
                    r.level,
                    r.rung or "(none open)",
                    _held(r),
                    shown_date(r.since),
                    r.event,
                )
                for r in posture.current
            ],
            ("REGULATOR", "TARGET", "LEVEL", "RUNG", "HELD BY", "MOVED", "BY EVENT"),
        )
        parts = [current]
        restricted = [r for r in posture.current if r.restrictions]
        if restricted:
            parts.append(
                "restrictions in force\n"
                + "\n".join(
                    f"  {r.regulator} on {r.target}: {'; '.join(r.restrictions)}"
                    for r in restricted
                )
            )
        history = table(
            [
                (
                    shown_date(h.occurred),
                    h.regulator,
                    h.target,
                    h.change if h.by_rung is None else f"{h.change} ({h.by_rung})",
                    h.rung,
                    h.action,
                    h.event,
                    h.posture_rung or "none",
                )
                for h in sorted(
                    posture.history, key=lambda h: listing_key(h.occurred, h.sort_key[2])
                )
            ],
            ("OCCURRED", "REGULATOR", "TARGET", "CHANGE", "RUNG", "ACTION", "EVENT", "POSTURE"),
        )
        parts.append(f"history: {plural(len(posture.history), 'change')}\n{history}")
        steps = table(
            [
                (
                    shown_date(s.occurred),
                    s.regulator,
                    s.target,
                    s.kind,
                    s.from_rung or "none",
                    s.to_rung or "none",
                    s.event,
                )
                for s in sorted(posture.steps, key=lambda s: listing_key(s.occurred, s.sort_key[2]))
            ],
            ("OCCURRED", "REGULATOR", "TARGET", "STEP", "FROM", "TO", "EVENT"),
        )
        parts.append(f"{plural(len(posture.steps), 'step')}\n{steps}")
        note = open_start_note(h.occurred for h in posture.history)
        if note:
            parts.append(note)
        if len(posture.ignored):
            parts.append(
                f"{plural(len(posture.ignored), 'ending')} ignored (they do not fit the action "
                "they name)\n"
                + "\n".join(
                    f"  {i.event} ({i.rung} of {i.ends}): {i.reason}" for i in posture.ignored
                )
            )
        return "\n\n".join(parts)

    emit(
        _out("posture", state, **values_of(posture)),
        args.json,
        text,
    )


def _disputes(args: argparse.Namespace) -> None:
    state = _replay(args)
    disputes = state.disputes()

    def text(_: Any) -> str:
        parts = []
        if len(disputes.claims):
            parts.append(
                table(
                    [
                        (
                            c.event,
                            c.type or "",
                            c.status,
                            ", ".join(
                                f"{v.verifier} {v.verdict} ({v.verification})" for v in c.verdicts
                            ),
                            clip(c.summary, 60),
                        )
                        for c in disputes.claims
                    ],
                    ("CLAIM", "TYPE", "STATUS", "VERDICTS", "SUMMARY"),
                )
            )
            contested = [c.event for c in disputes.contested]
            parts.append(f"contested: {', '.join(contested) if contested else 'none'}")
        else:
            parts.append(no_results("tested claims"))
        if len(disputes.fixes):
            parts.append(
                table(
                    [
                        (when(f.recorded, args), f.kind, f.target, f.id, f.reason,
                         "; ".join(c.text for c in f.changes))
                        for f in disputes.fixes
                    ],
                    ("RECORDED", "FIX", "TARGET", "ID", "REASON", "CHANGED"),
                    widths=(0, 0, 0, 0, 60, 60),
                )
            )
        else:
            parts.append(no_results("corrections, retractions or supersessions"))
        return "\n\n".join(parts)

    emit(_out("disputes", state, **values_of(disputes)), args.json, text)


def _diff(args: argparse.Namespace) -> None:
    import tracker

    if args.to_as_of is None and args.to_known_at is None:
        raise UsageError(
            "diff: give the other side with --to-known-at and/or --to-as-of "
            "(see 'tracker diff --help')"
        )
    first = dates(args)  # checks every date given, --to-as-of and --to-known-at too
    to_as_of = args.to_as_of if args.to_as_of is not None else args.as_of
    to_known_at = args.to_known_at if args.to_known_at is not None else args.known_at
    with open_log(args) as log:
        a = log.replay(**first)
        b = log.replay(
            as_of=to_as_of,
            known_at=first["known_at"] if args.to_known_at is None else known_at(args, "to_known_at"),
        )
    d = tracker.diff(a, b)

    def side(as_of: str | None, known_at: str | None) -> str:
        return f"as of {as_of or 'no limit'}, known at {known_at or 'the whole log'}"

    def text(_: Any) -> str:
        head = f"from {side(args.as_of, args.known_at)}\n  to {side(to_as_of, to_known_at)}"
        if not d:
            return f"{head}\n\nno differences"
        body = table(
            [(c.section, c.change, c.occurred or "", c.id, c.summary) for c in d.changes],
            ("SECTION", "CHANGE", "OCCURRED", "ID", "SUMMARY"),
            widths=(0, 0, 0, 0, 90),
        )
        return f"{head}\n\n{body}"

    emit(d.to_json(), args.json, text)


def actor_text(state: State, view: ActorView) -> str:
    """What ``tracker actor show`` prints: every section of the per-actor view."""
    from tracker._inert import one_line
    from tracker.cli.render import describe, listing_key, notes, shown_date

    reg = view.registration
    lines = [
        f"{view.actor}: {one_line(view.name)} ({view.kind})"
        if reg
        else f"{view.actor}: (registration retracted)"
    ]
    if reg is not None and reg.aliases:
        lines.append(f"  also known as: {', '.join(one_line(a) for a in reg.aliases)}")
    if reg is not None and reg.jurisdiction:
        lines.append(f"  jurisdiction:  {one_line(reg.jurisdiction)}")
    if view.registered_by:
        lines.append(f"  registered by: {view.registered_by} (record {view.registered_seq})")
    if len(view.relations):
        lines.append("relations")
        lines += [f"  {r.source} {r.relation} {r.target}{relation_span(r.start, r.end)}" for r in view.relations]

    def section(
        title: str, rows: list[tuple[Any, ...]], headers: tuple[str, ...], empty: str
    ) -> None:
        lines.append(f"{title} ({len(rows)})")
        if not rows:
            lines.append(f"  {no_results(empty)}")
            return
        body = table(rows, headers, widths=[90 if h == "WHAT" else 0 for h in headers])
        lines.extend(f"  {line}" for line in body.splitlines())

    events = []
    listed = sorted(  # in listing order: "on or before D" at D (the view keeps replay order)
        enumerate(view.events), key=lambda ie: listing_key(ie[1].occurred, ie[0])
    )
    for _i, e in listed:
        entry = state.entry(e.id)
        what = describe(entry.event) + notes(entry) if entry is not None else e.summary
        events.append((shown_date(e.occurred), ",".join(e.roles), e.type, e.id, what))
    section(
        f"events naming {view.actor}",
        events,
        ("OCCURRED", "ROLES", "TYPE", "ID", "WHAT"),
        "events",
    )
    section(
        "stances held",
        [(s.topic, _position(s.position), s.since, ",".join(s.evidence)) for s in view.stances],
        ("TOPIC", "POSITION", "SINCE", "EVIDENCE"),
        "stances",
    )
    for title, figures in (
        ("figures about it", view.figures),
        ("figures it reported", view.reported_figures),
    ):
        section(
            title,
            [(p.metric, p.occurred, p.text, p.id, standing(p)) for p in figures.points],
            ("METRIC", "OCCURRED", "VALUE", "ID", "STANDING"),
            "figures",
        )
    section(
        "posture as regulator",
        [
            (r.target, r.level, r.rung or "(none open)", _held(r), "; ".join(r.restrictions))
            for r in view.actions_taken
        ],
        ("TARGET", "LEVEL", "RUNG", "HELD BY", "RESTRICTIONS"),
        "regulatory actions",
    )
    section(
        "posture faced as target",
        [
            (r.regulator, r.level, r.rung or "(none open)", _held(r), "; ".join(r.restrictions))
            for r in view.actions_faced
        ],
        ("REGULATOR", "LEVEL", "RUNG", "HELD BY", "RESTRICTIONS"),
        "regulatory actions",
    )
    return "\n".join(lines)


def relation_span(start: PartialDate | None, end: PartialDate | None) -> str:
    """`` (since 2019-03, until 2024-03-25)`` for a relation with dates, else nothing."""
    parts = [f"since {start}" if start else "", f"until {end}" if end else ""]
    shown = ", ".join(p for p in parts if p)
    return f" ({shown})" if shown else ""


def _held(row: PostureRow) -> str:
    """The actions holding a posture row's rung, with the first one's date."""
    from tracker.cli.render import shown_date

    if not row.holding:
        return f"(ended by {row.event}, {shown_date(row.since)})"
    return f"{', '.join(row.holding)} ({shown_date(row.holding_since)})"


__all__ = ["actor_text", "register", "standing"]
