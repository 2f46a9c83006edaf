"""The gradient scenes render, and every number in their manifests is right.

References are independent of mathcore: the bowl's gradient 2(x, y) by hand at the
notebook's ``arrow_points`` (``tests/notebook.py``), the gradient of sin x + cos y
from SymPy and PyTorch autograd, directional derivatives from
``torch.autograd.functional.jvp``, level lines from contourpy run here on values
computed here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import contourpy
import numpy as np
import pytest
import sympy
import torch

from lesson import themes
from lesson.params import ParamError
from mathcore import windows
from mathvid.run.render import render_scene
from scenes import field, field_plan, gradients, plans, surface_field
from tests import notebook
from tests.scenes.checks import (
    assert_captions,
    assert_goldens,
    assert_video,
    golden_matches,
    read_manifest,
)

SCENES = [gradients.GradientBowl, field.GradientField, surface_field.SurfaceAndField]


@pytest.fixture(scope="module")
def rendered(scene_media: Path) -> Callable[[type], Path]:
    """Render each scene at 480p15 once in the session, on first use; returns the
    video's path."""
    videos: dict[type, Path] = {}

    def video(scene_cls: type) -> Path:
        if scene_cls not in videos:
            videos[scene_cls] = render_scene(scene_cls, "l", scene_media)
        return videos[scene_cls]

    return video


def manifest_of(rendered: Callable[[type], Path], scene_cls: type) -> dict[str, Any]:
    return read_manifest(rendered(scene_cls))


def sincos_values(rendered: Callable[[type], Path], scene_cls: type) -> dict[str, Any]:
    """The manifest's values, once it is checked to show sin x + cos y with its
    arrows on [−π, π]², on a map of [−3.8, 3.8]²."""
    values = manifest_of(rendered, scene_cls)["values"]
    assert values["surface"]["function"] == "sincos"
    np.testing.assert_allclose(values["surface"]["arrow_window"], [[-np.pi, np.pi]] * 2)
    assert values["surface"]["window"] == [[-3.8, 3.8]] * 2
    return values


def _sincos_torch(p: torch.Tensor) -> torch.Tensor:
    return torch.sin(p[0]) + torch.cos(p[1])


def _torch_gradient(point: np.ndarray) -> np.ndarray:
    p = torch.tensor(point, dtype=torch.float64)
    return torch.func.grad(_sincos_torch)(p).numpy()


def _sympy_gradient() -> Callable[[np.ndarray, np.ndarray], list]:
    x, y = sympy.symbols("x y")
    f = sympy.sin(x) + sympy.cos(y)
    return sympy.lambdify((x, y), [sympy.diff(f, x), sympy.diff(f, y)], "numpy")


# ---------------------------------------------------------------------------------
# Rendering


@pytest.mark.parametrize("scene_cls", SCENES, ids=lambda c: c.__name__)
def test_scene_renders_a_decodable_video_with_every_caption(
    rendered: Callable[[type], Path], scene_cls: type
) -> None:
    assert_video(rendered(scene_cls), 10)  # more than ten seconds at 15 frames/s
    assert_captions(rendered(scene_cls), manifest_of(rendered, scene_cls))


# ---------------------------------------------------------------------------------
# GradientBowl


def test_bowl_arrows_are_the_notebooks_seven_gradients(
    rendered: Callable[[type], Path],
) -> None:
    values = manifest_of(rendered, gradients.GradientBowl)["values"]
    assert values["surface"]["function"] == "bowl"
    assert values["surface"]["window"] == [[-3.0, 3.0], [-3.0, 3.0]]
    assert values["arrows.scale"] == 0.15  # the notebook's quiver scale
    arrows = values["arrows"]
    assert [tuple(a["point"]) for a in arrows] == notebook.arrow_points
    for a in arrows:
        px, py = a["point"]
        # ∂/∂x (x² + y²) = 2x, ∂/∂y = 2y; the arrow ends at p + 0.15·∇f.
        assert a["gradient"] == [2 * px, 2 * py]
        assert a["head"] == pytest.approx([px + 0.15 * 2 * px, py + 0.15 * 2 * py])
        # Uphill: the arrow points away from the minimum at the origin.
        assert np.dot(a["gradient"], a["point"]) > 0
    down = values["downhill"]
    assert down["point"] == [2.0, 2.0] and down["gradient"] == [4.0, 4.0]
    assert down["scale"] == -0.15
    assert down["head"] == pytest.approx([2 - 0.6, 2 - 0.6])


def test_bowl_contour_levels_split_its_range_evenly(
    rendered: Callable[[type], Path],
) -> None:
    values = manifest_of(rendered, gradients.GradientBowl)["values"]
    # x² + y² on [−3, 3]² runs from 0 to 18: 8 inner levels, 2 apart.
    assert values["contour.levels"] == pytest.approx([2, 4, 6, 8, 10, 12, 14, 16])


# ---------------------------------------------------------------------------------
# GradientField


