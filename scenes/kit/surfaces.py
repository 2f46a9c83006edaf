"""Surfaces in 3-D: the graph of f coloured by height, axes that sort with it, and
a flat look in which colour means height alone.

The surface itself is a :class:`~scenes.kit.mesh.MeshSurface` (the faces of
Manim's ``Surface`` as one mobject); the height range that keeps it in frame comes
from :func:`mathcore.landscape.height_range`.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from manim import ThreeDAxes, ThreeDScene, VMobject

from mathcore import windows
from mathcore.functions import Objective
from scenes.kit import look
from scenes.kit.mesh import MeshSurface
from scenes.kit.plots import Window


def height_surface(
    f: Objective, axes: ThreeDAxes, window: Window, resolution: int
) -> MeshSurface:
    """The graph of ``f`` over ``window``, coloured by height on the ramp.

    A :class:`MeshSurface`: the faces of Manim's ``Surface``, drawn as one mobject.
    """
    surface = MeshSurface(
        lambda u, v: axes.c2p(u, v, float(f.value([u, v]))),
        u_range=window[0],
        v_range=window[1],
        resolution=(resolution, resolution),
        fill_opacity=1,
        stroke_width=0.4,
        stroke_color=look.BACKGROUND,
    )
    return surface.set_fill_by_value(axes, colorscale=list(look.HEIGHT_COLOURS), axis=2)


def three_d_axes(
    window: Window, height_range: tuple[float, float, float], side: float, height: float
) -> ThreeDAxes:
    """3D axes without tips, sorted by depth with the surface (not always on top)."""
    axes = ThreeDAxes(
        x_range=[*window[0], _tick_step(window[0])],
        y_range=[*window[1], _tick_step(window[1])],
        z_range=list(height_range),
        x_length=side,
        y_length=side,
        z_length=height,
        axis_config={"color": look.MUTED},
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


def _tick_step(axis: tuple[float, float]) -> float:
    """A tick every whole unit while that makes at most a dozen, else a nice step."""
    span = axis[1] - axis[0]
    return max(1.0, windows.nice_step(span, 12)) if span >= 1 else windows.nice_step(span)


def _sheen_ends(pieces: list[VMobject], light: np.ndarray) -> tuple[np.ndarray, ...]:
    """The corners of the pieces' bounding box away from and towards ``light``, as
    ``ThreeDAxes`` takes them (``axis.get_edge_center(∓light)``, over anchors)."""
    anchors = np.concatenate([a for p in pieces for a in (p.points[0::4], p.points[3::4])])
    low, high = anchors.min(axis=0), anchors.max(axis=0)
    mid = (low + high) / 2
    return tuple(
        np.where(side > 0, high, np.where(side < 0, low, mid)) for side in (-light, light)
    )


def flat_look(scene: ThreeDScene) -> None:
    """Turn off Manim's 3D lighting: colour then means height, and height alone."""
    scene.renderer.camera.should_apply_shading = False
