"""Plots: axes that place data, the box and ticks around them, contour lines,
arrows, minima, and the maps of 2-D functions.

A plot here is Matplotlib's: invisible :class:`~manim.Axes` place data
(``axes.c2p``), and :func:`plot_frame` draws the box with ticks at its edges, so the
plot itself stays uncluttered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Axes,
    Line,
    ManimColor,
    MathTex,
    Polygon,
    Star,
    VGroup,
    VMobject,
    interpolate_color,
)

from mathcore import clipping, windows
from scenes.kit import look
from scenes.kit.look import LABEL_SIZE, shades
from scenes.kit.numbers import fmt, point_text, points_text
from scenes.kit.text import MAP_CENTRE, MAP_SIDE, tex

if TYPE_CHECKING:
    from mathcore.fields import ContourLevel
    from mathcore.logaxis import LogScale


Window = windows.Window
"""((x_min, x_max), (y_min, y_max)) in data units: mathcore's one window type."""


ToPoint = Callable[[float, float], np.ndarray]
"""Data (x, y) to a scene point, e.g. ``axes.c2p``."""


ToPoints = Callable[[np.ndarray], np.ndarray]
"""Data to scene points, vectorised: an (n, 2) array of (x, y) rows to (n, 3) points.
``Axes.c2p`` is one."""


def plot_axes(window: Window, width: float, height: float) -> Axes:
    """Invisible axes placing ``window`` on a ``width`` × ``height`` box.

    They only place data (``axes.c2p``); the box and ticks are :func:`plot_frame`.
    """
    (x0, x1), (y0, y1) = window
    return Axes(
        x_range=[x0, x1, x1 - x0],
        y_range=[y0, y1, y1 - y0],
        x_length=width,
        y_length=height,
        tips=False,
    )


def map_axes(
    window: Window, side: float = MAP_SIDE, centre: np.ndarray = MAP_CENTRE
) -> Axes:
    """Invisible axes placing ``window`` on the map ``side`` wide at ``centre``, with
    equal scales (a tall window gives a tall map): right angles stay right, so ∇f ⟂
    level line in the data is also perpendicular on screen."""
    (x0, x1), (y0, y1) = window
    return plot_axes(window, side, side * (y1 - y0) / (x1 - x0)).move_to(centre)


def plot_frame(
    to_point: ToPoint,
    window: Window,
    x_ticks: Sequence[float],
    y_ticks: Sequence[float],
    *,
    x_label: Callable[[float], str] = fmt,
    y_label: Callable[[float], str] = fmt,
    font_size: float = LABEL_SIZE,
    tick: float = 0.12,
    label_buff: float = 0.2,
    paired: bool = False,
) -> VGroup:
    """A box around a plot, ticks and their labels on its bottom and left edges.

    Like a Matplotlib axes: the plot stays uncluttered, coordinates are read at the
    edges. Returns ``VGroup(box, marks, labels)``.

    Parameters
    ----------
    to_point
        Data (x, y) to a scene point.
    window
        The data range the box encloses.
    x_ticks, y_ticks
        Where the marks go along the bottom and the left edge.
    x_label, y_label
        A tick value as LaTeX.
    font_size
        Size of the tick labels.
    tick
        How far a mark sticks out of the box; negative: into it.
    label_buff
        Gap between an edge and its labels.
    paired
        Marks and labels in the order bottom, left, bottom, left… (x and y ticks
        taken in pairs) rather than all bottom ones first: the order ``Create``
        draws them in.

    Examples
    --------
    >>> to_point = lambda x, y: np.array([x, y, 0.0])
    >>> box, marks, labels = plot_frame(to_point, ((0, 1), (0, 2)), [0, 1], [2])
    >>> len(marks), len(labels)
    (3, 3)
    """
    (x0, x1), (y0, y1) = window
    corners = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    box = Polygon(*(to_point(*c) for c in corners), color=look.MUTED, stroke_width=2)
    style = (font_size, tick, label_buff)
    bottom = [_edge_mark(to_point(t, y0), DOWN, x_label(t), *style) for t in x_ticks]
    left = [_edge_mark(to_point(x0, t), LEFT, y_label(t), *style) for t in y_ticks]
    if paired:
        edges = [e for pair in zip(bottom, left, strict=True) for e in pair]
    else:
        edges = bottom + left
    marks = VGroup(*[mark for mark, _ in edges])
    labels = VGroup(*[label for _, label in edges])
    return VGroup(box, marks, labels)


def _edge_mark(
    at: np.ndarray,
    out: np.ndarray,
    label: str,
    font_size: float,
    tick: float,
    label_buff: float,
) -> tuple[Line, MathTex]:
    """A tick mark on a box's edge at ``at``, sticking out towards ``out``, and its
    label beyond it."""
    mark = Line(at, at + tick * out, color=look.MUTED, stroke_width=2)
    return mark, tex(label, size=font_size).next_to(at, out, label_buff)


