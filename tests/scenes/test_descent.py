"""Part 4 and Exercise 2: the descent scenes render, show true numbers, keep their frames.

Every number in a manifest is checked against references written here: the
notebook's own ``gradient_descent`` loop (``tests/notebook.py``), the bowl's closed
form x_t = (1 − 2η)^t x0, and SymPy's derivative and roots of the quartic.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy as sp
from manim import DL, UR

from scenes import descent, quartic, rates
from tests import notebook
from tests.scenes.checks import (
    assert_captions,
    assert_goldens,
    assert_video,
    golden_matches,
    read_manifest,
)

SCENES = [descent.DescentBowl, rates.LearningRates, quartic.QuarticRates]
X = sp.Symbol("x", real=True)
QUARTIC = X**4 - 3 * X**3 + 2


# ------------------------------------------------------------ references

# Exercise 2's quartic and its derivative, by SymPy.
quartic_f = sp.lambdify(X, QUARTIC, "numpy")
quartic_df = sp.lambdify(X, sp.diff(QUARTIC, X), "numpy")


def quartic_grad(x):
    return np.array([quartic_df(x[0])])


def quartic_value(x):
    return quartic_f(x[0])


def notebook_run(f, grad_f, x0, lr, n_steps, tol=1e-8) -> tuple[np.ndarray, np.ndarray]:
    """Points and losses of the notebook's loop (overflow allowed, as numpy does)."""
    with np.errstate(all="ignore"):
        _, history = notebook.gradient_descent(f, grad_f, np.array(x0), lr, n_steps, tol)
    return np.array([h[0] for h in history]), np.array([h[1] for h in history])


def assert_same_run(shown: dict[str, Any], points: np.ndarray, losses: np.ndarray) -> None:
    np.testing.assert_allclose(shown["points"], points, rtol=1e-14, atol=0)
    np.testing.assert_allclose(shown["losses"], losses, rtol=1e-13, atol=0)
    assert shown["n_steps"] == len(points) - 1


# ------------------------------------------------------------ renders


@pytest.mark.parametrize("name", [cls.__name__ for cls in SCENES])
def test_renders_at_480p15_with_captions(rendered: dict[str, Path], name: str) -> None:
    assert_video(rendered[name], 15, 40)  # 15 to 40 seconds of video
    assert_captions(rendered[name], read_manifest(rendered[name]))


# ------------------------------------------------------------ DescentBowl


def test_descent_bowl_is_the_notebooks_run(rendered: dict[str, Path]) -> None:
    m = read_manifest(rendered["DescentBowl"])
    p, values = m["params"], m["values"]
    assert (p["x0"], p["lr"], p["steps"], p["tol"]) == ([4.0, 3.0], 0.2, 50, 1e-8)
    points, losses = notebook_run(
        notebook.bowl_f, notebook.bowl_grad_f, p["x0"], p["lr"], p["steps"]
    )
    traj = values["trajectory"]
    assert_same_run(traj, points, losses)
    # Closed form on the bowl: x_t = (1 − 2η)^t x0, f = |x_t|².
    t = np.arange(len(points))[:, None]
    np.testing.assert_allclose(traj["points"], 0.6**t * np.array([4.0, 3.0]), rtol=1e-12)
    # The loop stops when ‖∇f‖ = 2·5·0.6^t < 1e-8: first at t = 41 (42 points,
    # the notebook's "42 steps" in its title).
    assert traj["status"] == "converged" and traj["n_steps"] == 41 and len(points) == 42
    assert values["final"]["loss"] == losses[-1] < 1e-16
    assert values["minima"] == [[0.0, 0.0]]


def test_descent_bowl_worked_steps_plug_in_the_right_numbers(rendered) -> None:
    m = read_manifest(rendered["DescentBowl"])
    lr, points = m["params"]["lr"], np.array(m["values"]["trajectory"]["points"])
    shown = [m["values"][f"worked[{t}]"] for t in range(m["params"]["worked_steps"])]
    assert [w["t"] for w in shown] == [0, 1, 2]
    for w in shown:
        x = np.array(w["x"])
        np.testing.assert_array_equal(x, points[w["t"]])
        np.testing.assert_array_equal(w["gradient"], notebook.bowl_grad_f(x))
        assert w["lr"] == lr
        np.testing.assert_allclose(
            w["x_next"], x - lr * notebook.bowl_grad_f(x), rtol=1e-15
        )
    # The first, as a reader would check by hand: (4, 3) − 0.2·(8, 6) = (2.4, 1.8).
    assert shown[0]["gradient"] == [8.0, 6.0]
    np.testing.assert_allclose(shown[0]["x_next"], [2.4, 1.8], rtol=1e-15)


