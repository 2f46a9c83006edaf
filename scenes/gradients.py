"""Part 2 of the lesson and Exercise 1: gradients, level sets, directional derivatives.

Render one scene with plain Manim from the repo root::

    manim render scenes/gradients.py GradientBowl -ql
    manim render scenes/gradients.py GradientField -ql
    manim render scenes/gradients.py SurfaceAndField -ql

Heights are coloured on one ramp in every scene (dark is low, light is high), so a
surface and its contour map read the same. Gradients are drawn in the palette's
derivative colour; the downhill direction −∇f in the colour of minima. Maps sit on
the left with their text in a column on the right.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

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
    Rotate,
    ThreeDAxes,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    smooth,
)

from mathcore import fields, landscape
from mathcore.calculus import directional_derivative
from mathcore.functions import Objective
from scenes import params, style
from scenes.base import Lesson3DScene, LessonScene
from scenes.surface import MeshSurface

ARROW_WIDTH = 4.0
# Screen layout (Manim units, frame 14.2 × 8): a square map on the left, a text
# column on the right.
MAP_SIDE = 6.0
MAP_CENTRE = np.array([-3.2, 0.2, 0.0])
COLUMN_LEFT = 0.6
COLUMN_TOP = 3.6
COLUMN_WIDTH = 6.2
DR, UL = DOWN + RIGHT, UP + LEFT
Window = style.Window

# Rows at the top of the text column, and rows under a block already in it.
column = partial(style.column, left=COLUMN_LEFT, top=COLUMN_TOP, width=COLUMN_WIDTH)
below = partial(style.below, width=COLUMN_WIDTH, left=COLUMN_LEFT)


def pi_label(value: float) -> str:
    r"""A multiple of π/2 as LaTeX, for tick labels.

    >>> [pi_label(k * PI / 2) for k in (-2, -1, 0, 1, 3)]
    ['-\\pi', '-\\frac{\\pi}{2}', '0', '\\frac{\\pi}{2}', '\\frac{3\\pi}{2}']
    """
    halves = round(2 * value / PI)
    sign = "-" if halves < 0 else ""
    halves = abs(halves)
    if halves == 0:
        return "0"
    if halves % 2 == 0:
        k = halves // 2
        return f"{sign}{'' if k == 1 else k}\\pi"
    return f"{sign}\\frac{{{'' if halves == 1 else halves}\\pi}}{{2}}"


def band_shapes(bands: list[fields.ContourBand], to_points: style.ToPoints) -> VGroup:
    """The filled contour map (``contourf``): one filled shape per band, low to high.

    Each ring of a band becomes a subpath of one shape; Cairo's non-zero winding
    fill leaves the (clockwise) holes empty.
    """
    shapes = VGroup()
    for k, band in enumerate(bands):
        shape = VMobject(
            fill_color=style.height_colour(k / (len(bands) - 1)),
            fill_opacity=1,
            stroke_width=0,
        )
        for rings in band.polygons:
            for ring in rings:
                corners = to_points(np.asarray(ring))
                shape.start_new_path(corners[0])
                shape.add_points_as_corners(corners[1:])
        shapes.add(shape)
    return shapes


def map_frame(
    to_point: style.ToPoint,
    domain: Window,
    ticks: Sequence[float],
    label: Callable[[float], str],
) -> VGroup:
    """:func:`style.plot_frame` with the same ticks on both edges, and names x and y."""
    frame = style.plot_frame(
        to_point,
        domain,
        ticks,
        ticks,
        x_label=label,
        y_label=label,
        label_buff=0.18,
        paired=True,
    )
    (x0, x1), (y0, y1) = domain
    names = VGroup(
        MathTex("x", font_size=style.TEXT_SIZE).next_to(to_point(x1, y0), DR, buff=0.15),
        MathTex("y", font_size=style.TEXT_SIZE).next_to(to_point(x0, y1), UL, buff=0.15),
    )
    return frame.add(names)


class HeightMap(NamedTuple):
    """A contour map as drawn: filled bands, level lines, and the frame around them."""

    levels: np.ndarray
    grid: fields.Grid
    bands: VGroup
    lines: VGroup
    frame: VGroup


def height_map(
    f: Objective,
    p: GradientBowlParams | GradientFieldParams | SurfaceAndFieldParams,
    map_domain: Window,
    to_point: style.ToPoint,
    to_points: style.ToPoints,
    label: Callable[[float], str],
) -> HeightMap:
    """The contour map of ``f`` over ``map_domain``; its levels are those Matplotlib
    picks on the notebook's domain ``p.domain`` (a wider map continues them)."""
    levels = fields.linear_levels(f, fields.grid(p.domain, p.contour_samples), p.n_levels)
    g = fields.grid(map_domain, p.contour_samples)
    return HeightMap(
        levels,
        g,
        band_shapes(fields.contour_bands(f, g, levels), to_points),
        style.contour_paths(
            fields.contour_lines(f, g, levels), to_points, style.BACKGROUND, 1.5
        ),
        map_frame(to_point, map_domain, p.ticks, label),
    )


