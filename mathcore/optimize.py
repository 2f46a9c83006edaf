"""Gradient descent and its descendants, run on the catalogue's objectives.

The notebook's ``gradient_descent`` loop, generalised two ways: the update rule is
any of five optimizers with ``torch.optim``'s hyper-parameter names and update
rules, and :func:`run_batch` runs many start points and learning rates at once,
vectorised across runs (the only Python loop is over steps).

Loop semantics (the notebook's): the history starts with x0; each step computes
the gradient at the current point, stops as ``"converged"`` if its norm is below
``tol`` and otherwise updates. A step whose new point, loss or gradient is not
finite (overflow, NaN) ends the run as ``"diverged"``; that point is dropped, so
a trajectory holds only finite numbers. Running out of steps is ``"max_steps"``.

Examples
--------
>>> from mathcore.functions import bowl
>>> traj = run(bowl(), [4.0, 3.0], gd(lr=0.25), steps=3)
>>> traj.points.tolist()
[[4.0, 3.0], [2.0, 1.5], [1.0, 0.75], [0.5, 0.375]]
>>> traj.status, traj.losses[-1].item()
('max_steps', 0.390625)
>>> run(bowl(), [4.0, 3.0], gd(lr=0.5), steps=50).status  # lands on the minimum
'converged'
"""

from __future__ import annotations

import contextlib
import math
import mmap
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.functions import Objective

Array = NDArray[np.float64]
Status = Literal["converged", "diverged", "max_steps"]
# Optimizer state: named arrays updated in place, one column per run (see _simulate).
State = dict[str, Array]

_MAX_STEPS, _CONVERGED, _DIVERGED = 0, 1, 2
_STATUS_NAMES = np.array(["max_steps", "converged", "diverged"])
# Linux 5.14+; Python 3.11's mmap module does not name it yet.
_MADV_POPULATE_WRITE = getattr(mmap, "MADV_POPULATE_WRITE", 23)

__all__ = [
    "SGD",
    "Adam",
    "Optimizer",
    "RMSprop",
    "Trajectory",
    "TrajectoryBatch",
    "adam",
    "gd",
    "momentum",
    "nesterov",
    "rmsprop",
    "run",
    "run_batch",
    "stable_learning_rate",
]


# --------------------------------------------------------------------------------------
# Hyper-parameter checks: each error names the argument, like torch.optim's.


