"""Part 4 of the lesson: learning rates and the stability bound 2/L (LearningRates).

Render it with plain Manim from the repo root::

    manim render scenes/rates.py LearningRates -ql
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    ManimColor,
    ValueTracker,
    VGroup,
    linear,
)

from lesson import params
from mathcore import fields, landscape
from mathcore.functions import Objective
from mathcore.logaxis import LogCurve, LogScale, log_curve, log_scale
from mathcore.optimize import run
from mathcore.optimizers import gd
from mathcore.trajectory import Trajectory
from mathcore.trend import LossTrend, loss_trend
from mathcore.tuning import StabilityProbe, stability_probe
from scenes.base import LessonScene
from scenes.kit import explore, look, numbers, plots, text
from scenes.kit.paths import (
    freeze,
    iterate_marks,
    loss_text,
    moving_dot,
    outcome,
    outcome_words,
    traced_path,
    trajectory_record,
)
from scenes.kit.plots import contour_map, inner_frame
from scenes.kit.text import COLUMN_TOP, column

Window = plots.Window
ToPoint = plots.ToPoint


# One colour per learning rate (by role: look.swatch), the same in every figure of
# the scene; a rate past the stability bound is drawn in the colour of derivatives
# gone wrong (look.TANGENT).
RATE_COLOURS = ("secant", "curve", "ink", "good", "point")


@dataclass(frozen=True)
class LearningRatesParams(params.Params):
    """The notebook's comparisons: four rates on the bowl, then loss curves."""

    function: Annotated[str, params.Formula(2)] = "bowl"
    """The function to descend: a catalogue name or a formula in x and y."""
    x0: params.Point = (4.0, 3.0)
    """Where every run starts."""
    panel_rates: Annotated[tuple[params.Rate, ...], params.Items(4, 4)] = (
        0.01,
        0.1,
        0.5,
        0.9,
    )
    """The four learning rates of the 2 × 2 panels."""
    panel_steps: params.Steps = 50
    """The most updates each panel's run takes."""
    window: Annotated[plots.Window, params.Region(2)] = ((-6.0, 6.0), (-6.0, 6.0))
    """The least each panel shows (the notebook's xlim, ylim); grown to hold the
    start and the runs that do not run away."""
    n_levels: params.LevelCount = 15
    """How many contour lines per panel."""
    contour_samples: params.Samples = 41
    """Grid points per side the contour lines are traced on."""
    curve_rates: Annotated[tuple[params.Rate, ...], params.Items(1, len(RATE_COLOURS))] = (
        0.01,
        0.1,
        0.3,
        0.5,
    )
    """The learning rates whose loss curves are compared."""
    curve_steps: params.Steps = 100
    """The most updates each loss curve's run takes."""
    tol: params.Tolerance = 1e-8
    """A run stops once ‖∇f‖ is below this."""
    past_bound: Annotated[float, params.Between(1.0, 10.0, low_open=True)] = 1.05
    """The unstable run's rate, as a multiple of 2/L (L: f's largest curvature)."""
    panel_seconds: params.Seconds = 5.0
    """Seconds the panels' runs take."""
    curve_seconds: params.Seconds = 2.5
    """Seconds the loss curves take to draw."""

    def check(self) -> None:
        """Refuse a function or start the scene cannot show (see :func:`rates`)."""
        rates(self)


@dataclass(frozen=True)
class Rates:
    """What LearningRates shows: the panels' runs on one shared map, the loss
    curves' runs, and the run past the stability bound."""

    f: Objective
    panels: tuple[Trajectory, ...]
    verdicts: tuple[landscape.Verdict, ...]
    view: landscape.View
    levels: landscape.Levels
    curves: tuple[Trajectory, ...]
    curve_verdicts: tuple[landscape.Verdict, ...]
    probe: StabilityProbe


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def rates(p: LearningRatesParams) -> Rates:
    """The runs of ``p`` and the map they share; ParamError when f cannot be shown."""
    f = params.objective(p.function, 2)
    with params.refused():
        panels = tuple(run(f, p.x0, gd(lr), p.panel_steps, p.tol) for lr in p.panel_rates)
        shown = np.concatenate([landscape.shown_points(t) for t in panels])
        view = landscape.view(f, shown, p.window)
        levels = landscape.contour_levels(f, view.window, p.n_levels, p.contour_samples)
        curves = tuple(run(f, p.x0, gd(lr), p.curve_steps, p.tol) for lr in p.curve_rates)
    with params.refused("past_bound"):
        probe = stability_probe(f, p.x0, p.past_bound, p.curve_steps, p.tol, view.window)
    params.log_plottable([t.losses for t in curves] + [probe.trajectory.losses])

    def judged(runs: Sequence[Trajectory]) -> tuple[landscape.Verdict, ...]:
        return tuple(landscape.verdict(t, view.window, view.minima) for t in runs)

    return Rates(f, panels, judged(panels), view, levels, curves, judged(curves), probe)


