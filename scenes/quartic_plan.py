"""What QuarticRates (:mod:`scenes.quartic`) takes and settles before it draws, and
what it says: its parameters; a run per learning rate on the graph of f, the
plot's window and the points where f′ = 0, or one ParamError naming the parameter
to change; and its captions and descriptions, chosen from how the runs went.

Nothing here draws: every number comes from ``mathcore``, every sentence from
those numbers.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

import numpy as np

from lesson import params
from mathcore import critical, landscape, windows
from mathcore.functions import Objective
from mathcore.optimize import run
from mathcore.optimizers import gd
from mathcore.runs import graph_points
from mathcore.trajectory import Trajectory
from mathcore.windows import Window
from scenes.kit import numbers
from scenes.kit.paths import outcome_words

# A ball's colour per rate, by role (look.swatch): so at most this many rates; the
# function's own colour (blue) is left to its curve.
QUARTIC_COLOURS = ("point", "ink", "good", "tangent")


@dataclass(frozen=True)
class QuarticRatesParams(params.Params):
    """Exercise 2: f(x) = x⁴ − 3x³ + 2 from x0 = 4 with four learning rates.

    The exercise names no step count; 100 is ``gradient_descent``'s default.
    """

    function: Annotated[str, params.Formula(1)] = "quartic"
    """The function to descend: a catalogue name or a formula in x."""
    x0: params.Coordinate = 4.0
    """Where every run starts."""
    rates: Annotated[tuple[params.Rate, ...], params.Items(1, len(QUARTIC_COLOURS))] = (
        0.001,
        0.01,
        0.05,
        0.1,
    )
    """The learning rates compared, one ball each (at most four)."""
    steps: params.Steps = 100
    """The most updates each run takes."""
    tol: params.Tolerance = 1e-8
    """A run stops once |f′| is below this."""
    window: Annotated[Window, params.Region(1, empty=True)] = ()
    """The least the plot shows, x then f; grown to hold the start, the points
    where f′ = 0 and the runs that do not run away. Empty: framed around those
    alone (x at least over the function's own domain)."""
    curve_samples: Annotated[int, params.Between(2, 5000)] = 400
    """Points the curve of f is drawn through."""
    first_seconds: params.Seconds = 2.0
    """Seconds for step 0 → 1, slowed down: the jumps happen there."""
    early_steps: Annotated[float, params.Between(0.0, params.MAX_STEPS)] = 20.0
    """Steps shown at the early pace."""
    early_seconds: params.Seconds = 4.0
    """Seconds the early steps take."""
    late_seconds: params.Seconds = 3.0
    """Seconds the remaining steps take."""

    def check(self) -> None:
        """Refuse a function or start the scene cannot show (see :func:`balls`)."""
        balls(self)


@dataclass(frozen=True)
class Balls:
    """What QuarticRates shows: the runs, the plot's window and ticks, where f′ = 0."""

    f: Objective
    runs: tuple[Trajectory, ...]
    verdicts: tuple[landscape.Verdict, ...]
    window: Window
    ticks: tuple[tuple[float, ...], tuple[float, ...]]
    landmarks: tuple[critical.StationaryPoint, ...]


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def balls(p: QuarticRatesParams) -> Balls:
    """The runs of ``p`` on the graph of f; ParamError when it cannot be shown."""
    f = params.objective(p.function, 1)
    with params.refused():
        runs = tuple(run(f, [p.x0], gd(lr), p.steps, p.tol) for lr in p.rates)
        xs = np.concatenate([[p.x0], *[landscape.shown_points(t)[:, 0] for t in runs]])
        least = p.window[0] if p.window else f.domain[0]
        x_window = windows.frame(xs[:, None], (least,), margin=0.05)
        landscape.require_finite(f, x_window)
        marks = critical.stationary_points(f, x_window[0])
        if not any(m.kind == "minimum" for m in marks):
            raise landscape.UnshowableError(f"f has no minimum for x in {x_window[0]}")
        shown = np.concatenate([xs, [m.x for m in marks]])
        heights = np.column_stack([shown, f.value(shown[:, None])])
        # Headroom above and below: a ball that leaves the plot gets an arrow.
        window = windows.frame(heights, margin=0.15)
        if p.window:
            window = windows.frame(heights, (x_window[0], p.window[1]), margin=0.15)
    verdicts = tuple(landscape.verdict(t, window, (), graph_points(t)) for t in runs)
    ticks = (windows.ticks(window[0], 7), windows.ticks(window[1], 5))
    return Balls(f, runs, verdicts, window, ticks, tuple(marks))


KINDS = {"minimum": "a minimum", "flat": "not a minimum", "maximum": "a maximum"}
"""A point where f′ = 0, by its kind, as descriptions say it."""


def function_draws(b: Balls) -> str:
    """What the step "The function" draws, in words."""
    (lo, hi), _ = b.window
    said = (
        f"A plot of f for x from {numbers.fmt(lo)} to {numbers.fmt(hi)}, its formula above."
    )
    if not b.landmarks:
        return said
    return f"{said} Marks show where f′ = 0: {landmarks_text(b.landmarks)}."


def landmarks_text(landmarks) -> str:
    """The points where f′ = 0, each with its kind, listed."""
    return numbers.listed([f"x = {numbers.fmt(m.x)}, {KINDS[m.kind]}" for m in landmarks])


def _result_words(t: Trajectory, v: landscape.Verdict) -> str:
    """A run's result as the legend writes it, in words."""
    if v.status == "diverged":
        return f"{outcome_words(v)}, its first step to x = {numbers.fmt(t.points[1, 0])}"
    if v.status == "stopped":
        return f"not there after {t.n_steps} steps, at x = {numbers.fmt(t.final[0])}"
    return outcome_words(v)


def _results_text(b: Balls, shown: Sequence[int]) -> str:
    """The results of the runs ``shown`` (indices), as the legend writes them."""
    return "; ".join(
        f"η = {numbers.fmt(b.runs[i].lr)}: {_result_words(b.runs[i], b.verdicts[i])}"
        for i in shown
    )


def diverged_draws(b: Balls, diverged: list[int]) -> str:
    """What the step "Too large" draws, in words."""
    if not diverged:
        return "No ball leaves: the picture stays as it is."
    return f"Under the legend, the runs that diverge: {_results_text(b, diverged)}."


def best_draws(b: Balls, best: int | None, diverged: list[int]) -> str:
    """What the step "Which rate is best" draws, in words."""
    rest = [i for i in range(len(b.runs)) if i not in diverged]
    shown = f"The other results appear: {_results_text(b, rest)}." if rest else ""
    if best is None:
        return shown or "No other result appears: every run diverged."
    return f"{shown} The fastest to converge, η = {numbers.fmt(b.runs[best].lr)}, is boxed."


def too_large_caption(b: Balls, diverged: list[int]) -> str:
    """The caption of the step "Too large": how the first run that diverges went."""
    if not diverged:
        return "None of these rates is too large for this start."
    t, v = b.runs[diverged[0]], b.verdicts[diverged[0]]
    fate = (
        f"by step {t.diverged_at} the numbers overflow"
        if t.status == "diverged"
        else f"from step {v.step} on it is off the plot, climbing"
    )
    also = [f"η = {numbers.fmt(b.runs[i].lr)}" for i in diverged[1:]]
    too = f" With {numbers.listed(also)} it diverges too." if also else ""
    return (
        f"Too large: with η = {numbers.fmt(t.lr)} the first step throws x to "
        f"{numbers.fmt(float(t.points[1, 0]))}. Then {fate}: the run diverges.{too}"
    )


def best_caption(runs: list[Trajectory], best: int | None) -> str:
    """The caption of the step "Which rate is best": the fastest to converge, and
    how the others did. Where converged runs end in different minima, each says
    where (f there too): the fastest is then only the fastest, not the best."""
    ends = {_end(t) for t in runs if t.status == "converged"}
    where = (lambda t: f", to {_end(t)}") if len(ends) > 1 else (lambda t: "")
    parts = []
    for i, t in enumerate(runs):
        if i == best:
            continue
        if t.status == "converged":
            parts.append(f"η = {numbers.fmt(t.lr)} takes {t.n_steps} steps{where(t)}")
        elif _closing_in(t):
            parts.append(
                f"η = {numbers.fmt(t.lr)} is still at "
                f"x = {numbers.fmt(float(t.final[0]))} "
                f"after {t.n_steps} steps"
            )
    others = "".join(f" {part}." for part in parts)  # "η = …": η stays lower case
    if best is None:  # those still closing in, said: none converged, not none moved
        return f"None of these rates converges within the step limit.{others}"
    t = runs[best]
    lead = "Fastest" if len(ends) > 1 else "Best"
    return (
        f"{lead} here: η = {numbers.fmt(t.lr)}, converged in {t.n_steps} steps"
        f"{where(t)}.{others}"
    )


def _end(t: Trajectory) -> str:
    """Where a run ended, as the last step's caption writes a minimum."""
    return f"x = {numbers.fmt(float(t.final[0]))} (f = {numbers.fmt(t.losses[-1], 2)})"


def _closing_in(t: Trajectory) -> bool:
    """Whether a run the steps ran out on was still getting somewhere: lower and
    flatter than where it started (a ball rolling off to −∞ is lower, not flatter)."""
    return (
        t.status == "max_steps"
        and t.losses[-1] <= t.losses[0]
        and t.grad_norms[-1] < t.grad_norms[0]
    )


def minima_caption(landmarks) -> str:
    """The caption of the last step: where f′ = 0, and which of those are minima."""
    minima = [m for m in landmarks if m.kind == "minimum"]
    at = [f"x = {numbers.fmt(m.x)} (f = {numbers.fmt(m.value, 2)})" for m in minima]
    parts = []
    if len(minima) == 1:
        parts.append(f"The only minimum is {at[0]}.")
    elif minima:
        count = numbers.number_word(len(minima)).capitalize()
        parts.append(f"{count} minima: {numbers.listed(at)}.")
    for m in landmarks:
        if m.kind == "flat":
            trend = "falling" if m.slope_signs[0] < 0 else "rising"
            parts.append(
                f"At x = {numbers.fmt(m.x)}, f′ = 0 too, but f keeps {trend}: "
                "not a minimum."
            )
        elif m.kind == "maximum":
            parts.append(f"At x = {numbers.fmt(m.x)} f has a maximum.")
    return " ".join(parts) if parts else "No point in this window has f′ = 0."
