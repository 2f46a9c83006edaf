"""Exact derivatives from SymPy: the notebook's table of common derivatives.

Examples
--------
>>> row = derivative_table(x=2.0)[0]
>>> row.name, row.derivative_latex, row.exact
('x^2', '2 x', 4.0)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from mathcore.calculus import central_difference

X = sp.Symbol("x", real=True)

COMMON = {
    "x^2": X**2,
    "x^3": X**3,
    r"\sin x": sp.sin(X),
    r"\cos x": sp.cos(X),
    "e^x": sp.exp(X),
    r"\ln x": sp.log(X),
}
"""The notebook's "common derivatives you should know", keyed by their LaTeX."""


@dataclass(frozen=True)
class DerivativeRow:
    """One row of the table: f, its exact derivative, and a numerical estimate at x."""

    name: str
    derivative_latex: str
    x: float
    numerical: float
    exact: float

    @property
    def error(self) -> float:
        """|numerical − exact|."""
        return abs(self.numerical - self.exact)


def lambdified(name: str) -> tuple[Callable, Callable]:
    """f and f' of a row of :data:`COMMON` as NumPy functions (f' exact, by SymPy).

    Examples
    --------
    >>> f, df = lambdified(r"\\sin x")
    >>> float(df(0.0))
    1.0
    """
    expr = COMMON[name]
    return sp.lambdify(X, expr, "numpy"), sp.lambdify(X, sp.diff(expr, X), "numpy")


def derivative_table(x: float = 2.0, h: float | None = 1e-7) -> list[DerivativeRow]:
    """The notebook's table at ``x``: central differences with step ``h`` against SymPy.

    ``h`` defaults to the notebook's 1e-7; ``None`` takes the error-minimising step
    (:func:`mathcore.calculus.optimal_step`).

    Examples
    --------
    >>> [round(r.numerical, 6) for r in derivative_table()][:3]
    [4.0, 12.0, -0.416147]
    """
    rows = []
    for name, expr in COMMON.items():
        f, _ = lambdified(name)
        derivative = sp.diff(expr, X)
        rows.append(
            DerivativeRow(
                name=name,
                derivative_latex=sp.latex(derivative),
                x=float(x),
                numerical=float(central_difference(f, x, h)),
                exact=float(derivative.subs(X, x).evalf(20)),
            )
        )
    return rows
