"""Part 2 of the lesson and Exercise 1: gradients, level sets, directional derivatives.

Render one scene with plain Manim from the repo root::

    manim render scenes/gradients.py GradientBowl -ql
    manim render scenes/gradients.py GradientField -ql
    manim render scenes/gradients.py SurfaceAndField -ql

Heights are coloured on one ramp in every scene (dark is low, light is high), so a
surface and its contour map read the same. Gradients are drawn in the palette's
derivative colour; the downhill direction −∇f in the colour of minima.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from manim import (
    DEGREES,
    DOWN,
    LEFT,
    ORIGIN,
    OUT,
    PI,
    RIGHT,
    UP,
    Arrow,
    Axes,
    Create,
    DashedLine,
    DecimalNumber,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    Line,
    ManimColor,
    MathTex,
    Mobject,
    ReplacementTransform,
    RightAngle,
    Rotate,
    Surface,
    ThreeDAxes,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    interpolate_color,
    smooth,
)

from mathcore import fields
from mathcore.calculus import directional_derivative
from mathcore.functions import CATALOGUE, Objective
from scenes import style
from scenes.base import Lesson3DScene, LessonScene

# The height ramp: dark (low) through the function's colour to light (high).
HEIGHT_COLOURS = (
    interpolate_color(style.BACKGROUND, style.CURVE, 0.3),
    style.CURVE,
    interpolate_color(style.CURVE, style.INK, 0.7),
)
ARROW_WIDTH = 4.0


def height_colour(t: float) -> ManimColor:
    """The ramp's colour at ``t`` in [0, 1] (0 lowest, 1 highest)."""
    t = min(max(t, 0.0), 1.0)
    if t <= 0.5:
        return interpolate_color(HEIGHT_COLOURS[0], HEIGHT_COLOURS[1], 2 * t)
    return interpolate_color(HEIGHT_COLOURS[1], HEIGHT_COLOURS[2], 2 * t - 1)


def pi_label(value: float) -> str:
    r"""A multiple of π/2 as LaTeX, for tick labels: ``-\pi``, ``\frac{\pi}{2}``, …"""
    halves = round(2 * value / PI)
    sign = "-" if halves < 0 else ""
    halves = abs(halves)
    if halves == 0:
        return "0"
    if halves % 2 == 0:
        k = halves // 2
        return f"{sign}{'' if k == 1 else k}\\pi"
    return f"{sign}\\tfrac{{{'' if halves == 1 else halves}\\pi}}{{2}}"


def band_shapes(
    bands: list[fields.ContourBand], to_point: Callable[[float, float], np.ndarray]
) -> VGroup:
    """The filled contour map (``contourf``): one filled shape per band, low to high.

    Each ring of a band becomes a subpath of one shape; Cairo's non-zero winding
    fill leaves the (clockwise) holes empty.
    """
    shapes = VGroup()
    for k, band in enumerate(bands):
        shape = VMobject(
            fill_color=height_colour(k / (len(bands) - 1)), fill_opacity=1, stroke_width=0
        )
        for rings in band.polygons:
            for ring in rings:
                corners = [to_point(x, y) for x, y in ring]
                shape.start_new_path(corners[0])
                shape.add_points_as_corners(corners[1:])
        shapes.add(shape)
    return shapes


def contour_paths(
    contours: list[fields.ContourLevel],
    to_point: Callable[[float, float], np.ndarray],
    colour: ManimColor = style.BACKGROUND,
    width: float = 1.5,
) -> VGroup:
    """Every piece of every level line as a path through ``to_point(x, y)``."""
    paths = VGroup()
    for c in contours:
        for line in c.lines:
            path = VMobject(stroke_color=colour, stroke_width=width)
            path.set_points_as_corners([to_point(x, y) for x, y in line])
            paths.add(path)
    return paths


def panel(*rows: Mobject, buff: float = 0.35) -> VGroup:
    """Rows of text stacked left-aligned."""
    return VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=buff)


