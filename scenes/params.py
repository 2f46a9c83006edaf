"""Parameters a scene refuses, and the function a scene's ``function`` names.

A scene's ``Params`` may define ``check()``: the lesson loader calls it before
anything renders, and it raises :class:`ParamError` naming the parameter at fault,
so the teacher reads one line ``file:line: params.KEY: why``.

Examples
--------
>>> objective("himmelblau", 2).name
'himmelblau'
>>> objective("x**2 + y", 1)
Traceback (most recent call last):
...
scenes.params.ParamError: 'x**2 + y' uses y; this scene needs one of x alone
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
from numpy.typing import ArrayLike

from mathcore.functions import Objective
from mathcore.landscape import UnshowableError, Window, check_window
from mathcore.symbolic import FormulaError, resolve_objective

MAX_STEPS = 100_000
"""The longest run a scene watches: longer ones are not shown step by step."""


class ParamError(ValueError):
    """A parameter a scene cannot use; ``key`` names it, the message says why."""

    def __init__(self, key: str, why: str) -> None:
        super().__init__(why)
        self.key = key


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
    scenes.params.ParamError: must be at most 100000, got 1000000000000
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
    scenes.params.ParamError: window: need finite lo < hi on every axis, got ((0, 1), ...
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
    scenes.params.ParamError: f falls to -0.5 along the runs: ... needs f ≥ 0
    """
    finite = [np.asarray(v, dtype=np.float64) for v in losses]
    lowest = min(float(np.min(v[np.isfinite(v)], initial=np.inf)) for v in finite)
    if lowest < 0:
        raise ParamError(
            "function",
            f"f falls to {lowest:.3g} along the runs: losses are drawn on a log scale, "
            "which needs f ≥ 0",
        )
