"""How a run's loss moved: the facts a narrator may state about it.

A sentence such as "downhill every time" or "slower and slower" is a claim about
every step of a run; :func:`loss_trend` computes what is true of the run shown, so
that the words are chosen from it and a test can check them.

Examples
--------
>>> t = loss_trend([4.0, 3.0, 3.5, 1.0, 0.5])
>>> t.rises, t.first_rise, t.last_rise, t.falls_every_step, t.fell
(1, 2, 2, False, True)
>>> loss_trend([8.0, 4.0, 2.0, 1.0]).slowing
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class LossTrend:
    """The loss of a run of ``steps`` updates, step by step.

    Attributes
    ----------
    steps : int
        Updates taken (one less than the losses).
    rises : int
        How many steps ended higher than they started.
    flat : int
        How many steps left a positive loss exactly where it was (a run at a floor
        of zero is not stuck: it is there).
    first_rise, last_rise : int or None
        The first and the last such step (1-based), None when there is none.
    first, last : float
        The loss at the start and after the last step.
    slowing : bool
        The loss fell, and fell less (as a ratio, on a log scale) over the second
        half of the run than over the first: "slower and slower".
    """

    steps: int
    rises: int
    flat: int
    first_rise: int | None
    last_rise: int | None
    first: float
    last: float
    slowing: bool

    @property
    def falls_every_step(self) -> bool:
        """Every step lowered the loss (or kept it at a floor of exact zero)."""
        return self.rises == 0 and self.flat == 0

    @property
    def fell(self) -> bool:
        """The run ended lower than it started."""
        return self.last < self.first


def loss_trend(losses: ArrayLike) -> LossTrend:
    """The facts of ``losses`` (f at the start, then after each step)."""
    f = np.asarray(losses, dtype=np.float64)
    change = np.diff(f)
    up = np.flatnonzero(change > 0) + 1
    return LossTrend(
        steps=len(f) - 1,
        rises=len(up),
        flat=int(np.sum((change == 0) & (f[1:] > 0))),
        first_rise=int(up[0]) if len(up) else None,
        last_rise=int(up[-1]) if len(up) else None,
        first=float(f[0]),
        last=float(f[-1]),
        slowing=_slowing(f),
    )


def _slowing(f: np.ndarray) -> bool:
    """The log-loss fell over both halves, by less over the second."""
    if len(f) < 3 or not np.all(np.isfinite(f)) or f[-1] >= f[0]:
        return False
    # A floor of exact zero has no logarithm: measure from the smallest positive loss.
    floor = np.min(f[f > 0], initial=np.inf)
    if not np.isfinite(floor):
        return False
    logs = np.log10(np.maximum(f, floor))
    middle = len(f) // 2
    return bool(logs[0] - logs[middle] > logs[middle] - logs[-1] > 0)


def settling(points: ArrayLike) -> bool:
    """Whether a run's steps are coming to rest: each of its last three at most 0.9
    of the one before, the last under a twentieth of the first. A run bouncing
    between two points keeps its stride, and is not (its loss may still be below
    where it began).

    >>> settling([[3.0], [1.0], [0.5], [0.25], [0.1], [0.05]])
    True
    >>> settling([[1.0], [-1.0], [1.0], [-1.0], [1.0], [-1.0]])
    False
    """
    x = np.asarray(points, dtype=np.float64)
    strides = np.linalg.norm(np.diff(x.reshape(len(x), -1), axis=0), axis=1)
    last = strides[-4:]
    return bool(
        len(strides) >= 4
        and np.all(last[1:] <= 0.9 * last[:-1])
        and last[-1] < 0.05 * strides[0]
    )