def normalised_field(
    scene: LessonScene,
    f: Objective,
    p: GradientFieldParams | SurfaceAndFieldParams,
    to_point: style.ToPoint,
    width: float,
) -> tuple[VGroup, fields.GradientField]:
    """The notebook's normalised gradient field on a grid, as arrows (recorded)."""
    field = fields.gradient_field(f, fields.grid(p.domain, p.arrow_grid))
    heads = fields.arrow_heads(field, length=p.arrow_length)
    scene.record(
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
            style.arrow(to_point(*a), to_point(*b), style.TANGENT, width)
            for a, b in zip(field.points.reshape(-1, 2), heads.reshape(-1, 2), strict=True)
        ]
    )
    return arrows, field


def height_surface(
    f: Objective, axes: ThreeDAxes, domain: Window, resolution: int
) -> MeshSurface:
    """The graph of ``f`` over ``domain``, coloured by height on the ramp.

    A :class:`MeshSurface`: the faces of Manim's ``Surface``, drawn 10× faster.
    """
    surface = MeshSurface(
        lambda u, v: axes.c2p(u, v, float(f.value([u, v]))),
        u_range=domain[0],
        v_range=domain[1],
        resolution=(resolution, resolution),
        fill_opacity=1,
        stroke_width=0.4,
        stroke_color=style.BACKGROUND,
    )
    return surface.set_fill_by_value(axes, colorscale=list(style.HEIGHT_COLOURS), axis=2)


def three_d_axes(
    domain: Window, height_range: tuple[float, float, float], side: float, height: float
) -> ThreeDAxes:
    """3D axes without tips, sorted by depth with the surface (not always on top)."""
    axes = ThreeDAxes(
        x_range=[*domain[0], 1],
        y_range=[*domain[1], 1],
        z_range=list(height_range),
        x_length=side,
        y_length=side,
        z_length=height,
        axis_config={"color": style.MUTED},
        tips=False,
    )
    axes.set_shade_in_3d(True).set_sheen(0)
    # Manim shades each piece of a 3D axis with a gradient along the whole axis (which
    # set_sheen(0) leaves as it is), and finds the gradient's ends anew for every piece,
    # twice a frame, by walking the whole axis in Python: with the axes on screen, a
    # third of the render time. The same ends, from one NumPy pass over the same points:
    for axis in axes:
        ends = partial(_sheen_ends, axis.family_members_with_points(), axes.light_source)
        for piece in axis.family_members_with_points():
            piece.get_gradient_start_and_end_points = ends
    return axes


def _sheen_ends(pieces: list[VMobject], light: np.ndarray) -> tuple[np.ndarray, ...]:
    """The corners of the pieces' bounding box away from and towards ``light``, as
    ``ThreeDAxes`` takes them (``axis.get_edge_center(∓light)``, over anchors)."""
    anchors = np.concatenate([a for p in pieces for a in (p.points[0::4], p.points[3::4])])
    low, high = anchors.min(axis=0), anchors.max(axis=0)
    mid = (low + high) / 2
    return tuple(
        np.where(side > 0, high, np.where(side < 0, low, mid)) for side in (-light, light)
    )


def flat_look(scene: Lesson3DScene) -> None:
    """Turn off Manim's 3D lighting: colour then means height, and height alone."""
    scene.renderer.camera.should_apply_shading = False


# ----------------------------------------------------------------------------------
# GradientBowl


