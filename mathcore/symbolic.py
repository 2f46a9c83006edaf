"""Exact derivatives from SymPy: the notebook's table, and teachers' own formulas.

Examples
--------
>>> row = derivative_table(x=2.0)[0]
>>> row.name, row.derivative_latex, row.exact
('x^2', '2 x', 4.0)
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from mathcore.calculus import central_difference
from mathcore.functions import CATALOGUE, Objective
from mathcore.landscape import UnshowableError, require_finite

if TYPE_CHECKING:
    import sympy as sp

# SymPy is imported where it is used: it takes a quarter of a second, and most
# commands (a preview, a render of a catalogue function) never need it.


@cache
def common() -> dict[str, sp.Expr]:
    """The notebook's "common derivatives you should know", keyed by their LaTeX.

    >>> list(common())[:2]
    ['x^2', 'x^3']
    """
    import sympy as sp

    x = sp.Symbol("x", real=True)
    return {
        "x^2": x**2,
        "x^3": x**3,
        r"\sin x": sp.sin(x),
        r"\cos x": sp.cos(x),
        "e^x": sp.exp(x),
        r"\ln x": sp.log(x),
    }


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
    """f and f' of a row of :func:`common` as NumPy functions (f' exact, by SymPy).

    Examples
    --------
    >>> f, df = lambdified(r"\\sin x")
    >>> float(df(0.0))
    1.0
    """
    import sympy as sp

    expr = common()[name]
    (x,) = expr.free_symbols
    return sp.lambdify(x, expr, "numpy"), sp.lambdify(x, sp.diff(expr, x), "numpy")


def derivative_table(x: float = 2.0, h: float | None = 1e-7) -> list[DerivativeRow]:
    """The notebook's table at ``x``: central differences with step ``h`` against SymPy.

    ``h`` defaults to the notebook's 1e-7; ``None`` takes the error-minimising step
    (:func:`mathcore.calculus.optimal_step`).

    Examples
    --------
    >>> [round(r.numerical, 6) for r in derivative_table()][:3]
    [4.0, 12.0, -0.416147]
    """
    import sympy as sp

    rows = []
    for name, expr in common().items():
        (symbol,) = expr.free_symbols
        f = sp.lambdify(symbol, expr, "numpy")
        derivative = sp.diff(expr, symbol)
        rows.append(
            DerivativeRow(
                name=name,
                derivative_latex=sp.latex(derivative),
                x=float(x),
                numerical=float(central_difference(f, x, h)),
                exact=float(derivative.subs(symbol, x).evalf(20)),
            )
        )
    return rows


class FormulaError(ValueError):
    """A formula that is not arithmetic in x and y; the message says what is wrong."""


@cache
def _vocabulary() -> tuple[dict[str, Callable], dict[str, Any]]:
    """The functions and the constants a formula may name, as SymPy's."""
    import sympy as sp

    functions = {
        "sin": sp.sin,
        "cos": sp.cos,
        "tan": sp.tan,
        "exp": sp.exp,
        "log": sp.log,
        "sqrt": sp.sqrt,
        "tanh": sp.tanh,
        "sinh": sp.sinh,
        "cosh": sp.cosh,
        "atan": sp.atan,
        "abs": sp.Abs,
    }
    return functions, {"pi": sp.pi, "e": sp.E}


_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
MAX_FORMULA_LENGTH = 500
MAX_DEPTH = 24
"""The deepest a formula may nest (``sqrt(1 + sqrt(1 + …))``): SymPy recurses on it."""
MAX_NODES = 300
"""The most operations, numbers and names a formula may hold."""
MAX_NUMBER = 1e300
"""The largest number a formula may hold, written or built (``(10**100)**3``)."""
MAX_WHOLE = 2**53
"""The largest whole number a formula may hold, written or computed from its
numbers (``10**20``, ``1e20``): the largest a float holds exactly. NumPy is given
a larger one as a Python integer it cannot compute with (``sin(10**100)``)."""


