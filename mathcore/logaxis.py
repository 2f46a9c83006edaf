"""Losses on a log axis: whole decades, with room for losses of exactly 0.

A run's loss falls through many decades, and often lands on exactly 0, which a
log axis cannot show. :func:`log_scale` picks the axis (whole decades, a tick
step, a floor below every positive value), :func:`log_curve` puts exact zeros on
that floor, and :func:`loss_curve` samples a long loss history for a growing plot.

Examples
--------
>>> s = log_scale([[25.0, 0.0]])
>>> c = log_curve([25.0, 0.0], s.floor)
>>> s.low_exp, s.high_exp, c.first_zero, c.values.tolist()
(0, 2, 1, [25.0, 1.0])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.runs import PathSample, even_arc_indices

Array = NDArray[np.float64]

__all__ = ["LogCurve", "LogScale", "log_curve", "log_scale", "loss_curve"]


@dataclass(frozen=True)
class LogScale:
    """A log axis: decades ``low_exp`` … ``high_exp`` with a tick every ``step``.

    ``floor`` = 10**low_exp is where values of exactly 0 are drawn: below every
    positive value shown, so a loss of 0 reads as "off the bottom", not as small.
    """

    low_exp: int
    high_exp: int
    step: int

    @property
    def floor(self) -> float:
        """The bottom of the axis, 10**low_exp."""
        return 10.0**self.low_exp

    @property
    def ticks(self) -> list[int]:
        """The exponents that get a tick, low to high."""
        return list(range(self.low_exp, self.high_exp + 1, self.step))


_TICK_STEPS = (1, 2, 5, 10, 20, 50, 100)


def log_scale(
    curves: Sequence[ArrayLike],
    margin: int = 1,
    max_ticks: int = 8,
    step: int | None = None,
) -> LogScale:
    """A log axis for ``curves`` (non-negative values), with room for exact zeros.

    The floor sits at least ``margin`` decades below the smallest positive value.
    Without ``step``, both ends are multiples of the tick step, the smallest of
    1, 2, 5, 10, … giving at most ``max_ticks`` ticks; with it, ticks come every
    ``step`` decades down from the top decade.

    Examples
    --------
    >>> s = log_scale([[25.0, 1e-3, 0.0], [5e9]])
    >>> s.low_exp, s.high_exp, s.step, s.ticks
    (-4, 10, 2, [-4, -2, 0, 2, 4, 6, 8, 10])
    >>> s = log_scale([[44.0, 1.1e-16]], margin=0, step=3)
    >>> s.low_exp, s.high_exp
    (-16, 2)
    """
    values = np.concatenate([np.ravel(np.asarray(c, dtype=np.float64)) for c in curves])
    if values.size == 0 or not np.isfinite(values).all() or (values < 0).any():
        raise ValueError("curves: need finite values >= 0")
    positive = values[values > 0]
    if positive.size == 0:
        raise ValueError("curves: need at least one positive value")
    low = math.floor(math.log10(positive.min())) - int(margin)
    high = math.ceil(math.log10(positive.max()))
    high = max(high, low + 1)
    if step is not None:
        if step < 1:
            raise ValueError(f"step: need at least 1, got {step!r}")
        return LogScale(
            low_exp=high - step * math.ceil((high - low) / step), high_exp=high, step=step
        )
    for step in _TICK_STEPS:
        lo, hi = math.floor(low / step) * step, math.ceil(high / step) * step
        if (hi - lo) // step + 1 <= max_ticks:
            return LogScale(low_exp=lo, high_exp=hi, step=step)
    raise ValueError(f"curves: {high - low} decades are too many for {max_ticks} ticks")


@dataclass(frozen=True)
class LogCurve:
    """A loss curve ready for a log axis.

    Attributes
    ----------
    steps : int array
        0, 1, …, n.
    values : array
        The losses, with exact zeros raised to the axis floor.
    first_zero : int or None
        The first step whose loss is exactly 0 (drawn at the floor), if any.
    """

    steps: NDArray[np.int64]
    values: Array
    first_zero: int | None

    @property
    def exponents(self) -> Array:
        """log10 of ``values``: heights on a log axis drawn with a linear scale."""
        return np.log10(self.values)

    @property
    def points(self) -> Array:
        """Rows (step, log10 value): the curve as a path on such an axis."""
        return np.column_stack([self.steps.astype(np.float64), self.exponents])


def log_curve(losses: ArrayLike, floor: float) -> LogCurve:
    """``losses`` with exact zeros put on the floor of a log axis.

    Positive losses below the floor are an error: the axis would lie about them.

    Examples
    --------
    >>> c = log_curve([25.0, 0.0], floor=1e-20)
    >>> c.steps.tolist(), c.values.tolist(), c.first_zero
    ([0, 1], [25.0, 1e-20], 1)
    >>> c.points.round(6).tolist()
    [[0.0, 1.39794], [1.0, -20.0]]
    """
    v = np.asarray(losses, dtype=np.float64)
    if v.ndim != 1 or v.size == 0 or not np.isfinite(v).all() or (v < 0).any():
        raise ValueError("losses: need a 1-D array of finite values >= 0")
    if not floor > 0:
        raise ValueError(f"floor: must be > 0, got {floor!r}")
    if ((v > 0) & (v < floor)).any():
        raise ValueError(f"floor: {floor:g} is above a positive loss ({v[v > 0].min():g})")
    zeros = np.flatnonzero(v == 0)
    return LogCurve(
        steps=np.arange(len(v)),
        values=np.where(v == 0, floor, v),
        first_zero=int(zeros[0]) if zeros.size else None,
    )


def loss_curve(losses: ArrayLike, n: int = 400, floor: float = 1e-300) -> PathSample:
    """A loss history as a path (step, loss), keeping ~``n`` points evenly along the plot.

    The plot is step (linear) against log10(loss), both scaled to [0, 1]: evenly
    spaced by arc length there, the steep early drop gets as many points as the
    long flat tail. Losses below ``floor`` (a loss of exactly 0) are raised to it,
    since a log axis has no 0. ``corners(t)`` is then the curve drawn up to step t.

    Examples
    --------
    >>> c = loss_curve(2.0 ** -np.arange(11.0), n=3)  # a straight line on a log axis
    >>> c.indices.tolist(), c.points[c.indices].tolist()
    ([0, 5, 10], [[0.0, 1.0], [5.0, 0.03125], [10.0, 0.0009765625]])
    """
    y = np.asarray(losses, dtype=np.float64)
    if y.ndim != 1 or len(y) < 2 or not np.isfinite(y).all() or (y < 0).any():
        raise ValueError("losses: need at least 2 finite, non-negative values")
    if not floor > 0:
        raise ValueError(f"floor: must be > 0, got {floor!r}")
    y = np.maximum(y, floor)
    logs = np.log10(y)
    span = np.ptp(logs)
    steps = np.arange(len(y), dtype=np.float64)
    plotted = np.column_stack([steps / steps[-1], (logs - logs.min()) / (span or 1.0)])
    indices = even_arc_indices(plotted, n)
    indices.flags.writeable = False
    points = np.column_stack([steps, y])
    points.flags.writeable = False
    return PathSample(points=points, indices=indices)
