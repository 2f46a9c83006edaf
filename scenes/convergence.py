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

from mathcore import fields, landscape
from mathcore.convergence import LinearRun
from mathcore.logaxis import LogCurve, log_curve
from scenes.base import LessonScene
from scenes.convergence_plan import (
    ConvergenceRateParams,
    Plan,
    closing_caption,
    closing_draws,
    fate,
    gaps_caption,
    kappa_text,
    left_step,
    past_yet_converging,
    plan,
    runs_caption,
    straddles,
    supports_two_over_l,
    verdict_caption,
    verdict_words,
)
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

# One colour per function (by role: look.swatch), the same on its map and its
# curves; the closing runs in the colours of a run that converges and one gone wrong.
RUN_COLOURS = ("good", "curve", "secant")
CLOSING_COLOURS = ("good", "tangent")


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
            runs_caption(c, p),
            draws="On each map a run at η = 1/L traces its path from the start. Under "
            "each, its last gap above the minimum: "
            + numbers.listed([numbers.readable_text(float(r.gaps[-1]), 4) for r in c.runs])
            + ".",
        )
        self._runs(c, p, panels)

        self.step(
            "Gaps against the bound",
            gaps_caption(c),
            draws="The maps give way to a log plot of each run's gap against the step: "
            "a solid curve per κ, each under its dashed bound. Beside: the rates "
            + numbers.listed([numbers.fmt(r.curvature.rate, 4) for r in c.runs])
            + ", one per κ, and each last gap under its last bound.",
        )
        axes, legend = self._gaps(c, p, panels)

        self.step(
            "Near 2/L and past it",
            closing_caption(c),
            draws=closing_draws(c, p),
        )
        column_top = self._closing(c, p, VGroup(axes, legend))

        self.step(
            "Which statement holds",
            verdict_caption(c),
            draws="Beside the map, four lines: Layer 3 says η below 1/L converges; "
            "Layer 4 says η below 2/L gives sure descent. Then: "
            f"{verdict_words(c)}, and η = 1/L is the rate theorem's step.",
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
                | {"shown": v.status, "step": v.step, "fate": fate(r, v)},
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
            start = Dot(axes.c2p(*p.x0), radius=0.07, color=look.INK)
            cv = r.curvature
            title = text.tex(
                rf"\kappa = {kappa_text(r)}", colour=look.swatch(RUN_COLOURS[i])
            )
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
            colour = look.swatch(RUN_COLOURS[i])
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
                    colour=look.swatch(RUN_COLOURS[i]),
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
            colour = look.swatch(RUN_COLOURS[i])
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
        start = Dot(to_point(*p.x0), radius=0.08, color=look.INK)
        head = text.tex(
            rf"\kappa = {kappa_text(r)},\ L = {numbers.fmt(r.curvature.L)}",
            colour=look.swatch(RUN_COLOURS[c.steep]),
        )
        s = ValueTracker(0)
        moving, rows = [], [head]
        colours = map(look.swatch, CLOSING_COLOURS)
        for run_, v, colour in zip(c.closing, c.verdicts, colours, strict=True):
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
        supported = supports_two_over_l(c)
        if supported:
            verdict = r"\text{the picture supports } \eta < 2/L"
        elif past_yet_converging(c):
            verdict = r"\text{past } 2/L\text{: no promise, yet this run converges}"
        elif straddles(c):
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
        how = rf"\text{{diverges: leaves at step {left_step(r, v)}}}"
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