@dataclass(frozen=True)
class Survey:
    """What a gradient scene needs of its function, from mathcore: f itself, the
    heights its surface spans (lo, hi, tick step) and its minima in the domain."""

    f: Objective
    heights: tuple[float, float, float] | None  # None: the scene draws no surface
    minima: tuple[landscape.CriticalPoint, ...]


def surface_heights(
    f: Objective, domain: Window, given: tuple[float, float, float]
) -> tuple[float, float, float]:
    """``given`` (low, high, tick step) while f stays inside it over ``domain``,
    otherwise f's own range on nice steps (:func:`mathcore.landscape.height_range`)."""
    low, high = landscape.height_range(f, domain, at_least=given[:2])
    if (low, high) == tuple(given[:2]):
        return given
    return (low, high, landscape.nice_step(high - low, 4))


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def survey(
    p: GradientBowlParams | GradientFieldParams | SurfaceAndFieldParams,
    need_minimum: bool = False,
) -> Survey:
    """Check that ``p.function`` can be shown over ``p.domain`` (finite, with relief,
    with a minimum when ``need_minimum``) and derive what the scene draws from it.

    A surface's height range is ``p.height_range`` while f stays inside it, and
    otherwise f's own range on nice steps, so the surface stays in frame.
    """
    f = params.objective(p.function, 2)
    with params.refused("domain"):
        landscape.check_window(p.domain, 2)
    with params.refused():
        landscape.require_finite(f, p.domain)
        landscape.require_relief(f, p.domain)
        found = tuple(landscape.minima(f, p.domain))
        if need_minimum and not found:
            raise landscape.UnshowableError(
                "f has no minimum in the domain to point down to"
            )
        heights = None
        if hasattr(p, "height_range"):  # the scenes that draw a surface
            heights = surface_heights(f, p.domain, p.height_range)
    return Survey(f, heights, found)


@dataclass(frozen=True)
class GradientBowlParams:
    """The notebook's bowl figure: x² + y² on [−3, 3]², arrows of 0.15·∇f at 7 points."""

    function: str = "bowl"
    domain: tuple[tuple[float, float], tuple[float, float]] = ((-3.0, 3.0), (-3.0, 3.0))
    ticks: tuple[float, ...] = (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)
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
    start_view: tuple[float, float] = (70.0, -70.0)  # camera φ, θ in degrees
    orbit_degrees: float = 40.0
    orbit_seconds: float = 2.0
    flatten_seconds: float = 1.6

    def check(self) -> None:
        """Refuse a function the scene cannot show (see :func:`survey`)."""
        survey(self, need_minimum=True)


