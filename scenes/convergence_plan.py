"""What ConvergenceRate (:mod:`scenes.convergence`) takes and settles before it draws,
and what it says: its parameters; the runs at η = 1/L on three functions and the
closing runs near 2/L, from :mod:`mathcore.convergence`, or one ParamError naming
the parameter to change; and its captions, chosen from how those runs went.

Nothing here draws: every number comes from ``mathcore``, every sentence from
those numbers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import numpy as np

from lesson import params
from mathcore import landscape, windows
from mathcore.convergence import LinearRun, linear_run, valley_levels
from mathcore.functions import Objective
from mathcore.logaxis import LogScale, log_scale
from scenes.kit import numbers


@dataclass(frozen=True)
class ConvergenceRateParams(params.Params):
    """Three quadratics of κ = 1, 10, 100 from one start, 50 steps at η = 1/L."""

    functions: Annotated[
        tuple[Annotated[str, params.Formula(2)], ...], params.Items(3, 3)
    ] = ("(x^2 + y^2)/2", "(x^2 + 10*y^2)/2", "(x^2 + 100*y^2)/2")
    """Three functions of x and y (catalogue names or formulas), strongly convex
    on the window."""
    x0: params.Point = (4.0, 3.0)
    """Where every run starts."""
    steps: Annotated[int, params.Between(1, 1000)] = 50
    """The most updates each run takes."""
    tol: params.Tolerance = 1e-8
    """A run stops once ‖∇f‖ is below this."""
    window: Annotated[windows.Window, params.Region(2)] = ((-5.0, 5.0), (-5.0, 5.0))
    """Where μ and L are measured (the runs at η = 1/L must stay in it) and the
    least the maps show."""
    closing_factors: Annotated[
        tuple[Annotated[float, params.Between(0.0, 10.0, low_open=True)], ...],
        params.Items(2, 2),
    ] = (1.9, 2.05)
    """The closing runs' steps on the largest κ, as multiples of 1/L: one
    below 2/L, one past it."""
    n_levels: Annotated[int, params.Between(2, 60)] = 10
    """How many contour lines per map."""
    contour_samples: params.Samples = 81
    """Grid points per side the contour lines are traced on."""
    run_seconds: params.Seconds = 4.0
    """Seconds the runs at η = 1/L take."""
    curve_seconds: params.Seconds = 3.0
    """Seconds the gaps take to draw on the log axis."""
    closing_seconds: params.Seconds = 4.0
    """Seconds the closing runs take."""

    def check(self) -> None:
        """Refuse functions or a start the scene cannot show (see :func:`plan`)."""
        plan(self)


@dataclass(frozen=True)
class Plan:
    """What ConvergenceRate shows, from mathcore: the functions, their runs at
    η = 1/L, the map they share, the log axis of the gaps, and the closing runs on
    the function of largest κ (``steep``)."""

    fs: tuple[Objective, ...]
    runs: tuple[LinearRun, ...]
    view: landscape.View
    levels: tuple[np.ndarray, ...]
    scale: LogScale
    steep: int
    closing: tuple[LinearRun, ...]
    verdicts: tuple[landscape.Verdict, ...]


def _functions(specs: tuple[str, ...]) -> tuple[Objective, ...]:
    fs = []
    for i, spec in enumerate(specs):
        try:
            fs.append(params.objective(spec, 2))
        except params.ParamError as err:
            raise params.ParamError("functions", f"functions[{i}]: {err}") from None
    return tuple(fs)


def _runs(p: ConvergenceRateParams, fs: tuple[Objective, ...]) -> tuple[LinearRun, ...]:
    """Each function's run at η = 1/L; ParamError when the theorem does not apply."""
    runs = []
    for i, f in enumerate(fs):
        try:
            with params.refused("functions"):
                r = linear_run(f, p.x0, p.window, p.steps, 1.0, p.tol)
        except params.ParamError as err:
            raise params.ParamError("functions", f"functions[{i}]: {err}") from None
        except ValueError as err:  # f or ∇f not finite at the start
            raise params.ParamError("x0", str(err)) from None
        if r.left_at is not None:
            raise params.ParamError(
                "window",
                f"the run on functions[{i}] at η = 1/L leaves the window at step "
                f"{r.left_at}, where μ and L were not measured: widen it",
            )
        if not r.holds:  # μ or L sampled on a grid, off between its points
            raise params.ParamError(
                "functions",
                f"functions[{i}]: the gap crosses the rate bound; μ and L sampled on "
                "the window miss its extremes",
            )
        runs.append(r)
    return tuple(runs)


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def plan(p: ConvergenceRateParams) -> Plan:
    """The runs of ``p`` and what they are drawn on; ParamError naming the key when
    a function is not strongly convex on the window or not finite, a run at 1/L
    leaves the window, or the start is not finite."""
    params.window("window", p.window, 2)
    fs = _functions(p.functions)
    if not windows.inside(p.x0, p.window):
        raise params.ParamError(
            "x0", "x0 lies outside the window, where μ and L are measured"
        )
    runs = _runs(p, fs)
    if not any(r.gaps[0] > 0 for r in runs):
        raise params.ParamError(
            "x0", "x0 is the minimum of every function: no gap to close"
        )
    steep = int(np.argmax([r.curvature.kappa for r in runs]))
    with params.refused("closing_factors"):
        closing = tuple(runs[steep].again(k) for k in p.closing_factors)
    shown = np.concatenate(
        [landscape.shown_points(r.trajectory) for r in (*runs, *closing)]
    )
    with params.refused("functions"):
        # One window for every map (it depends on the points alone); each run
        # already knows its minimum, so only the steepest map is surveyed.
        view = landscape.view(fs[steep], shown, p.window)
        for f in fs:
            landscape.require_finite(f, view.window)
        levels = tuple(
            valley_levels(f, view.window, r.f_star, p.n_levels)
            for f, r in zip(fs, runs, strict=True)
        )
    verdicts = tuple(
        landscape.verdict(r.trajectory, view.window, view.minima) for r in closing
    )
    scale = log_scale([np.concatenate([r.gaps, r.bound]) for r in runs])
    if not scale.floor > 0:  # gaps so small a log axis cannot reach below them
        raise params.ParamError(
            "tol", "the gaps fall below 1e-300, further than a log axis can show"
        )
    return Plan(fs, runs, view, levels, scale, steep, closing, verdicts)


