"""The catalogue's analytic derivatives against SymPy, PyTorch autograd and SciPy.

Every reference formula here is written out again from its textbook definition, so
a typo in ``mathcore.functions`` cannot be copied into its own check.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize
import sympy as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from mathcore import functions
from mathcore.calculus import central_difference

X, Y = sp.symbols("x y", real=True)

# name -> (factory kwargs, SymPy expression, torch expression), from the definitions.
REFERENCES = {
    "square": ({}, X**2, lambda x: x[0] ** 2),
    "bowl": ({}, X**2 + Y**2, lambda x: x[0] ** 2 + x[1] ** 2),
    "sincos": ({}, sp.sin(X) + sp.cos(Y), lambda x: torch.sin(x[0]) + torch.cos(x[1])),
    "rosenbrock": (
        {},
        (1 - X) ** 2 + 100 * (Y - X**2) ** 2,
        lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2,
    ),
    "quartic": ({}, X**4 - 3 * X**3 + 2, lambda x: x[0] ** 4 - 3 * x[0] ** 3 + 2),
    "beale": (
        {},
        (sp.Rational(3, 2) - X + X * Y) ** 2
        + (sp.Rational(9, 4) - X + X * Y**2) ** 2
        + (sp.Rational(21, 8) - X + X * Y**3) ** 2,
        lambda x: (
            (1.5 - x[0] + x[0] * x[1]) ** 2
            + (2.25 - x[0] + x[0] * x[1] ** 2) ** 2
            + (2.625 - x[0] + x[0] * x[1] ** 3) ** 2
        ),
    ),
    "himmelblau": (
        {},
        (X**2 + Y - 11) ** 2 + (X + Y**2 - 7) ** 2,
        lambda x: (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2,
    ),
}
# A non-default Rosenbrock, so a and b really reach the formulas.
A, B = 1.5, 7.0
REFERENCES["rosenbrock_a_b"] = (
    {"a": A, "b": B},
    (sp.Rational(3, 2) - X) ** 2 + 7 * (Y - X**2) ** 2,
    lambda x: (A - x[0]) ** 2 + B * (x[1] - x[0] ** 2) ** 2,
)


def make(name: str) -> functions.Objective:
    kwargs = REFERENCES[name][0]
    return functions.CATALOGUE[name.removesuffix("_a_b")](**kwargs)


def sample_points(objective: functions.Objective, n: int = 25) -> np.ndarray:
    rng = np.random.default_rng(7)
    lo, hi = np.array(objective.domain).T
    return rng.uniform(lo, hi, size=(n, objective.dim))


def test_catalogue_is_complete() -> None:
    expected = {"square", "bowl", "sincos", "rosenbrock", "quartic", "beale", "himmelblau"}
    assert set(functions.CATALOGUE) == expected
    assert {name.removesuffix("_a_b") for name in REFERENCES} == expected


@pytest.mark.parametrize("name", REFERENCES)
def test_value_gradient_hessian_against_sympy(name: str) -> None:
    objective = make(name)
    expr = REFERENCES[name][1]
    syms = [X, Y][: objective.dim]
    value = sp.lambdify(syms, expr, "numpy")
    grad = [sp.lambdify(syms, sp.diff(expr, s), "numpy") for s in syms]
    hess = [[sp.lambdify(syms, sp.diff(expr, s, t), "numpy") for t in syms] for s in syms]
    pts = sample_points(objective)
    cols = [pts[:, i] for i in range(objective.dim)]

    def full(v):
        return np.broadcast_to(v, cols[0].shape)

    np.testing.assert_allclose(objective.value(pts), full(value(*cols)), rtol=1e-13)
    want_grad = np.stack([full(g(*cols)) for g in grad], axis=-1)
    np.testing.assert_allclose(objective.gradient(pts), want_grad, rtol=1e-12, atol=1e-12)
    want_hess = np.stack(
        [np.stack([full(h(*cols)) for h in row], axis=-1) for row in hess], axis=-2
    )
    np.testing.assert_allclose(objective.hessian(pts), want_hess, rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("name", REFERENCES)
def test_gradient_and_hessian_against_torch_autograd(name: str) -> None:
    objective = make(name)
    f = REFERENCES[name][2]
    for p in sample_points(objective, n=8):
        x = torch.tensor(p, dtype=torch.float64, requires_grad=True)
        y = f(x)
        (g,) = torch.autograd.grad(y, x)
        h = torch.autograd.functional.hessian(f, x.detach())
        assert objective.value(p) == pytest.approx(y.item(), rel=1e-13, abs=1e-13)
        np.testing.assert_allclose(objective.gradient(p), g.numpy(), rtol=1e-12, atol=1e-11)
        np.testing.assert_allclose(objective.hessian(p), h.numpy(), rtol=1e-12, atol=1e-10)


def test_rosenbrock_against_scipy() -> None:
    objective = functions.rosenbrock()
    for p in sample_points(objective, n=20):
        assert objective.value(p) == pytest.approx(scipy.optimize.rosen(p), rel=1e-14)
        np.testing.assert_allclose(
            objective.gradient(p), scipy.optimize.rosen_der(p), 1e-13
        )
        np.testing.assert_allclose(
            objective.hessian(p), scipy.optimize.rosen_hess(p), 1e-13
        )


def test_gradients_are_vectorised_over_any_leading_shape() -> None:
    objective = functions.beale()
    pts = sample_points(objective, n=12).reshape(3, 4, 2)
    one_by_one = np.array([[objective.gradient(p) for p in row] for row in pts])
    np.testing.assert_array_equal(objective.gradient(pts), one_by_one)
    assert objective.hessian(pts).shape == (3, 4, 2, 2)


@pytest.mark.parametrize("name", functions.CATALOGUE)
def test_known_minima_are_minima(name: str) -> None:
    """Each listed minimum is a critical point with a positive definite Hessian,
    lies in the plotting domain, and SciPy's BFGS started nearby stays there."""
    objective = functions.CATALOGUE[name]()
    for m in objective.minima:
        np.testing.assert_allclose(objective.gradient(m), 0.0, atol=1e-9)
        assert np.all(np.linalg.eigvalsh(objective.hessian(m)) > 0)
        for (lo, hi), c in zip(objective.domain, m, strict=True):
            assert lo <= c <= hi
        found = scipy.optimize.minimize(
            objective.value, np.asarray(m) + 0.05, jac=objective.gradient, tol=1e-12
        )
        np.testing.assert_allclose(found.x, m, atol=1e-6)


