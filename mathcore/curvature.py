"""Curvature: μ and L, the smallest and largest eigenvalue of f's Hessian.

L bounds how fast ∇f turns. Where every eigenvalue of the Hessian is at most L,
gradient descent with η < 2/L goes down (the descent lemma), and η = 1/L is the
step of the rate theorem; μ > 0 makes f strongly convex, and κ = L/μ says how
narrow its valleys are. This module is the one place they are measured:

- over a window, on a grid: :func:`largest` (L alone) and :func:`measure` (μ and
  L from one evaluation of the Hessian on the grid, and whether f is a quadratic);
- over an interval, refined (1-D): :func:`largest_refined`, the grid's peaks
  polished by a golden-section search, so no parabola with this L dips below f;
- at a point: :func:`largest_at`;

and :func:`stable_rate` turns L into the largest learning rate that descends, 2/L.

Examples
--------
>>> from mathcore.symbolic import objective_from_formula
>>> f = objective_from_formula("(x^2 + 10*y^2)/2")
>>> c = measure(f, ((-5, 5), (-5, 5)))
>>> c.mu, c.L, c.kappa, c.lr, c.quadratic
(1.0, 10.0, 10.0, 0.1, True)
>>> largest(f, ((-5, 5), (-5, 5))), largest_at(f, [1.0, 2.0]), stable_rate(c.L)
(10.0, 10.0, 0.2)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.checks import check_points
from mathcore.functions import Objective
from mathcore.landscape import UnshowableError
from mathcore.windows import Window, grid_points

Array = NDArray[np.float64]

GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0  # 0.618…: golden-section shrink factor

__all__ = [
    "Curvature",
    "largest",
    "largest_at",
    "largest_refined",
    "measure",
    "stable_rate",
]


@dataclass(frozen=True)
class Curvature:
    """μ and L of f over a window: its Hessian's smallest and largest eigenvalue;
    ``quadratic`` when the Hessian is the same all over the window (then μ and L
    are exact, not sampled)."""

    mu: float
    L: float
    quadratic: bool = False

    @property
    def kappa(self) -> float:
        """The condition number κ = L/μ (1 for a round bowl)."""
        return self.L / self.mu

    @property
    def lr(self) -> float:
        """η = 1/L, the step the rate theorem takes."""
        return 1.0 / self.L

    @property
    def rate(self) -> float:
        """1 − μ/L: the theorem's factor on f(x_t) − f* per step."""
        return 1.0 - self.mu / self.L


# --------------------------------------------------------------------------------------
# Over a window, on a grid.


def largest(objective: Objective, window: Window, samples: int = 41) -> float:
    """L: the largest eigenvalue of the Hessian over a grid of ``window``
    (``samples`` per axis; 0 if f curves nowhere upward). Gradient descent with
    η < 2/L descends everywhere in the window (the descent lemma). Points where
    the Hessian is not a number are passed over, not refused.

    >>> from mathcore.functions import bowl, quartic
    >>> largest(bowl(), ((-1, 1), (-1, 1)))
    2.0
    >>> largest(quartic(), ((0.0, 4.0),))  # f'' = 12x² − 18x, largest at 4
    120.0
    """
    _, h = _hessians(objective, window, samples)
    with np.errstate(all="ignore"):
        return _top(np.linalg.eigvalsh(h))


def measure(objective: Objective, window: Window, samples: int = 41) -> Curvature:
    """μ and L of f over a grid of ``window``, from one evaluation of its Hessian
    there; ``quadratic`` when the Hessian is the same at every point (to rounding).
    L is :func:`largest`'s; μ may be ≤ 0 (f is then not strongly convex there).
    UnshowableError where the Hessian is not finite.

    >>> from mathcore.functions import bowl, sincos
    >>> measure(bowl(), ((-1, 1), (-1, 1)))
    Curvature(mu=2.0, L=2.0, quadratic=True)
    >>> measure(sincos(), ((-3, 3), (-3, 3))).mu < 0  # a saddle curves down
    True
    """
    points, h = _hessians(objective, window, samples)
    flat = h.reshape(len(points), -1)
    bad = ~np.isfinite(flat).all(axis=1)
    if bad.any():
        where = ", ".join(f"{c:.3g}" for c in points[np.argmax(bad)])
        raise UnshowableError(f"the Hessian of f is not finite at ({where}) in the window")
    eig = np.linalg.eigvalsh(h)
    # The same Hessian everywhere (to rounding): a quadratic, μ and L exact.
    quadratic = bool(np.all(np.ptp(flat, axis=0) <= 1e-12 * (1.0 + np.abs(flat).max())))
    return Curvature(mu=float(eig[..., 0].min()), L=_top(eig), quadratic=quadratic)


def _hessians(objective: Objective, window: Window, samples: int) -> tuple[Array, Array]:
    """The grid of ``window`` and f's Hessian at each of its points."""
    points = grid_points(window, samples, objective.dim)
    with np.errstate(all="ignore"):
        return points, objective.hessian(points)


