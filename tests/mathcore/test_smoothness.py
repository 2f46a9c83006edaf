"""mathcore.smoothness against SymPy and SciPy: L (mathcore.curvature.largest_refined),
the parabola above f, the decrease.

References written here: f'' by SymPy, maximised on a dense grid and polished by
``scipy.optimize.minimize_scalar``; the lemma's algebra by SymPy; f on 10⁵ points.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import minimize_scalar

from mathcore import curvature, smoothness
from mathcore.landscape import UnshowableError
from mathcore.symbolic import resolve_objective

X = sp.Symbol("x", real=True)
DENSE = 100_001

# (formula, window, points x_t): convex and not, curvature largest inside or at an end.
CASES = [
    ("x**2 - 2*log(cosh(x - 2))", (-5.0, 5.0), [3.5, -4.0, 0.3]),
    ("x**2 + sin(x)", (-3.0, 3.0), [2.0, -2.5]),
    ("cos(3*x)", (0.0, 2.0), [0.4, 1.5]),
    ("x**4 - 3*x**3 + 2", (-1.5, 4.0), [4.0, 1.0, -1.0]),
    ("x**4/4 - x**2 + x/2", (-2.5, 2.5), [2.0, 0.1]),
    ("exp(-x**2) * 3 + x**2/4", (-4.0, 4.0), [1.3, -3.0]),
    ("sin(5*x) / 5 + x**2", (-2.0, 2.0), [1.7]),
]


def reference_L(formula: str, window: tuple[float, float]) -> float:
    """max f'' on the window: SymPy's f'', a dense grid, then SciPy's bounded search
    on −f'' around the grid's best point."""
    d2 = sp.lambdify(X, sp.diff(sp.sympify(formula, locals={"x": X}), X, 2), "numpy")
    xs = np.linspace(*window, DENSE)
    h = np.broadcast_to(d2(xs), xs.shape)
    i = int(np.argmax(h))
    spacing = xs[1] - xs[0]
    lo, hi = max(window[0], xs[i] - spacing), min(window[1], xs[i] + spacing)
    polished = minimize_scalar(
        lambda x: -float(d2(x)), bounds=(lo, hi), method="bounded", options={"xatol": 1e-13}
    )
    return float(max(h[i], -polished.fun))


@pytest.mark.parametrize(("formula", "window", "_"), CASES, ids=[c[0] for c in CASES])
def test_L_is_the_largest_second_derivative_on_the_window(formula, window, _) -> None:
    f = resolve_objective(formula, dim=1)
    assert curvature.largest_refined(f, window) == pytest.approx(
        reference_L(formula, window), rel=1e-11, abs=1e-12
    )


def test_L_of_the_default_is_its_closed_form() -> None:
    # f'' = 2 tanh²(x − 2): largest at x = −5, the end farthest from 2.
    f = resolve_objective("x**2 - 2*log(cosh(x - 2))", dim=1)
    assert curvature.largest_refined(f, (-5.0, 5.0)) == pytest.approx(
        2 * np.tanh(7.0) ** 2, rel=1e-14
    )


def test_refining_finds_a_peak_between_grid_points() -> None:
    # f'' = −9 cos 3x peaks at π/3 (value 9); a coarse grid misses it by ~0.4.
    f = resolve_objective("cos(3*x)", dim=1)
    coarse = curvature.largest(f, ((0.0, 2.0),), 8)
    assert coarse < 8.7
    assert curvature.largest_refined(f, (0.0, 2.0), samples=8) == pytest.approx(
        9.0, rel=1e-12
    )


def test_no_upward_curvature_gives_zero_and_a_pole_is_refused() -> None:
    assert (
        curvature.largest_refined(resolve_objective("3*x + 1", dim=1), (-1.0, 1.0)) == 0.0
    )
    assert curvature.largest_refined(resolve_objective("-x**2", dim=1), (-1.0, 1.0)) == 0.0
    with pytest.raises(UnshowableError, match="not a finite number"):
        curvature.largest_refined(
            resolve_objective("1/x", dim=1, check=False), (-1.0, 1.0), samples=3
        )


@pytest.mark.parametrize(("formula", "window", "points"), CASES, ids=[c[0] for c in CASES])
def test_the_parabola_lies_above_f_on_a_dense_grid(formula, window, points) -> None:
    expr = sp.sympify(formula, locals={"x": X})
    f_ref = sp.lambdify(X, expr, "numpy")
    df_ref = sp.lambdify(X, sp.diff(expr, X), "numpy")
    f = resolve_objective(formula, dim=1)
    L = curvature.largest_refined(f, window)
    ys = np.linspace(*window, DENSE)
    fy = np.broadcast_to(f_ref(ys), ys.shape)
    for x in points:
        q = smoothness.upper_bound(f, x, L)
        assert q.value == pytest.approx(float(f_ref(x)), rel=1e-13, abs=1e-13)
        assert q.slope == pytest.approx(float(df_ref(x)), rel=1e-13, abs=1e-13)
        # q(y) − f(y) ≥ 0 up to the rounding of numbers of q's size.
        qy = q(ys)
        rounding = 1e-13 * (1 + np.abs(qy) + np.abs(fy))
        assert np.all(qy - fy >= -rounding), (formula, x)
        assert smoothness.lowest_gap(f, q, ys) >= -float(rounding.max())