def _check_lr(lr: ArrayLike) -> float | Array:
    """A positive finite scalar, or a read-only 1-D array of them (one per run)."""
    arr = _real_array(lr, "lr")
    if arr.ndim > 1 or arr.size == 0:
        raise ValueError(f"lr: expected a scalar or a 1-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr) & (arr > 0)):
        raise ValueError(f"lr: must be finite and > 0, got {lr!r}")
    if arr.ndim == 0:
        return float(arr)
    arr = arr.copy()
    arr.flags.writeable = False
    return arr


def _number(name: str, value: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name}: expected a number, got {value!r}") from err


def _check_range(name: str, value: float, high: float, *, closed: bool = False) -> float:
    """``value`` in [0, high) (or [0, high] if ``closed``), as a float."""
    v = _number(name, value)
    inside = 0.0 <= v <= high if closed else 0.0 <= v < high
    if not inside:
        bracket = "]" if closed else ")"
        raise ValueError(f"{name}: must be in [0, {high:g}{bracket}, got {value!r}")
    return v


def _check_nonnegative(name: str, value: float) -> float:
    v = _number(name, value)
    if not (math.isfinite(v) and v >= 0.0):
        raise ValueError(f"{name}: must be finite and >= 0, got {value!r}")
    return v


def _set(obj: object, name: str, value: object) -> None:
    # Frozen dataclasses normalise their own fields once, in __post_init__.
    object.__setattr__(obj, name, value)


# --------------------------------------------------------------------------------------
# Update rules. Each mirrors torch.optim's single-tensor path operation by operation
# (same operands, same order), so rounding follows the same path. One difference
# remains: torch's CPU kernels fuse some multiply-adds (add with alpha, addcmul,
# lerp) into one FMA, rounded once; NumPy rounds the product and the sum separately.
# Results can therefore differ in the last bit per step; the tests bound the drift.


def _decayed(g: Array, x: Array, weight_decay: float, out: Array) -> Array:
    """g + weight_decay·x (torch's L2 ``grad.add(param, alpha=weight_decay)``)."""
    if weight_decay == 0:
        return g
    np.multiply(x, weight_decay, out=out)
    np.add(g, out, out=out)
    return out


def _lerp(start: Array, end: Array, weight: float, tmp: Array) -> None:
    """In-place ``start.lerp_(end, weight)`` with torch's two formulas.

    torch picks the formula by |weight| < 0.5 for accuracy; copying it keeps the
    running averages on the same rounding path as torch's.
    """
    np.subtract(end, start, out=tmp)
    if abs(weight) < 0.5:
        tmp *= weight
        start += tmp
    else:
        tmp *= 1.0 - weight
        np.subtract(end, tmp, out=start)


@dataclass(frozen=True)
class SGD:
    """``torch.optim.SGD``: plain gradient descent, heavy-ball or Nesterov momentum.

    Update at step t with d = ∇f (+ weight_decay·x): with momentum μ the buffer is
    b = d at t = 1 (torch seeds it with the first gradient, not zero) and
    b = μ b + (1 − dampening) d afterwards; d becomes b, or d + μ b for Nesterov.
    Then x ← x − lr·d.

    Parameters
    ----------
    lr : float or array of shape (n,)
        Learning rate; an array gives one per run in :func:`run_batch`.
    momentum : float in [0, 1)
    dampening : float in [0, 1]
    nesterov : bool
        Needs momentum > 0 and dampening = 0, as in torch.
    weight_decay : float >= 0
        L2 penalty added to the gradient.

    Examples
    --------
    >>> SGD(lr=0.1, momentum=0.9).name, SGD(lr=0.1).name
    ('momentum', 'gd')
    """

    lr: float | Array
    momentum: float = 0.0
    dampening: float = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0

    def __post_init__(self) -> None:
        _set(self, "lr", _check_lr(self.lr))
        _set(self, "momentum", _check_range("momentum", self.momentum, 1.0))
        _set(self, "dampening", _check_range("dampening", self.dampening, 1.0, closed=True))
        _set(self, "weight_decay", _check_nonnegative("weight_decay", self.weight_decay))
        _set(self, "nesterov", bool(self.nesterov))
        if self.nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("nesterov: needs momentum > 0 and dampening = 0")

    @property
    def name(self) -> str:
        """``"gd"``, ``"momentum"`` or ``"nesterov"``: a label for legends."""
        if self.momentum == 0:
            return "gd"
        return "nesterov" if self.nesterov else "momentum"

    def _init(self, x: Array) -> State:
        names = ("buf", "d", "tmp")
        return {k: np.zeros_like(x) for k in names} | {"neg_lr": np.negative(self.lr)}

    def _step(self, x: Array, g: Array, state: State, t: int, out: Array) -> None:
        d = _decayed(g, x, self.weight_decay, state["d"])
        if self.momentum != 0:
            d = self._velocity(d, state, t)
        np.multiply(d, state["neg_lr"], out=out)
        out += x  # x + (−lr)·d: torch's param.add_(d, alpha=-lr)

    def _velocity(self, d: Array, state: State, t: int) -> Array:
        buf, tmp = state["buf"], state["tmp"]
        if t == 1:
            buf[...] = d
        else:
            buf *= self.momentum
            np.multiply(d, 1.0 - self.dampening, out=tmp)
            buf += tmp
        if not self.nesterov:
            return buf
        np.multiply(buf, self.momentum, out=tmp)
        np.add(d, tmp, out=tmp)
        return tmp


@dataclass(frozen=True)
class Adam:
    """``torch.optim.Adam`` (not AMSGrad; weight decay is torch's L2 form, not AdamW).

    m ← lerp(m, d, 1 − β₁); v ← β₂ v + (1 − β₂) d²; then
    x ← x − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + eps), with eps added after
    the bias correction of √v, exactly where torch adds it.

    Parameters
    ----------
    lr : float or array of shape (n,)
    betas : (float, float), each in [0, 1)
    eps : float >= 0
    weight_decay : float >= 0

    Examples
    --------
    >>> Adam().lr, Adam().betas
    (0.001, (0.9, 0.999))
    """

    lr: float | Array = 0.001
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0

    def __post_init__(self) -> None:
        _set(self, "lr", _check_lr(self.lr))
        betas = tuple(np.atleast_1d(_real_array(self.betas, "betas")).tolist())
        if len(betas) != 2:
            raise ValueError(f"betas: expected two numbers, got {self.betas!r}")
        _set(self, "betas", tuple(_check_range("betas", b, 1.0) for b in betas))
        _set(self, "eps", _check_nonnegative("eps", self.eps))
        _set(self, "weight_decay", _check_nonnegative("weight_decay", self.weight_decay))

    @property
    def name(self) -> str:
        """``"adam"``."""
        return "adam"

    def _init(self, x: Array) -> State:
        names = ("m", "v", "d", "tmp", "denom")
        return {k: np.zeros_like(x) for k in names}

    def _step(self, x: Array, g: Array, state: State, t: int, out: Array) -> None:
        beta1, beta2 = self.betas
        m, v, tmp, denom = state["m"], state["v"], state["tmp"], state["denom"]
        d = _decayed(g, x, self.weight_decay, state["d"])
        _lerp(m, d, 1.0 - beta1, tmp)
        v *= beta2
        np.multiply(d, 1.0 - beta2, out=tmp)
        tmp *= d
        v += tmp
        # Bias corrections as torch computes them: Python floats, t as a float.
        step_size = np.divide(self.lr, 1.0 - beta1 ** float(t))
        np.sqrt(v, out=denom)
        denom /= (1.0 - beta2 ** float(t)) ** 0.5
        denom += self.eps
        np.multiply(m, np.negative(step_size), out=out)
        out /= denom
        out += x


@dataclass(frozen=True)
class RMSprop:
    """``torch.optim.RMSprop``, with its ``momentum`` and ``centered`` options.

    s ← α s + (1 − α) d²; the denominator is √s + eps (centered: √(s − ḡ²) + eps,
    with ḡ ← lerp(ḡ, d, 1 − α)); without momentum x ← x − lr·d / denom, with it
    b ← μ b + d / denom (b starts at zero) and x ← x − lr·b.

    Parameters
    ----------
    lr : float or array of shape (n,)
    alpha : float in [0, 1)
    eps : float >= 0
    weight_decay : float >= 0
    momentum : float in [0, 1)
    centered : bool

    Examples
    --------
    >>> RMSprop(centered=True, momentum=0.5).name
    'rmsprop'
    """

    lr: float | Array = 0.01
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False

    def __post_init__(self) -> None:
        _set(self, "lr", _check_lr(self.lr))
        _set(self, "alpha", _check_range("alpha", self.alpha, 1.0))
        _set(self, "eps", _check_nonnegative("eps", self.eps))
        _set(self, "weight_decay", _check_nonnegative("weight_decay", self.weight_decay))
        _set(self, "momentum", _check_range("momentum", self.momentum, 1.0))
        _set(self, "centered", bool(self.centered))

    @property
    def name(self) -> str:
        """``"rmsprop"``."""
        return "rmsprop"

    def _init(self, x: Array) -> State:
        names = ("square_avg", "grad_avg", "buf", "d", "tmp", "avg")
        return {k: np.zeros_like(x) for k in names} | {"neg_lr": np.negative(self.lr)}

    def _step(self, x: Array, g: Array, state: State, t: int, out: Array) -> None:
        sq, tmp, avg = state["square_avg"], state["tmp"], state["avg"]
        d = _decayed(g, x, self.weight_decay, state["d"])
        sq *= self.alpha
        np.multiply(d, 1.0 - self.alpha, out=tmp)
        tmp *= d
        sq += tmp
        if self.centered:
            ga = state["grad_avg"]
            _lerp(ga, d, 1.0 - self.alpha, tmp)
            np.multiply(ga, ga, out=tmp)
            np.subtract(sq, tmp, out=avg)
            np.sqrt(avg, out=avg)
        else:
            np.sqrt(sq, out=avg)
        avg += self.eps  # after the square root, as torch does
        neg_lr = state["neg_lr"]
        if self.momentum > 0:
            buf = state["buf"]
            buf *= self.momentum
            np.divide(d, avg, out=tmp)
            buf += tmp
            np.multiply(buf, neg_lr, out=out)
        else:
            np.multiply(d, neg_lr, out=out)
            out /= avg
        out += x


Optimizer = SGD | Adam | RMSprop
"""Any of the update rules; :func:`run` and :func:`run_batch` take each of them."""


def gd(lr: float | ArrayLike) -> SGD:
    """Plain gradient descent, x ← x − lr·∇f: ``torch.optim.SGD(lr)``.

    Examples
    --------
    >>> gd(0.1)
    SGD(lr=0.1, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0)
    """
    return SGD(lr=lr)


def momentum(lr: float | ArrayLike, momentum: float = 0.9, dampening: float = 0.0) -> SGD:
    """Heavy-ball momentum: ``torch.optim.SGD(lr, momentum=0.9, dampening=0)``.

    Examples
    --------
    >>> momentum(0.01).momentum
    0.9
    """
    return SGD(lr=lr, momentum=momentum, dampening=dampening)


def nesterov(lr: float | ArrayLike, momentum: float = 0.9) -> SGD:
    """Nesterov momentum: ``torch.optim.SGD(lr, momentum=0.9, nesterov=True)``.

    Examples
    --------
    >>> nesterov(0.01, momentum=0.7).name
    'nesterov'
    """
    return SGD(lr=lr, momentum=momentum, nesterov=True)


def adam(
    lr: float | ArrayLike = 0.001,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
) -> Adam:
    """Adam with torch's defaults: ``torch.optim.Adam(lr=0.001, betas=(0.9, 0.999))``.

    Examples
    --------
    >>> adam(betas=(0.8, 0.99)).betas
    (0.8, 0.99)
    """
    return Adam(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)


def rmsprop(
    lr: float | ArrayLike = 0.01,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    centered: bool = False,
) -> RMSprop:
    """RMSprop with torch's defaults: ``torch.optim.RMSprop(lr=0.01, alpha=0.99)``.

    Examples
    --------
    >>> rmsprop().alpha, rmsprop(alpha=0.9).alpha
    (0.99, 0.9)
    """
    return RMSprop(
        lr=lr,
        alpha=alpha,
        eps=eps,
        weight_decay=weight_decay,
        momentum=momentum,
        centered=centered,
    )


# --------------------------------------------------------------------------------------
# Results.


@dataclass(frozen=True, eq=False)
class Trajectory:
    """One run: every iterate from x0 on, with its loss and gradient norm.

    Attributes
    ----------
    points : array of shape (n_steps + 1, dim)
        x0, x1, …: only finite points (a diverging step's point is dropped).
    losses, grad_norms : arrays of shape (n_steps + 1,)
        f and ‖∇f‖ at each point.
    status : {"converged", "diverged", "max_steps"}
        ``"converged"``: ‖∇f(points[-1])‖ < tol stopped the loop. ``"max_steps"``:
        the steps ran out; like the notebook's loop, the point reached by the
        last step is not tested against tol.
    diverged_at : int or None
        The step t whose iterate x_t (or f or ∇f there) was not finite; then
        ``len(points) == diverged_at``.
    objective, optimizer, tol
        What produced it; ``optimizer.lr`` is this run's learning rate.

    Examples
    --------
    >>> from mathcore.functions import quartic
    >>> t = run(quartic(), [4.0], gd(lr=0.1), steps=100)
    >>> t.status, t.diverged_at, t.n_steps, bool(np.isfinite(t.points).all())
    ('diverged', 6, 5, True)
    """

    points: Array
    losses: Array
    grad_norms: Array
    status: Status
    diverged_at: int | None
    objective: Objective
    optimizer: Optimizer
    tol: float

    @property
    def n_steps(self) -> int:
        """Number of updates taken: ``len(points) - 1``."""
        return len(self.points) - 1

    @property
    def lr(self) -> float:
        """This run's learning rate."""
        return float(self.optimizer.lr)

    @property
    def final(self) -> Array:
        """The last point."""
        return self.points[-1]


@dataclass(frozen=True, eq=False)
class TrajectoryBatch:
    """n runs advanced in lockstep; row i is exactly ``run`` on start i with lr i.

    A run that stops (converges or diverges) freezes: its remaining columns repeat
    its last finite point, loss and gradient norm, so every array is finite and
    ``points[:, t]`` is where each run stands at frame t. ``n_steps[i]`` says how
    many columns of row i are real: ``points[i, : n_steps[i] + 1]``.

    Attributes
    ----------
    points : array of shape (n, steps + 1, dim)
    losses, grad_norms : arrays of shape (n, steps + 1)
    status : str array of shape (n,)
        ``"converged"``, ``"diverged"`` or ``"max_steps"`` per run.
    diverged_at : int array of shape (n,)
        As :attr:`Trajectory.diverged_at`, with -1 for runs that did not diverge.
    n_steps : int array of shape (n,)
    lr : array of shape (n,)
        Each run's learning rate.
    objective, optimizer, steps, tol
        The inputs (``optimizer.lr`` as given, scalar or array).

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> b = run_batch(bowl(), [4.0, 3.0], gd(lr=[0.01, 0.5, 1.5]), steps=600)
    >>> b.status.tolist(), b.n_steps.tolist(), b.diverged_at.tolist()
    (['max_steps', 'converged', 'diverged'], [600, 1, 509], [-1, -1, 510])
    >>> b[1].points.tolist()
    [[4.0, 3.0], [0.0, 0.0]]
    """

    points: Array
    losses: Array
    grad_norms: Array
    status: NDArray[np.str_]
    diverged_at: NDArray[np.int64]
    n_steps: NDArray[np.int64]
    lr: Array
    objective: Objective
    optimizer: Optimizer
    steps: int
    tol: float

    def __len__(self) -> int:
        return len(self.n_steps)

    def __getitem__(self, i: int) -> Trajectory:
        return self.trajectory(i)

    def __iter__(self) -> Iterator[Trajectory]:
        return (self.trajectory(i) for i in range(len(self)))

    def trajectory(self, i: int) -> Trajectory:
        """Run ``i`` as a :class:`Trajectory` (its real part only, copied)."""
        end = int(self.n_steps[i]) + 1
        diverged_at = int(self.diverged_at[i])
        return Trajectory(
            points=_readonly(self.points[i, :end]),
            losses=_readonly(self.losses[i, :end]),
            grad_norms=_readonly(self.grad_norms[i, :end]),
            status=str(self.status[i]),  # type: ignore[arg-type]
            diverged_at=diverged_at if diverged_at >= 0 else None,
            objective=self.objective,
            optimizer=replace(self.optimizer, lr=float(self.lr[i])),
            tol=self.tol,
        )


def _readonly(a: NDArray) -> NDArray:
    a = np.array(a)  # a contiguous copy, so a Trajectory owns its numbers
    a.flags.writeable = False
    return a


# --------------------------------------------------------------------------------------
# Input checks.


def _real_array(value: ArrayLike, name: str) -> Array:
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name}: expected real numbers, got {value!r}") from err
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name}: expected real numbers, got {value!r}")
    return arr.astype(np.float64)


