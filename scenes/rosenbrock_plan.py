"""What RosenbrockMilestone (:mod:`scenes.rosenbrock`) takes and settles before it
draws, and what it says: its parameters; the run and its map
(:func:`scenes.plans.run_map`), or one ParamError naming the parameter to change;
and its captions, chosen from how the run and its loss went.

Nothing here draws: every number comes from ``mathcore``, every sentence from
those numbers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from lesson import params
from mathcore import landscape
from mathcore.functions import Objective
from mathcore.optimize import run
from mathcore.optimizers import gd
from mathcore.trend import LossTrend
from mathcore.tuning import Outcome
from mathcore.windows import Window
from scenes.kit import numbers
from scenes.plans import RunMap, run_map

INSET_FROM = 5e-7
"""The least distance to the minimum the inset magnifies: one that shows with six
decimals."""


@dataclass(frozen=True)
class RosenbrockMilestoneParams(params.Params):
    """The notebook's milestone: GD from (−1, 1), lr 0.001, 10,000 steps."""

    function: Annotated[str, params.Formula(2)] = "rosenbrock"
    """The function to descend: a catalogue name or a formula in x and y."""
    x0: params.Point = (-1.0, 1.0)
    """Where the run starts."""
    lr: params.Rate = 0.001
    """The learning rate η."""
    steps: params.Steps = 10_000
    """The most updates the run takes."""
    tol: params.Tolerance = 1e-8
    """The run stops once ‖∇f‖ is below this."""
    window: Annotated[Window, params.Region(2)] = ((-2.0, 2.0), (-1.0, 3.0))
    """The least the map shows (the notebook's axes); grown to hold the start, the
    run and the minimum it reaches."""
    contour_samples: params.Samples = 200
    """Grid points per side the contour lines are traced on (the notebook's 200)."""
    levels: tuple[params.Level, params.Level, params.LevelCount] = (0.1, 1000.0, 20)
    """Contour levels (lowest, highest, how many), evenly spaced on a log scale (the
    notebook's np.logspace(-1, 3, 20)); levels that fit f when most miss its range."""
    path_arc_points: Annotated[int, params.Between(2, 5000)] = 600
    """Points of the drawn path spaced evenly along its length."""
    path_step_points: params.PathPoints = 100
    """Points of the drawn path at its first steps, where each step still shows."""
    loss_points: Annotated[int, params.Between(2, 5000)] = 300
    """Points the loss curve is drawn with."""
    loss_tick_steps: params.Steps = 5000
    """Steps between the ticks of the loss curve's step axis."""
    zoom_margin: Annotated[float, params.Between(0.0, 10.0)] = 0.5
    """The inset around the end and the minimum: this fraction of their gap on
    every side."""
    zoom_levels: tuple[params.Level, params.Level, params.LevelCount] = (1e-6, 1e-2, 9)
    """The inset's contour levels (lowest, highest, how many), log-spaced."""
    zoom_samples: params.Samples = 120
    """Grid points per side the inset's contour lines are traced on."""
    arc_weight: params.Share = 0.5
    """How screen time is shared: this part by distance travelled, the rest by steps."""
    descent_seconds: params.Seconds = 12.0
    """Seconds the run takes on screen."""
    loss_seconds: params.Seconds = 6.0
    """Seconds the loss curve takes to draw."""

    def check(self) -> None:
        """Refuse a function, start or rate it cannot show (see :func:`milestone`)."""
        milestone(self)


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def milestone(p: RosenbrockMilestoneParams) -> RunMap:
    """The milestone's run and its map (:func:`scenes.plans.run_map`); ParamError
    naming ``lr`` when the run diverges, since the scene cannot show it."""
    f = params.objective(p.function, 2)
    runs = {"GD": run(f, p.x0, gd(p.lr), p.steps, p.tol)}
    if runs["GD"].n_steps == 0:
        why = f"‖∇f‖ is below tol = {p.tol:g} at the start: the run takes no step"
        raise params.ParamError("x0", why)

    def diverged(name: str, v: landscape.Verdict) -> params.ParamError:
        why = f"with η = {p.lr:g} the run diverges at step {v.step}: try a smaller η"
        return params.ParamError("lr", why)

    return run_map(f, runs, p.window, p.levels, diverged)