def test_descent_bowl_contours_are_fifteen_even_levels(rendered) -> None:
    levels = read_manifest(rendered["DescentBowl"])["values"]["contour.levels"]
    # x² + y² on [−5, 5]² ranges over [0, 50]: 15 levels strictly between.
    np.testing.assert_allclose(levels, np.linspace(0, 50, 17)[1:-1], rtol=1e-12)


# ------------------------------------------------------------ LearningRates


def test_learning_rate_panels_are_the_notebooks_runs(rendered) -> None:
    m = read_manifest(rendered["LearningRates"])
    p, values = m["params"], m["values"]
    assert p["panel_rates"] == [0.01, 0.1, 0.5, 0.9] and p["panel_steps"] == 50
    for lr in p["panel_rates"]:
        points, losses = notebook_run(
            notebook.bowl_f, notebook.bowl_grad_f, p["x0"], lr, p["panel_steps"]
        )
        shown = values[f"panels[{lr:g}]"]
        assert_same_run(shown, points, losses)
        t = len(losses) - 1
        assert shown["losses"][-1] == pytest.approx(25 * (1 - 2 * lr) ** (2 * t), rel=1e-9)
    # lr 0.5 lands on the minimum in one step; 0.9 zig-zags to 0.1's loss.
    assert values["panels[0.5]"]["losses"] == [25.0, 0.0]
    assert values["panels[0.5]"]["status"] == "converged"
    assert values["panels[0.01]"]["losses"][-1] == pytest.approx(3.3155, abs=5e-5)
    assert values["panels[0.9]"]["losses"][-1] == pytest.approx(
        values["panels[0.1]"]["losses"][-1], rel=1e-9
    )


def test_loss_curves_and_their_log_axis(rendered) -> None:
    m = read_manifest(rendered["LearningRates"])
    p, values = m["params"], m["values"]
    assert p["curve_rates"] == [0.01, 0.1, 0.3, 0.5] and p["curve_steps"] == 100
    positive = []
    for lr in p["curve_rates"]:
        points, losses = notebook_run(
            notebook.bowl_f, notebook.bowl_grad_f, p["x0"], lr, p["curve_steps"]
        )
        shown = values[f"curves[{lr:g}]"]
        assert_same_run(shown, points, losses)
        zeros = np.flatnonzero(losses == 0)
        assert shown["first_zero"] == (int(zeros[0]) if zeros.size else None)
        positive += [v for v in losses if v > 0]
    assert values["curves[0.5]"]["first_zero"] == 1
    axis = values["log_axis"]
    # The floor (where 0 is drawn) is below every positive loss, by a decade at least.
    assert axis["floor"] == 10.0 ** axis["low_exp"] <= min(positive) / 10
    assert 10.0 ** axis["high_exp"] >= max(values["stability"]["losses"])


def test_stability_bound_and_the_run_past_it(rendered) -> None:
    m = read_manifest(rendered["LearningRates"])
    p, s = m["params"], m["values"]["stability"]
    hessian = sp.hessian(sp.Symbol("x") ** 2 + sp.Symbol("y") ** 2, sp.symbols("x y"))
    L = max(hessian.eigenvals())
    assert s["bound"] == float(2 / L) == 1.0
    assert s["lr"] == pytest.approx(p["past_bound"] * float(2 / L), rel=1e-15)
    points, losses = notebook_run(
        notebook.bowl_f, notebook.bowl_grad_f, p["x0"], s["lr"], p["curve_steps"]
    )
    assert_same_run(s, points, losses)
    t = np.arange(len(losses))
    np.testing.assert_allclose(s["losses"], 25 * (1 - 2 * s["lr"]) ** (2 * t), rtol=1e-12)
    assert s["growth"] == pytest.approx((1 - 2 * s["lr"]) ** 2, rel=1e-12)
    assert s["status"] == "max_steps" and np.all(np.diff(s["losses"]) > 0)


# ------------------------------------------------------------ QuarticRates


