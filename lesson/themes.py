"""The themes a lesson is drawn in: each a background and the seven colours that say
what a thing is (a render is handed one: :func:`scenes.kit.look.drawing_in`).

Plain data, without Manim: the lesson file's check and the lecture pages read them.

Examples
--------
>>> THEMES["light"].background, THEMES["transparent"].ink == LIGHT.ink
('#FFFFFF', True)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    """A palette: the background and the seven colours that say what a thing is.

    ``transparent``: frames have no background (for compositing on slides); the
    background colour is still what cuts a dot out of a line, so it is the slide's.
    """

    name: str
    background: str
    ink: str  # text and axes
    muted: str  # secondary labels, grid lines
    curve: str  # the function itself
    tangent: str  # derivatives, slopes, gradients
    secant: str  # approximations: secants, finite differences
    point: str  # the point of interest
    good: str  # minima, converged runs, "matches"
    transparent: bool = False


DARK = Theme(
    "dark", "#101418", "#E8EAED", "#8A94A6", "#4FA3FF", "#FF6B6B", "#FFB84D", "#FFD166",
    "#06D6A0",
)  # fmt: skip
# For white slide decks: the same hues, dark enough to read on white (each at
# least 4.5:1 against it, as WCAG asks of text).
LIGHT = Theme(
    "light", "#FFFFFF", "#1B1F24", "#57606A", "#0969DA", "#CF222E", "#BC4C00", "#9A6700",
    "#1A7F37",
)  # fmt: skip
TRANSPARENT = dataclasses.replace(LIGHT, name="transparent", transparent=True)
THEMES = {theme.name: theme for theme in (DARK, LIGHT, TRANSPARENT)}
DEFAULT = DARK
"""The theme of a lesson that names none, and of a scene rendered by plain ``manim``."""