def descent_caption(trend: LossTrend, lr: float) -> str:
    """What the run does, step by step: "downhill every time" only when it is.

    >>> from mathcore.trend import loss_trend
    >>> descent_caption(loss_trend([4.0, 3.0, 2.0]), 0.001)
    '2 small steps of size 0.001, downhill every time.'
    >>> descent_caption(loss_trend([4.0, 5.0, 4.5, 6.0] + [3.0] * 30), 0.002)
    '33 small steps of size 0.002. The loss rises twice in the first 3, then falls.'
    """
    steps = f"{trend.steps:,} small {numbers.plural(trend.steps, 'step')} of size {lr:g}"
    if trend.falls_every_step:
        return f"{steps}, downhill every time."
    if trend.rises == 0:
        return f"{steps}. None goes up, but {trend.flat:,} leave the loss where it was."
    rises = numbers.times_word(trend.rises)
    if trend.last_rise <= max(trend.steps // 10, 1):
        return (
            f"{steps}. The loss rises {rises} in the first {trend.last_rise:,}, then falls."
        )
    ends = "lower" if trend.fell else "higher"
    return f"{steps}. Not every step goes down: the loss rises {rises}, and ends {ends}."


def loss_caption(trend: LossTrend) -> str:
    """The loss curve in words: "slower and slower" only when it slows.

    >>> from mathcore.trend import loss_trend
    >>> loss_caption(loss_trend([1000.0, 100.0, 50.0, 40.0, 35.0]))
    'On a log scale the loss keeps falling, slower and slower.'
    >>> loss_caption(loss_trend([1.0, 2.0, 0.5, 0.25]))
    'On a log scale the loss rises at first, then falls.'
    """
    if trend.falls_every_step:
        how = "slower and slower" if trend.slowing else "at every step"
        return f"On a log scale the loss keeps falling, {how}."
    if trend.rises == 0:
        return "On a log scale the loss never rises, though it does not always fall."
    if not trend.fell:
        return "On a log scale the loss ends higher than it started."
    if trend.last_rise <= max(trend.steps // 10, 1):
        return "On a log scale the loss rises at first, then falls."
    return "On a log scale the loss goes up and down, and ends lower than it started."


def loss_digits(value: float, sci: Callable[[float], str] = numbers.sci) -> str:
    """A loss with the notebook's six decimals, or ``sci`` (LaTeX, or
    :func:`~scenes.kit.numbers.sci_text` for words) when that would show only zeros
    or too many digits.

    >>> loss_digits(0.25), loss_digits(1.4e-11, numbers.sci_text)
    ('0.250000', '1.4 × 10^-11')
    """
    if value == 0 or 1e-6 <= abs(value) < 1e5:
        return f"{value:.6f}"
    return sci(value)


def milestone_draws(p: RosenbrockMilestoneParams, result: Outcome) -> str:
    """What the step "Milestone" draws, in words."""
    shown = loss_digits(result.final_loss, numbers.sci_text)
    final = numbers.point_text(result.final_point, lambda v: numbers.fmt(v, 6))
    return (
        f"The results replace the column: {result.n_steps:,} steps at lr "
        f"{numbers.fmt(p.lr, 6)}, the final point {final}, the final loss {shown}, and "
        f"the distance to {numbers.point_text(result.minimum)}, {result.distance:.6f}."
        + (" An inset magnifies the gap." if result.distance >= INSET_FROM else "")
    )


def intro_caption(f: Objective, minima) -> str:
    """The caption of the step "The function": where its minimum is, or how many."""
    if len(minima) == 1:
        where = numbers.point_text(minima[0].point)
        return f"Its minimum is at {where}: gradient descent sets off to find it."
    return (
        f"This function has {len(minima)} minima in view: "
        "gradient descent will find one of them."
    )


def milestone_caption(result: Outcome) -> str:
    """The caption of the step "Milestone": where the run ended."""
    where = numbers.point_text(result.minimum)
    if result.status == "converged":
        return f"After {result.n_steps:,} steps: at the minimum {where}."
    return (
        f"After {result.n_steps:,} steps: {numbers.fmt(result.distance)} from {where}, "
        "not there yet."
    )