def test_quartic_runs_are_the_notebook_loop_with_sympys_derivative(rendered) -> None:
    m = read_manifest(rendered["QuarticRates"])
    p, values = m["params"], m["values"]
    assert p["rates"] == [0.001, 0.01, 0.05, 0.1] and p["x0"] == 4.0
    expected = {}
    for lr in p["rates"]:
        points, losses = notebook_run(
            quartic_value, quartic_grad, [p["x0"]], lr, p["steps"]
        )
        shown = values[f"runs[{lr:g}]"]
        finite = np.isfinite(losses) & np.isfinite(points[:, 0])
        if finite.all():
            assert_same_run(shown, points, losses)
            assert shown["diverged_at"] is None
        else:
            # The notebook's loop runs on into inf/nan; the first non-finite step is
            # where the scene says the run diverged, and what it shows is before it.
            first_bad = int(np.argmin(finite))
            assert shown["status"] == "diverged"
            assert shown["diverged_at"] == first_bad
            assert_same_run(shown, points[:first_bad], losses[:first_bad])
        expected[lr] = (len(points) - 1, shown["status"])
    assert expected == {
        0.001: (100, "max_steps"),
        0.01: (92, "converged"),
        0.05: (17, "converged"),
        0.1: (100, "diverged"),  # the notebook's loop does not stop; mathcore does
    }
    assert values["runs[0.1]"]["diverged_at"] == 6
    assert values["runs[0.1]"]["points"][1] == [pytest.approx(-7.2, rel=1e-15)]
    assert values["fastest"] == 0.05


def test_quartic_landmarks_are_sympys_stationary_points(rendered) -> None:
    landmarks = read_manifest(rendered["QuarticRates"])["values"]["landmarks"]
    roots = sorted(float(r) for r in sp.solveset(sp.diff(QUARTIC, X), X, sp.Reals))
    assert roots == [0.0, 2.25]
    assert [lm["x"] for lm in landmarks] == pytest.approx(roots, abs=1e-12)
    # f'' > 0 at 9/4: a minimum; at 0, f'' = 0 and f''' ≠ 0: an inflection, flat.
    second, third = sp.diff(QUARTIC, X, 2), sp.diff(QUARTIC, X, 3)
    assert second.subs(X, sp.Rational(9, 4)) > 0
    assert second.subs(X, 0) == 0 and third.subs(X, 0) != 0
    assert [lm["kind"] for lm in landmarks] == ["flat", "minimum"]
    assert landmarks[1]["value"] == pytest.approx(float(QUARTIC.subs(X, sp.Rational(9, 4))))


def test_the_diverging_ball_leaves_through_the_top_edge(rendered) -> None:
    m = read_manifest(rendered["QuarticRates"])
    (_, _), (_, top) = m["values"]["window"]  # the window the scene framed
    exit_ = m["values"]["exit[0.1]"]
    assert exit_["segment"] == 0
    # On the chord from (4, f(4)) to (−7.2, f(−7.2)), where it reaches the top.
    a = np.array([4.0, float(QUARTIC.subs(X, 4))])
    b = np.array([-7.2, quartic_f(-7.2)])
    u = (top - a[1]) / (b[1] - a[1])
    np.testing.assert_allclose(exit_["point"], a + u * (b - a), rtol=1e-12)


# ------------------------------------------------------------ golden frames


@pytest.mark.parametrize("scene_cls", SCENES, ids=lambda c: c.__name__)
def test_golden_frames(scene_cls: type, update_goldens: bool) -> None:
    assert_goldens(scene_cls, update_goldens)


def test_golden_check_fails_for_a_longer_gradient_arrow() -> None:
    params = dataclasses.replace(descent.DescentBowlParams(), gradient_arrow_length=1.6)
    # Only the steps that draw ∇f change.
    matches = golden_matches(descent.DescentBowl, params)
    assert matches == [True, False, False, False, True, True]


def test_golden_check_fails_for_a_run_further_past_the_bound() -> None:
    params = dataclasses.replace(rates.LearningRatesParams(), past_bound=1.03)
    assert golden_matches(rates.LearningRates, params) == [True, True, False]


def test_golden_frames_on_himmelblau(update_goldens: bool) -> None:
    # A function the lesson never descends: four minima, every one starred; from
    # (−1, −1) at η = 0.01 the run converges to (−3.779, −3.283) in 26 steps.
    params = descent.DescentBowlParams(function="himmelblau", x0=(-1.0, -1.0), lr=0.01)
    assert_goldens(descent.DescentBowl, update_goldens, params, "DescentBowl-himmelblau")