class GradientBowl(Lesson3DScene):
    """The bowl as a surface, flattened to its contour map; ∇f points uphill, −∇f down."""

    Params = GradientBowlParams

    def construct(self) -> None:
        p: GradientBowlParams = self.params
        sv = survey(p, need_minimum=True)
        f = sv.f
        self.record("surface", {"function": f.name, "latex": f.latex, "domain": p.domain})
        self.record("heights", sv.heights)
        self.record("minima", [m.point for m in sv.minima])
        flat_look(self)
        axes = three_d_axes(p.domain, sv.heights, MAP_SIDE, 3.6)
        surface = height_surface(f, axes, p.domain, p.surface_resolution)
        formula = MathTex(f.latex, color=style.CURVE, font_size=style.TITLE_SIZE)
        formula = column(formula)

        self.step(
            "The landscape", "A function of two inputs is a landscape: f is its height."
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
            "Seen from above, each height is a line of its own: the contour map.",
        )
        self._flatten(f, axes, surface, p)

        self.step(
            "Gradients point uphill",
            f"The gradient is the steepest way up (arrows: {style.fmt(p.arrow_scale)} ∇f).",
        )
        arrows, rows = self._uphill(f, axes, formula, p)

        self.step(
            "The way down",
            "Turn the gradient around: minus the gradient is the steepest way down.",
        )
        self._downhill(sv, axes, arrows, rows, p)

    def _flatten(
        self, f: Objective, axes: ThreeDAxes, surface: MeshSurface, p: GradientBowlParams
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

        floor_map = height_map(f, p, p.domain, to_point, to_points, style.fmt)
        self.record("contour.levels", floor_map.levels)
        # The smooth flat surface gives way to the banded map: the same colours in steps.
        self.play(
            FadeIn(floor_map.bands), FadeOut(surface), FadeIn(floor_map.frame), run_time=0.8
        )
        self.play(Create(floor_map.lines), run_time=1.2)
        self.wait(0.5)

    def _uphill(
        self, f: Objective, axes: ThreeDAxes, formula: VGroup, p: GradientBowlParams
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
                style.arrow(axes.c2p(*a, 0), axes.c2p(*b, 0), style.TANGENT, ARROW_WIDTH)
                for a, b in zip(field.points, heads, strict=True)
            ]
        )
        rows = below(
            formula,
            MathTex(
                rf"\nabla f{style.vector(field.points[0])} = "
                + style.vector(field.vectors[0]),
                color=style.TANGENT,
                font_size=style.TEXT_SIZE,
            ),
            MathTex(
                rf"\text{{arrows: }} {style.fmt(p.arrow_scale)}\,\nabla f",
                font_size=style.TEXT_SIZE,
            ),
            MathTex(
                r"\text{(the notebook's scale)}",
                color=style.MUTED,
                font_size=style.LABEL_SIZE,
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
        sv: Survey,
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
        down = style.arrow(base, axes.c2p(*head, 0), style.GOOD, ARROW_WIDTH + 2)
        x0, y0 = (style.fmt(c) for c in p.downhill_point)
        gx, gy = (style.fmt(c) for c in vector)
        more = below(
            rows,
            MathTex(
                rf"-\nabla f({x0}, {y0}) = -({gx},\ {gy})",
                color=style.GOOD,
                font_size=style.TEXT_SIZE,
            ),
            MathTex(r"\text{the steepest way down}", font_size=style.TEXT_SIZE),
        )
        bottom = VGroup(*[Dot(axes.c2p(*m.point, 0), color=style.GOOD) for m in sv.minima])
        self.add_fixed_in_frame_mobjects(more)
        self.remove(more)
        flipped = arrows[index].copy()
        self.play(arrows[index].animate.set_opacity(0.3))
        # Half a turn about the base point: the arrow flips over to −∇f.
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
    # The map shows a margin around the domain: the arrows on its edge stay on it.
    map_domain: tuple[tuple[float, float], tuple[float, float]] = ((-3.8, 3.8), (-3.8, 3.8))
    ticks: tuple[float, ...] = (-PI, -PI / 2, 0.0, PI / 2, PI)
    contour_samples: int = 161
    n_levels: int = 9
    arrow_grid: int = 8
    arrow_length: float = 0.5
    focus: tuple[int, int] = (
        5,
        4,
    )  # (row, column) in the arrow grid: (x, y) ≈ (0.45, 1.35)
    focus_length: float = 1.0
    unit_length: float = 1.5  # on screen: u's length carries no number
    sweep_start: float = 0.0  # u starts along x, where D_u f = ∂f/∂x
    sweep_turns: int = 0
    sweep_samples: int = 49
    sweep_seconds: float = 5.0

    def check(self) -> None:
        """Refuse a function the scene cannot show (see :func:`survey`)."""
        survey(self, need_minimum=False)


class GradientField(LessonScene):
    """Level sets, the normalised gradient field, ∇f ⟂ level set, and D_u f = ∇f·u."""

    Params = GradientFieldParams

    def construct(self) -> None:
        p: GradientFieldParams = self.params
        f = survey(p).f
        self.record("surface", {"function": f.name, "latex": f.latex, "domain": p.domain})
        axes = style.square_axes(p.map_domain, MAP_SIDE).move_to(MAP_CENTRE)
        formula = column(MathTex(f.latex, color=style.CURVE, font_size=style.TITLE_SIZE))

        self.step("Level sets", "Colour shows height; each line joins points of equal f.")
        contours = height_map(f, p, p.map_domain, axes.c2p, axes.c2p, pi_label)
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

        self.step(
            "The gradient field",
            "Each arrow is the gradient normalised to one length: all point uphill.",
        )
        arrows, field = normalised_field(self, f, p, axes.c2p, ARROW_WIDTH)
        rows = below(
            formula,
            MathTex(
                r"\nabla f = (\cos x,\ -\sin y)",
                color=style.TANGENT,
                font_size=style.TEXT_SIZE,
            ),
            MathTex(
                r"\text{arrows: } \nabla f / \lVert \nabla f \rVert",
                font_size=style.TEXT_SIZE,
            ),
            MathTex(
                r"\text{(normalised, as the notebook)}",
                color=style.MUTED,
                font_size=style.LABEL_SIZE,
            ),
        )
        self.play(FadeOut(key), FadeIn(rows))
        self.play(LaggedStart(*[GrowArrow(a) for a in arrows], lag_ratio=0.02), run_time=2)
        self.wait(0.5)

        self.step(
            "Perpendicular to the level set",
            "Along a level line f does not change, so the gradient crosses it square on.",
        )
        crossing, parts = self._perpendicular(
            f, contours.grid, axes, arrows, field, rows, p
        )

        self.step(
            "The directional derivative",
            "Turn a unit vector u: the slope along u is the gradient dotted with u.",
        )
        self._sweep(f, axes, crossing, parts, formula, p)

    def _perpendicular(
        self,
        f: Objective,
        g: fields.Grid,
        axes: Axes,
        arrows: VGroup,
        field: fields.GradientField,
        rows: VGroup,
        p: GradientFieldParams,
    ) -> tuple[fields.LevelCrossing, dict[str, Mobject]]:
        row, col = p.focus
        crossing = fields.level_crossing(f, field.points[row, col])
        [level] = fields.contour_lines(f, g, [crossing.level])
        a, b = crossing.tangent_segment(p.focus_length)
        head = fields.arrow_heads(
            fields.gradient_field(f, crossing.point), length=p.focus_length
        )
        self.record(
            "perpendicular",
            {
                "point": crossing.point,
                "level": crossing.level,
                "normal": crossing.normal,
                "tangent": crossing.tangent,
                "arrow_head": head,
            },
        )
        line = style.contour_paths([level], axes.c2p, style.POINT, 5)
        base = axes.c2p(*crossing.point)
        focus = style.arrow(base, axes.c2p(*head), style.TANGENT, ARROW_WIDTH + 3)
        tangent = DashedLine(
            axes.c2p(*a), axes.c2p(*b), color=style.BACKGROUND, stroke_width=4
        )
        mark = RightAngle(
            Line(base, axes.c2p(*b)),
            Line(base, axes.c2p(*head)),
            length=0.3,
            color=style.BACKGROUND,
            stroke_width=4,
        )
        dot = Dot(base, color=style.POINT)
        text = below(
            rows,
            MathTex(r"\nabla f \perp \text{level line}", font_size=style.TEXT_SIZE),
            MathTex(
                rf"\text{{level: }} f = {style.fmt(crossing.level)}",
                color=style.POINT,
                font_size=style.TEXT_SIZE,
            ),
        )
        small = arrows[row * p.arrow_grid + col]
        self.play(arrows.animate.set_opacity(0.25), Create(line), FadeIn(dot))
        self.play(
            ReplacementTransform(small, focus),
            Create(tangent),
            Create(mark),
            FadeIn(text),
        )
        self.wait(1)
        arrows.remove(small)
        return crossing, {
            "arrows": arrows,
            "line": line,
            "tangent": tangent,
            "mark": mark,
            "text": VGroup(rows, text),
            "focus": focus,
        }

    def _sweep(
        self,
        f: Objective,
        axes: Axes,
        crossing: fields.LevelCrossing,
        parts: dict[str, Mobject],
        formula: VGroup,
        p: GradientFieldParams,
    ) -> None:
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
                "point": sweep.point,
                "angle": sweep.max_angle,
                "direction": sweep.max_direction,
                "value": sweep.max_value,
            },
        )
        theta = ValueTracker(sweep.angles[0])

        def slope_at(angle: float) -> float:
            return float(
                directional_derivative(f, crossing.point, fields.unit_direction(angle))
            )

        base = axes.c2p(*crossing.point)

        def u_arrow(angle: float) -> Arrow:
            # Equal axis scales: a direction in the plane is the same on screen.
            tip = base + p.unit_length * np.append(fields.unit_direction(angle), 0.0)
            return style.arrow(base, tip, style.SECANT, ARROW_WIDTH + 2)

        u = u_arrow(sweep.angles[0])
        u_label = MathTex("u", color=style.SECANT, font_size=style.TEXT_SIZE)
        u_label.next_to(u.get_end(), u.get_unit_vector(), buff=0.1)

        readout = VGroup(
            MathTex(r"D_u f = \nabla f \cdot u =", font_size=style.TEXT_SIZE),
            style.LightDecimal(
                slope_at(theta.get_value()), num_decimal_places=3, font_size=style.TEXT_SIZE
            ),
        ).arrange(RIGHT)
        readout = below(formula, readout)
        graph = Axes(
            x_range=[sweep.angles[0], sweep.angles[-1], PI / 2],
            y_range=[-sweep.max_value, sweep.max_value, sweep.max_value],
            x_length=COLUMN_WIDTH - 1.6,
            y_length=2.0,
            axis_config={"color": style.MUTED},
            tips=False,
        )
        below(readout, graph, buff=0.7).shift(0.9 * RIGHT)
        theta_label = MathTex(r"\theta", font_size=style.TEXT_SIZE, color=style.MUTED)
        theta_label.next_to(graph.x_axis, RIGHT, buff=0.15)
        graph_label = MathTex("D_u f", font_size=style.LABEL_SIZE, color=style.SECANT)
        graph_label.next_to(graph.y_axis.get_top(), LEFT, buff=0.15)
        trace_dot = Dot(graph.c2p(sweep.angles[0], slope_at(sweep.angles[0])))
        trace_dot.set_color(style.SECANT)

        self.play(
            FadeOut(
                VGroup(parts["arrows"], parts["tangent"], parts["mark"], parts["text"])
            ),
            parts["line"].animate.set_stroke(opacity=0.5),
        )
        self.play(
            GrowArrow(u),
            FadeIn(u_label),
            FadeIn(readout),
            Create(graph),
            FadeIn(theta_label),
            FadeIn(graph_label),
            FadeIn(trace_dot),
        )
        self.bring_to_front(parts["focus"])
        # Updaters only after the fade-in: a number changing its digit count while
        # fading would change the mobject's family mid-animation.
        number = readout[0][1]
        style.follow(number, lambda: slope_at(theta.get_value()))
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
                    color=style.SECANT,
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
        top = DashedLine(
            graph.c2p(sweep.angles[0], sweep.max_value),
            graph.c2p(sweep.angles[-1], sweep.max_value),
            color=style.TANGENT,
            stroke_width=2,
        )
        result = below(
            graph,
            MathTex(
                r"\text{largest along } \nabla f:\ "
                rf"D_u f = \lVert \nabla f \rVert = {style.fmt(sweep.max_value)}",
                color=style.TANGENT,
                font_size=style.TEXT_SIZE,
            ),
            MathTex(
                r"\nabla f \cdot u \le \lVert \nabla f \rVert\,\lVert u \rVert"
                r" = \lVert \nabla f \rVert",
                font_size=style.TEXT_SIZE,
            ),
            MathTex(
                r"\text{(Cauchy--Schwarz)}", color=style.MUTED, font_size=style.LABEL_SIZE
            ),
        )
        self.play(Create(top), FadeIn(result))
        self.wait(1.5)


