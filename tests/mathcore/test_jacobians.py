"""Tests for mathcore.jacobians: J_g, v = ∇_g f, J_gᵀ v and the VJP, each against
PyTorch (float64) run on the same functions written again here in torch:
``torch.autograd.functional.jacobian`` for J, ``torch.func.grad`` for v and
``torch.func.vjp`` for vᵀJ; never against numbers copied from our own output."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
import torch

from mathcore import jacobians
from mathcore.symbolic import FormulaError

Tensor = torch.Tensor


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


# (g as three formulas, f as a formula, g in torch, f in torch, points)
CASES: list[tuple[tuple[str, str, str], str, Callable, Callable, list]] = [
    (
        ("x*y", "x + y", "y**2"),
        "g1*g2 + g3",
        lambda x, y: (x * y, x + y, y**2),
        lambda a, b, c: a * b + c,
        [(2.0, 1.0), (-1.5, 0.25), (0.0, 0.0)],
    ),
    (
        ("sin(x)*exp(y)", "x**2 - 3*y", "log(1 + x**2 + y**2)"),
        "g1*g2 + tanh(g3)",
        lambda x, y: (
            torch.sin(x) * torch.exp(y),
            x**2 - 3 * y,
            torch.log(1 + x**2 + y**2),
        ),
        lambda a, b, c: a * b + torch.tanh(c),
        [(0.5, -1.2), (2.0, 0.3)],
    ),
    (
        ("x/y", "sqrt(x**2 + y**2)", "atan(x - y)"),
        "exp(g1) - g2**3/g3 + cos(g1*g3)",
        lambda x, y: (x / y, torch.sqrt(x**2 + y**2), torch.atan(x - y)),
        lambda a, b, c: torch.exp(a) - b**3 / c + torch.cos(a * c),
        [(1.3, 0.7), (-2.0, 1.5)],
    ),
    (
        ("tan(x) + cosh(y)", "abs(x*y)", "sinh(x) - 2**y"),
        "g1^2*g3 + pi*g2",
        lambda x, y: (
            torch.tan(x) + torch.cosh(y),
            torch.abs(x * y),
            torch.sinh(x) - 2**y,
        ),
        lambda a, b, c: a**2 * c + math.pi * b,
        [(0.4, -0.9), (-1.1, 2.0)],
    ),
    (  # a bare input, a constant and a repeated input: g's nodes still stand alone
        ("x", "3", "y*y*y"),
        "g1*g2*g3 + g1",
        lambda x, y: (x, torch.full_like(x, 3.0), y * y * y),
        lambda a, b, c: a * b * c + a,
        [(1.5, -0.5)],
    ),
]
POINTS = [(case, point) for case in CASES for point in case[4]]
IDS = [f"{case[1]}@{point}" for case, point in POINTS]


def torch_refs(case, point):
    """g(x), J, v, J^T v and f(g(x)) by PyTorch alone."""
    _, _, g_t, f_t, _ = case
    x = torch.tensor(point, dtype=torch.float64)

    def g(xy: Tensor) -> Tensor:
        return torch.stack(g_t(xy[0], xy[1]))

    def f(gv: Tensor) -> Tensor:
        return f_t(gv[0], gv[1], gv[2])

    gx = g(x)
    J = torch.autograd.functional.jacobian(g, x)
    v = torch.func.grad(f)(gx)
    _, vjp_fn = torch.func.vjp(g, x)
    (vjp,) = vjp_fn(v)
    return gx.tolist(), J.tolist(), v.tolist(), (J.T @ v).tolist(), vjp.tolist(), f(gx)


@pytest.mark.parametrize(("case", "point"), POINTS, ids=IDS)
def test_jacobian_gradient_and_both_products_match_torch(case, point) -> None:
    texts, f_text, *_ = case
    g, f = jacobians.parse_map(texts), jacobians.parse_outer(f_text)
    gx_ref, J_ref, v_ref, jtv_ref, vjp_ref, f_ref = torch_refs(case, point)

    gx = jacobians.evaluate(g, point)
    assert all(close(a, b) for a, b in zip(gx, gx_ref, strict=True)), (gx, gx_ref)
    J_p = jacobians.jacobian(g, point)
    for row, ref in zip(J_p.values, J_ref, strict=True):
        assert all(close(a, b) for a, b in zip(row, ref, strict=True)), (J_p, J_ref)
    v_p = jacobians.gradient(f, gx)
    v = v_p.values
    assert all(close(a, b) for a, b in zip(v, v_ref, strict=True)), (v, v_ref)

    by_sum = [s.total for s in jacobians.chain_sum(J_p, v_p)]
    assert all(close(a, b) for a, b in zip(by_sum, jtv_ref, strict=True))
    # J^T v and v^T J are the same numbers, as torch's two routes confirm.
    assert all(close(a, b) for a, b in zip(jtv_ref, vjp_ref, strict=True))

    assert all(
        close(a, b) for a, b in zip(jacobians.vjp(g, point, v), vjp_ref, strict=True)
    )
    bp = jacobians.backward_pass(g, f, point)
    assert all(close(a, b) for a, b in zip(bp.grads, vjp_ref, strict=True))
    assert all(close(a, b) for a, b in zip(bp.upstream, v_ref, strict=True))
    assert all(close(a, b) for a, b in zip(bp.outputs, gx_ref, strict=True))
    assert close(bp.f, f_ref.item())


@pytest.mark.parametrize(("case", "point"), POINTS, ids=IDS)
def test_vjp_with_any_v_is_torch_func_vjp(case, point) -> None:
    """The VJP is a VJP for every v, not only for f's gradient."""
    g = jacobians.parse_map(case[0])
    _, _, g_t, _, _ = case
    x = torch.tensor(point, dtype=torch.float64)
    for v in ([1.0, 0.0, 0.0], [0.3, -2.0, 1.7], [-1e3, 5.0, 1e-3]):
        _, vjp_fn = torch.func.vjp(lambda xy: torch.stack(g_t(xy[0], xy[1])), x)
        (ref,) = vjp_fn(torch.tensor(v, dtype=torch.float64))
        ours = jacobians.vjp(g, point, v)
        assert all(
            math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
            for a, b in zip(ours, ref.tolist(), strict=True)
        ), (ours, ref)