def _points(value: ArrayLike, objective: Objective, name: str, batch: bool) -> Array:
    """Finite coordinates of shape (dim,), or (n, dim) too when ``batch``."""
    arr = _real_array(value, name)
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


def _check_steps(steps: int) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer):
        raise ValueError(f"steps: expected an int, got {steps!r}")
    if steps < 0:
        raise ValueError(f"steps: must be >= 0, got {steps}")
    return int(steps)


def _check_tol(tol: float) -> float:
    value = _number("tol", tol)
    if not value >= 0.0:  # also rejects NaN
        raise ValueError(f"tol: must be >= 0 (0 disables the test), got {tol!r}")
    return value


# --------------------------------------------------------------------------------------
# The engine. Arrays hold runs along their LAST axis (coordinates first, shape
# (dim, n)): each coordinate is then a contiguous row to hand to the objective's
# component functions, and an lr of shape (n,) broadcasts with no reshaping.
# x, f and ‖∇f‖ share one (dim + 2, n) buffer, so a single isfinite call checks a
# step and a single copy records it.


class _Iterate:
    """Points of n runs with f, ∇f and ‖∇f‖ there; buffers reused every step."""

    def __init__(self, dim: int, n: int) -> None:
        self.bind(np.empty((dim + 2, n)))
        self.g = np.empty((dim, n))
        self.ok = np.empty(n, dtype=bool)
        self.all_ok = False
        self._gsq = np.empty((dim, n))
        self._finite = np.empty((dim + 2, n), dtype=bool)

    def bind(self, data: Array) -> None:
        """Keep the point and f, ‖∇f‖ in ``data`` (rows x_1 … x_dim, f, ‖∇f‖): a
        history row, so a step is not copied there afterwards."""
        dim = len(data) - 2
        self.data, self.x, self.f, self.norm = data, data[:dim], data[dim], data[dim + 1]
        self.coords = tuple(self.x)

    def evaluate(self, objective: Objective) -> None:
        """Fill f, ∇f, ‖∇f‖ and ``ok`` (all of them finite) at ``self.x``."""
        # Objective.f/df take one array per coordinate: calling them directly skips
        # the stacking that .value/.gradient do, a large share of a step's cost.
        if objective.f_df_into is not None:
            objective.f_df_into(self.coords, self.f, self.g)
        else:
            self.f[...] = objective.f(*self.coords)
            for i, part in enumerate(objective.df(*self.coords)):
                self.g[i] = part
        np.multiply(self.g, self.g, out=self._gsq)
        np.add.reduce(self._gsq, axis=0, out=self.norm)
        np.sqrt(self.norm, out=self.norm)
        self._check()
        if not self.all_ok:
            self._rescue_norms()

    def _check(self) -> None:
        # The norm is finite exactly when every gradient component is (see below).
        # A finite sum of everything proves it all finite in one pass: the common
        # case. (A sum that overflows only takes the exact way below.)
        self.all_ok = math.isfinite(np.add.reduce(self.data, axis=None))
        if self.all_ok:
            self.ok.fill(True)
        else:
            np.isfinite(self.data, out=self._finite)
            self.all_ok = bool(self._finite.all())
            np.logical_and.reduce(self._finite, axis=0, out=self.ok)

    def _rescue_norms(self) -> None:
        # Σg² overflows once |g| > 1e154 while g itself is finite; such a run has
        # not diverged yet, so its norm is recomputed with hypot, which cannot
        # overflow. Per run, so a run's numbers never depend on the others.
        rows = np.isinf(self.norm) & np.isfinite(self.g).all(axis=0)
        if rows.any():
            self.norm[rows] = np.hypot.reduce(self.g[:, rows], axis=0, initial=0.0)
            self._check()

    def take(self, other: _Iterate, where: NDArray[np.bool_]) -> None:
        """Copy ``other``'s runs where ``where`` holds."""
        np.copyto(self.data, other.data, where=where)
        np.copyto(self.g, other.g, where=where)


