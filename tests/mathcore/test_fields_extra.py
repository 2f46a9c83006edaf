"""The fields helpers of the gradient scenes against references nobody here wrote."""

from __future__ import annotations

import contourpy
import numpy as np
import pytest
import torch

from mathcore import fields
from mathcore.functions import bowl, rosenbrock, sincos
from tests import notebook


def _sincos_torch(p: torch.Tensor) -> torch.Tensor:
    return torch.sin(p[0]) + torch.cos(p[1])


def test_linear_levels_are_matplotlibs_even_steps_inside_the_range() -> None:
    g = fields.grid(((-np.pi, np.pi), (-np.pi, np.pi)), 50)
    levels = fields.linear_levels(sincos(), g, 9)
    z = np.sin(g.points[..., 0]) + np.cos(g.points[..., 1])
    np.testing.assert_allclose(np.diff(levels), (z.max() - z.min()) / 10)
    assert z.min() < levels[0] and levels[-1] < z.max()
    with pytest.raises(ValueError, match="n"):
        fields.linear_levels(sincos(), g, 0)


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def test_contour_bands_tile_the_square_and_match_the_bowls_annuli() -> None:
    g = fields.grid(((-3, 3), (-3, 3)), 161)
    levels = [1.0, 2.5, 7.0]
    bands = fields.contour_bands(bowl(), g, levels)
    assert [(b.lower, b.upper) for b in bands] == [
        (-np.inf, 1.0),
        (1.0, 2.5),
        (2.5, 7.0),
        (7.0, np.inf),
    ]
    # Outer rings counter-clockwise, holes clockwise: areas add up with their signs.
    areas = [sum(_signed_area(r) for poly in b.polygons for r in poly) for b in bands]
    for poly in (poly for b in bands for poly in b.polygons):
        assert _signed_area(poly[0]) > 0 and all(_signed_area(r) < 0 for r in poly[1:])
    # x² + y² < r²: discs and annuli of area π·level; the last band fills the square.
    expected = [np.pi * 1.0, np.pi * 1.5, np.pi * 4.5, 36 - np.pi * 7.0]
    np.testing.assert_allclose(areas, expected, rtol=2e-3)
    assert sum(areas) == pytest.approx(36.0)
    with pytest.raises(ValueError, match="increasing"):
        fields.contour_bands(bowl(), g, [2.0, 1.0])


def test_contour_band_points_lie_between_their_levels() -> None:
    f = sincos()
    g = fields.grid(f.domain, 121)
    levels = np.linspace(-1.6, 1.6, 9)
    for band in fields.contour_bands(f, g, levels):
        assert band.polygons
        for poly in band.polygons:
            for ring in poly:
                z = np.sin(ring[:, 0]) + np.cos(ring[:, 1])
                # Boundary points sit on a level or on the square's edge (up to the
                # linear interpolation error across one cell).
                assert np.all(z >= max(band.lower, -2.0) - 1e-3)
                assert np.all(z <= min(band.upper, 2.0) + 1e-3)


def test_bowl_arrow_heads_are_the_notebooks_quiver_tips() -> None:
    points = notebook.arrow_points
    field = fields.gradient_field(bowl(), points)
    heads = fields.arrow_heads(field, scale=0.15)
    # The notebook: quiver(px, py, 2px·0.15, 2py·0.15) with scale_units='xy'.
    for (px, py), head in zip(points, heads, strict=True):
        np.testing.assert_allclose(head, [px + 0.3 * px, py + 0.3 * py], atol=1e-15)
    downhill = fields.arrow_heads(field, scale=-0.15)
    np.testing.assert_allclose(downhill, 0.7 * np.asarray(points, dtype=float))
    with pytest.raises(ValueError, match="exactly one"):
        fields.arrow_heads(field)
    with pytest.raises(ValueError, match="exactly one"):
        fields.arrow_heads(field, scale=1.0, length=1.0)


def test_normalised_arrow_heads_have_the_asked_length_along_the_gradient() -> None:
    g = fields.grid(((-np.pi, np.pi), (-np.pi, np.pi)), 8)
    field = fields.gradient_field(sincos(), g)
    heads = fields.arrow_heads(field, length=0.6)
    steps = heads - g.points
    np.testing.assert_allclose(np.linalg.norm(steps, axis=-1), 0.6)
    # Same direction as the gradient from torch autograd at every base point.
    for point, step in zip(g.points.reshape(-1, 2), steps.reshape(-1, 2), strict=True):
        grad = torch.func.grad(_sincos_torch)(torch.tensor(point, dtype=torch.float64))
        cos = np.dot(step, grad.numpy()) / (0.6 * np.linalg.norm(grad.numpy()))
        assert cos == pytest.approx(1.0, abs=1e-12)