def inner_frame(
    to_point: ToPoint,
    window: Window,
    x_ticks: Sequence[float],
    y_ticks: Sequence[float],
    font_size: int,
    y_label: Callable[[float], str] = fmt,
) -> VGroup:
    """:func:`plot_frame` as maps of runs draw it: marks inside the box."""
    return plot_frame(
        to_point,
        window,
        x_ticks,
        y_ticks,
        y_label=y_label,
        font_size=font_size,
        tick=-0.1,
        label_buff=0.12,
    )


def contour_paths(
    contours: Sequence[ContourLevel],
    to_points: ToPoints,
    colour: ManimColor | Sequence[ManimColor],
    width: float,
    *,
    joined: bool = False,
) -> VGroup:
    """Level lines from :func:`mathcore.fields.contour_lines` as stroked paths.

    Parameters
    ----------
    contours
        One :class:`~mathcore.fields.ContourLevel` per level, low to high.
    to_points
        Data to scene points, vectorised (``axes.c2p``).
    colour
        One colour for every line, or one per level (see :func:`shades`).
    width
        Stroke width.
    joined
        One path per level, its pieces as sub-paths (fewer mobjects, and
        ``Create(…, lag_ratio=…)`` draws level by level) instead of one per piece.
    """
    colours = [colour] * len(contours) if isinstance(colour, ManimColor) else colour
    paths = VGroup()
    for level, level_colour in zip(contours, colours, strict=True):
        if joined:
            path = VMobject(stroke_color=level_colour, stroke_width=width)
            for line in level.lines:
                corners = to_points(line)
                path.start_new_path(corners[0])
                path.add_points_as_corners(corners[1:])
            paths.add(path)
            continue
        for line in level.lines:
            path = VMobject(stroke_color=level_colour, stroke_width=width)
            path.set_points_as_corners(to_points(line))
            paths.add(path)
    return paths


ARROW_WIDTH = 4.0


def arrow(
    start: np.ndarray,
    end: np.ndarray,
    colour: ManimColor,
    width: float = ARROW_WIDTH,
    tip_ratio: float = 0.35,
) -> Arrow:
    """A straight arrow from ``start`` to ``end`` exactly (no gap), tip scaled to fit.

    ``tip_ratio`` caps the tip's length as a fraction of the arrow's, so short
    arrows (small gradients) keep a visible shaft.
    """
    return Arrow(
        start,
        end,
        buff=0,
        color=colour,
        stroke_width=width,
        max_tip_length_to_length_ratio=tip_ratio,
        max_stroke_width_to_length_ratio=20,
    )


def minimum_stars(
    to_point: ToPoint,
    minima: Sequence,
    colour: ManimColor | None = None,
    radius: float = 0.17,
) -> VGroup:
    """A :func:`minimum_star` on every minimum (``mathcore.landscape`` critical
    points: Himmelblau has four), in ``colour`` (ink unless told)."""
    return VGroup(*[minimum_star(to_point(*m.point), colour, radius) for m in minima])


def minima_text(minima: Sequence) -> str:
    """Minima (``mathcore.landscape`` critical points) in words; none: "".

    >>> from types import SimpleNamespace as P
    >>> minima_text([P(point=(1.0, 1.0))]), minima_text([P(point=(0, 1)), P(point=(2, 0))])
    ('the minimum (1, 1)', 'the minima (0, 1) and (2, 0)')
    """
    if not minima:
        return ""
    points = points_text([m.point for m in minima])
    return f"the minimum {points}" if len(minima) == 1 else f"the minima {points}"


def stars_text(minima: Sequence) -> str:
    """What :func:`minimum_stars` draws, in words; none: "".

    >>> from types import SimpleNamespace as P
    >>> stars_text([P(point=(0, 1)), P(point=(2, 0))])
    'the minima (0, 1) and (2, 0) as stars'
    """
    if not minima:
        return ""
    return minima_text(minima) + (" as a star" if len(minima) == 1 else " as stars")


def start_text(start: Sequence[float], minima: Sequence, mark: str = "a green dot") -> str:
    """The start, drawn as ``mark``, and :func:`minimum_stars`, in words.

    >>> from types import SimpleNamespace as P
    >>> start_text((4.0, 3.0), [P(point=(0, 0))]), start_text((4, 3), [], "a ring")
    ('the start (4, 3) as a green dot and the minimum (0, 0) as a star', \
'the start (4, 3) as a ring')
    """
    said = f"the start {point_text(start)} as {mark}"
    return f"{said} and {stars_text(minima)}" if minima else said


def minimum_star(
    at: np.ndarray,
    colour: ManimColor | None = None,
    radius: float = 0.17,
    stroke_width: float = 1.0,
) -> Star:
    """The true minimum, as the notebook's five-pointed star in ``colour`` (ink
    unless told), with a light rim."""
    star = Star(
        outer_radius=radius,
        color=look.INK if colour is None else colour,
        fill_opacity=1,
        stroke_width=stroke_width,
    )
    return star.set_stroke(look.INK).move_to(at)