def arrow(start: np.ndarray, end: np.ndarray, colour: ManimColor, width: float) -> Arrow:
    """A straight arrow from ``start`` to ``end`` exactly (no gap), tip scaled to fit."""
    return Arrow(
        start,
        end,
        buff=0,
        color=colour,
        stroke_width=width,
        max_tip_length_to_length_ratio=0.35,
        max_stroke_width_to_length_ratio=20,
    )


# ----------------------------------------------------------------------------------
# GradientBowl


@dataclass(frozen=True)
class GradientBowlParams:
    """The notebook's bowl figure: x² + y² on [−3, 3]², arrows of 0.15·∇f at 7 points."""

    function: str = "bowl"
    domain: tuple[tuple[float, float], tuple[float, float]] = ((-3.0, 3.0), (-3.0, 3.0))
    height_range: tuple[float, float, float] = (0.0, 18.0, 6.0)
    surface_resolution: int = 24
    contour_samples: int = 161
    n_levels: int = 8
    arrow_points: tuple[tuple[float, float], ...] = (
        (-2.0, -2.0),
        (-2.0, 2.0),
        (2.0, -2.0),
        (2.0, 2.0),
        (0.0, 2.0),
        (2.0, 0.0),
        (1.0, 1.0),
    )
    arrow_scale: float = 0.15
    downhill_point: tuple[float, float] = (2.0, 2.0)
    start_view: tuple[float, float] = (65.0, -60.0)  # camera φ, θ in degrees
    orbit_degrees: float = 50.0
    orbit_seconds: float = 2.5
    flatten_seconds: float = 2.0
    map_offset: float = 3.2  # how far right the camera moves to show the map left


