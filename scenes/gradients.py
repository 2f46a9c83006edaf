"""Part 2 of the lesson: the gradient points uphill (GradientBowl).

Render it with plain Manim from the repo root::

    manim render scenes/gradients.py GradientBowl -ql

Heights are coloured on one ramp in every scene (dark is low, light is high), so a
surface and its contour map read the same. Gradients are drawn in the palette's
derivative colour; the downhill direction −∇f in the colour of minima.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import numpy as np
from manim import (
    DEGREES,
    DOWN,
    LEFT,
    PI,
    RIGHT,
    UP,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    ReplacementTransform,
    ThreeDAxes,
    VGroup,
    Write,
)

from lesson import params
from lesson.words import spoken
from mathcore import fields
from scenes.base import Lesson3DScene
from scenes.kit import look, numbers, plots, text
from scenes.kit.maps import height_map
from scenes.kit.mesh import MeshSurface
from scenes.kit.surfaces import flat_look, height_surface, three_d_axes
from scenes.kit.text import below, column
from scenes.plans import FieldSurvey, field_survey

# The 3-D axes: their side, and where the camera centres the floor.
MAP_SIDE = 6.0
MAP_CENTRE = np.array([-3.2, 0.2, 0.0])

DR, UL = DOWN + RIGHT, UP + LEFT


@dataclass(frozen=True)
class GradientBowlParams(params.Params):
    """The notebook's bowl figure: x² + y² on [−3, 3]², arrows of 0.15·∇f at 7 points."""

    function: Annotated[str, params.Formula(2)] = "bowl"
    """The landscape: a catalogue name or a formula in x and y."""
    window: Annotated[plots.Window, params.Region(2)] = ((-3.0, 3.0), (-3.0, 3.0))
    """The least the surface and its map show (the notebook's [−3, 3]²); grown to
    hold every arrow's base point."""
    ticks: Annotated[tuple[params.Coordinate, ...], params.Items(0, 20)] = ()
    """Ticks on both edges of the map; empty: derived from the window (nice steps,
    or multiples of π when its ends are multiples of π/2)."""
    height_range: tuple[params.Coordinate, params.Coordinate, params.Coordinate] = (
        0.0,
        18.0,
        6.0,
    )
    """The least the surface's height axis spans (low, high, tick step); grown to
    hold f."""
    surface_resolution: Annotated[int, params.Between(2, 64)] = 24
    """Cells per side of the surface's mesh."""
    contour_samples: params.Samples = 161
    """Grid points per side the contour map is traced on."""
    n_levels: params.LevelCount = 8
    """How many contour levels, evenly spaced between f's lowest and highest."""
    arrow_points: Annotated[tuple[params.Point, ...], params.Items(1, 20)] = (
        (-2.0, -2.0),
        (-2.0, 2.0),
        (2.0, -2.0),
        (2.0, 2.0),
        (0.0, 2.0),
        (2.0, 0.0),
        (1.0, 1.0),
    )
    """The points (x, y) where ∇f is drawn as an arrow."""
    arrow_scale: params.Length = 0.15
    """Each arrow is this many times ∇f (the notebook's quiver scale)."""
    downhill_point: params.Point = (2.0, 2.0)
    """The arrow turned around to show −∇f, the way down; one of ``arrow_points``."""
    start_view: tuple[params.Degrees, params.Degrees] = (70.0, -70.0)
    """The camera's starting angles φ, θ, in degrees."""
    orbit_degrees: params.Degrees = 40.0
    """How far the camera circles the surface at the start, in degrees."""
    orbit_seconds: params.Seconds = 2.0
    """Seconds that circling takes."""
    flatten_seconds: params.Seconds = 1.6
    """Seconds the surface takes to flatten into its contour map."""

    def check(self) -> None:
        """Refuse a function it cannot show (see :func:`scenes.plans.field_survey`)."""
        field_survey(self, need_minimum=True)


