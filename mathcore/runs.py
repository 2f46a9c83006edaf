"""A run made ready to draw: where the pen is, which points to keep, how fast to go.

A gradient-descent run of 10,000 steps is 10,001 points: far more than a video
needs, and too many to animate one by one. The scenes animate a
:class:`~mathcore.trajectory.Trajectory` as *one* growing path whose counter still
reads the true step number; what that needs to know lives here:
:func:`cursor` (the path up to a fractional step), :func:`sample_path` (the points
worth drawing, even by arc length and by step), :func:`timeline` (animation
progress to step number), :func:`at_step`, and :func:`graph_points` (a 1-D run on
the graph of f). A path that leaves a plot is cut by :mod:`mathcore.clipping`; a
loss history goes on a log axis by :mod:`mathcore.logaxis`.

Examples
--------
>>> c = cursor(np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 2.0]]), 1.5)
>>> c.step, c.point.tolist(), c.vertices.tolist()
(1, [2.0, 1.0], [[0.0, 0.0], [2.0, 0.0], [2.0, 1.0]])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.checks import check_path
from mathcore.trajectory import Trajectory

Array = NDArray[np.float64]

__all__ = [
    "Cursor",
    "PathSample",
    "Timeline",
    "arc_lengths",
    "at_step",
    "cursor",
    "even_arc_indices",
    "graph_points",
    "sample_path",
    "timeline",
]

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
    >>> from mathcore.optimize import run
    >>> from mathcore.optimizers import gd
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
    p = check_path(points)
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
    p = check_path(points)
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