def test_quartic_flat_point_is_not_a_minimum() -> None:
    # Exercise 2's trap: f'(0) = 0 but f decreases through 0 (an inflection point).
    q = functions.quartic()
    assert q.gradient([0.0])[0] == 0.0
    assert q.value([0.1]) < q.value([0.0]) < q.value([-0.1])
    expr = REFERENCES["quartic"][1]
    critical = sp.solve(sp.diff(expr, X), X)
    exact_minima = [c for c in critical if sp.diff(expr, X, 2).subs(X, c) > 0]
    assert sorted(critical) == [0, sp.Rational(9, 4)]
    assert q.minima == tuple((float(m),) for m in exact_minima)


def test_complex_input_gives_the_complex_step_derivative() -> None:
    objective = functions.sincos()
    p = np.array([0.3, -1.2])
    h = 1e-30
    for i in range(2):
        z = p.astype(complex)
        z[i] += 1j * h
        assert objective.value(z).imag / h == pytest.approx(objective.gradient(p)[i], 1e-15)


def test_wrong_dimension_is_refused_naming_the_argument() -> None:
    with pytest.raises(ValueError, match="points"):
        functions.bowl().gradient([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="points"):
        functions.square().value(2.0)
    with pytest.raises(ValueError, match="b > 0"):
        functions.rosenbrock(b=-1.0)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(functions.CATALOGUE)),
    u=st.floats(0.0, 1.0),
    v=st.floats(0.0, 1.0),
)
def test_gradient_matches_central_differences(name: str, u: float, v: float) -> None:
    objective = functions.CATALOGUE[name]()
    lo, hi = np.array(objective.domain).T
    p = lo + np.array([u, v][: objective.dim]) * (hi - lo)
    scale = 1.0 + np.abs(objective.gradient(p)).max() + abs(float(objective.value(p)))
    for i in range(objective.dim):

        def along(t, i=i):
            q = np.repeat(p[None, :], np.size(t), axis=0)
            q[:, i] += np.ravel(t)
            return objective.value(q).reshape(np.shape(t))

        numeric = central_difference(along, 0.0)
        assert abs(numeric - objective.gradient(p)[i]) <= 1e-6 * scale


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(-10, 10),
    b=st.floats(1e-3, 1e3),
    points=st.lists(
        st.tuples(st.floats(allow_nan=True), st.floats(allow_nan=True)), min_size=1
    ),
)
def test_rosenbrock_fused_evaluation_is_bit_for_bit_f_and_df(
    a: float, b: float, points: list[tuple[float, float]]
) -> None:
    objective = functions.rosenbrock(a, b)
    x, y = np.array(points).T.copy()
    f, g = np.empty_like(x), np.empty((2, len(x)))
    with np.errstate(all="ignore"):
        objective.f_df_into((x, y), f, g)
        expected_f, expected_g = objective.f(x, y), np.array(objective.df(x, y))
    np.testing.assert_array_equal(f, expected_f)  # NaN where NaN, same bits elsewhere
    np.testing.assert_array_equal(g, expected_g)


@pytest.mark.parametrize("name", sorted(functions.CATALOGUE))
def test_a_catalogue_formula_is_the_function_it_names(name: str) -> None:
    """The formula a narrator reads the function from is the function computed."""
    from mathcore.symbolic import parse_formula

    f = functions.CATALOGUE[name]()
    xs = (X, Y)[: f.dim]
    g = sp.lambdify(xs, parse_formula(f.formula), "numpy")
    points = np.random.default_rng(7).uniform(-2, 2, size=(50, f.dim))
    np.testing.assert_allclose(g(*points.T), f.value(points), rtol=1e-12, atol=1e-12)
