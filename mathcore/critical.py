"""Where ∇f = 0: the critical points of a function in a window, found and classified.

In 2-D, Newton's method on ∇f = 0 runs from a grid of starts at once, and each
root is classified by its Hessian's eigenvalues. In 1-D, the roots of f′ are
bracketed on a fine grid and bisected, and classified by the sign of f′ either
side, which also sees flat points (where f′ touches 0 and f keeps going).
:func:`minima` keeps the minima; :func:`nearest` finds the one closest to a point.

Examples
--------
>>> from mathcore.functions import himmelblau
>>> f = himmelblau()
>>> [p.kind for p in critical_points(f, ((-5, 5), (-5, 5)))].count("minimum")
4
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.functions import Objective
from mathcore.windows import Window, check_window, grid_points, inside_each

Array = NDArray[np.float64]
Kind = Literal["minimum", "maximum", "saddle", "flat"]


@dataclass(frozen=True)
class CriticalPoint:
    """A point where ∇f = 0, and what kind it is (from the Hessian's eigenvalues,
    or in 1-D from the sign of f′ either side, which also sees flat points)."""

    point: tuple[float, ...]
    value: float
    kind: Kind


def critical_points(
    objective: Objective, window: Window, starts: int = 24, iterations: int = 80
) -> list[CriticalPoint]:
    """Every critical point of ``objective`` inside ``window``, found numerically.

    In 1-D the roots of f′ are bracketed on a fine grid and bisected
    (:func:`stationary_points`), which finds flat points too. In 2-D, Newton's
    method on ∇f = 0 runs from a ``starts`` × ``starts`` grid of start points at
    once (one NumPy array, no Python loop per start), each step damped so it never
    jumps more than a tenth of the window; roots found twice are merged, and each
    is classified by its Hessian. Sorted by f, lowest first.

    Examples
    --------
    >>> from mathcore.functions import sincos
    >>> pts = critical_points(sincos(), ((-3.2, 3.2), (-3.2, 3.2)))
    >>> sorted({p.kind for p in pts})
    ['maximum', 'minimum', 'saddle']
    """
    window = check_window(window, objective.dim)
    if objective.dim == 1:
        found = [
            CriticalPoint((s.x,), s.value, s.kind)
            for s in stationary_points(objective, window[0])
        ]
    else:
        found = [
            _classified(objective, p)
            for p in _newton_roots(objective, window, starts, iterations)
        ]
    return sorted(found, key=lambda c: c.value)


def minima(objective: Objective, window: Window) -> list[CriticalPoint]:
    """The local minima of ``objective`` inside ``window``, lowest first.

    >>> from mathcore.functions import bowl
    >>> minima(bowl(), ((-1, 1), (-1, 1)))[0].point
    (0.0, 0.0)
    """
    return [c for c in critical_points(objective, window) if c.kind == "minimum"]


def _newton_roots(
    objective: Objective, window: Window, starts: int, iterations: int
) -> Array:
    x = grid_points(window, starts)
    size = np.array([hi - lo for lo, hi in window])
    with np.errstate(all="ignore"):
        for _ in range(iterations):
            g, h = objective.gradient(x), objective.hessian(x)
            # The 2 × 2 Newton step H⁻¹g by its adjugate; where H is singular (a
            # flat point) or not finite, a plain gradient step instead.
            a, b, c, d = h[:, 0, 0], h[:, 0, 1], h[:, 1, 0], h[:, 1, 1]
            det = a * d - b * c
            step = np.stack([d * g[:, 0] - b * g[:, 1], a * g[:, 1] - c * g[:, 0]], 1)
            step /= det[:, None]
            bad = ~np.isfinite(step).all(axis=1)
            step[bad] = g[bad]
            limit = 0.1 * size
            factor = np.min(limit / np.maximum(np.abs(step), 1e-300), axis=1, initial=1.0)
            x = x - step * np.minimum(factor, 1.0)[:, None]
            x[~np.isfinite(x).all(axis=1)] = np.nan
        g = objective.gradient(x)
        scale = 1.0 + np.abs(objective.value(x))
        good = np.isfinite(x).all(axis=1) & (np.linalg.norm(g, axis=1) <= 1e-8 * scale)
    good &= inside_each(x, window, 1e-9 * size)
    roots: list[Array] = []
    for r in x[good]:
        if all(np.linalg.norm((r - q) / size) > 1e-6 for q in roots):
            roots.append(r)
    return np.array(roots).reshape(-1, objective.dim)


def _classified(objective: Objective, point: Array) -> CriticalPoint:
    eig = np.linalg.eigvalsh(objective.hessian(point))
    tol = 1e-9 * max(1.0, float(np.abs(eig).max()))
    kind: Kind = (
        "minimum"
        if eig.min() > tol
        else "maximum"
        if eig.max() < -tol
        else "saddle"
        if eig.min() < -tol and eig.max() > tol
        else "flat"
    )
    return CriticalPoint(
        tuple(float(c) + 0.0 for c in point), float(objective.value(point)), kind
    )


@dataclass(frozen=True)
class StationaryPoint:
    """A point of a 1-D function where f′ = 0, and what kind it is.

    ``kind`` comes from the sign of f′ either side: − then + is a minimum, + then −
    a maximum, the same sign on both sides is ``"flat"`` (f′ touches 0 and f
    keeps going the same way: neither minimum nor maximum). ``slope_signs`` are
    those signs of f′ just left and right of x (−1, 0 or 1).
    """

    x: float
    value: float
    kind: Kind
    slope_signs: tuple[int, int]


def stationary_points(
    objective: Objective, interval: tuple[float, float], samples: int = 2001
) -> list[StationaryPoint]:
    """Every x in ``interval`` with f′(x) = 0, found numerically, classified.

    Roots where f′ changes sign are bracketed on a grid and refined by bisection.
    Roots where f′ only touches 0 (f′(x) = x²·g(x) at 0) do not change sign; they
    are found as roots of f″ (extremes of f′) where f′ vanishes too.

    Examples
    --------
    >>> from mathcore.functions import quartic
    >>> [(round(p.x, 12), p.kind) for p in stationary_points(quartic(), (-1.5, 4.0))]
    [(0.0, 'flat'), (2.25, 'minimum')]
    >>> stationary_points(quartic(), (-1.5, 4.0))[0].x  # noise-level roots are 0
    0.0
    """
    if objective.dim != 1:
        raise ValueError("objective: stationary_points needs a 1-D objective")
    lo, hi = (float(v) for v in interval)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi) or samples < 3:
        raise ValueError(f"need a finite interval lo < hi and samples >= 3, got {interval}")

    def d1(x: float) -> float:
        return float(objective.gradient([x])[0])

    def d2(x: float) -> float:
        return float(objective.hessian([x])[0, 0])

    xs = np.linspace(lo, hi, samples)
    with np.errstate(all="ignore"):
        g = objective.gradient(xs[:, None])[:, 0]
        h = objective.hessian(xs[:, None])[:, 0, 0]
    scale = max(1.0, float(np.nanmax(np.abs(g), initial=0.0)))
    spacing = (hi - lo) / (samples - 1)
    candidates = [float(x) for x in xs[g == 0]]
    candidates += _sign_change_roots(d1, xs, g)
    # Touching roots: f′ has an extreme there (f″ = 0) and is 0 itself.
    candidates += [r for r in _sign_change_roots(d2, xs, h) if abs(d1(r)) <= 1e-12 * scale]
    # A root a rounding error away from 0 (bisection stops at 5e-16) is 0 when f′(0)
    # is: a viewer should read x = 0, f′(0) = 0, not 5.2e-16 and -2.4e-30.
    zero = 1e-9 * max(1.0, abs(lo), abs(hi))
    snap = lo <= 0.0 <= hi and abs(d1(0.0)) <= 1e-12 * scale
    candidates = [0.0 if snap and abs(x) <= zero else x for x in candidates]
    return _classified_1d(objective, d1, sorted(candidates), spacing)


def _classified_1d(
    objective: Objective, d1: Callable[[float], float], xs: list[float], spacing: float
) -> list[StationaryPoint]:
    """Each root of f′ (``d1``) in ``xs`` (sorted; one within ``spacing`` of the last
    kept is the same root found twice), classified by the sign of f′ either side."""
    points: list[StationaryPoint] = []
    for x in xs:
        if points and abs(x - points[-1].x) < spacing:
            continue  # the same root found twice
        delta = 1e-3 * spacing
        left, right = np.sign(d1(x - delta)), np.sign(d1(x + delta))
        kind: Kind = (
            "minimum"
            if (left, right) == (-1, 1)
            else "maximum"
            if (left, right) == (1, -1)
            else "flat"
        )
        points.append(
            StationaryPoint(
                x=x,
                value=float(objective.value([x])),
                kind=kind,
                slope_signs=(int(left), int(right)),
            )
        )
    return points


def _sign_change_roots(fn, xs: Array, values: Array) -> list[float]:
    """Roots of ``fn`` in each grid cell where ``values`` change sign strictly."""
    cells = np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)
    tol = 1e-15 * float(xs[-1] - xs[0])
    return [_bisect(fn, float(xs[i]), float(xs[i + 1]), tol) for i in cells]


def _bisect(fn, lo: float, hi: float, tol: float) -> float:
    """A sign change of ``fn`` in [lo, hi] to within ``tol`` (or to the last bit).

    Bisection, not Brent: at a multiple root (f′ = 4x³ at 0) Brent's interpolation
    steps crawl and it gives up, while halving the bracket always gets there.
    """
    f_lo = np.sign(fn(lo))
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):  # no float left between them
            break
        f_mid = np.sign(fn(mid))
        if f_mid == 0:
            return mid
        if f_mid == f_lo:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def nearest(point: ArrayLike, candidates: Sequence[CriticalPoint]) -> int | None:
    """The index of the candidate closest to ``point`` (None when there are none).

    >>> nearest([0.9, 1.0], [CriticalPoint((0.0, 0.0), 0.0, "minimum"),
    ...                      CriticalPoint((1.0, 1.0), 0.0, "minimum")])
    1
    """
    if not candidates:
        return None
    p = np.asarray(point, dtype=np.float64).reshape(-1)
    d = [float(np.linalg.norm(p - np.array(c.point))) for c in candidates]
    return int(np.argmin(d))
