"""One look for every scene: palette, type scale, number formatting, shared builders.

Everything here draws or formats; the numbers themselves come from ``mathcore``.
Three groups, in this order:

- **palette and type**: the colours, the height ramp, the font sizes;
- **numbers**: :func:`fmt` and :func:`sci` (the LaTeX of a number), and live
  readouts (:class:`LightDecimal`, :class:`LightInteger`, :func:`show`,
  :func:`follow`) that stay cheap when they change with every frame;
- **builders**: invisible axes that place data, the box and ticks of a plot,
  contour lines, arrows, lines of text, and the text column beside a plot.

Examples
--------
>>> fmt(4.0), fmt(0.19661193324148185, 4)
('4', '0.1966')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from manim import (
    DL,
    DOWN,
    LEFT,
    RIGHT,
    UP,
    UR,
    Arrow,
    Axes,
    DecimalNumber,
    Integer,
    Line,
    ManimColor,
    MathTex,
    Mobject,
    Polygon,
    Star,
    VGroup,
    VMobject,
    config,
    interpolate_color,
)

from mathcore import landscape

if TYPE_CHECKING:
    from mathcore.fields import ContourLevel

Window = landscape.Window
"""((x_min, x_max), (y_min, y_max)) in data units: mathcore's one window type."""
ToPoint = Callable[[float, float], np.ndarray]
"""Data (x, y) to a scene point, e.g. ``axes.c2p``."""
ToPoints = Callable[[np.ndarray], np.ndarray]
"""Data to scene points, vectorised: an (n, 2) array of (x, y) rows to (n, 3) points.
``Axes.c2p`` is one."""

# ------------------------------------------------------------------ palette and type

BACKGROUND = ManimColor("#101418")
INK = ManimColor("#E8EAED")  # text and axes
MUTED = ManimColor("#8A94A6")  # secondary labels, grid lines
CURVE = ManimColor("#4FA3FF")  # the function itself
TANGENT = ManimColor("#FF6B6B")  # derivatives, slopes, gradients
SECANT = ManimColor("#FFB84D")  # approximations: secants, finite differences
POINT = ManimColor("#FFD166")  # the point of interest
GOOD = ManimColor("#06D6A0")  # minima, converged runs, "matches"

# Sizes that stay legible on a projector at 16:9.
TITLE_SIZE = 44
TEXT_SIZE = 32
LABEL_SIZE = 28

# Heights on one ramp in every scene: dark (low) through the function's colour to
# light (high), so a surface and its contour map read the same.
HEIGHT_COLOURS = (
    interpolate_color(BACKGROUND, CURVE, 0.3),
    CURVE,
    interpolate_color(CURVE, INK, 0.7),
)


def height_colour(t: float) -> ManimColor:
    """The height ramp's colour at ``t`` in [0, 1] (0 lowest, 1 highest).

    >>> height_colour(0.5) == CURVE, height_colour(-1.0) == HEIGHT_COLOURS[0]
    (True, True)
    """
    t = min(max(t, 0.0), 1.0)
    if t <= 0.5:
        return interpolate_color(HEIGHT_COLOURS[0], HEIGHT_COLOURS[1], 2 * t)
    return interpolate_color(HEIGHT_COLOURS[1], HEIGHT_COLOURS[2], 2 * t - 1)


def shades(
    start: ManimColor, end: ManimColor, n: int, reach: float = 1.0
) -> list[ManimColor]:
    """``n`` colours from ``start`` evenly towards ``end``, the last ``reach`` of the way.

    One colour per contour level, low to high.

    >>> shades(INK, BACKGROUND, 3, 0.5)[0] == INK
    True
    """
    return [interpolate_color(start, end, reach * k / max(n - 1, 1)) for k in range(n)]


# -------------------------------------------------------------------------- numbers


