"""Part 2 of the lesson: a gradient field, level sets and the directional
derivative (GradientField).

Render it with plain Manim from the repo root::

    manim render scenes/field.py GradientField -ql
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from manim import (
    DOWN,
    LEFT,
    PI,
    RIGHT,
    UP,
    Arrow,
    Axes,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    Line,
    MathTex,
    Mobject,
    ReplacementTransform,
    RightAngle,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    smooth,
)

from mathcore import fields
from mathcore.calculus import directional_derivative
from mathcore.functions import Objective
from scenes.base import LessonScene
from scenes.field_plan import (
    GradientFieldParams,
    directional_sweep,
    focus_crossing,
    perpendicular_draws,
    sweep_draws,
)
from scenes.kit import look, numbers, plots, text
from scenes.kit.maps import HeightMap, field_arrows, height_map, level_key
from scenes.kit.text import COLUMN_LEFT, FRAME_RIGHT, below, column
from scenes.plans import FieldSurvey, field_survey

DR, UL = DOWN + RIGHT, UP + LEFT
# A smaller map than the kit's, higher up: ticks in π/2 are two lines tall.
MAP_SIDE = 6.0
MAP_CENTRE = np.array([-3.2, 0.2, 0.0])


def gradient_tex(f: Objective) -> str:
    """∇f's formula when it is short enough to read beside the map, else its parts."""
    short = 0 < len(f.gradient_latex) <= 48
    return f.gradient_latex if short else r"(\partial_x f,\ \partial_y f)"


class SweepFigure(NamedTuple):
    """What the sweep shows beside the map: u and its label, the readout of D_u f,
    and the graph of D_u f against θ with its labels and the dot tracing it."""

    u: Arrow
    u_label: MathTex
    readout: VGroup
    graph: Axes
    theta_label: MathTex
    graph_label: MathTex
    trace_dot: Dot


