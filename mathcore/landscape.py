"""What a scene needs to know about a function over a window, derived, never tuned by hand.

Given an :class:`~mathcore.functions.Objective`, a window (:mod:`mathcore.windows`)
and the points a scene must show (a start, a run), this module says whether f can
be shown there and, if not, why in one line (finite, no pole or jump, some relief,
no spike); picks contour levels that read well (log-spaced when f spans decades)
and the heights a surface reaches; frames the view with its ticks and landmarks
(:mod:`mathcore.critical`); and says how a run ended, as a viewer should be told.

Examples
--------
>>> from mathcore.functions import bowl
>>> from mathcore.optimize import run
>>> from mathcore.optimizers import gd
>>> f, t = bowl(), run(bowl(), [4.0, 3.0], gd(0.2), 50)
>>> v = view(f, shown_points(t), ((-5, 5), (-5, 5)))
>>> v.ticks[0], v.minima[0].point, verdict(t, v.window, v.minima).status
((-4.0, -2.0, 0.0, 2.0, 4.0), (0.0, 0.0), 'converged')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.critical import CriticalPoint, critical_points, nearest
from mathcore.functions import Objective
from mathcore.windows import Window, frame, grid_points, inside_each, nice_step, ticks

Array = NDArray[np.float64]


class UnshowableError(ValueError):
    """A function (with its parameters) that a scene cannot show; says why in a line."""


# --------------------------------------------------------------------------------------
# Sampling f over a window: finiteness, relief, contour levels, heights.


def sample(objective: Objective, window: Window, n: int = 81) -> tuple[Array, Array]:
    """An ``n``-per-axis grid of ``window`` (shape ``(n**dim, dim)``) and f on it."""
    points = grid_points(window, n, objective.dim)
    with np.errstate(all="ignore"):
        return points, objective.value(points)


def require_finite(objective: Objective, window: Window, n: int = 81) -> None:
    """UnshowableError unless f and ∇f are finite and real on a dense grid of
    ``window``, and f does not jump (a pole between two grid points shows as a
    jump far larger than the slopes either side explain).

    >>> from mathcore.symbolic import objective_from_formula
    >>> f = objective_from_formula("1/(x - 0.1)", dim=1, check=False)
    >>> require_finite(f, ((-1, 1),))
    Traceback (most recent call last):
    ...
    mathcore.landscape.UnshowableError: f has a pole or a jump near x = 0.1 in the window
    """
    points, z = sample(objective, window, n)
    with np.errstate(all="ignore"):
        g = objective.gradient(points)
    for what, values in (("f", z), ("∇f", g)):
        v = np.asarray(values).reshape(len(points), -1)
        bad = (~np.isfinite(v) | (np.imag(v) != 0)).any(axis=-1)
        if bad.any():
            raise UnshowableError(
                f"{what} is not a finite real number at {_where(points[np.argmax(bad)])} "
                "in the window"
            )
    grid = points.reshape(*(n,) * objective.dim, objective.dim)
    for axis in range(objective.dim):  # the cells between neighbours along each axis
        a = np.delete(grid, -1, axis=axis).reshape(-1, objective.dim)
        b = np.delete(grid, 0, axis=axis).reshape(-1, objective.dim)
        _require_no_jump(objective, a, b)


def _require_no_jump(objective: Objective, lo: Array, hi: Array) -> None:
    # f is smooth on a cell [lo, hi] (a segment between two points) when its change
    # agrees with its slopes along the cell at both ends (trapezoid rule) and its
    # middle with the cubic through both ends (Hermite); both errors shrink like the
    # cell's size squared. Cells that disagree are cut into 16, again and again: a
    # smooth function soon agrees, a pole never does (1/x looks the same at every
    # scale), so a cell still failing at a millionth of the window holds a pole or
    # a jump.
    for _ in range(5):
        rough = ~_smooth_cells(objective, lo, hi)
        if not rough.any():
            return
        cuts = np.linspace(lo[rough], hi[rough], 17, axis=1)  # (cells, 17, dim)
        lo = cuts[:, :-1].reshape(-1, lo.shape[1])
        hi = cuts[:, 1:].reshape(-1, lo.shape[1])
    where = 0.5 * (lo[0] + hi[0])
    raise UnshowableError(f"f has a pole or a jump near {_where(where)} in the window")


def _smooth_cells(objective: Objective, a: Array, b: Array) -> NDArray[np.bool_]:
    """Which cells [a, b] (rows of points) pass both the trapezoid and the Hermite
    test, at once."""
    x = np.stack([a, 0.5 * (a + b), b])  # (3, cells, dim)
    with np.errstate(all="ignore"):
        fa, fm, fb = objective.value(x)
        # Slopes along the cell, times its length: the 1-D derivative of f on it.
        ga, _, gb = (objective.gradient(x) * (b - a)).sum(axis=-1)
        size = np.abs(fb - fa) + np.abs(ga) + np.abs(gb)
        size += 1e-12 * (1 + np.abs(fa) + np.abs(fb))
        trapezoid = np.abs(fb - fa - 0.5 * (ga + gb))
        hermite = np.abs(fm - (0.5 * (fa + fb) + (ga - gb) / 8))
        smooth = np.maximum(trapezoid, hermite) <= 0.25 * size
    return smooth & np.isfinite(np.stack([fa, fm, fb, ga, gb])).all(axis=0)


def _where(point: ArrayLike) -> str:
    p = np.asarray(point).reshape(-1)
    names = "xy"[: len(p)]
    return ", ".join(f"{n} = {_num(c)}" for n, c in zip(names, p, strict=True))


def _num(value: float) -> str:
    return f"{float(value):.3g}"


@dataclass(frozen=True)
class Levels:
    """Contour levels and how they are spaced (``"linear"`` or ``"log"``)."""

    values: Array
    spacing: Literal["linear", "log"]


def contour_levels(
    objective: Objective, window: Window, n: int, samples: int = 81
) -> Levels:
    """``n`` levels that read well over ``window``.

    Evenly spaced between f's extremes (as Matplotlib's ``contour(levels=n)``)
    unless f spans decades above its minimum: where the median height above the
    minimum is under 1/12 of the largest (a narrow valley in a steep bowl, as
    Rosenbrock's and Beale's), even levels would leave the valley empty, so they are spaced
    evenly on a log scale of f − min f instead, from the height of the lowest
    hundredth of the window up to the highest point.

    Examples
    --------
    >>> from mathcore.functions import bowl, rosenbrock
    >>> contour_levels(bowl(), ((-3, 3), (-3, 3)), 8, 7).values.tolist()
    [2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0]
    >>> contour_levels(rosenbrock(), ((-2, 2), (-1, 3)), 20).spacing
    'log'
    """
    if n < 1:
        raise ValueError(f"n: need at least one level, got {n}")
    _, z = sample(objective, window, samples)
    low, high = float(z.min()), float(z.max())
    above = z - low
    top = float(above.max())
    if top > 0 and float(np.median(above)) < top / 12:
        floor = max(float(np.quantile(above, 0.01)), top * 1e-6)
        values = low + np.logspace(np.log10(floor), np.log10(top), n + 1)[:-1]
        return Levels(values, "log")
    return Levels(np.linspace(low, high, int(n) + 2)[1:-1], "linear")


def height_range(
    objective: Objective,
    window: Window,
    samples: int = 61,
    at_least: tuple[float, float] | None = None,
) -> tuple[float, float]:
    """The heights a surface over ``window`` reaches, widened to nice tick steps:
    a 3-D scene maps this range onto its fixed height, so the surface stays in frame.
    ``at_least`` (a scene's default heights) is kept while f stays inside it.

    >>> from mathcore.functions import bowl
    >>> height_range(bowl(), ((-3, 3), (-3, 3)))  # f reaches 18; steps of 5
    (0.0, 20.0)
    >>> height_range(bowl(), ((-3, 3), (-3, 3)), at_least=(0.0, 18.0))
    (0.0, 18.0)
    """
    _, z = sample(objective, window, samples)
    low, high = float(z.min()), float(z.max())
    if at_least is not None and at_least[0] <= low <= high <= at_least[1]:
        return (float(at_least[0]), float(at_least[1]))
    if not high > low:
        raise UnshowableError("f is constant over the window: there is no surface to show")
    step = nice_step(high - low, 6)
    return (math.floor(low / step) * step + 0.0, math.ceil(high / step) * step + 0.0)


def require_relief(objective: Objective, window: Window, samples: int = 61) -> None:
    """UnshowableError when a surface over ``window`` would be too flat to see (f
    constant up to rounding) or too steep to draw (a spike: almost all of the
    height range in a tiny part of the window, the rest a flat sheet).

    >>> from mathcore.functions import sincos
    >>> require_relief(sincos(), ((-3, 3), (-3, 3)))
    """
    _, z = sample(objective, window, samples)
    low, high = float(z.min()), float(z.max())
    if not high - low > 1e-9 * (1 + abs(high) + abs(low)):
        raise UnshowableError("f is constant over the window: there is no surface to show")
    spread = np.quantile(z, [0.01, 0.99])
    if spread[1] - spread[0] < 1e-3 * (high - low):
        raise UnshowableError(
            "f is a spike in the window: 98% of it lies within 0.1% of its height range"
        )


# --------------------------------------------------------------------------------------
# What a scene shows: a framed map, and how a run ended.


@dataclass(frozen=True)
class View:
    """A window framed around what a scene shows, with its ticks and landmarks.

    Attributes
    ----------
    window : Window
    ticks : tuple of tuple of float
        Nice ticks per axis.
    minima, saddles : tuple of CriticalPoint
        Every local minimum (saddle point) of f inside the window, lowest first.
    """

    window: Window
    ticks: tuple[tuple[float, ...], ...]
    minima: tuple[CriticalPoint, ...]
    saddles: tuple[CriticalPoint, ...]


def view(
    objective: Objective,
    show: ArrayLike,
    at_least: Window,
    square: bool = True,
    target: int = 5,
    need_minimum: bool = True,
) -> View:
    """The window that shows ``show`` (start points, converged paths) and holds
    ``at_least`` (see :func:`mathcore.windows.frame`), checked drawable
    (:func:`require_finite`), with its ticks and critical points. UnshowableError
    when f has no minimum in it and ``need_minimum``.

    Examples
    --------
    >>> from mathcore.functions import himmelblau
    >>> v = view(himmelblau(), [[4.0, 3.0]], ((-5, 5), (-5, 5)))
    >>> v.window, len(v.minima), len(v.saddles)
    (((-5.0, 5.0), (-5.0, 5.0)), 4, 4)
    """
    window = frame(show, at_least, square=square, target=target)
    require_finite(objective, window)
    found = critical_points(objective, window)
    minima_ = tuple(c for c in found if c.kind == "minimum")
    if need_minimum and not minima_:
        shown = ", ".join(f"[{_num(lo)}, {_num(hi)}]" for lo, hi in window)
        raise UnshowableError(f"f has no minimum in the window {shown} to descend to")
    return View(
        window=window,
        ticks=tuple(ticks(axis, target) for axis in window),
        minima=minima_,
        saddles=tuple(c for c in found if c.kind == "saddle"),
    )


def shown_points(trajectory) -> Array:
    """The points of ``trajectory`` (a :class:`~mathcore.trajectory.Trajectory`) a map
    must hold: the whole run, unless it diverged (overflowed) or ran away (ended
    higher than it started), when only its start: such a run is cut at the map's
    edge or refused, never framed.

    >>> from mathcore.functions import bowl
    >>> from mathcore.optimize import run
    >>> from mathcore.optimizers import gd
    >>> len(shown_points(run(bowl(), [4.0, 3.0], gd(0.2), 5)))
    6
    >>> shown_points(run(bowl(), [4.0, 3.0], gd(1.5), 5)).tolist()
    [[4.0, 3.0]]
    """
    t = trajectory
    if t.status == "diverged" or float(t.losses[-1]) > float(t.losses[0]):
        return np.asarray(t.points[:1], dtype=np.float64)
    return np.asarray(t.points, dtype=np.float64)


@dataclass(frozen=True)
class Verdict:
    """How a run ended, as a viewer should be told.

    ``status`` is ``"converged"`` (‖∇f‖ fell under tol), ``"diverged"`` (it
    overflowed, or it ended outside the window higher than it started: it ran
    away) or ``"stopped"`` (the steps ran out, somewhere in the window).
    ``step`` is the step it converged at, diverged at (overflowed, or else left
    the window for good) or stopped at. ``minimum`` is the window's minimum nearest to
    where a run that did not diverge ended, and ``distance`` how far from it.
    """

    status: Literal["converged", "diverged", "stopped"]
    step: int
    minimum: CriticalPoint | None
    distance: float | None


def verdict(
    trajectory,
    window: Window,
    minima: Sequence[CriticalPoint],
    placed: ArrayLike | None = None,
) -> Verdict:
    """The :class:`Verdict` of ``trajectory`` (a :class:`~mathcore.trajectory.Trajectory`)
    seen in ``window``; ``placed`` are its points as the plot places them, when
    not its iterates (a 1-D run drawn on the graph of f: rows (x_t, f(x_t))).

    Examples
    --------
    >>> from mathcore.critical import minima
    >>> from mathcore.functions import bowl
    >>> from mathcore.optimize import run
    >>> from mathcore.optimizers import gd
    >>> f, w = bowl(), ((-5, 5), (-5, 5))
    >>> v = verdict(run(f, [4.0, 3.0], gd(1.5), 50), w, minima(f, w))
    >>> v.status, v.step  # x_t = (−2)^t x_0: out of the window at step 1, for good
    ('diverged', 1)
    >>> v = verdict(run(f, [4.0, 3.0], gd(0.2), 50), w, minima(f, w))
    >>> v.status, v.step, v.minimum.point
    ('converged', 41, (0.0, 0.0))
    """
    t = trajectory
    placed = t.points if placed is None else np.asarray(placed)
    outside = ~inside_each(placed, window)
    ran_away = bool(outside[-1]) and float(t.losses[-1]) > float(t.losses[0])
    if t.status == "diverged" or ran_away:
        back_in = np.flatnonzero(~outside)
        step = int(back_in[-1]) + 1 if len(back_in) else 0
        if t.status == "diverged":
            step = int(t.diverged_at)  # the step whose numbers overflowed
        return Verdict("diverged", step, None, None)
    k = nearest(t.final, minima)
    best = minima[k] if k is not None else None
    gap = None if best is None else t.final - np.array(best.point)
    distance = None if gap is None else float(np.linalg.norm(gap))
    status = "converged" if t.status == "converged" else "stopped"
    return Verdict(status, t.n_steps, best, distance)
