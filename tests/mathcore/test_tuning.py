"""Learning-rate search and run outcomes, against single runs and the notebook's code.

- Every row of a search table is re-run alone with ``run`` (and, for GD, with the
  notebook's own ``gradient_descent`` loop, from ``tests/notebook.py``): same loss, status
  and number of steps.
- The chosen row is re-derived from the table by the stated criterion, written
  out here independently; in a search where no run converges it is the argmin of
  the final losses.
- Known cases: on the bowl GD's best lr from a grid holding 0.5 is 0.5, which lands
  exactly on the minimum in one step; equal scores go to the smaller lr.
- The milestone's outcome (final point, loss, distance, history length) equals the
  notebook's loop and SciPy's Rosenbrock.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize

from mathcore import tuning
from mathcore.functions import bowl, himmelblau, quartic, rosenbrock
from mathcore.optimize import run
from mathcore.optimizers import gd
from mathcore.tuning import OPTIMIZERS, lr_grid, outcome, score, search_lr, tune
from tests import notebook


def best_by_criterion(rows: list[dict]) -> int:
    """The module docstring's criterion, written out from its words.

    Diverged runs are out; converged ones beat the rest, fewer steps first; then
    lower final loss; equal ones go to the smaller lr (rows are in increasing lr).
    """
    best = None
    for i, r in enumerate(rows):
        if r["status"] == "diverged":
            continue
        if best is None:
            best = i
            continue
        b = rows[best]
        if r["status"] == "converged" and b["status"] != "converged":
            best = i
        elif r["status"] == b["status"] == "converged" and r["n_steps"] < b["n_steps"]:
            best = i
        elif (
            r["status"] == b["status"] == "max_steps" and r["final_loss"] < b["final_loss"]
        ):
            best = i
    assert best is not None
    return best


def test_lr_grid_is_log_spaced_with_exact_ends() -> None:
    grid = lr_grid()
    assert len(grid) == 21 and grid[0] == 1e-5 and grid[-1] == 1.0
    np.testing.assert_allclose(grid[1:] / grid[:-1], 10**0.25, rtol=1e-12)
    np.testing.assert_allclose(lr_grid(1e-3, 1e-1, 1), [1e-3, 1e-2, 1e-1], rtol=1e-15)
    with pytest.raises(ValueError):
        lr_grid(1.0, 0.1)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_table_rows_equal_single_runs_and_the_choice_follows_the_criterion(
    name: str,
) -> None:
    f, x0, steps = rosenbrock(), [-1.0, 1.0], 600
    search = search_lr(f, x0, OPTIMIZERS[name], lr_grid(1e-4, 1.0, 2), steps)
    rows = search.rows()
    for row in rows:
        single = run(f, x0, OPTIMIZERS[name](row["lr"]), steps)
        assert row["final_loss"] == single.losses[-1]
        assert row["status"] == single.status
        assert row["n_steps"] == single.n_steps
    assert [r["chosen"] for r in rows].count(True) == 1
    assert search.best == best_by_criterion(rows)
    assert rows[search.best]["chosen"] and search.best_lr == rows[search.best]["lr"]
    assert (
        search.best_run.points.tolist()
        == run(f, x0, OPTIMIZERS[name](search.best_lr), steps).points.tolist()
    )
    assert search.kept.tolist() == [r["status"] != "diverged" for r in rows]


def test_gd_rows_equal_the_notebooks_loop() -> None:
    search = search_lr(rosenbrock(), [-1.0, 1.0], gd, lr_grid(1e-4, 3e-3, 2), steps=800)
    for lr, loss, status in zip(
        search.lrs, search.final_losses, search.statuses, strict=True
    ):
        x_opt, history = notebook.gradient_descent(
            notebook.rosenbrock,
            notebook.rosenbrock_grad,
            np.array([-1.0, 1.0]),
            lr=lr,
            n_steps=800,
        )
        assert status == "max_steps" and len(history) == 801
        assert loss == pytest.approx(notebook.rosenbrock(x_opt), rel=1e-12, abs=0)


def test_without_convergence_the_choice_is_the_argmin_of_final_losses() -> None:
    # tol = 0: no run stops early, so the criterion is the lowest final loss.
    search = search_lr(rosenbrock(), [-1.0, 1.0], gd, lr_grid(1e-5, 1.0, 4), 500, tol=0.0)
    assert "converged" not in search.statuses
    losses = np.where(search.kept, search.final_losses, np.inf)
    assert search.best == int(np.argmin(losses))
    assert "diverged" in search.statuses  # the grid reaches past the stable range


def test_bowl_gd_chooses_half_which_lands_on_the_minimum() -> None:
    grid = [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 1.5]
    search = search_lr(bowl(), [4.0, 3.0], gd, grid, steps=1000)
    assert search.best_lr == 0.5
    assert search.best_run.points[-1].tolist() == [0.0, 0.0]  # x − 0.5·2x = 0 exactly
    assert search.best_loss == 0.0 and search.best_run.n_steps == 1
    assert search.statuses[-1] == "diverged"  # |1 − 2·1.5| = 2: 2¹⁰⁰⁰ overflows


def test_equal_scores_go_to_the_smaller_lr() -> None:
    # |1 − 2·lr| = 0.2 for both: mirror-image runs converging in the same step.
    search = search_lr(bowl(), [4.0, 3.0], gd, [0.4, 0.6], steps=1000)
    assert search.n_steps[0] == search.n_steps[1]
    assert search.best_lr == 0.4


def test_score_orders_runs_as_stated() -> None:
    assert score("diverged", 3, 0.0) is None
    ordered = [
        score("converged", 10, 1e-16),
        score("converged", 11, 1e-20),
        score("max_steps", 100, 1e-30),
        score("max_steps", 100, 1e-3),
    ]
    assert ordered == sorted(ordered)


def test_search_rejects_a_bad_grid_and_an_all_diverged_one() -> None:
    with pytest.raises(ValueError, match="increasing"):
        search_lr(bowl(), [4.0, 3.0], gd, [0.5, 0.1])
    with pytest.raises(ValueError, match="every run diverged"):
        search_lr(bowl(), [4.0, 3.0], gd, [2.0, 3.0], steps=2000)


def test_tune_is_search_lr_per_optimizer() -> None:
    grid = lr_grid(1e-4, 1e-1, 2)
    tuned = tune(rosenbrock(), [-1.0, 1.0], ["GD", "Adam"], grid, steps=300)
    assert list(tuned) == ["GD", "Adam"]
    for name, search in tuned.items():
        alone = search_lr(rosenbrock(), [-1.0, 1.0], OPTIMIZERS[name], grid, 300)
        assert search.rows() == alone.rows() and search.name == name
    mapped = tune(bowl(), [4.0, 3.0], {"plain": gd}, [0.1, 0.5], steps=100)
    assert mapped["plain"].best_lr == 0.5


def test_outcome_is_the_notebooks_milestone_printout() -> None:
    o = outcome(run(rosenbrock(), [-1.0, 1.0], gd(0.001), steps=10_000))
    x_opt, history = notebook.gradient_descent(
        notebook.rosenbrock,
        notebook.rosenbrock_grad,
        np.array([-1.0, 1.0]),
        lr=0.001,
        n_steps=10_000,
    )
    np.testing.assert_allclose(o.final_point, x_opt, rtol=1e-12, atol=0)
    assert o.final_loss == pytest.approx(notebook.rosenbrock(x_opt), rel=1e-10)
    assert o.final_loss == pytest.approx(scipy.optimize.rosen(x_opt), rel=1e-10)
    assert o.distance == pytest.approx(np.linalg.norm(x_opt - np.array([1, 1])), rel=1e-10)
    assert o.history_length == len(history) == 10_001 and o.n_steps == 10_000
    assert o.minimum == (1.0, 1.0) and o.status == "max_steps"
    # The notebook's printout, to the digits it prints.
    assert f"{o.final_loss:.6f}" == "0.000057" and f"{o.distance:.6f}" == "0.016788"


def test_outcome_measures_to_the_nearest_minimum() -> None:
    f = himmelblau()
    o = outcome(run(f, [-3.0, -3.0], gd(0.01), steps=2000))
    minima = np.array(f.minima)
    d = np.linalg.norm(minima - np.array(o.final_point), axis=1)
    assert o.minimum == tuple(minima[d.argmin()]) and o.distance == pytest.approx(d.min())
    assert o.distance < 1e-6


# ------------------------------------------------------------------ learning rates


def test_stability_probe_on_the_bowl_follows_the_closed_form() -> None:
    p = tuning.stability_probe(bowl(), [4.0, 3.0], factor=1.05, steps=60)
    # Hessian 2I: L = 2, 2/L = 1; x_t = (1 - 2η)^t x0, so f_t = (1 - 2η)^{2t} f_0.
    assert p.bound == 1.0 and p.lr == 1.05
    t = np.arange(61)
    np.testing.assert_allclose(
        p.trajectory.losses, 25.0 * (1 - 2 * 1.05) ** (2 * t), rtol=1e-12
    )
    assert p.growth == pytest.approx((1 - 2 * 1.05) ** 2, rel=1e-12)
    assert (
        tuning.stability_probe(bowl(), [4.0, 3.0], 0.5, 10).trajectory.status == "converged"
    )
    with pytest.raises(ValueError, match="factor"):
        tuning.stability_probe(bowl(), [4.0, 3.0], 0.0, 10)


def test_fastest_converged_picks_the_fewest_steps() -> None:
    runs = [run(quartic(), [4.0], gd(lr), 100) for lr in (0.001, 0.01, 0.05, 0.1)]
    assert tuning.fastest_converged(runs) == 2
    assert tuning.fastest_converged(runs[:1]) is None  # 0.001 does not converge in 100
    assert tuning.fastest_converged([]) is None
