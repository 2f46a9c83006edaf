"""What DescentLemma (:mod:`scenes.lemma`) takes and settles before it draws, and what
it says: its parameters; L, the parabola above f at x_t, the step 1/L, the promised
and the true decrease against η, and the run at a step too large, from
:mod:`mathcore.smoothness` and :mod:`mathcore.curvature`, or one ParamError naming
the parameter to change; and its captions, chosen from those numbers.

Nothing here draws: every number comes from ``mathcore``, every sentence from
those numbers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Annotated

import numpy as np

from lesson import params
from mathcore import curvature, landscape, smoothness, windows
from mathcore.clipping import windowed
from mathcore.functions import Objective
from mathcore.optimize import run
from mathcore.optimizers import gd
from mathcore.runs import graph_points
from mathcore.trajectory import Trajectory
from mathcore.trend import settling
from mathcore.windows import Window
from scenes.kit import numbers
from scenes.kit.paths import outcome_words

RATE_SAMPLES = 241  # η samples of the decrease curves


@dataclass(frozen=True)
class DescentLemmaParams(params.Params):
    """The descent lemma on a flat-shouldered bowl, x² − 2 log cosh(x − 2), at x_t = 3.5.

    Its curvature 2 tanh²(x − 2) stays under 2 and nears it away from x = 2, so a
    step past 2/L keeps overshooting further.
    """

    function: Annotated[str, params.Formula(1)] = "x**2 - 2*log(cosh(x - 2))"
    """The function: a catalogue name or a formula in x."""
    x0: params.Coordinate = 3.5
    """The point x_t the parabola touches f at; the too-large run starts there."""
    window: Annotated[Window, params.Region(1)] = ((-5.0, 5.0),)
    """The x range shown; L is the largest f'' over it, and the parabola lies above f
    on it."""
    too_large: Annotated[float, params.Between(2.0, 100.0, low_open=True)] = 3.0
    """The step past the bound, as a multiple of 1/L: η = too_large / L."""
    steps: Annotated[int, params.Between(1, 1000)] = 12
    """The most updates the too-large run takes."""
    curve_samples: Annotated[int, params.Between(2, 5000)] = 400
    """Points the curves of f and of the parabola are drawn through."""
    run_seconds: params.Seconds = 2.5
    """Seconds the too-large run takes to play."""

    def check(self) -> None:
        """Refuse a function, point or window the scene cannot show (see :func:`lemma`)."""
        lemma(self)


@dataclass(frozen=True)
class Lemma:
    """What DescentLemma shows, from mathcore."""

    f: Objective
    L: float
    bound: smoothness.UpperBound
    step: float  # x_{t+1} with η = 1/L: the parabola's lowest point
    step_value: float  # f there
    rates: np.ndarray  # η samples of the decrease panel
    guaranteed: np.ndarray  # η(1 − Lη/2) f′(x_t)²
    actual: np.ndarray  # f(x_t) − f(x_t − η f′(x_t)); NaN where the step leaves the window
    lr: float  # the too-large η
    promise: float  # the decrease the bound promises at lr (below 0: a rise)
    run: Trajectory
    verdict: landscape.Verdict
    window: Window  # x (the window) and f
    ticks: tuple[tuple[float, ...], tuple[float, ...]]
    panel: Window  # η and the decrease


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def lemma(p: DescentLemmaParams) -> Lemma:
    """Everything the scene shows for ``p``; ParamError (one line, naming the key) for
    a function not finite on the window, one with no upward curvature there (L = 0:
    no parabola to draw), a point outside the window or where f′ = 0, or a step
    η = 1/L that leaves the window (the bound holds only inside it)."""
    f = params.objective(p.function, 1)
    ((lo, hi),) = params.window("window", p.window, 1)
    params.within("x0", p.x0, lo, hi)
    with params.refused():
        landscape.require_finite(f, ((lo, hi),), 401)
        L = curvature.largest_refined(f, (lo, hi))
    if not L > 0:
        raise params.ParamError(
            "function",
            "f'' ≤ 0 all over the window (f is straight or bends down there): "
            "there is no curvature L > 0 to draw a parabola with",
        )
    bound = smoothness.upper_bound(f, p.x0, L)
    xs = np.linspace(lo, hi, p.curve_samples)
    heights = np.concatenate([f.value(xs[:, None]), [bound.minimum]])
    y_window = windows.frame(heights[:, None], margin=0.06, target=10)[0]
    _require_visible_step(bound, (lo, hi), y_window)
    step = bound.minimiser
    dense = np.linspace(lo, hi, 20001)
    if smoothness.lowest_gap(f, bound, dense) < -1e-9 * (y_window[1] - y_window[0]):
        raise params.ParamError(
            "function", "f'' changes too fast on this window to bound it from a grid"
        )
    lr = p.too_large / L
    with params.refused("x0"):
        traj = run(f, [p.x0], gd(lr), p.steps)
    window = ((lo, hi), y_window)
    rates, guaranteed, actual = _decrease_curves(f, bound, (lo, hi), max(p.too_large, 2.4))
    return Lemma(
        f=f,
        L=L,
        bound=bound,
        step=step,
        step_value=float(f.value([step])),
        rates=rates,
        guaranteed=guaranteed,
        actual=actual,
        lr=lr,
        promise=float(smoothness.guaranteed_decrease(lr, bound.slope, L)),
        run=traj,
        verdict=landscape.verdict(traj, window, (), graph_points(traj)),
        window=window,
        ticks=(windows.ticks((lo, hi), 7), windows.ticks(y_window, 5)),
        panel=_panel_window(L, p.too_large, guaranteed, actual),
    )


def _require_visible_step(
    bound: smoothness.UpperBound,
    x_window: tuple[float, float],
    y_window: tuple[float, float],
) -> None:
    """ParamError on ``x0`` when f′(x_t) = 0 (no step) or the step η = 1/L is too
    small to see or leaves the window."""
    lo, hi = x_window
    promised = bound.value - bound.minimum  # f′²/(2L)
    if not promised > 1e-4 * (y_window[1] - y_window[0]):
        raise params.ParamError(
            "x0",
            f"f′({numbers.fmt(bound.x)}) = {bound.slope:.3g}: the step from there is too "
            "small to see; choose a point where f slopes",
        )
    if not lo <= bound.minimiser <= hi:
        raise params.ParamError(
            "x0",
            f"the step η = 1/L from {numbers.fmt(bound.x)} lands at "
            f"x = {numbers.fmt(bound.minimiser)}, outside the window [{lo:g}, {hi:g}], "
            "where f'' ≤ L is not known",
        )


def _decrease_curves(
    f: Objective, bound: smoothness.UpperBound, x_window: tuple[float, float], most: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """η from 0 to a little past ``most``/L; the guaranteed and the actual decrease
    (NaN where the step leaves the window: nothing is promised there)."""
    rates = np.linspace(0.0, 1.08 * most / bound.L, RATE_SAMPLES)
    guaranteed = smoothness.guaranteed_decrease(rates, bound.slope, bound.L)
    landing = bound.x - rates * bound.slope
    inside = (landing >= x_window[0]) & (landing <= x_window[1])
    actual = np.full_like(rates, np.nan)
    actual[inside] = smoothness.actual_decrease(f, bound.x, rates[inside])
    return rates, guaranteed, actual


def _panel_window(
    L: float, too_large: float, guaranteed: np.ndarray, actual: np.ndarray
) -> Window:
    """η from 0 to past the too-large η; the decrease from its lowest to its highest."""
    values = np.concatenate([guaranteed, actual[np.isfinite(actual)], [0.0]])
    low, high = float(values.min()), float(values.max())
    pad = 0.08 * (high - low)
    return ((0.0, 1.08 * max(too_large, 2.4) / L), (low - pad, high + pad))


def too_large_draws(d: Lemma) -> str:
    """What the step "Too large" draws, in words."""
    exit_ = windowed(graph_points(d.run), d.window)
    ends = "leaves the plot" if exit_.exited else "ends at a dot"
    return (
        f"On the panel, η = {numbers.fmt(d.lr)} is marked below 0: the bound lets f "
        f"rise by {numbers.fmt(abs(d.promise))}. On the plot, the run with this η is "
        f"traced and {ends}: {outcome_words(d.verdict)}."
    )


def bound_caption(d: Lemma) -> str:
    """The caption of the step "A parabola above f"."""
    return (
        f"On this window f never curves more than L = {numbers.fmt(d.L)}. So the "
        "parabola through x_t, with the slope of f and curvature L, lies above f "
        "everywhere."
    )


def step_caption(d: Lemma) -> str:
    """The caption of the step "The step η = 1/L"."""
    q = d.bound
    return (
        f"The step size η = 1/L = {numbers.fmt(1 / d.L)} lands at the parabola's "
        f"lowest point, x = {numbers.fmt(d.step)}. The bound promises f ≤ "
        f"{numbers.fmt(q.minimum)} there. In fact f is "
        f"{numbers.fmt(d.step_value)}{_lower(d)}."
    )


def _lower(d: Lemma) -> str:
    """ ", lower still" when f is below the bound's minimum by a visible amount."""
    visible = 1e-3 * (d.window[1][1] - d.window[1][0])
    return (
        ", lower still"
        if d.step_value < d.bound.minimum - visible
        else ", exactly the promise"
    )