class GradientBowl(Lesson3DScene):
    """The bowl as a surface, flattened to its contour map; ∇f points uphill, −∇f down."""

    Params = GradientBowlParams

    def construct(self) -> None:
        p: GradientBowlParams = self.params
        f = CATALOGUE[p.function]()
        self.record("surface", {"function": f.name, "latex": f.latex, "domain": p.domain})
        axes = ThreeDAxes(
            x_range=[*p.domain[0], 1],
            y_range=[*p.domain[1], 1],
            z_range=list(p.height_range),
            x_length=6,
            y_length=6,
            z_length=4,
            axis_config={"color": style.MUTED, "font_size": style.LABEL_SIZE},
            tips=False,
        )
        surface = Surface(
            lambda u, v: axes.c2p(u, v, float(f.value([u, v]))),
            u_range=p.domain[0],
            v_range=p.domain[1],
            resolution=(p.surface_resolution, p.surface_resolution),
            fill_opacity=0.9,
            stroke_width=0.3,
            stroke_color=style.BACKGROUND,
        ).set_fill_by_value(axes, colorscale=list(HEIGHT_COLOURS), axis=2)
        formula = MathTex(f.latex, color=style.CURVE, font_size=style.TITLE_SIZE)
        formula.to_corner(UP + RIGHT, buff=0.6)

        self.step("The bowl", "A function of two inputs is a landscape: here, a bowl.")
        phi, theta = p.start_view
        self.set_camera_orientation(phi=phi * DEGREES, theta=theta * DEGREES)
        self.add_fixed_in_frame_mobjects(formula)
        self.remove(formula)
        self.play(Create(axes), FadeIn(surface), Write(formula), run_time=1.5)
        self.move_camera(
            theta=(theta + p.orbit_degrees) * DEGREES, run_time=p.orbit_seconds
        )

        self.step(
            "The contour map",
            "Seen from above, each height of the bowl is a circle: the contour map.",
        )
        self._flatten(f, axes, surface, p)

        self.step(
            "Gradients point uphill",
            "At every point, the gradient is the steepest way up, away from the bottom.",
        )
        arrows, rows = self._uphill(f, axes, formula, p)

        self.step(
            "The way down",
            "Turn the gradient around: minus the gradient is the steepest way down.",
        )
        self._downhill(f, axes, arrows, rows, p)

    def _flatten(
        self, f: Objective, axes: ThreeDAxes, surface: Surface, p: GradientBowlParams
    ) -> tuple[VGroup, VGroup]:
        # Squash the surface onto its floor while the camera looks straight down:
        # heights become colours, the bowl becomes its contour map. Moving the
        # camera's centre (not the bowl) leaves room for text on the right.
        floor = axes.c2p(0, 0, 0)
        self.move_camera(
            phi=0,
            theta=-90 * DEGREES,
            frame_center=p.map_offset * RIGHT,
            added_anims=[
                surface.animate.stretch(0, 2, about_point=floor),
                axes.z_axis.animate.set_opacity(0),
            ],
            run_time=p.flatten_seconds,
        )
        g = fields.grid(p.domain, p.contour_samples)
        levels = fields.linear_levels(f, g, p.n_levels)
        self.record("contour.levels", levels)
        plane = band_shapes(
            fields.contour_bands(f, g, levels), lambda x, y: axes.c2p(x, y, 0)
        )
        paths = contour_paths(
            fields.contour_lines(f, g, levels), lambda x, y: axes.c2p(x, y, 0)
        )
        numbers = VGroup(
            axes.get_x_axis().add_numbers(font_size=style.LABEL_SIZE).numbers,
            axes.get_y_axis().add_numbers(font_size=style.LABEL_SIZE).numbers,
        )
        # The flat surface gives way to the banded map: same colours, now in steps.
        self.play(FadeIn(plane), FadeOut(surface), run_time=0.8)
        self.bring_to_front(axes)
        self.play(Create(paths), FadeIn(numbers), run_time=1.2)
        self.wait(0.5)
        return plane, paths

    def _uphill(
        self, f: Objective, axes: ThreeDAxes, formula: MathTex, p: GradientBowlParams
    ) -> tuple[VGroup, VGroup]:
        field = fields.gradient_field(f, p.arrow_points)
        heads = fields.arrow_heads(field, scale=p.arrow_scale)
        self.record(
            "arrows",
            [
                {"point": pt, "gradient": v, "head": h}
                for pt, v, h in zip(field.points, field.vectors, heads, strict=True)
            ],
        )
        self.record("arrows.scale", p.arrow_scale)
        dots = VGroup(*[Dot(axes.c2p(x, y, 0), color=style.POINT) for x, y in field.points])
        arrows = VGroup(
            *[
                arrow(axes.c2p(*a, 0), axes.c2p(*b, 0), style.TANGENT, ARROW_WIDTH)
                for a, b in zip(field.points, heads, strict=True)
            ]
        )
        rows = panel(
            MathTex(
                r"\nabla f = (2x,\ 2y)", color=style.TANGENT, font_size=style.TEXT_SIZE
            ),
            MathTex(
                rf"\text{{arrows: }} {style.fmt(p.arrow_scale)}\,\nabla f",
                r"\text{ (notebook's scale)}",
                font_size=style.TEXT_SIZE,
            ),
        ).next_to(formula, DOWN, buff=0.6, aligned_edge=LEFT)
        self.add_fixed_in_frame_mobjects(rows)
        self.remove(rows)
        self.play(FadeIn(dots), FadeIn(rows))
        self.play(LaggedStart(*[GrowArrow(a) for a in arrows], lag_ratio=0.15))
        self.wait(1)
        return arrows, rows

    def _downhill(
        self,
        f: Objective,
        axes: ThreeDAxes,
        arrows: VGroup,
        rows: VGroup,
        p: GradientBowlParams,
    ) -> None:
        index = list(p.arrow_points).index(tuple(p.downhill_point))
        field = fields.gradient_field(f, [p.downhill_point])
        [head] = fields.arrow_heads(field, scale=-p.arrow_scale)
        [vector] = field.vectors
        self.record(
            "downhill",
            {
                "point": p.downhill_point,
                "gradient": vector,
                "scale": -p.arrow_scale,
                "head": head,
            },
        )
        base = axes.c2p(*p.downhill_point, 0)
        down = arrow(base, axes.c2p(*head, 0), style.GOOD, ARROW_WIDTH + 2)
        x0, y0 = (style.fmt(c) for c in p.downhill_point)
        gx, gy = (style.fmt(c) for c in vector)
        label = MathTex(
            rf"-\nabla f({x0}, {y0}) = -({gx},\ {gy})",
            color=style.GOOD,
            font_size=style.TEXT_SIZE,
        )
        note = MathTex(r"\text{the steepest way down}", font_size=style.TEXT_SIZE)
        more = panel(label, note, buff=0.2).next_to(rows, DOWN, buff=0.6, aligned_edge=LEFT)
        bottom = Dot(axes.c2p(*f.minima[0], 0), color=style.GOOD)
        self.add_fixed_in_frame_mobjects(more)
        self.remove(more)
        flipped = arrows[index].copy()
        self.play(arrows[index].animate.set_opacity(0.3))
        # A half-turn about the base point: the arrow flips to −∇f.
        self.play(ReplacementTransform(flipped, down, path_arc=PI), run_time=1.2)
        self.play(FadeIn(bottom), Write(more))
        self.wait(1.5)


