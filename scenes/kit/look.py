"""The house look: palette, type sizes, the height ramp and a change of colour
(:class:`Recolor`), the same in every scene.

Colours say what a thing is (the function, its derivative, an approximation, the
point of interest, a minimum), so a viewer learns them once for the whole lesson.

Examples
--------
>>> height_colour(0.5) == CURVE
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import (
    Animation,
    ManimColor,
    Mobject,
    VMobject,
    interpolate_color,
)

BACKGROUND = ManimColor("#101418")


INK = ManimColor("#E8EAED")  # text and axes


MUTED = ManimColor("#8A94A6")  # secondary labels, grid lines


CURVE = ManimColor("#4FA3FF")  # the function itself


TANGENT = ManimColor("#FF6B6B")  # derivatives, slopes, gradients


SECANT = ManimColor("#FFB84D")  # approximations: secants, finite differences


POINT = ManimColor("#FFD166")  # the point of interest


GOOD = ManimColor("#06D6A0")  # minima, converged runs, "matches"


# Sizes that stay legible on a projector at 16:9.
TITLE_SIZE = 44


TEXT_SIZE = 32


LABEL_SIZE = 28


# Heights on one ramp in every scene: dark (low) through the function's colour to
# light (high), so a surface and its contour map read the same.
HEIGHT_COLOURS = (
    interpolate_color(BACKGROUND, CURVE, 0.3),
    CURVE,
    interpolate_color(CURVE, INK, 0.7),
)


def height_colour(t: float) -> ManimColor:
    """The height ramp's colour at ``t`` in [0, 1] (0 lowest, 1 highest).

    >>> height_colour(0.5) == CURVE, height_colour(-1.0) == HEIGHT_COLOURS[0]
    (True, True)
    """
    t = min(max(t, 0.0), 1.0)
    if t <= 0.5:
        return interpolate_color(HEIGHT_COLOURS[0], HEIGHT_COLOURS[1], 2 * t)
    return interpolate_color(HEIGHT_COLOURS[1], HEIGHT_COLOURS[2], 2 * t - 1)


def shades(
    start: ManimColor, end: ManimColor, n: int, reach: float = 1.0
) -> list[ManimColor]:
    """``n`` colours from ``start`` evenly towards ``end``, the last ``reach`` of the way.

    One colour per contour level, low to high.

    >>> shades(INK, BACKGROUND, 3, 0.5)[0] == INK
    True
    """
    return [interpolate_color(start, end, reach * k / max(n - 1, 1)) for k in range(n)]


class Recolor(Animation):
    """Colours turning to ``colour`` and nothing else moving: fill and stroke, each
    keeping its opacity, the whole family.

    ``mobject.animate.set_color(colour)`` ends the same, but as a Transform it copies
    the mobject and aligns every point of it with the copy's: for a matrix of
    formulas, most of a second for a change of colour.

    >>> from manim import Square
    >>> square = Square(color=INK, fill_opacity=0.5)
    >>> change = Recolor(square, POINT)
    >>> change.begin(); change.interpolate(1.0)
    >>> square.get_fill_color() == POINT, square.get_stroke_color() == POINT
    (True, True)
    >>> float(square.get_fill_opacity())
    0.5
    """

    def __init__(self, mobject: Mobject, colour: ManimColor, **kwargs: Any) -> None:
        self.colour = ManimColor(colour).to_rgb()
        super().__init__(mobject, **kwargs)

    def begin(self) -> None:
        self.starts = [
            (part, part.fill_rgbas.copy(), part.stroke_rgbas.copy())
            for part in self.mobject.get_family()
            if isinstance(part, VMobject)
        ]
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha)
        for part, fill, stroke in self.starts:
            part.fill_rgbas = _towards(fill, self.colour, a)
            part.stroke_rgbas = _towards(stroke, self.colour, a)


def _towards(rgbas: np.ndarray, rgb: np.ndarray, a: float) -> np.ndarray:
    out = rgbas.copy()
    out[:, :3] += (rgb - rgbas[:, :3]) * a
    return out
