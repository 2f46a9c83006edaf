"""Judging runs: what a run achieved, and each optimizer's best learning rate on a grid.

Comparing optimizers is only fair when each gets a learning rate chosen the same
way. :func:`search_lr` runs one optimizer from one start point at every learning
rate of a log-spaced grid (one :func:`~mathcore.optimize.run_batch`, vectorised
across the grid) and picks the best by a stated criterion; :func:`tune` does so for
several optimizers. The whole table (lr, final loss, status, steps) is kept, so a
scene and a teacher can see what was chosen and what was not.

The criterion (:func:`score`), for runs with the same start, budget and tol:

1. Diverged runs are out.
2. A run that converged (‖∇f‖ < tol stopped it) beats every run that did not;
   among converged runs, fewer steps win. Their final losses are all at the
   rounding floor (about 1e-16 on Rosenbrock), too close to rank them by.
3. Otherwise, the lower loss after the budget of steps wins.
4. Ties go to the smaller learning rate.

The choice depends on the objective, the start point, the budget and the grid:
change any of them and the best learning rate (and so a race's winner) can change.

:func:`outcome` is what a run achieved, as the notebook's milestone prints it: the
final point, the final loss and the distance to the (nearest known) minimum.

Examples
--------
>>> from mathcore.functions import bowl, rosenbrock
>>> from mathcore.optimize import run
>>> from mathcore.optimizers import gd
>>> s = search_lr(bowl(), [4.0, 3.0], gd, lrs=[0.1, 0.5, 0.9, 1.5], steps=1000)
>>> s.best_lr, s.statuses.tolist()
(0.5, ['converged', 'converged', 'converged', 'diverged'])
>>> s.n_steps.tolist()  # lr = 0.5 lands on the minimum in one step
[93, 1, 93, 509]
>>> o = outcome(run(rosenbrock(), [-1.0, 1.0], gd(0.001), steps=10_000))
>>> o.history_length, round(o.final_loss, 6), round(o.distance, 6)
(10001, 5.7e-05, 0.016788)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore import curvature
from mathcore.functions import Objective
from mathcore.optimize import run, run_batch
from mathcore.optimizers import Optimizer, adam, gd, momentum, nesterov, rmsprop
from mathcore.trajectory import Trajectory
from mathcore.windows import Window

Array = NDArray[np.float64]
OptimizerFactory = Callable[[ArrayLike], Optimizer]

__all__ = [
    "OPTIMIZERS",
    "LrSearch",
    "Outcome",
    "StabilityProbe",
    "fastest_converged",
    "lr_grid",
    "outcome",
    "score",
    "search_lr",
    "stability_probe",
    "tune",
]

OPTIMIZERS: dict[str, OptimizerFactory] = {
    "GD": gd,
    "Momentum": momentum,
    "Nesterov": nesterov,
    "RMSprop": rmsprop,
    "Adam": adam,
}
"""The lesson's five optimizers by display name; torch.optim's defaults apart from lr."""


def lr_grid(low: float = 1e-5, high: float = 1.0, per_decade: int = 4) -> Array:
    """Learning rates from ``low`` to ``high``, ``per_decade`` per power of ten.

    Both ends are included; with the defaults, 21 rates from 1e-5 to 1.

    Examples
    --------
    >>> lr_grid(0.01, 1.0, 2).round(6).tolist()
    [0.01, 0.031623, 0.1, 0.316228, 1.0]
    >>> len(lr_grid())
    21
    """
    if not 0 < low < high or not np.isfinite(high):
        raise ValueError(f"need 0 < low < high < inf, got {low!r}, {high!r}")
    if per_decade < 1:
        raise ValueError(f"per_decade: need at least 1, got {per_decade!r}")
    lo, hi = np.log10(low), np.log10(high)
    n = round((hi - lo) * per_decade) + 1
    grid = np.logspace(lo, hi, max(int(n), 2))
    grid[0], grid[-1] = low, high  # exactly the ends asked for
    return grid


def score(status: str, n_steps: int, final_loss: float) -> tuple[int, float] | None:
    """A run's rank key under the criterion above: lower is better; None if out.

    Examples
    --------
    >>> score("converged", 40, 1e-17) < score("converged", 90, 1e-18) < score(
    ...     "max_steps", 100, 1e-30)
    True
    >>> score("diverged", 5, 1.0) is None
    True
    """
    if status == "diverged":
        return None
    if status == "converged":
        return 0, float(n_steps)
    return 1, float(final_loss)


@dataclass(frozen=True, eq=False)
class LrSearch:
    """One optimizer's learning-rate search: the table and the chosen row.

    Attributes
    ----------
    name : str
    lrs : array of shape (k,)
        The grid, increasing.
    final_losses : array of shape (k,)
        The loss where each run ended (a diverged run: its last finite loss).
    statuses : str array of shape (k,)
        ``"converged"``, ``"max_steps"`` or ``"diverged"``.
    n_steps : int array of shape (k,)
        Updates each run took.
    best : int
        Index of the chosen row.
    best_run : Trajectory
        The chosen run itself, ready to draw.
    steps, tol : the budget and tolerance every run had.
    """

    name: str
    lrs: Array
    final_losses: Array
    statuses: NDArray[np.str_]
    n_steps: NDArray[np.int64]
    best: int
    best_run: Trajectory
    steps: int
    tol: float

    @property
    def best_lr(self) -> float:
        """The chosen learning rate."""
        return float(self.lrs[self.best])

    @property
    def kept(self) -> NDArray[np.bool_]:
        """Rows still in the running: every run that did not diverge."""
        return self.statuses != "diverged"

    @property
    def best_loss(self) -> float:
        """The chosen run's final loss."""
        return float(self.final_losses[self.best])

    def rows(self) -> list[dict[str, Any]]:
        """The table as plain rows: lr, final_loss, status, n_steps, chosen."""
        return [
            {
                "lr": float(lr),
                "final_loss": float(loss),
                "status": str(status),
                "n_steps": int(n),
                "chosen": i == self.best,
            }
            for i, (lr, loss, status, n) in enumerate(
                zip(self.lrs, self.final_losses, self.statuses, self.n_steps, strict=True)
            )
        ]