def _uphill_draws(field: fields.GradientField, p: GradientBowlParams) -> str:
    """What the step "Gradients point uphill" draws, in words (``field``: its arrows).

    >>> p = GradientBowlParams()
    >>> field = fields.gradient_field(params.objective("bowl", 2), p.arrow_points)
    >>> _uphill_draws(field, p).split(". ")[1]
    'Beside the map: the gradient at (-2, -2) is (-4, -4).'

    """
    n = len(field.points)
    return (
        f"{numbers.number_word(n).capitalize()} dots on the map, each with an arrow "
        f"{numbers.fmt(p.arrow_scale)} times the gradient there, pointing uphill. "
        f"Beside the map: the gradient at {numbers.point_text(field.points[0])} is "
        f"{numbers.point_text(field.vectors[0])}."
    )


class GradientBowl(Lesson3DScene):
    """The bowl as a surface, flattened to its contour map; ∇f points uphill, −∇f down."""

    Params = GradientBowlParams

    def construct(self) -> None:
        p: GradientBowlParams = self.params
        sv = field_survey(p, need_minimum=True)
        f = sv.f
        self.record("surface", {"function": f.name, "latex": f.latex, "window": sv.window})
        self.record("heights", sv.heights)
        self.record("minima", [m.point for m in sv.minima])
        flat_look(self)
        axes = three_d_axes(sv.window, sv.heights, MAP_SIDE, 3.6)
        surface = height_surface(f, axes, sv.window, p.surface_resolution)
        formula = text.tex(f.latex, colour=look.CURVE, size=look.TITLE_SIZE)
        formula = column(formula)

        landscape = "A function of two inputs is a landscape: f is its height."
        self.step(
            "The landscape",
            landscape,
            say=f"{landscape} Here {spoken.objective(f)}.",
            draws=f"A surface whose height is f, over {numbers.window_text(sv.window)}, "
            "seen from an angle, with the formula of f above."
            + (" The camera circles round it." if p.orbit_degrees else ""),
        )
        phi, theta = p.start_view
        self.set_camera_orientation(
            phi=phi * DEGREES, theta=theta * DEGREES, frame_center=axes.z_axis.get_center()
        )
        self.add_fixed_in_frame_mobjects(formula)
        self.remove(formula)
        self.play(Create(axes), FadeIn(surface), Write(formula), run_time=1.2)
        self.move_camera(
            theta=(theta + p.orbit_degrees) * DEGREES, run_time=p.orbit_seconds
        )

        self.step(
            "The contour map",
            "Seen from above, each height draws a line of its own: the contour map.",
            draws="The surface flattens into a map seen from above: heights become "
            "bands of colour, and contour lines join points of equal height.",
        )
        self._flatten(sv, axes, surface, p)

        field = fields.gradient_field(f, p.arrow_points)
        self.step(
            "Gradients point uphill",
            "The gradient is the steepest way up "
            f"(arrows: {numbers.fmt(p.arrow_scale)} ∇f).",
            draws=_uphill_draws(field, p),
        )
        arrows, rows = self._uphill(field, axes, formula, p)

        self.step(
            "The way down",
            "Turn the gradient around: minus the gradient is the steepest way down.",
            draws=f"The arrow at {numbers.point_text(p.downhill_point)} flips round to "
            "minus the gradient, pointing downhill. "
            + ("A green dot marks " if len(sv.minima) == 1 else "Green dots mark ")
            + f"{plots.minima_text(sv.minima)}.",
        )

        self._downhill(sv, axes, arrows, rows, p)

    def _flatten(
        self, sv: FieldSurvey, axes: ThreeDAxes, surface: MeshSurface, p: GradientBowlParams
    ) -> None:
        # Squash the surface onto its floor while the camera looks straight down:
        # heights become colours, the bowl becomes its contour map. Moving the
        # camera's centre (not the bowl) puts the map on the left of the screen.
        floor = axes.c2p(0, 0, 0)
        self.move_camera(
            phi=0,
            theta=-90 * DEGREES,
            frame_center=floor - MAP_CENTRE,
            added_anims=[
                surface.animate.stretch(0, 2, about_point=floor),
                FadeOut(axes),
            ],
            run_time=p.flatten_seconds,
        )

        def to_point(x: float, y: float) -> np.ndarray:
            return axes.c2p(x, y, 0)

        def to_points(line: np.ndarray) -> np.ndarray:
            return axes.c2p(np.c_[line, np.zeros(len(line))])

        floor_map = height_map(
            sv.f,
            sv.window,
            sv.sampled,
            sv.ticks,
            p.contour_samples,
            p.n_levels,
            to_point,
            to_points,
        )
        self.record("contour.levels", floor_map.levels)
        # The smooth flat surface gives way to the banded map: the same colours in steps.
        self.play(
            FadeIn(floor_map.bands), FadeOut(surface), FadeIn(floor_map.frame), run_time=0.8
        )
        self.play(Create(floor_map.lines), run_time=1.2)
        self.wait(0.5)

    def _uphill(
        self,
        field: fields.GradientField,
        axes: ThreeDAxes,
        formula: VGroup,
        p: GradientBowlParams,
    ) -> tuple[VGroup, VGroup]:
        heads = fields.arrow_heads(field, scale=p.arrow_scale)
        self.record(
            "arrows",
            [
                {"point": pt, "gradient": v, "head": h}
                for pt, v, h in zip(field.points, field.vectors, heads, strict=True)
            ],
        )
        self.record("arrows.scale", p.arrow_scale)
        dots = VGroup(*[Dot(axes.c2p(x, y, 0), color=look.POINT) for x, y in field.points])
        arrows = VGroup(
            *[
                plots.arrow(
                    axes.c2p(*a, 0), axes.c2p(*b, 0), look.TANGENT, plots.ARROW_WIDTH
                )
                for a, b in zip(field.points, heads, strict=True)
            ]
        )
        rows = below(
            formula,
            text.tex(
                rf"\nabla f{numbers.vector(field.points[0])} = "
                + numbers.vector(field.vectors[0]),
                colour=look.TANGENT,
                size=look.TEXT_SIZE,
            ),
            text.tex(
                rf"\text{{arrows: }} {numbers.fmt(p.arrow_scale)}\,\nabla f",
                size=look.TEXT_SIZE,
            ),
            text.tex(
                r"\text{(the notebook's scale)}",
                colour=look.MUTED,
                size=look.LABEL_SIZE,
            ),
        )
        self.add_fixed_in_frame_mobjects(rows)
        self.remove(rows)
        self.play(FadeIn(dots), FadeIn(rows))
        self.play(LaggedStart(*[GrowArrow(a) for a in arrows], lag_ratio=0.15))
        self.wait(1)
        return arrows, rows

    def _downhill(
        self,
        sv: FieldSurvey,
        axes: ThreeDAxes,
        arrows: VGroup,
        rows: VGroup,
        p: GradientBowlParams,
    ) -> None:
        index = list(p.arrow_points).index(tuple(p.downhill_point))
        field = fields.gradient_field(sv.f, [p.downhill_point])
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
        down = plots.arrow(base, axes.c2p(*head, 0), look.GOOD, plots.ARROW_WIDTH + 2)
        x0, y0 = (numbers.fmt(c) for c in p.downhill_point)
        gx, gy = (numbers.fmt(c) for c in vector)
        more = below(
            rows,
            text.tex(
                rf"-\nabla f({x0}, {y0}) = -({gx},\ {gy})",
                colour=look.GOOD,
                size=look.TEXT_SIZE,
            ),
            text.tex(r"\text{the steepest way down}", size=look.TEXT_SIZE),
        )
        bottom = VGroup(*[Dot(axes.c2p(*m.point, 0), color=look.GOOD) for m in sv.minima])
        self.add_fixed_in_frame_mobjects(more)
        self.remove(more)
        flipped = arrows[index].copy()
        self.play(arrows[index].animate.set_opacity(0.3))
        # Half a turn about the base point: the arrow flips over to −∇f.
        self.play(ReplacementTransform(flipped, down, path_arc=PI), run_time=1.2)
        self.play(FadeIn(bottom), Write(more))
        self.wait(1.5)