def _prefaulted_empty(shape: tuple[int, ...]) -> Array:
    """``np.empty(shape)`` with its memory mapped in up front, in huge pages, where
    Linux allows.

    A long batch's history is hundreds of MB written once; on the 2-core VM this
    was measured on, faulting fresh 4 KB pages in one by one cost more than the
    arithmetic. Huge pages populated in one call (Linux ≥ 5.14) take 320 MB in
    0.03 s, against 0.1 s for MAP_POPULATE's 4 KB pages and 0.3 s for faults.
    """
    nbytes = math.prod(shape) * np.dtype(np.float64).itemsize
    if nbytes < 1 << 24 or not hasattr(mmap, "MAP_ANONYMOUS"):
        return np.empty(shape)
    try:
        buffer = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    except OSError:
        return np.empty(shape)
    # Advice only: where a kernel lacks either, the pages fault in as usual.
    for advice in (getattr(mmap, "MADV_HUGEPAGE", None), _MADV_POPULATE_WRITE):
        with contextlib.suppress(OSError, TypeError):
            buffer.madvise(advice)
    return np.frombuffer(buffer, dtype=np.float64).reshape(shape)


def _start(objective: Objective, x0s: Array, name: str) -> _Iterate:
    """The first iterate; f and ∇f must be finite there, or ``name`` is bad input."""
    start = _Iterate(objective.dim, len(x0s))
    start.x[...] = x0s.T
    with np.errstate(all="ignore"):
        start.evaluate(objective)
    if not start.all_ok:
        rows = np.flatnonzero(~start.ok).tolist()
        raise ValueError(f"{name}: f or its gradient is not finite at start(s) {rows}")
    return start


