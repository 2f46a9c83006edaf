"""Optimisation runs made ready to draw: partial paths, windows, log axes, landmarks.

The scenes of gradient descent animate a :class:`~mathcore.optimize.Trajectory`
with one step counter ``s`` (a float: 2.5 is halfway from x_2 to x_3), so a path
of any length stays one drawn object. Everything here is the numerical side of
that: where the pen is at ``s``, which part of a path lies inside a plotted window
(a diverging run must leave the plot, not the screen), how to put losses that
reach exactly 0 on a log axis, and where a 1-D objective is flat.

Examples
--------
>>> import numpy as np
>>> c = cursor(np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 2.0]]), 1.5)
>>> c.step, c.point.tolist(), c.vertices.tolist()
(1, [2.0, 1.0], [[0.0, 0.0], [2.0, 0.0], [2.0, 1.0]])
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.functions import Objective
from mathcore.landscape import curvature_bound
from mathcore.optimize import Trajectory, gd, run, stable_learning_rate

Array = NDArray[np.float64]
Box = tuple[tuple[float, float], tuple[float, float]]
"""A plotted window ((x_lo, x_hi), (y_lo, y_hi))."""

__all__ = [
    "Cursor",
    "LogCurve",
    "LogScale",
    "StabilityProbe",
    "Windowed",
    "clip_polyline",
    "cursor",
    "fastest_converged",
    "graph_points",
    "log_curve",
    "log_scale",
    "stability_probe",
    "windowed",
]


# --------------------------------------------------------------------------------------
# Drawing a run step by step.


@dataclass(frozen=True)
class Cursor:
    """A run drawn up to the fractional step ``s``.

    Attributes
    ----------
    s : float
        The step counter, clamped to [0, n].
    step : int
        The last iterate reached: ``floor(s)``.
    point : array of shape (dim,)
        Where the pen is: ``fraction`` of the way from x_step to x_step+1.
    vertices : array of shape (k, dim), k >= 2
        The polyline from x0 to ``point``; at s = 0 the start twice, so it can
        always be drawn as a path.
    """

    s: float
    step: int
    point: Array
    vertices: Array


def cursor(points: ArrayLike, s: float) -> Cursor:
    """The polyline through ``points`` (x0, x1, …) drawn up to step ``s``.

    Between two iterates the pen moves in a straight line: an update *is* a
    straight jump from x_t to x_t+1, so nothing is drawn that the run did not do.

    Examples
    --------
    >>> c = cursor([[4.0], [2.0], [1.0]], 0.25)
    >>> c.step, c.point.tolist(), c.vertices.tolist()
    (0, [3.5], [[4.0], [3.5]])
    >>> cursor([[4.0], [2.0], [1.0]], 9).vertices.tolist()  # clamped to the end
    [[4.0], [2.0], [1.0]]
    """
    p = np.asarray(points, dtype=np.float64)
    if p.ndim != 2 or len(p) == 0:
        raise ValueError(f"points: expected shape (n + 1, dim), got {p.shape}")
    n = len(p) - 1
    s = min(max(float(s), 0.0), float(n))
    step = min(math.floor(s), n)
    fraction = s - step
    if step == n or fraction == 0.0:
        point = p[step].copy()
        vertices = p[: step + 1]
    else:
        point = p[step] + fraction * (p[step + 1] - p[step])
        vertices = np.vstack([p[: step + 1], point])
    if len(vertices) == 1:
        vertices = np.vstack([vertices, vertices])
    return Cursor(s=s, step=step, point=point, vertices=vertices)


def graph_points(trajectory: Trajectory) -> Array:
    """A 1-D run as points on the graph of f: rows (x_t, f(x_t)).

    Examples
    --------
    >>> from mathcore.functions import square
    >>> from mathcore.optimize import gd, run
    >>> graph_points(run(square(), [2.0], gd(0.25), steps=2)).tolist()
    [[2.0, 4.0], [1.0, 1.0], [0.5, 0.25]]
    """
    if trajectory.points.shape[1] != 1:
        raise ValueError("trajectory: graph_points needs a run of a 1-D objective")
    return np.column_stack([trajectory.points[:, 0], trajectory.losses])


# --------------------------------------------------------------------------------------
# Windows: the part of a path a plot can show.


def _check_box(box: Box) -> tuple[float, float, float, float]:
    (x0, x1), (y0, y1) = box
    if not (np.all(np.isfinite([x0, x1, y0, y1])) and x0 < x1 and y0 < y1):
        raise ValueError(f"box: need finite, increasing ranges, got {box}")
    return float(x0), float(x1), float(y0), float(y1)


def _clip_segment(
    a: Array, b: Array, box: tuple[float, float, float, float]
) -> tuple[float, float] | None:
    """Liang–Barsky: the parameters [u0, u1] ⊂ [0, 1] of a→b inside the box, or None."""
    x0, x1, y0, y1 = box
    d = b - a
    u0, u1 = 0.0, 1.0
    edges = ((-d[0], a[0] - x0), (d[0], x1 - a[0]), (-d[1], a[1] - y0), (d[1], y1 - a[1]))
    for p, q in edges:
        if p == 0:
            if q < 0:  # parallel to this edge and outside it
                return None
            continue
        u = q / p
        if p < 0:
            u0 = max(u0, u)
        else:
            u1 = min(u1, u)
        if u0 > u1:
            return None
    return u0, u1


def clip_polyline(vertices: ArrayLike, box: Box) -> list[Array]:
    """The pieces of a 2-D polyline that lie inside ``box``, in order.

    Used for curves whose values leave the plot (a quartic's arms) and for paths.

    Examples
    --------
    >>> pieces = clip_polyline([[-2.0, 0.0], [2.0, 0.0], [2.0, 5.0]], ((-1, 3), (-1, 1)))
    >>> [piece.tolist() for piece in pieces]
    [[[-1.0, 0.0], [2.0, 0.0], [2.0, 1.0]]]
    """
    v = np.asarray(vertices, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] != 2:
        raise ValueError(f"vertices: expected shape (k, 2), got {v.shape}")
    b = _check_box(box)
    pieces: list[list[Array]] = []
    open_piece = False
    for a, c in itertools.pairwise(v):
        span = _clip_segment(a, c, b)
        if span is None:
            open_piece = False
            continue
        u0, u1 = span
        start, end = a + u0 * (c - a), a + u1 * (c - a)
        if not (open_piece and u0 == 0.0):
            pieces.append([start])
        pieces[-1].append(end)
        open_piece = u1 == 1.0
    return [np.array(piece) for piece in pieces if len(piece) >= 2]


@dataclass(frozen=True)
class Windowed:
    """A path cut where it first leaves a plotted window.

    Attributes
    ----------
    vertices : array of shape (k, 2)
        The path from its start up to the exit (or its end if it never leaves).
    exited : bool
        Whether the path leaves the window.
    exit_point : array of shape (2,) or None
        Where it crosses the window's edge.
    exit_direction : array of shape (2,) or None
        Unit vector, in data coordinates, of the segment that leaves.
    exit_segment : int or None
        The segment i (from vertex i to i + 1) that leaves.
    """

    vertices: Array
    exited: bool
    exit_point: Array | None
    exit_direction: Array | None
    exit_segment: int | None


def windowed(vertices: ArrayLike, box: Box) -> Windowed:
    """The part of a path (starting inside ``box``) before it first leaves it.

    Examples
    --------
    >>> w = windowed([[0.0, 0.0], [0.5, 0.0], [3.0, 0.0]], ((-1, 1), (-1, 1)))
    >>> w.vertices.tolist(), w.exited, w.exit_direction.tolist(), w.exit_segment
    ([[0.0, 0.0], [0.5, 0.0], [1.0, 0.0]], True, [1.0, 0.0], 1)
    """
    v = np.asarray(vertices, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] != 2 or len(v) == 0:
        raise ValueError(f"vertices: expected shape (k, 2), got {v.shape}")
    b = _check_box(box)
    x0, x1, y0, y1 = b
    if not (x0 <= v[0, 0] <= x1 and y0 <= v[0, 1] <= y1):
        raise ValueError(f"vertices: the path must start inside the box, got {v[0]}")
    for i, (a, c) in enumerate(itertools.pairwise(v)):
        span = _clip_segment(a, c, b)
        u1 = 0.0 if span is None else span[1]
        if u1 < 1.0:
            exit_point = a + u1 * (c - a)
            d = c - a
            return Windowed(
                vertices=np.vstack([v[: i + 1], exit_point]),
                exited=True,
                exit_point=exit_point,
                exit_direction=d / np.hypot(d[0], d[1]),
                exit_segment=i,
            )
    return Windowed(v.copy(), False, None, None, None)


# --------------------------------------------------------------------------------------
# Losses on a log axis.


@dataclass(frozen=True)
class LogScale:
    """A log axis: decades ``low_exp`` … ``high_exp`` with a tick every ``step``.

    ``floor`` = 10**low_exp is where values of exactly 0 are drawn: below every
    positive value shown, so a loss of 0 reads as "off the bottom", not as small.
    """

    low_exp: int
    high_exp: int
    step: int

    @property
    def floor(self) -> float:
        """The bottom of the axis, 10**low_exp."""
        return 10.0**self.low_exp

    @property
    def ticks(self) -> list[int]:
        """The exponents that get a tick, low to high."""
        return list(range(self.low_exp, self.high_exp + 1, self.step))


_TICK_STEPS = (1, 2, 5, 10, 20, 50, 100)


def log_scale(curves: Sequence[ArrayLike], margin: int = 1, max_ticks: int = 8) -> LogScale:
    """A log axis for ``curves`` (non-negative values), with room for exact zeros.

    The floor sits at least ``margin`` decades below the smallest positive value;
    both ends are multiples of the tick step, which is the smallest of 1, 2, 5,
    10, … giving at most ``max_ticks`` ticks.

    Examples
    --------
    >>> s = log_scale([[25.0, 1e-3, 0.0], [5e9]])
    >>> s.low_exp, s.high_exp, s.step, s.ticks
    (-4, 10, 2, [-4, -2, 0, 2, 4, 6, 8, 10])
    """
    values = np.concatenate([np.ravel(np.asarray(c, dtype=np.float64)) for c in curves])
    if values.size == 0 or not np.isfinite(values).all() or (values < 0).any():
        raise ValueError("curves: need finite values >= 0")
    positive = values[values > 0]
    if positive.size == 0:
        raise ValueError("curves: need at least one positive value")
    low = math.floor(math.log10(positive.min())) - int(margin)
    high = math.ceil(math.log10(positive.max()))
    high = max(high, low + 1)
    for step in _TICK_STEPS:
        lo, hi = math.floor(low / step) * step, math.ceil(high / step) * step
        if (hi - lo) // step + 1 <= max_ticks:
            return LogScale(low_exp=lo, high_exp=hi, step=step)
    raise ValueError(f"curves: {high - low} decades are too many for {max_ticks} ticks")


@dataclass(frozen=True)
class LogCurve:
    """A loss curve ready for a log axis.

    Attributes
    ----------
    steps : int array
        0, 1, …, n.
    values : array
        The losses, with exact zeros raised to the axis floor.
    first_zero : int or None
        The first step whose loss is exactly 0 (drawn at the floor), if any.
    """

    steps: NDArray[np.int64]
    values: Array
    first_zero: int | None

    @property
    def exponents(self) -> Array:
        """log10 of ``values``: heights on a log axis drawn with a linear scale."""
        return np.log10(self.values)

    @property
    def points(self) -> Array:
        """Rows (step, log10 value): the curve as a path on such an axis."""
        return np.column_stack([self.steps.astype(np.float64), self.exponents])


def log_curve(losses: ArrayLike, floor: float) -> LogCurve:
    """``losses`` with exact zeros put on the floor of a log axis.

    Positive losses below the floor are an error: the axis would lie about them.

    Examples
    --------
    >>> c = log_curve([25.0, 0.0], floor=1e-20)
    >>> c.steps.tolist(), c.values.tolist(), c.first_zero
    ([0, 1], [25.0, 1e-20], 1)
    >>> c.points.round(6).tolist()
    [[0.0, 1.39794], [1.0, -20.0]]
    """
    v = np.asarray(losses, dtype=np.float64)
    if v.ndim != 1 or v.size == 0 or not np.isfinite(v).all() or (v < 0).any():
        raise ValueError("losses: need a 1-D array of finite values >= 0")
    if not floor > 0:
        raise ValueError(f"floor: must be > 0, got {floor!r}")
    if ((v > 0) & (v < floor)).any():
        raise ValueError(f"floor: {floor:g} is above a positive loss ({v[v > 0].min():g})")
    zeros = np.flatnonzero(v == 0)
    return LogCurve(
        steps=np.arange(len(v)),
        values=np.where(v == 0, floor, v),
        first_zero=int(zeros[0]) if zeros.size else None,
    )


# --------------------------------------------------------------------------------------
# Learning rates.


@dataclass(frozen=True)
class StabilityProbe:
    """GD run a little past the stability bound 2/L.

    Attributes
    ----------
    bound : float
        2/L, with L the largest curvature at the start point
        (:func:`mathcore.optimize.stable_learning_rate`) or over a window.
    lr : float
        ``factor`` · bound, the rate actually run.
    trajectory : Trajectory
    growth : float
        The loss's mean factor per step, (f_n / f_0)^(1/n): above 1, it grows.
    """

    bound: float
    lr: float
    trajectory: Trajectory
    growth: float


def stability_probe(
    objective: Objective,
    x0: ArrayLike,
    factor: float,
    steps: int,
    tol: float = 1e-8,
    window: tuple[tuple[float, float], ...] | None = None,
) -> StabilityProbe:
    """Run GD at ``factor`` times the stable learning rate 2/L, with L the largest
    curvature at ``x0``, or over ``window`` when given
    (:func:`mathcore.landscape.curvature_bound`).

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> p = stability_probe(bowl(), [4.0, 3.0], factor=1.05, steps=10)
    >>> p.bound, p.lr, round(p.growth, 12)
    (1.0, 1.05, 1.21)
    """
    if window is None:
        bound = stable_learning_rate(objective, x0)
    else:
        curvature = curvature_bound(objective, window)
        bound = 2.0 / curvature if curvature > 0 else math.inf
    if not math.isfinite(bound):
        raise ValueError("f curves nowhere upward here, so no step is too large")
    if not factor > 0:
        raise ValueError(f"factor: must be > 0, got {factor!r}")
    lr = float(factor) * bound
    traj = run(objective, x0, gd(lr), steps, tol)
    n = traj.n_steps
    growth = float((traj.losses[-1] / traj.losses[0]) ** (1.0 / n)) if n else 1.0
    return StabilityProbe(bound=bound, lr=lr, trajectory=traj, growth=growth)


def fastest_converged(trajectories: Sequence[Trajectory]) -> int | None:
    """Index of the converged run with the fewest steps (None if none converged).

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> from mathcore.optimize import gd, run
    >>> runs = [run(bowl(), [4.0, 3.0], gd(lr), 100) for lr in (0.01, 0.3, 0.1)]
    >>> fastest_converged(runs)
    1
    """
    best: int | None = None
    for i, t in enumerate(trajectories):
        if t.status != "converged":
            continue
        if best is None or t.n_steps < trajectories[best].n_steps:
            best = i
    return best
