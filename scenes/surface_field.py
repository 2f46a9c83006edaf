"""Exercise 1: a surface beside its contour map and gradient field (SurfaceAndField).

Render it with plain Manim from the repo root::

    manim render scenes/surface_field.py SurfaceAndField -ql
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from manim import (
    DEGREES,
    DOWN,
    LEFT,
    OUT,
    PI,
    RIGHT,
    UP,
    Axes,
    Create,
    FadeIn,
    GrowArrow,
    LaggedStart,
    MathTex,
    Rotate,
    ThreeDAxes,
    VGroup,
    Write,
    smooth,
)

from lesson import params
from scenes.base import Lesson3DScene
from scenes.kit import look, numbers, plots, text
from scenes.kit.maps import field_arrows, height_map
from scenes.kit.mesh import MeshSurface
from scenes.kit.surfaces import flat_look, height_surface, three_d_axes
from scenes.plans import FieldSurvey, field_survey

DR, UL = DOWN + RIGHT, UP + LEFT


@dataclass(frozen=True)
class SurfaceAndFieldParams(params.Params):
    """Exercise 1: sin x + cos y as a surface beside its contour plot with arrows."""

    function: Annotated[str, params.Formula(2)] = "sincos"
    """The landscape: a catalogue name or a formula in x and y."""
    window: Annotated[plots.Window, params.Region(2)] = ((-3.8, 3.8), (-3.8, 3.8))
    """The least the contour map shows (a margin around the arrows, so those on the
    edge stay on it); grown to hold every arrow whole."""
    arrow_window: Annotated[plots.Window, params.Region(2)] = ((-PI, PI), (-PI, PI))
    """Where the grid of arrows lies and the surface is drawn (the notebook's
    meshgrid, [−π, π]²); the contour levels are chosen over it too."""
    ticks: Annotated[tuple[params.Coordinate, ...], params.Items(0, 20)] = ()
    """Ticks on both edges of the map; empty: derived from the window (multiples of
    π when the arrow window's ends are multiples of π/2, as here)."""
    height_range: tuple[params.Coordinate, params.Coordinate, params.Coordinate] = (
        -2.0,
        2.0,
        1.0,
    )
    """The least the surface's height axis spans (low, high, tick step); grown to
    hold f."""
    surface_resolution: Annotated[int, params.Between(2, 64)] = 24
    """Cells per side of the surface's mesh."""
    contour_samples: params.Samples = 121
    """Grid points per side the contour map is traced on."""
    n_levels: params.LevelCount = 9
    """How many contour levels, evenly spaced over f's range on the arrow window."""
    arrow_grid: Annotated[int, params.Between(2, 40)] = 8
    """Arrows per side of the grid (the notebook's 8 × 8)."""
    arrow_length: params.Length = 0.45
    """Every arrow's length in the map's units: ∇f normalised, only its direction."""
    view: tuple[params.Degrees, params.Degrees] = (62.0, -90.0)
    """The camera's angles φ, θ, in degrees."""
    start_turn: params.Degrees = 20.0
    """The surface's own turn about its vertical axis at the start, in degrees."""
    turn_degrees: params.Degrees = -40.0
    """How far the surface then turns, in degrees."""
    turn_seconds: params.Seconds = 2.5
    """Seconds that turn takes."""

    def check(self) -> None:
        """Refuse a function it cannot show (see :func:`scenes.plans.field_survey`)."""
        field_survey(self, need_minimum=False)


class SurfaceAndField(Lesson3DScene):
    """The surface of sin x + cos y on the left, its contour map with ∇f on the right."""

    Params = SurfaceAndFieldParams

    def construct(self) -> None:
        p: SurfaceAndFieldParams = self.params
        sv = field_survey(p)
        axes, surface, title = self._surface_and_title(sv, p)

        self.step(
            "The surface",
            "Exercise 1: sin x + cos y as a surface, its height in colour.",
            draws=f"A surface whose height is f, coloured by height, over "
            f"{numbers.window_text(sv.sampled)}, with the exercise's formula above."
            + (" It turns about its vertical axis." if p.turn_degrees else ""),
        )
        self._turn_surface(axes, surface, title, p)

        self.step(
            "Its contour map",
            "The same heights seen from above: a contour map beside the surface.",
            draws="Beside the surface, a contour map of f over "
            f"{numbers.window_text(sv.window)}: bands of colour by height, and contour "
            "lines joining points of equal height.",
        )
        flat = self._contour_map(sv, p)

        self.step(
            "Gradient arrows",
            "Gradient arrows cross the contour lines, pointing up toward the peak.",
            draws=f"A grid of {p.arrow_grid} by {p.arrow_grid} arrows "
            "grows on the map, all one length, each along the gradient, uphill.",
        )

        self._gradient_arrows(sv, flat, p)

    def _surface_and_title(
        self, sv: FieldSurvey, p: SurfaceAndFieldParams
    ) -> tuple[ThreeDAxes, MeshSurface, MathTex]:
        """The camera; the surface in the left half, turned to its start; the title."""
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
        title = text.tex(r"\text{Exercise 1: }", f.latex, size=look.TEXT_SIZE + 4)
        title.to_edge(UP, buff=0.35)
        title[1].set_color(look.CURVE)
        return axes, surface, title

    def _turn_surface(
        self,
        axes: ThreeDAxes,
        surface: MeshSurface,
        title: MathTex,
        p: SurfaceAndFieldParams,
    ) -> None:
        """The surface and the title appear; the surface turns about its vertical axis."""
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

    def _contour_map(self, sv: FieldSurvey, p: SurfaceAndFieldParams) -> Axes:
        """The contour map on the right, fixed in the frame: bands, frame, then lines."""
        flat = plots.map_axes(sv.window, 5.4, 3.7 * RIGHT + 0.35 * DOWN)
        contours = height_map(
            sv.f,
            sv.window,
            sv.sampled,
            sv.ticks,
            p.contour_samples,
            p.n_levels,
            flat.c2p,
            flat.c2p,
        )
        self.record("contour.levels", contours.levels)
        plane, frame, paths = contours.bands, contours.frame, contours.lines
        self.add_fixed_in_frame_mobjects(plane, frame, paths)
        self.remove(plane, frame, paths)
        self.play(FadeIn(plane), Create(frame), run_time=1.0)
        self.play(Create(paths), run_time=1.0)
        self.wait(1.5)
        return flat

    def _gradient_arrows(
        self, sv: FieldSurvey, flat: Axes, p: SurfaceAndFieldParams
    ) -> None:
        """The normalised gradient arrows grow on the contour map."""
        self.record("field", sv.field_record(p.arrow_length))
        arrows = field_arrows(sv.field.points, sv.heads, flat.c2p, plots.ARROW_WIDTH - 1)
        self.add_fixed_in_frame_mobjects(arrows)
        self.remove(arrows)
        self.play(LaggedStart(*[GrowArrow(a) for a in arrows], lag_ratio=0.02), run_time=2)
        self.wait(2.5)
