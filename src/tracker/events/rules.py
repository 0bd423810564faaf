"""Rules between events that no single event can check: which endings fit which actions.

A regulatory action that ends another (rung ``closure``, ``withdrawal`` or ``overturned``,
naming it in ``ends``) must fit it:

- it ends an action that can end: a step on the ladder, not another ending (a withdrawal of
  a closure ends nothing);
- it belongs to the ended action's pair: a ``closure`` or ``withdrawal`` is by the same
  regulator against the same target; an ``overturned`` is another body's ending (a court
  overturning a regulator's fine) and needs the same target only;
- it is not dated before the action it ends: its latest possible date is not before the
  ended action's earliest possible one (dates that may overlap are accepted).

``tracker add`` and ``tracker import`` refuse a new ending that breaks one of these, with
the message :func:`ending_mismatch` gives. A log recorded before these checks may still hold
such endings: the posture projection ignores them (and lists them), and ``verify`` lists
them as warnings.
"""

from __future__ import annotations

from typing import Any

from tracker.events.models import ENDINGS, RegulatoryAction


def ending_mismatch(ending: RegulatoryAction, ended: Any) -> str | None:
    """Why ``ending`` cannot end ``ended`` (an event, any type), or None when it fits.

    The message names the mismatch and the fix, without the ending's own label.
    """
    ref = ending.ends
    if not isinstance(ended, RegulatoryAction):
        kind = getattr(ended, "type", "event")
        return f"'{ref}' is a {kind}; a {ending.rung} ends a regulatory_action"
    if ended.rung in ENDINGS:
        return (
            f"'{ref}' is itself a {ended.rung}, which cannot be ended; to undo an ending, "
            "retract or correct it"
        )
    if ending.target != ended.target:
        return (
            f"'{ref}' is an action against '{ended.target}', not '{ending.target}'; an ending "
            "names the target of the action it ends"
        )
    if ending.rung != "overturned" and ending.regulator != ended.regulator:
        return (
            f"'{ref}' is an action by '{ended.regulator}', and a {ending.rung} by "
            f"'{ending.regulator}' cannot end it; a {ending.rung} is by the regulator that "
            "acted (another body ending it, a court on appeal, uses rung overturned)"
        )
    if ending.rung == "overturned" and ending.regulator == ended.regulator:
        return (
            f"'{ref}' is an action by '{ending.regulator}' itself: it ends it with a closure or "
            "withdrawal (overturned is another body's ending)"
        )
    end, start = ending.occurred.latest, ended.occurred.earliest
    if end is not None and start is not None and end < start:
        return (
            f"the {ending.rung} occurred {ending.occurred.text}, before '{ref}' "
            f"({ended.occurred.text}); an ending cannot predate the action it ends"
        )
    return None


__all__ = ["ending_mismatch"]
