"""What a run returns: every iterate from x0 on, with its loss and gradient norm.

A :class:`Trajectory` is one run of :func:`mathcore.optimize.run`; a
:class:`TrajectoryBatch` is n runs of :func:`mathcore.optimize.run_batch` advanced
in lockstep, whose row i is exactly the :class:`Trajectory` of run i. Both hold
only finite numbers, read-only, and say why each run stopped (``status``).

Examples
--------
>>> from mathcore.functions import bowl
>>> from mathcore.optimize import run_batch
>>> from mathcore.optimizers import gd
>>> b = run_batch(bowl(), [[4.0, 3.0], [1.0, 0.0]], gd(lr=[0.25, 0.5]), steps=2)
>>> t = b.trajectory(1)
>>> t.status, t.n_steps, t.lr, t.final.tolist()
('converged', 1, 0.5, [0.0, 0.0])
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from mathcore.functions import Objective
from mathcore.optimizers import Optimizer

Array = NDArray[np.float64]
Status = Literal["converged", "diverged", "max_steps"]

__all__ = ["Status", "Trajectory", "TrajectoryBatch"]


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
    >>> from mathcore.optimize import run
    >>> from mathcore.optimizers import gd
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
    >>> from mathcore.optimize import run_batch
    >>> from mathcore.optimizers import gd
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
