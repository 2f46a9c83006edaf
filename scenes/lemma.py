"""Part 4, the formal layer: why a small enough step always goes down (DescentLemma).

Render it with plain Manim from the repo root::

    manim render scenes/lemma.py DescentLemma -ql

On a window where f'' ≤ L, f lies under the parabola
q(y) = f(x_t) + f′(x_t)(y − x_t) + (L/2)(y − x_t)²; the step η = 1/L lands on q's
lowest point, and a step η lowers f by at least η(1 − Lη/2) f′(x_t)², which is
positive exactly for 0 < η < 2/L. Past 2/L the bound promises nothing, and a run
with such an η is shown for what it does. Every number is from
:mod:`mathcore.smoothness`.
"""

from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    Axes,
    Create,
    DashedLine,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    Line,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    config,
    linear,
)

from mathcore import smoothness, windows
from mathcore.clipping import windowed
from mathcore.runs import graph_points
from scenes.base import LessonScene
from scenes.kit import look, numbers, plots, text
from scenes.kit.paths import (
    moving_dot,
    outcome,
    step_arrow,
    traced_path,
    trajectory_record,
)
from scenes.kit.plots import inner_frame
from scenes.kit.text import below, column
from scenes.lemma_plan import (
    DescentLemmaParams,
    Lemma,
    bound_caption,
    decrease_caption,
    lemma,
    run_caption,
    step_caption,
    too_large_draws,
)

# The parabola in the colour of approximations (of f, from above): look.SECANT; a
# step past 2/L in the colour of derivatives gone wrong: look.TANGENT.
PLOT_WIDTH, PLOT_HEIGHT = 6.6, 6.1
PLOT_CENTRE = np.array([-3.15, -0.05, 0.0])
PANEL_WIDTH, PANEL_HEIGHT = 4.6, 2.2
PANEL_CENTRE = np.array([4.15, -2.48, 0.0])


