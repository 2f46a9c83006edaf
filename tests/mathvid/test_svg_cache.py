"""Formulas parsed once and kept as their points (``mathvid.run.svg_cache``): a part
read back from the cache, or a copy of it, has the points Manim's own parse of the
same SVG gives, and none of the parsed SVG paths a copy would otherwise drag along."""

from __future__ import annotations

import numpy as np
import pytest
from manim import MathTex, SVGMobject, tempconfig

from mathvid.run import svg_cache
from mathvid.run.manim_setup import manim_config


@pytest.fixture
def pickles(tmp_path, monkeypatch):
    """An empty cache of parsed formulas, in memory and on disk."""
    monkeypatch.setattr(svg_cache, "_IN_MEMORY", {})
    with tempconfig(manim_config({})):
        svg_cache.install(tmp_path / "TexPaths")
        yield tmp_path / "TexPaths"


def points(mobject) -> list[np.ndarray]:
    return [part.points for part in mobject.get_family()]


def test_a_formula_from_the_cache_has_manims_points_and_no_paths(pickles) -> None:
    svg = MathTex(r"\frac{\partial L}{\partial w} = x\,\sigma'(z)").get_file_path()
    manims = SVGMobject(svg, use_svg_cache=False)  # Manim's parse, no cache at all
    kept = len(list(pickles.glob("*.pickle")))  # the MathTex's own
    parsed = SVGMobject(svg)  # parsed, then kept
    assert len(list(pickles.glob("*.pickle"))) == kept + 1
    svg_cache._IN_MEMORY.clear()
    read = SVGMobject(svg)  # read back from the pickle
    assert any(hasattr(part, "path_obj") for part in manims.get_family())
    for made in (parsed, read, read.copy()):
        assert not any(hasattr(part, "path_obj") for part in made.get_family())
        assert len(points(made)) == len(points(manims))
        for ours, theirs in zip(points(made), points(manims), strict=True):
            np.testing.assert_array_equal(ours, theirs)
