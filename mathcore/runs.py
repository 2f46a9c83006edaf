"""A run made ready to draw: where the pen is, which points to keep, what a plot shows.

A gradient-descent run of 10,000 steps is 10,001 points: far more than a video
needs, too many to animate one by one, and a diverging run leaves any plot. The
scenes animate a :class:`~mathcore.optimize.Trajectory` as *one* growing path
whose counter still reads the true step number; everything numerical about that
lives here:

- drawing along a run: :func:`cursor` (the path up to a fractional step),
  :func:`sample_path` (the points worth drawing, even by arc length and by step),
  :func:`timeline` (animation progress to step number), :func:`at_step`,
  :func:`graph_points` (a 1-D run on the graph of f);
- windows: :func:`clip_polyline` and :func:`windowed` (the parts of a path a plot
  can show), :func:`zoom_box` (an inset around a run's end);
- log axes: :func:`log_scale` (whole decades with room for exact zeros),
  :func:`log_curve` (zeros put on the floor) and :func:`loss_curve` (a long loss
  history sampled for a growing plot).

Examples
--------
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

from mathcore.landscape import Window, check_window, inside_each
from mathcore.optimize import Trajectory

Array = NDArray[np.float64]

__all__ = [
    "CORNERS",
    "Cursor",
    "LogCurve",
    "LogScale",
    "PathSample",
    "Timeline",
    "Windowed",
    "arc_lengths",
    "at_step",
    "clear_corner",
    "clip_polyline",
    "cursor",
    "even_arc_indices",
    "graph_points",
    "inset_box",
    "log_curve",
    "log_scale",
    "loss_curve",
    "sample_path",
    "timeline",
    "windowed",
    "zoom_box",
]


def _path(points: ArrayLike, name: str = "points") -> Array:
    p = np.asarray(points, dtype=np.float64)
    if p.ndim != 2 or len(p) == 0:
        raise ValueError(f"{name}: expected shape (n, dim) with n >= 1, got {p.shape}")
    if not np.isfinite(p).all():
        raise ValueError(f"{name}: must be finite")
    return p


# --------------------------------------------------------------------------------------
# Drawing along a run.


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


def arc_lengths(points: ArrayLike) -> Array:
    """Distance travelled along the polyline up to each point; starts at 0.

    Examples
    --------
    >>> arc_lengths([[0, 0], [3, 4], [3, 5]]).tolist()
    [0.0, 5.0, 6.0]
    """
    p = _path(points)
    steps = np.linalg.norm(np.diff(p, axis=0), axis=1)
    return np.concatenate([[0.0], np.cumsum(steps)])


def even_arc_indices(points: ArrayLike, n: int) -> NDArray[np.int64]:
    """Indices of about ``n`` points spaced evenly by arc length, first and last included.

    For each of ``n`` evenly spaced distances along the path, the first point at
    or beyond it; duplicates are merged, so a path that barely moves yields fewer.

    Examples
    --------
    >>> even_arc_indices([[0, 0], [1, 0], [1.1, 0], [1.2, 0], [4, 0]], 5).tolist()
    [0, 1, 4]
    >>> even_arc_indices([[2, 2], [2, 2]], 10).tolist()  # no motion: the ends
    [0, 1]
    """
    if n < 2:
        raise ValueError(f"n: need at least 2 (the ends), got {n}")
    s = arc_lengths(points)
    last = len(s) - 1
    targets = np.linspace(0.0, s[-1], int(n))
    idx = np.minimum(np.searchsorted(s, targets, side="left"), last)
    return np.unique(np.concatenate([[0, last], idx])).astype(np.int64)


@dataclass(frozen=True, eq=False)
class PathSample:
    """A long path with the indices of the points worth drawing.

    Attributes
    ----------
    points : array of shape (n, dim)
        Every point of the path (not copied).
    indices : int array, increasing
        The kept points, always including 0 and ``n - 1``.
    """

    points: Array
    indices: NDArray[np.int64]

    @property
    def last_step(self) -> int:
        """The path's last index, ``n - 1``."""
        return len(self.points) - 1

    def point(self, step: int) -> Array:
        """The exact point at ``step``, held at the end once the path has stopped."""
        return self.points[self._clamp(step)]

    def corners(self, step: int) -> Array:
        """The path drawn up to ``step``: kept points before it, then the point at it.

        Always at least two corners (at step 0 the start twice, a zero-length
        path), so a drawing library can treat the result as a path. Steps past the
        end show the whole path.

        Examples
        --------
        >>> s = PathSample(np.array([[0.0, 0], [1, 0], [2, 0]]), np.array([0, 2]))
        >>> s.corners(0).tolist(), s.corners(1).tolist(), s.corners(9).tolist()
        ([[0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [1.0, 0.0]], [[0.0, 0.0], [2.0, 0.0]])
        """
        t = self._clamp(step)
        kept = self.indices[: np.searchsorted(self.indices, t, side="left")]
        if len(kept) == 0:
            kept = self.indices[:1]  # t == 0: the start, then the start again
        return self.points[np.append(kept, t)]

    def _clamp(self, step: int) -> int:
        return min(max(int(step), 0), self.last_step)


