"""Argument checks shared across ``mathcore``: each error names the argument.

The optimizers' hyper-parameters (:mod:`mathcore.optimizers`), the start points of
a run (:mod:`mathcore.optimize`), the point where curvature is measured
(:mod:`mathcore.curvature`) and the paths a plot draws (:mod:`mathcore.runs`) are
checked here, so a bad value is refused in the same words wherever it enters, as
torch.optim words its own refusals (``"lr: must be finite and > 0, got -1"``).

Examples
--------
>>> from mathcore.functions import bowl
>>> check_points([4, 3], bowl(), "x0", batch=False).tolist()
[4.0, 3.0]
>>> check_points([4.0], bowl(), "x0", batch=False)
Traceback (most recent call last):
...
ValueError: x0: expected shape (dim,) with dim = 2 for bowl, got shape (1,)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.functions import Objective

Array = NDArray[np.float64]


def number(name: str, value: float) -> float:
    """``value`` as a float, or ValueError naming ``name``.

    >>> number("tol", "1e-8")
    1e-08
    """
    try:
        return float(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name}: expected a number, got {value!r}") from err


def real_array(value: ArrayLike, name: str) -> Array:
    """``value`` as float64, or ValueError naming ``name`` when it is not real numbers
    (booleans, strings and complex numbers are refused, not converted).

    >>> real_array([1, 2], "lr").dtype
    dtype('float64')
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name}: expected real numbers, got {value!r}") from err
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name}: expected real numbers, got {value!r}")
    return arr.astype(np.float64)


def check_points(value: ArrayLike, objective: Objective, name: str, batch: bool) -> Array:
    """Finite coordinates of shape (dim,), or (n, dim) too when ``batch``."""
    arr = real_array(value, name)
    ndims = (1, 2) if batch else (1,)
    if arr.ndim not in ndims or arr.shape[-1] != objective.dim or arr.size == 0:
        expected = "(dim,) or (n, dim)" if batch else "(dim,)"
        raise ValueError(
            f"{name}: expected shape {expected} with dim = {objective.dim} for "
            f"{objective.name}, got shape {arr.shape}"
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}: must be finite, got {value!r}")
    return arr


def check_path(points: ArrayLike, name: str = "points") -> Array:
    """A path: finite points of shape (n, dim) with n >= 1, as float64.

    >>> check_path([[0, 0], [3, 4]]).shape
    (2, 2)
    """
    p = np.asarray(points, dtype=np.float64)
    if p.ndim != 2 or len(p) == 0:
        raise ValueError(f"{name}: expected shape (n, dim) with n >= 1, got {p.shape}")
    if not np.isfinite(p).all():
        raise ValueError(f"{name}: must be finite")
    return p
