"""The house look: palette and its themes, type sizes, the height ramp and a change
of colour (:class:`Recolor`), the same in every scene.

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
    Dot,
    ManimColor,
    Mobject,
    Rectangle,
    VMobject,
    interpolate_color,
)

from lesson.themes import DARK, DEFAULT, THEMES, Theme

# The palette: shared swatches, repainted in place by use(), so that every name
# bound to one (a default argument, a module's table of run colours) follows the
# theme without being looked up again.
BACKGROUND = ManimColor(DARK.background)
INK = ManimColor(DARK.ink)
MUTED = ManimColor(DARK.muted)
CURVE = ManimColor(DARK.curve)
TANGENT = ManimColor(DARK.tangent)
SECANT = ManimColor(DARK.secant)
POINT = ManimColor(DARK.point)
GOOD = ManimColor(DARK.good)

# Heights on one ramp in every scene: from the background's end (low) through the
# function's colour towards ink (high), so a surface and its contour map read the same.
HEIGHT_COLOURS = (ManimColor(0), CURVE, ManimColor(0))

# Contour lines recede (dim, low contrast) so that paths, drawn bright, lead.
CONTOUR_LOW = ManimColor(0)
CONTOUR_HIGH = ManimColor(0)

# Sizes that stay legible on a projector at 16:9.
TITLE_SIZE = 44
TEXT_SIZE = 32
LABEL_SIZE = 28


def use(theme: Theme | str) -> Theme:
    """Paint the palette in ``theme`` (a Theme or its name), and make its ink the
    colour Manim gives a mobject given none; the theme.

    Mobjects made afterwards take its colours: a scene calls it with the theme it is
    handed before it draws anything (:class:`scenes.base.LessonScene`).

    >>> use("light").background, BACKGROUND.to_hex(), use(DARK).name
    ('#FFFFFF', '#FFFFFF', 'dark')
    """
    theme = _paint(theme)
    # Manim draws a mobject given no colour in white; in the house look it is the
    # palette's ink (the same swatch, so it follows the theme): a tick label or a
    # counter given no colour reads in every theme.
    for kind in (Mobject, Dot, Rectangle):
        kind.set_default(color=INK)
    return theme


def _paint(theme: Theme | str) -> Theme:
    """The swatches painted in ``theme``: this module's state only, not Manim's."""
    theme = THEMES[theme] if isinstance(theme, str) else theme
    for swatch, value in (
        (BACKGROUND, theme.background), (INK, theme.ink), (MUTED, theme.muted),
        (CURVE, theme.curve), (TANGENT, theme.tangent), (SECANT, theme.secant),
        (POINT, theme.point), (GOOD, theme.good),
        (HEIGHT_COLOURS[0], interpolate_color(BACKGROUND, CURVE, 0.3)),
        (HEIGHT_COLOURS[2], interpolate_color(CURVE, INK, 0.7)),
        (CONTOUR_LOW, interpolate_color(BACKGROUND, CURVE, 0.6)),
        (CONTOUR_HIGH, interpolate_color(BACKGROUND, MUTED, 0.4)),
    ):  # fmt: skip
        _repaint(swatch, value)
    return theme


def _repaint(swatch: ManimColor, value: str | ManimColor) -> None:
    # ManimColor has no setter; a copy of a ManimColor shares its array, so the
    # array is written, not replaced.
    swatch._internal_value[:] = ManimColor(value)._internal_value


# Importing the kit changes nothing in Manim: the swatches start in the default
# theme, and Manim's own defaults are set only by use().
_paint(DEFAULT)


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
    formulas, far more work than a change of colour needs.

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