NOTEBOOK_SAYS = (
    "The notebook says any η below 1/L converges, in Layer 3. And any η below 2/L "
    "guarantees descent, in Layer 4."
)


def kappa_text(r: LinearRun) -> str:
    """κ as a viewer reads it: 3 significant digits."""
    return numbers.fmt(r.curvature.kappa, 3)


def closing_draws(c: Plan, p: ConvergenceRateParams) -> str:
    """What the step "Near 2/L and past it" draws, in words."""
    r = c.runs[c.steep]
    fates = "; ".join(_fates(c, numbers.readable_text))
    return (
        f"The contour map of the function with κ = {kappa_text(r)}, L = "
        f"{numbers.fmt(r.curvature.L)}, and two runs from "
        f"{numbers.point_text(p.x0)}. {fates[0].upper()}{fates[1:]}."
    )


def _fates(c: Plan, factor_text: Callable[[float], str]) -> list[str]:
    """How each closing run went, "at η = 1.9/L the run …", its factor written by
    ``factor_text``."""
    return [
        f"at η = {factor_text(run_.factor)}/L the run {fate(run_, v)}"
        for run_, v in zip(c.closing, c.verdicts, strict=True)
    ]


def verdict_words(c: Plan) -> str:
    """What the closing runs say of 2/L, as the last step writes it."""
    if supports_two_over_l(c):
        return "the picture supports η below 2/L"
    if past_yet_converging(c):
        return "past 2/L nothing is promised, yet this run converges"
    if straddles(c):
        return "past 2/L nothing is promised"
    return "these steps do not straddle 2/L"


def left_step(r: LinearRun, v: landscape.Verdict) -> int:
    """The step a diverging run leaves the window (its overflow comes later)."""
    return v.step if r.left_at is None else r.left_at


def fate(r: LinearRun, v: landscape.Verdict) -> str:
    """How a closing run went, in words, from the run itself (not from μ and L,
    which only bound f's curvature over the window)."""
    if v.status == "diverged":
        return f"diverges, leaving at step {left_step(r, v)}"
    if r.settling and not r.zigzags:
        return "converges"
    if r.settling and r.factor > r.curvature.kappa:  # ημ > 1: it overshoots even
        return "overshoots back and forth yet converges"  # along the valley's floor
    if r.settling:
        return "zig-zags across the valley yet converges"
    return "does not settle"


