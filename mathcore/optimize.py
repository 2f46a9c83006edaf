"""Gradient descent and its descendants, run on the catalogue's objectives.

The notebook's ``gradient_descent`` loop, generalised two ways: the update rule is
any of the optimizers of :mod:`mathcore.optimizers` (``torch.optim``'s names and
update rules), and :func:`run_batch` runs many start points and learning rates at
once, vectorised across runs (the only Python loop is over steps). Both return
the :mod:`mathcore.trajectory` types.

Loop semantics (the notebook's): the history starts with x0; each step computes
the gradient at the current point, stops as ``"converged"`` if its norm is below
``tol`` and otherwise updates. A step whose new point, loss or gradient is not
finite (overflow, NaN) ends the run as ``"diverged"``; that point is dropped, so
a trajectory holds only finite numbers. Running out of steps is ``"max_steps"``.

Examples
--------
>>> from mathcore.functions import bowl
>>> from mathcore.optimizers import gd
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

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.checks import check_points, number
from mathcore.functions import Objective
from mathcore.optimizers import Optimizer
from mathcore.trajectory import Trajectory, TrajectoryBatch

Array = NDArray[np.float64]

_MAX_STEPS, _CONVERGED, _DIVERGED = 0, 1, 2
_STATUS_NAMES = np.array(["max_steps", "converged", "diverged"])
# Linux 5.14+; Python 3.11's mmap module does not name it yet.
_MADV_POPULATE_WRITE = getattr(mmap, "MADV_POPULATE_WRITE", 23)

__all__ = ["run", "run_batch"]


# --------------------------------------------------------------------------------------
# Input checks: each error names the argument, like torch.optim's.


def _check_steps(steps: int) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer):
        raise ValueError(f"steps: expected an int, got {steps!r}")
    if steps < 0:
        raise ValueError(f"steps: must be >= 0, got {steps}")
    return int(steps)


def _check_tol(tol: float) -> float:
    value = number("tol", tol)
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
    arithmetic. Huge pages populated in one call (Linux ≥ 5.14) are faster still
    than MAP_POPULATE's 4 KB pages (the figures: bench/RESULTS.md).
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
    state = optimizer.init_state(cur.x)
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
            optimizer.step(cur.x, cur.g, state, t + 1, new.x)
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
    status = _STATUS_NAMES[code]  # a new array: indexing by an array copies
    status.flags.writeable = False
    # Views, not copies, of the time-major storage: a run's path (points[i]) and a
    # frame of every run (points[:, t]) are both plain indexing.
    return TrajectoryBatch(
        points=history[:, :dim].transpose(2, 0, 1),
        losses=history[:, dim].T,
        grad_norms=history[:, dim + 1].T,
        status=status,
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
    >>> from mathcore.optimizers import gd
    >>> t = run(rosenbrock(), [-1.0, 1.0], gd(lr=0.001), steps=10_000)
    >>> t.status, len(t.points), round(float(t.losses[-1]), 6)
    ('max_steps', 10001, 5.7e-05)
    """
    x0 = check_points(x0, objective, "x0", batch=False)
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
    >>> from mathcore.optimizers import gd
    >>> b = run_batch(bowl(), [[4.0, 3.0], [1.0, 0.0]], gd(lr=[0.25, 0.5]), steps=2)
    >>> b.points[:, -1].tolist(), b.status.tolist()
    ([[1.0, 0.75], [0.0, 0.0]], ['max_steps', 'converged'])
    >>> b[0].points.shape, b.points.shape
    ((3, 2), (2, 3, 2))
    """
    x0s = check_points(x0s, objective, "x0s", batch=True)
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
