r"""The multivariate chain rule as a vector–Jacobian product (Part 3, Layer 4).

For g: R² → R³ and f: R³ → R the notebook writes

    ∂(f∘g)/∂x_i = Σ_j ∂f/∂g_j · ∂g_j/∂x_i,   i.e.   ∇_x(f∘g) = J_gᵀ ∇_g f.

This module computes both sides at a point. :func:`jacobian` and :func:`gradient`
take SymPy's exact partial derivatives (their formulas for the screen, their values
evaluated at 30 digits and rounded once); :func:`chain_sum` adds the notebook's
terms J_ji · v_j for each input i. :func:`vjp` gets vᵀJ the way backpropagation
does, without ever forming J: one backward pass of :mod:`mathcore.graph` over the
scalar Σ_j v_j · g_j(x) with v held constant. :func:`backward_pass` runs the same
single pass over f∘g itself, which delivers v at the g nodes on its way back.
:func:`jacobian_by_backward` shows what forming J would cost instead: one backward
pass per output.

Formulas are read only by the safe parser :func:`mathcore.symbolic.parse_formula`
(g in x and y, f in g1, g2, g3), and :func:`to_value` turns a SymPy expression into
a graph of :class:`~mathcore.graph.Value` nodes. (``mathcore.graph`` stays scalar:
a vector is a tuple of Values, which is all one backward pass needs.)

Examples
--------
The scene's default: g(x, y) = (x·y, x + y, y²), f = g1·g2 + g3 at (2, 1).

>>> g = parse_map(("x*y", "x + y", "y**2"))
>>> f = parse_outer("g1*g2 + g3")
>>> J = jacobian(g, (2.0, 1.0))
>>> J.values, J.latex[2]
(((1.0, 2.0), (1.0, 1.0), (0.0, 2.0)), ('0', '2 y'))
>>> v = gradient(f, evaluate(g, (2.0, 1.0)))
>>> v.values
(3.0, 2.0, 1.0)
>>> [s.total for s in chain_sum(J, v)]
[5.0, 10.0]
>>> vjp(g, (2.0, 1.0), v.values)
(5.0, 10.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mathcore.graph import Value
from mathcore.symbolic import FormulaError, parse_formula

if TYPE_CHECKING:
    import sympy as sp

# SymPy is imported where it is used, as in mathcore.symbolic: loading a lesson
# imports this module, and most commands never need SymPy.

INPUTS = ("x", "y")
"""The names of g's inputs."""
OUTPUTS = ("g1", "g2", "g3")
"""The names of g's outputs, which are f's variables."""
DIGITS = 30
"""Decimal digits SymPy evaluates at, before a value is rounded to a float once."""


def parse_map(texts: Sequence[str], n: int = len(OUTPUTS)) -> tuple[sp.Expr, ...]:
    """The ``n`` components of g, each a formula in x and y.

    >>> parse_map(("x", "y"))
    Traceback (most recent call last):
    ...
    mathcore.symbolic.FormulaError: g needs 3 formulas, one per output, got 2
    """
    if isinstance(texts, str) or len(texts) != n:
        got = 1 if isinstance(texts, str) else len(texts)
        raise FormulaError(f"g needs {n} formulas, one per output, got {got}")
    return tuple(parse_formula(t, INPUTS) for t in texts)


def parse_outer(text: str) -> sp.Expr:
    """f as a formula in g1, g2, g3.

    >>> parse_outer("g1 + x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathcore.symbolic.FormulaError: unknown name 'x' (allowed: g1, g2, g3, pi, e)
    """
    return parse_formula(text, OUTPUTS)


def _symbols(names: Sequence[str]) -> list[sp.Symbol]:
    import sympy as sp

    # The parser makes real symbols: the same ones, or subs would not find them.
    return [sp.Symbol(n, real=True) for n in names]


def number(expr: sp.Expr, names: Sequence[str], at: Sequence[float]) -> float:
    """``expr`` at ``names`` = ``at``, exactly to 30 digits, then rounded to a float;
    FormulaError if that is not a finite real number (a pole, a log of a negative).

    >>> number(parse_formula("1/(x - 1)"), INPUTS, (1.0, 0.0))
    Traceback (most recent call last):
    ...
    mathcore.symbolic.FormulaError: 1/(x - 1) is not a finite real number at x = 1, y = 0
    """
    import sympy as sp

    # The point's floats as exact rationals: nothing is rounded before evalf.
    env = {s: sp.Rational(float(a)) for s, a in zip(_symbols(names), at, strict=True)}
    where = ", ".join(f"{n} = {float(a):g}" for n, a in zip(names, at, strict=True))
    value = expr.subs(env).evalf(DIGITS)
    bad = FormulaError(f"{expr} is not a finite real number at {where}")
    if not value.is_number or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise bad
    c = complex(value)
    if c.imag != 0 or not math.isfinite(c.real):
        raise bad
    return c.real


