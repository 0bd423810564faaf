"""What a correction changed: the field-level difference between an event and its replacement.

A correction replaces a whole event (keeping its id). :func:`field_changes` compares the two
versions' canonical forms (as the log stores them, defaults left out) field by field: a
nested value is named by its dotted path (``sources.1.url``, ``period``), an absent value is
None. The changes are listed in field order of the canonical form (sorted names), so the same
two versions always give the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from tracker.events.codec import event_to_dict
from tracker.events.describe import figure_text
from tracker.events.models import BaseEvent, Figure
from tracker.projections.results import Row
from tracker.projections.shape import Shape, text


@dataclass(frozen=True, slots=True)
class FieldChange(Row):
    """One field a correction changed: its dotted name, the old value and the new one."""

    SHAPE: ClassVar[Shape] = Shape(
        "field_change",
        "One field a correction changed, with its old and its new value.",
        text("field", "the field's dotted name (value, occurred, sources.1.url)"),
        text(
            "old",
            "the value before, as text; null when absent",
            nullable=True,
            get=lambda c: None if c.old is None else c.old_text,
        ),
        text(
            "new",
            "the value after, as text; null when the correction left it out",
            nullable=True,
            get=lambda c: None if c.new is None else c.new_text,
        ),
    )

    field: str
    old: Any
    """The value before (a JSON value; None when the field was absent)."""
    new: Any
    """The value after (None when the correction left the field out)."""

    @property
    def old_text(self) -> str:
        """The old value as text (``(none)`` when absent)."""
        return _text(self.old)

    @property
    def new_text(self) -> str:
        """The new value as text (``(none)`` when absent)."""
        return _text(self.new)

    @property
    def text(self) -> str:
        """``field: old -> new``."""
        return f"{self.field}: {self.old_text} -> {self.new_text}"



def _text(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _flat(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flat(inner, f"{prefix}.{key}" if prefix else key, out)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for i, inner in enumerate(value, 1):
            _flat(inner, f"{prefix}.{i}", out)
    elif isinstance(value, list):
        out[prefix] = ", ".join(str(v) for v in value)
    else:
        out[prefix] = value


def field_changes(before: BaseEvent | None, after: BaseEvent | None) -> tuple[FieldChange, ...]:
    """Every field that differs between two versions of an event (ids aside)."""
    if before is None or after is None:
        return ()
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    _flat({k: v for k, v in event_to_dict(before).items() if k != "id"}, "", old)
    _flat({k: v for k, v in event_to_dict(after).items() if k != "id"}, "", new)
    return tuple(
        FieldChange(name, old.get(name), new.get(name))
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    )


_VALUE_FIELDS = ("value", "lower", "upper", "unit", "approximate", "unquantified")


def correction_note(
    before: BaseEvent | None, after: BaseEvent | None, recorded: str, reason: str
) -> str:
    """One line for a corrected figure: ``corrected from 177 aircraft on DATE: reason``.
    When the figure's value did not change, the line names the fields that did.
    """
    day = recorded[:10]
    changes = field_changes(before, after)
    if isinstance(before, Figure) and any(c.field in _VALUE_FIELDS for c in changes):
        old = figure_text(before.value, before.lower, before.upper, before.unit, before.approximate)
        return f"corrected from {old} on {day}: {reason}"
    fields = ", ".join(c.field for c in changes) or "nothing"
    return f"corrected ({fields}) on {day}: {reason}"


__all__ = ["FieldChange", "correction_note", "field_changes"]