class GradientField(LessonScene):
    """Level sets, the normalised gradient field, ∇f ⟂ level set, and D_u f = ∇f·u."""

    Params = GradientFieldParams

    def construct(self) -> None:
        p: GradientFieldParams = self.params
        sv = field_survey(p)
        axes, formula = self._map_and_formula(sv)

        self.step(
            "Level sets",
            "Colour shows height; each line joins points of equal f.",
            draws=f"A map of f over {numbers.window_text(sv.window)}, coloured by "
            "height, with contour lines and a key of their levels. The formula of f "
            "is beside it.",
        )
        contours, key = self._level_sets(sv, axes, formula, p)

        self.step(
            "The gradient field",
            "Each arrow is the gradient normalised to one length: all point uphill.",
            draws=f"A grid of {p.arrow_grid} by {p.arrow_grid} arrows grows on the map, "
            "all one length, each along the gradient, uphill. The key gives way to "
            "the gradient's formula.",
        )
        arrows, rows = self._gradient_arrows(sv, axes, formula, key, p)

        crossing = focus_crossing(sv)
        self.step(
            "Perpendicular to the level set",
            "Along a level line f does not change, so the gradient crosses it square on.",
            draws=perpendicular_draws(crossing),
        )
        parts = self._perpendicular(sv, crossing, contours.grid, axes, arrows, rows, p)

        sweep = directional_sweep(sv.f, crossing, p)
        self.step(
            "The directional derivative",
            "Turn a vector u of length one. The slope along u is the gradient dotted "
            "with u.",
            draws=sweep_draws(sweep),
        )
        self._sweep(sv.f, axes, crossing, sweep, parts, formula, p)

    def _map_and_formula(self, sv: FieldSurvey) -> tuple[Axes, VGroup]:
        """The map's axes (on the left) and f's formula (atop the text column)."""
        f = sv.f
        self.record(
            "surface",
            {
                "function": f.name,
                "latex": f.latex,
                "window": sv.window,
                "arrow_window": sv.sampled,
            },
        )
        axes = plots.map_axes(sv.window, MAP_SIDE, MAP_CENTRE)
        formula = column(text.tex(f.latex, colour=look.CURVE, size=look.TITLE_SIZE))
        return axes, formula

    def _level_sets(
        self, sv: FieldSurvey, axes: Axes, formula: VGroup, p: GradientFieldParams
    ) -> tuple[HeightMap, VGroup]:
        """The coloured height map and its level lines, the formula and the key."""
        contours = height_map(
            sv.f,
            sv.window,
            sv.sampled,
            sv.ticks,
            p.contour_samples,
            p.n_levels,
            axes.c2p,
            axes.c2p,
        )
        self.record("contour.levels", contours.levels)
        key = below(formula, level_key(contours.levels))
        self.play(
            FadeIn(contours.bands),
            Create(contours.frame),
            Write(formula),
            FadeIn(key),
            run_time=1.2,
        )
        self.play(Create(contours.lines), run_time=1.2)
        self.wait(0.5)
        return contours, key

    def _gradient_arrows(
        self,
        sv: FieldSurvey,
        axes: Axes,
        formula: VGroup,
        key: VGroup,
        p: GradientFieldParams,
    ) -> tuple[VGroup, VGroup]:
        """The key gives way to ∇f's formula; the normalised arrows grow on the map."""
        self.record("field", sv.field_record(p.arrow_length))
        arrows = field_arrows(sv.field.points, sv.heads, axes.c2p, plots.ARROW_WIDTH)
        rows = below(
            formula,
            text.tex(
                r"\nabla f = " + gradient_tex(sv.f),
                colour=look.TANGENT,
                size=look.TEXT_SIZE,
            ),
            text.tex(
                r"\text{arrows: } \nabla f / \lVert \nabla f \rVert",
                size=look.TEXT_SIZE,
            ),
            text.tex(
                r"\text{(normalised, as the notebook)}",
                colour=look.MUTED,
                size=look.LABEL_SIZE,
            ),
        )
        self.play(FadeOut(key), FadeIn(rows))
        self.play(LaggedStart(*[GrowArrow(a) for a in arrows], lag_ratio=0.02), run_time=2)
        self.wait(0.5)
        return arrows, rows

    def _perpendicular(
        self,
        sv: FieldSurvey,
        crossing: fields.LevelCrossing,
        g: fields.Grid,
        axes: Axes,
        arrows: VGroup,
        rows: VGroup,
        p: GradientFieldParams,
    ) -> dict[str, Mobject]:
        """The focus arrow's level line (through ``crossing``); the arrow grows and
        crosses it square on."""
        row, col = sv.focus
        level, head = self._focus_level(sv, crossing, g, p)
        line, focus, tangent, mark, dot = self._square_crossing(
            crossing, level, head, axes, p
        )
        note = below(
            rows,
            text.tex(r"\nabla f \perp \text{level line}", size=look.TEXT_SIZE),
            text.tex(
                rf"\text{{level: }} f = {numbers.fmt(crossing.level)}",
                colour=look.POINT,
                size=look.TEXT_SIZE,
            ),
        )
        small = arrows[row * p.arrow_grid + col]
        self.play(arrows.animate.set_opacity(0.25), Create(line), FadeIn(dot))
        self.play(
            ReplacementTransform(small, focus),
            Create(tangent),
            Create(mark),
            FadeIn(note),
        )
        self.wait(1)
        arrows.remove(small)
        return {
            "arrows": arrows,
            "line": line,
            "tangent": tangent,
            "mark": mark,
            "text": VGroup(rows, note),
            "focus": focus,
        }

    def _focus_level(
        self,
        sv: FieldSurvey,
        crossing: fields.LevelCrossing,
        g: fields.Grid,
        p: GradientFieldParams,
    ) -> tuple[fields.ContourLevel, np.ndarray]:
        """The level line through the focus arrow's base, and where that arrow ends."""
        row, col = sv.focus
        [level] = fields.contour_lines(sv.f, g, [crossing.level])
        head = fields.arrow_heads(
            fields.gradient_field(sv.f, crossing.point), length=p.focus_length
        )
        self.record(
            "perpendicular",
            {
                "cell": [row, col],
                "point": crossing.point,
                "level": crossing.level,
                "normal": crossing.normal,
                "tangent": crossing.tangent,
                "arrow_head": head,
            },
        )
        return level, head

    @staticmethod
    def _square_crossing(
        crossing: fields.LevelCrossing,
        level: fields.ContourLevel,
        head: np.ndarray,
        axes: Axes,
        p: GradientFieldParams,
    ) -> tuple[VGroup, Arrow, DashedLine, RightAngle, Dot]:
        """The level line, the focus arrow, the tangent, the right angle and the dot."""
        a, b = crossing.tangent_segment(p.focus_length)
        line = plots.contour_paths([level], axes.c2p, look.POINT, 5)
        base = axes.c2p(*crossing.point)
        focus = plots.arrow(base, axes.c2p(*head), look.TANGENT, plots.ARROW_WIDTH + 3)
        tangent = DashedLine(
            axes.c2p(*a), axes.c2p(*b), color=look.BACKGROUND, stroke_width=4
        )
        mark = RightAngle(
            Line(base, axes.c2p(*b)),
            Line(base, axes.c2p(*head)),
            length=0.3,
            color=look.BACKGROUND,
            stroke_width=4,
        )
        dot = Dot(base, color=look.POINT)
        return line, focus, tangent, mark, dot

    def _sweep(
        self,
        f: Objective,
        axes: Axes,
        crossing: fields.LevelCrossing,
        sweep: fields.DirectionalSweep,
        parts: dict[str, Mobject],
        formula: VGroup,
        p: GradientFieldParams,
    ) -> None:
        """u turns about the focus point while D_u f (``sweep``) is read out and
        graphed."""
        self._record_sweep(sweep)
        theta = ValueTracker(sweep.angles[0])

        def slope_at(angle: float) -> float:
            return float(
                directional_derivative(f, crossing.point, fields.unit_direction(angle))
            )

        base = axes.c2p(*crossing.point)

        def u_arrow(angle: float) -> Arrow:
            # Equal axis scales: a direction in the plane is the same on screen.
            tip = base + p.unit_length * np.append(fields.unit_direction(angle), 0.0)
            return plots.arrow(base, tip, look.SECANT, plots.ARROW_WIDTH + 2)

        u = u_arrow(sweep.angles[0])
        u_label = text.tex("u", colour=look.SECANT, size=look.TEXT_SIZE)
        u_label.next_to(u.get_end(), u.get_unit_vector(), buff=0.1)
        shown = SweepFigure(
            u, u_label, *self._readout_and_graph(formula, sweep, slope_at, theta)
        )
        self._bring_in_u(parts, shown)
        self._turn_u(shown, theta, sweep, slope_at, u_arrow, p)
        self._largest_along_gradient(shown.graph, sweep)

    def _record_sweep(self, sweep: fields.DirectionalSweep) -> None:
        """D_u f at the focus point for each direction u turns through."""
        self.record(
            "directional.samples",
            {
                "angles": sweep.angles,
                "directions": sweep.directions,
                "values": sweep.values,
            },
        )
        self.record(
            "directional.max",
            {
                "point": sweep.point,
                "angle": sweep.max_angle,
                "direction": sweep.max_direction,
                "value": sweep.max_value,
            },
        )

    @staticmethod
    def _readout_and_graph(
        formula: VGroup,
        sweep: fields.DirectionalSweep,
        slope_at: Callable[[float], float],
        theta: ValueTracker,
    ) -> tuple[VGroup, Axes, MathTex, MathTex, Dot]:
        """The readout D_u f = ∇f·u under the formula; the graph of D_u f over θ."""
        readout = VGroup(
            text.tex(r"D_u f = \nabla f \cdot u =", size=look.TEXT_SIZE),
            numbers.LightDecimal(
                slope_at(theta.get_value()), num_decimal_places=3, font_size=look.TEXT_SIZE
            ),
        ).arrange(RIGHT)
        readout = below(formula, readout)
        graph = Axes(
            x_range=[sweep.angles[0], sweep.angles[-1], PI / 2],
            y_range=[-sweep.max_value, sweep.max_value, sweep.max_value],
            x_length=FRAME_RIGHT - COLUMN_LEFT - 1.6,
            y_length=2.0,
            axis_config={"color": look.MUTED},
            tips=False,
        )
        below(readout, graph, buff=0.7).shift(0.9 * RIGHT)
        theta_label = text.tex(r"\theta", size=look.TEXT_SIZE, colour=look.MUTED)
        theta_label.next_to(graph.x_axis, RIGHT, buff=0.15)
        graph_label = text.tex("D_u f", size=look.LABEL_SIZE, colour=look.SECANT)
        graph_label.next_to(graph.y_axis.get_top(), LEFT, buff=0.15)
        trace_dot = Dot(graph.c2p(sweep.angles[0], slope_at(sweep.angles[0])))
        trace_dot.set_color(look.SECANT)
        return readout, graph, theta_label, graph_label, trace_dot

    def _bring_in_u(self, parts: dict[str, Mobject], shown: SweepFigure) -> None:
        """The field and the perpendicular's marks leave; u, readout and graph come."""
        self.play(
            FadeOut(
                VGroup(parts["arrows"], parts["tangent"], parts["mark"], parts["text"])
            ),
            parts["line"].animate.set_stroke(opacity=0.5),
        )
        self.play(
            GrowArrow(shown.u),
            FadeIn(shown.u_label),
            FadeIn(shown.readout),
            Create(shown.graph),
            FadeIn(shown.theta_label),
            FadeIn(shown.graph_label),
            FadeIn(shown.trace_dot),
        )
        self.bring_to_front(parts["focus"])

    def _turn_u(
        self,
        shown: SweepFigure,
        theta: ValueTracker,
        sweep: fields.DirectionalSweep,
        slope_at: Callable[[float], float],
        u_arrow: Callable[[float], Arrow],
        p: GradientFieldParams,
    ) -> None:
        """u turns; the readout follows and the graph of D_u f is drawn behind its dot."""
        u, u_label, graph, trace_dot = shown.u, shown.u_label, shown.graph, shown.trace_dot
        # Updaters only after the fade-in: a number changing its digit count while
        # fading would change the mobject's family mid-animation.
        number = shown.readout[0][1]
        numbers.follow(number, lambda: slope_at(theta.get_value()))
        u.add_updater(lambda m: m.become(u_arrow(theta.get_value())))
        u_label.add_updater(lambda m: m.next_to(u.get_end(), u.get_unit_vector(), buff=0.1))
        drawn = VMobject()
        drawn.add_updater(
            lambda m: m.become(
                graph.plot(
                    slope_at,
                    x_range=[
                        sweep.angles[0],
                        max(theta.get_value(), sweep.angles[0] + 1e-3),
                    ],
                    color=look.SECANT,
                )
            )
        )
        trace_dot.add_updater(
            lambda m: m.move_to(graph.c2p(theta.get_value(), slope_at(theta.get_value())))
        )
        self.add(drawn, trace_dot)
        self.play(
            theta.animate.set_value(sweep.angles[-1]),
            run_time=p.sweep_seconds,
            rate_func=smooth,
        )
        for m in (number, u, u_label, drawn, trace_dot):
            m.clear_updaters()

    def _largest_along_gradient(self, graph: Axes, sweep: fields.DirectionalSweep) -> None:
        """The graph's top, ‖∇f‖, reached along ∇f; why, by Cauchy–Schwarz."""
        top = DashedLine(
            graph.c2p(sweep.angles[0], sweep.max_value),
            graph.c2p(sweep.angles[-1], sweep.max_value),
            color=look.TANGENT,
            stroke_width=2,
        )
        result = below(
            graph,
            text.tex(
                r"\text{largest along } \nabla f:\ "
                rf"D_u f = \lVert \nabla f \rVert = {numbers.fmt(sweep.max_value)}",
                colour=look.TANGENT,
                size=look.TEXT_SIZE,
            ),
            text.tex(
                r"\nabla f \cdot u \le \lVert \nabla f \rVert\,\lVert u \rVert"
                r" = \lVert \nabla f \rVert",
                size=look.TEXT_SIZE,
            ),
            text.tex(r"\text{(Cauchy--Schwarz)}", colour=look.MUTED, size=look.LABEL_SIZE),
            left=COLUMN_LEFT,
        )
        self.play(Create(top), FadeIn(result))
        self.wait(1.5)
