"""The lesson's figures written the way a user would with stock Manim: the baselines.

Each is what a careful user writes from Manim's documentation, with no tricks, so
that a mathvid scene's time can be read as a ratio to its stock counterpart.
"""

from __future__ import annotations

import numpy as np
from manim import (
    BLUE,
    RED,
    UR,
    WHITE,
    YELLOW,
    ArrowVectorField,
    Axes,
    Create,
    Dot,
    ImplicitFunction,
    MathTex,
    Scene,
    Surface,
    ThreeDAxes,
    ThreeDScene,
    ValueTracker,
    VMobject,
    always_redraw,
    linear,
)


class StockTangentSweep(Scene):
    """A tangent sweeping over x², its slope a MathTex rebuilt every frame (4 s)."""

    def construct(self) -> None:
        axes = Axes(x_range=[-3, 3], y_range=[-2, 10])
        self.add(axes, axes.plot(lambda x: x**2, color=BLUE))
        x = ValueTracker(-2.5)
        self.add(
            always_redraw(
                lambda: axes.get_secant_slope_group(
                    x.get_value(),
                    axes.plot(lambda t: t**2),
                    dx=0.001,
                    secant_line_length=4,
                    secant_line_color=RED,
                )
            ),
            always_redraw(
                lambda: MathTex(f"f'(x) = {2 * x.get_value():.2f}").to_corner(UR)
            ),
        )
        self.play(x.animate.set_value(2.5), run_time=4, rate_func=linear)


class StockArrowField(Scene):
    """The gradient field of sin x + cos y as an ArrowVectorField, created (3 s)."""

    def construct(self) -> None:
        field = ArrowVectorField(lambda p: np.array([np.cos(p[0]), -np.sin(p[1]), 0]))
        self.play(Create(field), run_time=3)


class StockSurface(ThreeDScene):
    """A 32×32 Surface of sin x + cos y, the camera turning around it (4 s)."""

    def construct(self) -> None:
        self.set_camera_orientation(phi=65 * np.pi / 180, theta=-45 * np.pi / 180)
        surface = Surface(
            lambda u, v: np.array([u, v, np.sin(u) + np.cos(v)]),
            u_range=[-np.pi, np.pi],
            v_range=[-np.pi, np.pi],
            resolution=(32, 32),
        )
        surface.set_fill_by_value(axes=ThreeDAxes(), colorscale=[BLUE, YELLOW], axis=2)
        self.add(surface)
        self.begin_ambient_camera_rotation(rate=0.4)
        self.wait(4)


class StockRosenbrock(Scene):
    """Rosenbrock contours as ImplicitFunctions and a GD path drawn on them (6 s)."""

    def construct(self) -> None:
        axes = Axes(x_range=[-2, 2], y_range=[-1, 3], x_length=6, y_length=6)
        levels = np.logspace(-1, 3, 20)
        contours = [
            ImplicitFunction(
                lambda x, y, c=c: (1 - x) ** 2 + 100 * (y - x * x) ** 2 - c,
                x_range=[-2, 2],
                y_range=[-1, 3],
                color=WHITE,
                stroke_width=1,
            ).move_to(axes.c2p(0, 1))
            for c in levels
        ]
        point, path = np.array([-1.0, 1.0]), [np.array([-1.0, 1.0])]
        for _ in range(10_000):
            x, y = point
            point = point - 0.001 * np.array(
                [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]
            )
            path.append(point)
        line = VMobject(color=RED).set_points_as_corners([axes.c2p(*p) for p in path[::50]])
        self.add(axes, *contours)
        self.play(Create(line), run_time=5)
        self.play(Create(Dot(axes.c2p(*path[-1]), color=RED)), run_time=1)


class StaticScene(Scene):
    """Nothing moves for ``seconds``: start-up plus encoding, the floor of any render."""

    seconds = 4.0

    def construct(self) -> None:
        self.add(Axes())
        self.wait(self.seconds)