def test_field_arrows_are_the_normalised_sympy_gradient_on_the_notebook_grid(
    rendered: Callable[[type], Path],
) -> None:
    values = sincos_values(rendered, field.GradientField)
    arrows = {k: np.asarray(v) for k, v in values["field"].items() if k != "arrow_length"}
    AX, AY = np.meshgrid(np.linspace(-np.pi, np.pi, 8), np.linspace(-np.pi, np.pi, 8))
    np.testing.assert_allclose(arrows["points"][..., 0], AX)
    np.testing.assert_allclose(arrows["points"][..., 1], AY)
    gx, gy = _sympy_gradient()(AX, AY)
    np.testing.assert_allclose(arrows["gradients"][..., 0], gx, atol=1e-15)
    np.testing.assert_allclose(arrows["gradients"][..., 1], gy, atol=1e-15)
    # Normalised: unit length, along the gradient (as the notebook's quiver).
    units = arrows["unit_vectors"]
    np.testing.assert_allclose(np.linalg.norm(units, axis=-1), 1.0)
    np.testing.assert_allclose(units[..., 0] * np.hypot(gx, gy), gx, atol=1e-12)
    np.testing.assert_allclose(units[..., 1] * np.hypot(gx, gy), gy, atol=1e-12)
    length = values["field"]["arrow_length"]
    np.testing.assert_allclose(arrows["heads"], arrows["points"] + length * units)


def test_the_highlighted_arrow_is_perpendicular_to_contourpys_level_line(
    rendered: Callable[[type], Path],
) -> None:
    perp = manifest_of(rendered, field.GradientField)["values"]["perpendicular"]
    point = np.asarray(perp["point"])
    # The notebook's arrow: row 5, column 4 of the 8 × 8 grid, at (π/7, 3π/7).
    assert perp["cell"] == [5, 4]
    np.testing.assert_allclose(point, [np.pi / 7, 3 * np.pi / 7])
    assert perp["level"] == pytest.approx(np.sin(point[0]) + np.cos(point[1]))
    grad = _torch_gradient(point)
    arrow = np.asarray(perp["arrow_head"]) - point
    np.testing.assert_allclose(arrow / np.linalg.norm(arrow), grad / np.linalg.norm(grad))
    # The level line through the point, traced by contourpy on our own samples.
    xs = ys = np.linspace(-np.pi, np.pi, 801)
    X, Y = np.meshgrid(xs, ys)
    lines = contourpy.contour_generator(xs, ys, np.sin(X) + np.cos(Y)).lines(perp["level"])
    line = min(lines, key=lambda s: np.min(np.linalg.norm(s - point, axis=1)))
    k = int(np.argmin(np.linalg.norm(line - point, axis=1)))
    assert np.linalg.norm(line[k] - point) < 5e-3  # it does pass through the point
    chord = line[min(k + 4, len(line) - 1)] - line[max(k - 4, 0)]
    cosine = np.dot(chord, arrow) / (np.linalg.norm(chord) * np.linalg.norm(arrow))
    assert abs(cosine) < 5e-3  # a right angle, to contouring accuracy
    tangent = np.asarray(perp["tangent"])
    assert abs(np.dot(tangent, chord) / np.linalg.norm(chord)) == pytest.approx(1, abs=1e-4)


def test_directional_derivatives_are_torch_jvps_and_peak_at_the_gradient_norm(
    rendered: Callable[[type], Path],
) -> None:
    values = manifest_of(rendered, field.GradientField)["values"]
    samples = {k: np.asarray(v) for k, v in values["directional.samples"].items()}
    best = values["directional.max"]
    point = np.asarray(best["point"])
    np.testing.assert_allclose(point, values["perpendicular"]["point"])
    p = torch.tensor(point, dtype=torch.float64)
    for angle, u, shown in zip(
        samples["angles"], samples["directions"], samples["values"], strict=True
    ):
        assert u == pytest.approx([np.cos(angle), np.sin(angle)])
        _, jvp = torch.autograd.functional.jvp(
            _sincos_torch, p, torch.tensor(u, dtype=torch.float64)
        )
        assert shown == pytest.approx(jvp.item(), abs=1e-12)
    # Cauchy–Schwarz: D_u f ≤ ‖∇f‖, with equality along ∇f, where the sweep stops.
    grad = _torch_gradient(point)
    assert best["value"] == pytest.approx(np.linalg.norm(grad), rel=1e-12)
    np.testing.assert_allclose(best["direction"], grad / np.linalg.norm(grad))
    assert best["angle"] == pytest.approx(np.arctan2(grad[1], grad[0]))
    assert np.all(samples["values"] <= best["value"] + 1e-12)
    np.testing.assert_allclose(samples["directions"][-1], best["direction"], atol=1e-12)
    assert samples["values"][-1] == pytest.approx(best["value"], rel=1e-12)
    # The sweep turns counter-clockwise from u = (1, 0), by less than a full turn.
    assert samples["angles"][0] == 0.0 and np.all(np.diff(samples["angles"]) > 0)
    assert samples["angles"][-1] < 2 * np.pi


