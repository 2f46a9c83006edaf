"""Choosing what to draw: checked against brute-force re-derivations and the milestone run.

The references here are loops written from the definitions (first point at or
beyond each distance, arc fractions step by step, point-to-segment distances),
not calls back into the module. The milestone tests pin the two claims the scenes
rely on: the drawn path is within a fraction of a pixel of the true one at any
quality, and the head never jumps far between frames.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathcore.functions import rosenbrock
from mathcore.optimize import gd, run
from mathcore.sampling import (
    PathSample,
    arc_lengths,
    at_step,
    even_arc_indices,
    log_decades,
    loss_curve,
    sample_path,
    scientific,
    tail_inside,
    timeline,
    zoom_box,
)

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
def test_log_decades_bracket_the_values_in_whole_ticks(values: list, every: int) -> None:
    low, high = log_decades(values, every)
    assert 10.0**low <= min(values) * (1 + 1e-12)
    assert 10.0**high >= max(values) * (1 - 1e-12)
    assert (high - low) % every == 0 and high > low
    assert 10.0 ** (high - 1) < max(values) or high == low + every  # tight at the top


def test_log_decades_of_the_milestone_losses() -> None:
    assert log_decades(MILESTONE.losses) == (-5, 1)  # 5.66e-5 to 4.0


@given(st.floats(-1e300, 1e300).filter(lambda v: v == 0 or abs(v) > 1e-300))
def test_scientific_round_trips(value: float) -> None:
    mantissa, exponent = scientific(value, 2)
    if value == 0:
        assert (mantissa, exponent) == (0.0, 0)
        return
    assert 1 <= abs(mantissa) < 10
    assert math.copysign(1, mantissa) == math.copysign(1, value)
    # Rounding to 2 decimals moves the mantissa by at most 0.005.
    assert abs(mantissa - value / 10.0**exponent) <= 0.005 + 1e-9


def test_scientific_carries_rounding_into_the_exponent() -> None:
    assert scientific(9.996) == (1.0, 1)
    assert scientific(5.66156941e-05) == (5.66, -5)
    with pytest.raises(ValueError):
        scientific(float("inf"))


def test_at_step_holds_the_last_value() -> None:
    assert [at_step([3.0, 2.0, 1.0], t) for t in (-1, 0, 2, 99)] == [3.0, 3.0, 1.0, 1.0]


def test_zoom_box_is_a_padded_square_around_the_points() -> None:
    (x0, x1), (y0, y1) = zoom_box([[0.9925, 0.985], [1.0, 1.0]], margin=0.5)
    assert x1 - x0 == pytest.approx(y1 - y0) == pytest.approx(0.03)
    for x, y in ([0.9925, 0.985], [1.0, 1.0]):
        assert x0 + 0.007 < x < x1 - 0.007 and y0 + 0.007 < y < y1 - 0.007
    (a, b), _ = zoom_box([[1.0, 1.0], [1.0, 1.0]])
    assert b > a


def test_tail_inside_cuts_the_path_at_the_box_edge() -> None:
    box = zoom_box([MILESTONE.points[-1], [1.0, 1.0]], margin=0.5)
    tail = tail_inside(MILESTONE.points, box)
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
    with pytest.raises(ValueError, match="ends outside"):
        tail_inside(MILESTONE.points, ((5.0, 6.0), (5.0, 6.0)))
