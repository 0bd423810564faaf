"""The charts, drawn with matplotlib: the timeline, stances, figures and the escalation ladder.

Each ``draw_*`` function builds a :class:`matplotlib.figure.Figure` with the object API (no
pyplot, no global figure registry, no GUI backend) under a fixed style, and :func:`to_svg` /
:func:`to_png` turn it into bytes that do not change from run to run: the SVG's ids are salted
with the chart's name rather than a random UUID, and neither format records a date or the
software version. SVG text stays text (``svg.fonttype = none``), so it is selectable, searchable
and light; the PNG embeds DejaVu Sans (shipped with matplotlib), so it looks the same everywhere.

Markers that stand for an event link to that event's row in the report (``#e-<id>``).
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tracker._inert import html_text, visible
from tracker.errors import MissingExtraError
from tracker.events.describe import STANCE_LABELS, TYPE_LABELS, metric_label, number, rung_label
from tracker.events.models import RUNGS
from tracker.report._text import display_date
from tracker.report._views import EventItem, FigureSeries, ReportData, anchor, anchor_id

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

CHARTS = ("timeline", "stances", "figures", "posture")
"""The charts one can draw, in the order the report shows them."""

WIDTH = 8.0
"""Inches; the SVG scales to its container, this sets the proportions and the text size."""

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933")
TYPE_STYLE: dict[str, tuple[str, str]] = {
    "statement": ("#0072B2", "o"),
    "figure": ("#E69F00", "D"),
    "policy_change": ("#009E73", "s"),
    "regulatory_action": ("#D55E00", "^"),
    "verification": ("#CC79A7", "P"),
    "incident": ("#000000", "X"),
}
DISPUTED = "#C1121F"
MUTED = "#8A8A8A"
INK = "#222222"

STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9,
    "axes.edgecolor": "#555555",
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#E6E6E6",
    "grid.linewidth": 0.8,
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "legend.frameon": False,
    "legend.fontsize": 8,
    "svg.fonttype": "none",
    "text.parse_math": False,  # names and quotes are text: "$5 $10" is not mathematics
    "svg.hashsalt": "tracker",
    "timezone": "UTC",
    "figure.dpi": 100,
}


def _mpl() -> Any:
    try:
        import matplotlib  # noqa: PLC0415 - optional, heavy: imported on first chart only
    except ImportError:
        msg = (
            "charts need matplotlib, which the 'report' extra installs: "
            "pip install 'tracker[report]' "
            "(exports to TimelineJS, CSV and ClaimReview work without it)"
        )
        raise MissingExtraError(msg) from None
    return matplotlib


@contextmanager
def _style(salt: str) -> Iterator[None]:
    mpl = _mpl()
    with mpl.rc_context({**STYLE, "svg.hashsalt": f"tracker-{salt}"}), warnings.catch_warnings():
        # A name in a script DejaVu Sans lacks (Chinese, say) is no error: the SVG keeps its
        # text as text and the reader's browser draws it; only a PNG shows a box for it.
        warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
        yield


def _new_figure(height: float) -> Figure:
    from matplotlib.figure import Figure  # noqa: PLC0415

    return Figure(figsize=(WIDTH, height), layout="constrained")


# --- output ---------------------------------------------------------------------------------

_NAN = float("nan")
_FONT_STACK = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', Geneva, Arial, sans-serif"
_ID = re.compile(r'\bid="([^"]+)"')
_URL_REF = re.compile(r"url\(#([^)]+)\)")
_USE_REF = re.compile(r'(<use\b[^>]*?xlink:href=")#')


def to_svg(fig: Figure, name: str, *, title: str = "") -> str:
    """The figure as an SVG element for inline use: ids prefixed with ``name``, no XML prolog,
    no fixed size (it scales to its container, keeping its proportions), a title for screen
    readers."""
    buf = io.StringIO()
    with _style(name):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    # ids must be unique in a page holding several charts
    svg = _ID.sub(lambda m: f'id="{name}-{m.group(1)}"', svg)
    svg = _URL_REF.sub(lambda m: f"url(#{name}-{m.group(1)})", svg)
    svg = _USE_REF.sub(lambda m: f"{m.group(1)}#{name}-", svg)
    # matplotlib opens links in a new tab; these jump within the page
    svg = re.sub(r'(<a xlink:href="#[^"]*") target="_blank"', r"\1", svg)
    # DejaVu Sans where installed; else Verdana (the same proportions), else any sans-serif
    svg = svg.replace("font-family: 'DejaVu Sans'", f"font-family: {_FONT_STACK}")
    head_end = svg.index(">")
    head = svg[:head_end]
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    label = f"<title>{_xml_escape(title)}</title>" if title else ""
    svg = (
        f'{head} class="chart" role="img" data-chart="{name}"'
        f' preserveAspectRatio="xMinYMin meet">{label}{svg[head_end + 1 :]}'
    )
    return svg.strip() + "\n"


def to_standalone_svg(fig: Figure, name: str) -> bytes:
    """The figure as an SVG file of its own (fixed size, text as text, no date stamp)."""
    buf = io.StringIO()
    with _style(name):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue().replace("font-family: 'DejaVu Sans'", f"font-family: {_FONT_STACK}")
    return svg.encode("utf-8")


def to_png(fig: Figure, *, dpi: int = 200) -> bytes:
    """The figure as PNG bytes (no software or date stamp in the file)."""
    buf = io.BytesIO()
    with _style("png"):
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def _xml_escape(text: str) -> str:
    return html_text(text)


# --- marks and notes: many events, few artists ------------------------------------------


class _Marks:
    """Markers collected by look and drawn with one scatter call per look, each point keeping
    its own link: a chart of thousands of events stays a few dozen artists."""

    def __init__(self) -> None:
        self._groups: dict[
            tuple[tuple[str, Any], ...], tuple[list[float], list[float], list[str | None]]
        ] = {}

    def add(self, x: float, y: float, url: str | None, **style: Any) -> None:
        """Add one marker at (x, y) linking to ``url``, drawn with ``style`` (scatter's)."""
        xs, ys, urls = self._groups.setdefault(tuple(sorted(style.items())), ([], [], []))
        xs.append(x)
        ys.append(y)
        urls.append(url)

    def draw(self, ax: Axes) -> None:
        """Draw every group (in the order their first marker was added)."""
        for style, (xs, ys, urls) in self._groups.items():
            art = ax.scatter(xs, ys, **dict(style))
            art.set_urls(urls)
        self._groups.clear()


def _note(ax: Axes, text: str, xy: tuple[float, float], **kw: Any) -> Any:
    """A label in the plot area, left out of the layout (the axes hold it; measuring thousands
    of labels for the layout would cost seconds)."""
    note = ax.annotate(text, xy, **kw)
    note.set_in_layout(False)
    return note


# --- shared axis helpers ----------------------------------------------------------------------


def _mdates() -> Any:
    """matplotlib.dates (untyped upstream, so typed here as Any)."""
    import matplotlib.dates  # noqa: PLC0415

    return matplotlib.dates


def _date_axis(ax: Axes, lo: datetime, hi: datetime, *, maxticks: int = 9) -> None:
    mdates = _mdates()
    ax.set_xlim(mdates.date2num(lo), mdates.date2num(hi))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=True))
    ax.set_xlabel("date (UTC)")


