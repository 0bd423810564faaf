"""Flags from the event models: one flag per flat name of :mod:`tracker.events.flat`.

Every flag records ``(name, value)`` in ``args.flat`` in command-line order, so repeated
groups pair by position, exactly as the columns of an import CSV do. Nothing here knows a
field by name: a field added to a model appears here and in ``--help`` by itself.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from tracker.events.flat import FlatEvent, FlatSpec, MissingFieldsError, build, flag
from tracker.events.models import BaseEvent


class _Record(argparse.Action):
    """Append ``(flat name, value)`` to ``namespace.flat``."""

    def __init__(
        self, option_strings: Sequence[str], dest: str, flat_name: str, **kwargs: Any
    ) -> None:
        self.flat_name = flat_name
        super().__init__(option_strings, dest, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        pairs = list(getattr(namespace, "flat", None) or [])
        if self.nargs == 0:
            value: Any = not (option_string or "").startswith("--no-")
        else:
            value = values
        pairs.append((self.flat_name, value))
        namespace.flat = pairs


def add_event_flags(
    parser: argparse.ArgumentParser, flat: FlatSpec, *, positional: str | None = None
) -> None:
    """Add a flag per flat name of ``flat`` (and ``positional`` as the first argument)."""
    parser.set_defaults(flat=[])
    # The flags are listed below, grouped; a usage line naming them all would fill the screen.
    parser.usage = f"%(prog)s {positional.upper() + ' ' if positional else ''}[--FIELD VALUE ...]"
    if positional is not None:
        field = flat.by_name[positional]
        parser.add_argument(
            positional.upper().replace(".", "_"),
            action=_Record,
            flat_name=positional,
            help=field.help,
        )
    main = parser.add_argument_group(f"fields of {flat.event_type}")
    common = parser.add_argument_group("fields every event has")
    shorthands = parser.add_argument_group("shorthands")
    groups: dict[str, argparse._ArgumentGroup] = {}
    if "replacement" in flat.model.model_fields:
        groups["replacement"] = parser.add_argument_group(
            "replacement: fields of the corrected event to change (the rest are kept)"
        )
    for field in flat.fields:
        if field.name == positional:
            continue
        if field.name.startswith("replacement.") and field.group is None:
            target = groups["replacement"]
        elif field.group is not None and "." in field.name:
            prefix = field.name.rsplit(".", 1)[0]
            if prefix not in groups:
                groups[prefix] = parser.add_argument_group(
                    f"{prefix} (repeat for more than one; the values pair by position; "
                    "'' keeps a place empty)"
                )
            target = groups[prefix]
        elif field.group is not None:
            target = shorthands
        elif field.path[0] in BaseEvent.model_fields:
            target = common
        else:
            target = main
        mark = " (required)" if field.required else ""
        if field.kind == "json" and field.required:
            mark = f" (required, or the {field.name}.FIELD flags below)"
        help_text = (field.help or field.name) + mark
        shown = [flag(n) for n in field.names]
        hidden = [f"--{n}" for n in field.names if flag(n) != f"--{n}"]  # --reported_by works too
        if field.kind == "bool":
            target.add_argument(
                *shown,
                *[f"--no-{o[2:]}" for o in shown],
                action=_Record,
                flat_name=field.name,
                nargs=0,
                help=help_text,
            )
            if hidden:
                parser.add_argument(
                    *hidden, action=_Record, flat_name=field.name, nargs=0, help=argparse.SUPPRESS
                )
            continue
        if field.kind == "list" or field.group is not None:
            help_text += " (repeatable)"
        metavar = _metavar(field.name, field.kind)
        target.add_argument(
            *shown, action=_Record, flat_name=field.name, metavar=metavar, help=help_text
        )
        if hidden:
            parser.add_argument(
                *hidden,
                action=_Record,
                flat_name=field.name,
                metavar=metavar,
                help=argparse.SUPPRESS,
            )


def event_from_flags(
    event_type: str, values: list[tuple[str, str | bool]], *, command: str | None = None
) -> FlatEvent:
    """The event dict the flags of ``tracker add TYPE`` (or ``actor add``) give.

    A required flag not given is a usage error (exit 2), as a missing argument is; it points
    at the help of ``command``, the command the user typed (default ``tracker add TYPE``).

    Raises:
        UsageError: a required flag is missing.
        InvalidEventError: a value is wrong (not a choice, a malformed relation).
    """
    from tracker.cli.errors import UsageError

    try:
        return build(event_type, values, flags=True, command=command)
    except MissingFieldsError as exc:
        raise UsageError(exc.message) from None


def _metavar(name: str, kind: str) -> str:
    last = name.rsplit(".", 1)[-1]
    if kind == "json":
        return "JSON"
    if kind == "pair":
        return "TYPE:TARGET"
    if last in ("occurred", "reported", "published", "period"):
        return "DATE"
    if last in ("url", "source"):
        return "URL"
    return last.upper()


__all__ = ["add_event_flags", "event_from_flags"]
