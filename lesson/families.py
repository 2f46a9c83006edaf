"""The families a ``[variants]`` table draws a parameter from, and their drawing.

A family is written as a TOML value (:func:`family`): ``{ between = [lo, hi], step
= s }`` (uniform, rounded to the step), ``{ one_of = [...] }``, ``{ subset_of =
[...], size = [m, n] }`` (keeps the list's order), ``{ template = "a*x**2", a =
FAMILY }`` (a formula with drawn coefficients), a list (a tuple, element by
element) or a plain value (the same in every variant). Each draws a plain TOML
value (:meth:`draw`) from a ``numpy.random.Generator``; :meth:`extremes` lists the
values the load checks against the field's declared type and range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_CHOICES = 1000
"""The most values a ``one_of`` or ``subset_of`` list may hold."""
SIGNIFICANT = 6
"""Digits a number drawn from a range without a step keeps."""


class FamilyError(ValueError):
    """A family written wrong; the message says why (the caller says where)."""


@dataclass(frozen=True)
class Fixed:
    """The same value in every variant."""

    value: Any

    def draw(self, rng: np.random.Generator) -> Any:
        return self.value

    def extremes(self) -> list[Any]:
        return [self.value]


@dataclass(frozen=True)
class Range:
    """Uniform in ``[low, high]``, on the grid ``low + k·step`` when ``step`` is
    given; whole numbers when ``whole``.

    >>> r = Range(0.05, 0.3, 0.05)
    >>> sorted({r.draw(np.random.default_rng([7, i])) for i in range(60)})
    [0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
    """

    low: float
    high: float
    step: float | None = None
    whole: bool = False

    def draw(self, rng: np.random.Generator) -> Any:
        if self.step is None:
            value = float(rng.uniform(self.low, self.high))
            value = float(f"{value:.{SIGNIFICANT}g}")
            value = min(max(value, self.low), self.high)  # rounding stays inside
        else:
            k = int(rng.integers(0, _count(self.low, self.high, self.step) + 1))
            value = round(self.low + k * self.step, 10)
        return round(value) if self.whole else float(value)

    def extremes(self) -> list[Any]:
        high = self.high
        if self.step is not None:  # the grid's last point
            high = round(self.low + _count(self.low, self.high, self.step) * self.step, 10)
        kind = int if self.whole else float
        return [kind(self.low), kind(high)]


def _count(low: float, high: float, step: float) -> int:
    """Steps of ``step`` from ``low`` that stay at most ``high``."""
    return math.floor((high - low) / step + 1e-9)


@dataclass(frozen=True)
class Choice:
    """One of ``values``, each as likely."""

    values: tuple[Any, ...]

    def draw(self, rng: np.random.Generator) -> Any:
        return self.values[int(rng.integers(0, len(self.values)))]

    def extremes(self) -> list[Any]:
        return list(self.values)


@dataclass(frozen=True)
class Subset:
    """``low`` to ``high`` of ``items``, in the list's order.

    >>> s = Subset(("GD", "Momentum", "Adam"), 2, 2)
    >>> s.draw(np.random.default_rng(1))
    ['GD', 'Momentum']
    """

    items: tuple[Any, ...]
    low: int
    high: int

    def draw(self, rng: np.random.Generator) -> Any:
        size = int(rng.integers(self.low, self.high + 1))
        picked = sorted(rng.choice(len(self.items), size=size, replace=False).tolist())
        return [self.items[k] for k in picked]

    def extremes(self) -> list[Any]:
        # every item, and the shortest and longest lists the family draws
        singles = [[item] * self.low for item in self.items] if self.low else []
        return [list(self.items[: self.low]), list(self.items[: self.high]), *singles]


@dataclass(frozen=True)
class Elements:
    """A list whose elements are drawn one by one, each from its own family."""

    parts: tuple[Any, ...]

    def draw(self, rng: np.random.Generator) -> Any:
        return [part.draw(rng) for part in self.parts]

    def extremes(self) -> list[Any]:
        ends = [part.extremes() for part in self.parts]
        return [[e[0] for e in ends], [e[-1] for e in ends]]


@dataclass(frozen=True)
class Template:
    """A formula whose coefficients are drawn: ``text`` with each name of
    ``coefficients`` replaced by its drawn number (:func:`substituted`)."""

    text: str
    coefficients: tuple[tuple[str, Any], ...]
    terms: Any = field(compare=False, repr=False)  # split_terms(text)

    def draw(self, rng: np.random.Generator) -> Any:
        return substituted(self.terms, {n: c.draw(rng) for n, c in self.coefficients})

    def extremes(self) -> list[Any]:
        ends = [(n, c.extremes()) for n, c in self.coefficients]
        return [substituted(self.terms, {n: e[k] for n, e in ends}) for k in (0, -1)]


def substituted(terms: Any, values: dict[str, float]) -> str:
    """The formula of ``terms`` (:func:`split_terms`) with each coefficient of ``values`` as
    a number, in the template's order, as text that reads well and parses back to
    the same function (a term that comes to 0 is left out).

    >>> t = split_terms("a*(x - p)**2 + b*y**2 - c*x", ("x", "y", "a", "p", "b", "c"))
    >>> substituted(t, {"a": 1.5, "p": -1.0, "b": 2, "c": -0.5})
    '1.5*(x + 1)**2 + 2*y**2 + 0.5*x'
    >>> substituted(t, {"a": 1, "p": 0.5, "b": 0, "c": 3})
    '(x - 0.5)**2 - 3*x'
    """
    import sympy as sp
    from sympy.printing.str import StrPrinter

    class Decimal(StrPrinter):  # 0.5 as 0.5, not 0.500000000000000
        def _print_Float(self, e: Any) -> str:
            return repr(float(e))

    def number(v: float) -> Any:
        return sp.Integer(int(v)) if float(v).is_integer() else sp.Float(repr(float(v)))

    text = ""
    for sign, term in terms:
        subs = {s: number(values[s.name]) for s in term.free_symbols if s.name in values}
        value = sign * term.subs(subs)
        if value == 0:
            continue
        said = Decimal().doprint(value)
        if text:
            said = f" - {said[1:]}" if said.startswith("-") else f" + {said}"
        text += said
    return text or "0"


def split_terms(text: str, variables: tuple[str, ...]) -> tuple[tuple[int, Any], ...]:
    """The terms ``text`` adds and subtracts at its top level, each with its sign,
    as SymPy expressions (the formula read by the safe parser, term by term).

    >>> split_terms("a*x**2 - (b - y)", ("x", "y", "a", "b"))
    ((1, a*x**2), (-1, b), (1, y))
    """
    import ast

    from mathcore.symbolic import parse_formula

    source = text.replace("^", "**").strip()
    found: list[tuple[int, Any]] = []

    def walk(node: ast.expr, sign: int) -> None:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            walk(node.left, sign)
            walk(node.right, sign if isinstance(node.op, ast.Add) else -sign)
        else:
            term = ast.get_source_segment(source, node)
            found.append((sign, parse_formula(term, variables)))

    walk(ast.parse(source, mode="eval").body, 1)
    return tuple(found)


def family(raw: Any, numbers_only: bool = False) -> Any:
    """The family ``raw`` writes; FamilyError saying why it is none.

    >>> family({"between": [1, 3]})
    Range(low=1, high=3, step=None, whole=False)
    >>> family({"one_of": []})
    Traceback (most recent call last):
    ...
    lesson.families.FamilyError: one_of: expected a non-empty list of values
    """
    if isinstance(raw, list):
        if numbers_only:
            raise FamilyError("a coefficient is a number or a family of numbers")
        return Elements(tuple(family(r) for r in raw))
    if not isinstance(raw, dict):
        if numbers_only and (isinstance(raw, bool) or not isinstance(raw, int | float)):
            raise FamilyError(f"a coefficient is a number, got {raw!r}")
        return Fixed(raw)
    kinds = [k for k in ("between", "one_of", "subset_of", "template") if k in raw]
    if len(kinds) != 1:
        raise FamilyError(
            "expected one of { between = [lo, hi] }, { one_of = [...] }, "
            '{ subset_of = [...] }, { template = "..." }, a list or a value'
        )
    if numbers_only and kinds[0] not in ("between", "one_of"):
        raise FamilyError("a coefficient is a number, a range or a list of numbers")
    return FAMILIES[kinds[0]](raw, numbers_only)


def _range(raw: dict, numbers_only: bool) -> Range:
    _only(raw, {"between", "step"})
    ends, step = raw["between"], raw.get("step")
    if not (isinstance(ends, list) and len(ends) == 2 and all(map(_number, ends))):
        raise FamilyError("between: expected two numbers [lo, hi]")
    low, high = ends
    if not math.isfinite(low) or not math.isfinite(high) or low > high:
        raise FamilyError(f"between: expected finite lo ≤ hi, got [{low}, {high}]")
    if step is not None and not (_number(step) and 0 < step < math.inf):
        raise FamilyError(f"step: expected a positive number, got {step!r}")
    return Range(low, high, step)


def _choice(raw: dict, numbers_only: bool) -> Choice:
    _only(raw, {"one_of"})
    values = _values(raw["one_of"], "one_of")
    if numbers_only and not all(map(_number, values)):
        raise FamilyError("one_of: a coefficient's choices are numbers")
    return Choice(tuple(values))


def _subset(raw: dict, numbers_only: bool) -> Subset:
    _only(raw, {"subset_of", "size"})
    items = _values(raw["subset_of"], "subset_of")
    size = raw.get("size", [1, len(items)])
    low, high = size if isinstance(size, list) and len(size) == 2 else (size, size)
    whole = all(isinstance(n, int) and not isinstance(n, bool) for n in (low, high))
    if not (whole and 0 <= low <= high <= len(items)):
        raise FamilyError(
            f"size: expected a count or [fewest, most] from 0 to {len(items)}, got {size!r}"
        )
    return Subset(tuple(items), low, high)


def _template(raw: dict, numbers_only: bool) -> Template:
    from mathcore.symbolic import FormulaError, parse_formula

    text = raw["template"]
    names = [n for n in raw if n != "template"]
    if not isinstance(text, str):
        raise FamilyError("template: expected a formula in quotes")
    bad = [n for n in names if n in ("x", "y") or not n.isidentifier()]
    if bad:
        raise FamilyError(f"template: {bad[0]!r} cannot name a coefficient")
    try:
        expr = parse_formula(text, ("x", "y", *names))
    except FormulaError as err:
        raise FamilyError(
            f"template: {err} (each name besides x and y is a coefficient given a value)"
        ) from None
    used = {s.name for s in expr.free_symbols}
    if unused := [n for n in names if n not in used]:
        raise FamilyError(f"template: the coefficient {unused[0]} is not in the formula")
    coefficients = []
    for name in names:
        try:
            coefficients.append((name, family(raw[name], numbers_only=True)))
        except FamilyError as err:
            raise FamilyError(f"{name}: {err}") from None
    return Template(text, tuple(coefficients), split_terms(text, ("x", "y", *names)))


FAMILIES = {
    "between": _range,
    "one_of": _choice,
    "subset_of": _subset,
    "template": _template,
}


def _only(raw: dict, keys: set[str]) -> None:
    if extra := sorted(set(raw) - keys):
        raise FamilyError(
            f"{extra[0]}: unknown key here (expected {', '.join(sorted(keys))})"
        )


def _values(values: Any, key: str) -> list[Any]:
    if not isinstance(values, list) or not 0 < len(values) <= MAX_CHOICES:
        raise FamilyError(f"{key}: expected a non-empty list of values")
    return values


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)
