"""One chart on its own, as SVG or PNG bytes, for an article or a slide."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from tracker.errors import InvalidInputError
from tracker.report import charts
from tracker.report._views import collect

if TYPE_CHECKING:
    from tracker.projections.state import State

Format = Literal["svg", "png"]


def render_chart(state: State, name: str, *, format: Format = "svg", dpi: int = 200) -> bytes:  # noqa: A002
    """Draw one chart of ``state`` (``timeline``, ``stances``, ``figures`` or ``posture``).

    Args:
        state: a replayed state.
        name: which chart.
        format: ``svg`` (a standalone SVG file) or ``png``.
        dpi: the PNG's resolution (the chart is 8 inches wide).

    Raises:
        InvalidInputError: an unknown chart or format.
        MissingExtraError: matplotlib (the ``report`` extra) is not installed.
    """
    if name not in charts.CHARTS:
        msg = f"unknown chart '{name}': choose one of {', '.join(charts.CHARTS)}"
        raise InvalidInputError(msg)
    if format not in ("svg", "png"):
        msg = f"unknown image format '{format}': use svg or png"
        raise InvalidInputError(msg)
    fig = charts.draw(name, collect(state))
    if format == "png":
        return charts.to_png(fig, dpi=dpi)
    return charts.to_standalone_svg(fig, name)