def evaluate(exprs: Sequence[sp.Expr], at: Sequence[float]) -> tuple[float, ...]:
    """g(x, y): each component at the point (x, y) = ``at``.

    >>> evaluate(parse_map(("x*y", "x + y", "y**2")), (2.0, 1.0))
    (2.0, 3.0, 1.0)
    """
    return tuple(number(e, INPUTS, at) for e in exprs)


@dataclass(frozen=True)
class Partials:
    """Partial derivatives as SymPy writes them, and their values at a point.

    ``latex`` and ``values`` have the shape of the derivative: a row of one per
    variable for a gradient, a tuple of such rows (one per output) for a Jacobian.
    """

    latex: tuple
    values: tuple


def _partials(expr: sp.Expr, names: Sequence[str], at: Sequence[float]) -> Partials:
    """∂expr/∂(each name) at ``at``; FormulaError where expr is not differentiable."""
    import sympy as sp

    _require_smooth(expr, names, at)
    number(expr, names, at)  # the value must be finite too, not just the slopes
    derivatives = [sp.diff(expr, s) for s in _symbols(names)]
    return Partials(
        tuple(sp.latex(d) for d in derivatives),
        tuple(number(d, names, at) for d in derivatives),
    )


def _require_smooth(expr: sp.Expr, names: Sequence[str], at: Sequence[float]) -> None:
    """FormulaError if ``expr`` takes |u| at u = 0: SymPy's slope there (sign 0 = 0)
    is a convention, not a derivative."""
    import sympy as sp

    for a in expr.atoms(sp.Abs):
        if number(a.args[0], names, at) == 0:
            raise FormulaError(f"{expr} is not differentiable where {a.args[0]} = 0")


def jacobian(g: Sequence[sp.Expr], at: Sequence[float]) -> Partials:
    """J_g at ``at``: row j holds ∂g_j/∂x and ∂g_j/∂y (formulas and values).

    >>> jacobian(parse_map(("sqrt(x)", "x", "y")), (0.0, 1.0))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathcore.symbolic.FormulaError: 1/(2*sqrt(x)) is not a finite real number at ...
    """
    rows = [_partials(e, INPUTS, at) for e in g]
    return Partials(tuple(r.latex for r in rows), tuple(r.values for r in rows))


def gradient(f: sp.Expr, at: Sequence[float]) -> Partials:
    """v = ∇_g f at the point g = ``at``: ∂f/∂g_j for each j.

    >>> gradient(parse_outer("g1*g2 + g3"), (2.0, 3.0, 1.0)).latex
    ('g_{2}', 'g_{1}', '1')
    """
    return _partials(f, OUTPUTS, at)


@dataclass(frozen=True)
class ChainSum:
    """∂(f∘g)/∂x_i as the notebook's sum: ``terms[j]`` = ∂f/∂g_j · ∂g_j/∂x_i."""

    wrt: str
    factors: tuple[tuple[float, float], ...]
    """(v_j, J_ji) for each j."""
    terms: tuple[float, ...]
    total: float


def chain_sum(J: Partials, v: Partials) -> tuple[ChainSum, ...]:
    """J_gᵀ v, one input at a time: Σ_j v_j · J_ji, every term kept.

    >>> s = chain_sum(Partials((), ((1.0, 2.0), (0.5, 0.0))), Partials((), (4.0, 2.0)))
    >>> s[1].terms, s[1].total
    ((8.0, 0.0), 8.0)
    """
    sums = []
    for i, name in enumerate(INPUTS):
        factors = tuple((vj, row[i]) for vj, row in zip(v.values, J.values, strict=True))
        terms = tuple(vj * jji for vj, jji in factors)
        sums.append(ChainSum(name, factors, terms, math.fsum(terms)))
    return tuple(sums)


# --------------------------------------------------------------- the backward pass


# The Value method computing each SymPy function (with its local derivative).
_FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "exp": Value.exp,
    "log": Value.log,
    "sin": Value.sin,
    "cos": Value.cos,
    "tan": Value.tan,
    "atan": Value.atan,
    "sinh": Value.sinh,
    "cosh": Value.cosh,
    "tanh": Value.tanh,
    "Abs": abs,
}