def _x(dt: datetime) -> float:
    return float(_mdates().date2num(dt))


def _as_of_line(ax: Axes, data: ReportData, lo: datetime, hi: datetime) -> None:
    as_of = data.state.as_of
    if as_of is not None and lo <= as_of <= hi:
        ax.axvline(_x(as_of), color=INK, linestyle=(0, (4, 3)), linewidth=1, zorder=1)
        _note(
            ax,
            "as of",
            (_x(as_of), 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -2),
            textcoords="offset points",
            va="top",
            fontsize=7.5,
            color=INK,
        )


def _window(data: ReportData) -> tuple[datetime, datetime]:
    """The date range every dated chart shares, so their axes line up down the page: where
    most events fall (far-off outliers are drawn as arrows at the edge), reaching the as-of
    line when it is near."""
    # every event's ends and middle, and where the stance changes sit (a withdrawal is dated
    # by its retracted statement, which is no longer an event)
    points = [t for i in data.events for t in (i.date.earliest, i.date.latest, anchor(i.date)) if t]
    points += [p.when for holders in data.stances.values() for ps in holders.values() for p in ps]
    if not points:
        now = data.state.as_of or datetime(2000, 1, 1, tzinfo=UTC)
        return now - timedelta(days=3), now + timedelta(days=3)
    lo, hi = _focus(points)
    as_of = data.state.as_of
    if as_of is not None and as_of > hi and as_of - hi < max(hi - lo, timedelta(days=3)):
        hi = as_of + (hi - lo) * 0.03
    if hi - lo < timedelta(days=4):  # keep the ticks on whole days
        mid = lo + (hi - lo) / 2
        lo, hi = mid - timedelta(days=2), mid + timedelta(days=2)
    return lo, hi