def test_sincos_contour_levels_split_its_range_evenly(
    rendered: Callable[[type], Path],
) -> None:
    for scene_cls in (field.GradientField, surface_field.SurfaceAndField):
        values = manifest_of(rendered, scene_cls)["values"]
        # sin x + cos y on [−π, π]² runs from −2 to 2: 9 inner levels, 0.4 apart.
        assert values["contour.levels"] == pytest.approx(np.linspace(-1.6, 1.6, 9))


# ---------------------------------------------------------------------------------
# SurfaceAndField


def test_exercise_arrows_follow_the_autograd_gradient(
    rendered: Callable[[type], Path],
) -> None:
    values = sincos_values(rendered, surface_field.SurfaceAndField)
    points = np.asarray(values["field"]["points"]).reshape(-1, 2)
    units = np.asarray(values["field"]["unit_vectors"]).reshape(-1, 2)
    heads = np.asarray(values["field"]["heads"]).reshape(-1, 2)
    assert len(points) == 64
    for point, unit, head in zip(points, units, heads, strict=True):
        grad = _torch_gradient(point)
        np.testing.assert_allclose(unit, grad / np.linalg.norm(grad), atol=1e-12)
        step = head - point
        assert np.linalg.norm(step) == pytest.approx(values["field"]["arrow_length"])


# ---------------------------------------------------------------------------------
# What is derived, what is refused (no render)


def test_the_maps_ticks_are_derived_as_the_notebook_drew_them() -> None:
    whole = (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)
    assert plans.field_survey(gradients.GradientBowlParams(), True).ticks == (whole, whole)
    in_pi = (-np.pi, -np.pi / 2, 0.0, np.pi / 2, np.pi)
    for params in (field_plan.GradientFieldParams(), surface_field.SurfaceAndFieldParams()):
        assert plans.field_survey(params).ticks == (in_pi, in_pi)
    # Given ticks are kept, on both edges.
    given = dataclasses.replace(field_plan.GradientFieldParams(), ticks=(-2.0, 0.0, 2.0))
    assert plans.field_survey(given).ticks == ((-2.0, 0.0, 2.0),) * 2


def test_the_window_grows_to_hold_every_arrow_whole() -> None:
    params = dataclasses.replace(
        field_plan.GradientFieldParams(), arrow_window=((-5.0, 5.0), (-5.0, 5.0))
    )
    sv = plans.field_survey(params)
    # Arrows of length 0.5 on [−5, 5]² reach ±5.5: the map grows to [−6, 6]².
    assert sv.window == ((-6.0, 6.0), (-6.0, 6.0))
    assert sv.ticks[0] == (-6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0)
    far = dataclasses.replace(
        gradients.GradientBowlParams(), arrow_points=((4.0, 4.0), (0.0, 0.0))
    )
    with pytest.raises(ParamError) as caught:
        far.check()  # (2, 2), the downhill arrow, is no longer among the arrows
    assert caught.value.key == "downhill_point"
    far = dataclasses.replace(far, downhill_point=(4.0, 4.0))
    assert windows.inside([4.0, 4.0], plans.field_survey(far, True).window)


def test_the_singled_out_arrow_is_derived_or_refused_where_the_gradient_vanishes() -> None:
    # The bowl on a 3 × 3 grid of [−1, 1]²: ∇f = 0 at the middle arrow (1, 1).
    bowl = dataclasses.replace(
        field_plan.GradientFieldParams(),
        function="bowl",
        arrow_window=((-1.0, 1.0), (-1.0, 1.0)),
        arrow_grid=3,
    )
    # Derived: the steepest arrows are the four corners; the upper right one.
    assert plans.field_survey(bowl).focus == (2, 2)
    with pytest.raises(ParamError, match="no direction") as caught:
        dataclasses.replace(bowl, focus=(1, 1)).check()
    assert caught.value.key == "focus"
    with pytest.raises(ParamError, match="from 0 to 2") as caught:
        dataclasses.replace(bowl, focus=(3, 0)).check()
    assert caught.value.key == "focus"


# ---------------------------------------------------------------------------------
# Golden frames


@pytest.mark.parametrize("scene_cls", SCENES, ids=lambda c: c.__name__)
def test_scene_matches_its_golden_frames(scene_cls: type, update_goldens: bool) -> None:
    assert_goldens(scene_cls, update_goldens)


def test_a_different_downhill_arrow_is_caught_in_the_last_step_only() -> None:
    params = dataclasses.replace(
        gradients.GradientBowlParams(), downhill_point=(-2.0, -2.0)
    )
    assert golden_matches(gradients.GradientBowl, params) == [True, True, True, False]


def test_a_wrong_colour_for_u_is_caught_in_the_sweep_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dark = themes.DARK  # the scene drawn in a theme whose secant is its good colour
    monkeypatch.setitem(themes.THEMES, "dark", dataclasses.replace(dark, secant=dark.good))
    assert golden_matches(field.GradientField) == [True, True, True, False]
