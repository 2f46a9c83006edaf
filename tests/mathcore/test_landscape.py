"""mathcore.landscape against references written here or elsewhere: SymPy's roots,
SciPy's minimisers and root finders, the catalogue's known minima, dense sampling."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize as sopt

from mathcore import critical, curvature, landscape, windows
from mathcore.functions import CATALOGUE, Objective, quartic
from mathcore.symbolic import objective_from_formula

X = sp.Symbol("x", real=True)
WINDOWS = {
    "bowl": ((-3.0, 3.0), (-3.0, 3.0)),
    "sincos": ((-3.0, 3.0), (-3.5, 3.5)),
    "rosenbrock": ((-2.0, 2.0), (-1.0, 3.0)),
    "beale": ((-4.5, 4.5), (-4.5, 4.5)),
    "himmelblau": ((-5.0, 5.0), (-5.0, 5.0)),
}


def objective_1d(expr: sp.Expr, name: str) -> Objective:
    """A 1-D Objective whose derivatives SymPy takes (the test's own, not mathcore's)."""
    f, d1, d2 = (sp.lambdify(X, e, "numpy") for e in (expr, expr.diff(X), expr.diff(X, 2)))
    return Objective(
        name=name,
        latex=sp.latex(expr),
        dim=1,
        f=f,
        df=lambda x: (d1(x),),
        d2f=lambda x: ((d2(x),),),
        minima=(),
        domain=((-3.0, 3.0),),
    )


def sympy_stationary(expr: sp.Expr, lo: float, hi: float) -> list[tuple[float, str]]:
    """Real roots of f' in [lo, hi], classified by the first non-zero derivative."""
    out = []
    for r in sp.solveset(expr.diff(X), X, sp.Interval(lo, hi)):
        order, value = 2, expr.diff(X, 2).subs(X, r)
        while value == 0:
            order += 1
            value = expr.diff(X, order).subs(X, r)
        if order % 2:
            kind = "flat"
        else:
            kind = "minimum" if value > 0 else "maximum"
        out.append((float(r), kind))
    return sorted(out)


def scipy_minima(f: Objective, window, n: int = 12) -> list[np.ndarray]:
    """Local minima from SciPy's L-BFGS-B, bounded to the window, from an n × n grid
    of starts, merged; only those strictly inside the window (not stuck on an edge)."""
    found: list[np.ndarray] = []
    size = np.array([hi - lo for lo, hi in window])
    axes = [np.linspace(lo, hi, n) for lo, hi in window]
    for start in np.stack(np.meshgrid(*axes), -1).reshape(-1, 2):
        res = sopt.minimize(
            lambda p: float(f.value(p)),
            start,
            jac=lambda p: f.gradient(p),
            method="L-BFGS-B",
            bounds=window,
            options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 5000},
        )
        x = res.x
        edge = any(
            min(c - lo, hi - c) < 1e-6 * (hi - lo)
            for c, (lo, hi) in zip(x, window, strict=True)
        )
        if edge or np.linalg.norm(f.gradient(x)) > 1e-5:
            continue
        if all(np.linalg.norm((x - q) / size) > 1e-4 for q in found):
            found.append(x)
    return found


def scipy_roots(f: Objective, window, n: int = 14) -> list[np.ndarray]:
    """Roots of ∇f from MINPACK's hybrd (SciPy), from an n × n grid of starts."""
    found: list[np.ndarray] = []
    size = np.array([hi - lo for lo, hi in window])
    axes = [np.linspace(lo, hi, n) for lo, hi in window]
    for start in np.stack(np.meshgrid(*axes), -1).reshape(-1, 2):
        res = sopt.root(f.gradient, start, jac=f.hessian, method="hybr")
        if not res.success or not windows.inside(res.x, window):
            continue
        if np.linalg.norm(f.gradient(res.x)) > 1e-8:
            continue
        if all(np.linalg.norm((res.x - q) / size) > 1e-5 for q in found):
            found.append(res.x)
    return found


# ------------------------------------------------------------------ critical points


@pytest.mark.parametrize("name", sorted(WINDOWS))
def test_minima_include_the_catalogues_known_minima(name: str) -> None:
    f = CATALOGUE[name]()
    window = WINDOWS[name]
    found = [np.array(m.point) for m in critical.minima(f, window)]
    known = [np.array(m) for m in f.minima if windows.inside(m, window)]
    assert known, "each window holds at least one known minimum"
    for m in known:
        assert min(np.linalg.norm(m - q) for q in found) < 1e-7, (name, m)


