"""The house look: the palette a scene is drawn in, type sizes, the height ramp and a
change of colour (:class:`Recolor`), the same in every scene.

Colours say what a thing is (the function, its derivative, an approximation, the
point of interest, a minimum), so a viewer learns them once for the whole lesson.

A theme (:mod:`lesson.themes`) is a value handed to a render: a scene draws inside
:func:`drawing_in` its theme, and this module's swatches (``look.INK``,
``look.CURVE``, ...) are then read from that render's :class:`Palette`. Outside a
render they are the default theme's; importing the kit changes nothing in Manim.

Examples
--------
>>> from scenes.kit import look
>>> with drawing_in("light"):
...     look.INK.to_hex()
'#1B1F24'
>>> look.INK.to_hex(), height_colour(0.5) == look.CURVE
('#E8EAED', True)
"""

from __future__ import annotations

import contextvars
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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

from lesson.themes import DEFAULT, THEMES, Theme


@dataclass(frozen=True)
class Palette:
    """A theme's colours as Manim draws them, with the colours derived from them.

    A role's colour is the field of its name (``palette.tangent``); this module
    answers ``look.TANGENT`` with the current palette's (:func:`palette`).

    >>> Palette.of(THEMES["light"]).background.to_hex()
    '#FFFFFF'
    """

    # The theme's colours (what each says: lesson.themes.Theme).
    background: ManimColor
    ink: ManimColor
    muted: ManimColor
    curve: ManimColor
    tangent: ManimColor
    secant: ManimColor
    point: ManimColor
    good: ManimColor
    # Heights on one ramp in every scene: from the background's end (low) through the
    # function's colour towards ink (high), so a surface and its contour map read the
    # same.
    height_colours: tuple[ManimColor, ManimColor, ManimColor]
    # Contour lines recede (dim, low contrast) so that paths, drawn bright, lead.
    contour_low: ManimColor
    contour_high: ManimColor

    @classmethod
    def of(cls, theme: Theme) -> Palette:
        """The palette of ``theme``: its colours, and from them the height ramp
        (from near the background, through the function's colour, towards ink) and
        the contour colours (near the background, so that paths lead).

        >>> light = Palette.of(THEMES["light"])
        >>> light.contour_low == interpolate_color(light.background, light.curve, 0.6)
        True
        """
        own = _swatches(theme)
        return cls(
            **own,
            height_colours=(
                interpolate_color(own["background"], own["curve"], 0.3),
                own["curve"],
                interpolate_color(own["curve"], own["ink"], 0.7),
            ),
            contour_low=interpolate_color(own["background"], own["curve"], 0.6),
            contour_high=interpolate_color(own["background"], own["muted"], 0.4),
        )


ROLES = ("background", "ink", "muted", "curve", "tangent", "secant", "point", "good")
"""The theme's colours, by what they say (a scene's table of colours names roles)."""


def _swatches(theme: Theme) -> dict[str, ManimColor]:
    return {role: ManimColor(getattr(theme, role)) for role in ROLES}


# The palette of the render running in this context (a thread, a task): none
# sees another's. Outside a render, the default theme's (a frozen value, shared).
_DEFAULT_PALETTE = Palette.of(DEFAULT)
_CURRENT = contextvars.ContextVar[Palette]("palette", default=_DEFAULT_PALETTE)
_SWATCHES = {field.name.upper(): field.name for field in dataclasses.fields(Palette)}

# Sizes that stay legible on a projector at 16:9.
TITLE_SIZE = 44
TEXT_SIZE = 32
LABEL_SIZE = 28


def __getattr__(name: str) -> Any:
    """``look.INK`` and the other swatches: the current palette's (PEP 562)."""
    try:
        return getattr(_CURRENT.get(), _SWATCHES[name])
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted([*globals(), *_SWATCHES])


def palette() -> Palette:
    """The palette of the render running now (the default theme's outside one)."""
    return _CURRENT.get()


def swatch(role: str) -> ManimColor:
    """The current palette's colour for ``role`` (one of :data:`ROLES`).

    >>> swatch("curve") == palette().curve
    True
    """
    return getattr(_CURRENT.get(), role)


# Manim draws a mobject given no colour in white; in the house look it is the
# palette's ink: a tick label or a counter given no colour reads in every theme.
_INKED = (Mobject, Dot, Rectangle)


@contextmanager
def drawing_in(theme: Theme | str) -> Iterator[Palette]:
    """Draw in ``theme`` (a Theme or its name) for the duration; its palette.

    The swatches are its palette's, and a mobject made with no colour takes its
    ink; afterwards both are as before, Manim's defaults included. A scene renders
    inside it (:meth:`scenes.base.LessonScene.render`).

    >>> with drawing_in("light") as light:
    ...     Dot().color == light.ink, palette().background.to_hex()
    (True, '#FFFFFF')
    >>> Dot().color.to_hex(), palette().background.to_hex()
    ('#FFFFFF', '#101418')
    """
    drawn = Palette.of(THEMES[theme] if isinstance(theme, str) else theme)
    token = _CURRENT.set(drawn)
    # Manim's set_default wraps the class's __init__; the one it had is put back.
    # Those are Manim's, shared by the process: one render at a time changes them.
    inits = [(kind, kind.__dict__["__init__"]) for kind in _INKED]
    for kind in _INKED:
        kind.set_default(color=drawn.ink)
    try:
        yield drawn
    finally:
        for kind, init in inits:
            kind.__init__ = init
        _CURRENT.reset(token)


def height_colour(t: float) -> ManimColor:
    """The height ramp's colour at ``t`` in [0, 1] (0 lowest, 1 highest).

    >>> low, mid, high = palette().height_colours
    >>> height_colour(0.5) == mid, height_colour(-1.0) == low
    (True, True)
    """
    low, mid, high = _CURRENT.get().height_colours
    t = min(max(t, 0.0), 1.0)
    if t <= 0.5:
        return interpolate_color(low, mid, 2 * t)
    return interpolate_color(mid, high, 2 * t - 1)


def shades(
    start: ManimColor, end: ManimColor, n: int, reach: float = 1.0
) -> list[ManimColor]:
    """``n`` colours from ``start`` evenly towards ``end``, the last ``reach`` of the way.

    One colour per contour level, low to high.

    >>> ink, background = palette().ink, palette().background
    >>> shades(ink, background, 3, 0.5)[0] == ink
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
    >>> point = palette().point
    >>> square = Square(color=palette().ink, fill_opacity=0.5)
    >>> change = Recolor(square, point)
    >>> change.begin(); change.interpolate(1.0)
    >>> square.get_fill_color() == point, square.get_stroke_color() == point
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