def line_through(
    axes: Axes, point: tuple[float, float], slope: float, half_width: float = 1.5, **kwargs
) -> Line:
    """A straight line through ``point`` with ``slope``, kept inside the axes' box.

    Drawing only: the slope comes from ``mathcore``. The segment spans
    ``half_width`` either side of the point, shortened where it would leave the
    plotted y range, so tangents and secants never run off the figure.
    """
    (x_lo, x_hi), (y_lo, y_hi) = axes.x_range[:2], axes.y_range[:2]
    x0, y0 = point
    lo, hi = max(x_lo, x0 - half_width), min(x_hi, x0 + half_width)
    if slope != 0:
        # Solve y0 + slope·(x − x0) = y_lo and y_hi for x, and clip to them.
        a, b = sorted((x0 + (y_lo - y0) / slope, x0 + (y_hi - y0) / slope))
        lo, hi = max(lo, a), min(hi, b)
    return Line(
        axes.c2p(lo, y0 + slope * (lo - x0)), axes.c2p(hi, y0 + slope * (hi - x0)), **kwargs
    )


CONTOUR_WIDTH = 1.6


def contour_map(
    contours: Sequence[ContourLevel],
    to_points: ToPoints,
    low: ManimColor | None = None,
    high: ManimColor | None = None,
    *,
    width: float = CONTOUR_WIDTH,
    joined: bool = True,
) -> VGroup:
    """Level lines shaded from ``low`` (the lowest level) to ``high``: the map a run
    is drawn on (:func:`contour_paths` does the drawing). Unless told, the palette's
    contour colours, which recede."""
    low = look.CONTOUR_LOW if low is None else low
    high = look.CONTOUR_HIGH if high is None else high
    colours = shades(low, high, len(contours))
    return contour_paths(contours, to_points, colours, width, joined=joined)


# Contour lines may fade from a colour (the valley floor, where the story is)
# towards the background (the steep walls): ``contour_map(lines, to, c, faded(c))``.
CONTOUR_FADE = 0.65


def faded(colour: ManimColor) -> ManimColor:
    """``colour`` most of the way to the background: a map's highest level lines."""
    return interpolate_color(colour, look.BACKGROUND, CONTOUR_FADE)


def top_star(at: np.ndarray, colour: ManimColor) -> Star:
    """A minimum on a map crowded with paths: a larger star, above paths and markers."""
    return minimum_star(at, colour, radius=0.2, stroke_width=1.5).set_z_index(3)


def function_curve(
    to_points: ToPoints,
    window: Window,
    fn: Callable[[np.ndarray], np.ndarray],
    samples: int,
    colour: ManimColor | None = None,
) -> VGroup:
    """The graph of ``fn`` (a function of an array of x) over the window's x range:
    smooth through ``samples`` points, cut where it leaves the window; in ``colour``
    (the function's, unless told)."""
    colour = look.CURVE if colour is None else colour
    xs = np.linspace(*window[0], samples)
    curve = VGroup()
    for piece in clipping.clip_polyline(np.column_stack([xs, fn(xs)]), window):
        path = VMobject(stroke_color=colour, stroke_width=4)
        path.set_points_smoothly(to_points(piece))
        curve.add(path)
    return curve


class LogPlot(NamedTuple):
    """A plot of steps against log10 of a value: its axes, its frame, its names."""

    axes: Axes
    frame: VGroup
    names: VGroup


def log_plot(
    scale: LogScale,
    steps: float,
    x_ticks: Sequence[float],
    size: tuple[float, float],
    centre: np.ndarray,
    names: tuple[str, str],
) -> LogPlot:
    """Axes of step (0 to ``steps``) against log10 of a value on ``scale``'s decades.

    Curves arrive from :func:`mathcore.logaxis.log_curve` as (step, log10 value), on a
    linear axis of exponents, so a pen moving between two steps moves straight. The
    floor stands for an exact 0: it is labelled 0, with a break in the axis just
    above it (0 is infinitely far down a log axis). ``names`` are the LaTeX of the
    step axis (below) and of the value (above, at the left).
    """
    window: Window = ((0.0, float(steps)), (scale.low_exp, scale.high_exp))
    axes = plot_axes(window, *size).move_to(centre)

    def decade(k: float) -> str:
        return "0" if k == scale.low_exp else f"10^{{{k:g}}}"

    frame = inner_frame(axes.c2p, window, x_ticks, scale.ticks, 24, decade)
    gap = axes.c2p(0, scale.low_exp + scale.step / 2)
    frame.add(
        *[
            Line(
                gap + dy * UP + 0.14 * LEFT + 0.05 * DOWN,
                gap + dy * UP + 0.14 * RIGHT + 0.05 * UP,
                color=look.MUTED,
                stroke_width=3,
            )
            for dy in (-0.05, 0.05)
        ]
    )
    x_name, y_name = (tex(n, size=LABEL_SIZE) for n in names)
    x_name.next_to(frame, DOWN, 0.2)
    y_name.next_to(frame, UP, buff=0.15).align_to(frame[0], LEFT)
    return LogPlot(axes, frame, VGroup(x_name, y_name))
