"""Themes: dark, light for white slides, transparent for compositing.

Each palette is legible on its background (WCAG contrast, computed here from the
definition), every scene draws nothing in Manim's own white (invisible on a white
slide), and two scenes per theme keep their golden frames. A theme is a value a
render is handed: scenes in two themes rendered one after the other, or in two
threads, do not see each other's, and after a render Manim is as it was.
"""

from __future__ import annotations

import collections
import dataclasses
import subprocess
import sys
import threading

import numpy as np
import pytest
from manim import Dot, Mobject, Rectangle, VMobject

from lesson import themes
from lesson.file import THEMES, load_lesson
from mathvid.run.stills import run_skipping_animations, step_stills
from scenes import convergence, quartic_plan, race_plan, rates
from scenes.derivatives import TangentLine
from scenes.descent import DescentBowl
from scenes.kit import look, text
from tests.mathvid.command import ROOT
from tests.scenes.checks import assert_goldens

COLOURS = ("ink", "muted", "curve", "tangent", "secant", "point", "good")


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


def manims_defaults() -> dict[type, object]:
    """The constructors Manim's ``set_default`` wraps, of the classes look inks."""
    return {kind: kind.__dict__["__init__"] for kind in (Mobject, Dot, Rectangle)}


def test_a_theme_is_drawn_in_for_the_duration_only() -> None:
    before = manims_defaults()
    with look.drawing_in("light") as light:
        assert light == look.palette() and look.TANGENT.to_hex() == themes.LIGHT.tangent
        # A mobject given no colour, and a kit default argument, take its ink.
        assert VMobject().color.to_hex() == themes.LIGHT.ink
        assert text.tex("x").get_color().to_hex() == themes.LIGHT.ink
        with look.drawing_in(themes.DARK):  # nested: the inner, then the outer again
            assert Dot().color.to_hex() == look.INK.to_hex() == themes.DARK.ink
        assert Dot().color.to_hex() == themes.LIGHT.ink
    assert look.INK.to_hex() == themes.DEFAULT.ink
    assert manims_defaults() == before and VMobject().color.to_hex() == "#FFFFFF"


def test_a_scene_tables_of_colours_name_roles() -> None:
    # Bound at import, a colour could not follow the theme of the render.
    tables = [
        convergence.RUN_COLOURS, convergence.CLOSING_COLOURS, rates.RATE_COLOURS,
        quartic_plan.QUARTIC_COLOURS, tuple(race_plan.OPTIMIZER_COLOURS.values()),
    ]  # fmt: skip
    assert all(role in look.ROLES for table in tables for role in table)
    with look.drawing_in("light"):
        assert look.swatch(race_plan.OPTIMIZER_COLOURS["GD"]) == look.TANGENT


def test_scenes_in_two_themes_one_after_the_other_do_not_leak() -> None:
    before = manims_defaults()
    dark = step_stills(TangentLine, theme="dark")
    light = step_stills(TangentLine, theme="light")
    again = step_stills(TangentLine, theme="dark")
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(dark, again, strict=True))
    assert not np.array_equal(dark[0][1], light[0][1])
    assert manims_defaults() == before and look.INK.to_hex() == themes.DEFAULT.ink


def test_a_render_that_fails_leaves_manim_as_it_was() -> None:
    class Failing(TangentLine):
        def construct(self) -> None:
            raise RuntimeError("drawn wrong")

    before = manims_defaults()
    with pytest.raises(RuntimeError, match="drawn wrong"):
        run_skipping_animations(Failing, None, (64, 36), theme="light")
    assert manims_defaults() == before and look.INK.to_hex() == themes.DEFAULT.ink


def test_each_thread_sees_its_own_palette() -> None:
    both_in = threading.Barrier(2)
    seen = {}

    def draw(name: str) -> None:
        with look.drawing_in(name):
            both_in.wait(timeout=10)  # the two themes at once
            seen[name] = look.BACKGROUND.to_hex()
            both_in.wait(timeout=10)

    threads = [threading.Thread(target=draw, args=(n,)) for n in ("dark", "light")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"dark": themes.DARK.background, "light": themes.LIGHT.background}


def test_importing_the_kit_changes_nothing_in_manim() -> None:
    check = """
import manim
kinds = (manim.Mobject, manim.Dot, manim.Rectangle)
before = [kind.__dict__["__init__"] for kind in kinds]
import scenes.kit, scenes.kit.look, scenes.kit.plots, scenes.base
assert [kind.__dict__["__init__"] for kind in kinds] == before
"""
    done = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


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