def level_key(levels: Sequence[float]) -> VGroup:
    """A small legend: the band colours from low to high, with the outer levels."""
    n = len(levels)
    swatches = VGroup(
        *[
            Line(ORIGIN, 0.42 * RIGHT, stroke_width=16, color=style.height_colour(k / n))
            for k in range(n + 1)
        ]
    ).arrange(RIGHT, buff=0)
    low = MathTex(style.fmt(levels[0]), font_size=style.LABEL_SIZE)
    high = MathTex(style.fmt(levels[-1]), font_size=style.LABEL_SIZE)
    low.next_to(swatches[1].get_left(), DOWN, buff=0.2)
    high.next_to(swatches[-1].get_left(), DOWN, buff=0.2)
    title = MathTex(r"\text{height: low} \to \text{high}", font_size=style.LABEL_SIZE)
    title.next_to(swatches, UP, buff=0.2, aligned_edge=LEFT)
    return VGroup(title, swatches, low, high)


# ----------------------------------------------------------------------------------
# SurfaceAndField


@dataclass(frozen=True)
class SurfaceAndFieldParams:
    """Exercise 1: sin x + cos y as a surface beside its contour plot with arrows."""

    function: str = "sincos"
    domain: tuple[tuple[float, float], tuple[float, float]] = ((-PI, PI), (-PI, PI))
    # The map shows a margin around the domain: the arrows on its edge stay on it.
    map_domain: tuple[tuple[float, float], tuple[float, float]] = ((-3.8, 3.8), (-3.8, 3.8))
    ticks: tuple[float, ...] = (-PI, -PI / 2, 0.0, PI / 2, PI)
    height_range: tuple[float, float, float] = (-2.0, 2.0, 1.0)
    surface_resolution: int = 24
    contour_samples: int = 121
    n_levels: int = 9
    arrow_grid: int = 8
    arrow_length: float = 0.45
    view: tuple[float, float] = (62.0, -90.0)  # camera φ, θ in degrees
    start_turn: float = 20.0  # the surface's own turn about its vertical axis, degrees
    turn_degrees: float = -40.0
    turn_seconds: float = 2.5

    def check(self) -> None:
        """Refuse a function the scene cannot show (see :func:`survey`)."""
        survey(self, need_minimum=False)


