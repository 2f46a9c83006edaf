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
from scenes.kit.mesh import MeshSurface

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
    window: Window,
    ticks: tuple[Sequence[float], Sequence[float]],
    label: Callable[[float], str],
) -> VGroup:
    """:func:`style.plot_frame` with ``ticks`` (x's, y's) on its edges; names x, y."""
    frame = style.plot_frame(
        to_point,
        window,
        *ticks,
        x_label=label,
        y_label=label,
        label_buff=0.18,
        paired=True,
    )
    (x0, x1), (y0, y1) = window
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
    sv: Survey,
    p: GradientBowlParams | GradientFieldParams | SurfaceAndFieldParams,
    to_point: style.ToPoint,
    to_points: style.ToPoints,
) -> HeightMap:
    """The contour map of ``sv.f`` over the map's window ``sv.window``; its levels
    are those Matplotlib picks on the notebook's meshgrid ``sv.sampled`` (a wider
    map continues them). Ticks in multiples of π are labelled in π."""
    f = sv.f
    levels = fields.linear_levels(f, fields.grid(sv.sampled, p.contour_samples), p.n_levels)
    g = fields.grid(sv.window, p.contour_samples)
    in_pi = landscape.half_pi_multiples([t for axis in sv.ticks for t in axis])
    return HeightMap(
        levels,
        g,
        band_shapes(fields.contour_bands(f, g, levels), to_points),
        style.contour_paths(
            fields.contour_lines(f, g, levels), to_points, style.BACKGROUND, 1.5
        ),
        map_frame(to_point, sv.window, sv.ticks, pi_label if in_pi else style.fmt),
    )


def normalised_field(
    scene: LessonScene,
    f: Objective,
    p: GradientFieldParams | SurfaceAndFieldParams,
    to_point: style.ToPoint,
    width: float,
) -> tuple[VGroup, fields.GradientField]:
    """The notebook's normalised gradient field on a grid, as arrows (recorded)."""
    field = fields.gradient_field(f, fields.grid(p.arrow_window, p.arrow_grid))
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
    f: Objective, axes: ThreeDAxes, window: Window, resolution: int
) -> MeshSurface:
    """The graph of ``f`` over ``window``, coloured by height on the ramp.

    A :class:`MeshSurface`: the faces of Manim's ``Surface``, drawn 10× faster.
    """
    surface = MeshSurface(
        lambda u, v: axes.c2p(u, v, float(f.value([u, v]))),
        u_range=window[0],
        v_range=window[1],
        resolution=(resolution, resolution),
        fill_opacity=1,
        stroke_width=0.4,
        stroke_color=style.BACKGROUND,
    )
    return surface.set_fill_by_value(axes, colorscale=list(style.HEIGHT_COLOURS), axis=2)


def three_d_axes(
    window: Window, height_range: tuple[float, float, float], side: float, height: float
) -> ThreeDAxes:
    """3D axes without tips, sorted by depth with the surface (not always on top)."""
    axes = ThreeDAxes(
        x_range=[*window[0], 1],
        y_range=[*window[1], 1],
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
    map's window (the scene's least window grown to hold its arrows), where f is
    sampled (the surface, the arrows' grid and the contour levels: the notebook's
    meshgrid), the map's x and y ticks, the heights its surface spans (lo, hi, tick
    step), its minima in the window and, for a field, the arrow singled out."""

    f: Objective
    window: Window
    sampled: Window
    ticks: tuple[tuple[float, ...], tuple[float, ...]]
    heights: tuple[float, float, float] | None  # None: the scene draws no surface
    minima: tuple[landscape.CriticalPoint, ...]
    focus: tuple[int, int] | None  # None: the scene singles out no arrow


TICK_TARGET = 6  # about this many ticks per edge: every whole number on [−3, 3]


def surface_heights(
    f: Objective, window: Window, given: tuple[float, float, float]
) -> tuple[float, float, float]:
    """``given`` (low, high, tick step) while f stays inside it over ``window``,
    otherwise f's own range on nice steps (:func:`mathcore.landscape.height_range`)."""
    low, high = landscape.height_range(f, window, at_least=given[:2])
    if (low, high) == tuple(given[:2]):
        return given
    return (low, high, landscape.nice_step(high - low, 4))