# A teacher's double well (x⁴ − 3x² + x from 2): the maximum at 0.17 is found
# numerically, and the run at η = 0.2 leaves through the plot's left edge.
DOUBLE_WELL = quartic.QuarticRatesParams(
    function="x**4 - 3*x**2 + x", x0=2.0, rates=(0.01, 0.05, 0.2), steps=50
)


def test_golden_frames_on_a_double_well(update_goldens: bool) -> None:
    assert_goldens(
        quartic.QuarticRates, update_goldens, DOUBLE_WELL, "QuarticRates-double-well"
    )


def landmark_labels(params: quartic.QuarticRatesParams) -> tuple[list, tuple]:
    """Each point where f′ = 0 of the scene with ``params``: (it, its mark, its label),
    as the scene places them, and the plot's box (lower left, upper right)."""
    b = quartic.balls(params)
    axes = quartic.plots.plot_axes(b.window, quartic.PLOT_WIDTH, quartic.PLOT_HEIGHT)
    axes.move_to(quartic.PLOT_CENTRE)
    marks = quartic.QuarticRates._landmark_marks(b.f, axes, b.window, b.landmarks)
    (x_lo, x_hi), (y_lo, y_hi) = b.window
    box = axes.c2p(x_lo, y_lo)[:2], axes.c2p(x_hi, y_hi)[:2]
    return list(zip(b.landmarks, marks[0::2], marks[1::2], strict=True)), box


def test_a_double_wells_labels_stay_inside_its_plot_clear_of_the_ticks() -> None:
    landmarks, (low, high) = landmark_labels(DOUBLE_WELL)
    for _, _, label in landmarks:  # past the ticks (0.1 inside the box) and their labels
        assert np.all(label.get_corner(DL)[:2] >= low + 0.1)
        assert np.all(label.get_corner(UR)[:2] <= high - 0.1)
    (peak,) = [(m, dot, label) for m, dot, label in landmarks if m.kind == "maximum"]
    _, dot, label = peak
    assert label.get_bottom()[1] > dot.get_top()[1]  # above it: the curve is below
    # f' at the rounded x shown is not 0 (SymPy), so the label may not say "= 0".
    assert sp.diff(X**4 - 3 * X**2 + X, X).subs(X, sp.Rational("0.17")) != 0
    assert label.get_tex_string() == r"f'(0.17) \approx 0"


def test_the_notebooks_flat_point_says_f_prime_is_zero() -> None:
    landmarks, _ = landmark_labels(quartic.QuarticRatesParams())
    (flat,) = [label for m, _, label in landmarks if m.kind != "minimum"]
    assert sp.diff(QUARTIC, X).subs(X, 0) == 0  # exactly, at the x shown
    assert flat.get_tex_string() == "f'(0) = 0"


def test_runs_ending_in_different_wells_are_the_fastest_not_the_best() -> None:
    # From −2.2 on x⁴ − 4x² + x/2, η = 0.1 jumps into the right-hand well (f −3.3)
    # and η = 0.02 rolls into the lower left one (f −4.71): neither is simply best.
    p = quartic.QuarticRatesParams(
        function="x**4 - 4*x**2 + 0.5*x", x0=-2.2, rates=(0.02, 0.1), steps=60
    )
    poly = X**4 - 4 * X**2 + X / 2
    f, df = sp.lambdify(X, poly), sp.lambdify(X, sp.diff(poly, X))
    ends = {}
    for lr in p.rates:  # the notebook's loop, stopped where |f'| < tol
        x, steps = p.x0, 0
        while abs(df(x)) >= p.tol:
            x, steps = x - lr * df(x), steps + 1
        ends[lr] = (steps, x, f(x))
    runs = list(quartic.balls(p).runs)
    caption = quartic.best_caption(runs, quartic.fastest_converged(runs))
    (n1, x1, f1), (n2, x2, f2) = ends[0.1], ends[0.02]
    two = lambda v: f"{v:.2f}".rstrip("0")  # noqa: E731  (two decimals, as written)
    assert caption == (
        f"Fastest here: η = 0.1, converged in {n1} steps, to x = {x1:.3f} (f = {two(f1)})."
        f" η = 0.02 takes {n2} steps, to x = {x2:.3f} (f = {two(f2)})."
    )