def sample_path(points: ArrayLike, n_arc: int = 600, n_uniform: int = 100) -> PathSample:
    """Keep ~``n_arc`` points evenly spaced by arc length and ``n_uniform`` by step.

    Arc length keeps the drawn curve smooth wherever the path moves fast; the
    points evenly spaced in steps keep a little detail where it crawls (a valley
    floor), so the growing path never jumps far behind its head.

    Parameters
    ----------
    points : array of shape (n, dim)
    n_arc : int >= 2
    n_uniform : int >= 0

    Examples
    --------
    >>> p = np.column_stack([np.r_[np.linspace(0, 1, 11), np.full(90, 1.0)], np.zeros(101)])
    >>> sample_path(p, n_arc=3, n_uniform=3).indices.tolist()
    [0, 5, 10, 50, 100]
    """
    p = _path(points)
    if n_uniform < 0:
        raise ValueError(f"n_uniform: must be >= 0, got {n_uniform}")
    last = len(p) - 1
    uniform = np.rint(np.linspace(0, last, int(n_uniform))).astype(np.int64)
    indices = np.union1d(even_arc_indices(p, n_arc), uniform)
    indices.flags.writeable = False
    return PathSample(points=p, indices=indices)


@dataclass(frozen=True, eq=False)
class Timeline:
    """How far through the run each step is, on the animation's clock.

    ``progress[t]`` in [0, 1] is the fraction of the animation by which step t is
    shown; it increases strictly from 0 at step 0 to 1 at the last step.
    """

    progress: Array

    @property
    def steps(self) -> int:
        """The last step, reached at progress 1."""
        return len(self.progress) - 1

    def step_at(self, alpha: float) -> int:
        """The step to show at animation progress ``alpha`` in [0, 1].

        The first step whose progress is at least ``alpha``: 0 at 0, the last at 1.

        Examples
        --------
        >>> tl = Timeline(np.array([0.0, 0.5, 0.75, 1.0]))
        >>> [tl.step_at(a) for a in (0.0, 0.3, 0.5, 0.6, 1.0)]
        [0, 1, 1, 2, 3]
        """
        a = min(max(float(alpha), 0.0), 1.0)
        return min(int(np.searchsorted(self.progress, a, side="left")), self.steps)


def timeline(paths: Sequence[ArrayLike], steps: int, arc_weight: float = 0.5) -> Timeline:
    """Pace the drawing of runs: part by distance travelled, part by steps taken.

    progress(t) = w · mean_i(s_i(t) / S_i) + (1 − w) · t / steps, where s_i(t) is
    run i's arc length up to step t (held once the run has stopped), S_i its
    total length and w = ``arc_weight``. With w = 0 steps tick at a constant rate;
    with w near 1 the drawn path moves at a constant speed. Runs that never move
    count as done from the start.

    Parameters
    ----------
    paths : sequence of arrays of shape (n_i, dim)
        Each run's points from step 0; shorter runs are held at their last point.
    steps : int >= 1
        The last step of the timeline (usually the longest run's).
    arc_weight : float in [0, 1)

    Examples
    --------
    >>> fast_then_slow = [[0.0, 0], [3, 0], [3.5, 0], [4, 0]]  # lengths 3, 0.5, 0.5
    >>> timeline([fast_then_slow], 3, arc_weight=0.5).progress.tolist()
    [0.0, 0.5416666666666666, 0.7708333333333333, 1.0]
    """
    if not isinstance(steps, int | np.integer) or steps < 1:
        raise ValueError(f"steps: need an int >= 1, got {steps!r}")
    if not 0.0 <= arc_weight < 1.0:
        raise ValueError(f"arc_weight: must be in [0, 1), got {arc_weight!r}")
    if len(paths) == 0:
        raise ValueError("paths: need at least one path")
    t = np.arange(steps + 1)
    fractions = np.zeros((len(paths), steps + 1))
    for row, path in zip(fractions, paths, strict=True):
        s = arc_lengths(path)
        held = s[np.minimum(t, len(s) - 1)]
        row[...] = held / s[-1] if s[-1] > 0 else 1.0
    progress = arc_weight * fractions.mean(axis=0) + (1.0 - arc_weight) * t / steps
    progress[0], progress[-1] = 0.0, 1.0  # exact ends, whatever the rounding
    progress.flags.writeable = False
    return Timeline(progress=progress)