@pytest.mark.parametrize("name", sorted(WINDOWS))
def test_minima_match_scipys_multistart_minimiser(name: str) -> None:
    f = CATALOGUE[name]()
    window = WINDOWS[name]
    ours = [np.array(m.point) for m in critical.minima(f, window)]
    theirs = scipy_minima(f, window)
    assert len(ours) == len(theirs), (ours, theirs)
    for q in theirs:
        assert min(np.linalg.norm(q - m) for m in ours) < 1e-4


@pytest.mark.parametrize(
    "formula", ["himmelblau", "sincos", "x**3 - 3*x + y**2", "x*y", "sin(x)*cos(y)"]
)
def test_every_critical_point_matches_minpacks_roots(formula: str) -> None:
    f = CATALOGUE[formula]() if formula in CATALOGUE else objective_from_formula(formula)
    window = ((-4.0, 4.0), (-4.0, 4.0))
    ours = critical.critical_points(f, window)
    theirs = scipy_roots(f, window)
    assert len(ours) == len(theirs)
    for q in theirs:
        assert min(np.linalg.norm(q - np.array(c.point)) for c in ours) < 1e-6
    for c in ours:  # the kind agrees with the Hessian's eigenvalues at SciPy's root
        eig = np.linalg.eigvalsh(f.hessian(np.array(c.point)))
        expected = "minimum" if eig.min() > 0 else "maximum" if eig.max() < 0 else "saddle"
        assert c.kind == expected


def test_himmelblau_has_four_minima_four_saddles_and_a_maximum() -> None:
    kinds = [
        c.kind
        for c in critical.critical_points(CATALOGUE["himmelblau"](), WINDOWS["himmelblau"])
    ]
    assert sorted(kinds) == ["maximum"] + ["minimum"] * 4 + ["saddle"] * 4


def test_critical_points_are_sorted_by_value_and_inside_the_window() -> None:
    f = CATALOGUE["himmelblau"]()
    window = ((0.0, 5.0), (0.0, 5.0))
    found = critical.critical_points(f, window)
    assert [c.point for c in found if c.kind == "minimum"] == [(3.0, 2.0)]
    assert all(windows.inside(c.point, window) for c in found)
    values = [c.value for c in found]
    assert values == sorted(values)


@pytest.mark.parametrize(
    ("expr", "interval"),
    [
        (X**4 - 3 * X**3 + 2, (-1.5, 4.0)),  # Exercise 2: flat 0, minimum 9/4
        (X**3 - 3 * X, (-3.0, 3.0)),  # maximum -1, minimum 1
        (X**3, (-2.0, 1.0)),  # flat 0 only
        (X**4, (-1.0, 2.0)),  # minimum 0 with f'' = 0 there too
        (sp.sin(X), (-4.0, 4.0)),  # -π/2 minimum, π/2 maximum
    ],
)
def test_stationary_points_against_sympy(expr: sp.Expr, interval) -> None:
    found = critical.stationary_points(objective_1d(expr, str(expr)), interval)
    expected = sympy_stationary(expr, *interval)
    assert [p.kind for p in found] == [k for _, k in expected]
    for p, (x, _) in zip(found, expected, strict=True):
        assert p.x == pytest.approx(x, abs=1e-9)
        assert p.value == pytest.approx(float(expr.subs(X, x)), abs=1e-12)
    as_2d = critical.critical_points(objective_1d(expr, str(expr)), (interval,))
    assert sorted(c.point[0] for c in as_2d) == pytest.approx([x for x, _ in expected])


def test_the_quartic_flat_point_keeps_falling_on_both_sides() -> None:
    flat, minimum = critical.stationary_points(quartic(), (-2.0, 4.5))
    assert (flat.kind, flat.slope_signs) == ("flat", (-1, -1))
    assert (minimum.kind, minimum.slope_signs) == ("minimum", (-1, 1))
    assert minimum.x == pytest.approx(9 / 4, abs=1e-12)
    assert minimum.value == pytest.approx(
        float((X**4 - 3 * X**3 + 2).subs(X, sp.Rational(9, 4)))
    )


# ------------------------------------------------------------------ windows and ticks


@given(st.floats(1e-6, 1e6), st.integers(2, 10))
def test_nice_step_is_one_two_or_five_and_gives_about_target_ticks(span, target) -> None:
    step = windows.nice_step(span, target)
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-12)
    assert round(mantissa, 9) in (1.0, 2.0, 5.0)
    count = span / step
    assert target / 2.5 - 1e-9 <= count <= target + 1e-6


