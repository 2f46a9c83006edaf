"""MeshSurface draws what stock Manim's Surface draws, and moves and fades as it does.

The reference is Manim itself: the same function as a stock ``Surface`` with
``set_fill_by_value``, drawn by stock ``ThreeDCamera`` code (the two share a scene,
so the only difference is the surface's class). Frames are compared with the golden
frames' tolerance, from views where depth order decides what is seen, and with the
scene's shaded 3D axes sorted in among the faces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from manim import (
    DEGREES,
    LEFT,
    OUT,
    RED,
    Animation,
    Create,
    FadeIn,
    FadeOut,
    ManimColor,
    Mobject,
    Rotate,
    Surface,
    ThreeDAxes,
    ThreeDScene,
    VGroup,
    tempconfig,
)

from mathcore.functions import CATALOGUE
from scenes.base import Lesson3DScene
from scenes.kit import look, surfaces
from scenes.kit.mesh import MeshSurface, SurfaceCamera
from tests.scenes.goldens import MAX_DIFFERING, differing_fraction

DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))
SIZE = (480, 270)  # the golden frames' size
# (φ, θ) in degrees: the scenes' views, from the side, from below, from above.
VIEWS = [(70, -30), (62, -90), (92, 35), (100, 20), (125, 20), (0, -90)]


HEIGHTS = {"sincos": (-2.0, 2.0, 1.0), "bowl": (0.0, 18.0, 6.0)}


def make_axes(function: str = "sincos") -> ThreeDAxes:
    return surfaces.three_d_axes(DOMAIN, HEIGHTS[function], 6.0, 3.0)


def build(cls: type, function: str = "sincos", resolution: int = 24) -> Any:
    """``cls`` (Surface or MeshSurface) as ``surfaces.height_surface`` builds it."""
    f, axes = CATALOGUE[function](), make_axes(function)
    surface = cls(
        lambda u, v: axes.c2p(u, v, float(f.value([u, v]))),
        u_range=DOMAIN[0],
        v_range=DOMAIN[1],
        resolution=(resolution, resolution),
        fill_opacity=1,
        stroke_width=0.4,
        stroke_color=look.BACKGROUND,
    )
    return surface.set_fill_by_value(axes, colorscale=list(look.HEIGHT_COLOURS), axis=2)


def paint_at_random(surface: Surface | MeshSurface) -> None:
    """Give each face (fill and edge) a colour of its own, the same for both kinds:
    a face drawn out of depth order then shows, where heights' colours are too alike."""
    rgb = np.random.default_rng(0).random((24 * 24, 3))
    if isinstance(surface, MeshSurface):
        surface.fill_rgbas[:, :3] = surface.stroke_rgbas[:, :3] = rgb
    else:
        for face, colour in zip(surface.family_members_with_points(), rgb, strict=True):
            face.fill_rgbas[:, :3] = face.stroke_rgbas[:, :3] = colour


@pytest.fixture(scope="module")
def stock() -> Surface:
    return build(Surface)


@pytest.fixture
def mesh() -> MeshSurface:
    return build(MeshSurface)


@pytest.fixture
def scene() -> Iterator[ThreeDScene]:
    """An empty 3D scene at the goldens' size, shading off, with our camera."""
    options = {
        "pixel_width": SIZE[0],
        "pixel_height": SIZE[1],
        "background_color": look.BACKGROUND,
        "verbosity": "WARNING",
    }
    with tempconfig(options):
        scene = ThreeDScene(camera_class=SurfaceCamera)
        scene.renderer.camera.should_apply_shading = False
        yield scene


def frame(scene: ThreeDScene, *mobjects: Mobject, view: tuple[float, float]) -> np.ndarray:
    scene.clear()
    scene.set_camera_orientation(phi=view[0] * DEGREES, theta=view[1] * DEGREES)
    scene.add(*mobjects)
    scene.renderer.update_frame(scene, ignore_skipping=True)
    return scene.renderer.get_frame()[..., :3].copy()


