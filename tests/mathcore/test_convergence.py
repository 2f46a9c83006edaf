"""Linear convergence: μ, L, the rate bound and GD at multiples of 1/L, against
references written here.

- μ and L of a quadratic ½ xᵀAx against the closed-form eigenvalues of A; of a
  non-quadratic against SymPy's Hessian evaluated on the same grid (and its closed
  form: both ends fall on the window's edges);
- runs against the notebook's ``gradient_descent`` loop (``tests/notebook.py``) with
  the gradient A x written by hand, and against x_t = (I − A/L)^t x_0;
- the gap ½ x_tᵀ A x_t ≤ (1 − μ/L)^t ½ x_0ᵀ A x_0 at every step, for the lesson's
  condition numbers and for random ones, rotations and starts (Hypothesis).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mathcore import convergence, curvature
from mathcore.landscape import UnshowableError
from mathcore.symbolic import objective_from_formula
from tests import notebook

WINDOW = ((-5.0, 5.0), (-5.0, 5.0))
X, Y = sp.symbols("x y", real=True)


def quadratic(a: float, b: float, c: float) -> tuple[str, np.ndarray]:
    """½ xᵀAx with A = [[a, b], [b, c]], as a formula, and A."""
    return f"({a!r}*x^2 + 2*({b!r})*x*y + {c!r}*y^2)/2", np.array([[a, b], [b, c]])


def rotated(kappa: float, angle: float) -> tuple[str, np.ndarray]:
    """A quadratic of curvatures 1 and κ, its axes turned by ``angle``."""
    cos, sin = math.cos(angle), math.sin(angle)
    a = cos**2 + kappa * sin**2
    b = (1 - kappa) * cos * sin
    c = sin**2 + kappa * cos**2
    return quadratic(a, b, c)


def closed_eigenvalues(A: np.ndarray) -> tuple[float, float]:
    """λ = (a + c)/2 ∓ √(((a − c)/2)² + b²) of a symmetric 2 × 2 matrix."""
    (a, b), (_, c) = A
    r = math.hypot((a - c) / 2, b)
    return (a + c) / 2 - r, (a + c) / 2 + r


def notebook_points(A: np.ndarray, x0, lr: float, steps: int, tol: float = 1e-8):
    with np.errstate(all="ignore"):
        _, history = notebook.gradient_descent(
            lambda x: 0.5 * x @ A @ x, lambda x: A @ x, np.array(x0, float), lr, steps, tol
        )
    return np.array([h[0] for h in history]), np.array([h[1] for h in history])


# ---------------------------------------------------------------- μ and L


@pytest.mark.parametrize("kappa", [1.0, 10.0, 100.0])
def test_mu_and_l_of_the_lessons_quadratics(kappa: float) -> None:
    c = curvature.measure(objective_from_formula(f"(x^2 + {kappa!r}*y^2)/2"), WINDOW)
    assert (c.mu, c.L, c.kappa, c.lr, c.quadratic) == (1.0, kappa, kappa, 1 / kappa, True)
    assert c.rate == 1 - 1 / kappa


@pytest.mark.parametrize(("a", "b", "c"), [(3.0, 1.0, 2.0), (0.75, -0.25, 0.15), (5, 2, 1)])
def test_mu_and_l_of_a_tilted_quadratic_are_a_s_eigenvalues(a, b, c) -> None:
    formula, A = quadratic(a, b, c)
    got = curvature.measure(objective_from_formula(formula), WINDOW)
    mu, L = closed_eigenvalues(A)
    assert got.mu == pytest.approx(mu, rel=1e-12)
    assert got.L == pytest.approx(L, rel=1e-12)
    assert got.quadratic
    assert got.L == curvature.largest(objective_from_formula(formula), WINDOW)


def test_mu_and_l_of_a_non_quadratic_against_sympys_hessian() -> None:
    expr = X**2 + X * Y + Y**2 + sp.exp(X / 2)
    hessian = sp.lambdify((X, Y), sp.hessian(expr, (X, Y)), "numpy")
    axis = np.linspace(-5, 5, 41)  # the grid curvature.measure samples
    eig = np.array(
        [np.linalg.eigvalsh(np.array(hessian(x, y), float)) for x in axis for y in axis]
    )
    got = curvature.measure(objective_from_formula(str(expr)), WINDOW)
    assert got.mu == pytest.approx(eig[:, 0].min(), rel=1e-12)
    assert got.L == pytest.approx(eig[:, 1].max(), rel=1e-12)
    assert not got.quadratic
    # Closed form: H = [[2 + e^{x/2}/4, 1], [1, 2]]; both eigenvalues grow with x,
    # so μ sits at x = −5 and L at x = 5.
    for x, want in ((-5, got.mu), (5, got.L)):
        e = math.exp(x / 2) / 4
        lo, hi = closed_eigenvalues(np.array([[2 + e, 1.0], [1.0, 2.0]]))
        assert want == pytest.approx(lo if x < 0 else hi, rel=1e-12)


@pytest.mark.parametrize(
    ("formula", "why"),
    [
        ("x^2 - y^2", "not strongly convex"),  # a saddle
        ("x^4 + y^2", "smallest eigenvalue is 0"),  # flat at x = 0
        ("x + y", "smallest eigenvalue is 0"),  # no curvature at all
    ],
)
def test_a_function_not_strongly_convex_is_refused(formula: str, why: str) -> None:
    with pytest.raises(UnshowableError, match=why):
        convergence.linear_run(objective_from_formula(formula), [1.0, 1.0], WINDOW, 5)


def test_a_hessian_not_finite_is_refused() -> None:
    f = objective_from_formula("1/x + y^2", check=False)
    with pytest.raises(UnshowableError, match="not finite"):
        curvature.measure(f, WINDOW)
    with pytest.raises(UnshowableError, match="not finite"):
        convergence.linear_run(f, [1.0, 1.0], WINDOW, 5)


# ---------------------------------------------------------------- the bound


def test_rate_bound_and_contraction_closed_forms() -> None:
    t = np.arange(51)
    np.testing.assert_allclose(
        convergence.rate_bound(458.0, 1.0, 100.0, 50), 458 * 0.99**t, rtol=1e-13
    )
    assert convergence.rate_bound(12.5, 1.0, 1.0, 3).tolist() == [12.5, 0, 0, 0]
    assert convergence.contraction(1.9 / 100, 1.0, 100.0) == pytest.approx(0.981)
    assert convergence.contraction(2.05 / 100, 1.0, 100.0) == pytest.approx(1.05)


@pytest.mark.parametrize("kappa", [1.0, 10.0, 100.0])
def test_runs_at_one_over_l_are_the_notebook_loop_and_the_closed_form(kappa) -> None:
    formula, A = quadratic(1.0, 0.0, kappa)
    r = convergence.linear_run(objective_from_formula(formula), [4.0, 3.0], WINDOW, 50)
    points, losses = notebook_points(A, [4.0, 3.0], 1 / kappa, 50)
    np.testing.assert_allclose(r.trajectory.points, points, rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(r.trajectory.losses, losses, rtol=1e-13, atol=1e-300)
    M = np.eye(2) - A / kappa  # x_t = (I − A/L)^t x_0
    closed = np.array(
        [np.linalg.matrix_power(M, t) @ [4.0, 3.0] for t in range(len(points))]
    )
    np.testing.assert_allclose(r.trajectory.points, closed, rtol=1e-12, atol=1e-300)
    assert r.f_star == 0.0 and r.minimum == (0.0, 0.0) and r.left_at is None
    t = np.arange(len(points))
    gap0 = 0.5 * np.array([4.0, 3.0]) @ A @ [4.0, 3.0]
    np.testing.assert_allclose(r.bound, gap0 * (1 - 1 / kappa) ** t, rtol=1e-13)
    assert np.all(losses <= gap0 * (1 - 1 / kappa) ** t)  # the theorem, every step
    assert r.holds


def test_kappa_one_lands_on_the_minimum_in_one_step() -> None:
    r = convergence.linear_run(
        objective_from_formula("(x^2 + y^2)/2"), [4.0, 3.0], WINDOW, 50
    )
    assert r.trajectory.points.tolist() == [[4.0, 3.0], [0.0, 0.0]]
    assert r.trajectory.status == "converged"
    assert r.gaps.tolist() == r.bound.tolist() == [12.5, 0.0]


def test_past_two_over_l_the_steep_direction_grows() -> None:
    f = objective_from_formula("(x^2 + 100*y^2)/2")
    near = convergence.linear_run(f, [4.0, 3.0], WINDOW, 50, factor=1.9)
    past = convergence.linear_run(f, [4.0, 3.0], WINDOW, 50, factor=2.05)
    t = np.arange(51)
    # y_t = 3 (1 − 100 η)^t: −0.9 (zig-zag, shrinking) and −1.05 (zig-zag, growing).
    np.testing.assert_allclose(near.trajectory.points[:, 1], 3 * (-0.9) ** t, rtol=1e-12)
    np.testing.assert_allclose(past.trajectory.points[:, 1], 3 * (-1.05) ** t, rtol=1e-12)
    assert near.left_at is None and near.gaps[-1] < near.gaps[0]
    assert past.left_at == 11 == int(np.argmax(3 * 1.05**t > 5))
    assert near.contraction < 1 < past.contraction


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kappa=st.floats(1.0, 1000.0),
    angle=st.floats(0.0, math.pi),
    x0=st.tuples(st.floats(-4.0, 4.0), st.floats(-4.0, 4.0)),
    steps=st.integers(1, 200),
)
def test_the_gap_never_crosses_the_bound(kappa, angle, x0, steps) -> None:
    formula, A = rotated(kappa, angle)
    r = convergence.linear_run(objective_from_formula(formula), x0, WINDOW, steps, tol=0)
    mu, L = closed_eigenvalues(A)
    assert r.curvature.mu == pytest.approx(mu, rel=1e-9)
    assert r.curvature.L == pytest.approx(L, rel=1e-9)
    # The reference run, and its gap against the bound, all from A.
    M = np.eye(2) - A / L
    xs = [np.array(x0, float)]
    for _ in range(steps):
        xs.append(M @ xs[-1])
    gaps = np.array([0.5 * x @ A @ x for x in xs])
    bound = (1 - mu / L) ** np.arange(steps + 1) * gaps[0]
    slack = 1e-12 * (gaps[0] + 1e-300)
    assert np.all(gaps <= bound + slack)
    np.testing.assert_allclose(r.gaps, gaps, rtol=1e-8, atol=1e-12 * gaps[0])
    assert r.holds


def test_valley_levels_are_log_spaced_above_f_star() -> None:
    f = objective_from_formula("(x^2 + 100*y^2)/2 + 3")
    levels = convergence.valley_levels(f, WINDOW, 3.0, 4)
    top = (25 + 100 * 25) / 2  # f − f* at the corners
    np.testing.assert_allclose(levels - 3, top * np.logspace(-3, 0, 4), rtol=1e-12)