def _simulate(
    objective: Objective,
    x0s: Array,
    optimizer: Optimizer,
    steps: int,
    tol: float,
    name: str,
) -> TrajectoryBatch:
    """Advance n runs from ``x0s`` (n, dim) together; ``optimizer.lr`` () or (n,)."""
    n, dim = x0s.shape
    cur, new = _start(objective, x0s, name), _Iterate(dim, n)
    history = _prefaulted_empty((steps + 1, dim + 2, n))  # time-major: row t = step t
    history[0] = cur.data
    state = optimizer._init(cur.x)
    code = np.full(n, _MAX_STEPS, dtype=np.int8)
    n_steps = np.full(n, steps, dtype=np.int64)
    diverged_at = np.full(n, -1, dtype=np.int64)
    active = np.ones(n, dtype=bool)
    all_active = True  # mirrors active.all(), to skip that test in the common case
    # Overflow is the expected way runs diverge; the finite checks detect it, so
    # no floating-point warning may escape to the caller.
    with np.errstate(all="ignore"):
        for t in range(steps):
            if tol > 0 and cur.norm.min() < tol:  # min: one cheap test when none hit
                hit = (cur.norm < tol) & active
                if hit.any():
                    code[hit], n_steps[hit], active[hit] = _CONVERGED, t, False
                    all_active = False
                    if not active.any():
                        history[t + 1 :] = cur.data
                        break
            new.bind(history[t + 1])
            optimizer._step(cur.x, cur.g, state, t + 1, new.x)
            new.evaluate(objective)
            if not (all_active and new.all_ok):
                bad = active & ~new.ok
                code[bad], n_steps[bad], diverged_at[bad] = _DIVERGED, t, t + 1
                active &= new.ok
                all_active = False
                new.take(cur, where=~active)  # stopped runs repeat their last state
                if not active.any():
                    history[t + 2 :] = new.data
                    break
            cur, new = new, cur
    return _batch(history, code, n_steps, diverged_at, objective, optimizer, steps, tol)


