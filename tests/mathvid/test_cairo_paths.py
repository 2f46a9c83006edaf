"""Paths replayed from their memo draw the very frames Manim's own method draws,
pixel for pixel, while points change in place, numbers re-typeset and cameras move."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Circle,
    DecimalNumber,
    Dot,
    MathTex,
    MovingCameraScene,
    Scene,
    Square,
    Surface,
    ThreeDScene,
    Transform,
    ValueTracker,
)
from manim.camera.camera import Camera

from mathvid.run import cairo_paths
from scenes.kit.numbers import LightDecimal
from tests.mathvid.drawn import drawn_frames


class UpdatedDot(Scene):
    """A dot moved by an updater (points shifted in place), over still formulas and
    axes drawn after it (redrawn every frame, unchanged)."""

    def construct(self) -> None:
        dot = Dot(LEFT * 3)
        dot.add_updater(lambda m, dt: m.shift(RIGHT * 3 * dt))
        self.add(dot, Axes(x_range=[-4, 4], y_range=[-2, 2]), MathTex(r"f'(x) = 2x"))
        self.wait(0.6)


class LiveNumbers(Scene):
    """Numbers following a tracker (old digits zeroed in place, new ones copied from
    the same glyphs), Manim's and the kit's."""

    def construct(self) -> None:
        tracker = ValueTracker(0.0)
        plain = DecimalNumber(0, num_decimal_places=3).shift(UP)
        light = LightDecimal(0, num_decimal_places=2).shift(DOWN)
        plain.add_updater(lambda m: m.set_value(tracker.get_value()))
        light.add_updater(lambda m: m.set_value(-tracker.get_value()))
        self.add(plain, light)
        self.play(tracker.animate.set_value(12.5), run_time=0.6)


class Morph(Scene):
    """A square morphing into a circle and back: the same object, new points."""

    def construct(self) -> None:
        square = Square()
        self.add(square, MathTex("x^2").to_edge(UP))
        self.play(Transform(square, Circle()), run_time=0.4)
        self.play(Transform(square, Square().shift(RIGHT)), run_time=0.4)


class Zoom(MovingCameraScene):
    """Still mobjects under a moving camera frame: the context's matrix changes."""

    def construct(self) -> None:
        self.add(Square(), MathTex(r"\nabla f").shift(RIGHT))
        self.play(self.camera.frame.animate.scale(0.5).shift(RIGHT), run_time=0.4)


class Bowl(ThreeDScene):
    """A surface under a turning 3-D camera (Manim's method kept: its points are
    projected) and a formula fixed in the frame (replayed)."""

    def construct(self) -> None:
        self.set_camera_orientation(phi=1.0, theta=-1.0)
        bowl = Surface(
            lambda u, v: np.array([u, v, 0.3 * (u * u + v * v)]),
            u_range=[-1, 1],
            v_range=[-1, 1],
            resolution=(6, 6),
        )
        label = MathTex("z = x^2 + y^2").to_corner(UP + LEFT)
        self.add_fixed_in_frame_mobjects(label)
        self.add(bowl)
        self.move_camera(theta=-0.6, run_time=0.5)


# Whether paths are replayed: still mobjects redrawn after moving ones, a 3-D
# scene's formula fixed in the frame. Numbers and a moving camera change every path
# on every frame.
@pytest.mark.parametrize(
    ("scene_class", "replays"),
    [(UpdatedDot, True), (LiveNumbers, False), (Morph, True), (Zoom, False), (Bowl, True)],
)
def test_same_frames_as_manims_own_paths(
    tmp_path, monkeypatch, scene_class, replays
) -> None:
    cairo_paths.install()  # Manim's method kept in MANIMS
    memos: list[cairo_paths.Memo] = []

    class Counted(cairo_paths.Memo):
        __slots__ = ()

        def __init__(self, *args) -> None:
            super().__init__(*args)
            memos.append(self)

    monkeypatch.setattr(cairo_paths, "Memo", Counted)
    calls = []
    ours = cairo_paths.set_cairo_context_path
    monkeypatch.setattr(
        Camera,
        "set_cairo_context_path",
        lambda *args: calls.append(1) or ours(*args),
    )
    monkeypatch.setattr(cairo_paths, "install", lambda: None)
    replayed = drawn_frames(scene_class, tmp_path)
    monkeypatch.setattr(
        Camera, "set_cairo_context_path", cairo_paths.MANIMS["set_cairo_context_path"]
    )
    manims = drawn_frames(scene_class, tmp_path)

    assert len(replayed) == len(manims) > 3
    for n, (a, b) in enumerate(zip(replayed, manims, strict=True)):
        assert np.array_equal(a, b), f"frame {n} differs"
    if replays:
        assert 0 < len(memos) < len(calls) / 2


def test_a_memo_is_shared_by_copies_and_pickled_empty() -> None:
    cairo_paths.install()
    memo = cairo_paths.Memo(b"\0" * 24, None, 1e-6, None)
    assert copy.deepcopy(memo) is memo is copy.copy(memo)
    assert pickle.loads(pickle.dumps(memo)).points is None