# ----------------------------------------------------------------------------------
# GradientField


@dataclass(frozen=True)
class GradientFieldParams:
    """The notebook's sin x + cos y figure: 8×8 normalised arrows on [−π, π]²."""

    function: str = "sincos"
    domain: tuple[tuple[float, float], tuple[float, float]] = ((-PI, PI), (-PI, PI))
    ticks: tuple[float, ...] = (-PI, -PI / 2, 0.0, PI / 2, PI)
    contour_samples: int = 161
    n_levels: int = 9
    arrow_grid: int = 8
    arrow_length: float = 0.5
    focus: tuple[int, int] = (
        5,
        4,
    )  # (row, column) of the arrow grid: (x, y) ≈ (0.45, 1.35)
    unit_length: float = 1.1
    sweep_start: float = 0.0
    sweep_turns: int = 1
    sweep_samples: int = 49
    sweep_seconds: float = 6.0


class GradientField(LessonScene):
    """Level sets, the normalised gradient field, ∇f ⟂ level set, and D_u f = ∇f·u."""

    Params = GradientFieldParams

    def construct(self) -> None:
        p: GradientFieldParams = self.params
        f = CATALOGUE[p.function]()
        self.record("surface", {"function": f.name, "latex": f.latex, "domain": p.domain})
        axes = field_axes(p.domain, p.ticks, 6.6).to_edge(LEFT, buff=0.5)
        formula = MathTex(f.latex, color=style.CURVE, font_size=style.TITLE_SIZE)
        formula.to_corner(UP + RIGHT, buff=0.5)

        self.step("Level sets", "Colour shows height; each line joins points of equal f.")
        g = fields.grid(p.domain, p.contour_samples)
        levels = fields.linear_levels(f, g, p.n_levels)
        self.record("contour.levels", levels)
        plane = band_shapes(fields.contour_bands(f, g, levels), axes.c2p)
        paths = contour_paths(fields.contour_lines(f, g, levels), axes.c2p)
        key = level_key(levels).next_to(formula, DOWN, buff=0.5)
        self.play(FadeIn(plane), Create(axes), Write(formula), FadeIn(key), run_time=1.2)
        self.play(Create(paths), run_time=1.2)
        self.wait(0.5)

        self.step(
            "The gradient field",
            "Every arrow is the gradient, scaled to one length: each points uphill.",
        )
        arrows, field = self._field(f, axes, p)
        rows = panel(
            MathTex(
                r"\nabla f = (\cos x,\ -\sin y)",
                color=style.TANGENT,
                font_size=style.TEXT_SIZE,
            ),
            MathTex(
                r"\text{arrows: } \nabla f / \lVert \nabla f \rVert",
                font_size=style.TEXT_SIZE,
            ),
        ).next_to(formula, DOWN, buff=0.5, aligned_edge=LEFT)
        self.play(FadeOut(key), FadeIn(rows))
        self.play(LaggedStart(*[GrowArrow(a) for a in arrows], lag_ratio=0.02), run_time=2)
        self.wait(0.5)

        self.step(
            "Perpendicular to the level set",
            "Along a level line f does not change, so the gradient crosses it square on.",
        )
        crossing, marks = self._perpendicular(f, g, axes, arrows, field, rows, p)

        self.step(
            "The directional derivative",
            "Turn a unit vector u: the slope along u is the gradient dotted with u.",
        )
        self._sweep(f, axes, crossing, marks, rows, formula, p)

    def _field(
        self, f: Objective, axes: Axes, p: GradientFieldParams
    ) -> tuple[VGroup, fields.GradientField]:
        field = fields.gradient_field(f, fields.grid(p.domain, p.arrow_grid))
        heads = fields.arrow_heads(field, length=p.arrow_length)
        self.record(
            "field",
            {
                "points": field.points,
                "gradients": field.vectors,
                "unit_vectors": field.unit_vectors,
                "heads": heads,
                "arrow_length": p.arrow_length,
            },
        )
        arrows = VGroup(
            *[
                arrow(axes.c2p(*a), axes.c2p(*b), style.TANGENT, ARROW_WIDTH)
                for a, b in zip(
                    field.points.reshape(-1, 2), heads.reshape(-1, 2), strict=True
                )
            ]
        )
        return arrows, field

    def _perpendicular(
        self,
        f: Objective,
        g: fields.Grid,
        axes: Axes,
        arrows: VGroup,
        field: fields.GradientField,
        rows: VGroup,
        p: GradientFieldParams,
    ) -> tuple[fields.LevelCrossing, VGroup]:
        row, col = p.focus
        crossing = fields.level_crossing(f, field.points[row, col])
        [level] = fields.contour_lines(f, g, [crossing.level])
        a, b = crossing.tangent_segment(p.arrow_length)
        self.record(
            "perpendicular",
            {
                "point": crossing.point,
                "level": crossing.level,
                "normal": crossing.normal,
                "tangent": crossing.tangent,
                "arrow_head": fields.arrow_heads(field, length=p.arrow_length)[row, col],
            },
        )
        line = contour_paths([level], axes.c2p, colour=style.POINT, width=5)
        focus = arrows[row * p.arrow_grid + col]
        tangent = DashedLine(axes.c2p(*a), axes.c2p(*b), color=style.INK, stroke_width=3)
        mark = RightAngle(
            Line(axes.c2p(*crossing.point), axes.c2p(*b)),
            Line(focus.get_start(), focus.get_end()),
            length=0.22,
            color=style.INK,
            stroke_width=3,
        )
        dot = Dot(axes.c2p(*crossing.point), color=style.POINT)
        text = panel(
            MathTex(r"\nabla f \perp \text{level set}", font_size=style.TEXT_SIZE),
            MathTex(
                rf"f = {style.fmt(crossing.level)}",
                color=style.POINT,
                font_size=style.TEXT_SIZE,
            ),
        ).next_to(rows, DOWN, buff=0.6, aligned_edge=LEFT)
        others = VGroup(*[a for a in arrows if a is not focus])
        self.play(others.animate.set_opacity(0.25), Create(line), FadeIn(dot))
        self.play(
            focus.animate.set_stroke(width=ARROW_WIDTH + 3),
            Create(tangent),
            Create(mark),
            FadeIn(text),
        )
        self.wait(1)
        self.perp_text = text
        return crossing, VGroup(others, line, tangent, mark, dot, focus)

    def _sweep(
        self,
        f: Objective,
        axes: Axes,
        crossing: fields.LevelCrossing,
        marks: VGroup,
        rows: VGroup,
        formula: MathTex,
        p: GradientFieldParams,
    ) -> None:
        others, line, tangent, mark, _, focus = marks
        sweep = fields.directional_sweep(
            f, crossing.point, p.sweep_start, p.sweep_turns, p.sweep_samples
        )
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
                "angle": sweep.max_angle,
                "direction": sweep.max_direction,
                "value": sweep.max_value,
                "point": sweep.point,
            },
        )
        theta = ValueTracker(sweep.angles[0])

        def slope_at(angle: float) -> float:
            return float(
                directional_derivative(f, crossing.point, fields.unit_direction(angle))
            )

        base = axes.c2p(*crossing.point)
        # u is drawn at a fixed on-screen length; only its angle carries meaning.
        u = arrow(base, base + p.unit_length * RIGHT, style.SECANT, ARROW_WIDTH + 2)
        u.rotate(sweep.angles[0], about_point=base)
        u_label = MathTex("u", color=style.SECANT, font_size=style.TEXT_SIZE)
        u_label.add_updater(lambda m: m.next_to(u.get_end(), u.get_unit_vector(), buff=0.1))

        readout = VGroup(
            MathTex(r"D_u f = \nabla f \cdot u =", font_size=style.TEXT_SIZE),
            DecimalNumber(
                slope_at(theta.get_value()), num_decimal_places=3, font_size=style.TEXT_SIZE
            ),
        ).arrange(RIGHT)
        readout.next_to(formula, DOWN, buff=0.5).align_to(rows, LEFT)
        graph_axes = (
            Axes(
                x_range=[sweep.angles[0], sweep.angles[-1], PI / 2],
                y_range=[-sweep.max_value, sweep.max_value, sweep.max_value],
                x_length=5.2,
                y_length=2.2,
                axis_config={"color": style.MUTED},
                tips=False,
            )
            .next_to(readout, DOWN, buff=0.8)
            .align_to(rows, LEFT)
        )
        theta_label = MathTex(r"\theta", font_size=style.LABEL_SIZE, color=style.MUTED)
        theta_label.next_to(graph_axes.x_axis, RIGHT, buff=0.1)
        trace = graph_axes.plot(slope_at, x_range=[sweep.angles[0], sweep.angles[0] + 1e-6])
        trace_dot = Dot(
            graph_axes.c2p(sweep.angles[0], slope_at(sweep.angles[0])), color=style.SECANT
        )

        self.play(
            FadeOut(VGroup(others, tangent, mark, self.perp_text, rows)),
            line.animate.set_stroke(opacity=0.5),
        )
        self.play(
            GrowArrow(u),
            FadeIn(u_label),
            FadeIn(readout),
            Create(graph_axes),
            FadeIn(theta_label),
        )
        number = readout[1]
        number.add_updater(lambda m: m.set_value(slope_at(theta.get_value())))
        u.add_updater(lambda m: m.set_angle(theta.get_value()).shift(base - m.get_start()))
        drawn = VMobject()
        drawn.add_updater(
            lambda m: m.become(
                graph_axes.plot(
                    slope_at,
                    x_range=[
                        sweep.angles[0],
                        max(theta.get_value(), sweep.angles[0] + 1e-3),
                    ],
                    color=style.SECANT,
                )
            )
        )
        trace_dot.add_updater(
            lambda m: m.move_to(
                graph_axes.c2p(theta.get_value(), slope_at(theta.get_value()))
            )
        )
        self.add(drawn, trace_dot)
        self.remove(trace)
        self.play(
            theta.animate.set_value(sweep.angles[-1]),
            run_time=p.sweep_seconds,
            rate_func=smooth,
        )
        for m in (number, u, drawn, trace_dot, u_label):
            m.clear_updaters()
        top = DashedLine(
            graph_axes.c2p(sweep.angles[0], sweep.max_value),
            graph_axes.c2p(sweep.angles[-1], sweep.max_value),
            color=style.TANGENT,
            stroke_width=2,
        )
        result = (
            panel(
                MathTex(
                    r"u = \frac{\nabla f}{\lVert \nabla f \rVert}:\ "
                    rf"D_u f = \lVert \nabla f \rVert = {style.fmt(sweep.max_value)}",
                    color=style.TANGENT,
                    font_size=style.TEXT_SIZE,
                ),
                MathTex(
                    r"\nabla f \cdot u \le \lVert \nabla f \rVert\,\lVert u \rVert"
                    r"\ \ \text{(Cauchy--Schwarz)}",
                    font_size=style.TEXT_SIZE,
                ),
                buff=0.25,
            )
            .next_to(graph_axes, DOWN, buff=0.5)
            .align_to(rows, LEFT)
        )
        self.play(Create(top), FadeIn(result), focus.animate.set_opacity(1))
        self.wait(1.5)