def parse_formula(text: str, variables: tuple[str, ...] = ("x", "y")) -> sp.Expr:
    """A SymPy expression from ``text``, which may hold only arithmetic (+ − × ÷ and
    ``**`` or ``^``), numbers, the usual functions, pi, e and the ``variables``.

    Nothing is evaluated: the text is parsed by :mod:`ast` and each node is checked
    against that short list before it becomes SymPy, so no attribute, import,
    subscript or unknown name can run.

    Examples
    --------
    >>> parse_formula("sin(x) * exp(-y**2)")
    exp(-y**2)*sin(x)
    >>> parse_formula("__import__('os')")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathcore.symbolic.FormulaError: unknown function '__import__' (allowed: abs, ...)
    """
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("the formula is empty")
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_FORMULA_LENGTH} characters")
    import sympy as sp

    try:
        tree = ast.parse(text.replace("^", "**").strip(), mode="eval")
    except SyntaxError as err:
        raise FormulaError(f"not a formula: {err.msg} in {text!r}") from None
    _require_small(tree)
    symbols = {name: sp.Symbol(name, real=True) for name in variables}
    try:
        expr = _to_sympy(tree.body, symbols)
    except (RecursionError, MemoryError):
        raise FormulaError("the formula is nested too deeply") from None
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise FormulaError(f"the formula is undefined everywhere: {text!r}")
    if any(abs(n) > MAX_NUMBER for n in expr.atoms(sp.Number)):
        raise FormulaError(f"the formula holds a number beyond {MAX_NUMBER:g}")
    return expr


def _require_small(tree: ast.AST) -> None:
    """FormulaError unless ``tree`` nests at most :data:`MAX_DEPTH` levels and holds
    at most :data:`MAX_NODES` nodes: the work of SymPy and of the checks after it
    grows with both (82 nested tanh took a minute)."""
    nodes, todo = 0, [(tree, 0)]
    while todo:
        node, depth = todo.pop()
        nodes += 1
        if depth > MAX_DEPTH:
            raise FormulaError(f"the formula nests more than {MAX_DEPTH} levels deep")
        if nodes > MAX_NODES:
            raise FormulaError(f"the formula has more than {MAX_NODES} parts")
        todo += [(child, depth + 1) for child in ast.iter_child_nodes(node)]


@dataclass(frozen=True)
class Constant:
    """A number a lesson wrote as a formula (``"pi/4"``): its value, and its LaTeX
    built by SymPy, so no TeX from the lesson file ever reaches LaTeX."""

    value: float
    latex: str


def parse_constant(text: str) -> Constant:
    r"""The constant ``text`` writes (numbers, pi, e and the usual functions).

    Examples
    --------
    >>> c = parse_constant("pi/4")
    >>> round(c.value, 12), c.latex
    (0.785398163397, '\\pi / 4')
    >>> parse_constant(r"\input{/etc/hostname}")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathcore.symbolic.FormulaError: not a formula: ...
    """
    import sympy as sp

    expr = parse_formula(text, variables=())
    value = complex(expr.evalf())
    if value.imag != 0 or not np.isfinite(value.real):
        raise FormulaError(f"{text!r} is not a finite real number")
    return Constant(value.real, sp.latex(expr, fold_short_frac=True))


