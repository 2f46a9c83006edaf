"""The descent lemma in one dimension: why a small enough step always goes down.

If f'' ≤ L on an interval, then for x and y in it (Taylor with the exact remainder)

    f(y) ≤ q(y) = f(x) + f'(x)(y − x) + (L/2)(y − x)²,

a parabola touching f at x and lying above it. A gradient step y = x − η f'(x) gives

    f(x) − f(y) ≥ η(1 − Lη/2) f'(x)²,

the guaranteed decrease: positive exactly for 0 < η < 2/L, largest at η = 1/L,
where y is the parabola's own minimum. Only the upper curvature bound is used, so f
need not be convex.

This module finds L over an interval (:func:`smoothness`), builds q
(:func:`upper_bound`) and the decrease, promised and actual, as functions of η.

Examples
--------
>>> from mathcore.symbolic import resolve_objective
>>> f = resolve_objective("x**2 + sin(x)", dim=1)  # f'' = 2 − sin x ≤ 3
>>> L = smoothness(f, (-3.0, 3.0))
>>> round(L, 12)
3.0
>>> q = upper_bound(f, 2.0, L)
>>> float(q(q.minimiser)) <= float(f.value([2.0]))
True
>>> decrease_roots(L)
(0.0, 0.6666666666666666)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.functions import Objective
from mathcore.landscape import UnshowableError, curvature_bound

Array = NDArray[np.float64]

GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0  # 0.618…: golden-section shrink factor


# --------------------------------------------------------------------------------------
# L: the largest curvature over an interval.


def smoothness(
    objective: Objective, interval: tuple[float, float], samples: int = 2001
) -> float:
    """L = the largest f'' over ``interval`` (0 if f curves nowhere upward): the
    least L for which f lies under every parabola q of :func:`upper_bound` on it.

    :func:`mathcore.landscape.curvature_bound` takes the largest f'' on a grid; the
    true largest value usually lies between two grid points, a little higher, and a
    parabola with the grid's L could then dip below f. So every grid peak (a point
    whose f'' is at least its neighbours', ends included) is refined by a
    golden-section search on the cells either side of it, to rounding. What could
    still be missed is a peak narrower than the grid's spacing (``samples`` points).

    Raises UnshowableError when f'' is not finite on the grid.

    Examples
    --------
    >>> from mathcore.functions import quartic
    >>> smoothness(quartic(), (0.0, 4.0))  # f'' = 12x² − 18x: largest at the end
    120.0
    >>> from mathcore.symbolic import resolve_objective
    >>> f = resolve_objective("cos(3*x)", dim=1)  # f'' = −9 cos 3x, 9 at x = π/3
    >>> grid = curvature_bound(f, ((0.0, 2.0),), 8)
    >>> round(grid, 3), round(smoothness(f, (0.0, 2.0), 8), 12)
    (8.632, 9.0)
    """
    lo, hi = _interval(interval)
    xs = np.linspace(lo, hi, samples)
    h = _curvature(objective, xs)
    if not np.isfinite(h).all():
        bad = float(xs[np.argmax(~np.isfinite(h))])
        raise UnshowableError(f"f'' is not a finite number at x = {bad:.3g} in the window")
    best = curvature_bound(objective, ((lo, hi),), samples)  # the grid's largest
    padded = np.concatenate([[-np.inf], h, [-np.inf]])
    peaks = np.flatnonzero((h >= padded[:-2]) & (h >= padded[2:]))
    if len(peaks):
        a = xs[np.maximum(peaks - 1, 0)]
        b = xs[np.minimum(peaks + 1, samples - 1)]
        best = max(best, float(_golden_max(objective, a, b).max()))
    return best


def _curvature(objective: Objective, xs: ArrayLike) -> Array:
    """f'' at each x (a 1-D objective's 1×1 Hessian)."""
    with np.errstate(all="ignore"):
        return objective.hessian(np.asarray(xs, dtype=np.float64)[:, None])[:, 0, 0]


def _golden_max(objective: Objective, a: Array, b: Array, iterations: int = 80) -> Array:
    """The largest f'' seen by a golden-section search on each bracket [a_i, b_i]
    (all brackets at once): a bracket holding one peak shrinks onto it (to 0.618⁸⁰
    of its width: rounding). Both probes are evaluated afresh each round: a few
    hundred evaluations of f'' in all, and a shorter loop."""
    a, b = a.astype(np.float64).copy(), b.astype(np.float64).copy()
    c, d = b - GOLDEN * (b - a), a + GOLDEN * (b - a)
    hc, hd = _curvature(objective, c), _curvature(objective, d)
    best = np.fmax(hc, hd)
    for _ in range(iterations):
        left = hc >= hd  # the peak is in [a, d]: drop (d, b]
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        c, d = b - GOLDEN * (b - a), a + GOLDEN * (b - a)
        hc, hd = _curvature(objective, c), _curvature(objective, d)
        best = np.fmax(best, np.fmax(hc, hd))
    return best


def _interval(interval: tuple[float, float]) -> tuple[float, float]:
    lo, hi = (float(v) for v in interval)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"interval: need finite lo < hi, got {interval}")
    return lo, hi


