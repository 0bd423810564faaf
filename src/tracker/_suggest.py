"""One "did you mean" for every closed choice and every id: the closest candidate to a typo.

Every refusal that names a choice (a rung, a verdict, an actor kind, a metric, an output
format, an actor or topic id, an event type...) asks :func:`closest`, so they all suggest the
same way:

1. the same word in another case (``NGO`` -> ``ngo``), or with ``-`` or spaces for ``_``
   (``fine-imposed`` -> ``fine_imposed``);
2. a known other word for it (``aliases``: ``lifted`` -> ``closure`` for a rung, or an
   actor's name or alias for its id);
3. a word of it that is a known other word (``lifted_ban`` -> ``closure``), or a word of
   exactly one choice (``ban`` -> ``ban_or_suspension``, ``widened`` ->
   ``investigation_widened``);
4. a close spelling (:func:`difflib.get_close_matches`, as Python's own "did you mean" does).

Nothing here imports more than the standard library: every layer may use it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

_WORD = re.compile(r"[a-z0-9]+")


def _norm(text: str) -> str:
    return "_".join(_WORD.findall(text.lower()))


def closest(
    value: str,
    choices: Iterable[str],
    *,
    aliases: Mapping[str, str] | None = None,
    cutoff: float = 0.6,
) -> str | None:
    """The choice ``value`` was most likely meant to be, or None when none is close.

    Args:
        value: what was given.
        choices: the valid values.
        aliases: other words for a choice, lowercase (``{"lifted": "closure"}``).
        cutoff: how alike a spelling must be (0..1), as for :func:`difflib.get_close_matches`.
    """
    pool = list(dict.fromkeys(choices))
    if not pool or not isinstance(value, str):
        return None
    known = set(pool)
    words = {_norm(c): c for c in pool}
    key = _norm(value)
    if key in words and words[key] != value:
        return words[key]
    if aliases:
        hit = aliases.get(value.lower()) or aliases.get(key) or aliases.get(key.replace("_", " "))
        if hit is not None and hit in known:
            return hit
    tokens = [t for t in key.split("_") if len(t) > 2]
    for token in tokens:
        if aliases and aliases.get(token) in known:
            return aliases[token]
    for token in tokens:
        having = [c for c in pool if token in _norm(c).split("_")]
        if len(having) == 1:
            return having[0]
    close = difflib.get_close_matches(value, pool, n=1, cutoff=cutoff)
    close = close or difflib.get_close_matches(key, list(words), n=1, cutoff=cutoff)
    if close:
        return words.get(close[0], close[0])
    return None


def did_you_mean(
    value: str,
    choices: Iterable[str],
    *,
    aliases: Mapping[str, str] | None = None,
    cutoff: float = 0.6,
) -> str:
    """``"; did you mean 'x'?"`` for the closest choice, or ``""`` when none is close."""
    hit = closest(value, choices, aliases=aliases, cutoff=cutoff)
    return f"; did you mean '{hit}'?" if hit is not None else ""


__all__ = ["closest", "did_you_mean"]
