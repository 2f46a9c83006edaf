"""Derivatives by finite differences and the complex step, and what they cost in error.

The notebook says the sweet spot for h is √ε ≈ 1e-8 in float64. That is true for
the *forward* difference, whose error is O(h) + O(ε/h). The *central* difference
has truncation error O(h²) and round-off O(ε/h), so its best h is ∛ε ≈ 6e-6 (times
the scale of x), where it is about a thousand times more accurate than at 1e-8.
The defaults below follow the measurement, which lives in
``tests/mathcore/test_calculus.py``. The complex step has no subtraction, hence no
round-off floor: any tiny h reaches machine precision.

Examples
--------
>>> import numpy as np
>>> round(float(central_difference(np.sin, 0.0)), 10)  # error ≈ h²/6 ≈ 6e-12
1.0
>>> tangent_line(__import__("mathcore.functions").functions.square(), 2.0)
TangentLine(x0=2.0, y0=4.0, slope=4.0)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.functions import Objective

Scheme = Literal["forward", "central", "complex"]
EPS = float(np.finfo(np.float64).eps)
_STEP_EXPONENT = {"forward": 1 / 2, "central": 1 / 3}
COMPLEX_STEP = 1e-20
"""Default complex step: far below where the O(h²) truncation error matters."""


def optimal_step(scheme: Scheme, x: ArrayLike = 1.0) -> NDArray:
    """The h that minimises truncation plus round-off error for ``scheme`` at ``x``.

    Forward: √ε·max(1, |x|) ≈ 1.5e-8. Central: ∛ε·max(1, |x|) ≈ 6e-6. Complex step:
    1e-20 (no round-off floor, so smaller is never worse).

    Examples
    --------
    >>> float(optimal_step("central"))
    6.055454452393343e-06
    >>> float(optimal_step("forward", x=100.0))
    1.4901161193847656e-06
    """
    scale = np.maximum(1.0, np.abs(np.asarray(x, dtype=np.float64)))
    if scheme == "complex":
        return COMPLEX_STEP * scale
    if scheme not in _STEP_EXPONENT:
        raise ValueError(
            f"scheme: expected 'forward', 'central' or 'complex', got {scheme!r}"
        )
    return EPS ** _STEP_EXPONENT[scheme] * scale


def forward_difference(f: Callable, x: ArrayLike, h: ArrayLike | None = None) -> NDArray:
    """(f(x + h) − f(x)) / h: the limit definition's quotient at a finite h.

    Examples
    --------
    >>> float(forward_difference(lambda x: x**2, 2.0, h=0.5))
    4.5
    """
    x, h = _point_and_step(x, h, "forward")
    return (f(x + h) - f(x)) / h


def central_difference(f: Callable, x: ArrayLike, h: ArrayLike | None = None) -> NDArray:
    """(f(x + h) − f(x − h)) / 2h, the notebook's ``numerical_derivative``.

    Examples
    --------
    >>> float(central_difference(lambda x: x**3, 2.0, h=0.5))
    12.25
    """
    x, h = _point_and_step(x, h, "central")
    return (f(x + h) - f(x - h)) / (2 * h)


def complex_step(f: Callable, x: ArrayLike, h: ArrayLike | None = None) -> NDArray:
    """Im f(x + ih) / h: exact to machine precision for real-analytic ``f``.

    ``f`` must accept complex input (NumPy's ufuncs do).

    Examples
    --------
    >>> import numpy as np
    >>> float(complex_step(np.exp, 0.0))
    1.0
    """
    x, h = _point_and_step(x, h, "complex")
    return np.imag(f(x + 1j * h)) / h


_SCHEMES: dict[str, Callable] = {
    "forward": forward_difference,
    "central": central_difference,
    "complex": complex_step,
}


def difference_error(
    f: Callable, df: Callable, x: float, hs: ArrayLike, scheme: Scheme = "central"
) -> NDArray:
    """|estimate − f'(x)| for every step in ``hs``: the data of a log-log error plot.

    Examples
    --------
    >>> import numpy as np
    >>> err = difference_error(np.sin, np.cos, 1.0, [1e-2, 1e-5], "central")
    >>> bool(err[1] < err[0])
    True
    """
    if scheme not in _SCHEMES:
        raise ValueError(f"scheme: expected one of {sorted(_SCHEMES)}, got {scheme!r}")
    hs = np.asarray(hs, dtype=np.float64)
    if np.any(~np.isfinite(hs)) or np.any(hs <= 0):
        raise ValueError("hs: every step must be finite and positive")
    return np.abs(_SCHEMES[scheme](f, x, hs) - df(x))


@dataclass(frozen=True)
class TangentLine:
    """The line y = y0 + slope·(x − x0) touching a curve at (x0, y0).

    Examples
    --------
    >>> float(TangentLine(x0=1.0, y0=1.0, slope=2.0).at(3.0))
    5.0
    """

    x0: float
    y0: float
    slope: float

    def at(self, x: ArrayLike) -> NDArray:
        """Height of the line at ``x``."""
        return self.y0 + self.slope * (np.asarray(x, dtype=np.float64) - self.x0) + 0.0


def tangent_line(objective: Objective, x0: float) -> TangentLine:
    """The tangent to a one-variable objective at ``x0``, with its exact slope.

    Examples
    --------
    >>> from mathcore.functions import square
    >>> [tangent_line(square(), x).slope for x in (-1.0, 0.0, 2.0)]
    [-2.0, 0.0, 4.0]
    """
    if objective.dim != 1:
        raise ValueError(
            f"objective: tangent_line needs one variable, {objective.name} has 2"
        )
    x0 = _finite_float(x0, "x0")
    return TangentLine(
        x0=x0,
        y0=float(objective.value([x0])),
        slope=float(objective.gradient([x0])[0]),
    )


def numerical_gradient(
    f: Callable, points: ArrayLike, h: float | None = None, scheme: Scheme = "central"
) -> NDArray:
    """∇f by differences along each axis; ``f`` takes points with coordinates last.

    One call handles a point, a batch or a grid: the result has the shape of
    ``points``. An :class:`~mathcore.functions.Objective` is such an ``f``.

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> numerical_gradient(bowl(), [3.0, 4.0]).round(6).tolist()
    [6.0, 8.0]
    """
    points = np.asarray(points, dtype=np.float64)
    if scheme not in _SCHEMES:
        raise ValueError(f"scheme: expected one of {sorted(_SCHEMES)}, got {scheme!r}")
    parts = []
    for i in range(points.shape[-1]):
        e = np.zeros(points.shape[-1])
        e[i] = 1.0
        # Differentiate the one-variable slice t ↦ f(points + t·e_i) at t = 0; the
        # step is scaled by the coordinate that moves, as in optimal_step.
        step = optimal_step(scheme, points[..., i]) if h is None else h
        parts.append(
            _SCHEMES[scheme](lambda t, e=e: f(points + t[..., None] * e), 0.0, step)
        )
    return np.stack(np.broadcast_arrays(*parts), axis=-1)


def directional_derivative(
    objective: Objective, point: ArrayLike, direction: ArrayLike
) -> NDArray:
    """D_u f = ∇f·u with u the unit vector along ``direction``.

    ``direction`` may hold many directions (shape ``(..., dim)``); by
    Cauchy–Schwarz the largest value, ‖∇f‖, is along ∇f itself.

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> float(directional_derivative(bowl(), [3.0, 4.0], [3.0, 4.0]))
    10.0
    """
    d = np.asarray(direction, dtype=np.float64)
    norms = np.linalg.norm(d, axis=-1, keepdims=True)
    if np.any(norms == 0) or not np.all(np.isfinite(d)):
        raise ValueError("direction: must be finite and non-zero")
    return np.sum(objective.gradient(point) * (d / norms), axis=-1)


@dataclass(frozen=True)
class StepSizeStudy:
    """Errors of three difference schemes over a range of steps h, for a log-log plot.

    ``errors[scheme]`` holds |estimate − f'(x)| for each h; ``best_h[scheme]`` is
    the measured best step (of the error curve smoothed by a running median: round-off
    makes single steps land on the exact value by luck).
    """

    x: float
    hs: NDArray
    errors: dict[str, NDArray]
    best_h: dict[str, float]
    best_error: dict[str, float]

    def floored(self, scheme: str, floor: float = 1e-17) -> NDArray:
        """The errors with exact zeros raised to ``floor``, so a log axis can show them."""
        return np.maximum(self.errors[scheme], floor)

    def penalty(self, scheme: str, h: float) -> float:
        """How many times larger the error is at ``h`` than at the measured best step.

        >>> step_size_study(np.sin, np.cos).penalty("central", 1e-8) > 100
        True
        """
        return self.error_at(scheme, h) / self.best_error[scheme]

    def error_at(self, scheme: str, h: float) -> float:
        """The (smoothed) error of ``scheme`` at the sampled step nearest ``h``."""
        i = int(np.argmin(np.abs(np.log(self.hs) - np.log(h))))
        return float(_smooth(self.errors[scheme])[i])


def step_size_study(
    f: Callable, df: Callable, x: float = 1.0, hs: ArrayLike | None = None
) -> StepSizeStudy:
    """Measure the error against h of forward, central and complex-step differences.

    ``hs`` defaults to 131 steps from 1e-14 to 1e-1, log-spaced.

    Examples
    --------
    >>> study = step_size_study(np.sin, np.cos, x=1.0)
    >>> 1e-6 < study.best_h["central"] < 1e-4, 1e-9 < study.best_h["forward"] < 1e-7
    (True, True)
    """
    hs = np.logspace(-14, -1, 131) if hs is None else np.asarray(hs, dtype=np.float64)
    errors = {
        s: difference_error(f, df, x, hs, s) for s in ("forward", "central", "complex")
    }
    smooth = {s: _smooth(e) for s, e in errors.items()}
    best = {s: int(np.argmin(e)) for s, e in smooth.items()}
    return StepSizeStudy(
        x=float(x),
        hs=hs,
        errors=errors,
        best_h={s: float(hs[i]) for s, i in best.items()},
        best_error={s: float(smooth[s][i]) for s, i in best.items()},
    )


def _smooth(errors: NDArray, window: int = 11) -> NDArray:
    """Running median over ``window`` samples (edges padded by repetition)."""
    pad = window // 2
    padded = np.pad(errors, pad, mode="edge")
    return np.median(np.lib.stride_tricks.sliding_window_view(padded, window), axis=1)


def _point_and_step(x: ArrayLike, h: ArrayLike | None, scheme: Scheme):
    x = np.asarray(x, dtype=np.float64)
    h = optimal_step(scheme, x) if h is None else np.asarray(h, dtype=np.float64)
    if np.any(~(h > 0)):
        raise ValueError(f"h: the step must be positive, got {h}")
    return x, h


def _finite_float(value: float, name: str) -> float:
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name}: must be finite, got {value}")
    return value
