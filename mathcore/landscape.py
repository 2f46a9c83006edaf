"""What a scene needs to know about a function, derived, never tuned by hand.

Given an :class:`~mathcore.functions.Objective` and the points a scene must show
(a start, a run), this module finds the function's critical points, frames a
window around what matters with nice tick steps, picks contour levels that read
well (log-spaced when f spans decades), bounds the curvature L over the window,
and says why a function cannot be shown, in one line.

A window is one ``(lo, hi)`` pair per axis: the one type every scene and every
``mathcore`` module uses for a plotted region.

Examples
--------
>>> from mathcore.functions import himmelblau
>>> f = himmelblau()
>>> [p.kind for p in critical_points(f, ((-5, 5), (-5, 5)))].count("minimum")
4
>>> ticks((-5.0, 5.0))
(-4.0, -2.0, 0.0, 2.0, 4.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.functions import Objective

Array = NDArray[np.float64]
Window = tuple[tuple[float, float], ...]
"""A plotted region: ``(lo, hi)`` for each axis, e.g. ``((-5, 5), (-5, 5))``."""
Kind = Literal["minimum", "maximum", "saddle", "flat"]


class UnshowableError(ValueError):
    """A function (with its parameters) that a scene cannot show; says why in a line."""


# --------------------------------------------------------------------------------------
# Windows and ticks.


def check_window(window: Window, dim: int | None = None) -> Window:
    """``window`` as floats, or ValueError when an axis is empty, reversed or infinite.

    >>> check_window([[0, 1], [-2, 2]])
    ((0.0, 1.0), (-2.0, 2.0))
    """
    out = tuple((float(lo), float(hi)) for lo, hi in window)
    if dim is not None and len(out) != dim:
        raise ValueError(f"window: expected {dim} axes, got {len(out)}")
    for lo, hi in out:
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"window: need finite lo < hi on every axis, got {window}")
    return out


def nice_step(span: float, target: int = 5) -> float:
    """A tick step of 1, 2 or 5 × 10^k giving about ``target`` ticks over ``span``.

    >>> nice_step(10.0), nice_step(12.0, 3), nice_step(0.7)
    (2.0, 5.0, 0.2)
    """
    if not (math.isfinite(span) and span > 0) or target < 1:
        raise ValueError(f"need a finite span > 0 and target >= 1, got {span}, {target}")
    raw = span / target
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if raw <= m * power * 1.0000001:
            return float(m * power)
    return float(10 * power)  # not reached: raw < 10 * power


def ticks(
    axis: tuple[float, float], target: int = 5, pi: bool = False
) -> tuple[float, ...]:
    """Nice ticks inside ``axis`` (ends included when they fall on the step).

    With ``pi``, the ticks are multiples of π, on a nice step counted in π and
    never finer than π/2 (π/2, π, 2π, 5π, …), so each reads as a fraction of π.

    >>> ticks((-6.0, 6.0), 3)
    (-5.0, 0.0, 5.0)
    >>> ticks((-1.5, 4.0), 6)
    (-1.0, 0.0, 1.0, 2.0, 3.0, 4.0)
    >>> [round(t / math.pi, 3) for t in ticks((-3.8, 3.8), 6, pi=True)]
    [-1.0, -0.5, 0.0, 0.5, 1.0]
    """
    lo, hi = axis
    unit = math.pi if pi else 1.0
    step = nice_step((hi - lo) / unit, target)
    if pi:
        step = max(step, 0.5)
    first = math.ceil(lo / unit / step - 1e-9)
    last = math.floor(hi / unit / step + 1e-9)
    return tuple(float(k * step * unit) + 0.0 for k in range(first, last + 1))


def half_pi_multiples(values: ArrayLike) -> bool:
    """Whether every value is a whole multiple of π/2 (up to rounding).

    >>> half_pi_multiples([-math.pi, math.pi]), half_pi_multiples([0.0, 3.0])
    (True, False)
    """
    v = np.asarray(values, dtype=np.float64) / (math.pi / 2)
    return bool(np.all(np.abs(v - np.round(v)) <= 1e-9 * np.maximum(1.0, np.abs(v))))


def plot_ticks(
    window: Window, target: int = 5, about: Window | None = None
) -> tuple[tuple[float, ...], ...]:
    """The ticks of each axis of ``window``: multiples of π (see :func:`ticks`)
    when every end of ``about`` (by default ``window`` itself) is a multiple of π/2,
    as on the notebook's [−π, π]², and nice steps of 1, 2 or 5 × 10^k otherwise.

    ``about`` is the region a scene is about when its map shows more around it
    (arrows on [−π, π]² on a map of [−3.8, 3.8]²: ticks in π).

    >>> plot_ticks(((-3.0, 3.0),), 6)
    ((-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0),)
    >>> plot_ticks(((-3.8, 3.8),), 6)
    ((-2.0, 0.0, 2.0),)
    """
    window = check_window(window)
    pi = half_pi_multiples(window if about is None else check_window(about))
    return tuple(ticks(axis, target, pi) for axis in window)


def frame(
    points: ArrayLike,
    at_least: Window | None = None,
    margin: float = 0.15,
    square: bool = False,
    target: int = 5,
) -> Window:
    """The window that shows ``points`` with a ``margin`` (a fraction of their span,
    on each side), holds ``at_least`` whole, and ends on nice round numbers.

    ``at_least`` is a scene's default view (the notebook's axes): a window that
    already shows every point with room to spare is returned unchanged, so the
    lesson's own pictures stay as the notebook drew them. ``square`` gives every
    axis the same span (a map whose circles look round).

    Examples
    --------
    >>> frame([[4.0, 3.0], [0.0, 0.0]], at_least=((-5, 5), (-5, 5)))
    ((-5.0, 5.0), (-5.0, 5.0))
    >>> frame([[4.0, 3.0], [10.0, 10.0]], at_least=((-5, 5), (-5, 5)), square=True)
    ((-6.0, 12.0), (-6.0, 12.0))
    """
    p = np.asarray(points, dtype=np.float64)
    p = p.reshape(-1, p.shape[-1]) if p.ndim else p.reshape(1, 1)
    p = p[np.isfinite(p).all(axis=1)]
    dim = p.shape[1] if p.size else len(at_least or ())
    if not dim:
        raise ValueError("frame: need points or a window")
    base = check_window(at_least, dim) if at_least is not None else None
    lo = p.min(axis=0) if len(p) else np.full(dim, np.inf)
    hi = p.max(axis=0) if len(p) else np.full(dim, -np.inf)
    span = np.maximum(hi - lo, 0.0) if len(p) else np.zeros(dim)
    scale = np.maximum(span, 1e-3 * (1.0 + np.abs(np.nan_to_num(lo))))
    lo, hi = lo - margin * scale, hi + margin * scale
    thin = hi - lo < scale  # a single point, no margin: still a window around it
    lo, hi = np.where(thin, lo - scale / 2, lo), np.where(thin, hi + scale / 2, hi)
    if base is not None:
        inside = all(b[0] <= a and c <= b[1] for b, a, c in zip(base, lo, hi, strict=True))
        if inside:
            return base
        lo = np.minimum(lo, [b[0] for b in base])
        hi = np.maximum(hi, [b[1] for b in base])
    if square:
        centre, half = (lo + hi) / 2, float((hi - lo).max()) / 2
        lo, hi = centre - half, centre + half
    # Ends on half tick steps: whole ones could widen a window by half again.
    step = nice_step(float((hi - lo).max()), 2 * target) if square else None
    out = []
    for a, b in zip(lo, hi, strict=True):
        s = step or nice_step(float(b - a), 2 * target)
        out.append((math.floor(a / s) * s + 0.0, math.ceil(b / s) * s + 0.0))
    if square:  # snapping may have widened one axis more than the other
        side = max(b - a for a, b in out)
        out = [(a, a + side) for a, b in out]
    return tuple((float(a), float(b)) for a, b in out)


def inside(point: ArrayLike, window: Window) -> bool:
    """Whether ``point`` lies in ``window`` (edges included).

    >>> inside([1.0, 2.0], ((0, 1), (0, 3))), inside([1.5], ((0, 1),))
    (True, False)
    """
    return bool(inside_each(np.reshape(point, (1, -1)), window)[0])


def inside_each(points: ArrayLike, window: Window, slack: float = 0.0) -> NDArray[np.bool_]:
    """For each row of ``points``, whether it lies in ``window`` widened by
    ``slack`` on every side (NaN rows are outside).

    >>> inside_each([[0.5, 0.5], [2.0, 0.5]], ((0, 1), (0, 1))).tolist()
    [True, False]
    """
    p = np.asarray(points, dtype=np.float64)
    lo, hi = np.array(window, dtype=np.float64).T
    return ((p >= lo - slack) & (p <= hi + slack)).all(axis=-1)


# --------------------------------------------------------------------------------------
# Critical points.


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
    axes = [np.linspace(lo, hi, starts) for lo, hi in window]
    x = np.stack(np.meshgrid(*axes), axis=-1).reshape(-1, objective.dim)
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
    points: list[StationaryPoint] = []
    for x in sorted(candidates):
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


# --------------------------------------------------------------------------------------
# Sampling f over a window: finiteness, contour levels, curvature, heights.


def sample(objective: Objective, window: Window, n: int = 81) -> tuple[Array, Array]:
    """An ``n``-per-axis grid of ``window`` (shape ``(n**dim, dim)``) and f on it."""
    axes = [np.linspace(lo, hi, n) for lo, hi in check_window(window, objective.dim)]
    points = np.stack(np.meshgrid(*axes), axis=-1).reshape(-1, objective.dim)
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


def curvature_bound(objective: Objective, window: Window, samples: int = 41) -> float:
    """L: the largest eigenvalue of the Hessian over a grid of ``window`` (0 if f
    curves nowhere upward). Gradient descent with η < 2/L descends everywhere in
    the window (the descent lemma).

    >>> from mathcore.functions import bowl, quartic
    >>> curvature_bound(bowl(), ((-1, 1), (-1, 1)))
    2.0
    >>> curvature_bound(quartic(), ((0.0, 4.0),))  # f'' = 12x² − 18x, largest at 4
    120.0
    """
    points, _ = sample(objective, window, samples)
    with np.errstate(all="ignore"):
        eig = np.linalg.eigvalsh(objective.hessian(points))
    largest = float(np.nanmax(eig[..., -1]))
    return max(largest, 0.0)


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
    ``at_least`` (see :func:`frame`), checked drawable (:func:`require_finite`),
    with its ticks and critical points. UnshowableError when f has no minimum in
    it and ``need_minimum``.

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
    """The points of ``trajectory`` (a :class:`~mathcore.optimize.Trajectory`) a map
    must hold: the whole run, unless it diverged (overflowed) or ran away (ended
    higher than it started), when only its start: such a run is cut at the map's
    edge or refused, never framed.

    >>> from mathcore.functions import bowl
    >>> from mathcore.optimize import gd, run
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
    """The :class:`Verdict` of ``trajectory`` (a :class:`~mathcore.optimize.Trajectory`)
    seen in ``window``; ``placed`` are its points as the plot places them, when
    not its iterates (a 1-D run drawn on the graph of f: rows (x_t, f(x_t))).

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> from mathcore.optimize import gd, run
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
