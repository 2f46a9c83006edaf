"""Part 1 of the lesson: choosing the step h of a numerical derivative
(StepSizeError).

The error of the forward and central differences against h, on log–log axes:
truncation error falls with h and round-off error rises, so each scheme has its own
best h, measured; the notebook's h is marked against it; the complex step, with no
subtraction, has no round-off floor.

Render it with plain Manim from the repo root::

    manim render scenes/step_size.py StepSizeError -ql
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    LogBase,
    ManimColor,
    MathTex,
    VGroup,
    VMobject,
    Write,
)

from lesson import params
from mathcore import landscape
from mathcore.calculus import StepSizeStudy, step_size_study
from scenes.base import LessonScene
from scenes.kit import look, numbers, text


@dataclass(frozen=True)
class StepSizeErrorParams(params.Params):
    """Error against h for f = sin at x = 1 (any smooth f shows the same shape)."""

    function: Annotated[str, params.Formula(1)] = "sin(x)"
    """The function differentiated: a catalogue name or a formula in x."""
    x: params.Coordinate = 1.0
    """The x at which f′ is estimated with every step size h."""
    notebook_h: params.Tolerance = 1e-8
    """The h the notebook recommends (√ε, its claimed sweet spot), marked on the plot."""

    def check(self) -> None:
        """Refuse a function that is not finite near ``x``."""
        f = params.objective(self.function, 1)
        with params.refused():
            landscape.require_finite(f, ((self.x - 0.5, self.x + 0.5),))


class StepSizeError(LessonScene):
    """Truncation error falls with h, round-off error rises: where is the best h?"""

    Params = StepSizeErrorParams

    def construct(self) -> None:
        p: StepSizeErrorParams = self.params
        f = params.objective(p.function, 1)
        study = step_size_study(*f.scalar_functions(), x=p.x)
        self.record("hs", study.hs)
        self.record("errors", study.errors)
        self.record("best_h", study.best_h)
        self.record("best_error", study.best_error)
        penalty = self.record("notebook_penalty", study.penalty("central", p.notebook_h))

        axes, labels = _error_axes()
        title = text.tex(
            rf"{f.latex}, \quad x = {numbers.fmt(p.x)}", size=look.TEXT_SIZE
        ).to_corner(UP + RIGHT)
        colors = {"forward": look.SECANT, "central": look.TANGENT, "complex": look.GOOD}
        curves = {
            s: axes.plot_line_graph(
                study.hs, study.floored(s), add_vertex_dots=False, line_color=colors[s]
            )
            for s in colors
        }
        legend = _legend(colors).next_to(title, DOWN, buff=0.5).align_to(title, LEFT)

        self._truncation_and_round_off(axes, labels, title, curves, legend)
        tags = self._measured_best(axes, study, colors, legend)
        self._notebook_h(axes, study, p, penalty, tags, legend)
        self._complex_step(curves, legend)

    def _truncation_and_round_off(
        self,
        axes: Axes,
        labels: VGroup,
        title: MathTex,
        curves: dict[str, VMobject],
        legend: VGroup,
    ) -> None:
        """The step "Truncation and round-off": the axes, then forward and central."""
        self.step(
            "Truncation and round-off",
            "Big h: the formula is off. Tiny h: rounding wins.",
            draws="Log-log axes of an estimate's error against the step h, with f and x "
            "written above. The forward difference's error curve is drawn, then the "
            "central difference's.",
        )
        self.play(Create(axes), FadeIn(labels), FadeIn(title))
        self.play(Create(curves["forward"]), FadeIn(legend[0]), run_time=1.5)
        self.play(Create(curves["central"]), FadeIn(legend[1]), run_time=1.5)
        self.wait(0.5)

    def _measured_best(
        self,
        axes: Axes,
        study: StepSizeStudy,
        colors: dict[str, ManimColor],
        legend: VGroup,
    ) -> VGroup:
        """The step "The measured best h": each scheme's best h marked and written
        under the legend; returns what is written."""
        best = {s: numbers.sci_text(study.best_h[s]) for s in ("forward", "central")}
        self.step(
            "The measured best h",
            "Measured: each scheme has its own sweet spot.",
            draws="A dot marks the lowest point of each curve, and its h is written: "
            f"{best['forward']} for forward, {best['central']} for central.",
        )
        marks, tags = VGroup(), VGroup()
        for s in ("forward", "central"):
            point = axes.c2p(study.best_h[s], study.best_error[s])
            tag = text.tex(
                rf"h^* \approx {numbers.sci(study.best_h[s])}",
                size=look.LABEL_SIZE,
                colour=colors[s],
            )
            tag.next_to(tags if tags else legend, DOWN, buff=0.3, aligned_edge=LEFT)
            tags.add(tag)
            marks.add(Dot(point, color=colors[s], radius=0.08), tag)
        self.play(FadeIn(marks))
        self.wait(1)
        return tags

    def _notebook_h(
        self,
        axes: Axes,
        study: StepSizeStudy,
        p: StepSizeErrorParams,
        penalty: float,
        tags: VGroup,
        legend: VGroup,
    ) -> None:
        """The step "What the notebook says": its h marked on the plot, and how far
        the central error there is from the best, written under ``tags``."""
        self.step(
            "What the notebook says",
            f"The notebook's h = {p.notebook_h:g} fits forward differences. "
            + (
                f"Central ones are {penalty:,.0f}× less accurate there."
                if penalty >= 2
                else "For this f, central ones do about as well there."
            ),
            duration=4,
            draws="A dashed line marks the notebook's h = "
            f"{numbers.sci_text(p.notebook_h, 0)}, with a dot on the central curve. "
            f"Beside it: the central error there is {numbers.readable_text(penalty, 0)} "
            "times the best.",
        )
        at = axes.c2p(p.notebook_h, study.error_at("central", p.notebook_h))
        claim = DashedLine(
            axes.c2p(p.notebook_h, 1e-17), axes.c2p(p.notebook_h, 1), color=look.MUTED
        )
        style = {"size": look.LABEL_SIZE, "colour": look.TANGENT}
        verdict = (
            VGroup(
                text.tex(
                    rf"\text{{notebook's }} h = {numbers.sci(p.notebook_h, 0)}:", **style
                ),
                text.tex(
                    rf"\text{{central error }} {numbers.readable(penalty, 0)}"
                    r"\times \text{ best}",
                    **style,
                ),
            )
            .arrange(DOWN, aligned_edge=LEFT)
            .next_to(tags, DOWN, buff=0.5)
            .align_to(legend, LEFT)
        )
        text.fit_right(verdict)
        self.play(Create(claim), FadeIn(Dot(at, color=look.POINT)), Write(verdict))
        self.wait(1)

    def _complex_step(self, curves: dict[str, VMobject], legend: VGroup) -> None:
        """The step "The complex step": its curve, with no round-off floor."""
        self.step(
            "The complex step",
            "Without subtraction there is no round-off floor.",
            draws="The complex step's error curve is drawn, and its name joins the legend.",
        )

        self.play(Create(curves["complex"]), FadeIn(legend[2]), run_time=1.5)
        self.wait(1.5)


def _error_axes() -> tuple[Axes, VGroup]:
    """Log-log axes of error against h, and their two labels."""
    axes = Axes(
        x_range=[-14, -1, 2],
        y_range=[-17, 0, 2],
        x_length=7.8,
        y_length=5.6,
        axis_config={"color": look.MUTED, "font_size": 22, "include_tip": False},
        x_axis_config={"scaling": LogBase(custom_labels=True)},
        y_axis_config={"scaling": LogBase(custom_labels=True)},
    ).add_coordinates()
    axes.to_edge(LEFT, buff=0.7).shift(0.3 * DOWN)
    labels = VGroup(
        # At the axis' right end: below it, under the tick labels, it fell off
        # the bottom of the frame.
        text.tex("h", size=look.TEXT_SIZE).next_to(axes.x_axis, RIGHT, buff=0.25),
        text.tex(r"|\text{estimate} - f'(x)|", size=look.LABEL_SIZE)
        .next_to(axes, UP, buff=0.15)
        .align_to(axes, LEFT),
    )
    return axes, labels


def _legend(colors: dict[str, ManimColor]) -> VGroup:
    """The three schemes, each in its colour, one under another."""
    return VGroup(
        *[
            text.tex(name, size=look.LABEL_SIZE, colour=colors[s])
            for s, name in (
                ("forward", r"\text{forward } O(h)"),
                ("central", r"\text{central } O(h^2)"),
                ("complex", r"\text{complex step}"),
            )
        ]
    ).arrange(DOWN, aligned_edge=LEFT)