def decrease_caption(d: Lemma) -> str:
    """The caption of the step "The guaranteed decrease"."""
    roots = smoothness.decrease_roots(d.L)
    finite = np.isfinite(d.actual)
    above = bool(np.all(d.actual[finite] >= d.guaranteed[finite] - 1e-9))
    true = " The true drop, dashed, is never smaller." if above else ""
    return (
        "For any η, the bound promises a drop of at least η(1 − Lη/2)·f′(x_t)². "
        f"It is positive exactly between 0 and 2/L = {numbers.fmt(roots[1])}, and "
        f"largest at 1/L.{true}"
    )


def run_caption(d: Lemma) -> str:
    """The caption of the step "Too large": what the bound lets f do past 2/L, and
    what the run did."""
    t, v = d.run, d.verdict
    start = (
        f"Past 2/L the bound promises nothing: at η = {numbers.fmt(d.lr)} it lets f "
        f"rise by {numbers.fmt(-d.promise)}."
    )
    hops = ", then ".join(numbers.fmt(float(x)) for x in t.points[1:3, 0])
    if v.status == "diverged":
        if t.n_steps >= 1 and t.losses[1] < t.losses[0]:
            return (
                f"{start} A run with this η jumps to {hops}. Its first step happens "
                "to go down, by luck, not by promise. Then the run diverges."
            )
        return f"{start} A run with this η jumps to {hops}, and diverges."
    if v.status == "converged":
        return (
            f"{start} This run still converges, in {t.n_steps} steps: f curves "
            "less where it goes. The lemma no longer says why."
        )
    where = f"after {t.n_steps} steps it is at x = {numbers.fmt(float(t.final[0]))}"
    if t.losses[-1] < t.losses[0] and settling(t.points):
        return (
            f"{start} This run jumps to {hops}; {where}, lower than it began. f "
            "curves less where it goes, so this η happens to work here. But nothing "
            "promised it."
        )
    if t.losses[-1] < t.losses[0]:  # lower, yet still bouncing (a 2-cycle, say)
        return (
            f"{start} This run jumps to {hops}; {where}, lower than it began. But "
            "it has not settled, and nothing promised it would go down."
        )
    return f"{start} This run jumps to {hops}; {where}, and has not settled."