class DescentLemma(LessonScene):
    """The descent lemma: the parabola above f, the step 1/L, the decrease vs η."""

    Params = DescentLemmaParams

    def construct(self) -> None:
        p: DescentLemmaParams = self.params
        d = lemma(p)
        self._record(d)
        axes = plots.plot_axes(d.window, PLOT_WIDTH, PLOT_HEIGHT).move_to(PLOT_CENTRE)
        q = d.bound
        t_vals = (numbers.fmt(q.x), numbers.fmt(q.value), numbers.fmt(q.slope))

        self.step(
            "The function and a point",
            f"A function f and a point x_t = {t_vals[0]}. There f = {t_vals[1]}, "
            f"and its slope f′ = {t_vals[2]}.",
            draws=f"A plot of f for x from {numbers.fmt(d.window[0][0])} to "
            f"{numbers.fmt(d.window[0][1])}, its formula above. A dot marks the point "
            f"x = {t_vals[0]}, where f = {t_vals[1]} and the slope is {t_vals[2]}.",
        )
        head = self._show_function(d, axes, p)

        self.step(
            "A parabola above f",
            bound_caption(d),
            draws=f"Beside: L = {numbers.fmt(d.L)}, the most f curves, and the lemma's "
            "inequality. A parabola through the point, with f's slope there and "
            "curvature L, is drawn above f.",
        )
        rows = self._show_bound(d, axes, head, p)

        self.step(
            "The step η = 1/L",
            step_caption(d),
            draws="An arrow jumps from the point to the parabola's lowest point, at x = "
            f"{numbers.fmt(d.step)}. Beside: the bound there, f at most "
            f"{numbers.fmt(q.minimum)}, and f's true value, {numbers.fmt(d.step_value)}, "
            "marked on f and joined to the bound by a dashed line.",
        )
        worked = self._show_step(d, axes, rows)

        self.step(
            "The guaranteed decrease",
            decrease_caption(d),
            draws="The decrease formula is written beside, and a panel plots the "
            "decrease against η: the promised one, above 0 between 0 and 2/L and highest "
            "at 1/L, and the true one, dashed.",
        )
        panel = self._show_decrease(d, rows, worked)

        self.step(
            f"Too large: η = {numbers.fmt(p.too_large)}/L",
            run_caption(d),
            draws=too_large_draws(d),
        )
        self._show_too_large(d, axes, panel, p)

    # ------------------------------------------------------------------ steps

    def _show_function(self, d: Lemma, axes: Axes, p: DescentLemmaParams) -> VGroup:
        """The framed graph of f, x_t on it, and the column's first rows."""
        frame = inner_frame(axes.c2p, d.window, *d.ticks, look.LABEL_SIZE)
        # A steep f has wide tick labels: plot and frame move right to keep them on
        # screen (everything after is placed by axes.c2p, so it follows).
        overflow = -config.frame_width / 2 + 0.1 - frame.get_left()[0]
        if overflow > 0:
            VGroup(axes, frame).shift(overflow * RIGHT)
        curve = plots.function_curve(
            axes.c2p, d.window, lambda x: d.f.value(x[:, None]), p.curve_samples
        )
        q = d.bound
        at = axes.c2p(q.x, q.value)
        dot = Dot(at, radius=0.1, color=look.POINT).set_z_index(3)
        label = text.tex("x_t", colour=look.POINT, size=look.LABEL_SIZE).next_to(
            at, RIGHT, buff=0.15
        )
        head = column(
            text.tex(d.f.latex, colour=look.CURVE, size=look.TITLE_SIZE),
            text.tex(
                rf"x_t = {numbers.fmt(q.x)},\ \ f(x_t) = {numbers.fmt(q.value)},\ \ "
                rf"f'(x_t) = {numbers.fmt(q.slope)}",
                colour=look.POINT,
            ),
        )
        self.play(Create(frame), Create(curve), Write(head[0]), run_time=1.5)
        self.play(FadeIn(dot), FadeIn(label), FadeIn(head[1]))
        self.wait(1.5)
        return head

    def _show_bound(
        self, d: Lemma, axes: Axes, head: VGroup, p: DescentLemmaParams
    ) -> VGroup:
        """L, the lemma's inequality, and the parabola drawn above f."""
        rows = below(
            head,
            text.tex(rf"L = \max f'' = {numbers.fmt(d.L)}", colour=look.SECANT),
            text.tex(
                r"f(y) \le f(x_t) + f'(x_t)(y - x_t) + \tfrac{L}{2}(y - x_t)^2",
                colour=look.SECANT,
            ),
        )
        parabola = plots.function_curve(
            axes.c2p, d.window, d.bound, p.curve_samples, look.SECANT
        )
        self.play(FadeIn(rows[0]))
        self.play(Create(parabola), FadeIn(rows[1]), run_time=2.0)
        self.wait(2.5)
        return VGroup(head, rows)

    def _show_step(self, d: Lemma, axes: Axes, rows: VGroup) -> VGroup:
        """The step η = 1/L: its landing on the parabola's lowest point, and f there."""
        q = d.bound
        top = axes.c2p(d.step, q.minimum)
        low = axes.c2p(d.step, d.step_value)
        start = axes.c2p(q.x, q.value)
        jump = step_arrow(start, top, look.POINT)
        on_bound = Dot(top, radius=0.09, color=look.SECANT).set_z_index(3)
        on_f = Dot(low, radius=0.09, color=look.GOOD).set_z_index(3)
        gap = DashedLine(top, low, color=look.GOOD, stroke_width=3)
        lines = below(
            rows,
            text.tex(
                rf"\eta = \tfrac{{1}}{{L}} = {numbers.fmt(1 / d.L)}:\ \ "
                rf"x_{{t+1}} = {numbers.fmt(d.step)}",
                colour=look.POINT,
            ),
            text.tex(
                rf"\text{{bound: }} f(x_{{t+1}}) \le {numbers.fmt(q.minimum)}",
                colour=look.SECANT,
            ),
            text.tex(
                rf"\text{{true: }} f(x_{{t+1}}) = {numbers.fmt(d.step_value)}",
                colour=look.GOOD,
            ),
        )
        self.play(GrowArrow(jump), FadeIn(lines[0]))
        self.play(FadeIn(on_bound), FadeIn(lines[1]))
        self.play(Create(gap), FadeIn(on_f), FadeIn(lines[2]))
        self.wait(2.5)
        return VGroup(jump, lines)

    def _show_decrease(self, d: Lemma, rows: VGroup, worked: VGroup) -> VGroup:
        """The guaranteed decrease against η, positive on (0, 2/L), with the true one."""
        formula = below(
            rows,
            text.tex(
                r"f(x_t) - f(x_{t+1}) \ge \eta\left(1 - \tfrac{L\eta}{2}\right) f'(x_t)^2",
                colour=look.GOOD,
            ),
        )
        axes, frame = self._panel_axes(d)
        promise = _polyline(axes, d.rates, d.guaranteed).set_stroke(look.GOOD, 4)
        true = DashedVMobject(
            _polyline(axes, d.rates, d.actual).set_stroke(look.INK, 2.5), num_dashes=45
        )
        zero = Line(axes.c2p(0, 0), axes.c2p(d.panel[0][1], 0), color=look.MUTED)
        best = smoothness.best_rate(d.L)
        peak = Dot(axes.c2p(best, float(d.guaranteed.max())), radius=0.07, color=look.GOOD)
        root = Dot(axes.c2p(smoothness.decrease_roots(d.L)[1], 0), radius=0.07)
        self.play(FadeOut(worked[1]), FadeIn(formula))
        self.play(Create(frame), Create(zero))
        self.play(Create(promise), FadeIn(peak), FadeIn(root), run_time=1.5)
        self.play(Create(true), run_time=1.0)
        self.wait(2.5)
        return VGroup(axes, formula)

    def _show_too_large(
        self, d: Lemma, axes: Axes, panel: VGroup, p: DescentLemmaParams
    ) -> None:
        """η past 2/L: its negative promise on the panel, and the run it makes."""
        panel_axes, formula = panel
        promise = d.promise
        mark = Dot(panel_axes.c2p(d.lr, promise), radius=0.08, color=look.TANGENT)
        drop = DashedLine(
            panel_axes.c2p(d.lr, 0), panel_axes.c2p(d.lr, promise), color=look.TANGENT
        )
        rows = below(
            formula,
            text.tex(
                rf"\eta = \tfrac{{{numbers.fmt(p.too_large)}}}{{L}} = "
                rf"{numbers.fmt(d.lr)}:\ \ "
                rf"f(x_{{t+1}}) \le f(x_t) {'+' if promise < 0 else '-'} "
                rf"{numbers.fmt(abs(promise))}",
                colour=look.TANGENT,
            ),
            buff=0.25,
        )
        self.play(Create(drop), FadeIn(mark), FadeIn(rows))
        gp = graph_points(d.run)
        s = ValueTracker(0)
        path = traced_path(axes.c2p, gp, s, look.TANGENT, box=d.window, width=3)
        ball = moving_dot(axes.c2p, gp, s, look.TANGENT, box=d.window, radius=0.1)
        self.add(path, ball)
        exit_ = windowed(gp, d.window)
        shown = d.run.n_steps if not exit_.exited else exit_.exit_segment + 1
        self.play(
            s.animate.set_value(shown),
            run_time=p.run_seconds,
            rate_func=linear,
        )
        ending = text.tex(outcome(d.verdict), colour=look.TANGENT, size=look.LABEL_SIZE)
        if exit_.exited:
            self._exit_arrow(axes, exit_, ending)
        else:
            end = Dot(axes.c2p(*gp[-1]), radius=0.1, color=look.TANGENT)
            self.play(FadeIn(end), FadeIn(below(rows, ending, buff=0.12)))
        self.wait(2.5)

    # ------------------------------------------------------------------ pieces

    def _panel_axes(self, d: Lemma) -> tuple[Axes, VGroup]:
        """The decrease panel: η in multiples of 1/L along the bottom."""
        axes = plots.plot_axes(d.panel, PANEL_WIDTH, PANEL_HEIGHT).move_to(PANEL_CENTRE)
        ks = range(0, int(d.panel[0][1] * d.L + 1e-9) + 1)
        frame = plots.plot_frame(
            axes.c2p,
            d.panel,
            [k / d.L for k in ks],
            windows.ticks(d.panel[1], 4),
            x_label=lambda t: "0" if t == 0 else rf"{round(t * d.L)}/L",
            font_size=24,
            tick=-0.08,
            label_buff=0.1,
        )
        name = text.tex(r"\eta", colour=look.INK, size=28).next_to(
            frame[0], RIGHT, buff=0.12
        )
        name.align_to(frame[0], DOWN)
        return axes, VGroup(frame, name, self._legend(axes, d))

    @staticmethod
    def _legend(axes: Axes, d: Lemma) -> VGroup:
        """Which curve is the promise and which the true drop, in the panel's
        empty lower-left corner (both curves are above 0 there)."""
        rows = VGroup()
        for label, colour, dashed in (
            ("promised", look.GOOD, False),
            ("true", look.INK, True),
        ):
            line = Line(ORIGIN, 0.45 * RIGHT, color=colour, stroke_width=3)
            key = DashedVMobject(line, num_dashes=3) if dashed else line
            rows.add(
                VGroup(key, text.tex(rf"\text{{{label}}}", colour=colour, size=22)).arrange(
                    RIGHT, buff=0.12
                )
            )
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        corner = axes.c2p(d.panel[0][0], d.panel[1][0])
        return rows.move_to(corner + np.array([0.15, 0.12, 0]), aligned_edge=DOWN + LEFT)

    def _exit_arrow(self, axes: Axes, exit_, ending) -> None:
        """Where the run leaves the plot: an arrow on its way out, and how it ended."""
        start = axes.c2p(*exit_.exit_point)
        ahead = axes.c2p(*(exit_.exit_point + 1e-3 * exit_.exit_direction)) - start
        pointer = step_arrow(
            start, start + 0.45 * ahead / np.linalg.norm(ahead), look.TANGENT
        )
        left = text.tex(r"\text{left the plot:}", colour=look.TANGENT, size=look.LABEL_SIZE)
        if exit_.exit_point[1] >= axes.y_range[1]:  # out of the top: a line above it
            note = VGroup(left, ending).arrange(RIGHT, buff=0.15)
            note.next_to(pointer.get_end(), LEFT, buff=0.15)
        else:
            note = VGroup(left, ending).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
            side = LEFT if exit_.exit_point[0] > np.mean(axes.x_range[:2]) else RIGHT
            note.next_to(start, DOWN + side, buff=0.25)
        text.keep_in_frame(note)
        self.play(FadeIn(pointer), FadeIn(note))

    def _record(self, d: Lemma) -> None:
        q = d.bound
        self.record("L", d.L)
        self.record("x_t", q.x)
        self.record("f(x_t)", q.value)
        self.record("f'(x_t)", q.slope)
        self.record("bound", {"coefficients": q.coefficients, "minimum": q.minimum})
        self.record(
            "step",
            {
                "lr": smoothness.best_rate(d.L),
                "x": d.step,
                "bound": q.minimum,
                "f": d.step_value,
            },
        )
        self.record(
            "decrease",
            {
                "rates": d.rates,
                "guaranteed": d.guaranteed,
                "actual": [None if math.isnan(v) else v for v in d.actual],
                "roots": smoothness.decrease_roots(d.L),
                "best_rate": smoothness.best_rate(d.L),
            },
        )
        self.record(
            "too_large",
            {
                "lr": d.lr,
                "promise": d.promise,
                "bound_at_step": float(q.at_step(d.lr)),
                "run": trajectory_record(d.run, d.verdict),
            },
        )
        self.record("window", d.window)
        self.record("panel", d.panel)


def _polyline(axes: Axes, xs: np.ndarray, ys: np.ndarray) -> VMobject:
    """A curve through the finite points (xs, ys), straight between samples."""
    keep = np.isfinite(ys)
    path = VMobject()
    path.set_points_as_corners(axes.c2p(np.column_stack([xs[keep], ys[keep]])))
    return path
