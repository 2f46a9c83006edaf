"""What VectorJacobian (:mod:`scenes.jacobian`) takes and settles before it draws: its
parameters (the maps g and f, the point), and from :mod:`mathcore.jacobians` g's
Jacobian, f's gradient, the sum over j and one backward pass at the point, or one
ParamError naming the parameter to change; and the numbers as its captions write
them.

Nothing here draws: every number comes from ``mathcore``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from lesson import params
from mathcore import jacobians
from mathcore.jacobians import INPUTS, OUTPUTS, BackwardPass, ChainSum, Partials
from scenes.kit import numbers


@dataclass(frozen=True)
class VectorJacobianParams(params.Params):
    """g(x, y) = (x·y, x + y, y²), then f = g1·g2 + g3, at (x, y) = (2, 1)."""

    g: Annotated[
        tuple[Annotated[str, params.Expression(INPUTS)], ...], params.Items(3, 3)
    ] = ("x*y", "x + y", "y**2")
    """The inner map g: R² → R³, three formulas in x and y (g1, g2, g3)."""
    f: Annotated[str, params.Expression(OUTPUTS)] = "g1*g2 + g3"
    """The outer function f: R³ → R, a formula in g1, g2 and g3."""
    x0: params.Point = (2.0, 1.0)
    """The point (x, y) at which everything is differentiated."""
    digits: params.Digits = 3
    """Decimals shown for the values and derivatives."""
    entry_seconds: params.Seconds = 0.9
    """Seconds each entry of the Jacobian takes to light up."""
    term_seconds: params.Seconds = 0.6
    """Seconds each term of the sum over j takes to appear."""
    pass_seconds: params.Seconds = 1.2
    """Seconds each hop of the backward pass takes (f to g, g to x and y)."""

    def check(self) -> None:
        """Refuse formulas that are not finite or not differentiable at the point."""
        plan(self)


@dataclass(frozen=True)
class Plan:
    """What VectorJacobian shows, from :mod:`mathcore.jacobians`."""

    g_latex: tuple[str, ...]
    f_latex: str
    gx: tuple[float, ...]
    fx: float
    J: Partials
    v: Partials
    sums: tuple[ChainSum, ...]
    backward: BackwardPass
    vjp: tuple[float, ...]
    """vᵀJ by a backward pass over Σ_j v_j·g_j with v held constant."""


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def plan(p: VectorJacobianParams) -> Plan:
    """Everything the scene shows at ``p.x0``; ParamError (on ``g`` or ``f``) for a
    formula that cannot be read, or is not finite or differentiable there."""
    import sympy as sp

    with params.refused("g"):
        g = jacobians.parse_map(p.g)
        gx = jacobians.evaluate(g, p.x0)
        J = jacobians.jacobian(g, p.x0)
    with params.refused("f"):
        f = jacobians.parse_outer(p.f)
        v = jacobians.gradient(f, gx)
        composed = f.subs(dict(zip(sp.symbols(OUTPUTS, real=True), g, strict=True)))
        fx = jacobians.number(composed, INPUTS, p.x0)
    try:
        vjp = jacobians.vjp(g, p.x0, v.values)
    except (ValueError, ArithmeticError) as err:  # an operation the graph cannot take
        raise params.ParamError("g", str(err)) from None
    try:
        backward = jacobians.backward_pass(g, f, p.x0)
    except (ValueError, ArithmeticError) as err:
        raise params.ParamError("f", str(err)) from None
    return Plan(
        tuple(sp.latex(e) for e in g),
        sp.latex(f),
        gx,
        fx,
        J,
        v,
        jacobians.chain_sum(J, v),
        backward,
        vjp,
    )


def term_text(s: ChainSum, j: int, d: int) -> str:
    """Term j of a sum over j for a caption: v_j·J_ji, "2·1"."""
    vj, jji = s.factors[j]
    return f"{numbers.fmt(vj, d)}·{numbers.fmt(jji, d)}"


def plain(v: Sequence[float], d: int) -> str:
    """A tuple of numbers for a caption: (2, 3, 1)."""
    return "(" + ", ".join(numbers.fmt(c, d) for c in v) + ")"
