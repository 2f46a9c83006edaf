"""Part 4 of the lesson: linear convergence and the condition number (ConvergenceRate).

The notebook's rate theorem (Layer 4): for f μ-strongly convex and L-smooth, GD with
η = 1/L keeps f(x_t) − f* ≤ (1 − μ/L)^t (f(x_0) − f*). Three functions of growing
κ = L/μ, their runs at η = 1/L, the gaps against the bound on a log axis, then the
steepest at a step near 2/L and past it: the notebook's "η < 1/L converges" (Layer
3) against "η < 2/L guarantees descent" (Layer 4).

Render it with plain Manim from the repo root::

    manim render scenes/convergence.py ConvergenceRate -ql
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UP,
    Create,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    ManimColor,
    ValueTracker,
    VGroup,
    VMobject,
    linear,
)

from lesson import params
from mathcore import fields, landscape, windows
from mathcore.convergence import LinearRun, linear_run, valley_levels
from mathcore.functions import Objective
from mathcore.logaxis import LogCurve, LogScale, log_curve, log_scale
from scenes.base import LessonScene
from scenes.kit import look, numbers, plots, text
from scenes.kit.paths import (
    freeze,
    iterate_marks,
    moving_dot,
    traced_path,
    trajectory_record,
)
from scenes.kit.plots import contour_map, inner_frame
from scenes.kit.text import COLUMN_TOP, column

Window = plots.Window

# One colour per function, the same on its map and its curves; the closing runs in
# the colours of a run that converges and one gone wrong.
RUN_COLOURS = (look.GOOD, look.CURVE, look.SECANT)
NEAR, PAST = look.GOOD, look.TANGENT
INK_START = look.INK  # the shared start


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
    window: Annotated[Window, params.Region(2)] = ((-5.0, 5.0), (-5.0, 5.0))
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


PANEL_SIDE = 3.7
PANEL_CENTRES = (
    np.array([-4.6, 0.55, 0.0]),
    np.array([0.0, 0.55, 0.0]),
    np.array([4.6, 0.55, 0.0]),
)
PANEL_TICK_SIZE = 20
LOG_CENTRE = np.array([-2.6, 0.1, 0.0])
LOG_WIDTH, LOG_HEIGHT = 6.8, 5.6
LOG_COLUMN_LEFT = 1.6
STEP_TICKS = 6


NOTEBOOK_SAYS = (
    "The notebook says any η below 1/L converges, in Layer 3. And any η below 2/L "
    "guarantees descent, in Layer 4."
)


def kappa_text(r: LinearRun) -> str:
    """κ as a viewer reads it: 3 significant digits."""
    return numbers.fmt(r.curvature.kappa, 3)


class ConvergenceRate(LessonScene):
    """Linear convergence at η = 1/L on three condition numbers, then η near 2/L."""

    Params = ConvergenceRateParams

    def construct(self) -> None:
        p: ConvergenceRateParams = self.params
        c = plan(p)
        self._record(c)
        kappas = [kappa_text(r) for r in c.runs]
        self.step(
            "Three condition numbers",
            f"Three bowls, with condition numbers κ of {', '.join(kappas)}. κ = L/μ is "
            "the largest curvature over the smallest: the larger κ, the narrower the "
            "valley.",
            draws="Three contour maps side by side, titled κ = "
            f"{numbers.listed(kappas)}, each with the start {numbers.point_text(p.x0)} "
            "and its minimum as a star. Under each: its formula's μ, L and step η = 1/L.",
        )
        panels = self._maps(c, p)

        self.step(
            "Runs at η = 1/L",
            self._runs_caption(c, p),
            draws="On each map a run at η = 1/L traces its path from the start. Under "
            "each, its last gap above the minimum: "
            + numbers.listed([numbers.readable_text(float(r.gaps[-1]), 4) for r in c.runs])
            + ".",
        )
        self._runs(c, p, panels)

        self.step(
            "Gaps against the bound",
            self._gaps_caption(c),
            draws="The maps give way to a log plot of each run's gap against the step: "
            "a solid curve per κ, each under its dashed bound. Beside: the rates "
            + numbers.listed([numbers.fmt(r.curvature.rate, 4) for r in c.runs])
            + ", one per κ, and each last gap under its last bound.",
        )
        axes, legend = self._gaps(c, p, panels)

        self.step(
            "Near 2/L and past it",
            self._closing_caption(c),
            draws=_closing_draws(c, p),
        )
        column_top = self._closing(c, p, VGroup(axes, legend))

        self.step(
            "Which statement holds",
            self._verdict_caption(c),
            draws="Beside the map, four lines: Layer 3 says η below 1/L converges; "
            "Layer 4 says η below 2/L gives sure descent. Then: "
            f"{_verdict_words(c)}, and η = 1/L is the rate theorem's step.",
        )
        self._statements(c, column_top)

    # ---------------------------------------------------------------- records

    def _record(self, c: Plan) -> None:
        self.record("window", c.view.window)
        self.record("log_axis", {"low_exp": c.scale.low_exp, "high_exp": c.scale.high_exp})
        for i, r in enumerate(c.runs):
            self.record(f"runs[{i}]", self._run_record(r) | {"levels": c.levels[i]})
        for i, (r, v) in enumerate(zip(c.closing, c.verdicts, strict=True)):
            self.record(
                f"closing[{i}]",
                self._run_record(r)
                | {"shown": v.status, "step": v.step, "fate": _fate(r, v)},
            )

    @staticmethod
    def _run_record(r: LinearRun) -> dict:
        cv = r.curvature
        return trajectory_record(r.trajectory) | {
            "mu": cv.mu,
            "L": cv.L,
            "kappa": cv.kappa,
            "quadratic": cv.quadratic,
            "factor": r.factor,
            "minimum": r.minimum,
            "f_star": r.f_star,
            "gaps": r.gaps,
            "bound": r.bound,
            "holds": r.holds,
            "contraction": r.contraction,
            "settling": r.settling,
            "zigzags": r.zigzags,
            "left_at": r.left_at,
        }

    # ---------------------------------------------------------------- captions

    @staticmethod
    def _runs_caption(c: Plan, p: ConvergenceRateParams) -> str:
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

    @staticmethod
    def _gaps_caption(c: Plan) -> str:
        return (
            "On a log axis, the gap f(x_t) − f* never rises above its dashed bound. "
            "The bound is (1 − μ/L)^t times the first gap: a straight line here. "
            "Convergence is linear, and the larger κ, the slower the bound falls."
        )

    @staticmethod
    def _closing_caption(c: Plan) -> str:
        r = c.runs[c.steep]
        parts = _fates(c, lambda factor: numbers.fmt(factor, 4))
        return f"On κ = {kappa_text(r)}: " + ". And ".join(parts) + "."

    @staticmethod
    def _verdict_caption(c: Plan) -> str:
        if _supports_two_over_l(c):
            return (
                f"{NOTEBOOK_SAYS} The picture supports the bound 2/L. And η = 1/L is the "
                "step the rate theorem uses."
            )
        if _past_yet_converging(c):
            return (
                f"{NOTEBOOK_SAYS} Below 2/L descent is sure; past it nothing is promised. "
                "This run still converges, as f curves less along it than L, its most "
                "over the window. η = 1/L is the rate theorem's step."
            )
        if _straddles(c):  # one below 2/L, one past it, yet not a contrast
            return (
                f"{NOTEBOOK_SAYS} Below 2/L descent is sure; past it nothing is "
                "promised. η = 1/L is the rate theorem's step."
            )
        return (
            f"{NOTEBOOK_SAYS} These closing steps do not straddle 2/L. So the picture "
            "only shows η = 1/L, the rate theorem's step."
        )

    # ---------------------------------------------------------------- steps

    def _maps(self, c: Plan, p: ConvergenceRateParams) -> VGroup:
        window, ticks = c.view.window, c.view.ticks
        grid = fields.grid(window, p.contour_samples)
        panels = VGroup()
        for i, (f, r, centre) in enumerate(zip(c.fs, c.runs, PANEL_CENTRES, strict=True)):
            axes = plots.map_axes(window, PANEL_SIDE, centre)
            lines = contour_map(fields.contour_lines(f, grid, c.levels[i]), axes.c2p)
            frame = inner_frame(axes.c2p, window, *ticks, PANEL_TICK_SIZE)
            star = plots.minimum_star(axes.c2p(*r.minimum), radius=0.12)
            start = Dot(axes.c2p(*p.x0), radius=0.07, color=INK_START)
            cv = r.curvature
            title = text.tex(rf"\kappa = {kappa_text(r)}", colour=RUN_COLOURS[i])
            title.next_to(frame[0], UP, buff=0.2)
            formula = text.tex(f.latex, size=look.LABEL_SIZE)
            formula.scale_to_fit_width(min(formula.width, PANEL_SIDE + 0.6))
            formula.next_to(title, UP, buff=0.15)
            facts = text.tex(
                rf"\mu = {numbers.fmt(cv.mu)},\ L = {numbers.fmt(cv.L)},\ "
                rf"\eta = 1/L = {numbers.fmt(cv.lr)}",
                colour=look.MUTED,
                size=look.LABEL_SIZE,
            )
            facts.scale_to_fit_width(min(facts.width, PANEL_SIDE + 0.6))
            facts.next_to(frame, DOWN, buff=0.15)
            panels.add(VGroup(lines, frame, star, start, title, formula, facts))
            panels[-1].axes = axes
        self.play(FadeIn(panels), run_time=1.2)
        self.wait(1.5)
        return panels

    def _runs(self, c: Plan, p: ConvergenceRateParams, panels: VGroup) -> None:
        s = ValueTracker(0)
        moving = []
        for i, (r, panel) in enumerate(zip(c.runs, panels, strict=True)):
            to_point, points = panel.axes.c2p, r.trajectory.points
            colour = RUN_COLOURS[i]
            moving += [
                traced_path(to_point, points, s, colour, width=3),
                iterate_marks(to_point, points, s, colour, radius=0.03),
                moving_dot(to_point, points, s, colour, radius=0.07),
            ]
        self.add(*moving)
        self.add(*[panel[2] for panel in panels])  # stars above the paths
        longest = max(r.trajectory.n_steps for r in c.runs)
        self.play(s.animate.set_value(longest), run_time=p.run_seconds, rate_func=linear)
        freeze(*moving)
        results = VGroup()
        for i, (r, panel) in enumerate(zip(c.runs, panels, strict=True)):
            n = r.trajectory.n_steps
            results.add(
                text.tex(
                    rf"f(x_{{{n}}}) - f^* = {numbers.readable(float(r.gaps[-1]), 4)}",
                    colour=RUN_COLOURS[i],
                    size=look.LABEL_SIZE,
                ).next_to(panel[-1], DOWN, buff=0.2)
            )
        self.play(FadeIn(results), run_time=0.8)
        panels.add(*moving, results)
        self.wait(1.5)

    def _gaps(self, c: Plan, p: ConvergenceRateParams, panels: VGroup) -> tuple:
        longest = max(r.trajectory.n_steps for r in c.runs)
        axes, frame, names = plots.log_plot(
            c.scale,
            longest,
            np.unique(np.round(np.linspace(0, longest, STEP_TICKS))),
            (LOG_WIDTH, LOG_HEIGHT),
            LOG_CENTRE,
            (r"\text{step } t", r"f(x_t) - f^*\ \text{(log scale)}"),
        )
        s = ValueTracker(0)
        pens, bounds, rows = VGroup(), VGroup(), []
        for i, r in enumerate(c.runs):
            colour = RUN_COLOURS[i]
            gap = log_curve(r.gaps, c.scale.floor)
            bound = log_curve(r.bound, c.scale.floor)
            pens.add(traced_path(axes.c2p, gap.points, s, colour))
            bounds.add(_dashed(axes.c2p, bound, colour))
            rows.append(_gap_row(r, colour))
        key = VGroup(
            text.tex(r"\text{solid: } f(x_t) - f^*", size=look.LABEL_SIZE),
            text.tex(
                r"\text{dashed: } (1 - \mu/L)^t\,(f(x_0) - f^*)", size=look.LABEL_SIZE
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        legend = column(*rows, key, top=COLUMN_TOP - 0.3, left=LOG_COLUMN_LEFT)
        self.play(FadeOut(panels), run_time=0.6)
        self.play(Create(frame), FadeIn(names), FadeIn(legend), Create(bounds))
        self.add(pens)
        self.play(s.animate.set_value(longest), run_time=p.curve_seconds, rate_func=linear)
        freeze(pens)
        self.wait(1.5)
        return VGroup(frame, names, bounds, pens), legend

    def _closing(self, c: Plan, p: ConvergenceRateParams, previous: VGroup) -> float:
        f, r, window = c.fs[c.steep], c.runs[c.steep], c.view.window
        axes = plots.map_axes(window)
        to_point = axes.c2p
        grid = fields.grid(window, p.contour_samples)
        lines = contour_map(fields.contour_lines(f, grid, c.levels[c.steep]), to_point)
        frame = inner_frame(to_point, window, *c.view.ticks, 24)
        star = plots.minimum_star(to_point(*r.minimum), radius=0.14)
        start = Dot(to_point(*p.x0), radius=0.08, color=INK_START)
        head = text.tex(
            rf"\kappa = {kappa_text(r)},\ L = {numbers.fmt(r.curvature.L)}",
            colour=RUN_COLOURS[c.steep],
        )
        s = ValueTracker(0)
        moving, rows = [], [head]
        for run_, v, colour in zip(c.closing, c.verdicts, (NEAR, PAST), strict=True):
            points = run_.trajectory.points
            moving += [
                traced_path(to_point, points, s, colour, window, width=3),
                iterate_marks(to_point, points, s, colour, radius=0.035, box=window),
                moving_dot(to_point, points, s, colour, window, radius=0.08),
            ]
            rows.append(_closing_row(run_, v, colour))
        block = column(*rows, top=COLUMN_TOP)
        self.play(FadeOut(previous), run_time=0.6)
        self.play(FadeIn(VGroup(lines, frame, star, start)), FadeIn(block))
        self.add(*moving[3:], *moving[:3], star)  # the wide run under the narrow one
        self.play(
            s.animate.set_value(p.steps), run_time=p.closing_seconds, rate_func=linear
        )
        freeze(*moving)
        self.wait(1.2)
        return float(block.get_bottom()[1])

    def _statements(self, c: Plan, top: float) -> None:
        supported = _supports_two_over_l(c)
        if supported:
            verdict = r"\text{the picture supports } \eta < 2/L"
        elif _past_yet_converging(c):
            verdict = r"\text{past } 2/L\text{: no promise, yet this run converges}"
        elif _straddles(c):
            verdict = r"\text{past } 2/L\text{: nothing is promised}"
        else:
            verdict = r"\text{these steps do not straddle } 2/L"
        rows = [
            text.tex(r"\text{Layer 3: } \eta < 1/L \text{ converges}", colour=look.MUTED),
            text.tex(
                r"\text{Layer 4: } \eta < 2/L \text{: sure descent}", colour=look.MUTED
            ),
            text.tex(verdict, colour=look.GOOD if supported else look.POINT),
            text.tex(r"\eta = 1/L\text{: the rate theorem's step}", size=look.LABEL_SIZE),
        ]
        column(*rows, top=top - 0.45, buff=0.22)
        for row in rows[:2]:
            self.play(FadeIn(row), run_time=0.6)
        self.play(FadeIn(VGroup(*rows[2:])), run_time=0.8)
        self.wait(3.0)


def _closing_draws(c: Plan, p: ConvergenceRateParams) -> str:
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
        f"at η = {factor_text(run_.factor)}/L the run {_fate(run_, v)}"
        for run_, v in zip(c.closing, c.verdicts, strict=True)
    ]


def _verdict_words(c: Plan) -> str:
    """What the closing runs say of 2/L, as the last step writes it."""
    if _supports_two_over_l(c):
        return "the picture supports η below 2/L"
    if _past_yet_converging(c):
        return "past 2/L nothing is promised, yet this run converges"
    if _straddles(c):
        return "past 2/L nothing is promised"
    return "these steps do not straddle 2/L"


def _left(r: LinearRun, v: landscape.Verdict) -> int:
    """The step a diverging run leaves the window (its overflow comes later)."""
    return v.step if r.left_at is None else r.left_at


def _fate(r: LinearRun, v: landscape.Verdict) -> str:
    """How a closing run went, in words, from the run itself (not from μ and L,
    which only bound f's curvature over the window)."""
    if v.status == "diverged":
        return f"diverges, leaving at step {_left(r, v)}"
    if r.settling and not r.zigzags:
        return "converges"
    if r.settling and r.factor > r.curvature.kappa:  # ημ > 1: it overshoots even
        return "overshoots back and forth yet converges"  # along the valley's floor
    if r.settling:
        return "zig-zags across the valley yet converges"
    return "does not settle"


def _supports_two_over_l(c: Plan) -> bool:
    """Whether the closing runs straddle 2/L: one below it converging, one past it
    diverging."""
    pairs = list(zip(c.closing, c.verdicts, strict=True))
    below = any(r.factor < 2 and v.status != "diverged" and r.settling for r, v in pairs)
    past = any(r.factor > 2 and v.status == "diverged" for r, v in pairs)
    return below and past


def _straddles(c: Plan) -> bool:
    """Whether one closing step is below 2/L and one past it."""
    factors = [r.factor for r in c.closing]
    return min(factors) < 2 < max(factors)


def _past_yet_converging(c: Plan) -> bool:
    """Whether a run past 2/L still converges (f curves less along it than L)."""
    pairs = zip(c.closing, c.verdicts, strict=True)
    return any(r.factor > 2 and v.status != "diverged" and r.settling for r, v in pairs)


def _dashed(to_points, curve: LogCurve, colour: ManimColor) -> VMobject:
    """The bound as a dashed polyline on the log axis (static: drawn whole)."""
    line = VMobject(stroke_color=colour, stroke_width=2.5)
    line.set_points_as_corners(np.reshape(to_points(curve.points), (-1, 3)))
    return DashedVMobject(line, num_dashes=40, dashed_ratio=0.55)


def _gap_row(r: LinearRun, colour: ManimColor) -> VGroup:
    """One run on the log axis in words: its rate 1 − μ/L, and its last gap under
    its last bound."""
    n = r.trajectory.n_steps
    head = text.tex(
        rf"\kappa = {kappa_text(r)}:\ 1 - \mu/L = {numbers.fmt(r.curvature.rate, 4)}",
        colour=colour,
    )
    last = text.tex(
        rf"t = {n}:\ {numbers.readable(float(r.gaps[-1]), 3)} \le "
        rf"{numbers.readable(float(r.bound[-1]), 3)}",
        colour=colour,
        size=look.LABEL_SIZE,
    )
    return VGroup(head, last).arrange(DOWN, aligned_edge=LEFT, buff=0.12)


def _closing_row(r: LinearRun, v: landscape.Verdict, colour: ManimColor) -> VGroup:
    """One closing run in words: its step, |1 − ηL| and how it ended."""
    k = numbers.readable(r.factor)
    if v.status == "diverged":
        how = rf"\text{{diverges: leaves at step {_left(r, v)}}}"
    elif r.settling:
        how = r"\text{zig-zags, converges}" if r.zigzags else r"\text{converges}"
    else:
        how = r"\text{does not settle}"
    eta = text.tex(rf"\eta = {k}/L = {numbers.readable(r.lr, 4)}", colour=colour)
    factor = text.tex(
        rf"|1 - \eta L| = {numbers.fmt(abs(1 - r.factor), 3)}:\ " + how,
        colour=colour,
        size=look.LABEL_SIZE,
    )
    return VGroup(eta, factor).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
