"""mathcore.runs against references written here: SymPy, closed forms, brute-force
re-derivations from the definitions (first point at or beyond each distance, arc
fractions step by step, point-to-segment distances) and the milestone run.

The milestone tests pin the two claims the scenes rely on: the drawn path is within
a fraction of a pixel of the true one at any quality, and the head never jumps far
between frames.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathcore import clipping, logaxis, runs, windows
from mathcore.clipping import clip_polyline
from mathcore.functions import bowl, quartic, rosenbrock
from mathcore.logaxis import log_scale, loss_curve
from mathcore.optimize import run
from mathcore.optimizers import gd
from mathcore.runs import (
    PathSample,
    arc_lengths,
    at_step,
    even_arc_indices,
    sample_path,
    timeline,
)
from mathcore.windows import zoom_box

X = sp.Symbol("x", real=True)


# ------------------------------------------------------------------ cursor


def test_cursor_interpolates_between_iterates_and_clamps() -> None:
    pts = np.array([[4.0, 3.0], [2.4, 1.8], [1.44, 1.08], [0.864, 0.648]])
    for s in np.linspace(-1, 4, 41):
        c = runs.cursor(pts, s)
        k = min(max(math.floor(s), 0), 3)
        frac = min(max(s, 0.0), 3.0) - k
        expected = pts[k] if k == 3 else (1 - frac) * pts[k] + frac * pts[k + 1]
        np.testing.assert_allclose(c.point, expected, rtol=0, atol=1e-15)
        assert c.step == k
        assert len(c.vertices) >= 2
        np.testing.assert_array_equal(c.vertices[: k + 1], pts[: k + 1])
        np.testing.assert_allclose(c.vertices[-1], expected, atol=1e-15)
    assert runs.cursor(pts, 0).vertices.tolist() == [[4.0, 3.0], [4.0, 3.0]]
    with pytest.raises(ValueError, match="points"):
        runs.cursor([1.0, 2.0], 0.5)


def test_graph_points_put_a_1d_run_on_its_curve() -> None:
    t = run(quartic(), [4.0], gd(0.01), steps=5)
    gp = runs.graph_points(t)
    xs = gp[:, 0]
    np.testing.assert_array_equal(xs, t.points[:, 0])
    np.testing.assert_allclose(gp[:, 1], xs**4 - 3 * xs**3 + 2, rtol=1e-15)
    with pytest.raises(ValueError, match="1-D"):
        runs.graph_points(run(bowl(), [1.0, 1.0], gd(0.1), steps=2))


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
        pieces = clipping.clip_polyline(v, box)
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
    pieces = clipping.clip_polyline(np.column_stack([xs, xs**2]), ((-3, 3), (0, 4)))
    assert len(pieces) == 1  # the parabola leaves only through the top, at ±2
    assert pieces[0][0].tolist() == pytest.approx([-2.0, 4.0], abs=1e-3)
    assert pieces[0][-1].tolist() == pytest.approx([2.0, 4.0], abs=1e-3)
    w = np.column_stack([xs, np.cos(3 * xs)])
    dense = np.cos(3 * np.linspace(-3, 3, 100_001)) > 0
    arcs = int(dense[0]) + int(np.count_nonzero(dense[1:] & ~dense[:-1]))
    assert arcs == 3
    assert len(clipping.clip_polyline(w, ((-3, 3), (0, 2)))) == arcs


def test_windowed_cuts_the_diverging_quartic_run_at_the_top_edge() -> None:
    t = run(quartic(), [4.0], gd(0.1), steps=100)
    box = ((-2.0, 4.5), (-20.0, 80.0))
    w = clipping.windowed(runs.graph_points(t), box)
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
    stays = clipping.windowed([[0.0, 0.0], [1.0, 1.0]], box)
    assert not stays.exited and stays.exit_point is None
    with pytest.raises(ValueError, match="start inside"):
        clipping.windowed([[9.0, 0.0], [0.0, 0.0]], box)


# ------------------------------------------------------------------ log axes


def test_log_scale_has_room_below_the_smallest_loss_and_round_ticks() -> None:
    curves = [[25.0, 9.0, 1.2e-17], [25.0, 0.0], [25.0, 4.7e9]]
    s = logaxis.log_scale(curves)
    assert s.floor <= 1.2e-17 / 10  # at least one decade below
    assert 10.0**s.high_exp >= 4.7e9
    assert len(s.ticks) <= 8 and s.ticks[0] == s.low_exp and s.ticks[-1] == s.high_exp
    assert all(k % s.step == 0 for k in s.ticks)
    assert (s.low_exp, s.high_exp, s.step) == (-20, 10, 5)
    with pytest.raises(ValueError):
        logaxis.log_scale([[0.0, 0.0]])
    with pytest.raises(ValueError):
        logaxis.log_scale([[-1.0, 2.0]])


def test_log_curve_puts_exact_zeros_on_the_floor_only() -> None:
    c = logaxis.log_curve([25.0, 1e-17, 0.0, 0.0], floor=1e-20)
    assert c.values.tolist() == [25.0, 1e-17, 1e-20, 1e-20]
    assert c.first_zero == 2
    np.testing.assert_allclose(c.exponents, [math.log10(25), -17, -20, -20])
    assert logaxis.log_curve([3.0, 2.0], 1e-3).first_zero is None
    with pytest.raises(ValueError, match="floor"):
        logaxis.log_curve([25.0, 1e-30], floor=1e-20)  # would hide a real value


# The milestone's run, shared by the tests that use it (0.3 s).
MILESTONE = run(rosenbrock(), [-1.0, 1.0], gd(0.001), steps=10_000)

coords = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
paths = st.lists(st.tuples(coords, coords), min_size=2, max_size=60).map(np.array)


def segment_distances(points: np.ndarray, polyline: np.ndarray) -> np.ndarray:
    """Distance from each point to the nearest segment of ``polyline`` (brute force)."""
    a, b, p = polyline[:-1][None], polyline[1:][None], points[:, None]
    ab = b - a
    t = np.clip(((p - a) * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-300), 0, 1)
    return np.linalg.norm(p - (a + t[..., None] * ab), axis=-1).min(axis=1)


def test_arc_lengths_sum_the_segments() -> None:
    pts = np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 4.0], [0.0, 0.0]])
    total, expected = 0.0, [0.0]
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        total += math.hypot(x1 - x0, y1 - y0)
        expected.append(total)
    assert arc_lengths(pts).tolist() == expected == [0.0, 5.0, 5.0, 10.0]


@settings(max_examples=60, deadline=None)
@given(paths, st.integers(2, 40))
def test_even_arc_indices_are_the_first_points_past_each_distance(
    pts: np.ndarray, n: int
) -> None:
    s = arc_lengths(pts)
    expected = {0, len(pts) - 1}
    for k in range(n):
        target = s[-1] * k / (n - 1)
        hits = [i for i, v in enumerate(s) if v >= target]
        # linspace's last target can round a hair above s[-1]: then it is the end.
        expected.add(hits[0] if hits else len(pts) - 1)
    got = even_arc_indices(pts, n)
    assert got.tolist() == sorted(expected)


def test_sample_path_keeps_arc_and_step_points() -> None:
    s = sample_path(MILESTONE.points, n_arc=600, n_uniform=100)
    uniform = {round(v) for v in np.linspace(0, 10_000, 100)}
    arc = set(even_arc_indices(MILESTONE.points, 600).tolist())
    assert set(s.indices.tolist()) == uniform | arc
    assert np.all(np.diff(s.indices) > 0)
    # A few hundred points stand for 10,001: the budget the scenes draw per frame.
    assert 300 <= len(s.indices) <= 700


@settings(max_examples=40, deadline=None)
@given(paths, st.integers(-3, 80))
def test_corners_are_the_kept_points_before_a_step_then_its_point(
    pts: np.ndarray, step: int
) -> None:
    indices = np.unique(np.r_[0, len(pts) - 1, np.arange(0, len(pts), 3)])
    s = PathSample(points=pts, indices=indices)
    t = min(max(step, 0), len(pts) - 1)
    before = [i for i in indices if i < t] or [0]
    corners = s.corners(step)
    assert corners.tolist() == pts[[*before, t]].tolist()
    assert s.point(step).tolist() == pts[t].tolist()


def test_the_drawn_milestone_path_is_within_a_pixel_of_the_true_one_at_4k() -> None:
    s = sample_path(MILESTONE.points, n_arc=600, n_uniform=100)
    for t in (40, 2_500, 10_000):
        error = segment_distances(MILESTONE.points[: t + 1], s.corners(t)).max()
        # The scenes draw the 4-unit domain on 6.3 of 14.2 frame units: at 3840 px
        # wide, one data unit is 426 px, so 0.002 is under one pixel.
        assert error < 0.002
    assert s.corners(10_000)[-1].tolist() == MILESTONE.points[-1].tolist()


def test_timeline_matches_its_formula_step_by_step() -> None:
    a = np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 1.0]])  # stops after 2 steps
    b = np.array([[0.0, 0.0], [0.0, 1.0], [0.0, 2.0], [0.0, 3.0], [0.0, 7.0]])
    w, steps = 0.3, 4
    expected = []
    for t in range(steps + 1):
        fa = [0.0, 2.0, 3.0][min(t, 2)] / 3.0
        fb = [0.0, 1.0, 2.0, 3.0, 7.0][t] / 7.0
        expected.append(w * (fa + fb) / 2 + (1 - w) * t / steps)
    got = timeline([a, b], steps, arc_weight=w).progress
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15)
    assert got[0] == 0.0 and got[-1] == 1.0


def test_step_at_inverts_progress_and_reaches_both_ends() -> None:
    tl = timeline([MILESTONE.points], 10_000)
    assert np.all(np.diff(tl.progress) > 0)
    assert tl.step_at(0.0) == 0 and tl.step_at(1.0) == 10_000 and tl.step_at(2.0) == 10_000
    for t in (1, 17, 999, 5_000, 9_999):
        assert tl.step_at(tl.progress[t]) == t
        assert tl.step_at(tl.progress[t] + 1e-12) == t + 1
    frames = [tl.step_at(k / 500) for k in range(501)]
    assert frames == sorted(frames)


def test_milestone_head_moves_smoothly_where_steps_at_a_constant_rate_would_jump() -> None:
    pts, frames = MILESTONE.points, 12 * 15  # 12 s of the descent at -ql
    total = arc_lengths(pts)[-1]
    longest_step = float(np.diff(arc_lengths(pts)).max())

    def largest_jump(arc_weight: float) -> float:
        tl = timeline([pts], 10_000, arc_weight)
        heads = pts[[tl.step_at(k / frames) for k in range(frames + 1)]]
        return float(np.linalg.norm(np.diff(heads, axis=0), axis=1).max())

    # With weight w, a frame advances at most 1/(frames·w) of the path (+ one step).
    assert largest_jump(0.5) <= total / (frames * 0.5) + longest_step
    # Steps at a constant rate would race through the first steps, which hold most
    # of the motion: a jump several times larger.
    assert largest_jump(0.0) > 3 * largest_jump(0.5)


def test_timeline_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="arc_weight"):
        timeline([MILESTONE.points], 10, arc_weight=1.0)
    with pytest.raises(ValueError, match="steps"):
        timeline([MILESTONE.points], 0)
    with pytest.raises(ValueError, match="paths"):
        timeline([], 10)


def test_loss_curve_keeps_true_losses_at_its_points() -> None:
    losses = MILESTONE.losses
    curve = loss_curve(losses, n=300)
    idx = curve.indices
    assert idx[0] == 0 and idx[-1] == len(losses) - 1
    assert curve.points[idx, 0].tolist() == idx.tolist()
    assert curve.points[idx, 1].tolist() == losses[idx].tolist()
    # Evenly spread along the plotted curve: the steep start is not skipped.
    assert np.count_nonzero(idx < 1_500) >= 30
    assert 100 <= len(idx) <= 300


def test_loss_curve_floors_zero_losses_for_a_log_axis() -> None:
    curve = loss_curve([4.0, 1.0, 0.0, 0.0], n=4, floor=1e-20)
    assert curve.points[:, 1].tolist() == [4.0, 1.0, 1e-20, 1e-20]


@given(
    st.lists(st.floats(1e-300, 1e300), min_size=1, max_size=20),
    st.integers(1, 4),
)
def test_log_scale_with_a_step_brackets_the_values_in_whole_ticks(
    values: list, every: int
) -> None:
    s = log_scale([values], margin=0, step=every)
    low, high = s.low_exp, s.high_exp
    assert 10.0**low <= min(values) * (1 + 1e-12)
    assert 10.0**high >= max(values) * (1 - 1e-12)
    assert (high - low) % every == 0 and high > low
    assert 10.0 ** (high - 1) < max(values) or high == low + every  # tight at the top


def test_log_scale_of_the_milestone_losses() -> None:
    s = log_scale([MILESTONE.losses], margin=0, step=1)
    assert (s.low_exp, s.high_exp) == (-5, 1)  # 5.66e-5 to 4.0


def test_at_step_holds_the_last_value() -> None:
    assert [at_step([3.0, 2.0, 1.0], t) for t in (-1, 0, 2, 99)] == [3.0, 3.0, 1.0, 1.0]


def test_zoom_box_is_a_padded_square_around_the_points() -> None:
    (x0, x1), (y0, y1) = zoom_box([[0.9925, 0.985], [1.0, 1.0]], margin=0.5)
    assert x1 - x0 == pytest.approx(y1 - y0) == pytest.approx(0.03)
    for x, y in ([0.9925, 0.985], [1.0, 1.0]):
        assert x0 + 0.007 < x < x1 - 0.007 and y0 + 0.007 < y < y1 - 0.007
    (a, b), _ = zoom_box([[1.0, 1.0], [1.0, 1.0]])
    assert b > a


def test_the_last_clipped_piece_is_the_tail_cut_at_the_box_edge() -> None:
    box = zoom_box([MILESTONE.points[-1], [1.0, 1.0]], margin=0.5)
    tail = clip_polyline(MILESTONE.points, box)[-1]
    (x0, x1), (y0, y1) = box
    head, rest = tail[0], tail[1:]
    # The first point is on the box's edge, on the segment that enters it.
    on_edge = min(
        abs(head[0] - x0), abs(head[0] - x1), abs(head[1] - y0), abs(head[1] - y1)
    )
    assert on_edge < 1e-12
    k = len(MILESTONE.points) - len(rest) - 1
    a, b = MILESTONE.points[k], MILESTONE.points[k + 1]
    assert segment_distances(head[None], np.array([a, b]))[0] < 1e-12
    assert np.all((rest[:, 0] >= x0) & (rest[:, 0] <= x1))
    assert np.all((rest[:, 1] >= y0) & (rest[:, 1] <= y1))
    assert rest.tolist() == MILESTONE.points[k + 1 :].tolist()
    assert clip_polyline(MILESTONE.points, ((5.0, 6.0), (5.0, 6.0))) == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(coords, coords), max_size=6),
    st.lists(st.tuples(coords, coords), max_size=40),
)
def test_clear_corner_covers_the_fewest_points_to_avoid_then_the_fewest_others(
    avoid: list, points: list
) -> None:
    window, side, gap = ((-10.0, 10.0), (-10.0, 10.0)), 6.0, 0.5

    def count(rows: list, corner: str) -> int:
        # Written from the definition: the square side × side, gap in from the corner.
        left = -10.0 + gap if "left" in corner else 10.0 - gap - side
        low = 10.0 - gap - side if "upper" in corner else -10.0 + gap
        return sum(left <= x <= left + side and low <= y <= low + side for x, y in rows)

    chosen = windows.clear_corner(window, side, gap, avoid, points)
    best = min((count(avoid, c), count(points, c)) for c in windows.CORNERS)
    assert (count(avoid, chosen), count(points, chosen)) == best


def test_the_milestones_inset_stays_in_the_upper_left_and_clears_himmelblaus_minima() -> (
    None
):
    # Rosenbrock from (−1, 1): the upper left of [−2, 2] × [−1, 3] is empty.
    window = ((-2.0, 2.0), (-1.0, 3.0))
    avoid = [[-1.0, 1.0], [1.0, 1.0], MILESTONE.points[-1]]
    assert windows.clear_corner(window, 1.6, 0.08, avoid, MILESTONE.points) == "upper left"
    # Himmelblau's minimum (−2.805, 3.131) sits in the upper left of [−4, 2] × [−2, 4].
    himmelblau = [[3.0, 2.0], [-2.805118, 3.131313], [-3.779310, -3.283186], [-1.0, 1.0]]
    corner = windows.clear_corner(((-4.0, 2.0), (-2.0, 4.0)), 2.4, 0.12, himmelblau)
    box = windows.inset_box(((-4.0, 2.0), (-2.0, 4.0)), 2.4, 0.12, corner)
    assert corner != "upper left"
    assert not any(
        box[0][0] <= x <= box[0][1] and box[1][0] <= y <= box[1][1] for x, y in himmelblau
    )