class SurfaceAndField(Lesson3DScene):
    """The surface of sin x + cos y on the left, its contour map with ∇f on the right."""

    Params = SurfaceAndFieldParams

    def construct(self) -> None:
        p: SurfaceAndFieldParams = self.params
        sv = survey(p)
        f = sv.f
        self.record("surface", {"function": f.name, "latex": f.latex, "domain": p.domain})
        self.record("heights", sv.heights)
        flat_look(self)
        phi, theta = p.view
        self.set_camera_orientation(phi=phi * DEGREES, theta=theta * DEGREES)
        axes = three_d_axes(p.domain, sv.heights, 4.6, 2.2)
        surface = height_surface(f, axes, p.domain, p.surface_resolution)
        # With θ = −90° the screen's x is the world's x: shifting along it moves the
        # surface into the left half; it turns about its own vertical axis there.
        land = VGroup(axes, surface).shift(3.3 * LEFT + 0.4 * OUT)
        land.rotate(p.start_turn * DEGREES, axis=OUT, about_point=axes.c2p(0, 0, 0))
        title = MathTex(r"\text{Exercise 1: }", f.latex, font_size=style.TEXT_SIZE + 4)
        title.to_edge(UP, buff=0.35)
        title[1].set_color(style.CURVE)

        self.step(
            "The surface",
            "Exercise 1: sin x + cos y as a surface, its height in colour.",
        )
        self.add_fixed_in_frame_mobjects(title)
        self.remove(title)
        # The axes only place the surface: drawn, they would pierce it (Cairo sorts
        # whole lines, not their pieces, by depth).
        self.play(FadeIn(surface), Write(title), run_time=1.2)
        self.play(
            Rotate(
                surface, p.turn_degrees * DEGREES, axis=OUT, about_point=axes.c2p(0, 0, 0)
            ),
            run_time=p.turn_seconds,
            rate_func=smooth,
        )
        self.wait(0.5)

        self.step(
            "Its contour map",
            "The same heights seen from above: a contour map beside the surface.",
        )
        flat = style.square_axes(p.map_domain, 5.4).move_to(3.7 * RIGHT + 0.35 * DOWN)
        contours = height_map(f, p, p.map_domain, flat.c2p, flat.c2p, pi_label)
        self.record("contour.levels", contours.levels)
        plane, frame, paths = contours.bands, contours.frame, contours.lines
        self.add_fixed_in_frame_mobjects(plane, frame, paths)
        self.remove(plane, frame, paths)
        self.play(FadeIn(plane), Create(frame), run_time=1.0)
        self.play(Create(paths), run_time=1.0)
        self.wait(1.5)

        self.step(
            "Gradient arrows",
            "Gradient arrows cross the contour lines, pointing up toward the peak.",
        )
        arrows, _ = normalised_field(self, f, p, flat.c2p, ARROW_WIDTH - 1)
        self.add_fixed_in_frame_mobjects(arrows)
        self.remove(arrows)
        self.play(LaggedStart(*[GrowArrow(a) for a in arrows], lag_ratio=0.02), run_time=2)
        self.wait(2.5)