def search_lr(
    objective: Objective,
    x0: ArrayLike,
    factory: OptimizerFactory,
    lrs: ArrayLike | None = None,
    steps: int = 2000,
    tol: float = 1e-8,
    name: str | None = None,
) -> LrSearch:
    """Run ``factory(lr)`` from ``x0`` at each lr of a grid; pick the best by :func:`score`.

    Parameters
    ----------
    objective : Objective
    x0 : array_like of shape (dim,)
    factory : callable lr -> optimizer
        E.g. :func:`~mathcore.optimizers.adam`; it must accept an array of lrs.
    lrs : array_like, increasing; default ``lr_grid()``
    steps, tol
        The budget and stopping tolerance of every run (see
        :func:`~mathcore.optimize.run`).
    name : str, optional
        A label for the table; defaults to the optimizer's own name.

    Raises
    ------
    ValueError
        If ``lrs`` is not increasing, or every run diverged.
    """
    grid = lr_grid() if lrs is None else np.asarray(lrs, dtype=np.float64)
    if grid.ndim != 1 or grid.size == 0 or np.any(np.diff(grid) <= 0):
        raise ValueError("lrs: need a non-empty, strictly increasing 1-D grid")
    optimizer = factory(grid)
    batch = run_batch(objective, x0, optimizer, steps, tol)
    final = batch.losses[:, -1]  # stopped runs repeat their last state to the end
    keys = [
        score(str(s), int(n), float(loss))
        for s, n, loss in zip(batch.status, batch.n_steps, final, strict=True)
    ]
    ranked = [(key, i) for i, key in enumerate(keys) if key is not None]
    if not ranked:
        raise ValueError(
            f"lrs: every run diverged, from {grid[0]:g} to {grid[-1]:g}; try smaller ones"
        )
    # Sorting (key, index) pairs: equal keys go to the smaller index, the smaller lr.
    best = min(ranked)[1]
    return LrSearch(
        name=name if name is not None else optimizer.name,
        lrs=batch.lr,
        final_losses=np.array(final),
        statuses=np.array(batch.status),
        n_steps=np.array(batch.n_steps),
        best=best,
        best_run=batch.trajectory(best),
        steps=steps,
        tol=tol,
    )


def tune(
    objective: Objective,
    x0: ArrayLike,
    optimizers: Mapping[str, OptimizerFactory] | Sequence[str] = tuple(OPTIMIZERS),
    lrs: ArrayLike | None = None,
    steps: int = 2000,
    tol: float = 1e-8,
) -> dict[str, LrSearch]:
    """:func:`search_lr` for each optimizer, all on the same grid, start and budget.

    ``optimizers`` maps display names to factories, or names keys of
    :data:`OPTIMIZERS`.

    Examples
    --------
    >>> from mathcore.functions import rosenbrock
    >>> best = tune(rosenbrock(), [-1.0, 1.0], ["GD", "Adam"], steps=2000)
    >>> {k: round(s.best_lr, 5) for k, s in best.items()}
    {'GD': 0.00178, 'Adam': 0.1}
    """
    chosen = (
        dict(optimizers)
        if isinstance(optimizers, Mapping)
        else {k: OPTIMIZERS[k] for k in optimizers}
    )
    return {
        name: search_lr(objective, x0, factory, lrs, steps, tol, name=name)
        for name, factory in chosen.items()
    }