# --------------------------------------------------------------------------------------
# The parabola above f, and the decrease it promises.


@dataclass(frozen=True)
class UpperBound:
    """q(y) = f(x) + f'(x)(y − x) + (L/2)(y − x)²: the descent lemma's parabola at x.

    Attributes
    ----------
    x, value, slope
        The point x, f(x) and f'(x).
    L
        The curvature bound (q'' = L).

    Examples
    --------
    >>> q = UpperBound(x=1.0, value=2.0, slope=4.0, L=2.0)
    >>> float(q(3.0)), q.minimiser, q.minimum, q.coefficients
    (14.0, -1.0, -2.0, (1.0, 2.0, -1.0))
    """

    x: float
    value: float
    slope: float
    L: float

    def __call__(self, y: ArrayLike) -> Array:
        """q at ``y`` (any shape)."""
        d = np.asarray(y, dtype=np.float64) - self.x
        return self.value + self.slope * d + 0.5 * self.L * d * d

    @property
    def minimiser(self) -> float:
        """Where q is lowest: x − f'(x)/L, the gradient step with η = 1/L."""
        return self.x - self.slope / self.L

    @property
    def minimum(self) -> float:
        """q's lowest value, f(x) − f'(x)²/(2L): the most the lemma promises."""
        return self.value - self.slope**2 / (2.0 * self.L)

    @property
    def coefficients(self) -> tuple[float, float, float]:
        """(a, b, c) with q(y) = a y² + b y + c."""
        a = 0.5 * self.L
        b = self.slope - self.L * self.x
        c = self.value - self.slope * self.x + 0.5 * self.L * self.x**2
        return (a, b, c)

    def at_step(self, lr: ArrayLike) -> Array:
        """q at the gradient step x − η f'(x): f(x) minus the guaranteed decrease."""
        return self(self.x - np.asarray(lr, dtype=np.float64) * self.slope)


def upper_bound(objective: Objective, x: float, L: float) -> UpperBound:
    """The parabola q of the descent lemma at ``x`` with curvature ``L``.

    >>> from mathcore.functions import square
    >>> upper_bound(square(), 3.0, 2.0)  # f = x² is its own bound with L = 2
    UpperBound(x=3.0, value=9.0, slope=6.0, L=2.0)
    """
    value = float(objective.value([x]))
    slope = float(objective.gradient([x])[0])
    return UpperBound(float(x), value, slope, float(L))


def guaranteed_decrease(lr: ArrayLike, slope: float, L: float) -> Array:
    """η(1 − Lη/2) f'(x)²: how much a step of η lowers f at least (negative: the
    bound promises nothing, it allows f to rise by that much).

    >>> guaranteed_decrease([0.5, 1.0, 1.5], slope=2.0, L=2.0).tolist()
    [1.0, 0.0, -3.0]
    """
    eta = np.asarray(lr, dtype=np.float64)
    return eta * (1.0 - 0.5 * L * eta) * slope**2


def actual_decrease(objective: Objective, x: float, lr: ArrayLike) -> Array:
    """f(x) − f(x − η f'(x)) for each η: how much the step really lowers f.

    >>> from mathcore.functions import square
    >>> actual_decrease(square(), 1.0, [0.25, 0.5, 1.0]).tolist()
    [0.75, 1.0, 0.0]
    """
    eta = np.asarray(lr, dtype=np.float64)
    slope = float(objective.gradient([x])[0])
    steps = x - eta * slope
    return float(objective.value([x])) - objective.value(steps[..., None])


def decrease_roots(L: float) -> tuple[float, float]:
    """Where the guaranteed decrease is 0: η = 0 and η = 2/L (positive between).

    >>> decrease_roots(4.0)
    (0.0, 0.5)
    """
    return (0.0, 2.0 / L)


def best_rate(L: float) -> float:
    """1/L: the η whose guaranteed decrease f'(x)²/(2L) is the largest.

    >>> best_rate(4.0)
    0.25
    """
    return 1.0 / L


def lowest_gap(objective: Objective, bound: UpperBound, ys: ArrayLike) -> float:
    """min over ``ys`` of q(y) − f(y): ≥ 0 (up to rounding) when q lies above f.

    >>> from mathcore.functions import square
    >>> lowest_gap(square(), upper_bound(square(), 1.0, 3.0), [-2.0, 1.0, 4.0])
    0.0
    """
    y = np.asarray(ys, dtype=np.float64)
    with np.errstate(all="ignore"):
        return float(np.min(bound(y) - objective.value(y[..., None])))
