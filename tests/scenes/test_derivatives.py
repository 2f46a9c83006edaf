"""Part 1's scenes: they render, their numbers are true, their frames are as approved."""

from __future__ import annotations

import dataclasses

import mpmath
import numpy as np
import pytest

from lesson import themes
from mathvid.run.stills import scene_manifest
from scenes import derivatives, step_size
from tests import notebook
from tests.references import DERIVATIVE_TABLE
from tests.scenes.checks import (
    assert_captions,
    assert_goldens,
    assert_video,
    golden_matches,
    read_manifest,
)

SCENES = [derivatives.TangentLine, derivatives.DerivativeTable, step_size.StepSizeError]


@pytest.mark.parametrize("scene_cls", SCENES, ids=lambda c: c.__name__)
def test_renders_at_low_quality_with_captions(scene_cls: type, rendered: dict) -> None:
    video = rendered[scene_cls.__name__]
    assert_video(video, 8)
    assert_captions(video, read_manifest(video))


def test_tangent_line_shows_the_true_slopes_of_x_squared() -> None:
    manifest = scene_manifest(derivatives.TangentLine)
    params = manifest.params
    assert params["rest_points"] == [-1.0, 0.0, 2.0]  # the notebook's three panels
    for x0 in params["rest_points"]:
        shown = manifest.values[f"tangent.at[{x0:g}]"]
        assert shown == {"x0": x0, "y0": x0**2, "slope": 2 * x0}
    # Secant slopes of x² through x0 and x0 + h are 2x0 + h, up to rounding.
    x0 = manifest.values["secant.x0"]
    for h, slope in manifest.values["secant.slopes"].items():
        assert slope == pytest.approx(2 * x0 + float(h), rel=1e-12)
    assert manifest.values["secant.limit"] == 2 * x0


def test_derivative_table_against_mpmath() -> None:
    manifest = scene_manifest(derivatives.DerivativeTable)
    x, h = manifest.params["x"], manifest.params["h"]
    rows = manifest.values["rows"]
    assert [r["name"] for r in rows] == list(DERIVATIVE_TABLE)
    for row in rows:
        f = DERIVATIVE_TABLE[row["name"]]
        exact = float(mpmath.diff(f, mpmath.mpf(x)))
        assert row["exact"] == pytest.approx(exact, rel=1e-15)
        # The central difference, by the notebook's numerical_derivative, in float64.
        g = lambda t, f=f: float(f(mpmath.mpf(t)))  # noqa: E731
        numerical = notebook.numerical_derivative(g, x, h)
        assert row["numerical"] == pytest.approx(numerical, rel=1e-12)
        assert row["error"] == pytest.approx(abs(row["numerical"] - exact), rel=1e-6)
        assert row["error"] < 1e-8 * max(1.0, abs(exact))


def test_derivative_table_names_its_numbers_step_by_the_point_it_checks() -> None:
    # The step's name is a chapter, a clip's file name and a slide's title: it must
    # say the x the table is checked at, not the default's.
    params = dataclasses.replace(derivatives.DerivativeTable.Params(), x=3.5)
    manifest = scene_manifest(derivatives.DerivativeTable, params)
    step = manifest.steps[1]
    assert step.name == "Numbers at x = 3.5"
    assert "x = 3.5" in step.caption and "x = 2" not in step.caption + step.name


def test_step_size_scene_marks_the_measured_optimum() -> None:
    manifest = scene_manifest(step_size.StepSizeError)
    values = manifest.values
    hs, x = np.array(values["hs"]), manifest.params["x"]
    # Recompute the central error curve independently with mpmath's exact cos(1).
    exact = float(mpmath.cos(x))
    central = np.abs((np.sin(x + hs) - np.sin(x - hs)) / (2 * hs) - exact)
    np.testing.assert_allclose(values["errors"]["central"], central, rtol=1e-9, atol=1e-17)
    eps = np.finfo(float).eps
    assert 0.1 < values["best_h"]["central"] / np.cbrt(eps) < 10  # ∛ε, not √ε
    assert 0.1 < values["best_h"]["forward"] / np.sqrt(eps) < 10
    assert values["notebook_penalty"] > 100
    assert max(values["errors"]["complex"]) < 1e-3  # O(h²): tiny for every h ≤ 0.1


@pytest.mark.parametrize("scene_cls", SCENES, ids=lambda c: c.__name__)
def test_golden_frames(scene_cls: type, update_goldens: bool) -> None:
    assert_goldens(scene_cls, update_goldens)


def test_golden_check_fails_for_a_moved_tangent_point() -> None:
    params = dataclasses.replace(derivatives.TangentLineParams(), rest_points=(-1, 0, 1.8))
    assert golden_matches(derivatives.TangentLine, params) == [True, True, False]


def test_golden_check_fails_for_a_wrong_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    dark = themes.DARK  # the scene drawn in a theme whose tangent is its good colour
    monkeypatch.setitem(themes.THEMES, "dark", dataclasses.replace(dark, tangent=dark.good))
    assert golden_matches(derivatives.TangentLine) == [True, False, False]


def test_golden_frames_on_a_cubic(update_goldens: bool) -> None:
    # A function the lesson never draws: x³ − 2x over [−3, 3], its y axis grown to
    # hold it (±21); the secant settles to f'(1.5) = 4.75.
    params = derivatives.TangentLineParams(function="x**3 - 2*x", limit_at=1.5)
    assert_goldens(derivatives.TangentLine, update_goldens, params, "TangentLine-cubic")