PANEL_SIDE = 2.75
START_RADIUS = 0.08
PANEL_TICK_SIZE = 24  # small panels, small ticks: the maps are the same bowl
PANEL_CELLS = (  # centre of each 2×2 cell's map, reading order
    np.array([-5.0, 1.85, 0.0]),
    np.array([2.1, 1.85, 0.0]),
    np.array([-5.0, -2.15, 0.0]),
    np.array([2.1, -2.15, 0.0]),
)
LOG_AXES_CENTRE = np.array([-2.45, 0.25, 0.0])
LOG_COLUMN_LEFT = 1.75
LOG_PLOT_WIDTH, LOG_PLOT_HEIGHT = 7.0, 5.6
CURVE_TICKS = 6  # tick labels along the step axis, ends included


def bound_caption(probe: StabilityProbe, trend: LossTrend) -> str:
    """The stability bound, and what the run past it did: "each step … higher up"
    only when every step raised the loss.

    >>> from mathcore.functions import bowl
    >>> p = stability_probe(bowl(), [4.0, 3.0], factor=1.05, steps=10)
    >>> bound_caption(p, loss_trend(p.trajectory.losses))[24:]
    'Past η = 2/L = 1 each step jumps over the minimum to a point higher up.'
    """
    bound = f"η = 2/L = {numbers.fmt(probe.bound)}"
    curvature = "L is the most f curves. "
    if trend.rises == trend.steps > 0:
        return (
            f"{curvature}Past {bound} each step jumps over the minimum to a point "
            "higher up."
        )
    if not trend.fell:
        return f"{curvature}Past {bound} this run ends higher than it started."
    return (
        f"{curvature}Below {bound} descent is sure. Past it nothing promises "
        "descent, though this run still happens to end lower."
    )


def rate_colour(lr: float, rates: Sequence[float]) -> ManimColor:
    """The colour of ``lr``: by its place in the sorted union of a scene's rates."""
    return look.swatch(RATE_COLOURS[sorted(set(rates)).index(lr) % len(RATE_COLOURS)])


def _panels_draws(r: Rates, p: LearningRatesParams) -> str:
    """What the step "Four learning rates" draws, in words."""
    rates_ = numbers.listed([numbers.fmt(lr) for lr in p.panel_rates])
    ends = numbers.listed([outcome_words(v) for v in r.verdicts])
    return (
        f"{numbers.number_word(len(r.panels)).capitalize()} contour maps of f, each "
        f"with {plots.start_text(p.x0, r.view.minima)}. On each, a run traces its "
        f"path, with η = {rates_}. Beside each, its final loss and its end: {ends}."
    )


def _curves_draws(r: Rates, p: LearningRatesParams, curves: Sequence[LogCurve]) -> str:
    """What the step "Loss on a log scale" draws, in words."""
    rates_ = numbers.listed([numbers.fmt(t.lr) for t in r.curves])
    said = (
        "The maps give way to a log plot of the loss against the step, up to "
        f"{p.curve_steps:,}. A curve is drawn for each η, {rates_}, with how it ended."
    )
    zero = _lands_on_zero(r.curves, curves)
    if zero:
        said += f" A mark shows η = {zero[0]} at exactly 0 after {zero[1]}."
    return said


def _lands_on_zero(
    runs: Sequence[Trajectory], curves: Sequence[LogCurve]
) -> tuple[str, str] | None:
    """The first run whose loss lands exactly on 0, as words say it: its η and
    after how long ("3 steps"); None when none does."""
    for t, c in zip(runs, curves, strict=True):
        if c.first_zero:
            return numbers.fmt(t.lr), _steps(c.first_zero)
    return None


def _steps(n: int) -> str:
    """``n`` steps, in words: "1 step", "3 steps"."""
    return f"{n} {numbers.plural(n, 'step')}"


