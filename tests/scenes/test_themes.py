"""Themes: dark, light for white slides, transparent for compositing.

Each palette is legible on its background (WCAG contrast, computed here from the
definition), every scene draws nothing in Manim's own white (invisible on a white
slide), and two scenes per theme keep their golden frames.
"""

from __future__ import annotations

import collections
import dataclasses

import numpy as np
import pytest
from manim import VMobject

from lesson import themes
from lesson.file import THEMES, load_lesson
from mathvid.run.stills import run_skipping_animations, step_stills
from scenes import race_plan
from scenes.derivatives import TangentLine
from scenes.descent import DescentBowl
from scenes.kit import look
from tests.mathvid.command import ROOT
from tests.scenes.checks import assert_goldens

COLOURS = ("ink", "muted", "curve", "tangent", "secant", "point", "good")


@pytest.fixture(autouse=True)
def dark_after() -> None:
    yield
    look.use("dark")


def luminance(hex_colour: str) -> float:
    """WCAG 2.2's relative luminance of an sRGB colour ``#RRGGBB``."""
    channels = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(
        channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4
    )
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_is_computed_as_wcag_defines_it() -> None:
    # WCAG's own figures: black on white 21:1; #777777 on white just under 4.5:1.
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("name", THEMES)
def test_every_colour_reads_as_text_on_its_background(name: str) -> None:
    theme = themes.THEMES[name]
    low = {c: round(contrast(getattr(theme, c), theme.background), 2) for c in COLOURS}
    assert all(ratio >= 4.5 for ratio in low.values()), low  # WCAG 1.4.3, AA
    assert low["ink"] >= 7.0  # the text itself: AAA


def test_use_repaints_every_name_bound_to_a_colour() -> None:
    look.use("light")
    # A table built at import and a default argument follow the theme.
    assert race_plan.OPTIMIZER_COLOURS["GD"].to_hex() == themes.LIGHT.tangent
    assert VMobject().color.to_hex() == themes.LIGHT.ink
    look.use("dark")
    assert race_plan.OPTIMIZER_COLOURS["GD"].to_hex() == themes.DARK.tangent


# A theme whose background no mobject could have by chance: a mobject drawn in
# Manim's own white (an axis's tick labels, a counter given no colour) is then told
# apart from the background colour's knock-outs, and on a white slide it vanishes.
PROBE = dataclasses.replace(themes.LIGHT, name="probe", background="#FCFBFA")


def white_parts(scene_cls: type, params: object) -> collections.Counter:
    """Mobjects of a scene (run with animations skipped) drawn in pure white."""
    seen: collections.Counter = collections.Counter()
    add = scene_cls.add

    def noting(self, *mobjects):
        for part in (p for m in mobjects for p in m.get_family()):
            if isinstance(part, VMobject) and len(part.points) and _white(part):
                seen[type(part).__name__] += 1
        return add(self, *mobjects)

    themes.THEMES["probe"] = PROBE
    try:
        scene_cls.add = noting
        run_skipping_animations(scene_cls, params, (64, 36), theme="probe")
    finally:
        scene_cls.add = add
        del themes.THEMES["probe"]
    return seen


def _white(part: VMobject) -> bool:
    fill = part.get_fill_opacity() > 0 and part.get_fill_color().to_hex() == "#FFFFFF"
    stroke = part.get_stroke_width() > 0 and part.get_stroke_opacity() > 0
    return fill or (stroke and part.get_stroke_color().to_hex() == "#FFFFFF")


def test_no_scene_draws_in_manims_white() -> None:
    lesson = load_lesson(ROOT / "lesson.toml")
    white = {e.id: white_parts(e.scene_cls, e.params) for e in lesson.scenes}
    assert not {k: dict(v) for k, v in white.items() if v}


def test_the_probe_would_see_a_white_label() -> None:
    from scenes.kit import text

    class Careless(TangentLine):
        def construct(self) -> None:
            super().construct()
            self.add(text.tex("x", colour="#FFFFFF"))

    assert white_parts(Careless, None)["VMobjectFromSVGPath"] == 1


def test_a_transparent_still_is_clear_where_nothing_is_drawn() -> None:
    _, frame = step_stills(TangentLine, theme="transparent")[0]
    alpha = frame[..., 3]
    assert frame.shape[-1] == 4
    assert alpha[0, 0] == 0 and 0.5 < np.mean(alpha == 0) < 0.99
    opaque = frame[alpha == 255][:, :3]
    # What is drawn is drawn in the light palette's colours (dark on a white slide).
    assert np.median(opaque.astype(float).mean(axis=1)) < 160


@pytest.mark.parametrize("theme", ["light", "transparent"])
@pytest.mark.parametrize("scene_cls", [TangentLine, DescentBowl])
def test_golden_frames_in_each_theme(
    scene_cls: type, theme: str, update_goldens: bool
) -> None:
    name = f"{scene_cls.__name__}-{theme}"
    assert_goldens(scene_cls, update_goldens, name=name, theme=theme)
