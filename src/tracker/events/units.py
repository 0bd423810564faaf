"""The units a figure may be given in: codes, dimensions and scales.

A figure's value is converted only between units of the same dimension, by way of the
dimension's base unit: ``value * from.scale / to.scale``. Each currency is its own dimension
(there is no exchange rate here), and percentage points are not percent. A unit code not in
this table is allowed in an event and kept exactly as given, but never converted; the metric,
not the unit, names what is counted (``images_generated`` in ``per_hour``, not
``images_per_hour``).

| Code | Dimension | Scale to base | Base | Label |
|---|---|---|---|---|
| `count` | count | 1 | `count` | count |
| `thousand` | count | 1,000 | `count` | thousand |
| `million` | count | 1,000,000 | `count` | million |
| `billion` | count | 1,000,000,000 | `count` | billion |
| `USD` | currency USD | 1 | `USD` | US dollars |
| `USD_thousand` | currency USD | 1,000 | `USD` | thousand US dollars |
| `USD_million` | currency USD | 1,000,000 | `USD` | million US dollars |
| `USD_billion` | currency USD | 1,000,000,000 | `USD` | billion US dollars |
| `EUR` | currency EUR | 1 | `EUR` | euros |
| `EUR_thousand` | currency EUR | 1,000 | `EUR` | thousand euros |
| `EUR_million` | currency EUR | 1,000,000 | `EUR` | million euros |
| `EUR_billion` | currency EUR | 1,000,000,000 | `EUR` | billion euros |
| `GBP` | currency GBP | 1 | `GBP` | pounds sterling |
| `GBP_thousand` | currency GBP | 1,000 | `GBP` | thousand pounds sterling |
| `GBP_million` | currency GBP | 1,000,000 | `GBP` | million pounds sterling |
| `GBP_billion` | currency GBP | 1,000,000,000 | `GBP` | billion pounds sterling |
| `percent` | percent | 1 | `percent` | % |
| `percentage_point` | percentage points | 1 | `percentage_point` | percentage points |
| `per_second` | count rate | 1 | `per_second` | per second |
| `per_minute` | count rate | 1/60 | `per_second` | per minute |
| `per_hour` | count rate | 1/3,600 | `per_second` | per hour |
| `per_day` | count rate | 1/86,400 | `per_second` | per day |
| `per_week` | count rate | 1/604,800 | `per_second` | per week |
| `second` | duration | 1 | `second` | seconds |
| `minute` | duration | 60 | `second` | minutes |
| `hour` | duration | 3,600 | `second` | hours |
| `day` | duration | 86,400 | `second` | days |
| `week` | duration | 604,800 | `second` | weeks |

Counts of a named thing are units too, built from the thing's name (lowercase letters,
digits, ``_`` and ``-``) after a scale: ``count:aircraft`` (label "aircraft"),
``thousand:accounts`` ("thousand accounts"), ``million:posts``, ``billion:views``. Each thing
is its own dimension (``count of aircraft``): ``million:posts`` converts to ``count:posts``
and ``thousand:posts``, never to plain ``count`` or to ``count:accounts``, so series of
different things stay apart.

Codes are case-sensitive; :func:`suggest_unit` finds the nearest code case-insensitively, for
"did you mean" messages. :func:`markdown_table` renders the table above (a test keeps the two
equal).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Final

from tracker.errors import InvalidInputError

__all__ = [
    "COUNT_FORMS",
    "COUNT_SCALES",
    "SIGNIFICANT_DIGITS",
    "UNITS",
    "Unit",
    "base_unit",
    "convert",
    "get_unit",
    "is_known",
    "markdown_table",
    "same_dimension",
    "suggest_unit",
]

#: :func:`convert` snaps a result to this many significant digits when it is within
#: ``_NOISE_ULPS`` units in the last place of such a number: that is binary floating-point noise
#: (6700 per hour is 160800 per day, not 160799.99999999997). Other results are kept exactly.
SIGNIFICANT_DIGITS: Final = 12
_NOISE_ULPS: Final = 4


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit of the table.

    Attributes:
        code: What users type, e.g. ``USD_billion``; case-sensitive.
        dimension: What it measures, e.g. ``count``, ``currency_USD``, ``count_rate``; values
            convert only within one dimension.
        scale: How many of the dimension's base unit one of this unit is (``USD_billion``:
            1e9; ``per_hour``: 1/3600 of ``per_second``).
        label: A human label for display, e.g. ``billion US dollars``.
    """

    code: str
    dimension: str
    scale: float
    label: str

    @property
    def dimension_label(self) -> str:
        """The dimension in words, e.g. ``currency USD``, ``count rate``, ``count of posts``."""
        if self.dimension.startswith("count_of:"):
            return f"count of {self.dimension.removeprefix('count_of:').replace('_', ' ')}"
        return self.dimension.replace("_", " ")