def field_axes(
    domain: tuple[tuple[float, float], tuple[float, float]],
    ticks: Sequence[float],
    side: float,
) -> Axes:
    """Square axes over ``domain`` with ticks at multiples of π/2, labelled as such."""
    (x0, x1), (y0, y1) = domain
    axes = Axes(
        x_range=[x0, x1, PI / 2],
        y_range=[y0, y1, PI / 2],
        x_length=side,
        y_length=side,
        axis_config={"color": style.MUTED, "include_ticks": True},
        tips=False,
    )
    labels = {t: MathTex(pi_label(t), font_size=style.LABEL_SIZE) for t in ticks if t}
    axes.x_axis.add_labels(labels)
    axes.y_axis.add_labels(
        {t: MathTex(pi_label(t), font_size=style.LABEL_SIZE) for t in ticks if t}
    )
    return axes


def level_key(levels: Sequence[float]) -> VGroup:
    """A small legend: the band colours from low to high, with the outer levels."""
    n = len(levels)
    swatches = VGroup(
        *[
            Line(ORIGIN, 0.45 * RIGHT, stroke_width=14, color=height_colour(k / n))
            for k in range(n + 1)
        ]
    ).arrange(RIGHT, buff=0)
    low = MathTex(style.fmt(levels[0]), font_size=style.LABEL_SIZE)
    high = MathTex(style.fmt(levels[-1]), font_size=style.LABEL_SIZE)
    low.next_to(swatches[1].get_left(), DOWN, buff=0.15)
    high.next_to(swatches[-1].get_left(), DOWN, buff=0.15)
    title = MathTex(r"\text{levels}", font_size=style.LABEL_SIZE).next_to(
        swatches, LEFT, buff=0.3
    )
    return VGroup(title, swatches, low, high)