def _batch(
    history: Array,
    code: NDArray[np.int8],
    n_steps: NDArray[np.int64],
    diverged_at: NDArray[np.int64],
    objective: Objective,
    optimizer: Optimizer,
    steps: int,
    tol: float,
) -> TrajectoryBatch:
    for a in (history, n_steps, diverged_at):
        a.flags.writeable = False
    n, dim = len(code), objective.dim
    lr = np.array(np.broadcast_to(optimizer.lr, (n,)), dtype=np.float64)
    lr.flags.writeable = False
    # Views, not copies, of the time-major storage: a run's path (points[i]) and a
    # frame of every run (points[:, t]) are both plain indexing.
    return TrajectoryBatch(
        points=history[:, :dim].transpose(2, 0, 1),
        losses=history[:, dim].T,
        grad_norms=history[:, dim + 1].T,
        status=_readonly(_STATUS_NAMES[code]),
        diverged_at=diverged_at,
        n_steps=n_steps,
        lr=lr,
        objective=objective,
        optimizer=optimizer,
        steps=steps,
        tol=tol,
    )


# --------------------------------------------------------------------------------------
# Public entry points.


def run(
    objective: Objective,
    x0: ArrayLike,
    optimizer: Optimizer,
    steps: int,
    tol: float = 1e-8,
) -> Trajectory:
    """Minimise ``objective`` from ``x0``: the notebook's ``gradient_descent`` loop.

    Parameters
    ----------
    objective : Objective
    x0 : array_like of shape (dim,)
        Finite start point, where f and ∇f must be finite.
    optimizer : SGD, Adam or RMSprop
        With a scalar ``lr`` (use :func:`run_batch` for several).
    steps : int >= 0
        Most updates to take (the notebook's ``n_steps``).
    tol : float >= 0
        Stop when ‖∇f‖ < tol at the current point; 0 never stops early.

    Returns
    -------
    Trajectory

    Raises
    ------
    ValueError
        Naming the bad argument: ``x0``, ``lr``, ``steps`` or ``tol``.

    Examples
    --------
    >>> from mathcore.functions import rosenbrock
    >>> t = run(rosenbrock(), [-1.0, 1.0], gd(lr=0.001), steps=10_000)
    >>> t.status, len(t.points), round(float(t.losses[-1]), 6)
    ('max_steps', 10001, 5.7e-05)
    """
    x0 = _points(x0, objective, "x0", batch=False)
    if np.ndim(optimizer.lr) != 0:
        raise ValueError("lr: run takes a single learning rate; use run_batch for several")
    steps, tol = _check_steps(steps), _check_tol(tol)
    return _simulate(objective, x0[np.newaxis], optimizer, steps, tol, "x0").trajectory(0)