# (code, dimension, exact scale, label), in table order. The exact scales make conversion
# factors exact fractions before they become floats.
_ROWS: Final[tuple[tuple[str, str, Fraction, str], ...]] = (
    ("count", "count", Fraction(1), "count"),
    ("thousand", "count", Fraction(10**3), "thousand"),
    ("million", "count", Fraction(10**6), "million"),
    ("billion", "count", Fraction(10**9), "billion"),
    *(
        row
        for currency, name in (("USD", "US dollars"), ("EUR", "euros"), ("GBP", "pounds sterling"))
        for row in (
            (currency, f"currency_{currency}", Fraction(1), name),
            (f"{currency}_thousand", f"currency_{currency}", Fraction(10**3), f"thousand {name}"),
            (f"{currency}_million", f"currency_{currency}", Fraction(10**6), f"million {name}"),
            (f"{currency}_billion", f"currency_{currency}", Fraction(10**9), f"billion {name}"),
        )
    ),
    ("percent", "percent", Fraction(1), "%"),
    ("percentage_point", "percentage_points", Fraction(1), "percentage points"),
    ("per_second", "count_rate", Fraction(1), "per second"),
    ("per_minute", "count_rate", Fraction(1, 60), "per minute"),
    ("per_hour", "count_rate", Fraction(1, 3600), "per hour"),
    ("per_day", "count_rate", Fraction(1, 86400), "per day"),
    ("per_week", "count_rate", Fraction(1, 604800), "per week"),
    ("second", "duration", Fraction(1), "seconds"),
    ("minute", "duration", Fraction(60), "minutes"),
    ("hour", "duration", Fraction(3600), "hours"),
    ("day", "duration", Fraction(86400), "days"),
    ("week", "duration", Fraction(604800), "weeks"),
)

_EXACT_SCALE: Final[dict[str, Fraction]] = {code: scale for code, _, scale, _ in _ROWS}

#: Every known unit by code, in table order (read-only).
UNITS: Final[Mapping[str, Unit]] = MappingProxyType(
    {code: Unit(code, dim, float(scale), label) for code, dim, scale, label in _ROWS}
)

# The base unit of each dimension: the unit whose scale is 1.
_BASE: Final[dict[str, str]] = {u.dimension: u.code for u in UNITS.values() if u.scale == 1}
_LOWER: Final[dict[str, str]] = {code.lower(): code for code in UNITS}

COUNT_SCALES: Final[dict[str, Fraction]] = {
    "count": Fraction(1),
    "thousand": Fraction(10**3),
    "million": Fraction(10**6),
    "billion": Fraction(10**9),
}
"""The scales a count of a named thing takes: ``count:THING`` .. ``billion:THING``."""

_THING = re.compile(r"^(count|thousand|million|billion):([a-z0-9][a-z0-9_-]{0,63})$")

COUNT_FORMS: Final = tuple(f"{scale}:THING" for scale in COUNT_SCALES)
"""The forms of a count of a named thing, for docs and the JSON Schema."""


def _counted(code: str) -> tuple[Unit, Fraction] | None:
    """The unit of a count of a named thing (``million:posts``), with its exact scale."""
    found = _THING.match(code)
    if found is None:
        return None
    scale_name, thing = found.groups()
    scale = COUNT_SCALES[scale_name]
    label = thing.replace("_", " ") if scale_name == "count" else f"{scale_name} {thing.replace('_', ' ')}"
    return Unit(code, f"count_of:{thing}", float(scale), label), scale


def _exact(code: str) -> Fraction:
    counted = _counted(code)
    return counted[1] if counted is not None else _EXACT_SCALE[code]


def get_unit(code: str) -> Unit | None:
    """Return the unit with this exact code, or ``None`` if the table has none."""
    unit = UNITS.get(code)
    if unit is not None:
        return unit
    counted = _counted(code)
    return counted[0] if counted is not None else None


def is_known(code: str) -> bool:
    """Return whether ``code`` is in the table (exactly, case-sensitively) or counts a thing."""
    return get_unit(code) is not None