class LearningRates(LessonScene):
    """Four learning rates side by side, their loss curves, and the bound 2/L."""

    Params = LearningRatesParams

    def construct(self) -> None:
        p: LearningRatesParams = self.params
        r = rates(p)
        all_rates = (*p.panel_rates, *p.curve_rates)
        self.record("window", r.view.window)
        self.record("minima", [m.point for m in r.view.minima])
        self.record("contour.levels", r.levels.values)

        self.step(
            "Four learning rates",
            f"Same function, same start, {p.panel_steps} steps: "
            "only the learning rate η changes.",
            draws=_panels_draws(r, p),
        )
        self._offer_explore(r, p)
        panels = self._panels(r, p, all_rates)

        probe = r.probe
        trend = loss_trend(probe.trajectory.losses)
        scale = log_scale([t.losses for t in r.curves] + [probe.trajectory.losses])
        curves = [log_curve(t.losses, scale.floor) for t in r.curves]
        self.step(
            "Loss on a log scale",
            self._log_caption(r.curves, curves),
            draws=_curves_draws(r, p, curves),
        )
        axes, legend = self._loss_curves(p, all_rates, r, curves, scale, panels)

        self.step(
            "The stability bound",
            bound_caption(probe, trend),
            draws="Below the legend: descent is sure for η below 2/L = "
            f"{numbers.fmt(probe.bound)}. A run with η = "
            f"{numbers.fmt(probe.trajectory.lr)}, {numbers.fmt(p.past_bound)} times 2/L, "
            "is drawn: on average each step multiplies its loss by "
            f"{numbers.fmt(probe.growth, 2)}, to "
            f"{numbers.sci_text(float(probe.trajectory.losses[-1]))}.",
            facts=trend,
        )
        self._stability(
            probe,
            log_curve(probe.trajectory.losses, scale.floor),
            p.past_bound,
            axes,
            legend,
        )

    def _offer_explore(self, r: Rates, p: LearningRatesParams) -> None:
        """The viewer may try any start and rate on the first panel's map."""
        axes = plots.map_axes(r.view.window, PANEL_SIDE, PANEL_CELLS[0])
        racer = explore.Racer("GD", p.panel_rates[0], look.POINT)
        spec = explore.explorable(
            axes,
            r.view.window,
            p.function,
            p.x0,
            p.panel_steps,
            p.tol,
            [racer],
            look.GOOD,
            START_RADIUS,
            lrs=p.panel_rates,
        )
        explore.offer(self, spec)

    @staticmethod
    def _log_caption(runs: Sequence[Trajectory], curves: Sequence[LogCurve]) -> str:
        caption = "On a log scale steady progress is a straight line"
        zero = _lands_on_zero(runs, curves)
        if zero:
            caption += f"; η = {zero[0]} lands exactly on 0 after {zero[1]}"
        return caption + "."

    def _panels(self, r: Rates, p: LearningRatesParams, rates: Sequence[float]) -> VGroup:
        s = ValueTracker(0)
        window, ticks = r.view.window, r.view.ticks
        panels, moving, results = VGroup(), [], VGroup()
        cells = zip(r.panels, r.verdicts, PANEL_CELLS, strict=True)
        for traj, verdict, centre in cells:
            lr = traj.lr
            self.record(f"panels[{lr:g}]", trajectory_record(traj, verdict))
            colour = rate_colour(lr, rates)
            axes = plots.map_axes(window, PANEL_SIDE, centre)
            to_point = axes.c2p
            grid = fields.grid(window, p.contour_samples)
            contours = contour_map(
                fields.contour_lines(r.f, grid, r.levels.values), to_point
            )
            frame = inner_frame(to_point, window, *ticks, PANEL_TICK_SIZE)
            start = Dot(to_point(*traj.points[0]), radius=START_RADIUS, color=look.GOOD)
            star = plots.minimum_stars(to_point, r.view.minima, radius=0.12)
            title = text.tex(rf"\eta = {numbers.fmt(lr)}", colour=colour)
            title.next_to(frame[0], RIGHT, buff=0.35).align_to(frame[0], UP)
            result = VGroup(
                text.tex(r"\text{final } f =", size=look.LABEL_SIZE),
                text.tex(
                    loss_text(float(traj.losses[-1])), colour=colour, size=look.TEXT_SIZE
                ),
                text.tex(outcome(verdict), colour=look.MUTED, size=look.LABEL_SIZE),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
            result.next_to(title, DOWN, buff=0.3, aligned_edge=LEFT)
            panels.add(VGroup(contours, frame, star, start, title))
            results.add(result)
            moving += [
                traced_path(to_point, traj.points, s, colour, window, width=3),
                iterate_marks(to_point, traj.points, s, colour, radius=0.035, box=window),
                moving_dot(to_point, traj.points, s, colour, window, radius=0.08),
            ]
        self.play(FadeIn(panels), run_time=1.2)
        self.add(*moving)
        self.add(*[panel[2] for panel in panels])  # stars stay on top of the paths
        self.play(
            s.animate.set_value(p.panel_steps), run_time=p.panel_seconds, rate_func=linear
        )
        freeze(*moving)
        self.play(FadeIn(results))
        self.wait(1.2)
        return VGroup(panels, results, *moving)

    def _loss_curves(
        self,
        p: LearningRatesParams,
        rates: Sequence[float],
        r: Rates,
        log_curves: list[LogCurve],
        scale: LogScale,
        previous: VGroup,
    ) -> tuple[Axes, VGroup]:
        """The panels make way for a log plot on which every rate's loss is drawn."""
        self.record(
            "log_axis",
            {"low_exp": scale.low_exp, "high_exp": scale.high_exp, "floor": scale.floor},
        )
        axes, frame, names = plots.log_plot(
            scale,
            p.curve_steps,
            np.linspace(0, p.curve_steps, CURVE_TICKS),
            (LOG_PLOT_WIDTH, LOG_PLOT_HEIGHT),
            LOG_AXES_CENTRE,
            (r"\text{step}", r"f(x_t)\ \text{(log scale)}"),
        )
        s = ValueTracker(0)
        curves, rows, notes = self._loss_pens(r, log_curves, rates, axes, s)
        legend = column(*rows, top=COLUMN_TOP - 0.3, left=LOG_COLUMN_LEFT)
        self.play(FadeOut(previous), run_time=0.6)
        self.play(Create(frame), FadeIn(names), FadeIn(legend))
        self.add(curves)
        # The legend is in place before the pens move: text fading in for the whole
        # run would be redrawn, glyph by glyph, on every frame of it.
        self.play(
            s.animate.set_value(p.curve_steps), run_time=p.curve_seconds, rate_func=linear
        )
        freeze(curves)
        self.play(FadeIn(notes))
        self.wait(1.2)
        return axes, legend

    def _loss_pens(
        self,
        r: Rates,
        log_curves: list[LogCurve],
        rates: Sequence[float],
        axes: Axes,
        s: ValueTracker,
    ) -> tuple[VGroup, VGroup, VGroup]:
        """Per rate: a pen tracing its loss up to step ``s``, a legend row, and a
        note where the loss lands exactly on 0."""
        curves, rows, notes = VGroup(), VGroup(), VGroup()
        for t, v, c in zip(r.curves, r.curve_verdicts, log_curves, strict=True):
            self.record(
                f"curves[{t.lr:g}]",
                trajectory_record(t, v) | {"first_zero": c.first_zero},
            )
            colour = rate_colour(t.lr, rates)
            curves.add(traced_path(axes.c2p, c.points, s, colour))
            rows.add(
                text.tex(rf"\eta = {numbers.fmt(t.lr)}:\ " + outcome(v), colour=colour)
            )
            if c.first_zero is not None:
                at_zero = axes.c2p(*c.points[c.first_zero])
                note = text.tex(
                    rf"\text{{exactly 0 after {_steps(c.first_zero)}}}",
                    colour=colour,
                    size=look.LABEL_SIZE,
                ).next_to(at_zero, UP + RIGHT, buff=0.15)
                notes.add(note, Dot(at_zero, radius=0.08, color=colour))
        return curves, rows, notes

    def _stability(
        self,
        probe: StabilityProbe,
        curve: LogCurve,
        factor: float,
        axes: Axes,
        legend: VGroup,
    ) -> None:
        t = probe.trajectory
        self.record(
            "stability",
            {"bound": probe.bound, "growth": probe.growth} | trajectory_record(t),
        )
        rule = VGroup(
            text.tex(r"\text{descent is sure for } \eta < 2/L"),
            text.tex(
                r"L:\ \text{largest curvature of } f",
                colour=look.MUTED,
                size=look.LABEL_SIZE,
            ),
            text.tex(rf"2/L = {numbers.fmt(probe.bound)}"),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        rule.next_to(legend, DOWN, buff=0.5, aligned_edge=LEFT)
        s = ValueTracker(0)
        path = traced_path(axes.c2p, curve.points, s, look.TANGENT)
        label = VGroup(
            text.tex(
                rf"\eta = {numbers.fmt(t.lr)} = {numbers.fmt(factor)} \cdot 2/L",
                colour=look.TANGENT,
            ),
            text.tex(
                rf"f \times {numbers.fmt(probe.growth, 2)} \text{{ per step}}",
                colour=look.TANGENT,
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        label.next_to(rule, DOWN, buff=0.45, aligned_edge=LEFT)
        end = text.tex(
            rf"f(x_{{{t.n_steps}}}) = {numbers.sci(float(t.losses[-1]))}",
            colour=look.TANGENT,
        ).next_to(label, DOWN, buff=0.15, aligned_edge=LEFT)
        self.play(FadeIn(rule), FadeIn(label))
        self.add(path)
        self.play(s.animate.set_value(t.n_steps), run_time=2.0, rate_func=linear)
        freeze(path)
        self.play(FadeIn(end))
        self.wait(1.2)
