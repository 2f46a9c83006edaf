"""Choosing what to draw: a few hundred of a long run's points, and when to show them.

A gradient-descent run of 10,000 steps is 10,001 points, far more than a video
needs and far too many to animate one by one. This module picks the points worth
drawing and paces the drawing, so a scene can show a whole run as *one* growing
path whose counter still reads the true step number:

- :func:`sample_path` keeps points evenly spaced along the path (by arc length),
  plus a few evenly spaced in steps; the fast first steps and the slow crawl
  along a valley both come out smooth. :meth:`PathSample.corners` is the path
  drawn up to any step: the kept points before it, then the exact point there.
- :func:`timeline` maps animation progress (0 → 1) to a step number, giving screen
  time both to distance travelled and to steps taken. Steps linear in time would
  spend a tenth of a second on the first thousand steps, where most of the motion is.
- :func:`loss_curve` samples a loss history for a plot with a log-scale loss axis;
  :func:`log_decades` is that axis's range in whole powers of ten; :func:`at_step`
  reads a run's value at a step, held once the run has stopped.
- :func:`zoom_box` and :func:`tail_inside` frame a magnified inset around a run's
  end and cut the path at the inset's edge.
- :func:`scientific` splits a number into mantissa and exponent for a live readout
  of values that span many orders of magnitude.

Examples
--------
>>> import numpy as np
>>> line = np.column_stack([np.linspace(0.0, 1.0, 101), np.zeros(101)])
>>> s = sample_path(line, n_arc=5, n_uniform=0)
>>> s.indices.tolist()
[0, 25, 50, 75, 100]
>>> s.corners(60).tolist()  # kept points before step 60, then the point at 60
[[0.0, 0.0], [0.25, 0.0], [0.5, 0.0], [0.6, 0.0]]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]

__all__ = [
    "PathSample",
    "Timeline",
    "arc_lengths",
    "at_step",
    "even_arc_indices",
    "log_decades",
    "loss_curve",
    "sample_path",
    "scientific",
    "tail_inside",
    "timeline",
    "zoom_box",
]


def _path(points: ArrayLike, name: str = "points") -> Array:
    p = np.asarray(points, dtype=np.float64)
    if p.ndim != 2 or len(p) == 0:
        raise ValueError(f"{name}: expected shape (n, dim) with n >= 1, got {p.shape}")
    if not np.isfinite(p).all():
        raise ValueError(f"{name}: must be finite")
    return p


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


def at_step(values: ArrayLike, step: int) -> float:
    """``values[step]``, held at the last value once a run has stopped (and 0 below 0).

    Examples
    --------
    >>> at_step([4.0, 2.0, 1.0], 1), at_step([4.0, 2.0, 1.0], 50)
    (2.0, 1.0)
    """
    v = np.asarray(values, dtype=np.float64)
    return float(v[min(max(int(step), 0), len(v) - 1)])


Box = tuple[tuple[float, float], tuple[float, float]]


def zoom_box(points: ArrayLike, margin: float = 0.5) -> Box:
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


def tail_inside(points: ArrayLike, box: Box) -> Array:
    """The end of a path from where it last entered ``box``, cut at the box's edge.

    The points after the last one outside the box, preceded by the point where
    the segment into the box crosses its edge; the whole path if it never left.

    Raises
    ------
    ValueError
        If the path ends outside the box.

    Examples
    --------
    >>> tail_inside([[-2.0, 0.5], [0.5, 0.5], [0.6, 0.6]], ((0, 1), (0, 1))).tolist()
    [[0.0, 0.5], [0.5, 0.5], [0.6, 0.6]]
    """
    p = _path(points)
    (x0, x1), (y0, y1) = box
    inside = (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)
    if not inside[-1]:
        raise ValueError("box: the path ends outside it")
    outside = np.flatnonzero(~inside)
    if outside.size == 0:
        return p.copy()
    k = int(outside[-1])  # the last point outside; k + 1 is inside
    a, b = p[k], p[k + 1]
    # The largest fraction s of the step a → b at which the point is still outside:
    # per side of the box, where the segment crosses that side's line.
    s = 0.0
    for axis, (lo, hi) in enumerate(((x0, x1), (y0, y1))):
        d = b[axis] - a[axis]
        for edge in (lo, hi):
            if d != 0 and (a[axis] - edge) * (b[axis] - edge) < 0:
                s = max(s, (edge - a[axis]) / d)
    return np.vstack([a + s * (b - a), p[k + 1 :]])


def log_decades(values: ArrayLike, every: int = 1) -> tuple[int, int]:
    """The whole powers of ten around the positive ``values``: a log axis's range.

    (low, high) exponents with low ≤ log10(min) and high ≥ log10(max), at least one
    decade apart; with ``every`` > 1, low is lowered until high − low is a
    multiple of it, so ticks every ``every`` decades end on both ends.

    Examples
    --------
    >>> log_decades([4.0, 5.7e-05])
    (-5, 1)
    >>> log_decades([10.0, 100.0]), log_decades([1.0]), log_decades([4.0, 5.7e-05], 3)
    ((1, 2), (0, 1), (-5, 1))
    >>> log_decades([44.0, 1.1e-16], every=3)
    (-16, 2)
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        raise ValueError("values: need at least one finite positive value")
    if every < 1:
        raise ValueError(f"every: need at least 1, got {every!r}")
    low, high = math.floor(np.log10(v.min())), math.ceil(np.log10(v.max()))
    high = max(high, low + 1)
    return high - every * math.ceil((high - low) / every), high


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