def test_a_smaller_L_would_cross_f() -> None:
    # L is the least such curvature: 1% less and the parabola dips under f
    # (at x_t = −4.5, near where f'' is largest).
    f = resolve_objective("x**2 - 2*log(cosh(x - 2))", dim=1)
    L = curvature.largest_refined(f, (-5.0, 5.0))
    q = smoothness.upper_bound(f, -4.5, 0.99 * L)
    assert smoothness.lowest_gap(f, q, np.linspace(-5.0, 5.0, DENSE)) < 0


def test_the_parabola_its_minimum_and_coefficients_by_sympy() -> None:
    x0, fx, g, L, y = sp.symbols("x0 fx g L y", real=True)
    q = fx + g * (y - x0) + L / 2 * (y - x0) ** 2
    (y_star,) = sp.solve(sp.diff(q, y), y)
    bound = smoothness.UpperBound(x=1.5, value=-2.0, slope=3.0, L=4.0)
    at = {x0: 1.5, fx: -2, g: 3, L: 4}
    assert bound.minimiser == pytest.approx(float(y_star.subs(at)), rel=1e-15)
    assert bound.minimum == pytest.approx(float(q.subs(y, y_star).subs(at)), rel=1e-15)
    poly = sp.Poly(sp.expand(q.subs(at)), y)
    assert bound.coefficients == pytest.approx([float(c) for c in poly.all_coeffs()])
    assert float(bound(0.25)) == pytest.approx(float(q.subs(at).subs(y, 0.25)))


def test_guaranteed_decrease_is_the_lemmas_closed_form() -> None:
    fx, g, L, eta = sp.symbols("fx g L eta", real=True)
    x0 = sp.Symbol("x0", real=True)
    q = lambda y: fx + g * (y - x0) + L / 2 * (y - x0) ** 2  # noqa: E731
    promise = sp.simplify(fx - q(x0 - eta * g))
    assert sp.simplify(promise - eta * (1 - L * eta / 2) * g**2) == 0
    # Zero at 0 and 2/L, positive between (for L > 0), largest at 1/L.
    Lp = sp.Symbol("L", positive=True)
    psi = eta * (1 - Lp * eta / 2)
    assert set(sp.solve(psi, eta)) == {0, 2 / Lp}
    assert sp.solve(sp.diff(psi, eta), eta) == [1 / Lp]
    assert smoothness.decrease_roots(4.0) == (0.0, 0.5)
    assert smoothness.best_rate(4.0) == 0.25
    rates = np.linspace(-0.2, 1.2, 57)
    for slope, Lv in [(5.19, 2.0), (-0.3, 7.5)]:
        expected = [float(promise.subs({eta: r, g: slope, L: Lv})) for r in rates]
        np.testing.assert_allclose(
            smoothness.guaranteed_decrease(rates, slope, Lv),
            expected,
            rtol=1e-13,
            atol=1e-14,
        )
        bound = smoothness.UpperBound(0.7, 1.1, slope, Lv)
        np.testing.assert_allclose(
            bound.at_step(rates), 1.1 - np.array(expected), rtol=1e-13, atol=1e-13
        )


@pytest.mark.parametrize(("formula", "window", "points"), CASES, ids=[c[0] for c in CASES])
def test_the_true_decrease_is_at_least_the_promise(formula, window, points) -> None:
    expr = sp.sympify(formula, locals={"x": X})
    f_ref = sp.lambdify(X, expr, "numpy")
    df_ref = sp.lambdify(X, sp.diff(expr, X), "numpy")
    f = resolve_objective(formula, dim=1)
    L = curvature.largest_refined(f, window)
    rates = np.linspace(0.0, 2.0 / L, 2001)[1:-1]
    for x in points:
        g = float(df_ref(x))
        landing = x - rates * g
        inside = (landing >= window[0]) & (landing <= window[1])  # where f'' ≤ L holds
        true = float(f_ref(x)) - np.broadcast_to(f_ref(landing), landing.shape)
        shown = smoothness.actual_decrease(f, x, rates)
        np.testing.assert_allclose(shown, true, rtol=1e-12, atol=1e-12)
        promise = rates * (1 - L * rates / 2) * g**2
        assert np.all(promise > 0)
        slack = 1e-12 * (1 + abs(float(f_ref(x))))
        assert np.all(true[inside] >= promise[inside] - slack), (formula, x)