def to_value(expr: sp.Expr, leaves: Mapping[str, Value]) -> Value | float:
    """``expr`` computed on graph values: ``leaves`` maps each variable's name to
    its Value; a constant part stays a plain float. ValueError where an operation
    is undefined at the values (a log of a negative, a division by 0).

    >>> x = Value(2.0, "x")
    >>> y = to_value(parse_formula("x*sin(x) + 3"), {"x": x})
    >>> y.backward()
    >>> round(y.data, 12), round(x.grad, 12)  # sin 2 + 2 cos 2
    (4.818594853651, 0.077003753731)
    """
    import sympy as sp

    if expr.is_Symbol:
        return leaves[expr.name]
    if expr.is_number:
        return _float(expr)
    args = [to_value(a, leaves) for a in expr.args]
    if isinstance(expr, sp.Add):
        return _fold(args, lambda a, b: a + b)
    if isinstance(expr, sp.Mul):
        return _fold(args, lambda a, b: a * b)
    if isinstance(expr, sp.Pow):
        base, power = args
        return base**power
    name = type(expr).__name__
    if name in _FUNCTIONS and len(args) == 1 and isinstance(args[0], Value):
        return _FUNCTIONS[name](args[0])
    raise FormulaError(f"cannot backpropagate through {expr}")


def _float(expr: sp.Expr) -> float:
    c = complex(expr.evalf(DIGITS))
    if c.imag != 0 or not math.isfinite(c.real):
        raise ValueError(f"{expr} is not a finite real number")
    return c.real


def _fold(args: list[Value | float], op: Callable) -> Value | float:
    # SymPy puts the numeric coefficient first: 2*x*y is ((2·x)·y).
    out = args[0]
    for a in args[1:]:
        out = op(out, a)
    return out


def _named(v: Value | float, label: str) -> Value:
    """A node of its own for g_j (or f), so it can be labelled and hold its gradient
    even when the formula is a bare input or a constant."""
    if not isinstance(v, Value):
        out = Value(v, label)
        out.op = "const"
        return out
    return v.alias(label)


def _forward(g: Sequence[sp.Expr], at: Sequence[float]) -> tuple[list[Value], list[Value]]:
    """Input leaves x, y and the nodes g1, g2, g3 computed from them."""
    xs = [Value(a, n) for a, n in zip(at, INPUTS, strict=True)]
    leaves = dict(zip(INPUTS, xs, strict=True))
    gs = [_named(to_value(e, leaves), n) for e, n in zip(g, OUTPUTS, strict=True)]
    return xs, gs


def vjp(g: Sequence[sp.Expr], at: Sequence[float], v: Sequence[float]) -> tuple[float, ...]:
    """vᵀJ_g at ``at`` without forming J: one backward pass over Σ_j v_j · g_j(x)
    with v held constant (plain numbers, so no gradient flows into them).

    >>> vjp(parse_map(("x*y", "x", "y")), (3.0, 4.0), (1.0, 10.0, 100.0))
    (14.0, 103.0)
    """
    xs, gs = _forward(g, at)
    s = _fold([float(vj) * gj for vj, gj in zip(v, gs, strict=True)], lambda a, b: a + b)
    s.backward()
    return tuple(x.grad for x in xs)


@dataclass(frozen=True)
class BackwardPass:
    """One backward pass over f∘g: every value forward, every gradient back."""

    inputs: tuple[float, ...]
    outputs: tuple[float, ...]
    """g(x, y), the forward values of g1, g2, g3."""
    f: float
    upstream: tuple[float, ...]
    """∂f/∂g_j, reached at the g nodes on the way back: v."""
    grads: tuple[float, ...]
    """∂(f∘g)/∂x and ∂(f∘g)/∂y at the inputs: J_gᵀ v."""


def backward_pass(g: Sequence[sp.Expr], f: sp.Expr, at: Sequence[float]) -> BackwardPass:
    """f∘g on graph values, then ``backward()`` once from f.

    >>> bp = backward_pass(parse_map(("x*y", "x + y", "y**2")), parse_outer("g1*g2 + g3"),
    ...                    (2.0, 1.0))
    >>> bp.f, bp.upstream, bp.grads
    (7.0, (3.0, 2.0, 1.0), (5.0, 10.0))
    """
    xs, gs = _forward(g, at)
    out = _named(to_value(f, dict(zip(OUTPUTS, gs, strict=True))), "f")
    out.backward()
    return BackwardPass(
        tuple(x.data for x in xs),
        tuple(gj.data for gj in gs),
        out.data,
        tuple(gj.grad for gj in gs),
        tuple(x.grad for x in xs),
    )


def jacobian_by_backward(
    g: Sequence[sp.Expr], at: Sequence[float]
) -> tuple[tuple[float, ...], ...]:
    """J_g built the expensive way: one backward pass per output g_j gives row j,
    so forming J takes as many passes as g has outputs (a VJP takes one).

    >>> jacobian_by_backward(parse_map(("x*y", "x + y", "y**2")), (2.0, 1.0))
    ((1.0, 2.0), (1.0, 1.0), (0.0, 2.0))
    """
    xs, gs = _forward(g, at)
    rows = []
    for gj in gs:
        for x in xs:  # backward() only resets what g_j depends on
            x.grad = 0.0
        gj.backward()
        rows.append(tuple(x.grad for x in xs))
    return tuple(rows)
