"""Parameters a scene refuses, and the function a scene's ``function`` names.

A scene's ``Params`` is a frozen dataclass subclassing :class:`Params`; its
``check()`` (nothing to refuse, unless the scene says otherwise) is called by the
lesson loader before anything renders, and raises :class:`ParamError` naming the
parameter at fault, so the teacher reads one line ``file:line: params.KEY: why``.

Examples
--------
>>> objective("himmelblau", 2).name
'himmelblau'
>>> objective("x**2 + y", 1)
Traceback (most recent call last):
...
lesson.params.ParamError: 'x**2 + y' uses y; this scene needs one of x alone
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
from numpy.typing import ArrayLike

from mathcore.functions import Objective
from mathcore.landscape import UnshowableError
from mathcore.symbolic import (
    FormulaError,
    parse_constant,
    parse_formula,
    resolve_objective,
)
from mathcore.windows import Window, check_window

MAX_STEPS = 100_000
"""The longest run a scene watches: longer ones are not shown step by step."""


class ParamError(ValueError):
    """A parameter a scene cannot use; ``key`` names it, the message says why."""

    def __init__(self, key: str, why: str) -> None:
        super().__init__(why)
        self.key = key


class Params:
    """What a scene's parameters declare: a frozen dataclass whose defaults are the
    notebook's values subclasses this, and overrides :meth:`check` when some values
    are ones the scene cannot show.

    A field's own range is its type's (:class:`Between` and the like); ``check`` is
    for what takes code, such as one field against another:

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Run(Params):
    ...     steps: Steps = 50
    ...     shown: Steps = 10
    ...     def check(self) -> None:
    ...         within("shown", self.shown, 1, self.steps)
    >>> Run(50, 10).check()
    >>> Run(5, 10).check()
    Traceback (most recent call last):
    ...
    lesson.params.ParamError: must be at most 5, got 10
    """

    def check(self) -> None:
        """Raise :class:`ParamError` if the scene cannot show these values (the
        lesson loader calls it before anything renders); here, nothing to refuse."""


@functools.lru_cache(maxsize=64)
def objective(spec: str, dim: int) -> Objective:
    """The function ``spec`` names (catalogue name or formula) as a function of
    ``dim`` variables, or ParamError on ``function`` saying why not."""
    try:
        return resolve_objective(spec, dim=dim, check=False)
    except FormulaError as err:
        raise ParamError("function", str(err)) from None


def within(
    key: str, value: float, low: float, high: float, *, low_open: bool = False
) -> None:
    """ParamError on ``key`` unless ``low <= value <= high`` (``low < value`` when
    ``low_open``).

    >>> within("steps", 10**12, 0, 100_000)
    Traceback (most recent call last):
    ...
    lesson.params.ParamError: must be at most 100000, got 1000000000000
    """
    if value > high:
        raise ParamError(key, f"must be at most {high:g}, got {value!r}")
    if value < low or (low_open and value == low):
        bound = "more than" if low_open else "at least"
        raise ParamError(key, f"must be {bound} {low:g}, got {value!r}")


@contextmanager
def refused(key: str = "function") -> Iterator[None]:
    """A context in which a function the scene cannot show (UnshowableError) or a
    formula it cannot read becomes a ParamError on ``key``."""
    try:
        yield
    except (UnshowableError, FormulaError) as err:
        raise ParamError(key, str(err)) from None


def window(key: str, value: Window, dim: int) -> Window:
    """``value`` as a window of ``dim`` axes (floats), or ParamError on ``key``
    saying why not (an axis empty, reversed or infinite).

    >>> window("window", ((0, 1), (1, 0)), 2)
    Traceback (most recent call last):
    ...
    lesson.params.ParamError: window: need finite lo < hi on every axis, got ((0, 1), ...
    """
    try:
        return check_window(value, dim)
    except (ValueError, TypeError) as err:
        raise ParamError(key, str(err)) from None


def log_plottable(losses: Iterable[ArrayLike]) -> None:
    """Refuse, as ``function``, losses that go below 0: a scene that plots them on
    a log scale cannot show them.

    >>> log_plottable([[4.0, 1.0], [0.0]])
    >>> log_plottable([[1.0, -0.5]])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lesson.params.ParamError: f falls to -0.5 along the runs: ... needs f ≥ 0
    """
    finite = [np.asarray(v, dtype=np.float64) for v in losses]
    finite = [v[np.isfinite(v)] for v in finite]
    lowest = min(float(np.min(v, initial=np.inf)) for v in finite)
    if lowest < 0:
        raise ParamError(
            "function",
            f"f falls to {lowest:.3g} along the runs: losses are drawn on a log scale, "
            "which needs f ≥ 0",
        )
    if not any(np.any(v > 0) for v in finite):
        raise ParamError("x0", "f is 0 all along the runs: a log scale has nothing to show")


# --------------------------------------------------------------------------------------
# Ranges declared on a field's type: ``steps: Annotated[int, Between(1, MAX_STEPS)]``.
# The lesson loader checks every value a lesson file sets against them (for tuples,
# each element), so a mistake is one line with the file, line and key. A range of
# one field is declared here and nowhere else (`mathvid scenes` shows it); a
# Params' check() is for what takes code: a value against another field, or
# against what the function allows.


@dataclass(frozen=True)
class Between:
    """The closed range ``[low, high]`` (``(low, high]`` when ``low_open``)."""

    low: float
    high: float
    low_open: bool = False

    def check(self, key: str, value: Any) -> None:
        within(key, value, self.low, self.high, low_open=self.low_open)

    def __str__(self) -> str:
        return f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}]"


@dataclass(frozen=True)
class OneOf:
    """One of ``choices``."""

    choices: tuple[str, ...]

    def check(self, key: str, value: Any) -> None:
        if value not in self.choices:
            raise ParamError(key, f"choose among {', '.join(self.choices)}; got {value!r}")

    def __str__(self) -> str:
        return "one of " + ", ".join(self.choices)


@dataclass(frozen=True)
class Items:
    """A list of ``low`` to ``high`` items."""

    low: int
    high: int

    def check(self, key: str, value: Any) -> None:
        if not self.low <= len(value) <= self.high:
            many = f"{self.low}" if self.low == self.high else f"{self.low} to {self.high}"
            raise ParamError(key, f"needs {many} items, got {len(value)}")

    def __str__(self) -> str:
        return f"of {self.low} to {self.high} items"


@dataclass(frozen=True)
class Formula:
    """A catalogue name or a formula of ``dim`` variables, read and compiled once
    (:func:`objective` keeps it for the scene's own check)."""

    dim: int

    def check(self, key: str, value: Any) -> None:
        objective(value, self.dim)  # read once: the scene's own check reuses it

    def __str__(self) -> str:
        return f"a function of {' and '.join(('x', 'y')[: self.dim])}"


@dataclass(frozen=True)
class Region:
    """A window of ``dim`` axes inside ±1e6, or empty when ``empty`` (derived)."""

    dim: int
    empty: bool = False

    def check(self, key: str, value: Any) -> None:
        if self.empty and not value:
            return
        for lo, hi in window(key, value, self.dim):
            within(key, max(abs(lo), abs(hi)), 0.0, 1e6)

    def __str__(self) -> str:
        return f"[[lo, hi], …] × {self.dim}" + (" or [] (derived)" if self.empty else "")


@dataclass(frozen=True)
class ConstantFormula:
    """A number written as a formula without variables, such as ``"pi/4"``."""

    def check(self, key: str, value: Any) -> None:
        with refused(key):
            parse_constant(str(value))

    def __str__(self) -> str:
        return 'a number or a constant formula ("pi/4")'


@dataclass(frozen=True)
class Expression:
    """A formula in ``variables`` only (no catalogue name), as the safe parser reads it."""

    variables: tuple[str, ...]

    def check(self, key: str, value: Any) -> None:
        with refused(key):
            parse_formula(str(value), self.variables)

    def __str__(self) -> str:
        return f"a formula in {', '.join(self.variables)}"


def declared(key: str, value: Any, hint: Any) -> None:
    """ParamError on ``key`` unless ``value`` keeps the ranges ``hint`` declares
    (``Annotated`` metadata with a ``check``, inside tuples too).

    >>> declared("steps", (5, 0), tuple[Annotated[int, Between(1, 10)], ...])
    Traceback (most recent call last):
    ...
    lesson.params.ParamError: must be at least 1, got 0
    """
    if typing.get_origin(hint) is Annotated:
        declared(key, value, unannotated(hint))
        for rule in hint.__metadata__:
            rule.check(key, value)
    elif typing.get_origin(hint) is tuple and isinstance(value, tuple):
        args = typing.get_args(hint)
        rules = [args[0]] * len(value) if args[-1:] == (Ellipsis,) else args
        for item, rule in zip(value, rules, strict=False):
            declared(key, item, rule)


def unannotated(hint: Any) -> Any:
    """``hint`` without the ranges it declares (nested ``Annotated`` are one).

    >>> unannotated(Annotated[int, Between(1, 10)]), unannotated(float)
    (<class 'int'>, <class 'float'>)
    """
    return typing.get_args(hint)[0] if typing.get_origin(hint) is Annotated else hint


# The ranges most scenes share. A count of steps is bounded by what a scene can
# animate and memory holds; rates, tolerances, lengths and durations are positive.
Steps = Annotated[int, Between(1, MAX_STEPS)]
Rate = Annotated[float, Between(0.0, 1e3, low_open=True)]
Tolerance = Annotated[float, Between(0.0, 1.0, low_open=True)]
Seconds = Annotated[float, Between(0.0, 600.0, low_open=True)]
Samples = Annotated[int, Between(2, 1000)]
"""Grid points per side a function is sampled on."""
PathPoints = Annotated[int, Between(0, 5000)]
LevelCount = Annotated[int, Between(1, 60)]
Level = Annotated[float, Between(0.0, 1e300, low_open=True)]
Digits = Annotated[int, Between(0, 12)]
Coordinate = Annotated[float, Between(-1e6, 1e6)]
Point = tuple[Coordinate, Coordinate]
Length = Annotated[float, Between(0.0, 20.0, low_open=True)]
Degrees = Annotated[float, Between(-3600.0, 3600.0)]
Share = Annotated[float, Between(0.0, 0.99)]
"""A part of a whole, short of all of it (a timeline's weight on distance)."""
