"""mathcore.curvature: L at a point against SciPy's Rosenbrock Hessian and closed
forms, the stable rate 2/L against runs either side of it, and how often each
measurement evaluates the Hessian.

μ and L over a window are checked against SymPy's Hessian in test_convergence, L
refined over an interval against SciPy in test_smoothness, and L on a grid against
SymPy on a finer grid in test_landscape, beside the references they share there.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import scipy.optimize

from mathcore import curvature
from mathcore.functions import Objective, bowl, himmelblau, quartic, rosenbrock
from mathcore.landscape import UnshowableError
from mathcore.optimize import run_batch
from mathcore.optimizers import gd
from mathcore.symbolic import objective_from_formula, resolve_objective


def stable_rate_at(f: Objective, x: list[float]) -> float:
    return curvature.stable_rate(curvature.largest_at(f, x))


def test_stable_rate_at_a_point() -> None:
    assert stable_rate_at(bowl(), [4.0, 3.0]) == pytest.approx(1.0, rel=1e-15)
    assert stable_rate_at(quartic(), [4.0]) == pytest.approx(2 / 120, rel=1e-15)
    largest = np.linalg.eigvalsh(scipy.optimize.rosen_hess(np.array([1.0, 1.0])))[-1]
    assert stable_rate_at(rosenbrock(), [1.0, 1.0]) == pytest.approx(2 / largest, rel=1e-12)
    assert stable_rate_at(quartic(), [0.5]) == math.inf  # f'' = −6 < 0
    assert stable_rate_at(himmelblau(), [0.0, 0.0]) == math.inf  # a maximum


def test_stable_rate_separates_convergence_from_divergence() -> None:
    bound = stable_rate_at(bowl(), [4.0, 3.0])
    batch = run_batch(bowl(), [4.0, 3.0], gd([0.99 * bound, 1.01 * bound]), 20_000)
    assert batch.status.tolist() == ["converged", "diverged"]
    # Just above the bound GD still shrinks nothing: the loss grows every step.
    assert np.all(np.diff(batch[1].losses) > 0)


@pytest.mark.parametrize("x", [[np.nan, 0.0], [1.0], [[1.0, 2.0], [3.0, 4.0]]])
def test_a_bad_point_is_refused_naming_x(x) -> None:
    with pytest.raises(ValueError, match=r"^x:"):
        curvature.largest_at(bowl(), x)


def counted(f: Objective) -> tuple[Objective, list[int]]:
    """``f`` whose Hessian records how many points each call evaluates."""
    sizes: list[int] = []

    def d2f(*coords):
        sizes.append(np.size(coords[0]))
        return f.d2f(*coords)

    return dataclasses.replace(f, d2f=d2f), sizes


def test_mu_and_l_come_from_one_evaluation_of_the_hessian_grid() -> None:
    f, sizes = counted(objective_from_formula("x^2 + x*y + y^2 + exp(x/2)"))
    curvature.measure(f, ((-5.0, 5.0), (-5.0, 5.0)), samples=41)
    assert sizes == [41 * 41]


def test_refined_l_evaluates_its_grid_once() -> None:
    f, sizes = counted(resolve_objective("cos(3*x)", dim=1))
    curvature.largest_refined(f, (0.0, 2.0), samples=501)
    assert sizes.count(501) == 1  # the rest are the golden-section probes


def test_largest_passes_over_where_the_hessian_is_not_a_number() -> None:
    # f_xx = −¼(x + 1)^(−3/2) < 0 where x > −1 (not a number below), f_yy = 2: L = 2.
    f = objective_from_formula("sqrt(x + 1) + y^2", check=False)
    window = ((-2.0, 2.0), (-1.0, 1.0))
    assert curvature.largest(f, window) == 2.0
    with pytest.raises(UnshowableError, match="Hessian of f is not finite"):
        curvature.measure(f, window)