def _to_sympy(node: ast.AST, symbols: dict[str, sp.Symbol]) -> sp.Expr:
    import sympy as sp

    functions, constants = _vocabulary()
    if isinstance(node, ast.Constant) and type(node.value) is int:
        # Not through float(): a whole number written with 400 digits overflows it.
        return _within_whole(sp.Integer(node.value))
    if isinstance(node, ast.Constant) and type(node.value) is float:
        if not math.isfinite(node.value):
            raise FormulaError(f"not a finite number: {node.value}")
        # The decimal as written, exactly: 0.1 is 1/10, not the nearest double.
        # (Fraction parses it; SymPy's own Rational(str) would go through sympify.)
        exact = Fraction(repr(node.value))
        return _within_whole(sp.Rational(exact.numerator, exact.denominator))
    if isinstance(node, ast.Name):
        if node.id in symbols:
            return symbols[node.id]
        if node.id in constants:
            return constants[node.id]
        allowed = ", ".join([*symbols, *constants])
        raise FormulaError(f"unknown name {node.id!r} (allowed: {allowed})")
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _to_sympy(node.left, symbols), _to_sympy(node.right, symbols)
        if isinstance(node.op, ast.Pow) and right.is_number:
            # Bound the work: SymPy would compute 99**99**99 exactly.
            big = left.is_number and left != 0 and abs(right) * sp.log(abs(left), 10) > 300
            if abs(right) > 100 or big:
                raise FormulaError("exponents are limited to ±100 and powers to 1e300")
        return _within_whole(_BINARY[type(node.op)](left, right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _within_whole(_UNARY[type(node.op)](_to_sympy(node.operand, symbols)))
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in functions:
            shown = name if name else ast.unparse(node.func)
            raise FormulaError(
                f"unknown function {shown!r} (allowed: {', '.join(sorted(functions))})"
            )
        if len(node.args) != 1 or node.keywords:
            raise FormulaError(f"{name}() takes exactly one argument")
        return _within_whole(functions[name](_to_sympy(node.args[0], symbols)))
    raise FormulaError(f"not allowed in a formula: {ast.unparse(node)!r}")


def _within_whole(value: sp.Expr) -> sp.Expr:
    """``value``, or FormulaError if it is a whole number beyond :data:`MAX_WHOLE`
    (checked as each number is written or computed, so ``(10**100)**3`` stops at
    ``10**100``; a coefficient SymPy derives, as in ``(3*x)**40``, is not one).

    >>> parse_formula("2**53 * x")
    9007199254740992*x
    >>> parse_formula("sin(10**100)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathcore.symbolic.FormulaError: the formula holds the whole number 1.00e+100, ...
    """
    import sympy as sp

    if value.is_Integer and abs(value) > MAX_WHOLE:
        raise FormulaError(
            f"the formula holds the whole number {str(sp.Float(value, 3)).lower()}, beyond "
            f"2**53 = {MAX_WHOLE}, the largest a float holds exactly"
        )
    return value


def objective_from_formula(
    text: str,
    domain: tuple[tuple[float, float], ...] | None = None,
    name: str = "formula",
    dim: int = 2,
    check: bool = True,
) -> Objective:
    """An :class:`~mathcore.functions.Objective` of x and y (or of x alone, ``dim=1``)
    with SymPy's exact gradient and Hessian.

    ``domain`` defaults to [−3, 3] on each axis. With ``check``, a formula whose
    value or gradient is not finite and real all over the domain (a pole, a log of
    a negative number) is refused (:func:`mathcore.landscape.require_finite`); a
    scene that shows another window checks that window itself.

    Examples
    --------
    >>> f = objective_from_formula("x^2 + 3*y")
    >>> f.gradient([1.0, 2.0]).tolist(), f.latex, f.gradient_latex
    ([2.0, 3.0], 'f(x, y) = x^{2} + 3 y', '(2 x,\\\\ 3)')
    >>> objective_from_formula("x^3", dim=1).gradient([2.0]).tolist()
    [12.0]
    """

    if dim not in (1, 2):
        raise ValueError(f"dim: 1 or 2, got {dim!r}")
    expr = parse_formula(text)
    try:
        objective = _compiled(expr, text, name, dim, domain)
    except FormulaError:
        raise
    except Exception as err:  # SymPy's and NumPy's own errors, as one line
        raise FormulaError(
            f"{text!r}: cannot be differentiated and compiled ({err})"
        ) from None
    if check:
        try:
            require_finite(objective, objective.domain)
        except UnshowableError as err:
            raise FormulaError(f"{text!r}: {err} {objective.domain}") from None
    return objective


def _compiled(
    expr: sp.Expr,
    text: str,
    name: str,
    dim: int,
    domain: tuple[tuple[float, float], ...] | None,
) -> Objective:
    """``expr`` as an Objective of ``dim`` variables, with SymPy's exact derivatives."""
    import sympy as sp

    xs = sp.symbols("x y", real=True)
    if dim == 1:
        if sp.Symbol("y", real=True) in expr.free_symbols:
            raise FormulaError(f"expected a function of x alone, got {text!r}")
        xs = xs[:1]
    grad = [sp.diff(expr, v) for v in xs]
    hess = [[sp.diff(g, v) for v in xs] for g in grad]

    def compile_(e: sp.Expr) -> Callable:
        # |x|'' is a Dirac delta at 0, which NumPy cannot print: 0 almost everywhere.
        return sp.lambdify(
            xs, _floats_for_numpy(e), [{"DiracDelta": _dirac_delta}, "numpy"]
        )

    f, df = compile_(expr), [compile_(g) for g in grad]
    d2f = [[compile_(h) for h in row] for row in hess]
    args = ", ".join(str(v) for v in xs)
    return Objective(
        name=name,
        latex=f"f({args}) = {sp.latex(expr)}",
        gradient_latex="(" + r",\ ".join(sp.latex(g) for g in grad) + ")",
        formula=text,
        dim=len(xs),
        f=f,
        df=lambda *c: tuple(g(*c) for g in df),
        d2f=lambda *c: tuple(tuple(h(*c) for h in row) for row in d2f),
        minima=(),
        domain=domain or ((-3.0, 3.0),) * len(xs),
    )


def _floats_for_numpy(e: sp.Expr) -> sp.Expr:
    """``e`` with its whole numbers beyond :data:`MAX_WHOLE` as floats: a formula
    holds none, but SymPy derives some (``(3*x)**40`` is ``3**40*x**40``), and NumPy
    given one as a Python integer fails (``np.sin(3**40)``, or a derivative that is
    that constant).

    >>> f = objective_from_formula("(2**40*x) * 2**40", dim=1)  # f' = 2**80
    >>> f.gradient([1.0]).tolist()
    [1.2089258196146292e+24]
    """
    import sympy as sp

    big = {n: sp.Float(n, 17) for n in e.atoms(sp.Integer) if abs(n) > MAX_WHOLE}
    return e.xreplace(big) if big else e


def _dirac_delta(x: Any, *_: Any) -> Any:
    return np.zeros_like(x, dtype=np.float64)


def resolve_objective(spec: str, dim: int | None = None, check: bool = True) -> Objective:
    """The objective a lesson names: a catalogue name, or else a formula.

    ``dim`` is the number of variables the scene needs: a formula is read as a
    function of that many (a 2-D scene may be given a formula without y), and a
    catalogue function or formula of another dimension is refused. Without
    ``dim``, a formula is of x alone when it has no y.

    Examples
    --------
    >>> resolve_objective("rosenbrock").name, resolve_objective("x^4 - x").dim
    ('rosenbrock', 1)
    >>> resolve_objective("x^2", dim=2).dim
    2
    >>> resolve_objective("square", dim=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathcore.symbolic.FormulaError: square is a function of x alone; this scene needs ...
    """
    if spec in CATALOGUE:
        objective = CATALOGUE[spec]()
        if dim is not None and objective.dim != dim:
            raise FormulaError(
                f"{spec} is {_arity(objective.dim)}; this scene needs {_one_of(dim)}"
            )
        return objective
    has_y = re.search(r"\by\b", spec) is not None
    if dim is None:
        dim = 2 if has_y else 1
    if dim == 1 and has_y:
        raise FormulaError(f"{spec!r} uses y; this scene needs {_one_of(1)}")
    return objective_from_formula(spec, dim=dim, check=check)


def _arity(dim: int) -> str:
    return "a function of x alone" if dim == 1 else "a function of x and y"


def _one_of(dim: int) -> str:
    return "one of x alone" if dim == 1 else "one of x and y"