def _clip_note(
    ax: Axes,
    marks: _Marks,
    when: datetime,
    y: float,
    lo: datetime,
    hi: datetime,
    color: str,
    label: str,
    url: str | None = None,
) -> float | None:
    """For a point outside the window: an arrow at the edge with its date; return its x."""
    if lo <= when <= hi:
        return None
    left = when < lo
    edge = _x(lo if left else hi)
    _edge_arrow(ax, marks, edge, y, left=left, color=color, label=label, beside=False)
    return edge


def _edge_arrow(
    ax: Axes,
    marks: _Marks,
    x: float,
    y: float,
    *,
    left: bool,
    color: str,
    label: str,
    beside: bool,
    url: str | None = None,
) -> None:
    """An arrow at the chart's edge for something off the chart, with its date beside it
    (``beside``) or just above it."""
    marks.add(x, y, url, marker="<" if left else ">", s=44, color=color, zorder=4, clip_on=False)
    _note(
        ax,
        label,
        (x, y),
        xytext=(8 if left else -8, 0 if beside else 4),
        textcoords="offset points",
        va="center" if beside else "bottom",
        ha="left" if left else "right",
        fontsize=7,
        color=INK if beside else color,
    )


def _tint(color: str, alpha: float) -> tuple[float, float, float, float]:
    from matplotlib.colors import to_rgba  # noqa: PLC0415

    return to_rgba(color, alpha)


def _date_of(data: ReportData, event_id: str, when: datetime | None = None) -> str:
    item = data.by_id.get(event_id)
    if item is not None:
        return display_date(item.date, short=True)
    return "" if when is None else f"{when.day} {when:%b} {when.year}"