def test_ticks_match_the_notebooks_axes() -> None:
    assert windows.ticks((-5.0, 5.0)) == (-4.0, -2.0, 0.0, 2.0, 4.0)
    assert windows.ticks((-6.0, 6.0), 3) == (-5.0, 0.0, 5.0)
    assert windows.ticks((0.0, 80.0), 5) == (0.0, 20.0, 40.0, 60.0, 80.0)


def test_ticks_in_pi_are_fractions_of_pi_worked_by_hand() -> None:
    pi = math.pi
    # [−3.8, 3.8] is 7.6/π ≈ 2.42 π wide; /6 ≈ 0.40 π, the nice step 0.5 π.
    assert windows.ticks((-3.8, 3.8), 6, pi=True) == (-pi, -pi / 2, 0.0, pi / 2, pi)
    # [0, 2π]: 2 π / 5 = 0.4 π, so steps of π/2.
    assert windows.ticks((0.0, 2 * pi), 5, pi=True) == (
        0.0,
        pi / 2,
        pi,
        3 * pi / 2,
        2 * pi,
    )
    # [−10π, 10π]: 20 π / 5 = 4 π, so steps of 5π.
    assert windows.ticks((-10 * pi, 10 * pi), 5, pi=True) == (
        -10 * pi,
        -5 * pi,
        0.0,
        5 * pi,
        10 * pi,
    )
    # [−π/4, π/4]: 0.1 π would be finer than π/2; π/2 it is, and only 0 falls in.
    assert windows.ticks((-pi / 4, pi / 4), 5, pi=True) == (0.0,)


def test_plot_ticks_are_in_pi_when_the_windows_ends_are_multiples_of_half_pi() -> None:
    pi = math.pi
    assert windows.half_pi_multiples([-pi, pi, 0.0, 3 * pi / 2])
    assert not windows.half_pi_multiples([-3.8, 3.8])
    assert not windows.half_pi_multiples([0.0, 3.0])
    in_pi = (-pi, -pi / 2, 0.0, pi / 2, pi)
    # The notebook's sin x + cos y: [−π, π]², ticks at multiples of π/2.
    assert windows.plot_ticks(((-pi, pi), (-pi, pi)), 6) == (in_pi, in_pi)
    # Its map shows [−3.8, 3.8]² around the arrows on [−π, π]²: still in π.
    around = ((-pi, pi), (-pi, pi))
    assert windows.plot_ticks(((-3.8, 3.8),) * 2, 6, about=around) == (in_pi, in_pi)
    # The same map on its own: whole numbers, 7.6 / 6 ≈ 1.27, so steps of 2.
    assert windows.plot_ticks(((-3.8, 3.8),), 6) == ((-2.0, 0.0, 2.0),)
    # The bowl's [−3, 3]²: 6 / 6 = 1, so every whole number.
    whole = (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)
    assert windows.plot_ticks(((-3.0, 3.0), (-3.0, 3.0)), 6) == (whole, whole)
    # One axis on π/2 multiples is not enough: both ends of every axis must be.
    assert windows.plot_ticks(((0.0, pi), (0.0, 3.0)), 6)[0] == (0.0, 1.0, 2.0, 3.0)


points_2d = st.lists(
    st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)), min_size=1, max_size=8
)


@settings(max_examples=200)
@given(points_2d, st.booleans(), st.floats(0.0, 0.5))
def test_frame_holds_its_points_with_margin_on_whole_steps(points, square, margin) -> None:
    window = windows.frame(points, margin=margin, square=square)
    p = np.array(points)
    span = np.maximum(p.max(0) - p.min(0), 1e-3 * (1 + np.abs(p.min(0))))
    for axis, (lo, hi) in enumerate(window):
        assert lo <= p[:, axis].min() - margin * span[axis] * (1 - 1e-9) + 1e-9
        assert hi >= p[:, axis].max() + margin * span[axis] * (1 - 1e-9) - 1e-9
    if square:
        sides = [hi - lo for lo, hi in window]
        assert sides[0] == pytest.approx(sides[1])


def test_frame_keeps_a_window_that_already_shows_everything() -> None:
    base = ((-5.0, 5.0), (-5.0, 5.0))
    assert windows.frame([[4.0, 3.0], [0.0, 0.0]], at_least=base) == base
    grown = windows.frame([[4.0, 3.0], [10.0, 10.0]], at_least=base, square=True)
    assert windows.inside([10.0, 10.0], grown) and grown[0][0] <= -5.0


# ------------------------------------------------------------------ sampling


