"""What OptimizerRace (:mod:`scenes.race`) takes and settles before it draws, and
what it says: its parameters; each optimizer's learning-rate search on one grid,
its best run and their map (:func:`scenes.plans.run_map`), or one ParamError
naming the parameter to change; and its words, chosen from how the race went.

Nothing here draws: every number comes from ``mathcore``, every sentence from
those numbers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Annotated, Any

from lesson import params
from mathcore import landscape
from mathcore.functions import Objective
from mathcore.trajectory import Trajectory
from mathcore.tuning import OPTIMIZERS, LrSearch, lr_grid, tune
from mathcore.windows import Window
from scenes.kit import numbers, plots
from scenes.plans import RunMap, run_map

# Each optimizer's colour by role (look.swatch: its path, legend row and loss
# curve): the optimizers that can race.
OPTIMIZER_COLOURS = {
    "GD": "tangent",
    "Momentum": "secant",
    "Nesterov": "ink",
    "RMSprop": "curve",
    "Adam": "good",
}


@dataclass(frozen=True)
class OptimizerRaceParams(params.Params):
    """Five optimizers on Rosenbrock from (−1, 1), each at its best lr from one grid."""

    function: Annotated[str, params.Formula(2)] = "rosenbrock"
    """The function to descend: a catalogue name or a formula in x and y."""
    x0: params.Point = (-1.0, 1.0)
    """Where every run starts."""
    optimizers: Annotated[
        tuple[Annotated[str, params.OneOf(tuple(OPTIMIZERS))], ...], params.Items(1, 5)
    ] = (
        "GD",
        "Momentum",
        "Nesterov",
        "RMSprop",
        "Adam",
    )
    """The optimizers that race, the first drawn on top (of GD, Momentum, Nesterov,
    RMSprop, Adam)."""
    steps: params.Steps = 2000
    """The most updates each run takes, in the race and in the tuning."""
    tol: params.Tolerance = 1e-8
    """A run stops once ‖∇f‖ is below this."""
    lr_range: tuple[params.Rate, params.Rate] = (1e-5, 1.0)
    """The smallest and largest learning rate tried for each optimizer."""
    lrs_per_decade: Annotated[int, params.Between(1, 20)] = 4
    """Learning rates tried per power of ten (log-spaced); each optimizer races
    with its best."""
    window: Annotated[Window, params.Region(2)] = ((-2.0, 2.0), (-1.0, 3.0))
    """The least the map shows (the notebook's axes); grown to hold the start, the
    runs and the minima they reach."""
    contour_samples: params.Samples = 200
    """Grid points per side the contour lines are traced on (the notebook's 200)."""
    levels: tuple[params.Level, params.Level, params.LevelCount] = (0.1, 1000.0, 20)
    """Contour levels (lowest, highest, how many), evenly spaced on a log scale (the
    notebook's np.logspace(-1, 3, 20)); levels that fit f when most miss its range."""
    path_arc_points: Annotated[int, params.Between(2, 5000)] = 400
    """Points of each drawn path spaced evenly along its length."""
    path_step_points: params.PathPoints = 60
    """Points of each drawn path at its first steps, where each step still shows."""
    arc_weight: params.Share = 0.5
    """How screen time is shared: this part by distance travelled, the rest by steps."""
    race_seconds: params.Seconds = 12.0
    """Seconds the race takes on screen."""
    loss_tick_decades: Annotated[int, params.Between(1, 10)] = 3
    """Powers of ten between the ticks of the tuning plot's loss axis."""

    def check(self) -> None:
        """Refuse a function, start or learning-rate grid the scene cannot show (an
        optimizer whose best run still diverges: see :func:`race`)."""
        race(self)


def race_searches(f: Objective, p: OptimizerRaceParams) -> dict[str, LrSearch]:
    """Each optimizer's learning-rate search on ``p``'s grid; ParamError naming the
    parameter when an optimizer is unknown, the grid is not one, or every rate of
    the grid diverges for an optimizer."""
    unknown = [name for name in p.optimizers if name not in OPTIMIZER_COLOURS]
    if unknown or not p.optimizers:
        raise params.ParamError(
            "optimizers",
            f"choose among {', '.join(OPTIMIZER_COLOURS)}, got {list(p.optimizers)}",
        )
    try:
        lrs = lr_grid(*p.lr_range, p.lrs_per_decade)
    except ValueError as err:
        raise params.ParamError("lr_range", str(err)) from None
    searches = {}
    for name in p.optimizers:
        try:
            searches |= tune(f, p.x0, [name], lrs, p.steps, p.tol)
        except ValueError as err:  # every run of this optimizer diverged
            why = str(err).removeprefix("lrs: ")
            raise params.ParamError("lr_range", f"{name}: {why}") from None
    return searches


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def race(p: OptimizerRaceParams) -> tuple[RunMap, dict[str, LrSearch]]:
    """Each optimizer's best run on ``p``'s grid, and their map
    (:func:`scenes.plans.run_map`); ParamError naming ``lr_range`` when an
    optimizer's best run still diverges, since a race cannot show it."""
    f = params.objective(p.function, 2)
    searches = race_searches(f, p)
    runs = {name: s.best_run for name, s in searches.items()}

    def diverged(name: str, v: landscape.Verdict) -> params.ParamError:
        return params.ParamError(
            "lr_range",
            f"{name}'s best rate on the grid, {searches[name].best_lr:g}, diverges at "
            f"step {v.step}: a race cannot show it; try smaller learning rates",
        )

    sv = run_map(f, runs, p.window, p.levels, diverged)
    params.log_plottable([s.final_losses[s.kept] for s in searches.values()])
    return sv, searches


def race_facts(runs: dict[str, Trajectory]) -> dict[str, Any]:
    """What the race's words state: who races, each one's final loss, who ends lowest."""
    finals = {name: float(t.losses[-1]) for name, t in runs.items()}
    lowest = [name for name, loss in finals.items() if loss == min(finals.values())]
    return {"racers": list(runs), "final_losses": finals, "lowest": lowest}


def entrants(n: int) -> str:
    """The first step's name (it reaches files, chapters and slides): the count raced.

    >>> entrants(5), entrants(1)
    ('Five optimizers', 'One optimizer')
    """
    return f"{numbers.number_word(n).capitalize()} {numbers.plural(n, 'optimizer')}"


def standings(facts: dict[str, Any]) -> str:
    """Who ended lowest, as a sentence.

    >>> standings({"racers": ["GD", "Adam"], "lowest": ["Adam"]})
    'This time Adam ends lowest.'
    >>> standings({"racers": ["GD"], "lowest": ["GD"]})
    'GD races alone.'
    """
    if len(facts["racers"]) == 1:
        return f"{facts['racers'][0]} races alone."
    lowest = facts["lowest"]
    if len(lowest) == len(facts["racers"]):
        return "This time they all end at the same loss."
    if len(lowest) == 1:
        return f"This time {lowest[0]} ends lowest."
    return f"This time {numbers.listed(lowest)} end lowest, level."


def line_up_draws(
    p: OptimizerRaceParams, sv: RunMap, searches: dict[str, LrSearch], n_lrs: int
) -> str:
    """What the race's first step draws, in words."""
    chosen = numbers.listed(
        [f"{name} {numbers.fmt(s.best_lr, 5)}" for name, s in searches.items()]
    )
    return (
        f"The contour map of f, with {plots.start_text(p.x0, sv.view.minima, 'a ring')}."
        f" Beside: each optimizer with its best learning rate of {n_lrs}: {chosen}."
    )