def _top(eigenvalues: Array) -> float:
    """The largest of the largest eigenvalues (NaN passed over), and at least 0."""
    return max(float(np.nanmax(eigenvalues[..., -1])), 0.0)


# --------------------------------------------------------------------------------------
# Over an interval, refined (1-D).


def largest_refined(
    objective: Objective, interval: tuple[float, float], samples: int = 2001
) -> float:
    """L = the largest f'' over ``interval`` (0 if f curves nowhere upward): the
    least L for which f lies under every parabola q of
    :func:`mathcore.smoothness.upper_bound` on it.

    :func:`largest` takes the largest f'' on a grid; the true largest value usually
    lies between two grid points, a little higher, and a parabola with the grid's
    L could then dip below f. So every grid peak (a point whose f'' is at least its
    neighbours', ends included) is refined by a golden-section search on the cells
    either side of it, to rounding. What could still be missed is a peak narrower
    than the grid's spacing (``samples`` points).

    Raises UnshowableError when f'' is not finite on the grid.

    Examples
    --------
    >>> from mathcore.functions import quartic
    >>> largest_refined(quartic(), (0.0, 4.0))  # f'' = 12x² − 18x: largest at the end
    120.0
    >>> from mathcore.symbolic import resolve_objective
    >>> f = resolve_objective("cos(3*x)", dim=1)  # f'' = −9 cos 3x, 9 at x = π/3
    >>> grid = largest(f, ((0.0, 2.0),), 8)
    >>> round(grid, 3), round(largest_refined(f, (0.0, 2.0), 8), 12)
    (8.632, 9.0)
    """
    lo, hi = _interval(interval)
    xs = np.linspace(lo, hi, samples)
    # The grid of largest(objective, ((lo, hi),), samples), evaluated once for both.
    with np.errstate(all="ignore"):
        hessians = objective.hessian(xs[:, None])
    h = hessians[:, 0, 0]
    if not np.isfinite(h).all():
        bad = float(xs[np.argmax(~np.isfinite(h))])
        raise UnshowableError(f"f'' is not a finite number at x = {bad:.3g} in the window")
    best = _top(np.linalg.eigvalsh(hessians))  # the grid's largest
    padded = np.concatenate([[-np.inf], h, [-np.inf]])
    peaks = np.flatnonzero((h >= padded[:-2]) & (h >= padded[2:]))
    if len(peaks):
        a = xs[np.maximum(peaks - 1, 0)]
        b = xs[np.minimum(peaks + 1, samples - 1)]
        best = max(best, float(_golden_max(objective, a, b).max()))
    return best


def _second_derivative(objective: Objective, xs: ArrayLike) -> Array:
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
    hc, hd = _second_derivative(objective, c), _second_derivative(objective, d)
    best = np.fmax(hc, hd)
    for _ in range(iterations):
        left = hc >= hd  # the peak is in [a, d]: drop (d, b]
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        c, d = b - GOLDEN * (b - a), a + GOLDEN * (b - a)
        hc, hd = _second_derivative(objective, c), _second_derivative(objective, d)
        best = np.fmax(best, np.fmax(hc, hd))
    return best


def _interval(interval: tuple[float, float]) -> tuple[float, float]:
    lo, hi = (float(v) for v in interval)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"interval: need finite lo < hi, got {interval}")
    return lo, hi


# --------------------------------------------------------------------------------------
# At a point, and the step it allows.


def largest_at(objective: Objective, x: ArrayLike) -> float:
    """The largest eigenvalue of the Hessian at ``x``: the local Lipschitz constant
    of ∇f there, ≤ 0 where f curves nowhere upward. ValueError naming ``x`` when it
    is not a finite point of f or the Hessian is not finite there.

    >>> from mathcore.functions import bowl, quartic
    >>> largest_at(bowl(), [4.0, 3.0]), largest_at(quartic(), [4.0])
    (2.0, 120.0)
    >>> largest_at(quartic(), [0.5])  # f'' = 12x² − 18x < 0 there
    -6.0
    """
    x = check_points(x, objective, "x", batch=False)
    hessian = objective.hessian(x)
    if not np.isfinite(hessian).all():
        raise ValueError(f"x: the Hessian is not finite at {x.tolist()}")
    return float(np.linalg.eigvalsh(hessian)[-1])


def stable_rate(L: float) -> float:
    """2/L, the largest learning rate for which gradient descent still descends
    where f curves at most L: the notebook's descent lemma guarantees descent for
    lr < 2/L. Where L ≤ 0 (no positive curvature) nothing bounds the step: ``inf``.

    >>> from mathcore.functions import bowl, quartic
    >>> stable_rate(largest_at(bowl(), [4.0, 3.0]))
    1.0
    >>> stable_rate(largest_at(quartic(), [4.0])) == 2 / 120
    True
    >>> stable_rate(largest_at(quartic(), [0.5]))  # f'' < 0 there
    inf
    """
    return 2.0 / L if L > 0 else math.inf