@dataclass(frozen=True)
class Outcome:
    """What a run achieved, as the notebook's milestone prints it.

    Attributes
    ----------
    final_point : tuple of float
    final_loss : float
    minimum : tuple of float
        The objective's known minimum nearest to the final point.
    distance : float
        Euclidean distance from the final point to that minimum.
    n_steps : int
        Updates taken.
    history_length : int
        Points in the history, x0 included (the notebook's ``len(history)``).
    status : str
    """

    final_point: tuple[float, ...]
    final_loss: float
    minimum: tuple[float, ...]
    distance: float
    n_steps: int
    history_length: int
    status: str


def outcome(trajectory: Trajectory, minima: ArrayLike | None = None) -> Outcome:
    """The final point and loss of ``trajectory`` and its distance to the nearest
    minimum, of ``minima`` or else of the objective's known ones.

    Raises
    ------
    ValueError
        If there is no minimum to measure from.
    """
    if minima is None:
        minima = trajectory.objective.minima
    minima = np.asarray(minima, dtype=np.float64)
    if minima.size == 0:
        raise ValueError(f"{trajectory.objective.name}: no known minimum to measure from")
    final = np.asarray(trajectory.final, dtype=np.float64)
    distances = np.linalg.norm(minima - final, axis=-1)
    k = int(np.argmin(distances))
    return Outcome(
        final_point=tuple(float(v) for v in final),
        final_loss=float(trajectory.losses[-1]),
        minimum=tuple(float(v) for v in minima[k]),
        distance=float(distances[k]),
        n_steps=trajectory.n_steps,
        history_length=len(trajectory.points),
        status=trajectory.status,
    )


# --------------------------------------------------------------------------------------
# The stability bound 2/L.


@dataclass(frozen=True)
class StabilityProbe:
    """GD run a little past the stability bound 2/L.

    Attributes
    ----------
    bound : float
        2/L (:func:`mathcore.curvature.stable_rate`), with L the largest
        curvature at the start point or over a window.
    lr : float
        ``factor`` · bound, the rate actually run.
    trajectory : Trajectory
    growth : float
        The loss's mean factor per step, (f_n / f_0)^(1/n): above 1, it grows.
    """

    bound: float
    lr: float
    trajectory: Trajectory
    growth: float


def stability_probe(
    objective: Objective,
    x0: ArrayLike,
    factor: float,
    steps: int,
    tol: float = 1e-8,
    window: Window | None = None,
) -> StabilityProbe:
    """Run GD at ``factor`` times the stable learning rate 2/L, with L the largest
    curvature at ``x0`` (:func:`mathcore.curvature.largest_at`), or over ``window``
    when given (:func:`mathcore.curvature.largest`).

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> p = stability_probe(bowl(), [4.0, 3.0], factor=1.05, steps=10)
    >>> p.bound, p.lr, round(p.growth, 12)
    (1.0, 1.05, 1.21)
    """
    if window is None:
        L = curvature.largest_at(objective, x0)
    else:
        L = curvature.largest(objective, window)
    bound = curvature.stable_rate(L)
    if not math.isfinite(bound):
        raise ValueError("f curves nowhere upward here, so no step is too large")
    if not factor > 0:
        raise ValueError(f"factor: must be > 0, got {factor!r}")
    lr = float(factor) * bound
    traj = run(objective, x0, gd(lr), steps, tol)
    n = traj.n_steps
    growth = float((traj.losses[-1] / traj.losses[0]) ** (1.0 / n)) if n else 1.0
    return StabilityProbe(bound=bound, lr=lr, trajectory=traj, growth=growth)


def fastest_converged(trajectories: Sequence[Trajectory]) -> int | None:
    """Index of the converged run with the fewest steps (None if none converged).

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> from mathcore.optimize import run
    >>> from mathcore.optimizers import gd
    >>> runs = [run(bowl(), [4.0, 3.0], gd(lr), 100) for lr in (0.01, 0.3, 0.1)]
    >>> fastest_converged(runs)
    1
    """
    best: int | None = None
    for i, t in enumerate(trajectories):
        if t.status != "converged":
            continue
        if best is None or t.n_steps < trajectories[best].n_steps:
            best = i
    return best
