"""mathcore.paths against references written here: SymPy, closed forms, dense sampling."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy as sp

from mathcore import paths
from mathcore.functions import bowl, quartic
from mathcore.optimize import gd, run

X = sp.Symbol("x", real=True)


# ------------------------------------------------------------------ cursor


def test_cursor_interpolates_between_iterates_and_clamps() -> None:
    pts = np.array([[4.0, 3.0], [2.4, 1.8], [1.44, 1.08], [0.864, 0.648]])
    for s in np.linspace(-1, 4, 41):
        c = paths.cursor(pts, s)
        k = min(max(math.floor(s), 0), 3)
        frac = min(max(s, 0.0), 3.0) - k
        expected = pts[k] if k == 3 else (1 - frac) * pts[k] + frac * pts[k + 1]
        np.testing.assert_allclose(c.point, expected, rtol=0, atol=1e-15)
        assert c.step == k
        assert len(c.vertices) >= 2
        np.testing.assert_array_equal(c.vertices[: k + 1], pts[: k + 1])
        np.testing.assert_allclose(c.vertices[-1], expected, atol=1e-15)
    assert paths.cursor(pts, 0).vertices.tolist() == [[4.0, 3.0], [4.0, 3.0]]
    with pytest.raises(ValueError, match="points"):
        paths.cursor([1.0, 2.0], 0.5)


def test_graph_points_put_a_1d_run_on_its_curve() -> None:
    t = run(quartic(), [4.0], gd(0.01), steps=5)
    gp = paths.graph_points(t)
    xs = gp[:, 0]
    np.testing.assert_array_equal(xs, t.points[:, 0])
    np.testing.assert_allclose(gp[:, 1], xs**4 - 3 * xs**3 + 2, rtol=1e-15)
    with pytest.raises(ValueError, match="1-D"):
        paths.graph_points(run(bowl(), [1.0, 1.0], gd(0.1), steps=2))


# ------------------------------------------------------------------ windows


def _inside(p: np.ndarray, box, eps: float = 1e-9) -> np.ndarray:
    (x0, x1), (y0, y1) = box
    return (
        (p[..., 0] >= x0 - eps)
        & (p[..., 0] <= x1 + eps)
        & (p[..., 1] >= y0 - eps)
        & (p[..., 1] <= y1 + eps)
    )


def _dist_to_polyline(p: np.ndarray, piece: np.ndarray) -> float:
    a, b = piece[:-1], piece[1:]
    d = b - a
    u = np.clip(
        np.einsum("ij,ij->i", p - a, d) / np.maximum(np.einsum("ij,ij->i", d, d), 1e-300),
        0,
        1,
    )
    return float(np.min(np.linalg.norm(a + u[:, None] * d - p, axis=1)))


def test_clip_polyline_matches_dense_sampling() -> None:
    rng = np.random.default_rng(7)
    box = ((-1.0, 2.0), (-0.5, 1.5))
    for _ in range(20):
        v = rng.uniform(-3, 4, size=(8, 2))
        pieces = paths.clip_polyline(v, box)
        # Every piece lies in the box ...
        for piece in pieces:
            assert _inside(piece, box).all()
        # ... and every densely sampled point of the polyline inside the box is on one.
        u = np.linspace(0, 1, 200)[:, None]
        samples = np.concatenate([a + u * (b - a) for a, b in itertools.pairwise(v)])
        inside = samples[_inside(samples, box, eps=-1e-6)]
        for q in inside[::7]:
            assert min(_dist_to_polyline(q, piece) for piece in pieces) < 1e-9


def test_clip_polyline_of_a_curve_keeps_its_two_arms_separate() -> None:
    xs = np.linspace(-3, 3, 61)
    pieces = paths.clip_polyline(np.column_stack([xs, xs**2]), ((-3, 3), (0, 4)))
    assert len(pieces) == 1  # the parabola leaves only through the top, at ±2
    assert pieces[0][0].tolist() == pytest.approx([-2.0, 4.0], abs=1e-3)
    assert pieces[0][-1].tolist() == pytest.approx([2.0, 4.0], abs=1e-3)
    w = np.column_stack([xs, np.cos(3 * xs)])
    dense = np.cos(3 * np.linspace(-3, 3, 100_001)) > 0
    arcs = int(dense[0]) + int(np.count_nonzero(dense[1:] & ~dense[:-1]))
    assert arcs == 3
    assert len(paths.clip_polyline(w, ((-3, 3), (0, 2)))) == arcs


def test_windowed_cuts_the_diverging_quartic_run_at_the_top_edge() -> None:
    t = run(quartic(), [4.0], gd(0.1), steps=100)
    box = ((-2.0, 4.5), (-20.0, 80.0))
    w = paths.windowed(paths.graph_points(t), box)
    assert w.exited and w.exit_segment == 0
    # The chord from (4, f(4)) to (x1, f(x1)) meets y = 80 where the line says.
    f = lambda x: x**4 - 3 * x**3 + 2  # noqa: E731
    a, b = np.array([4.0, f(4.0)]), np.array([-7.2, f(-7.2)])
    u = (80 - a[1]) / (b[1] - a[1])
    np.testing.assert_allclose(w.exit_point, a + u * (b - a), rtol=1e-12)
    np.testing.assert_allclose(
        w.exit_direction, (b - a) / np.linalg.norm(b - a), rtol=1e-12
    )
    assert w.vertices.tolist() == [a.tolist(), w.exit_point.tolist()]
    stays = paths.windowed([[0.0, 0.0], [1.0, 1.0]], box)
    assert not stays.exited and stays.exit_point is None
    with pytest.raises(ValueError, match="start inside"):
        paths.windowed([[9.0, 0.0], [0.0, 0.0]], box)


# ------------------------------------------------------------------ log axes


def test_log_scale_has_room_below_the_smallest_loss_and_round_ticks() -> None:
    curves = [[25.0, 9.0, 1.2e-17], [25.0, 0.0], [25.0, 4.7e9]]
    s = paths.log_scale(curves)
    assert s.floor <= 1.2e-17 / 10  # at least one decade below
    assert 10.0**s.high_exp >= 4.7e9
    assert len(s.ticks) <= 8 and s.ticks[0] == s.low_exp and s.ticks[-1] == s.high_exp
    assert all(k % s.step == 0 for k in s.ticks)
    assert (s.low_exp, s.high_exp, s.step) == (-20, 10, 5)
    with pytest.raises(ValueError):
        paths.log_scale([[0.0, 0.0]])
    with pytest.raises(ValueError):
        paths.log_scale([[-1.0, 2.0]])


def test_log_curve_puts_exact_zeros_on_the_floor_only() -> None:
    c = paths.log_curve([25.0, 1e-17, 0.0, 0.0], floor=1e-20)
    assert c.values.tolist() == [25.0, 1e-17, 1e-20, 1e-20]
    assert c.first_zero == 2
    np.testing.assert_allclose(c.exponents, [math.log10(25), -17, -20, -20])
    assert paths.log_curve([3.0, 2.0], 1e-3).first_zero is None
    with pytest.raises(ValueError, match="floor"):
        paths.log_curve([25.0, 1e-30], floor=1e-20)  # would hide a real value


# ------------------------------------------------------------------ learning rates


def test_stability_probe_on_the_bowl_follows_the_closed_form() -> None:
    p = paths.stability_probe(bowl(), [4.0, 3.0], factor=1.05, steps=60)
    # Hessian 2I: L = 2, 2/L = 1; x_t = (1 - 2η)^t x0, so f_t = (1 - 2η)^{2t} f_0.
    assert p.bound == 1.0 and p.lr == 1.05
    t = np.arange(61)
    np.testing.assert_allclose(
        p.trajectory.losses, 25.0 * (1 - 2 * 1.05) ** (2 * t), rtol=1e-12
    )
    assert p.growth == pytest.approx((1 - 2 * 1.05) ** 2, rel=1e-12)
    assert (
        paths.stability_probe(bowl(), [4.0, 3.0], 0.5, 10).trajectory.status == "converged"
    )
    with pytest.raises(ValueError, match="factor"):
        paths.stability_probe(bowl(), [4.0, 3.0], 0.0, 10)


def test_fastest_converged_picks_the_fewest_steps() -> None:
    runs = [run(quartic(), [4.0], gd(lr), 100) for lr in (0.001, 0.01, 0.05, 0.1)]
    assert paths.fastest_converged(runs) == 2
    assert paths.fastest_converged(runs[:1]) is None  # 0.001 does not converge in 100
    assert paths.fastest_converged([]) is None