def same_dimension(a: str, b: str) -> bool:
    """Return whether both codes are known and measure the same dimension."""
    ua, ub = get_unit(a), get_unit(b)
    return ua is not None and ub is not None and ua.dimension == ub.dimension


def suggest_unit(code: str) -> str | None:
    """Return the known code nearest to ``code``, compared case-insensitively, or ``None``.

    Args:
        code: A unit code, typically one that is not known.

    Returns:
        The code differing only in case if there is one, else the closest by
        :func:`difflib.get_close_matches`, else ``None``.
    """
    folded = code.strip().lower()
    if get_unit(folded) is not None:
        return folded
    exact = _LOWER.get(folded)
    if exact is not None:
        return exact
    matches = difflib.get_close_matches(folded, list(_LOWER), n=1, cutoff=0.6)
    return _LOWER[matches[0]] if matches else None


def _require(code: str) -> Unit:
    """Return the unit for ``code`` or refuse it with a "did you mean" hint."""
    unit = get_unit(code)
    if unit is None:
        hint = suggest_unit(code)
        suffix = f"; did you mean '{hint}'?" if hint else f"; known units: {', '.join(UNITS)}"
        raise InvalidInputError(f"unknown unit {code!r}{suffix}")
    return unit


def _snap(value: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    """Remove binary floating-point noise from a computed value.

    If ``value`` lies within a few units in the last place of a number with ``digits``
    significant digits, return that number (160799.99999999997 becomes 160800.0); otherwise the
    value is genuinely not short in decimal (6700 / 3600) and is returned unchanged, so no
    precision is thrown away. inf and nan pass through.
    """
    if not math.isfinite(value):
        return value
    rounded = float(f"{value:.{digits}g}")
    return rounded if abs(rounded - value) <= _NOISE_ULPS * math.ulp(value) else value


def convert(value: float, from_code: str, to_code: str) -> float:
    """Convert ``value`` from one unit to another of the same dimension.

    The factor between the units is computed exactly (from rational scales) and rounded to a
    float once; a product within a few units in the last place of a number with
    :data:`SIGNIFICANT_DIGITS` significant digits is snapped to it, so
    ``convert(6700, "per_hour", "per_day")`` is exactly ``160800.0`` and
    ``convert(1.46, "USD_billion", "USD_million")`` exactly ``1460.0``. Results that are not short
    in decimal (``6700 / 60``) keep full float precision, so conversions round-trip. Converting
    a unit to itself returns the value unchanged.

    Args:
        value: The number, in ``from_code`` units.
        from_code: The unit it is given in.
        to_code: The unit wanted.

    Returns:
        The value in ``to_code`` units.

    Raises:
        InvalidInputError: If either unit is unknown, or they measure different dimensions.
    """
    source, target = _require(from_code), _require(to_code)
    if source.dimension != target.dimension:
        raise InvalidInputError(
            f"cannot convert {source.code} ({source.dimension_label}) to {target.code} "
            f"({target.dimension_label}): different dimensions"
        )
    if source.code == target.code:
        return float(value)
    factor = float(_exact(source.code) / _exact(target.code))
    return _snap(value * factor)


def base_unit(code: str) -> str:
    """Return the code of the base unit of ``code``'s dimension.

    Raises:
        InvalidInputError: If ``code`` is unknown.
    """
    unit = _require(code)
    if unit.dimension.startswith("count_of:"):
        return f"count:{unit.dimension.removeprefix('count_of:')}"
    return _BASE[unit.dimension]


def _format_scale(scale: Fraction) -> str:
    """Render an exact scale: ``1,000,000`` or ``1/3,600``."""
    if scale.denominator == 1:
        return f"{scale.numerator:,}"
    return f"{scale.numerator:,}/{scale.denominator:,}"


def markdown_table() -> str:
    """Render the units table as GitHub-flavoured Markdown (as in this module's docstring).

    Returns:
        The table, one row per unit in table order, ending without a newline.
    """
    lines = [
        "| Code | Dimension | Scale to base | Base | Label |",
        "|---|---|---|---|---|",
    ]
    for unit in UNITS.values():
        lines.append(
            f"| `{unit.code}` | {unit.dimension_label} | {_format_scale(_EXACT_SCALE[unit.code])} "
            f"| `{_BASE[unit.dimension]}` | {unit.label} |"
        )
    return "\n".join(lines)
