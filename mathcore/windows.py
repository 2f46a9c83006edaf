"""Windows: the plotted regions every scene and every ``mathcore`` module uses.

A window is one ``(lo, hi)`` pair per axis. This module checks one, frames one
around the points a scene must show (ending on nice round numbers, holding the
scene's default view), picks its ticks (multiples of π where its ends are), says
which points lie in it, lays an evenly spaced grid on it, and places an inset
square in the corner where it hides least.

Examples
--------
>>> frame([[4.0, 3.0], [10.0, 10.0]], at_least=((-5, 5), (-5, 5)), square=True)
((-6.0, 12.0), (-6.0, 12.0))
>>> ticks((-5.0, 5.0))
(-4.0, -2.0, 0.0, 2.0, 4.0)
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.checks import check_path

Array = NDArray[np.float64]
Window = tuple[tuple[float, float], ...]
"""A plotted region: ``(lo, hi)`` for each axis, e.g. ``((-5, 5), (-5, 5))``."""


# --------------------------------------------------------------------------------------
# Windows and ticks.


def check_window(window: Window, dim: int | None = None) -> Window:
    """``window`` as floats, or ValueError when an axis is empty, reversed or infinite.

    >>> check_window([[0, 1], [-2, 2]])
    ((0.0, 1.0), (-2.0, 2.0))
    """
    out = tuple((float(lo), float(hi)) for lo, hi in window)
    if dim is not None and len(out) != dim:
        raise ValueError(f"window: expected {dim} axes, got {len(out)}")
    for lo, hi in out:
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"window: need finite lo < hi on every axis, got {window}")
    return out


def nice_step(span: float, target: int = 5) -> float:
    """A tick step of 1, 2 or 5 × 10^k giving about ``target`` ticks over ``span``.

    >>> nice_step(10.0), nice_step(12.0, 3), nice_step(0.7)
    (2.0, 5.0, 0.2)
    """
    if not (math.isfinite(span) and span > 0) or target < 1:
        raise ValueError(f"need a finite span > 0 and target >= 1, got {span}, {target}")
    raw = span / target
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if raw <= m * power * 1.0000001:
            return float(m * power)
    return float(10 * power)  # not reached: raw < 10 * power


def ticks(
    axis: tuple[float, float], target: int = 5, pi: bool = False
) -> tuple[float, ...]:
    """Nice ticks inside ``axis`` (ends included when they fall on the step).

    With ``pi``, the ticks are multiples of π, on a nice step counted in π and
    never finer than π/2 (π/2, π, 2π, 5π, …), so each reads as a fraction of π.

    >>> ticks((-6.0, 6.0), 3)
    (-5.0, 0.0, 5.0)
    >>> ticks((-1.5, 4.0), 6)
    (-1.0, 0.0, 1.0, 2.0, 3.0, 4.0)
    >>> [round(t / math.pi, 3) for t in ticks((-3.8, 3.8), 6, pi=True)]
    [-1.0, -0.5, 0.0, 0.5, 1.0]
    """
    lo, hi = axis
    unit = math.pi if pi else 1.0
    step = nice_step((hi - lo) / unit, target)
    if pi:
        step = max(step, 0.5)
    first = math.ceil(lo / unit / step - 1e-9)
    last = math.floor(hi / unit / step + 1e-9)
    return tuple(float(k * step * unit) + 0.0 for k in range(first, last + 1))


def half_pi_multiples(values: ArrayLike) -> bool:
    """Whether every value is a whole multiple of π/2 (up to rounding).

    >>> half_pi_multiples([-math.pi, math.pi]), half_pi_multiples([0.0, 3.0])
    (True, False)
    """
    v = np.asarray(values, dtype=np.float64) / (math.pi / 2)
    return bool(np.all(np.abs(v - np.round(v)) <= 1e-9 * np.maximum(1.0, np.abs(v))))


def plot_ticks(
    window: Window, target: int = 5, about: Window | None = None
) -> tuple[tuple[float, ...], ...]:
    """The ticks of each axis of ``window``: multiples of π (see :func:`ticks`)
    when every end of ``about`` (by default ``window`` itself) is a multiple of π/2,
    as on the notebook's [−π, π]², and nice steps of 1, 2 or 5 × 10^k otherwise.

    ``about`` is the region a scene is about when its map shows more around it
    (arrows on [−π, π]² on a map of [−3.8, 3.8]²: ticks in π).

    >>> plot_ticks(((-3.0, 3.0),), 6)
    ((-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0),)
    >>> plot_ticks(((-3.8, 3.8),), 6)
    ((-2.0, 0.0, 2.0),)
    """
    window = check_window(window)
    pi = half_pi_multiples(window if about is None else check_window(about))
    return tuple(ticks(axis, target, pi) for axis in window)


def frame(
    points: ArrayLike,
    at_least: Window | None = None,
    margin: float = 0.15,
    square: bool = False,
    target: int = 5,
) -> Window:
    """The window that shows ``points`` with a ``margin`` (a fraction of their span,
    on each side), holds ``at_least`` whole, and ends on nice round numbers.

    ``at_least`` is a scene's default view (the notebook's axes): a window that
    already shows every point with room to spare is returned unchanged, so the
    lesson's own pictures stay as the notebook drew them. ``square`` gives every
    axis the same span (a map whose circles look round).

    Examples
    --------
    >>> frame([[4.0, 3.0], [0.0, 0.0]], at_least=((-5, 5), (-5, 5)))
    ((-5.0, 5.0), (-5.0, 5.0))
    >>> frame([[4.0, 3.0], [10.0, 10.0]], at_least=((-5, 5), (-5, 5)), square=True)
    ((-6.0, 12.0), (-6.0, 12.0))
    """
    p = np.asarray(points, dtype=np.float64)
    p = p.reshape(-1, p.shape[-1]) if p.ndim else p.reshape(1, 1)
    p = p[np.isfinite(p).all(axis=1)]
    dim = p.shape[1] if p.size else len(at_least or ())
    if not dim:
        raise ValueError("frame: need points or a window")
    base = check_window(at_least, dim) if at_least is not None else None
    lo = p.min(axis=0) if len(p) else np.full(dim, np.inf)
    hi = p.max(axis=0) if len(p) else np.full(dim, -np.inf)
    span = np.maximum(hi - lo, 0.0) if len(p) else np.zeros(dim)
    scale = np.maximum(span, 1e-3 * (1.0 + np.abs(np.nan_to_num(lo))))
    lo, hi = lo - margin * scale, hi + margin * scale
    thin = hi - lo < scale  # a single point, no margin: still a window around it
    lo, hi = np.where(thin, lo - scale / 2, lo), np.where(thin, hi + scale / 2, hi)
    if base is not None:
        inside = all(b[0] <= a and c <= b[1] for b, a, c in zip(base, lo, hi, strict=True))
        if inside:
            return base
        lo = np.minimum(lo, [b[0] for b in base])
        hi = np.maximum(hi, [b[1] for b in base])
    if square:
        centre, half = (lo + hi) / 2, float((hi - lo).max()) / 2
        lo, hi = centre - half, centre + half
    # Ends on half tick steps: whole ones could widen a window by half again.
    step = nice_step(float((hi - lo).max()), 2 * target) if square else None
    out = []
    for a, b in zip(lo, hi, strict=True):
        s = step or nice_step(float(b - a), 2 * target)
        out.append((math.floor(a / s) * s + 0.0, math.ceil(b / s) * s + 0.0))
    if square:  # snapping may have widened one axis more than the other
        side = max(b - a for a, b in out)
        out = [(a, a + side) for a, b in out]
    return tuple((float(a), float(b)) for a, b in out)


def inside(point: ArrayLike, window: Window) -> bool:
    """Whether ``point`` lies in ``window`` (edges included).

    >>> inside([1.0, 2.0], ((0, 1), (0, 3))), inside([1.5], ((0, 1),))
    (True, False)
    """
    return bool(inside_each(np.reshape(point, (1, -1)), window)[0])


def inside_each(points: ArrayLike, window: Window, slack: float = 0.0) -> NDArray[np.bool_]:
    """For each row of ``points``, whether it lies in ``window`` widened by
    ``slack`` on every side (NaN rows are outside).

    >>> inside_each([[0.5, 0.5], [2.0, 0.5]], ((0, 1), (0, 1))).tolist()
    [True, False]
    """
    p = np.asarray(points, dtype=np.float64)
    lo, hi = np.array(window, dtype=np.float64).T
    return ((p >= lo - slack) & (p <= hi + slack)).all(axis=-1)


def grid_points(window: Window, n: int, dim: int | None = None) -> Array:
    """An ``n``-per-axis grid of ``window``, ends included: shape ``(n**dim, dim)``,
    the first axis varying fastest (``np.meshgrid``'s layout). ``dim``, when given,
    is checked against the window's axes.

    >>> grid_points(((0, 1), (0, 2)), 2).tolist()
    [[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [1.0, 2.0]]
    """
    axes = [np.linspace(lo, hi, n) for lo, hi in check_window(window, dim)]
    return np.stack(np.meshgrid(*axes), axis=-1).reshape(-1, len(axes))


# --------------------------------------------------------------------------------------
# Insets: a square magnifying a small neighbourhood, in the corner that hides least.


def zoom_box(points: ArrayLike, margin: float = 0.5) -> Window:
    """The square around 2-D ``points``, padded by ``margin`` × its side on every side.

    For an inset that magnifies a small neighbourhood, e.g. a run's end and the
    minimum it is heading for. Coincident points get a side of 1e-12 · (1 + |p|),
    so the box is never empty.

    Examples
    --------
    >>> zoom_box([[-1.0, 0.0], [1.0, 1.0]], margin=0.25)  # side 2, then 0.5 each way
    ((-1.5, 1.5), (-1.0, 2.0))
    """
    p = check_path(points)
    if p.shape[1] != 2:
        raise ValueError(f"points: need 2-D points, got shape {p.shape}")
    if margin < 0:
        raise ValueError(f"margin: must be >= 0, got {margin!r}")
    low, high = p.min(axis=0), p.max(axis=0)
    centre = (low + high) / 2
    side = max(float((high - low).max()), 1e-12 * (1.0 + float(np.abs(centre).max())))
    half = side * (0.5 + margin)
    return (
        (float(centre[0] - half), float(centre[0] + half)),
        (float(centre[1] - half), float(centre[1] + half)),
    )


CORNERS = ("upper left", "upper right", "lower left", "lower right")


def inset_box(window: Window, side: float, gap: float, corner: str) -> Window:
    """The square of ``side`` (data units) ``gap`` in from both edges of ``window``
    at ``corner`` (one of :data:`CORNERS`).

    Examples
    --------
    >>> inset_box(((0, 10), (0, 10)), 2.0, 0.5, "upper left")
    ((0.5, 2.5), (7.5, 9.5))
    """
    (x0, x1), (y0, y1) = check_window(window, 2)
    left = x0 + gap if "left" in corner else x1 - gap - side
    low = y1 - gap - side if "upper" in corner else y0 + gap
    return ((left, left + side), (low, low + side))


def clear_corner(
    window: Window, side: float, gap: float, avoid: ArrayLike, points: ArrayLike = ()
) -> str:
    """The corner of ``window`` for an inset (:func:`inset_box`) that covers none of
    ``avoid`` (a start, the minima, the spot it magnifies) and the fewest ``points``
    (a path); the fewest of ``avoid`` if every corner covers one. Ties go to the
    first of :data:`CORNERS`.

    Examples
    --------
    >>> clear_corner(((0, 10), (0, 10)), 3.0, 0.0, [[1.0, 9.0]], [[9.0, 9.0], [9.0, 1.0]])
    'lower left'
    """
    avoid = np.asarray(avoid, dtype=np.float64).reshape(-1, 2)
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)

    def covered(corner: str) -> tuple[int, int]:
        box = inset_box(window, side, gap, corner)
        return (int(inside_each(avoid, box).sum()), int(inside_each(points, box).sum()))

    return min(CORNERS, key=covered)