# ----------------------------------------------------------------------------------
# SurfaceAndField


@dataclass(frozen=True)
class SurfaceAndFieldParams:
    """Exercise 1: sin x + cos y as a surface beside its contour plot with arrows."""

    function: str = "sincos"
    domain: tuple[tuple[float, float], tuple[float, float]] = ((-PI, PI), (-PI, PI))
    ticks: tuple[float, ...] = (-PI, -PI / 2, 0.0, PI / 2, PI)
    height_range: tuple[float, float, float] = (-2.0, 2.0, 1.0)
    surface_resolution: int = 24
    contour_samples: int = 121
    n_levels: int = 9
    arrow_grid: int = 8
    arrow_length: float = 0.45
    view: tuple[float, float] = (62.0, -90.0)  # camera φ, θ in degrees
    turn_degrees: float = 40.0
    turn_seconds: float = 2.5


class SurfaceAndField(Lesson3DScene):
    """The surface of sin x + cos y on the left, its contour map with ∇f on the right."""

    Params = SurfaceAndFieldParams

    def construct(self) -> None:
        p: SurfaceAndFieldParams = self.params
        f = CATALOGUE[p.function]()
        self.record("surface", {"function": f.name, "latex": f.latex, "domain": p.domain})
        phi, theta = p.view
        self.set_camera_orientation(phi=phi * DEGREES, theta=theta * DEGREES)
        axes = ThreeDAxes(
            x_range=[*p.domain[0], PI / 2],
            y_range=[*p.domain[1], PI / 2],
            z_range=list(p.height_range),
            x_length=5,
            y_length=5,
            z_length=2.5,
            axis_config={"color": style.MUTED},
            tips=False,
        )
        surface = Surface(
            lambda u, v: axes.c2p(u, v, float(f.value([u, v]))),
            u_range=p.domain[0],
            v_range=p.domain[1],
            resolution=(p.surface_resolution, p.surface_resolution),
            fill_opacity=0.9,
            stroke_width=0.3,
            stroke_color=style.BACKGROUND,
        ).set_fill_by_value(axes, colorscale=list(HEIGHT_COLOURS), axis=2)
        land = VGroup(axes, surface).shift(3.4 * LEFT + 0.3 * DOWN)
        title = MathTex(
            r"\text{Exercise 1: }", f.latex, font_size=style.TEXT_SIZE + 4
        ).to_edge(UP, buff=0.35)
        title[1].set_color(style.CURVE)

        self.step(
            "The surface",
            "Exercise 1: sin x + cos y as a surface, its height in colour.",
        )
        self.add_fixed_in_frame_mobjects(title)
        self.remove(title)
        self.play(Create(axes), FadeIn(surface), Write(title), run_time=1.5)
        self.play(
            Rotate(land, p.turn_degrees * DEGREES, axis=OUT, about_point=axes.c2p(0, 0, 0)),
            run_time=p.turn_seconds,
            rate_func=smooth,
        )

        self.step(
            "Its contour map",
            "The same heights seen from above: a contour map beside the surface.",
        )
        flat = field_axes(p.domain, p.ticks, 5.2).to_edge(RIGHT, buff=0.6).shift(0.3 * DOWN)
        g = fields.grid(p.domain, p.contour_samples)
        levels = fields.linear_levels(f, g, p.n_levels)
        self.record("contour.levels", levels)
        plane = band_shapes(fields.contour_bands(f, g, levels), flat.c2p)
        paths = contour_paths(fields.contour_lines(f, g, levels), flat.c2p)
        self.add_fixed_in_frame_mobjects(plane, flat, paths)
        self.remove(plane, flat, paths)
        self.play(FadeIn(plane), Create(flat), run_time=1.0)
        self.play(Create(paths), run_time=1.0)
        self.wait(0.5)

        self.step(
            "Gradient arrows",
            "Gradient arrows cross the contour lines, pointing up toward the peak.",
        )
        field = fields.gradient_field(f, fields.grid(p.domain, p.arrow_grid))
        heads = fields.arrow_heads(field, length=p.arrow_length)
        self.record(
            "field",
            {
                "points": field.points,
                "gradients": field.vectors,
                "unit_vectors": field.unit_vectors,
                "heads": heads,
                "arrow_length": p.arrow_length,
            },
        )
        arrows = VGroup(
            *[
                arrow(flat.c2p(*a), flat.c2p(*b), style.TANGENT, ARROW_WIDTH - 1)
                for a, b in zip(
                    field.points.reshape(-1, 2), heads.reshape(-1, 2), strict=True
                )
            ]
        )
        self.add_fixed_in_frame_mobjects(arrows)
        self.remove(arrows)
        self.play(LaggedStart(*[GrowArrow(a) for a in arrows], lag_ratio=0.02), run_time=2)
        self.wait(1.5)


__all__ = [
    "GradientBowl",
    "GradientBowlParams",
    "GradientField",
    "GradientFieldParams",
    "SurfaceAndField",
    "SurfaceAndFieldParams",
]
