"""Part 1 of the lesson: the derivative as the slope of the tangent line.

Render one scene with plain Manim from the repo root::

    manim render scenes/derivatives.py TangentLine -ql
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    DecimalNumber,
    Dot,
    FadeIn,
    Line,
    MathTex,
    ValueTracker,
    VGroup,
    Write,
    always_redraw,
    smooth,
)

from mathcore.calculus import forward_difference, tangent_line
from mathcore.functions import CATALOGUE, Objective
from scenes import style
from scenes.base import LessonScene


@dataclass(frozen=True)
class TangentLineParams:
    """The notebook's tangent-line figure: f(x) = x², tangents at −1, 0 and 2."""

    function: str = "square"
    x_range: tuple[float, float] = (-3.0, 3.0)
    y_range: tuple[float, float] = (-2.0, 10.0)
    limit_at: float = 1.0
    secant_steps: tuple[float, ...] = (1.5, 1.0, 0.5, 0.25, 0.1, 0.01)
    rest_points: tuple[float, ...] = (-1.0, 0.0, 2.0)
    sweep_seconds: float = 2.0


class TangentLine(LessonScene):
    """The secant through x and x + h turns into the tangent; then the tangent sweeps."""

    Params = TangentLineParams

    def construct(self) -> None:
        p: TangentLineParams = self.params
        f = CATALOGUE[p.function]()
        axes = self._axes(p)
        curve = axes.plot(
            lambda x: float(f.value([x])), color=style.CURVE, x_range=p.x_range
        )
        formula = MathTex(f.latex, color=style.CURVE, font_size=style.TITLE_SIZE)
        formula.next_to(axes, RIGHT, buff=0.8).to_edge(UP, buff=0.8)

        self.step(
            "The curve", "A derivative asks: nudge the input, how fast does f change?"
        )
        self.play(Create(axes), Create(curve), Write(formula), run_time=1.5)

        self.step(
            "Secant becomes tangent", "Shrink the step h: the secant's slope settles."
        )
        self._secant_limit(f, axes, formula, p)

        self.step(
            "Sweeping the tangent", "The tangent's slope is the derivative, point by point."
        )
        self._tangent_sweep(f, axes, formula, p)

    def _axes(self, p: TangentLineParams) -> Axes:
        axes = Axes(
            x_range=[*p.x_range, 1],
            y_range=[*p.y_range, 2],
            x_length=7.2,
            y_length=6.0,
            axis_config={"color": style.MUTED, "font_size": style.LABEL_SIZE},
            tips=False,
        ).add_coordinates()
        return axes.to_edge(LEFT, buff=0.6)

    def _secant_limit(
        self, f: Objective, axes: Axes, formula: MathTex, p: TangentLineParams
    ) -> None:
        x0 = p.limit_at
        h = ValueTracker(p.secant_steps[0])
        self.record("secant.x0", x0)
        self.record(
            "secant.slopes",
            {f"{s:g}": float(forward_difference(f.value, [x0], s)) for s in p.secant_steps},
        )

        y0 = float(f.value([x0]))
        line = always_redraw(
            lambda: style.line_through(
                axes,
                (x0, y0),
                float(forward_difference(f.value, [x0], h.get_value())),
                color=style.SECANT,
            )
        )
        dots = VGroup(
            Dot(axes.c2p(x0, float(f.value([x0]))), color=style.POINT),
            always_redraw(
                lambda: Dot(
                    axes.c2p(x0 + h.get_value(), float(f.value([x0 + h.get_value()]))),
                    color=style.SECANT,
                )
            ),
        )
        quotient = MathTex(r"\frac{f(x+h) - f(x)}{h}", "=", font_size=style.TEXT_SIZE)
        slope = DecimalNumber(
            float(forward_difference(f.value, [x0], h.get_value())),
            num_decimal_places=3,
            font_size=style.TEXT_SIZE,
        )
        h_label = MathTex("h =", font_size=style.TEXT_SIZE)
        h_value = DecimalNumber(
            h.get_value(), num_decimal_places=2, font_size=style.TEXT_SIZE
        )
        h_value.add_updater(lambda m: m.set_value(h.get_value()))
        readout = VGroup(
            VGroup(h_label, h_value).arrange(RIGHT),
            VGroup(quotient, slope).arrange(RIGHT),
        ).arrange(DOWN, aligned_edge=LEFT)
        readout.next_to(formula, DOWN, buff=0.8).align_to(formula, LEFT)
        self.play(Create(line), FadeIn(dots), FadeIn(readout))
        # Updaters start after the fade: a number that changes its digit count while
        # fading in would change the mobject's family mid-animation.
        slope.add_updater(
            lambda m: m.set_value(float(forward_difference(f.value, [x0], h.get_value())))
        )
        for s in p.secant_steps[1:]:
            self.play(h.animate.set_value(s), run_time=0.8)
        exact = tangent_line(f, x0).slope
        self.record("secant.limit", exact)
        limit = MathTex(
            rf"\xrightarrow{{\;h \to 0\;}} f'({style.fmt(x0)}) = {style.fmt(exact)}",
            color=style.TANGENT,
            font_size=style.TEXT_SIZE,
        ).next_to(readout, DOWN, aligned_edge=LEFT, buff=0.4)
        self.play(Write(limit))
        self.wait(1)
        # The next step clears these away, so this step ends on its result.
        self.secant_parts = VGroup(line, dots, readout, limit)

    def _tangent_sweep(
        self, f: Objective, axes: Axes, formula: MathTex, p: TangentLineParams
    ) -> None:
        x = ValueTracker(p.x_range[0] + 0.5)

        def tangent() -> Line:
            t = tangent_line(f, x.get_value())
            return style.line_through(axes, (t.x0, t.y0), t.slope, color=style.TANGENT)

        line = always_redraw(tangent)
        dot = always_redraw(
            lambda: Dot(
                axes.c2p(x.get_value(), float(f.value([x.get_value()]))), color=style.POINT
            )
        )
        label = MathTex(r"f'(x) =", font_size=style.TEXT_SIZE)
        slope = DecimalNumber(
            tangent_line(f, x.get_value()).slope,
            num_decimal_places=2,
            font_size=style.TEXT_SIZE,
        )
        readout = VGroup(label, slope).arrange(RIGHT)
        readout.next_to(formula, DOWN, buff=0.8).align_to(formula, LEFT)
        self.play(Create(line), FadeIn(dot), FadeIn(readout))
        slope.add_updater(lambda m: m.set_value(tangent_line(f, x.get_value()).slope))
        rests = VGroup()
        for x0 in p.rest_points:
            self.play(x.animate.set_value(x0), run_time=p.sweep_seconds, rate_func=smooth)
            t = tangent_line(f, x0)
            self.record(f"tangent.at[{x0:g}]", {"x0": t.x0, "y0": t.y0, "slope": t.slope})
            rest = MathTex(
                rf"f'({style.fmt(x0)}) = {style.fmt(t.slope)}",
                color=style.TANGENT,
                font_size=style.TEXT_SIZE,
            )
            rest.next_to(
                rests if len(rests) else readout, DOWN, aligned_edge=LEFT, buff=0.3
            )
            rests.add(rest)
            self.play(FadeIn(rest, shift=0.2 * UP), run_time=0.6)
            self.wait(0.6)
        self.wait(1)