def supports_two_over_l(c: Plan) -> bool:
    """Whether the closing runs straddle 2/L: one below it converging, one past it
    diverging."""
    pairs = list(zip(c.closing, c.verdicts, strict=True))
    below = any(r.factor < 2 and v.status != "diverged" and r.settling for r, v in pairs)
    past = any(r.factor > 2 and v.status == "diverged" for r, v in pairs)
    return below and past


def straddles(c: Plan) -> bool:
    """Whether one closing step is below 2/L and one past it."""
    factors = [r.factor for r in c.closing]
    return min(factors) < 2 < max(factors)


def past_yet_converging(c: Plan) -> bool:
    """Whether a run past 2/L still converges (f curves less along it than L)."""
    pairs = zip(c.closing, c.verdicts, strict=True)
    return any(r.factor > 2 and v.status != "diverged" and r.settling for r, v in pairs)


def runs_caption(c: Plan, p: ConvergenceRateParams) -> str:
    """The caption of the step "Runs at η = 1/L"."""
    landed = [r for r in c.runs if r.gaps[-1] == 0 and r.trajectory.n_steps == 1]
    crawl = [r for r in c.runs if r not in landed]
    shrink = ", ".join(
        f"{numbers.fmt(r.curvature.rate, 4)} for κ = {kappa_text(r)}" for r in crawl
    )
    if not all(r.curvature.quadratic for r in c.runs):
        return (
            f"With the step size η = 1/L, each run closes in on its minimum. The "
            "slowest direction "
            f"shrinks by about 1 − μ/L per step: {shrink or '0'}. Not every function "
            "is a quadratic. But each is strongly convex where its run goes, so the "
            "theorem holds."
        )
    caption = (
        "With the step size η = 1/L, 1 − ηL = 0: the steepest direction is solved in "
        "one step, "
        "so no path zig-zags."
    )
    if landed:
        which = " and ".join(f"κ = {kappa_text(r)}" for r in landed)
        verb = "lands" if len(landed) == 1 else "land"
        caption += f" {which} {verb} on the minimum at once"
    if landed:
        caption += "."
    if crawl:
        caption += (
            f" {'The others jump' if landed else 'Each path jumps'} to the valley "
            f"floor, then {'crawl' if landed else 'crawls'} along it. The distance "
            f"shrinks by 1 − μ/L per step: {shrink}."
        )
    return caption


def gaps_caption(c: Plan) -> str:
    """The caption of the step "Gaps against the bound"."""
    return (
        "On a log axis, the gap f(x_t) − f* never rises above its dashed bound. "
        "The bound is (1 − μ/L)^t times the first gap: a straight line here. "
        "Convergence is linear, and the larger κ is, the slower the bound falls."
    )


def closing_caption(c: Plan) -> str:
    """The caption of the step "Near 2/L and past it"."""
    r = c.runs[c.steep]
    parts = _fates(c, lambda factor: numbers.fmt(factor, 4))
    return f"On κ = {kappa_text(r)}: " + ". And ".join(parts) + "."


def verdict_caption(c: Plan) -> str:
    """The caption of the step "Which statement holds"."""
    if supports_two_over_l(c):
        return (
            f"{NOTEBOOK_SAYS} The picture supports the bound 2/L. And η = 1/L is the "
            "step the rate theorem uses."
        )
    if past_yet_converging(c):
        return (
            f"{NOTEBOOK_SAYS} Below 2/L descent is sure; past it nothing is promised. "
            "This run still converges, as f curves less along it than L, its most "
            "over the window. η = 1/L is the rate theorem's step."
        )
    if straddles(c):  # one below 2/L, one past it, yet not a contrast
        return (
            f"{NOTEBOOK_SAYS} Below 2/L descent is sure; past it nothing is "
            "promised. η = 1/L is the rate theorem's step."
        )
    return (
        f"{NOTEBOOK_SAYS} These closing steps do not straddle 2/L. So the picture "
        "only shows η = 1/L, the rate theorem's step."
    )
