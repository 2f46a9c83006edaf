"""A frame reset only where the last frame drawn into its buffer inked gives the very
frames Manim's full reset gives, pixel for pixel: objects moving away, shrinking,
fading and turning, a theme's background, 3-D surfaces under a turning camera with a
formula fixed in the frame, images; and a reset short of the ink is caught."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    CapStyleType,
    Circle,
    Dot,
    FadeOut,
    LineJointType,
    MathTex,
    MovingCameraScene,
    PointCloudDot,
    Scene,
    Square,
    Star,
    Surface,
    ThreeDScene,
    tempconfig,
)
from manim.camera.camera import Camera

from mathvid.run import frame_reset
from mathvid.run.manim_setup import manim_config
from scenes.kit.mesh import MeshSurface, SurfaceCamera
from tests.mathvid.drawn import drawn_frames


class Leaving(Scene):
    """A thick-stroked dot leaves its corner for the other one, over still axes (the
    still picture is the background), then everything moves (the theme's colour is)."""

    def construct(self) -> None:
        axes = Axes(x_range=[-4, 4], y_range=[-2, 2])
        dot = Dot(LEFT * 5 + DOWN * 2.5, radius=0.3).set_stroke(width=12)
        self.add(axes, dot)
        self.play(dot.animate.move_to(RIGHT * 5 + UP * 2.5), run_time=1.5)
        self.play(axes.animate.shift(UP), dot.animate.shift(LEFT), run_time=1.0)


class Shrinking(Scene):
    """A spiky star, its joins mitred, shrinking and turning; a square with square
    caps on an open path shrinking to a point."""

    def construct(self) -> None:
        star = Star(7, outer_radius=3, inner_radius=0.6).set_stroke(width=20)
        star.joint_type = LineJointType.MITER
        hook = Square(3).set_stroke(width=16)
        hook.cap_style = CapStyleType.SQUARE
        hook.points = hook.points[:-4]  # an open path: its ends have caps
        self.add(star, hook.shift(RIGHT * 3))
        self.play(
            star.animate.scale(0.1).rotate(1.0), hook.animate.scale(0.01), run_time=1.5
        )


class Fading(Scene):
    """A formula and a filled circle fading out, then a circle fading in."""

    def construct(self) -> None:
        formula = MathTex(r"f'(x) = \lim_{h \to 0} \frac{f(x+h) - f(x)}{h}").scale(1.5)
        disc = Circle(2).set_fill(opacity=0.7).shift(DOWN)
        self.add(formula, disc)
        self.play(FadeOut(formula), FadeOut(disc), run_time=1.5)
        self.play(FadeOut(Circle(1).set_stroke(width=10), rate_func=lambda t: 1 - t))


class Zoomed(MovingCameraScene):
    """A moving camera frame: the context's matrix changes every frame."""

    def construct(self) -> None:
        self.add(Square(2).set_stroke(width=10), MathTex(r"\nabla f").shift(RIGHT))
        dot = Dot(LEFT * 2)
        self.add(dot)
        self.play(
            self.camera.frame.animate.scale(0.5).shift(RIGHT),
            dot.animate.shift(RIGHT * 3),
            run_time=1.5,
        )


class Pointed(Scene):
    """A point cloud moving over a formula, then a dot alone: points are drawn with
    NumPy, not Cairo. (Manim's ``ImageMobject``, the other NumPy drawing, fails on
    this Pillow in Manim's own code: ``Image.fromarray`` of a float array as RGBA.)"""

    def construct(self) -> None:
        cloud = PointCloudDot(radius=1.0, stroke_width=3).shift(LEFT * 3)
        dot = Dot(UP * 2)
        self.add(MathTex("x^2"), cloud, dot)
        self.play(cloud.animate.shift(RIGHT * 5), dot.animate.shift(DOWN), run_time=1.0)
        self.remove(cloud)
        self.play(dot.animate.shift(RIGHT * 4), run_time=1.0)


class Bowl(ThreeDScene):
    """Manim's surface and a formula fixed in the frame, under a turning camera."""

    def construct(self) -> None:
        self.set_camera_orientation(phi=1.0, theta=-1.0)
        bowl = Surface(
            lambda u, v: np.array([u, v, 0.3 * (u * u + v * v)]),
            u_range=[-2, 2],
            v_range=[-2, 2],
            resolution=(6, 6),
        )
        label = MathTex("z = x^2 + y^2").to_corner(UP + LEFT)
        self.add_fixed_in_frame_mobjects(label)
        self.add(bowl)
        self.move_camera(theta=-0.2, phi=0.6, run_time=1.5)


class Mesh(ThreeDScene):
    """The kit's one-mobject surface, drawn by its own camera, shrinking away."""

    def __init__(self, **kwargs) -> None:
        super().__init__(camera_class=SurfaceCamera, **kwargs)

    def construct(self) -> None:
        self.set_camera_orientation(phi=1.1, theta=-0.8)
        mesh = MeshSurface(
            lambda u, v: np.array([u, v, 0.2 * (u * u - v * v)]), (-3, 3), (-3, 3), 8
        )
        label = MathTex("z = x^2 - y^2").to_corner(UP + RIGHT)
        self.add_fixed_in_frame_mobjects(label)
        self.add(mesh)
        self.play(mesh.animate.scale(0.3), run_time=1.5)
        self.move_camera(theta=-0.4, run_time=1.0)


# Each scene, its theme, and whether some of its resets are partial (the kit's
# surface camera draws faces with its own Cairo calls, which are not followed:
# every reset of its frames is whole).
SCENES = [
    (Leaving, "dark", True),
    (Leaving, "light", True),
    (Shrinking, "dark", True),
    (Fading, "light", True),
    (Zoomed, "dark", True),
    (Pointed, "dark", True),
    (Bowl, "dark", True),
    (Mesh, "light", False),
]


def frames(scene_class: type[Scene], theme: str, media: Path) -> list[np.ndarray]:
    """The frames ``scene_class`` draws in ``theme`` (:func:`drawn_frames`), through
    few pooled buffers: each comes back soon, to be reset."""
    return drawn_frames(scene_class, media, theme, encoder_queue_size=2)


def manims_frames(
    scene_class: type[Scene], theme: str, media: Path, monkeypatch
) -> list[np.ndarray]:
    """:func:`frames` with Manim's own reset (the whole array every frame)."""
    with monkeypatch.context() as patch:
        patch.setattr(frame_reset, "install", lambda: None)
        for name, method in frame_reset.MANIMS.items():
            patch.setattr(Camera, name, method)
        return frames(scene_class, theme, media)


def count_partial(monkeypatch) -> list[float]:
    """The share of the frame each partial reset copies, as they happen."""
    shares: list[float] = []
    pixels = frame_reset.Ink.pixels

    def counted(ink: frame_reset.Ink) -> tuple[slice, slice] | None:
        drawn = pixels(ink)
        rows, columns = drawn or (slice(0, 0), slice(0, 0))
        area = (rows.stop - rows.start) * (columns.stop - columns.start)
        shares.append(area / (ink.width * ink.height))
        return drawn

    monkeypatch.setattr(frame_reset.Ink, "pixels", counted)
    return shares


@pytest.mark.parametrize(("scene_class", "theme", "partial"), SCENES)
def test_same_frames_as_manims_full_reset(
    tmp_path, monkeypatch, scene_class, theme, partial
) -> None:
    frame_reset.install()  # Manim's methods kept in MANIMS
    shares = count_partial(monkeypatch)
    ours = frames(scene_class, theme, tmp_path)
    manims = manims_frames(scene_class, theme, tmp_path, monkeypatch)

    assert len(ours) == len(manims) > 3
    for n, (a, b) in enumerate(zip(ours, manims, strict=True)):
        assert np.array_equal(a, b), f"frame {n} differs"
    assert bool(shares) == partial
    assert not partial or any(share < 0.9 for share in shares)


def _half_width(camera, ctx, vmobject) -> float:
    return 0.5 * vmobject.get_stroke_width() * camera.cairo_line_width_multiple


# What each case misses: the whole pen, the miter's tip (the star's spikes), the
# antialiased edge pixels (less 1 px: shapes' edges, Manim's surface's faces).
@pytest.mark.parametrize(
    ("scene_class", "short_of"),
    [
        (Leaving, {"_reach": lambda camera, ctx, vmobject: 0.0, "PAD": 0.0}),
        (Shrinking, {"_reach": _half_width}),
        (Bowl, {"PAD": -1.0}),
        (Zoomed, {"PAD": -1.0}),
    ],
)
def test_a_reset_short_of_the_ink_is_seen(
    tmp_path, monkeypatch, scene_class, short_of
) -> None:
    """A reset that misses some of the old ink leaves it in the frames, and the
    comparison with Manim's sees it."""
    frame_reset.install()
    manims = manims_frames(scene_class, "dark", tmp_path, monkeypatch)
    for name, value in short_of.items():
        monkeypatch.setattr(frame_reset, name, value)
    short = frames(scene_class, "dark", tmp_path)
    assert len(short) == len(manims)
    assert any(not np.array_equal(a, b) for a, b in zip(short, manims, strict=True))


def test_the_ink_box_in_pixels() -> None:
    ink = frame_reset.Ink(np.zeros((270, 480, 4), np.uint8))
    ink.set_to(np.zeros((270, 480, 4), np.uint8))
    assert ink.pixels() is None  # nothing drawn: nothing to copy
    ink.add(-5.0, 20.7, 10.2, 300.0)
    assert ink.pixels() == (slice(20, 270), slice(0, 11))
    assert not ink.full
    ink.add(470.0, 0.0, 480.0, 1.0)
    ink.add(0.0, -1.0, 1.0, 2.0)
    assert ink.full  # the whole frame: no box kept


def test_drawings_not_followed_make_the_next_reset_whole(tmp_path) -> None:
    """A drawing with a camera's Cairo context outside Manim's vmobject display, a
    point cloud's or an overlaid picture's: anything may have changed, the whole
    array is reset; and a camera with drawings of its own is always reset whole."""
    frame_reset.install()
    options = {"media_dir": str(tmp_path), "pixel_width": 64, "pixel_height": 36}
    with tempconfig(manim_config(options)):
        camera, surfaces = Camera(), SurfaceCamera()
    pixels = camera.pixel_array
    ink = frame_reset.ink_of(camera, pixels)
    drawings = [
        lambda: camera.get_cairo_context(pixels),
        lambda: camera.overlay_rgba_array(pixels, np.zeros_like(pixels)),
        lambda: camera.display_multiple_point_cloud_mobjects([PointCloudDot()], pixels),
    ]
    for draw in drawings:
        camera.reset()
        assert (ink.base, ink.full) == (camera.background, False)
        draw()
        assert ink.full
    surfaces.reset()
    assert frame_reset.ink_of(surfaces, surfaces.pixel_array).full
