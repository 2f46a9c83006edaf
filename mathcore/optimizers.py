"""The update rules: torch.optim's SGD (plain, heavy-ball, Nesterov), Adam and RMSprop.

Each optimizer is a frozen dataclass with ``torch.optim``'s hyper-parameter names
and defaults, checked as torch checks them (each error names the argument). Its
``lr`` is a number, or an array of them for :func:`mathcore.optimize.run_batch` (one
per run). :func:`mathcore.optimize.run` and ``run_batch`` drive any of them through
two methods: ``init_state`` (the named buffers the rule keeps, one column per run)
and ``step`` (one update, written in place).

Examples
--------
>>> from mathcore.functions import bowl
>>> from mathcore.optimize import run
>>> run(bowl(), [4.0, 3.0], gd(0.25), steps=2).points.tolist()
[[4.0, 3.0], [2.0, 1.5], [1.0, 0.75]]
>>> run(bowl(), [4.0, 3.0], momentum(0.25, momentum=0.5), steps=2).points.tolist()
[[4.0, 3.0], [2.0, 1.5], [0.0, 0.0]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.checks import number, real_array

Array = NDArray[np.float64]
# Optimizer state: named arrays updated in place, one column per run (see
# mathcore.optimize's engine).
State = dict[str, Array]

__all__ = [
    "SGD",
    "Adam",
    "Optimizer",
    "RMSprop",
    "State",
    "adam",
    "gd",
    "momentum",
    "nesterov",
    "rmsprop",
]


# --------------------------------------------------------------------------------------
# Hyper-parameter checks: each error names the argument, like torch.optim's.


def _check_lr(lr: ArrayLike) -> float | Array:
    """A positive finite scalar, or a read-only 1-D array of them (one per run)."""
    arr = real_array(lr, "lr")
    if arr.ndim > 1 or arr.size == 0:
        raise ValueError(f"lr: expected a scalar or a 1-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr) & (arr > 0)):
        raise ValueError(f"lr: must be finite and > 0, got {lr!r}")
    if arr.ndim == 0:
        return float(arr)
    arr = arr.copy()
    arr.flags.writeable = False
    return arr


def _check_range(name: str, value: float, high: float, *, closed: bool = False) -> float:
    """``value`` in [0, high) (or [0, high] if ``closed``), as a float."""
    v = number(name, value)
    inside = 0.0 <= v <= high if closed else 0.0 <= v < high
    if not inside:
        bracket = "]" if closed else ")"
        raise ValueError(f"{name}: must be in [0, {high:g}{bracket}, got {value!r}")
    return v


def _check_nonnegative(name: str, value: float) -> float:
    v = number(name, value)
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
        Learning rate; an array gives one per run in
        :func:`~mathcore.optimize.run_batch`.
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

    def init_state(self, x: Array) -> State:
        names = ("buf", "d", "tmp")
        return {k: np.zeros_like(x) for k in names} | {"neg_lr": np.negative(self.lr)}

    def step(self, x: Array, g: Array, state: State, t: int, out: Array) -> None:
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
        betas = tuple(np.atleast_1d(real_array(self.betas, "betas")).tolist())
        if len(betas) != 2:
            raise ValueError(f"betas: expected two numbers, got {self.betas!r}")
        _set(self, "betas", tuple(_check_range("betas", b, 1.0) for b in betas))
        _set(self, "eps", _check_nonnegative("eps", self.eps))
        _set(self, "weight_decay", _check_nonnegative("weight_decay", self.weight_decay))

    @property
    def name(self) -> str:
        """``"adam"``."""
        return "adam"

    def init_state(self, x: Array) -> State:
        names = ("m", "v", "d", "tmp", "denom")
        return {k: np.zeros_like(x) for k in names}

    def step(self, x: Array, g: Array, state: State, t: int, out: Array) -> None:
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

    def init_state(self, x: Array) -> State:
        names = ("square_avg", "grad_avg", "buf", "d", "tmp", "avg")
        return {k: np.zeros_like(x) for k in names} | {"neg_lr": np.negative(self.lr)}

    def step(self, x: Array, g: Array, state: State, t: int, out: Array) -> None:
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
"""Any of the update rules; :func:`~mathcore.optimize.run` and
:func:`~mathcore.optimize.run_batch` take each of them."""


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
