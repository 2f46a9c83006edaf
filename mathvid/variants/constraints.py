"""What a variant must show (``must = [...]`` in ``[variants.ID]``), decided on
``mathcore`` alone, never on the scene's drawing: the runs a scene shows are run
again here (:func:`scene_runs`) and each constraint read off them.

- ``converges``: ‖∇f‖ < tol within the scene's steps (descent, rosenbrock: its run;
  race: every entrant at the rate the scene picks; learning-rates, quartic: at
  least one run).
- ``diverges``: at least one run overflows, or ends higher than it started with
  its gradient grown (running away).
- ``minima-apart D``: f's minima on the scene's map (its window, grown as the scene
  grows it around the runs) pairwise at least D apart.
- ``shown-within M``: every number the scene writes (:mod:`mathvid.variants.facts`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from lesson.params import objective
from lesson.variants import constraint
from mathcore import critical, landscape, windows
from mathcore.functions import Objective
from mathcore.optimize import run
from mathcore.optimizers import gd
from mathcore.trajectory import Trajectory
from mathcore.tuning import lr_grid, tune


@dataclass(frozen=True)
class SceneRuns:
    """The runs a scene shows, recomputed: f, each run by its label, whether
    ``converges`` asks it of ``every`` run (else of one), and f's window."""

    f: Objective
    runs: tuple[tuple[str, Trajectory], ...]
    every: bool
    window: Any
    steps: int  # the most updates a run takes (the longest, when they differ)


def scene_runs(params: Any) -> SceneRuns | None:
    """The runs of a scene with ``params`` (its Params), from mathcore; None for a
    scene without a run.

    >>> from scenes.descent import DescentBowlParams
    >>> r = scene_runs(DescentBowlParams())
    >>> [(label, t.status, t.n_steps) for label, t in r.runs]
    [('the run', 'converged', 41)]
    """
    kind = type(params).__name__
    if kind not in RUNS:
        return None
    return RUNS[kind](params)


def _one_run(p: Any) -> SceneRuns:
    f = objective(p.function, 2)
    the_run = run(f, p.x0, gd(p.lr), p.steps, p.tol)
    return SceneRuns(f, (("the run", the_run),), True, framed([the_run], p.window), p.steps)


def _rates(p: Any) -> SceneRuns:
    f = objective(p.function, 2)
    runs = [
        (f"η = {lr:g}", run(f, p.x0, gd(lr), p.panel_steps, p.tol)) for lr in p.panel_rates
    ]
    runs += [
        (f"η = {lr:g}", run(f, p.x0, gd(lr), p.curve_steps, p.tol)) for lr in p.curve_rates
    ]
    steps = max(p.panel_steps, p.curve_steps)
    window = framed([t for _, t in runs[: len(p.panel_rates)]], p.window)
    return SceneRuns(f, tuple(runs), False, window, steps)


def _quartic(p: Any) -> SceneRuns:
    f = objective(p.function, 1)
    runs = tuple((f"η = {lr:g}", run(f, [p.x0], gd(lr), p.steps, p.tol)) for lr in p.rates)
    least = p.window[:1] if p.window else f.domain[:1]
    xs = np.concatenate([[[p.x0]], *(landscape.shown_points(t) for _, t in runs)])
    return SceneRuns(f, runs, False, windows.frame(xs, least, margin=0.05), p.steps)


def _race(p: Any) -> SceneRuns:
    f = objective(p.function, 2)
    lrs = lr_grid(*p.lr_range, p.lrs_per_decade)
    searches = tune(f, p.x0, list(p.optimizers), lrs, p.steps, p.tol)
    runs = tuple((n, s.best_run) for n, s in searches.items())
    return SceneRuns(f, runs, True, framed([t for _, t in runs], p.window), p.steps)


def framed(runs: list[Trajectory], at_least: Any) -> Any:
    """The map's window a scene frames around ``runs`` (those that do not run away)
    and its own least window, as :func:`mathcore.landscape.view` frames it."""
    shown = np.concatenate([landscape.shown_points(t) for t in runs])
    return windows.frame(shown, at_least, square=True)


RUNS = {
    "DescentBowlParams": _one_run,
    "RosenbrockMilestoneParams": _one_run,
    "LearningRatesParams": _rates,
    "QuarticRatesParams": _quartic,
    "OptimizerRaceParams": _race,
}
"""Each scene with runs, by its Params' name, and how its runs are recomputed."""


def diverges(t: Trajectory) -> bool:
    """The run overflowed, or ended higher than it started with its gradient grown.

    >>> from mathcore.functions import bowl
    >>> [diverges(run(bowl(), [4.0, 3.0], gd(lr), 20)) for lr in (1.05, 0.9)]
    [True, False]
    """
    if t.status == "diverged":
        return True
    return bool(t.losses[-1] > t.losses[0] and t.grad_norms[-1] > t.grad_norms[0])


def failures(scene_id: str, must: tuple[str, ...], runs: SceneRuns | None) -> list[str]:
    """The reasons scene ``scene_id``'s ``runs`` fail its ``must`` list, a line each
    (``shown-within``, read off the silent run, is :mod:`mathvid.variants.facts`').

    >>> from scenes.descent import DescentBowlParams
    >>> from dataclasses import replace
    >>> short = scene_runs(replace(DescentBowlParams(), steps=20))
    >>> failures("descent", ("converges",), short)
    ['descent: does not converge within 20 steps']
    """
    reasons = []
    for text in must:
        name, number = constraint(text)
        if runs is None or name == "shown-within":
            continue
        if name == "converges":
            done = [t.status == "converged" for _, t in runs.runs]
            if not (all(done) if runs.every else any(done)):
                reasons.append(_not_converged(scene_id, runs, done))
        elif name == "diverges" and not any(diverges(t) for _, t in runs.runs):
            reasons.append(f"{scene_id}: no run diverges")
        elif name == "minima-apart" and _closest_minima(runs) < number:
            reasons.append(f"{scene_id}: two minima closer than {number:g}")
    return reasons


def _not_converged(scene_id: str, runs: SceneRuns, done: list[bool]) -> str:
    """Why ``converges`` failed, in a teacher's words."""
    budget = f"within {runs.steps:,} steps"
    if len(runs.runs) == 1:
        return f"{scene_id}: does not converge {budget}"
    if runs.every:
        late = [label for (label, _), ok in zip(runs.runs, done, strict=True) if not ok]
        return f"{scene_id}: {late[0]} does not converge {budget}"
    return f"{scene_id}: no run converges {budget}"


def _closest_minima(runs: SceneRuns) -> float:
    """The least distance between two of f's minima on the scene's window (inf
    for fewer than two)."""
    points = [np.array(m.point) for m in critical.minima(runs.f, runs.window)]
    pairs = itertools.combinations(points, 2)
    return min((float(np.linalg.norm(a - b)) for a, b in pairs), default=float("inf"))


def without_runs(must: tuple[str, ...]) -> list[str]:
    """The constraints of ``must`` that need a run (refused on a scene without one).

    >>> without_runs(("converges", "shown-within 10", "minima-apart 1"))
    ['converges', 'minima-apart 1']
    """
    return [m for m in must if constraint(m)[0] != "shown-within"]