def fmt(value: float, digits: int = 3) -> str:
    """A number as a viewer should read it: at most ``digits`` decimals, no trailing 0s."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def readable(value: float, digits: int = 3) -> str:
    r""":func:`fmt` while that shows the number well, :func:`sci` when it is tiny or
    huge (0 stays 0).

    >>> readable(2.25), readable(5.7e-5), readable(3.2e31)
    ('2.25', '5.7 \\times 10^{-5}', '3.2 \\times 10^{31}')
    """
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return fmt(value, digits)
    return sci(value)


def point_text(v: Sequence[float]) -> str:
    """A point as plain text for captions, e.g. ``(1, 2.5)``."""
    return "(" + ", ".join(fmt(float(c)) for c in v) + ")"


def scientific(value: float, digits: int = 2) -> tuple[float, int]:
    """``value`` as mantissa × 10^exponent, the mantissa rounded to ``digits`` decimals.

    The mantissa's magnitude is in [1, 10) after rounding (9.996 becomes 1.00 × 10¹,
    not 10.00 × 10⁰); zero is (0.0, 0).

    Examples
    --------
    >>> scientific(5.66156941e-05), scientific(9.996), scientific(-0.25), scientific(0.0)
    ((5.66, -5), (1.0, 1), (-2.5, -1), (0.0, 0))
    """
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"value: must be finite, got {value!r}")
    if v == 0:
        return 0.0, 0
    # printf's %e rounds the mantissa and carries into the exponent correctly,
    # also for subnormals, where dividing by 10**exponent would overflow.
    mantissa, exponent = f"{v:.{int(digits)}e}".split("e")
    return float(mantissa), int(exponent)


def sci(value: float, digits: int = 1, *, drop_one: bool = False) -> str:
    r"""A number in scientific notation as LaTeX, e.g. ``3.2 \times 10^{-10}``.

    With ``drop_one`` a mantissa of exactly 1 is left out: ``10^{-8}``, not
    ``1 \times 10^{-8}`` (for tolerances and other powers of ten).

    >>> sci(3.2e-10), sci(0.0)
    ('3.2 \\times 10^{-10}', '0')
    >>> sci(1e-8, 0, drop_one=True), sci(1e-8, 0)
    ('10^{-8}', '1 \\times 10^{-8}')
    """
    if value == 0:
        return "0"
    mantissa, exponent = scientific(value, digits)
    power = rf"10^{{{exponent}}}"
    if drop_one and mantissa == 1:
        return power
    return rf"{mantissa:.{digits}f} \times {power}"


# Live numbers. A DecimalNumber re-typesets on every ``set_value``: it copies a whole
# MathTex per character (~1.5 ms a glyph). A readout that follows an animation would
# spend most of each frame doing that, usually to show the digits it already shows.
# So: plain outlines copied instead of MathTex (LightDecimal), and a new value set
# only when the text it shows changes (show, follow).

_GLYPHS: dict[tuple[str, type | None], VMobject] = {}

Number = TypeVar("Number", bound=DecimalNumber)


class LightDecimal(DecimalNumber):
    """A DecimalNumber whose characters are copied from plain outlines, 3× faster.

    Each character's outline is extracted once from Manim's MathTex into a plain
    VMobject (same points, same style) and that is copied instead: it looks the
    same as a :class:`~manim.DecimalNumber`.
    """

    def _string_to_mob(
        self, string: str, mob_class: type | None = None, **kwargs
    ) -> VMobject:
        key = (string, mob_class)
        if key not in _GLYPHS:
            tex = super()._string_to_mob(string, mob_class, **kwargs)
            plain = VMobject()
            for part in tex.family_members_with_points():
                piece = VMobject()
                piece.set_points(part.points.copy())
                piece.match_style(part)
                plain.add(piece)
            plain.font_size_ref = tex.font_size  # what super() scaled the glyph to
            _GLYPHS[key] = plain
        plain = _GLYPHS[key]
        return plain.copy().scale(self._font_size / plain.font_size_ref)


class LightInteger(LightDecimal, Integer):
    """An :class:`~manim.Integer` with :class:`LightDecimal`'s fast characters."""


def show(number: DecimalNumber, value: float) -> None:
    """Set ``number`` to ``value`` only when the text it shows would change."""
    if number._get_num_string(value) != number._get_num_string(number.get_value()):
        number.set_value(value)


def follow(number: Number, value: Callable[[], float]) -> Number:
    """Keep ``number`` showing ``value()`` (an updater); digits redrawn only on change.

    If the value can change while the number fades in, call this after the fade: a
    number changing its digit count mid-animation changes the mobject's family.
    """
    number.add_updater(lambda m: show(m, value()))
    return number


# ------------------------------------------------------------------------- builders


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


def square_axes(domain: Window, side: float) -> Axes:
    """Invisible axes placing ``domain`` on a ``side`` × ``side`` square.

    Equal scales keep right angles right: ∇f ⟂ level line in the data is also
    perpendicular on screen.
    """
    return plot_axes(domain, side, side)


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
    box = Polygon(
        to_point(x0, y0),
        to_point(x1, y0),
        to_point(x1, y1),
        to_point(x0, y1),
        color=MUTED,
        stroke_width=2,
    )

    def bottom(t: float) -> tuple[Line, MathTex]:
        at = to_point(t, y0)
        label = MathTex(x_label(t), font_size=font_size).next_to(at, DOWN, label_buff)
        return Line(at, at + tick * DOWN, color=MUTED, stroke_width=2), label

    def left(t: float) -> tuple[Line, MathTex]:
        at = to_point(x0, t)
        label = MathTex(y_label(t), font_size=font_size).next_to(at, LEFT, label_buff)
        return Line(at, at + tick * LEFT, color=MUTED, stroke_width=2), label

    if paired:
        edges = [
            e for x, y in zip(x_ticks, y_ticks, strict=True) for e in (bottom(x), left(y))
        ]
    else:
        edges = [bottom(t) for t in x_ticks] + [left(t) for t in y_ticks]
    marks = VGroup(*[mark for mark, _ in edges])
    labels = VGroup(*[label for _, label in edges])
    return VGroup(box, marks, labels)


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