def map_window(
    f: Objective, p: GradientBowlParams | GradientFieldParams | SurfaceAndFieldParams
) -> Window:
    """``p.window`` grown (square, on nice numbers) to hold what the map shows: the
    bowl's arrow bases, or every normalised arrow of a field whole."""
    if isinstance(p, GradientBowlParams):
        return landscape.frame(p.arrow_points, p.window, square=True)
    field = fields.gradient_field(f, fields.grid(p.arrow_window, p.arrow_grid))
    heads = fields.arrow_heads(field, length=p.arrow_length)
    arrows = np.concatenate([field.points.reshape(-1, 2), heads.reshape(-1, 2)])
    return landscape.frame(arrows, p.window, margin=0.0, square=True)


def focus_cell(f: Objective, p: GradientFieldParams) -> tuple[int, int]:
    """The arrow ``p.focus`` (row, column), or the steepest in the middle of the
    grid when it is empty; ParamError when that arrow has no direction (∇f = 0)."""
    field = fields.gradient_field(f, fields.grid(p.arrow_window, p.arrow_grid))
    if not p.focus:
        cell = fields.steepest_middle_cell(field)
        if cell is None:
            raise params.ParamError(
                "function",
                "∇f is 0 all over the middle of the arrow grid: no arrow to follow",
            )
        return cell
    n = p.arrow_grid
    if len(p.focus) != 2 or not all(0 <= i < n for i in p.focus):
        raise params.ParamError(
            "focus", f"need [row, column], each from 0 to {n - 1}, got {list(p.focus)}"
        )
    row, col = p.focus
    magnitudes = np.nan_to_num(field.magnitudes)
    if not magnitudes[row, col] > 1e-12 * max(1.0, float(magnitudes.max())):
        where = style.point_text(field.points[row, col])
        raise params.ParamError(
            "focus",
            f"∇f is 0 at {where}: its arrow has no direction; pick another arrow, "
            "or [] to let the scene choose",
        )
    return row, col


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def survey(
    p: GradientBowlParams | GradientFieldParams | SurfaceAndFieldParams,
    need_minimum: bool = False,
) -> Survey:
    """Check that ``p.function`` can be shown (finite over the map, with relief
    where it is sampled, with a minimum in the window when ``need_minimum``) and
    derive what the scene draws from it.

    A surface's height range is ``p.height_range`` while f stays inside it, and
    otherwise f's own range on nice steps, so the surface stays in frame.
    """
    f = params.objective(p.function, 2)
    params.window("window", p.window, 2)
    sampled = None
    if hasattr(p, "arrow_window"):
        sampled = params.window("arrow_window", p.arrow_window, 2)
        params.within("arrow_grid", p.arrow_grid, 2, 40)
    elif tuple(p.downhill_point) not in p.arrow_points:
        raise params.ParamError("downhill_point", "must be one of arrow_points")
    with params.refused():
        if sampled is not None:
            landscape.require_finite(f, sampled)
        window = map_window(f, p)
        sampled = sampled or window
        landscape.require_finite(f, window)
        landscape.require_relief(f, sampled)
        found = tuple(landscape.minima(f, window))
        if need_minimum and not found:
            raise landscape.UnshowableError(
                "f has no minimum in the window to point down to"
            )
        heights = None
        if hasattr(p, "height_range"):  # the scenes that draw a surface
            heights = surface_heights(f, sampled, p.height_range)
    x_ticks, y_ticks = landscape.plot_ticks(window, TICK_TARGET, about=sampled)
    if p.ticks:
        x_ticks = y_ticks = tuple(p.ticks)
    focus = focus_cell(f, p) if hasattr(p, "focus") else None
    return Survey(f, window, sampled, (x_ticks, y_ticks), heights, found, focus)


