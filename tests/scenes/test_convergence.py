"""Part 4, Layer 4: ConvergenceRate renders, shows true numbers, keeps its frames.

Every number in its manifest is checked against references written here: the
closed forms of ½(x² + κy²) (μ = 1, L = κ, x_t = (I − A/L)^t x_0, the gap and its
bound), the notebook's own ``gradient_descent`` loop (``tests/notebook.py``) with
the gradient A x written by hand, and y_t = 3 (1 − ηL)^t for the closing runs.
"""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import numpy as np
import pytest

from lesson import params
from scenes.convergence import ConvergenceRate
from scenes.convergence_plan import (
    ConvergenceRateParams,
    closing_caption,
    plan,
    runs_caption,
    verdict_caption,
)
from tests import notebook
from tests.scenes.checks import (
    assert_captions,
    assert_goldens,
    assert_video,
    golden_matches,
    read_manifest,
)

SCENES = [ConvergenceRate]
KAPPAS = (1.0, 10.0, 100.0)
X0 = np.array([4.0, 3.0])


def notebook_run(A: np.ndarray, lr: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(all="ignore"):
        _, history = notebook.gradient_descent(
            lambda x: 0.5 * x @ A @ x, lambda x: A @ x, X0.copy(), lr, steps, 1e-8
        )
    return np.array([h[0] for h in history]), np.array([h[1] for h in history])


def test_renders_at_480p15_with_captions(rendered: dict[str, Path]) -> None:
    assert_video(rendered["ConvergenceRate"], 15, 50)  # 40 s, and time to read its captions
    assert_captions(rendered["ConvergenceRate"], read_manifest(rendered["ConvergenceRate"]))


@pytest.mark.parametrize("i", range(3))
def test_mu_l_and_the_run_at_one_over_l(rendered: dict[str, Path], i: int) -> None:
    m = read_manifest(rendered["ConvergenceRate"])
    assert m["params"]["x0"] == [4.0, 3.0] and m["params"]["steps"] == 50
    kappa = KAPPAS[i]
    A = np.diag([1.0, kappa])
    shown = m["values"][f"runs[{i}]"]
    assert (shown["mu"], shown["L"], shown["kappa"], shown["lr"]) == (
        1.0,
        kappa,
        kappa,
        1 / kappa,
    )
    assert shown["quadratic"] and shown["f_star"] == 0.0 and shown["minimum"] == [0, 0]
    points, losses = notebook_run(A, 1 / kappa, 50)
    np.testing.assert_allclose(shown["points"], points, rtol=1e-14, atol=0)
    np.testing.assert_allclose(shown["gaps"], losses, rtol=1e-13, atol=0)
    M = np.eye(2) - A / kappa
    closed = [np.linalg.matrix_power(M, t) @ X0 for t in range(len(points))]
    np.testing.assert_allclose(shown["points"], closed, rtol=1e-12, atol=0)
    t = np.arange(len(points))
    bound = (1 - 1 / kappa) ** t * (0.5 * X0 @ A @ X0)
    np.testing.assert_allclose(shown["bound"], bound, rtol=1e-13)
    # The theorem, at every step: the measured gap never crosses its bound.
    assert np.all(np.array(shown["gaps"]) <= bound)
    assert shown["holds"] and shown["left_at"] is None


def test_kappa_one_is_solved_in_one_step_and_the_others_crawl(rendered) -> None:
    values = read_manifest(rendered["ConvergenceRate"])["values"]
    assert values["runs[0]"]["points"] == [[4.0, 3.0], [0.0, 0.0]]
    assert values["runs[0]"]["status"] == "converged"
    for i in (1, 2):  # the steep y is 0 after one step (1 − ηL = 0), x crawls
        points = np.array(values[f"runs[{i}]"]["points"])
        assert np.all(points[1:, 1] == 0.0)
        np.testing.assert_allclose(
            points[1:, 0], 4 * (1 - 1 / KAPPAS[i]) ** np.arange(1, 51), rtol=1e-12
        )


def test_closing_runs_zig_zag_and_diverge(rendered) -> None:
    m = read_manifest(rendered["ConvergenceRate"])
    assert m["params"]["closing_factors"] == [1.9, 2.05]
    near, past = m["values"]["closing[0]"], m["values"]["closing[1]"]
    assert (near["factor"], past["factor"]) == (1.9, 2.05)
    assert (near["lr"], past["lr"]) == (1.9 / 100, 2.05 / 100)
    t = np.arange(51)
    for run, factor in ((near, 1.9), (past, 2.05)):
        points, _ = notebook_run(np.diag([1.0, 100.0]), factor / 100, 50)
        np.testing.assert_allclose(run["points"], points, rtol=1e-14, atol=0)
        np.testing.assert_allclose(
            run["points"],
            np.column_stack([4 * (1 - factor / 100) ** t, 3 * (1 - factor) ** t]),
            rtol=1e-12,
        )
    assert near["shown"] == "stopped" and near["contraction"] == pytest.approx(0.981)
    assert near["gaps"][-1] < near["gaps"][0]
    # |y_t| = 3·1.05^t first passes 5 at t = 11.
    assert past["shown"] == "diverged" and past["step"] == 11 == past["left_at"]
    assert past["contraction"] == pytest.approx(1.05)
    # In words, from the runs: the one below 2/L turns back at every step.
    assert near["zigzags"] and near["settling"] and not past["settling"]
    assert near["fate"] == "zig-zags across the valley yet converges"
    assert past["fate"] == "diverges, leaving at step 11"
    for i in range(3):  # at η = 1/L no step turns back
        assert not m["values"][f"runs[{i}]"]["zigzags"]


def test_captions_say_what_the_picture_shows(rendered) -> None:
    steps = read_manifest(rendered["ConvergenceRate"])["steps"]
    captions = [s["caption"] for s in steps]
    assert "1, 10, 100" in captions[0]
    assert "no path zig-zags" in captions[1] and "0.99 for κ = 100" in captions[1]
    assert "κ = 1 lands on the minimum at once" in captions[1]
    assert "never rises above" in captions[2]
    assert "zig-zags" in captions[3] and "leaving at step 11" in captions[3]
    assert "supports the bound 2/L" in captions[4]


def test_a_non_quadratic_is_checked_and_said() -> None:
    p = dataclasses.replace(
        ConvergenceRateParams(),
        functions=("x^2 + y^2 + x^4/10", "(x^2 + 10*y^2)/2", "(x^2 + 100*y^2)/2"),
    )
    r = plan(p).runs[0]
    # H = diag(2 + 1.2 x², 2) over [−5, 5]²: μ = 2, L = 32.
    assert (r.curvature.mu, r.curvature.L, r.curvature.quadratic) == (2.0, 32.0, False)
    assert r.holds and r.left_at is None
    assert "strongly convex" in runs_caption(plan(p), p)


def test_past_two_over_l_of_the_window_a_run_may_still_converge() -> None:
    # f curves about 100 near the path but 129.5 at a corner of the window: L is the
    # most over the window, so 2.05/L stays below 2/(the curvature along the path).
    p = dataclasses.replace(
        ConvergenceRateParams(),
        functions=("x^2 + y^2", "x^2 + 5*y^2", "(x^2 + 100*y^2)/2 + (x + y)^4/50"),
        x0=(-3.0, 4.0),
    )
    c = plan(p)
    # The most at the corner x + y = 10: H = [[1 + 24, 24], [24, 100 + 24]].
    assert c.closing[1].curvature.L == pytest.approx(74.5 + np.hypot(49.5, 24), rel=1e-12)
    assert c.verdicts[1].status != "diverged" and c.closing[1].settling
    caption = verdict_caption(c)
    assert "nothing is promised. This run still converges" in caption


def test_a_run_far_past_two_over_l_is_said_to_leave_not_to_overflow() -> None:
    # η = 10/L: y_t = 3·(−9)^t leaves the window at step 1; it overflows much later.
    p = dataclasses.replace(
        ConvergenceRateParams(), closing_factors=(1.9, 10.0), steps=1000
    )
    c = plan(p)
    assert c.closing[1].left_at == 1 and c.closing[1].trajectory.diverged_at > 100
    said = closing_caption(c)
    assert "at η = 10/L the run diverges, leaving at step 1." in said


# ------------------------------------------------------------ golden frames


def test_scene_matches_its_golden_frames(update_goldens: bool) -> None:
    assert_goldens(ConvergenceRate, update_goldens)


def test_golden_check_fails_for_other_closing_steps() -> None:
    p = dataclasses.replace(ConvergenceRateParams(), closing_factors=(1.5, 2.2))
    assert golden_matches(ConvergenceRate, p) == [True, True, True, False, False]


# ------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("change", "key", "why"),
    [
        ({"functions": ("x^2 - y^2", "x^2", "y^2")}, "functions", "not strongly convex"),
        ({"functions": ("x^4 + y^2", "x^2 + y^2", "x^2 + 2*y^2")}, "functions", "is 0"),
        ({"functions": ("1/x + y^2", "x^2 + y^2", "x^2 + 2*y^2")}, "functions", "finite"),
        (
            {"functions": ("x^^2", "x^2 + y^2", "x^2 + 2*y^2")},
            "functions",
            r"functions\[0\]",
        ),
        ({"window": ((-2.0, 2.0), (-2.0, 2.0))}, "x0", "outside the window"),
        ({"x0": (0.0, 0.0)}, "x0", "the minimum of every function"),
        (  # the first step jumps to the shallow axis, (1, −1), at y ≈ −2.4
            {
                "functions": ("x^2 + 1.8*x*y + y^2", "x^2 + y^2", "x^2 + 2*y^2"),
                "x0": (4.9, 0.0),
                "window": ((-5.0, 5.0), (-1.0, 1.0)),
            },
            "window",
            "leaves the window at step 1",
        ),
    ],
)
def test_refusals_are_one_line(change: dict, key: str, why: str) -> None:
    p = dataclasses.replace(ConvergenceRateParams(), **change)
    with pytest.raises(params.ParamError, match=why) as err:
        p.check()
    assert err.value.key == key and "\n" not in str(err.value)


def test_declared_ranges() -> None:
    hints = typing.get_type_hints(ConvergenceRateParams, include_extras=True)
    with pytest.raises(params.ParamError, match="needs 3 items"):
        params.declared("functions", ("x^2", "y^2"), hints["functions"])
    with pytest.raises(params.ParamError, match="more than 0"):
        params.declared("closing_factors", (1.9, 0.0), hints["closing_factors"])
