"""The descent lemma in one dimension: why a small enough step always goes down.

If f'' ≤ L on an interval, then for x and y in it (Taylor with the exact remainder)

    f(y) ≤ q(y) = f(x) + f'(x)(y − x) + (L/2)(y − x)²,

a parabola touching f at x and lying above it. A gradient step y = x − η f'(x) gives

    f(x) − f(y) ≥ η(1 − Lη/2) f'(x)²,

the guaranteed decrease: positive exactly for 0 < η < 2/L, largest at η = 1/L,
where y is the parabola's own minimum. Only the upper curvature bound is used, so f
need not be convex.

L over an interval is :func:`mathcore.curvature.largest_refined`'s; this module
builds q (:func:`upper_bound`) and the decrease, promised and actual, as functions
of η.

Examples
--------
>>> from mathcore.curvature import largest_refined
>>> from mathcore.symbolic import resolve_objective
>>> f = resolve_objective("x**2 + sin(x)", dim=1)  # f'' = 2 − sin x ≤ 3
>>> L = largest_refined(f, (-3.0, 3.0))
>>> round(L, 12)
3.0
>>> q = upper_bound(f, 2.0, L)
>>> float(q(q.minimiser)) <= float(f.value([2.0]))
True
>>> decrease_roots(L)
(0.0, 0.6666666666666666)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.functions import Objective

Array = NDArray[np.float64]


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
