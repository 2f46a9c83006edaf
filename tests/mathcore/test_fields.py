"""Grids, gradient fields and contour lines against their definitions."""

from __future__ import annotations

import numpy as np
import pytest

from mathcore import fields
from mathcore.calculus import numerical_gradient
from mathcore.functions import bowl, rosenbrock, sincos


def test_grid_matches_numpy_meshgrid() -> None:
    g = fields.grid(((-2.0, 2.0), (-1.0, 3.0)), (5, 9))
    X, Y = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 3, 9))
    np.testing.assert_array_equal(g.points[..., 0], X)
    np.testing.assert_array_equal(g.points[..., 1], Y)
    with pytest.raises(ValueError, match="domain"):
        fields.grid(((1.0, -1.0), (0.0, 1.0)), 5)
    with pytest.raises(ValueError, match="n"):
        fields.grid(((0.0, 1.0), (0.0, 1.0)), 1)


def test_gradient_field_against_differences_and_the_notebook_arrows() -> None:
    g = fields.grid(((-np.pi, np.pi), (-np.pi, np.pi)), 8)
    field = fields.gradient_field(sincos(), g)
    np.testing.assert_allclose(
        field.vectors, numerical_gradient(sincos(), g.points), rtol=1e-8, atol=1e-12
    )
    # The notebook's normalisation of its 8×8 arrow grid, transcribed.
    AX, AY = np.meshgrid(np.linspace(-np.pi, np.pi, 8), np.linspace(-np.pi, np.pi, 8))
    GX, GY = np.cos(AX), -np.sin(AY)
    magnitude = np.sqrt(GX**2 + GY**2)
    np.testing.assert_allclose(field.unit_vectors[..., 0], GX / (magnitude + 1e-10), 1e-8)
    np.testing.assert_allclose(field.unit_vectors[..., 1], GY / (magnitude + 1e-10), 1e-8)


def test_unit_vectors_have_length_one_and_vanish_at_critical_points() -> None:
    field = fields.gradient_field(bowl(), [[0.0, 0.0], [1e-12, 0.0], [-2.0, 2.0]])
    np.testing.assert_array_equal(field.unit_vectors[0], [0.0, 0.0])
    np.testing.assert_allclose(np.linalg.norm(field.unit_vectors[1:], axis=-1), 1.0)
    # Arrows point uphill: away from the bowl's minimum at the origin.
    assert np.dot(field.unit_vectors[2], [-2.0, 2.0]) > 0


def test_bowl_contours_are_circles_of_radius_sqrt_level() -> None:
    levels = [0.5, 1.0, 4.0]
    g = fields.grid(((-3, 3), (-3, 3)), 201)
    for c in fields.contour_lines(bowl(), g, levels):
        [line] = c.lines  # one closed curve per level
        np.testing.assert_allclose(
            np.linalg.norm(line, axis=1), np.sqrt(c.level), atol=2e-3
        )
        np.testing.assert_allclose(line[0], line[-1])  # closed


def test_contour_points_lie_on_their_level() -> None:
    f = rosenbrock()
    g = fields.grid(f.domain, 400)
    levels = fields.log_levels(0.1, 1000, 20)
    contours = fields.contour_lines(f, g, levels)
    assert [c.level for c in contours] == pytest.approx(np.logspace(-1, 3, 20))
    for c in contours:
        assert c.lines, f"level {c.level} has no line inside the domain"
        for line in c.lines:
            # Linear interpolation on a grid of spacing h misses the level by at
            # most ½·‖H‖·h² (the curvature of f across one cell).
            spacing = np.diff(g.xs)[0]
            curvature = np.abs(np.linalg.eigvalsh(f.hessian(line))).max()
            np.testing.assert_allclose(f.value(line), c.level, atol=curvature * spacing**2)


def test_levels_outside_the_range_have_no_lines() -> None:
    [c] = fields.contour_lines(bowl(), fields.grid(((-1, 1), (-1, 1)), 11), [-1.0])
    assert c.lines == ()


def test_gradients_are_perpendicular_to_level_sets() -> None:
    """The notebook's Layer 3: ∇f is orthogonal to the contour lines."""
    f = sincos()
    g = fields.grid(f.domain, 200)
    for c in fields.contour_lines(
        f, g, [-1.75, -1.25, -0.5, 0.5, 1.25, 1.75]
    ):  # not 0: saddles
        assert c.lines
        for line in c.lines:
            tangents = np.diff(line, axis=0)
            tangents /= np.linalg.norm(tangents, axis=1, keepdims=True)
            normals = fields.gradient_field(f, (line[1:] + line[:-1]) / 2).unit_vectors
            assert np.abs(np.sum(tangents * normals, axis=1)).max() < 0.05


def test_the_steepest_middle_cell_worked_by_hand() -> None:
    # sin x + cos y on the notebook's 8 × 8 grid of [−π, π]²: ‖∇f‖² = cos²x + sin²y.
    # The middle half is x, y ∈ {±π/7, ±3π/7}: cos² is largest at x = ±π/7, sin² at
    # y = ±3π/7; of the four ties, the upper right is row 5 (y = 3π/7), column 4.
    g = fields.grid(((-np.pi, np.pi), (-np.pi, np.pi)), 8)
    field = fields.gradient_field(sincos(), g)
    assert fields.steepest_middle_cell(field) == (5, 4)
    np.testing.assert_allclose(field.points[5, 4], [np.pi / 7, 3 * np.pi / 7])


def test_a_middle_where_the_gradient_vanishes_has_no_steepest_cell() -> None:
    g = fields.grid(((-1, 1), (-1, 1)), 8)
    vectors = np.zeros_like(g.points)
    vectors[0, 0] = vectors[-1, -1] = (1.0, 1.0)  # slopes only at two corners
    assert fields.steepest_middle_cell(fields.GradientField(g.points, vectors)) is None
    with pytest.raises(ValueError, match="grid"):
        fields.steepest_middle_cell(fields.GradientField(g.points[0], vectors[0]))