def test_unit_direction_is_on_the_unit_circle() -> None:
    angles = np.linspace(-7, 7, 29)
    u = fields.unit_direction(angles)
    np.testing.assert_allclose(np.linalg.norm(u, axis=-1), 1.0)
    np.testing.assert_allclose(np.arctan2(u[:, 1], u[:, 0]), np.angle(np.exp(1j * angles)))


def test_level_crossing_tangent_follows_the_contourpy_line_through_the_point() -> None:
    f = sincos()
    point = np.array([0.449, 1.346])
    crossing = fields.level_crossing(f, point)
    assert crossing.level == pytest.approx(np.sin(0.449) + np.cos(1.346))
    # Independent: contourpy on a fine grid of values computed here.
    xs = ys = np.linspace(-np.pi, np.pi, 801)
    X, Y = np.meshgrid(xs, ys)
    gen = contourpy.contour_generator(xs, ys, np.sin(X) + np.cos(Y))
    line = min(gen.lines(crossing.level), key=lambda s: np.min(np.hypot(*(s - point).T)))
    k = int(np.argmin(np.hypot(*(line - point).T)))
    assert np.hypot(*(line[k] - point)) < 5e-3  # the line passes through the point
    chord = line[k + 3] - line[k - 3]
    chord /= np.linalg.norm(chord)
    assert abs(np.dot(chord, crossing.normal)) < 1e-3  # ∇f ⟂ level line
    assert abs(np.dot(chord, crossing.tangent)) == pytest.approx(1.0, abs=1e-5)
    # The tangent is the normal turned counter-clockwise: a right-handed pair.
    (nx, ny), (tx, ty) = crossing.normal, crossing.tangent
    assert nx * ty - ny * tx == pytest.approx(1.0)
    a, b = crossing.tangent_segment(0.5)
    np.testing.assert_allclose((a + b) / 2, point)
    assert np.linalg.norm(b - a) == pytest.approx(1.0)


def test_level_crossing_refuses_critical_points() -> None:
    with pytest.raises(ValueError, match="∇f"):
        fields.level_crossing(bowl(), [0.0, 0.0])
    with pytest.raises(ValueError, match="∇f"):
        fields.level_crossing(rosenbrock(), [1.0, 1.0])


@pytest.mark.parametrize("point", [(0.449, 1.346), (-2.0, 0.5), (1.0, -3.0)])
def test_directional_sweep_against_torch_jvp_and_cauchy_schwarz(point) -> None:
    sweep = fields.directional_sweep(sincos(), point, start_angle=0.0, samples=37)
    p = torch.tensor(point, dtype=torch.float64)
    for u, value in zip(sweep.directions, sweep.values, strict=True):
        _, jvp = torch.autograd.functional.jvp(
            _sincos_torch, p, torch.tensor(u, dtype=torch.float64)
        )
        assert value == pytest.approx(jvp.item(), abs=1e-12)
    grad = torch.func.grad(_sincos_torch)(p).numpy()
    # Ends where it is largest: along ∇f, with value ‖∇f‖ (Cauchy–Schwarz).
    assert sweep.max_value == pytest.approx(np.linalg.norm(grad), rel=1e-12)
    np.testing.assert_allclose(sweep.max_direction, grad / np.linalg.norm(grad))
    np.testing.assert_allclose(sweep.directions[-1], sweep.max_direction, atol=1e-12)
    assert sweep.values[-1] == pytest.approx(sweep.max_value, rel=1e-12)
    assert np.all(sweep.values <= sweep.max_value + 1e-12)
    # Counter-clockwise, one full turn and then on to ∇f: less than two turns.
    assert sweep.angles[0] == 0.0 and np.all(np.diff(sweep.angles) > 0)
    assert 2 * np.pi <= sweep.angles[-1] - sweep.angles[0] < 4 * np.pi


def test_directional_sweep_without_turns_goes_straight_to_the_gradient() -> None:
    sweep = fields.directional_sweep(bowl(), [-1.0, 0.0], start_angle=0.5, turns=0)
    assert sweep.angles[-1] == pytest.approx(np.pi)  # ∇f = (−2, 0) points left
    assert sweep.max_value == 2.0
    with pytest.raises(ValueError, match="samples"):
        fields.directional_sweep(bowl(), [1.0, 0.0], samples=1)