def at_step(values: ArrayLike, step: int) -> float:
    """``values[step]``, held at the last value once a run has stopped (and 0 below 0).

    Examples
    --------
    >>> at_step([4.0, 2.0, 1.0], 1), at_step([4.0, 2.0, 1.0], 50)
    (2.0, 1.0)
    """
    v = np.asarray(values, dtype=np.float64)
    return float(v[min(max(int(step), 0), len(v) - 1)])


# --------------------------------------------------------------------------------------
# Windows: the part of a path a plot can show.


def _bounds(box: Window) -> tuple[float, float, float, float]:
    (x0, x1), (y0, y1) = check_window(box, 2)
    return x0, x1, y0, y1


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


def clip_polyline(vertices: ArrayLike, box: Window) -> list[Array]:
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
    b = _bounds(box)
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


def windowed(vertices: ArrayLike, box: Window) -> Windowed:
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
    b = _bounds(box)
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
    p = _path(points)
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


def log_scale(
    curves: Sequence[ArrayLike],
    margin: int = 1,
    max_ticks: int = 8,
    step: int | None = None,
) -> LogScale:
    """A log axis for ``curves`` (non-negative values), with room for exact zeros.

    The floor sits at least ``margin`` decades below the smallest positive value.
    Without ``step``, both ends are multiples of the tick step, the smallest of
    1, 2, 5, 10, … giving at most ``max_ticks`` ticks; with it, ticks come every
    ``step`` decades down from the top decade.

    Examples
    --------
    >>> s = log_scale([[25.0, 1e-3, 0.0], [5e9]])
    >>> s.low_exp, s.high_exp, s.step, s.ticks
    (-4, 10, 2, [-4, -2, 0, 2, 4, 6, 8, 10])
    >>> s = log_scale([[44.0, 1.1e-16]], margin=0, step=3)
    >>> s.low_exp, s.high_exp
    (-16, 2)
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
    if step is not None:
        if step < 1:
            raise ValueError(f"step: need at least 1, got {step!r}")
        return LogScale(
            low_exp=high - step * math.ceil((high - low) / step), high_exp=high, step=step
        )
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


def loss_curve(losses: ArrayLike, n: int = 400, floor: float = 1e-300) -> PathSample:
    """A loss history as a path (step, loss), keeping ~``n`` points evenly along the plot.

    The plot is step (linear) against log10(loss), both scaled to [0, 1]: evenly
    spaced by arc length there, the steep early drop gets as many points as the
    long flat tail. Losses below ``floor`` (a loss of exactly 0) are raised to it,
    since a log axis has no 0. ``corners(t)`` is then the curve drawn up to step t.

    Examples
    --------
    >>> c = loss_curve(2.0 ** -np.arange(11.0), n=3)  # a straight line on a log axis
    >>> c.indices.tolist(), c.points[c.indices].tolist()
    ([0, 5, 10], [[0.0, 1.0], [5.0, 0.03125], [10.0, 0.0009765625]])
    """
    y = np.asarray(losses, dtype=np.float64)
    if y.ndim != 1 or len(y) < 2 or not np.isfinite(y).all() or (y < 0).any():
        raise ValueError("losses: need at least 2 finite, non-negative values")
    if not floor > 0:
        raise ValueError(f"floor: must be > 0, got {floor!r}")
    y = np.maximum(y, floor)
    logs = np.log10(y)
    span = np.ptp(logs)
    steps = np.arange(len(y), dtype=np.float64)
    plotted = np.column_stack([steps / steps[-1], (logs - logs.min()) / (span or 1.0)])
    indices = even_arc_indices(plotted, n)
    indices.flags.writeable = False
    points = np.column_stack([steps, y])
    points.flags.writeable = False
    return PathSample(points=points, indices=indices)