def run_batch(
    objective: Objective,
    x0s: ArrayLike,
    optimizer: Optimizer,
    steps: int,
    tol: float = 1e-8,
) -> TrajectoryBatch:
    """Many runs at once, vectorised across runs: row i equals ``run`` exactly.

    Runs are indexed by the broadcast of the start points' leading axis against
    the learning rates: ``x0s`` of shape (n, dim) or (dim,), ``optimizer.lr`` a
    scalar or of shape (n,). So n starts with one lr, one start with n lrs, or n
    (start, lr) pairs. Other hyper-parameters are shared by all runs.

    Parameters
    ----------
    objective : Objective
    x0s : array_like of shape (n, dim) or (dim,)
    optimizer : SGD, Adam or RMSprop
    steps : int >= 0
    tol : float >= 0

    Returns
    -------
    TrajectoryBatch
        Arrays of shape (n, steps + 1, …); stopped runs repeat their last state.

    Raises
    ------
    ValueError
        Naming the bad argument: ``x0s`` (also when f or ∇f is not finite at a
        start), ``lr`` (does not broadcast against the starts), ``steps`` or ``tol``.

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> b = run_batch(bowl(), [[4.0, 3.0], [1.0, 0.0]], gd(lr=[0.25, 0.5]), steps=2)
    >>> b.points[:, -1].tolist(), b.status.tolist()
    ([[1.0, 0.75], [0.0, 0.0]], ['max_steps', 'converged'])
    >>> b[0].points.shape, b.points.shape
    ((3, 2), (2, 3, 2))
    """
    x0s = _points(x0s, objective, "x0s", batch=True)
    steps, tol = _check_steps(steps), _check_tol(tol)
    lr_shape = np.shape(optimizer.lr)
    try:
        runs = np.broadcast_shapes(x0s.shape[:-1], lr_shape)
    except ValueError:
        raise ValueError(
            f"lr: shape {lr_shape} does not broadcast against {x0s.shape[:-1]}, the "
            "number of start points in x0s"
        ) from None
    n = runs[0] if runs else 1
    x0s = np.broadcast_to(x0s, (n, objective.dim))
    return _simulate(objective, x0s, optimizer, steps, tol, "x0s")


def stable_learning_rate(objective: Objective, x: ArrayLike) -> float:
    """2/L, the largest learning rate for which GD still descends near ``x``.

    L is the largest eigenvalue of the Hessian at ``x`` (the local Lipschitz
    constant of ∇f): the notebook's descent lemma guarantees descent for lr < 2/L.
    Where L <= 0 (no positive curvature) nothing bounds the step: returns ``inf``.

    Examples
    --------
    >>> from mathcore.functions import bowl, quartic
    >>> stable_learning_rate(bowl(), [4.0, 3.0])
    1.0
    >>> stable_learning_rate(quartic(), [4.0]) == 2 / 120
    True
    >>> stable_learning_rate(quartic(), [0.5])  # f'' < 0 there
    inf
    """
    x = _points(x, objective, "x", batch=False)
    hessian = objective.hessian(x)
    if not np.isfinite(hessian).all():
        raise ValueError(f"x: the Hessian is not finite at {x.tolist()}")
    largest = float(np.linalg.eigvalsh(hessian)[-1])
    return 2.0 / largest if largest > 0 else math.inf