@dataclass(frozen=True)
class GradientBowlParams:
    """The notebook's bowl figure: x² + y² on [−3, 3]², arrows of 0.15·∇f at 7 points."""

    function: str = "bowl"
    """The landscape: a catalogue name or a formula in x and y."""
    window: Window = ((-3.0, 3.0), (-3.0, 3.0))
    """The least the surface and its map show (the notebook's [−3, 3]²); grown to
    hold every arrow's base point."""
    ticks: tuple[float, ...] = ()
    """Ticks on both edges of the map; empty: derived from the window (nice steps,
    or multiples of π when its ends are multiples of π/2)."""
    height_range: tuple[float, float, float] = (0.0, 18.0, 6.0)
    """The least the surface's height axis spans (low, high, tick step); grown to
    hold f."""
    surface_resolution: int = 24
    """Cells per side of the surface's mesh."""
    contour_samples: int = 161
    """Grid points per side the contour map is traced on."""
    n_levels: int = 8
    """How many contour levels, evenly spaced between f's lowest and highest."""
    arrow_points: tuple[tuple[float, float], ...] = (
        (-2.0, -2.0),
        (-2.0, 2.0),
        (2.0, -2.0),
        (2.0, 2.0),
        (0.0, 2.0),
        (2.0, 0.0),
        (1.0, 1.0),
    )
    """The points (x, y) where ∇f is drawn as an arrow."""
    arrow_scale: float = 0.15
    """Each arrow is this many times ∇f (the notebook's quiver scale)."""
    downhill_point: tuple[float, float] = (2.0, 2.0)
    """The arrow turned around to show −∇f, the way down; one of ``arrow_points``."""
    start_view: tuple[float, float] = (70.0, -70.0)
    """The camera's starting angles φ, θ, in degrees."""
    orbit_degrees: float = 40.0
    """How far the camera circles the surface at the start, in degrees."""
    orbit_seconds: float = 2.0
    """Seconds that circling takes."""
    flatten_seconds: float = 1.6
    """Seconds the surface takes to flatten into its contour map."""

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
        self.record("surface", {"function": f.name, "latex": f.latex, "window": sv.window})
        self.record("heights", sv.heights)
        self.record("minima", [m.point for m in sv.minima])
        flat_look(self)
        axes = three_d_axes(sv.window, sv.heights, MAP_SIDE, 3.6)
        surface = height_surface(f, axes, sv.window, p.surface_resolution)
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
        self._flatten(sv, axes, surface, p)

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
        self, sv: Survey, axes: ThreeDAxes, surface: MeshSurface, p: GradientBowlParams
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

        floor_map = height_map(sv, p, to_point, to_points)
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
    """The landscape: a catalogue name or a formula in x and y."""
    window: Window = ((-3.8, 3.8), (-3.8, 3.8))
    """The least the map shows (a margin around the arrows, so those on the edge
    stay on it); grown to hold every arrow whole."""
    arrow_window: Window = ((-PI, PI), (-PI, PI))
    """Where the grid of arrows lies (the notebook's meshgrid, [−π, π]²); the
    contour levels are chosen over it too."""
    ticks: tuple[float, ...] = ()
    """Ticks on both edges of the map; empty: derived from the window (multiples of
    π when the arrow window's ends are multiples of π/2, as here)."""
    contour_samples: int = 161
    """Grid points per side the contour map is traced on."""
    n_levels: int = 9
    """How many contour levels, evenly spaced over f's range on the arrow window."""
    arrow_grid: int = 8
    """Arrows per side of the grid (the notebook's 8 × 8)."""
    arrow_length: float = 0.5
    """Every arrow's length in the map's units: ∇f normalised, only its direction."""
    focus: tuple[int, ...] = ()
    """The arrow singled out for its level line and the directional derivative, as
    [row, column] of the grid from the bottom left; empty: the steepest arrow in the
    middle half of the grid (here [5, 4], at (x, y) ≈ (0.45, 1.35))."""
    focus_length: float = 1.0
    """The singled-out arrow's length, and its tangent line's half length."""
    unit_length: float = 1.5
    """The turning unit vector u's length on screen (it carries no number)."""
    sweep_start: float = 0.0
    """The angle u starts from, in radians: 0 is along x, where D_u f = ∂f/∂x."""
    sweep_turns: int = 0
    """Full turns u makes before it stops along ∇f."""
    sweep_samples: int = 49
    """How many directions u the directional derivative is recorded at."""
    sweep_seconds: float = 5.0
    """Seconds u takes to turn."""

    def check(self) -> None:
        """Refuse a function the scene cannot show (see :func:`survey`)."""
        survey(self, need_minimum=False)


