"""Linear convergence of gradient descent, and the condition number κ = L/μ.

The notebook's rate theorem (Part 4, Layer 4): for f μ-strongly convex and
L-smooth, gradient descent with η = 1/L keeps

    f(x_t) − f* ≤ (1 − μ/L)^t (f(x_0) − f*).

μ and L are the smallest and largest eigenvalues of f's Hessian over a window
(:func:`mathcore.curvature.measure`: exact for a quadratic, whose Hessian is
constant; sampled on a grid otherwise). This module runs GD with a step given as
a multiple of 1/L, refusing f unless it is strongly convex there (μ > 0: the
theorem says nothing otherwise), and sets the run's gaps f(x_t) − f* beside the
theorem's bound, step by step.

Examples
--------
>>> from mathcore.symbolic import objective_from_formula
>>> f = objective_from_formula("(x^2 + 10*y^2)/2")
>>> r = linear_run(f, [4.0, 3.0], ((-5, 5), (-5, 5)), steps=20)
>>> r.curvature.kappa, r.lr, r.curvature.rate
(10.0, 0.1, 0.9)
>>> r.holds, r.left_at, float(r.gaps[1])  # the steep y is solved in one step
(True, None, 6.48)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.critical import minima
from mathcore.curvature import Curvature, measure
from mathcore.fields import log_levels
from mathcore.functions import Objective
from mathcore.landscape import UnshowableError, sample
from mathcore.optimize import run
from mathcore.optimizers import gd
from mathcore.trajectory import Trajectory
from mathcore.windows import Window, inside_each

Array = NDArray[np.float64]


def rate_bound(gap0: float, mu: float, L: float, steps: int) -> Array:
    """(1 − μ/L)^t · gap0 for t = 0 … ``steps``: the theorem's bound on f(x_t) − f*.

    >>> rate_bound(8.0, 1.0, 2.0, 3).tolist()
    [8.0, 4.0, 2.0, 1.0]
    """
    return float(gap0) * (1.0 - mu / L) ** np.arange(steps + 1, dtype=np.float64)


def contraction(lr: float, mu: float, L: float) -> float:
    """max(|1 − ημ|, |1 − ηL|): how much GD shrinks x − x* per step on a quadratic
    with curvatures μ … L (below 1 exactly when 0 < η < 2/L: it converges).

    >>> contraction(1.0, 1.0, 1.0), contraction(1.9 / 100, 1.0, 100.0)
    (0.0, 0.981)
    >>> round(contraction(2.05 / 100, 1.0, 100.0), 12)  # past 2/L: it grows
    1.05
    """
    return max(abs(1.0 - lr * mu), abs(1.0 - lr * L))


def valley_levels(objective: Objective, window: Window, f_star: float, n: int) -> Array:
    """``n`` contour levels f* + 10^k, log-spaced over the three decades below f's
    highest point in ``window``: a narrow valley (κ large) keeps lines on its floor.

    >>> from mathcore.functions import bowl
    >>> valley_levels(bowl(), ((-1, 1), (-1, 1)), 0.0, 4).round(12).tolist()
    [0.002, 0.02, 0.2, 2.0]
    """
    _, z = sample(objective, window)
    top = float(np.max(z)) - f_star
    if not top > 0:
        raise UnshowableError("f is constant over the window: no contour lines to draw")
    return f_star + log_levels(top * 1e-3, top, n)


@dataclass(frozen=True, eq=False)
class LinearRun:
    """GD at ``factor``/L on f from x0, beside the rate theorem's bound.

    Attributes
    ----------
    curvature : Curvature
        μ and L over the window.
    factor : float
        The step as a multiple of 1/L (1: the theorem's step).
    minimum : tuple of float
        x*, the minimum of f in the window; ``f_star`` = f(x*).
    trajectory : Trajectory
    gaps : array
        f(x_t) − f*, never below 0 (rounding in f* aside, 0 is where it lands).
    bound : array
        (1 − μ/L)^t (f(x_0) − f*), the theorem's bound for η = 1/L.
    left_at : int or None
        The first step outside the window, where μ and L were not measured.
    window : Window
        Where μ, L and x* were found; ``steps``: the most updates the run took.
    """

    curvature: Curvature
    factor: float
    minimum: tuple[float, ...]
    f_star: float
    trajectory: Trajectory
    gaps: Array
    bound: Array
    left_at: int | None
    window: Window
    steps: int

    def again(self, factor: float) -> LinearRun:
        """The same start, window and steps at η = ``factor``/L, reusing μ, L and
        x* (nothing to measure twice).

        >>> from mathcore.symbolic import objective_from_formula
        >>> f = objective_from_formula("(x^2 + 100*y^2)/2")
        >>> r = linear_run(f, [4.0, 3.0], ((-5, 5), (-5, 5)), 30)
        >>> r.again(1.9).lr == linear_run(f, [4.0, 3.0], ((-5, 5), (-5, 5)), 30, 1.9).lr
        True
        """
        t = self.trajectory
        best = (self.minimum, self.f_star)
        return _run_beside_bound(
            t.objective,
            t.points[0],
            self.window,
            self.steps,
            factor,
            t.tol,
            self.curvature,
            best,
        )

    @property
    def lr(self) -> float:
        """The learning rate run: ``factor``/L."""
        return self.trajectory.lr

    @property
    def contraction(self) -> float:
        """The per-step factor on x − x* for a quadratic (see :func:`contraction`)."""
        return contraction(self.lr, self.curvature.mu, self.curvature.L)

    @property
    def excess(self) -> Array:
        """gap − bound at each step: ≤ 0 where the theorem holds."""
        return self.gaps - self.bound

    @property
    def holds(self) -> bool:
        """Whether the gap stays at or under the bound at every step, up to the
        rounding of f's values (a few ulps of f(x_0) and f*)."""
        slack = 64 * np.finfo(np.float64).eps * (abs(self.f_star) + self.gaps[0])
        return bool(np.all(self.excess <= slack))

    @property
    def settling(self) -> bool:
        """Whether the run is converging as far as it went: its gap fell below the
        start's and was still falling at the last step (or is 0)."""
        g = self.gaps
        return bool(len(g) > 1 and g[-1] < g[0] and (g[-1] <= g[-2] or g[-1] == 0))

    @property
    def zigzags(self) -> bool:
        """Whether some step turns back against the one before (a negative dot
        product): the path crosses the valley instead of following it.

        >>> from mathcore.symbolic import objective_from_formula
        >>> f = objective_from_formula("(x^2 + 100*y^2)/2")
        >>> [linear_run(f, [4.0, 3.0], ((-5, 5), (-5, 5)), 10, k).zigzags
        ...  for k in (1.0, 1.9)]
        [False, True]
        """
        steps = np.diff(self.trajectory.points, axis=0)
        return bool(np.any(np.sum(steps[1:] * steps[:-1], axis=1) < 0))


def linear_run(
    objective: Objective,
    x0: ArrayLike,
    window: Window,
    steps: int,
    factor: float = 1.0,
    tol: float = 1e-8,
) -> LinearRun:
    """Run GD with η = ``factor``/L from ``x0`` (μ, L over ``window``) and set its
    gaps beside the bound. UnshowableError when f is not strongly convex on the
    window (μ ≤ 0), its Hessian is not finite there, or it has no minimum in it.

    >>> from mathcore.symbolic import objective_from_formula
    >>> f = objective_from_formula("(x^2 + 100*y^2)/2")
    >>> r = linear_run(f, [4.0, 3.0], ((-5, 5), (-5, 5)), 30, factor=2.05)
    >>> r.left_at, round(r.contraction, 12)  # |1 − 2.05| = 1.05: y grows, leaves
    (11, 1.05)
    >>> saddle = objective_from_formula("x^2 - y^2")
    >>> linear_run(saddle, [0.5, 0.5], ((-1, 1), (-1, 1)), 5)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathcore.landscape.UnshowableError: f is not strongly convex ... eigenvalue is -2 ...
    """
    c = measure(objective, window)
    if not c.mu > 0:
        raise UnshowableError(
            "f is not strongly convex on the window: its Hessian's smallest "
            f"eigenvalue is {c.mu:.3g} (μ must be > 0)"
        )
    found = minima(objective, window)
    if not found:
        raise UnshowableError("f has no minimum in the window to converge to")
    best = found[0]  # strongly convex: the only one
    return _run_beside_bound(
        objective, x0, window, steps, factor, tol, c, (best.point, best.value)
    )


def _run_beside_bound(
    objective: Objective,
    x0: ArrayLike,
    window: Window,
    steps: int,
    factor: float,
    tol: float,
    c: Curvature,
    best: tuple[tuple[float, ...], float],
) -> LinearRun:
    if not (math.isfinite(factor) and factor > 0):
        raise ValueError(f"factor: must be finite and > 0, got {factor!r}")
    traj = run(objective, x0, gd(factor / c.L), steps, tol)
    gaps = np.maximum(traj.losses - best[1], 0.0)
    outside = np.flatnonzero(~inside_each(traj.points, window))
    return LinearRun(
        curvature=c,
        factor=float(factor),
        minimum=best[0],
        f_star=best[1],
        trajectory=traj,
        gaps=gaps,
        bound=rate_bound(gaps[0], c.mu, c.L, traj.n_steps),
        left_at=int(outside[0]) if outside.size else None,
        window=window,
        steps=steps,
    )