def stock_faces(stock: Surface) -> np.ndarray:
    return np.concatenate([face.points for face in stock.family_members_with_points()])


# ---------------------------------------------------------------------------------
# The surface as built


def test_faces_are_stock_surfaces_faces_point_for_point(stock: Surface) -> None:
    mesh = build(MeshSurface)
    assert mesh.n_faces == len(stock.family_members_with_points()) == 24 * 24
    # Handles included: stock maps them near their anchors, then pushes them back out.
    np.testing.assert_array_equal(mesh.points, stock_faces(stock))
    centres = [face.get_center() for face in stock.family_members_with_points()]
    np.testing.assert_array_equal(mesh.face_centres(), centres)


@pytest.mark.parametrize("function", ["bowl", "sincos"])
def test_face_colours_are_set_fill_by_values(function: str) -> None:
    stock, mesh = build(Surface, function, 12), build(MeshSurface, function, 12)
    faces = stock.family_members_with_points()
    midpoints = [face.get_midpoint() for face in faces]
    np.testing.assert_allclose(mesh.face_midpoints(), midpoints, atol=1e-12)
    fills = np.array([face.fill_rgbas[0] for face in faces])
    strokes = np.array([face.stroke_rgbas[0] for face in faces])
    np.testing.assert_allclose(mesh.fill_rgbas, fills, atol=1e-12)
    # As stock's set_color does, the edges take the face's colour, not stroke_color.
    np.testing.assert_allclose(mesh.stroke_rgbas, strokes, atol=1e-12)
    assert len(np.unique(fills.round(6), axis=0)) > 20  # a ramp, not one colour


def test_colours_by_explicit_pivots_are_set_fill_by_values() -> None:
    scale = [(RED, -1.0), (look.HEIGHT_COLOURS[0], 0.0), (look.HEIGHT_COLOURS[-1], 1.5)]
    axes = make_axes()
    stock = build(Surface, resolution=10).set_fill_by_value(axes, colorscale=scale)
    mesh = build(MeshSurface, resolution=10).set_fill_by_value(axes, colorscale=scale)
    fills = [face.fill_rgbas[0] for face in stock.family_members_with_points()]
    np.testing.assert_allclose(mesh.fill_rgbas, fills, atol=1e-12)


# ---------------------------------------------------------------------------------
# Frames


@pytest.mark.parametrize("colours", ["height", "random"])
@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"phi{v[0]}-theta{v[1]}")
def test_frame_is_stock_surfaces_frame(
    scene: ThreeDScene,
    stock: Surface,
    mesh: MeshSurface,
    view: tuple[float, float],
    colours: str,
) -> None:
    if colours == "random":
        stock = stock.copy()
        paint_at_random(stock)
        paint_at_random(mesh)
    # The axes are sorted by depth in among the faces (shade_in_3d), as in GradientBowl.
    expected = frame(scene, make_axes(), stock, view=view)
    drawn = frame(scene, make_axes(), mesh, view=view)
    assert differing_fraction(drawn, expected) <= MAX_DIFFERING
    background = ManimColor(look.BACKGROUND).to_int_rgb()
    assert np.mean(np.any(drawn != background, axis=-1)) > 0.05  # the surface is there


@pytest.mark.parametrize("view", [(100, 20), (92, 35), (70, -30)])
def test_these_views_depend_on_depth_order(
    scene: ThreeDScene,
    mesh: MeshSurface,
    monkeypatch: pytest.MonkeyPatch,
    view: tuple[float, float],
) -> None:
    """The frame comparison can fail: drawn in the wrong order, the faces show it."""
    paint_at_random(mesh)
    right = frame(scene, mesh, view=view)
    draw = SurfaceCamera.display_faces
    monkeypatch.setattr(
        SurfaceCamera,
        "display_faces",
        lambda camera, run: draw(camera, run._replace(faces=run.faces[::-1])),
    )
    wrong = frame(scene, mesh, view=view)
    assert differing_fraction(wrong, right) > 10 * MAX_DIFFERING