class GradientField(LessonScene):
    """Level sets, the normalised gradient field, ∇f ⟂ level set, and D_u f = ∇f·u."""

    Params = GradientFieldParams

    def construct(self) -> None:
        p: GradientFieldParams = self.params
        sv = survey(p)
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
        axes = style.square_axes(sv.window, MAP_SIDE).move_to(MAP_CENTRE)
        formula = column(MathTex(f.latex, color=style.CURVE, font_size=style.TITLE_SIZE))

        self.step("Level sets", "Colour shows height; each line joins points of equal f.")
        contours = height_map(sv, p, axes.c2p, axes.c2p)
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
            f, contours.grid, axes, arrows, field, rows, sv.focus, p
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
        cell: tuple[int, int],
        p: GradientFieldParams,
    ) -> tuple[fields.LevelCrossing, dict[str, Mobject]]:
        row, col = cell
        crossing = fields.level_crossing(f, field.points[row, col])
        [level] = fields.contour_lines(f, g, [crossing.level])
        a, b = crossing.tangent_segment(p.focus_length)
        head = fields.arrow_heads(
            fields.gradient_field(f, crossing.point), length=p.focus_length
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
    """The landscape: a catalogue name or a formula in x and y."""
    window: Window = ((-3.8, 3.8), (-3.8, 3.8))
    """The least the contour map shows (a margin around the arrows, so those on the
    edge stay on it); grown to hold every arrow whole."""
    arrow_window: Window = ((-PI, PI), (-PI, PI))
    """Where the grid of arrows lies and the surface is drawn (the notebook's
    meshgrid, [−π, π]²); the contour levels are chosen over it too."""
    ticks: tuple[float, ...] = ()
    """Ticks on both edges of the map; empty: derived from the window (multiples of
    π when the arrow window's ends are multiples of π/2, as here)."""
    height_range: tuple[float, float, float] = (-2.0, 2.0, 1.0)
    """The least the surface's height axis spans (low, high, tick step); grown to
    hold f."""
    surface_resolution: int = 24
    """Cells per side of the surface's mesh."""
    contour_samples: int = 121
    """Grid points per side the contour map is traced on."""
    n_levels: int = 9
    """How many contour levels, evenly spaced over f's range on the arrow window."""
    arrow_grid: int = 8
    """Arrows per side of the grid (the notebook's 8 × 8)."""
    arrow_length: float = 0.45
    """Every arrow's length in the map's units: ∇f normalised, only its direction."""
    view: tuple[float, float] = (62.0, -90.0)
    """The camera's angles φ, θ, in degrees."""
    start_turn: float = 20.0
    """The surface's own turn about its vertical axis at the start, in degrees."""
    turn_degrees: float = -40.0
    """How far the surface then turns, in degrees."""
    turn_seconds: float = 2.5
    """Seconds that turn takes."""

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
        self.record(
            "surface",
            {
                "function": f.name,
                "latex": f.latex,
                "window": sv.window,
                "arrow_window": sv.sampled,
            },
        )
        self.record("heights", sv.heights)
        flat_look(self)
        phi, theta = p.view
        self.set_camera_orientation(phi=phi * DEGREES, theta=theta * DEGREES)
        axes = three_d_axes(sv.sampled, sv.heights, 4.6, 2.2)
        surface = height_surface(f, axes, sv.sampled, p.surface_resolution)
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
        flat = style.square_axes(sv.window, 5.4).move_to(3.7 * RIGHT + 0.35 * DOWN)
        contours = height_map(sv, p, flat.c2p, flat.c2p)
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