@pytest.mark.parametrize(("case", "point"), POINTS, ids=IDS)
def test_jacobian_by_backward_passes_is_torchs_jacobian(case, point) -> None:
    g = jacobians.parse_map(case[0])
    _, _, g_t, _, _ = case
    J_ref = torch.autograd.functional.jacobian(
        lambda xy: torch.stack(g_t(xy[0], xy[1])),
        torch.tensor(point, dtype=torch.float64),
    ).tolist()
    rows = jacobians.jacobian_by_backward(g, point)
    assert len(rows) == 3  # one backward pass per output
    for row, ref in zip(rows, J_ref, strict=True):
        assert all(close(a, b) for a, b in zip(row, ref, strict=True)), (rows, J_ref)


def test_chain_sum_keeps_each_term_of_the_notebooks_formula() -> None:
    """(J^T v)_i = Σ_j v_j J_ji, term by term, for a J and v chosen by hand."""
    J = jacobians.Partials((), ((1.0, 2.0), (3.0, 4.0), (5.0, 6.0)))
    v = jacobians.Partials((), (1.0, 10.0, 100.0))
    sx, sy = jacobians.chain_sum(J, v)
    assert (sx.wrt, sx.terms, sx.total) == ("x", (1.0, 30.0, 500.0), 531.0)
    assert (sy.wrt, sy.terms, sy.total) == ("y", (2.0, 40.0, 600.0), 642.0)
    assert sx.factors == ((1.0, 1.0), (10.0, 3.0), (100.0, 5.0))


def test_entries_are_sympys_formulas() -> None:
    g = jacobians.parse_map(("x*y", "x + y", "y**2"))
    J = jacobians.jacobian(g, (2.0, 1.0))
    assert J.latex == (("y", "x"), ("1", "1"), ("0", "2 y"))
    assert jacobians.gradient(jacobians.parse_outer("g1*g2 + g3"), (2, 3, 1)).latex == (
        "g_{2}",
        "g_{1}",
        "1",
    )


@pytest.mark.parametrize(
    ("g", "point", "match"),
    [
        (("1/(x - 1)", "x", "y"), (1.0, 0.0), "not a finite real number"),  # a pole
        (("log(x)", "x", "y"), (-1.0, 2.0), "not a finite real number"),  # complex
        (("sqrt(x)", "x", "y"), (0.0, 2.0), "not a finite real number"),  # slope ∞
        (("abs(x - y)", "x", "y"), (1.0, 1.0), "not differentiable"),  # a kink
        (("sqrt(x**2)", "y", "x"), (0.0, 1.0), "not differentiable"),  # |x| to SymPy
    ],
)
def test_not_differentiable_at_the_point_is_refused(g, point, match) -> None:
    with pytest.raises(FormulaError, match=match):
        jacobians.jacobian(jacobians.parse_map(g), point)


def test_wrong_number_of_components_and_unknown_names_are_refused() -> None:
    with pytest.raises(FormulaError, match="needs 3 formulas"):
        jacobians.parse_map(("x", "y"))
    with pytest.raises(FormulaError, match="needs 3 formulas"):
        jacobians.parse_map("x*y")
    with pytest.raises(FormulaError, match="unknown name 'z'"):
        jacobians.parse_map(("x", "y", "z"))
    with pytest.raises(FormulaError, match="unknown name 'u'"):
        jacobians.parse_outer("u*v + w")
    with pytest.raises(FormulaError, match="unknown function"):
        jacobians.parse_outer("__import__('os')")