def _focus(instants: Sequence[datetime]) -> tuple[datetime, datetime]:
    """The window most dates fall in. The core is the shortest stretch holding 85% of them; it
    takes in dates within half its length (at least two weeks) on either side, and leaves
    far-off ones out (drawn as arrows at the edge)."""
    points = sorted(instants)
    k = max(1, -(-len(points) * 85 // 100))
    best = min(range(len(points) - k + 1), key=lambda i: (points[i + k - 1] - points[i], i))
    lo, hi = best, best + k - 1
    reach = max((points[hi] - points[lo]) / 2, timedelta(days=14))
    while lo > 0 and points[lo] - points[lo - 1] <= reach:
        lo -= 1
    while hi < len(points) - 1 and points[hi + 1] - points[hi] <= reach:
        hi += 1
    start, end = points[lo], points[hi]
    pad = max((end - start) * 0.03, timedelta(hours=12))
    return start - pad, end + pad


@dataclass
class _Mark:
    """Where one event goes on the timeline."""

    item: EventItem
    kind: str  # point, range, before, after, outside-left, outside-right
    x: float
    left: float
    right: float
    row: int = 0


def _place(data: ReportData, x_lo: float, x_hi: float) -> tuple[list[_Mark], dict[str, int]]:
    """Lay events out: one band per actor, and within it as many rows as keep marks apart."""
    width = x_hi - x_lo
    near, tail, label = width * 0.014, width * 0.035, width * 0.13
    marks = []
    for item in data.events:
        a, b = item.date.earliest, item.date.latest
        xa = None if a is None else _x(a)
        xb = None if b is None else _x(b)
        mid = anchor(item.date)
        assert mid is not None
        x = _x(mid)
        if (xb is not None and xb < x_lo) or (xa is None and x < x_lo):
            marks.append(_Mark(item, "outside-left", x_lo, x_lo, x_lo + label))
        elif (xa is not None and xa > x_hi) or (xb is None and x > x_hi):
            marks.append(_Mark(item, "outside-right", x_hi, x_hi - label, x_hi))
        elif xa is not None and xb is not None and b - a <= timedelta(days=1):  # type: ignore[operator]
            marks.append(_Mark(item, "point", x, x - near, x + near + label * 0.18))
        elif xa is not None and xb is not None:
            left, right = max(xa, x_lo), min(xb, x_hi)
            marks.append(
                _Mark(item, "range", (left + right) / 2, left - near / 2, right + near / 2)
            )
        elif xa is None:
            marks.append(_Mark(item, "before", x, x - tail - near, x + near + label * 0.18))
        else:
            marks.append(_Mark(item, "after", x, x - near, x + tail + near + label * 0.25))
    rows: dict[str, list[list[tuple[float, float]]]] = {}
    for mark in marks:
        lane = rows.setdefault(mark.item.lane, [])
        for i, taken in enumerate(lane):
            if all(mark.right < a or mark.left > b for a, b in taken):
                mark.row = i
                taken.append((mark.left, mark.right))
                break
        else:
            mark.row = len(lane)
            lane.append([(mark.left, mark.right)])
    return marks, {lane: len(r) for lane, r in rows.items()}


_AXES_SHARE = 0.62
"""About how much of the figure's width the timeline's plot area takes (the rest: lane names)."""
_CHAR_PT = 7 * 0.58
"""The mean width of a character of the 7-point labels, in points."""


def _per_char(x_lo: float, x_hi: float) -> float:
    """How much of the date axis one label character takes."""
    return (x_hi - x_lo) * _CHAR_PT / (WIDTH * 72 * _AXES_SHARE)


def _room(marks: list[_Mark], x_lo: float, x_hi: float) -> dict[int, tuple[str, int]]:
    """For each mark, the side with more free room in its row and how many label characters
    fit there (so a short headline can be written beside it without touching anything: a gap
    between two marks is split between them)."""
    per_char = _per_char(x_lo, x_hi)
    rows: dict[tuple[str, int], list[_Mark]] = {}
    for mark in marks:
        rows.setdefault((mark.item.lane, mark.row), []).append(mark)
    out = {}
    for row in rows.values():
        row.sort(key=lambda m: m.left)
        for i, mark in enumerate(row):
            # a gap between two marks is shared: each may use half of it
            left = (mark.left - row[i - 1].right) / 2 if i else mark.left - x_lo
            right = (row[i + 1].left - mark.right) / 2 if i + 1 < len(row) else x_hi - mark.right
            side, space = ("left", left) if left > right else ("right", right)
            out[id(mark)] = (side, int(space / per_char) - 2)
    return out


def _clip_text(text: str, room: int) -> str:
    """``text`` cut to ``room`` characters at a word, with an ellipsis; empty when too tight."""
    if len(text) <= room:
        return text
    if room < 14:
        return ""
    cut = text[: room - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "\u2026"


def draw_timeline(data: ReportData) -> Figure:
    """Every event in a band per actor. A date known only as a range is drawn as that range;
    one known from one side only ("on or before 12 January") has a short tail on that side."""

    if not data.events:
        fig = _new_figure(2.0)
        _empty(fig.add_subplot(), "No events in this replay.")
        return fig
    lo, hi = _window(data)
    x_lo, x_hi = _x(lo), _x(hi)
    placed, depth = _place(data, x_lo, x_hi)
    room = _room(placed, x_lo, x_hi)
    lanes = list(depth)
    top: dict[str, float] = {}
    y = 0.0
    for lane in lanes:
        top[lane] = y
        y += depth[lane] * 0.7 + 0.5
    fig = _new_figure(1.5 + 0.27 * y)
    ax = fig.add_subplot()
    marks = _Marks()
    _date_axis(ax, lo, hi)
    ax.set_ylim(y - 0.3, -0.45)
    ax.set_yticks([top[lane] + (depth[lane] - 1) * 0.35 for lane in lanes], lanes)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)
    for i, lane in enumerate(lanes):
        if i % 2 == 0:
            ax.axhspan(
                top[lane] - 0.4,
                top[lane] + (depth[lane] - 1) * 0.7 + 0.4,
                color="#F4F4F2",
                zorder=0,
                linewidth=0,
            )
    tail = (x_hi - x_lo) * 0.035
    seen: dict[str, Any] = {
        "types": set(),
        "range": False,
        "open": False,
        "uncertain": False,
        "disputed": False,
    }
    for mark in placed:
        item = mark.item
        color, marker = TYPE_STYLE.get(item.type, (MUTED, "o"))
        seen["types"].add(item.type)
        url = "#" + anchor_id(item.id)
        yy = top[item.lane] + mark.row * 0.7
        x = mark.x
        if mark.kind.startswith("outside"):
            left = mark.kind == "outside-left"
            label = f"{item.number}  ({display_date(item.date, short=True)})"
            side, chars = room[id(mark)]
            more = (
                _clip_text(data.headline(item), chars)
                if side == ("right" if left else "left")
                else ""
            )
            _edge_arrow(
                ax,
                marks,
                x,
                yy,
                left=left,
                color=color,
                label=f"{label}  {more}"
                if more and left
                else f"{more}  {label}"
                if more
                else label,
                beside=True,
                url=url,
            )
            continue
        if mark.kind == "range":
            seen["range"] = True
            left_x, right_x = mark.left + (x_hi - x_lo) * 0.007, mark.right - (x_hi - x_lo) * 0.007
            dashed = item.uncertain or item.date.approximate
            bars = ax.barh(
                [yy],
                [right_x - left_x],
                left=[left_x],
                height=0.36,
                color=_tint(color, 0.0 if item.uncertain else 0.22),
                edgecolor=color,
                linewidth=1.0,
                linestyle="--" if dashed else "-",
                zorder=2,
            )
            bars[0].set_url(url)
        elif mark.kind in ("before", "after"):
            seen["open"] = True
            end = x - tail if mark.kind == "before" else x + tail
            ax.plot(
                [end, x], [yy, yy], color=color, linewidth=1.2, linestyle=(0, (2, 1.5)), zorder=2
            )
            marks.add(
                end,
                yy,
                url,
                marker="<" if mark.kind == "before" else ">",
                s=14,
                color=color,
                zorder=3,
            )
        seen["uncertain"] |= item.uncertain
        marks.add(
            x,
            yy,
            url,
            marker=marker,
            s=46 if mark.kind != "range" else 24,
            facecolor="white" if item.uncertain else color,
            edgecolor=color,
            linewidth=1.3,
            zorder=5,
        )
        shift = 6.5
        if item.disputed:
            seen["disputed"] = True
            marks.add(
                x,
                yy,
                url,
                marker="o",
                s=170,
                facecolor="none",
                edgecolor=DISPUTED,
                linewidth=1.4,
                zorder=6,
            )
            shift = 9
        # the number sits to the right of its mark (above it when a tail runs to the right);
        # where the row has room, a short headline goes beside it, on the freer side
        side, chars = room[id(mark)]
        if mark.kind == "range":  # inside its own bar, right of the middle
            side, chars = "right", int((mark.right - x) / _per_char(x_lo, x_hi)) - 4
        text = _clip_text(data.headline(item), chars - 4)
        right = side == "right" and mark.kind != "after"
        label = f"{item.number}  {text}" if text and right else str(item.number)
        number = _note(
            ax,
            label,
            (x, yy),
            xytext=(shift, 0) if mark.kind != "after" else (0, 6),
            textcoords="offset points",
            ha="left" if mark.kind != "after" else "center",
            va="center" if mark.kind != "after" else "bottom",
            fontsize=7,
            color=INK,
            zorder=7,
        )
        number.set_url(url)
        if text and not right:
            start = mark.left - x if mark.kind != "point" else 0.0
            words = _note(
                ax,
                text,
                (x + start, yy),
                xytext=(-shift, 0),
                textcoords="offset points",
                ha="right",
                va="center",
                fontsize=7,
                color="#444444",
                zorder=7,
            )
            words.set_url(url)
    marks.draw(ax)
    _as_of_line(ax, data, lo, hi)
    handles = [
        _dot(TYPE_LABELS[t], TYPE_STYLE[t][0], marker=TYPE_STYLE[t][1])
        for t in TYPE_STYLE
        if t in seen["types"]
    ]
    keys = {
        "range": _patch("date known only as a range"),
        "open": _line("on or before \u25c2 / on or after \u25b8", MUTED, dashed=True, marker="<"),
        "uncertain": _dot("may not have happened by the as-of date", MUTED, face="white"),
        "disputed": _ring(),
    }
    handles += [key for name, key in keys.items() if seen[name]]
    _legend(fig, handles)
    return fig


def _dot(label: str, color: str, *, face: str | None = None, marker: str = "o") -> Any:
    """A legend key: one marker (filled with ``face`` if given, else with ``color``)."""
    from matplotlib.lines import Line2D  # noqa: PLC0415

    return Line2D(
        [],
        [],
        linestyle="none",
        marker=marker,
        markersize=6,
        label=label,
        markeredgecolor=color,
        markerfacecolor=face or color,
    )


def _ring() -> Any:
    """The legend key of a disputed value: a red ring."""
    return _dot("disputed", DISPUTED, face="none")


def _line(
    label: str, color: str, *, dashed: bool = False, marker: str = "", width: float = 2
) -> Any:
    """A legend key: a line, solid or dashed, with an optional marker."""
    from matplotlib.lines import Line2D  # noqa: PLC0415

    return Line2D(
        [],
        [],
        color=color,
        linewidth=width,
        marker=marker or None,
        markersize=5,
        linestyle=(0, (2, 1.5)) if dashed else "-",
        label=label,
    )


def _patch(label: str) -> Any:
    """A legend key: a shaded box (a range of dates)."""
    from matplotlib.patches import Patch  # noqa: PLC0415

    return Patch(facecolor=_tint(MUTED, 0.3), edgecolor=MUTED, label=label)


def _legend(fig: Figure, handles: list[Any]) -> None:
    """The legend under the chart, in as many columns as its longest label allows."""
    longest = max((len(h.get_label()) for h in handles), default=1)
    ncols = max(1, min(len(handles), 4, 120 // (longest + 5)))
    fig.legend(handles=handles, loc="outside lower center", ncols=ncols)


# --- stances -----------------------------------------------------------------------------------


def draw_stances(data: ReportData) -> Figure:
    """Each holder's stance toward each topic as a step line; every change marked and labelled."""
    topics = list(data.stances)
    fig = _new_figure(0.9 + 2.0 * max(len(topics), 1))
    if not topics:
        _empty(fig.add_subplot(), "No statement in this replay takes a stance on a topic.")
        return fig
    holders = list(dict.fromkeys(h for t in topics for h in data.stances[t]))
    colors = {h: PALETTE[i % len(PALETTE)] for i, h in enumerate(holders)}
    lo, hi = _window(data)
    axes = fig.subplots(len(topics), 1, sharex=True, squeeze=False)[:, 0]
    for ax, topic in zip(axes, topics, strict=True):
        marks = _Marks()
        ax.set_title(f"\u201c{data.topic_name(topic)}\u201d", loc="left")
        _date_axis(ax, lo, hi)
        ax.set_ylim(-2.6, 2.6)
        ax.set_yticks(sorted(STANCE_LABELS), [STANCE_LABELS[k] for k in sorted(STANCE_LABELS)])
        ax.axhline(0, color="#BBBBBB", linewidth=1, zorder=1)
        for holder, points in data.stances[topic].items():
            color = colors[holder]
            # a step line that stops where a stance is withdrawn (NaN is not drawn)
            xs = [max(_x(p.when), _x(lo)) for p in points] + [_x(hi)]
            ys = [_NAN if p.stance is None else p.stance for p in points]
            ax.step(xs, [*ys, ys[-1]], where="post", color=color, linewidth=2, zorder=3)
            for p in points:
                y = p.stance if p.stance is not None else p.previous
                if y is None:
                    continue
                x = _clip_note(
                    ax, marks, p.when, y, lo, hi, color, _date_of(data, p.event_id, p.when)
                )
                if x is not None:
                    continue
                gone = p.change == "withdrawn"
                marks.add(
                    _x(p.when),
                    y,
                    "#" + anchor_id(p.event_id),
                    s=38 if not gone else 46,
                    marker="o" if not gone else "X",
                    color=color,
                    edgecolor="white",
                    linewidth=0.8,
                    zorder=4,
                )
                if p.change == "new":
                    continue
                _note(
                    ax,
                    p.change,
                    (_x(p.when), y),
                    xytext=(5, 5 if (y or 0) < 2 else -11),
                    textcoords="offset points",
                    fontsize=7.5,
                    color=color,
                    fontstyle="italic",
                )
        marks.draw(ax)
        _as_of_line(ax, data, lo, hi)
        if ax is not axes[-1]:
            ax.set_xlabel("")
    handles = [_line(data.actor_name(h), colors[h], marker="o") for h in holders]
    _legend(fig, handles)
    return fig


# --- figures -----------------------------------------------------------------------------------


def _metric_label(series: FigureSeries) -> str:
    return metric_label(series.metric)


def _panel_range(
    data: ReportData, series: FigureSeries, window: tuple[datetime, datetime]
) -> tuple[datetime, datetime]:
    """The shared window when the series falls in it, else the series' own dates."""
    lo, hi = window
    if all(lo <= p.when <= hi for p in series.points):
        return window
    dates = [data.by_id[p.event_id].date for p in series.points]
    first = min(d.earliest or anchor(d) for d in dates)  # type: ignore[type-var]
    last = max(d.latest or anchor(d) for d in dates)  # type: ignore[type-var]
    assert first is not None and last is not None
    if last - first < timedelta(days=4):
        mid = first + (last - first) / 2
        first, last = mid - timedelta(days=2), mid + timedelta(days=2)
    pad = (last - first) * 0.05
    return first - pad, last + pad


def draw_figures(data: ReportData) -> Figure:
    """Each metric's reported values over time in its unit; ranges, approximate, disputed and
    superseded values marked."""
    series = data.figures
    cols = 2 if len(series) > 1 else 1
    rows = max(1, -(-len(series) // cols))
    fig = _new_figure(0.9 + 2.3 * rows)
    if not series:
        _empty(fig.add_subplot(), "No figures in this replay.")
        return fig
    reporters = list(dict.fromkeys(p.reporter for s in series for p in s.points))
    colors = {r: PALETTE[i % len(PALETTE)] for i, r in enumerate(reporters)}
    window = _window(data)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    flags = dict.fromkeys(
        ("approx", "range", "disputed", "superseded", "dates", *_BOUND_MARKERS), False
    )
    for ax, s in zip(axes, series, strict=False):
        marks = _Marks()
        ax.set_title(_metric_label(s), loc="left")
        lo, hi = _panel_range(data, s, window)
        x_lo, x_hi = _x(lo), _x(hi)
        _date_axis(ax, lo, hi, maxticks=9 if cols == 1 else 6)
        ax.set_ylabel(s.unit_label)
        ax.yaxis.set_major_formatter(_thousands())
        top = 0.0
        for p in s.points:
            color = MUTED if p.superseded else colors[p.reporter]
            value = p.value
            low = high = None
            bound = _bound(p)  # "at least", "at most", "unquantified" or None
            if p.lower is not None and p.upper is not None:
                low, high = p.lower, p.upper
                if value is None:
                    value = (low + high) / 2
                top = max(top, high)
            elif value is None:  # a bound alone is no value: drawn at the bound, as a bound
                value = p.lower if p.lower is not None else p.upper if p.upper is not None else 0.0
            top = max(top, value)
            x = _clip_note(ax, marks, p.when, value, lo, hi, color, _date_of(data, p.event_id))
            if x is not None:
                continue
            x = _x(p.when)
            date = data.by_id[p.event_id].date
            a, b = date.earliest, date.latest
            if a is None or b is None or b - a > timedelta(days=1):  # when: a range of dates
                flags["dates"] = True
                tail = (x_hi - x_lo) * 0.035
                left = max(_x(a), x_lo) if a is not None else x - tail
                right = min(_x(b), x_hi) if b is not None else x + tail
                ax.hlines(
                    value,
                    left,
                    right,
                    color=color,
                    linewidth=1.1,
                    linestyle=(0, (2, 1.5)),
                    zorder=2,
                )
            if low is not None and high is not None:
                flags["range"] = True
                ax.vlines(x, low, high, color=color, linewidth=2.2, zorder=3)
                cap = (x_hi - x_lo) * 0.008
                ax.hlines([low, high], x - cap, x + cap, color=color, linewidth=1.2, zorder=3)
            hollow = p.approximate or p.superseded or bound is not None
            flags["approx"] |= p.approximate
            flags["superseded"] |= p.superseded
            if bound is not None:
                flags[bound] = True
            marks.add(
                x,
                value,
                "#" + anchor_id(p.event_id),
                s=60 if bound is not None else 44,
                marker=_BOUND_MARKERS.get(bound or "", "o"),
                facecolor="white" if hollow else color,
                edgecolor=color,
                linewidth=1.6,
                zorder=5,
            )
            if p.disputed:
                flags["disputed"] = True
                marks.add(
                    x,
                    value,
                    "#" + anchor_id(p.event_id),
                    s=170,
                    marker="o",
                    facecolor="none",
                    edgecolor=DISPUTED,
                    linewidth=1.5,
                    zorder=6,
                )
            text = ("~" if p.approximate else "") + _short_number(p, value)
            _note(
                ax,
                text,
                (x, value),
                xytext=(0, 8 if not p.disputed else 10),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7.5,
                color=color,
            )
        ax.set_ylim(0, top * 1.25 if top > 0 else 1)
        marks.draw(ax)
        _as_of_line(ax, data, lo, hi)
    for ax in axes[len(series) :]:
        ax.set_visible(False)
    handles = [_dot(f"reported by {data.actor_name(r)}", colors[r]) for r in reporters]
    keys = {
        "approx": _dot("approximate (~)", INK, face="white"),
        "range": _line("reported range of values", INK),
        "dates": _line("reported at some date in this span", INK, dashed=True),
        "disputed": _ring(),
        "superseded": _dot("superseded", MUTED, face="white"),
        "at least": _dot("at least (a lower bound only)", INK, face="white", marker="^"),
        "at most": _dot("at most (an upper bound only)", INK, face="white", marker="v"),
        "unquantified": _dot("reported, no number given", INK, face="white", marker="X"),
    }
    handles += [key for name, key in keys.items() if flags[name]]
    _legend(fig, handles)
    return fig


_BOUND_MARKERS = {"at least": "^", "at most": "v", "unquantified": "X"}
"""How a point that is not one value is marked: never as a filled dot."""


def _bound(p: Any) -> str | None:
    """``at least``, ``at most`` or ``unquantified`` for a point with no value; else None."""
    if p.value is not None or (p.lower is not None and p.upper is not None):
        return None
    if p.lower is not None:
        return "at least"
    if p.upper is not None:
        return "at most"
    return "unquantified"


def _short_number(p: Any, value: float) -> str:
    if p.value is None and p.lower is not None and p.upper is not None:
        return f"{number(p.lower)}\u2013{number(p.upper)}"
    bound = _bound(p)
    if bound == "at least":
        return f"\u2265{number(value)}"
    if bound == "at most":
        return f"\u2264{number(value)}"
    if bound == "unquantified":
        return "no number"
    return number(value)


def _thousands() -> Any:
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415

    return FuncFormatter(lambda v, _pos: number(round(v, 6)))


# --- the escalation ladder ------------------------------------------------------------------


def draw_posture(data: ReportData) -> Figure:
    """Each regulator's posture toward its target, the highest rung still open, over time."""
    pairs = list(data.posture)
    fig = _new_figure(4.4)
    ax = fig.add_subplot()
    marks = _Marks()
    if not pairs:
        _empty(ax, "No regulatory actions in this replay.")
        return fig
    lo, hi = _window(data)
    _date_axis(ax, lo, hi)
    ax.set_ylim(-0.4, len(RUNGS) + 0.4)
    ax.set_yticks(range(len(RUNGS) + 1), ["none", *(rung_label(r) for r in RUNGS)])
    handles = []
    for i, pair in enumerate(pairs):
        steps = data.posture[pair]
        color = PALETTE[i % len(PALETTE)]
        offset = (i - (len(pairs) - 1) / 2) * 0.07  # keep lines on one rung apart
        xs = [max(_x(s.when or lo), _x(lo)) for s in steps] + [_x(hi)]
        ys = [s.level + offset for s in steps] + [steps[-1].level + offset]
        ax.step(xs, ys, where="post", color=color, linewidth=2.2, zorder=3)
        for s in steps:  # each action at its own rung
            y = s.action_level + offset
            if (
                _clip_note(ax, marks, s.mark, y, lo, hi, color, _date_of(data, s.event_id))
                is not None
            ):
                continue
            ending = s.ending
            marks.add(
                _x(s.mark),
                y,
                "#" + anchor_id(s.event_id),
                s=46,
                marker="v" if ending else "^",
                color=color,
                edgecolor="white",
                linewidth=0.8,
                zorder=4,
            )
            if ending:
                _note(
                    ax,
                    s.action,
                    (_x(s.mark), y),
                    xytext=(5, -10),
                    textcoords="offset points",
                    fontsize=7.5,
                    color=color,
                    fontstyle="italic",
                )
        label = f"{data.actor_name(pair[0])} \u2192 {data.actor_name(pair[1])}"
        handles.append(_line(label, color, marker="^", width=2.2))
    marks.draw(ax)
    _as_of_line(ax, data, lo, hi)
    _legend(fig, handles)
    return fig


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=MUTED)
    ax.set_xticks([])
    ax.set_yticks([])


DRAW = {
    "timeline": draw_timeline,
    "stances": draw_stances,
    "figures": draw_figures,
    "posture": draw_posture,
}


def draw(name: str, data: ReportData) -> Figure:
    """Draw one chart by name (one of :data:`CHARTS`)."""
    with _style(name):
        fig = DRAW[name](data)
    _inert_texts(fig)
    return fig


LABEL_CHARS = 40
"""The longest name a tick label or a legend entry shows (a longer one is cut with ``…``): a
500-character actor name would otherwise squeeze the plot to nothing."""

TEXT_CHARS = 120
"""The longest any other text of a chart is (a topic's name as a panel title, say)."""


def _label(text: object, limit: int = LABEL_CHARS) -> str:
    words = visible(str(text), keep="\n")
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "\u2026"


def _visible_labels(func: Callable[[float, int | None], object]) -> Callable[..., str]:
    def label(x: float, pos: int | None = None) -> str:
        return _label(func(x, pos))

    return label


def _inert_texts(fig: Figure) -> None:
    """Make every text of the chart recorded text shown as text: control characters as
    escapes (``\\x1b``), as in a terminal; long names cut (:data:`LABEL_CHARS`,
    :data:`TEXT_CHARS`). (``$...$`` is never read as mathematics: ``text.parse_math`` is off
    in :data:`STYLE`.)"""
    from matplotlib.text import Text  # noqa: PLC0415 - matplotlib is loaded by now
    from matplotlib.ticker import FixedFormatter, FuncFormatter  # noqa: PLC0415

    legends = {id(t) for legend in fig.legends for t in legend.get_texts()}
    for text in fig.findobj(Text):
        assert isinstance(text, Text)
        words = text.get_text()
        safe = _label(words, LABEL_CHARS if id(text) in legends else TEXT_CHARS)
        if safe != words:
            text.set_text(safe)
    for ax in fig.axes:  # tick labels given as names are written at drawing time, from these
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()
            if isinstance(formatter, FixedFormatter):
                formatter.seq = [_label(label) for label in formatter.seq]
            elif isinstance(formatter, FuncFormatter):  # (what set_yticks(ticks, labels) makes)
                formatter.func = _visible_labels(formatter.func)


__all__ = [
    "CHARTS",
    "draw",
    "draw_figures",
    "draw_posture",
    "draw_stances",
    "draw_timeline",
    "to_png",
    "to_standalone_svg",
    "to_svg",
]