def arrow(
    start: np.ndarray,
    end: np.ndarray,
    colour: ManimColor,
    width: float = 4.0,
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


def vector(v: Sequence[float], digits: int = 3) -> str:
    """A point as LaTeX, e.g. ``(2.4,\\ 1.8)``."""
    return r"(" + r",\ ".join(fmt(float(c), digits) for c in v) + r")"


def readable_vector(v: Sequence[float]) -> str:
    """A point as LaTeX, each coordinate :func:`readable`."""
    return r"(" + r",\ ".join(readable(float(c)) for c in v) + r")"


def minimum_stars(
    to_point: ToPoint, minima: Sequence, colour: ManimColor = INK, radius: float = 0.17
) -> VGroup:
    """A :func:`minimum_star` on every minimum (``mathcore.landscape`` critical
    points: Himmelblau has four)."""
    return VGroup(*[minimum_star(to_point(*m.point), colour, radius) for m in minima])


def fit_right(mobject: Mobject, buff: float = 0.15) -> Mobject:
    """Shrink ``mobject`` about its left edge, if need be, to end before the frame's
    right edge (a text column whose numbers came out longer than usual)."""
    room = config.frame_width / 2 - buff - mobject.get_left()[0]
    if mobject.width > room > 0:
        mobject.scale(room / mobject.width, about_edge=LEFT)
    return mobject


def keep_in_frame(mobject: Mobject, buff: float = 0.1) -> Mobject:
    """Shift ``mobject`` just enough to lie inside the frame (a label placed next to
    a point near the edge would otherwise be cut off)."""
    half_w, half_h = config.frame_width / 2 - buff, config.frame_height / 2 - buff
    low, high = mobject.get_corner(DL), mobject.get_corner(UR)
    dx = max(0.0, -half_w - low[0]) - max(0.0, high[0] - half_w)
    dy = max(0.0, -half_h - low[1]) - max(0.0, high[1] - half_h)
    return mobject.shift(np.array([dx, dy, 0.0]))


def minimum_star(
    at: np.ndarray,
    colour: ManimColor = INK,
    radius: float = 0.17,
    stroke_width: float = 1.0,
) -> Star:
    """The true minimum, as the notebook's five-pointed star, with a light rim."""
    star = Star(
        outer_radius=radius, color=colour, fill_opacity=1, stroke_width=stroke_width
    )
    return star.set_stroke(INK).move_to(at)


def tex(text: str, colour: ManimColor = INK, size: float = TEXT_SIZE) -> MathTex:
    """A line of text or a formula: MathTex in the house colour and size."""
    return MathTex(text, color=colour, font_size=size)


def stack(*rows: Mobject, width: float, buff: float = 0.2) -> VGroup:
    """Rows one under another, left-aligned, shrunk to ``width`` if wider.

    >>> from manim import Square
    >>> float(round(stack(Square(1), Square(2), width=1.5).width, 6))
    1.5
    """
    group = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=buff)
    if group.width > width:
        group.scale_to_fit_width(width)
    return group


def column(
    *rows: Mobject, left: float, top: float, width: float, buff: float = 0.35
) -> VGroup:
    """Rows stacked at the top of a text column whose top-left corner is (left, top).

    Scenes put a plot on the left of the frame and its text in a column on the
    right; a scene binds its column once, e.g. ``partial(style.column, left=…)``.
    """
    return stack(*rows, width=width, buff=buff).move_to(
        left * RIGHT + top * UP, aligned_edge=UP + LEFT
    )


def below(
    anchor: Mobject,
    *rows: Mobject,
    width: float,
    buff: float = 0.5,
    gap: float = 0.2,
    left: float | None = None,
) -> VGroup:
    """Rows stacked ``buff`` under ``anchor``, ``gap`` apart, at most ``width`` wide.

    Aligned to the anchor's left edge, or to the column edge at x = ``left``.
    """
    block = stack(*rows, width=width, buff=gap).next_to(anchor, DOWN, buff=buff)
    return block.align_to(anchor if left is None else left * RIGHT, LEFT)


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