@pytest.mark.parametrize("formula", ["1/(x - 0.1)", "tan(x)", "log(x)", "1/x"])
def test_poles_and_undefined_points_are_refused(formula: str) -> None:
    f = objective_from_formula(formula, dim=1, check=False)
    with pytest.raises(landscape.UnshowableError, match="in the window"):
        landscape.require_finite(f, ((-1.6, 1.6),))


@pytest.mark.parametrize("formula", ["sin(x)", "x**3 - 2*x", "exp(-x**2)", "abs(x)"])
def test_smooth_functions_pass_the_finiteness_check(formula: str) -> None:
    landscape.require_finite(objective_from_formula(formula, dim=1), ((-3.0, 3.0),))


def test_contour_levels_are_linear_on_the_bowl_and_log_on_rosenbrock() -> None:
    bowl = landscape.contour_levels(CATALOGUE["bowl"](), ((-5, 5), (-5, 5)), 15, 61)
    assert bowl.spacing == "linear"
    np.testing.assert_allclose(np.diff(bowl.values), 50 / 16)
    ros = landscape.contour_levels(CATALOGUE["rosenbrock"](), WINDOWS["rosenbrock"], 20)
    assert ros.spacing == "log"
    ratios = np.diff(np.log(ros.values))  # f's minimum over the grid is 0
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)
    assert 0 < ros.values[0] < 1 and ros.values[-1] < 4000


@pytest.mark.parametrize(
    ("name", "window"),
    [("rosenbrock", WINDOWS["rosenbrock"]), ("himmelblau", WINDOWS["himmelblau"])],
)
def test_largest_curvature_is_the_hessians_largest_eigenvalue(name, window) -> None:
    # SymPy's Hessian (not the catalogue's) on a finer grid: L from the coarse grid
    # is at most the true maximum and within a few per cent of it.
    x, y = sp.symbols("x y", real=True)
    exprs = {
        "rosenbrock": (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        "himmelblau": (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    }
    hess = sp.lambdify((x, y), sp.hessian(exprs[name], (x, y)), "numpy")
    axes = [np.linspace(lo, hi, 201) for lo, hi in window]
    worst = max(
        np.linalg.eigvalsh(np.array(hess(a, b), dtype=float))[-1]
        for a in axes[0]
        for b in axes[1]
    )
    bound = curvature.largest(CATALOGUE[name](), window)
    assert bound <= worst * (1 + 1e-12)
    assert bound >= 0.97 * worst


def test_height_range_holds_the_surface() -> None:
    low, high = landscape.height_range(CATALOGUE["sincos"](), ((-3, 3), (-3, 3)))
    assert (low, high) == (-2.0, 2.0)


@pytest.mark.parametrize(
    ("formula", "why"),
    [("0*x + 0*y + 1", "constant"), ("exp(-1000*(x**2 + y**2))", "spike")],
)
def test_surfaces_too_flat_or_too_steep_are_refused(formula: str, why: str) -> None:
    f = objective_from_formula(formula)
    with pytest.raises(landscape.UnshowableError, match=why):
        landscape.require_relief(f, ((-3.0, 3.0), (-3.0, 3.0)))


@pytest.mark.parametrize(
    ("text", "where"),
    [("1/(x - 0.3) + y**2", (0.3, None)), ("y + 1/(y + 1.1)", (None, -1.1))],
)
def test_a_pole_between_grid_points_of_a_2d_window_is_found(text: str, where) -> None:
    # Neither pole lies on the 81 × 81 grid of [−π, π]², so f is finite at every
    # point sampled: only the jump between neighbours along x (or y) shows it.
    f = objective_from_formula(text, check=False)
    grid = np.linspace(-math.pi, math.pi, 81)
    assert not np.isin([0.3, -1.1], grid).any()
    with pytest.raises(landscape.UnshowableError, match="pole or a jump") as err:
        landscape.require_finite(f, ((-math.pi, math.pi),) * 2)
    x, y = where
    shown = str(err.value)
    assert (x is None or "x = 0.3" in shown) and (y is None or "y = -1.1" in shown)
    landscape.require_finite(objective_from_formula("x**2 + exp(y)"), ((-3, 3),) * 2)


def test_a_kink_is_finite_and_its_hessian_is_zero_off_the_kink() -> None:
    # SymPy's second derivative of |x| is a Dirac delta, which NumPy cannot print.
    f = objective_from_formula("abs(x) + y**2")
    np.testing.assert_array_equal(f.hessian([[0.5, 1.0]]), [[[0.0, 0.0], [0.0, 2.0]]])