# ---------------------------------------------------------------------------------
# Animations: the same moments as stock, mid-way and at the end


def rotate(s: Mobject) -> Animation:
    return Rotate(s, -40 * DEGREES, axis=OUT, about_point=np.array([0.5, 0, 0]))


def flatten(s: Mobject) -> Animation:
    return s.animate.stretch(0, 2, about_point=np.array([0, 0, -1.0])).build()


ANIMATIONS: dict[str, Callable[[Mobject], Animation]] = {
    "fade-in": FadeIn,
    "fade-out": FadeOut,
    "rotate": rotate,
    "flatten": flatten,
}


@pytest.mark.parametrize("alpha", [0.5, 1.0])
@pytest.mark.parametrize("name", ANIMATIONS)
def test_animations_match_stock(
    scene: ThreeDScene, stock: Surface, name: str, alpha: float
) -> None:
    frames = []
    for surface in (stock.copy(), build(MeshSurface)):
        animation = ANIMATIONS[name](surface)
        animation.begin()
        animation.interpolate(alpha)
        frames.append(frame(scene, surface, view=(62, -90)))
        if isinstance(surface, MeshSurface):
            faded = {"fade-in": alpha, "fade-out": 1 - alpha}.get(name, 1.0)
            np.testing.assert_allclose(surface.fill_rgbas[:, 3], faded)
            np.testing.assert_allclose(surface.stroke_rgbas[:, 3], faded)
            # Each face keeps its own colour while it fades.
            colours = build(MeshSurface).fill_rgbas[:, :3]
            np.testing.assert_allclose(surface.fill_rgbas[:, :3], colours)
    assert differing_fraction(frames[1], frames[0]) <= MAX_DIFFERING


def test_moves_in_a_group_as_stock_does(stock: Surface) -> None:
    # SurfaceAndField's placement: shifted with its axes, turned about the axes' origin.
    moved = []
    for surface in (stock.copy(), build(MeshSurface)):
        axes = make_axes()
        VGroup(axes, surface).shift(3.3 * LEFT + 0.4 * OUT).rotate(
            20 * DEGREES, axis=OUT, about_point=axes.c2p(0, 0, 0)
        )
        moved.append(surface)
    np.testing.assert_allclose(moved[1].points, stock_faces(moved[0]), atol=1e-12)
    np.testing.assert_allclose(moved[1].get_center(), moved[0].get_center(), atol=1e-12)


def test_lesson_scenes_draw_it() -> None:
    assert isinstance(
        surfaces.height_surface(CATALOGUE["bowl"](), make_axes(), DOMAIN, 4), MeshSurface
    )
    with tempconfig({"pixel_width": 64, "pixel_height": 36, "verbosity": "WARNING"}):
        assert isinstance(Lesson3DScene().renderer.camera, SurfaceCamera)


# ---------------------------------------------------------------------------------
# The 3D axes drawn with it: their shading's ends as Manim finds them, only sooner


@pytest.mark.parametrize("alpha", [0.4, 1.0])
def test_axes_shade_along_the_ends_manim_finds(alpha: float) -> None:
    ours = make_axes()
    # The same axes as stock Manim builds them, its own gradient ends on each piece.
    stock = ThreeDAxes(
        x_range=[*DOMAIN[0], 1],
        y_range=[*DOMAIN[1], 1],
        z_range=list(HEIGHTS["sincos"]),
        x_length=6.0,
        y_length=6.0,
        z_length=3.0,
        tips=False,
    )
    for axes in (ours, stock):  # half drawn, then moved: the ends follow
        create = Create(axes)
        create.begin()
        create.interpolate(alpha)
        axes.rotate(30 * DEGREES, axis=OUT).shift(LEFT)
    pieces = zip(
        ours.family_members_with_points(), stock.family_members_with_points(), strict=True
    )
    for mine, theirs in pieces:
        ends = mine.get_gradient_start_and_end_points
        assert ends.func is not theirs.get_gradient_start_and_end_points
        np.testing.assert_array_equal(ends(), theirs.get_gradient_start_and_end_points())
