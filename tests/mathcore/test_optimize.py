"""Optimizers and runs against references nobody here wrote.

- ``torch.optim`` (SGD, Adam, RMSprop) in float64, fed our objective's gradient, so
  only the update rules are compared; once with torch's own autograd gradient.
- The notebook's ``gradient_descent`` loop, ``rosenbrock`` and ``rosenbrock_grad``,
  as transcribed in ``tests/notebook.py``: its experiments must come out the same.
- Closed forms (GD on the bowl), plain-Python float iterations (where runs blow
  up).
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mathcore.functions import Objective, beale, bowl, quartic, rosenbrock
from mathcore.optimize import run, run_batch
from mathcore.optimizers import SGD, adam, gd, momentum, nesterov, rmsprop
from mathcore.trajectory import Trajectory, TrajectoryBatch
from tests import notebook

# ------------------------------------------------------------------------------------
# The notebook's loop, run as the notebook runs it.


def notebook_run(f, grad_f, x0, lr, n_steps, capsys):
    """The notebook loop's points, losses and the step it printed as converged."""
    capsys.readouterr()
    x_opt, history = notebook.gradient_descent(
        f, grad_f, np.array(x0), lr=lr, n_steps=n_steps
    )
    printed = capsys.readouterr().out
    converged_at = int(printed.split()[3]) if printed.startswith("Converged") else None
    points = np.array([h[0] for h in history])
    losses = np.array([h[1] for h in history])
    return x_opt, points, losses, converged_at


# ------------------------------------------------------------------------------------
# torch.optim as the reference for the update rules.


def torch_path(objective: Objective, x0, make_torch_opt, steps: int) -> np.ndarray:
    """Iterates of a torch optimizer that is given our objective's gradient."""
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = make_torch_opt([p])
    path = [p.detach().numpy().copy()]
    for _ in range(steps):
        p.grad = torch.from_numpy(objective.gradient(p.detach().numpy()))
        opt.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


def assert_same_path(ours: np.ndarray, ref: np.ndarray, rtol: float = 1e-10) -> None:
    """Same number of iterates, each within rtol of the reference (vector norms)."""
    assert ours.shape == ref.shape
    err = np.linalg.norm(ours - ref, axis=-1) / np.linalg.norm(ref, axis=-1)
    assert err.max() <= rtol, f"worst relative error {err.max():.3g} at step {err.argmax()}"


T = torch.optim
# name -> (ours, torch's, lr on Rosenbrock, lr on Beale). Non-default hyper-parameters
# exercise every branch of each update rule. Learning rates keep the runs finite and
# moving, and away from chaotic regimes where torch itself does not reproduce its own
# path to 1e-10 (e.g. RMSprop at its default lr on Rosenbrock).
CASES = {
    "gd": (gd, lambda p, lr: T.SGD(p, lr=lr, foreach=False), 1e-3, 1e-3),
    "gd-weight-decay": (
        lambda lr: SGD(lr, weight_decay=0.1),
        lambda p, lr: T.SGD(p, lr=lr, weight_decay=0.1, foreach=False),
        1e-3,
        1e-3,
    ),
    "momentum": (
        momentum,
        lambda p, lr: T.SGD(p, lr=lr, momentum=0.9, dampening=0, foreach=False),
        3e-4,
        1e-3,
    ),
    "momentum-0.5-dampening-0.1": (
        lambda lr: momentum(lr, momentum=0.5, dampening=0.1),
        lambda p, lr: T.SGD(p, lr=lr, momentum=0.5, dampening=0.1, foreach=False),
        3e-4,
        1e-3,
    ),
    "nesterov": (
        nesterov,
        lambda p, lr: T.SGD(p, lr=lr, momentum=0.9, nesterov=True, foreach=False),
        3e-4,
        1e-3,
    ),
    "nesterov-0.7": (
        lambda lr: nesterov(lr, momentum=0.7),
        lambda p, lr: T.SGD(p, lr=lr, momentum=0.7, nesterov=True, foreach=False),
        3e-4,
        1e-3,
    ),
    "adam": (adam, lambda p, lr: T.Adam(p, lr=lr, foreach=False), 1e-3, 1e-3),
    "adam-custom": (
        lambda lr: adam(lr, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01),
        lambda p, lr: T.Adam(
            p, lr=lr, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01, foreach=False
        ),
        1e-2,
        1e-2,
    ),
    "adam-beta1-below-half": (  # torch's lerp switches formula at weight 0.5
        lambda lr: adam(lr, betas=(0.3, 0.999)),
        lambda p, lr: T.Adam(p, lr=lr, betas=(0.3, 0.999), foreach=False),
        1e-3,
        1e-3,
    ),
    "rmsprop": (rmsprop, lambda p, lr: T.RMSprop(p, lr=lr, foreach=False), 1e-3, 1e-2),
    # Centered RMSprop divides by the gradient's standard deviation over the last
    # ~1/(1 − α) steps. Along a noiseless path that is nearly 0, under a square
    # root: with a small eps, one ulp anywhere moves torch's own path by 1e-3 within
    # 1,000 steps. eps = 1 bounds the denominator, so the comparison means something.
    "rmsprop-centered-momentum": (
        lambda lr: rmsprop(
            lr, alpha=0.9, eps=1.0, centered=True, momentum=0.5, weight_decay=0.01
        ),
        lambda p, lr: T.RMSprop(
            p,
            lr=lr,
            alpha=0.9,
            eps=1.0,
            centered=True,
            momentum=0.5,
            weight_decay=0.01,
            foreach=False,
        ),
        3e-4,
        1e-3,
    ),
    "rmsprop-alpha-0.3": (  # the centered average's lerp takes its other formula
        lambda lr: rmsprop(lr, alpha=0.3, eps=1.0, centered=True),
        lambda p, lr: T.RMSprop(p, lr=lr, alpha=0.3, eps=1.0, centered=True, foreach=False),
        1e-4,
        1e-3,
    ),
}
STARTS = {"rosenbrock": (rosenbrock(), [-1.0, 1.0]), "beale": (beale(), [1.0, 1.0])}


@pytest.mark.parametrize("objective_name", list(STARTS))
@pytest.mark.parametrize("case", list(CASES))
def test_update_rules_match_torch_optim(case: str, objective_name: str) -> None:
    ours, theirs, lr_rosenbrock, lr_beale = CASES[case]
    objective, x0 = STARTS[objective_name]
    lr = lr_rosenbrock if objective_name == "rosenbrock" else lr_beale
    steps = 1000
    traj = run(objective, x0, ours(lr), steps, tol=0)
    ref = torch_path(objective, x0, lambda p: theirs(p, lr), steps)
    assert traj.status == "max_steps"
    assert np.isfinite(ref).all()
    # The run must go somewhere, or agreeing would prove nothing.
    assert np.linalg.norm(ref[-1] - ref[0]) > 0.1
    assert_same_path(traj.points, ref)


def test_gd_matches_torch_autograd_on_an_independent_rosenbrock() -> None:
    p = torch.tensor([-1.0, 1.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1e-3)
    path, losses = [p.detach().numpy().copy()], []
    for _ in range(1000):
        opt.zero_grad()
        loss = (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
        loss.backward()
        opt.step()
        losses.append(loss.item())
        path.append(p.detach().numpy().copy())
    traj = run(rosenbrock(), [-1.0, 1.0], gd(1e-3), 1000, tol=0)
    assert_same_path(traj.points, np.array(path))
    np.testing.assert_allclose(traj.losses[:-1], losses, rtol=1e-10)
    assert traj.losses[-1] < 0.5 < losses[0] == 4.0


# ------------------------------------------------------------------------------------
# The notebook's experiments.


def test_rosenbrock_milestone(capsys: pytest.CaptureFixture[str]) -> None:
    x_opt, points, losses, converged_at = notebook_run(
        notebook.rosenbrock, notebook.rosenbrock_grad, [-1.0, 1.0], 0.001, 10000, capsys
    )
    traj = run(rosenbrock(), [-1.0, 1.0], gd(0.001), 10000)
    assert converged_at is None and traj.status == "max_steps"
    assert len(traj.points) == len(points) == 10001
    np.testing.assert_allclose(traj.points, points, rtol=1e-12, atol=0)
    np.testing.assert_allclose(traj.final, x_opt, rtol=1e-12)
    np.testing.assert_allclose(traj.losses[-1], notebook.rosenbrock(x_opt), rtol=1e-12)
    np.testing.assert_allclose(traj.losses, losses, rtol=1e-12)
    distance = np.linalg.norm(traj.final - np.array([1, 1]))
    np.testing.assert_allclose(
        distance, np.linalg.norm(x_opt - np.array([1, 1])), rtol=1e-9
    )
    # What the milestone shows: close to (1, 1) but not there after 10,000 steps.
    assert 0.01 < distance < 0.02 and traj.losses[0] == 4.0


BOWL_EXPERIMENTS = [(0.2, 50)] + [(lr, 50) for lr in (0.01, 0.1, 0.5, 0.9)]
BOWL_EXPERIMENTS += [(lr, 100) for lr in (0.01, 0.1, 0.3, 0.5)]


@pytest.mark.parametrize(("lr", "n_steps"), BOWL_EXPERIMENTS)
def test_bowl_learning_rates_as_in_the_notebook(
    lr: float, n_steps: int, capsys: pytest.CaptureFixture[str]
) -> None:
    _, points, losses, converged_at = notebook_run(
        notebook.bowl_f, notebook.bowl_grad_f, [4.0, 3.0], lr, n_steps, capsys
    )
    traj = run(bowl(), [4.0, 3.0], gd(lr), n_steps)
    # Same operations in the same order as the notebook's loop: equal to the bit.
    assert np.array_equal(traj.points, points)
    assert np.array_equal(traj.losses, losses) and traj.losses[-1] == losses[-1]
    if converged_at is None:
        assert traj.status == "max_steps" and traj.n_steps == n_steps
    else:
        assert traj.status == "converged" and traj.n_steps == converged_at
        assert traj.grad_norms[-1] < 1e-8 <= traj.grad_norms[-2]


def test_bowl_lr_half_lands_on_the_minimum_then_converges() -> None:
    traj = run(bowl(), [4.0, 3.0], gd(0.5), 50)
    assert traj.points.tolist() == [[4.0, 3.0], [0.0, 0.0]]
    assert traj.losses.tolist() == [25.0, 0.0] and traj.grad_norms.tolist() == [10.0, 0.0]
    assert (traj.status, traj.n_steps, traj.diverged_at) == ("converged", 1, None)


def test_bowl_gd_follows_the_closed_form() -> None:
    # x_t = (1 − 2·lr)^t x0 for f = x² + y².
    lrs = np.array([0.01, 0.1, 0.2, 0.3, 0.9])
    batch = run_batch(bowl(), [4.0, 3.0], gd(lrs), 50, tol=0)
    t = np.arange(51)
    expected = (1 - 2 * lrs)[:, None, None] ** t[None, :, None] * np.array([4.0, 3.0])
    np.testing.assert_allclose(batch.points, expected, rtol=1e-12, atol=0)
    # Factors ±1/2 are exact in binary: every iterate is exact.
    halves = run_batch(bowl(), [4.0, 3.0], gd([0.25, 0.75]), 50, tol=0)
    signs = np.array([1.0, -1.0])[:, None, None]
    exact = (signs * 0.5) ** t[None, :, None] * np.array([4.0, 3.0])
    assert np.array_equal(halves.points, exact)


# ------------------------------------------------------------------------------------
# Divergence: finite trajectories, the right step, no warnings.


def python_divergence_step(f, grad, x0, lr, steps):
    """The step whose iterate, f or gradient stops being finite, in plain floats."""
    x = list(x0)
    for t in range(1, steps + 1):
        x = [xi - lr * gi for xi, gi in zip(x, grad(*x), strict=True)]
        values = [*x, f(*x), *grad(*x)]
        if not all(math.isfinite(v) for v in values):
            return t
    return None


# Plain-float versions (x * x, not x**2: a Python float's ** raises on overflow).


def bowl_f(x, y):
    return x * x + y * y


def bowl_grad(x, y):
    return (2 * x, 2 * y)


def quartic_f(x):
    return x * x * x * x - 3 * x * x * x + 2


def quartic_grad(x):
    return (4 * x * x * x - 9 * x * x,)


DIVERGING = {
    "bowl lr 1.5": (bowl(), bowl_f, bowl_grad, [4.0, 3.0], 1.5),
    "quartic lr 0.1": (quartic(), quartic_f, quartic_grad, [4.0], 0.1),
}


@pytest.mark.parametrize("name", list(DIVERGING))
def test_divergence_is_caught_without_warnings(name: str) -> None:
    objective, f, grad, x0, lr = DIVERGING[name]
    expected = python_divergence_step(f, grad, x0, lr, 2000)
    assert expected is not None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(objective, x0, gd(lr), 2000)
        batch = run_batch(objective, [x0, x0], gd([lr, 1e-3]), 2000)
    assert traj.status == "diverged" and traj.diverged_at == expected
    assert len(traj.points) == expected == traj.n_steps + 1
    for a in (traj.points, traj.losses, traj.grad_norms, batch.points, batch.losses):
        assert np.isfinite(a).all()
    # The batch's second run (a safe lr) carries on unharmed beside the first.
    assert batch.status[0] == "diverged" and batch.status[1] != "diverged"
    assert batch.diverged_at.tolist() == [expected, -1]
    assert np.array_equal(batch[0].points, traj.points)
    assert np.array_equal(batch[1].points, run(objective, x0, gd(1e-3), 2000).points)


def test_known_divergence_steps() -> None:
    # Cross-checks of python_divergence_step itself: for the bowl at lr 1.5,
    # x_t = (−2)^t (4, 3) and x² = 2^(2t+4) overflows first at t = 510; the quartic
    # from 4 at lr 0.1 goes 4, −7.2, 188.76, … and x⁴ overflows at x_6 ≈ 1.9e168.
    assert python_divergence_step(bowl_f, bowl_grad, [4.0, 3.0], 1.5, 2000) == 510
    assert python_divergence_step(quartic_f, quartic_grad, [4.0], 0.1, 100) == 6
    traj = run(bowl(), [4.0, 3.0], gd(1.5), 2000)
    t = np.arange(510)[:, None]
    assert np.array_equal(traj.points, (-2.0) ** t * np.array([4.0, 3.0]))


def python_gd(grad, x, lr, steps, tol):
    for t in range(steps):
        g = grad(x)[0]
        if abs(g) < tol:
            return t, x
        x = x - lr * g
    return None, x


def test_exercise_2_quartic_learning_rates() -> None:
    lrs = [0.001, 0.01, 0.05, 0.1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batch = run_batch(quartic(), [4.0], gd(lrs), 5000)
    assert batch.status.tolist() == ["converged"] * 3 + ["diverged"]
    for i, lr in enumerate(lrs[:3]):
        step, x = python_gd(quartic_grad, 4.0, lr, 5000, 1e-8)
        assert batch.n_steps[i] == step
        np.testing.assert_allclose(batch[i].final, [x], rtol=1e-12)
        assert abs(batch[i].final[0] - 9 / 4) < 1e-9  # the only minimum
    # The smallest lr converges slowest; 0.05 first overshoots past the flat
    # inflection point at 0, to x = −1.6, and still climbs back to 9/4.
    assert batch.n_steps[0] > batch.n_steps[1] > batch.n_steps[2]
    assert batch.points[2, 1, 0] == pytest.approx(-1.6, rel=1e-12)
    assert batch[1].points.min() > 9 / 4  # 0.01 approaches from the right only


# ------------------------------------------------------------------------------------
# Bad input.

OK_X0 = [1.0, 2.0]
BAD_INPUTS = [
    (lambda: run(bowl(), [np.nan, 0.0], gd(0.1), 10), "x0"),
    (lambda: run(bowl(), [np.inf, 0.0], gd(0.1), 10), "x0"),
    (lambda: run(bowl(), [1.0, 2.0, 3.0], gd(0.1), 10), "x0"),
    (lambda: run(bowl(), [[1.0, 2.0]], gd(0.1), 10), "x0"),
    (lambda: run(quartic(), 4.0, gd(0.1), 10), "x0"),
    (lambda: run(bowl(), ["a", "b"], gd(0.1), 10), "x0"),
    (lambda: run(bowl(), [1 + 1j, 0], gd(0.1), 10), "x0"),
    (lambda: run(quartic(), [1e100], gd(0.1), 10), "x0"),  # x⁴ overflows at x0
    (lambda: run(bowl(), OK_X0, gd(0.1), -1), "steps"),
    (lambda: run(bowl(), OK_X0, gd(0.1), 2.5), "steps"),
    (lambda: run(bowl(), OK_X0, gd(0.1), "10"), "steps"),
    (lambda: run(bowl(), OK_X0, gd(0.1), True), "steps"),
    (lambda: run(bowl(), OK_X0, gd(0.1), 10, tol=-1e-3), "tol"),
    (lambda: run(bowl(), OK_X0, gd(0.1), 10, tol=np.nan), "tol"),
    (lambda: run(bowl(), OK_X0, gd(0.1), 10, tol="small"), "tol"),
    (lambda: run(bowl(), OK_X0, gd([0.1, 0.2]), 10), "lr"),
    (lambda: run_batch(bowl(), np.zeros((3, 2)), gd([0.1, 0.2]), 10), "lr"),
    (lambda: run_batch(bowl(), np.zeros((3, 3)), gd(0.1), 10), "x0s"),
    (lambda: run_batch(bowl(), np.zeros((2, 3, 2)), gd(0.1), 10), "x0s"),
    (lambda: run_batch(bowl(), np.zeros((0, 2)), gd(0.1), 10), "x0s"),
    (lambda: run_batch(bowl(), [[0.0, 0.0], [np.nan, 0.0]], gd(0.1), 10), "x0s"),
    (lambda: run_batch(quartic(), [[1.0], [1e100]], gd(0.1), 10), "x0s"),
    (lambda: run_batch(bowl(), OK_X0, gd(0.1), -3), "steps"),
    (lambda: run_batch(bowl(), OK_X0, gd(0.1), 3, tol=-1.0), "tol"),
    (lambda: gd(0.0), "lr"),
    (lambda: gd(-0.1), "lr"),
    (lambda: gd(np.nan), "lr"),
    (lambda: gd(np.inf), "lr"),
    (lambda: gd([0.1, -1.0]), "lr"),
    (lambda: gd([[0.1]]), "lr"),
    (lambda: gd("fast"), "lr"),
    (lambda: adam(lr=0.0), "lr"),
    (lambda: rmsprop(lr=-1.0), "lr"),
    (lambda: momentum(0.1, momentum=-0.1), "momentum"),
    (lambda: momentum(0.1, momentum=1.0), "momentum"),
    (lambda: momentum(0.1, dampening=1.5), "dampening"),
    (lambda: SGD(0.1, momentum=0.9, dampening=0.1, nesterov=True), "nesterov"),
    (lambda: SGD(0.1, nesterov=True), "nesterov"),
    (lambda: SGD(0.1, weight_decay=-1.0), "weight_decay"),
    (lambda: adam(betas=(1.0, 0.999)), "betas"),
    (lambda: adam(betas=(0.9, -0.1)), "betas"),
    (lambda: adam(betas=(0.9, np.nan)), "betas"),
    (lambda: adam(betas=(0.9,)), "betas"),
    (lambda: adam(betas=0.9), "betas"),
    (lambda: adam(eps=-1e-8), "eps"),
    (lambda: adam(eps="tiny"), "eps"),
    (lambda: momentum(0.1, momentum=None), "momentum"),
    (lambda: adam(weight_decay=-1.0), "weight_decay"),
    (lambda: rmsprop(alpha=1.0), "alpha"),
    (lambda: rmsprop(alpha=-0.1), "alpha"),
    (lambda: rmsprop(eps=-1.0), "eps"),
    (lambda: rmsprop(momentum=-0.5), "momentum"),
    (lambda: rmsprop(weight_decay=np.inf), "weight_decay"),
]


@pytest.mark.parametrize(("call", "name"), BAD_INPUTS)
def test_bad_input_raises_naming_the_argument(call, name: str) -> None:
    with pytest.raises(ValueError, match=rf"^{name}:"):
        call()


# ------------------------------------------------------------------------------------
# run_batch: layout, padding, and equality with run.


def assert_padded(batch: TrajectoryBatch) -> None:
    """Stopped runs hold still: every later column repeats the last real one."""
    width = batch.steps + 1
    for i, traj in enumerate(batch):
        assert isinstance(traj, Trajectory)
        k = batch.n_steps[i]
        assert np.array_equal(batch.points[i, : k + 1], traj.points)
        assert np.array_equal(
            batch.points[i, k:], np.broadcast_to(traj.final, (width - k, 2))
        )
        assert np.all(batch.losses[i, k:] == traj.losses[-1])
        assert np.all(batch.grad_norms[i, k:] == traj.grad_norms[-1])
        assert traj.lr == batch.lr[i] and traj.optimizer == gd(batch.lr[i])


def test_batch_layout_and_padding() -> None:
    x0s = [[4.0, 3.0], [4.0, 3.0], [1.0, 1.0], [1.0, 1.0]]
    batch = run_batch(bowl(), x0s, gd([0.5, 1.5, 0.1, 0.001]), 600)
    assert isinstance(batch, TrajectoryBatch) and len(batch) == 4
    assert batch.points.shape == (4, 601, 2)
    assert batch.losses.shape == batch.grad_norms.shape == (4, 601)
    assert batch.status.tolist() == ["converged", "diverged", "converged", "max_steps"]
    assert batch.lr.tolist() == [0.5, 1.5, 0.1, 0.001]
    # lr 0.1 from (1, 1): ‖∇f(x_t)‖ = 0.8^t·2√2 first drops below 1e-8 at t = 88.
    assert 0.8**88 * 2 * math.sqrt(2) < 1e-8 < 0.8**87 * 2 * math.sqrt(2)
    assert batch.n_steps.tolist() == [1, 509, 88, 600]
    assert_padded(batch)
    # The loop also ends early when the last running run converges or diverges.
    assert_padded(run_batch(bowl(), [4.0, 3.0], gd([0.5, 0.1]), 300))
    assert_padded(run_batch(bowl(), [4.0, 3.0], gd([1.5, 2.0]), 600))
    with pytest.raises(ValueError, match="read-only"):
        batch.points[0, 0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        batch[0].points[0, 0] = 1.0


def test_tol_is_strict_zero_disables_and_zero_steps_is_x0() -> None:
    # ‖∇f‖ on the bowl from (4, 3) at lr 0.25 is exactly 10, 5, 2.5, …
    traj = run(bowl(), [4.0, 3.0], gd(0.25), 10, tol=10.0)
    assert traj.grad_norms.tolist() == [10.0, 5.0] and traj.status == "converged"
    assert run(bowl(), [4.0, 3.0], gd(0.25), 10, tol=10.5).n_steps == 0
    # tol = 0 never stops, even on an exact zero gradient.
    held = run(bowl(), [4.0, 3.0], gd(0.5), 5, tol=0)
    assert held.status == "max_steps" and held.points[1:].tolist() == [[0.0, 0.0]] * 5
    # No steps: just the start; steps may be any integer type.
    none = run(bowl(), [4.0, 3.0], gd(0.5), np.int64(0))
    assert none.points.tolist() == [[4.0, 3.0]] and none.status == "max_steps"
    assert none.losses.tolist() == [25.0] and none.grad_norms.tolist() == [10.0]


def test_one_start_many_learning_rates_equals_separate_runs() -> None:
    lrs = [0.01, 0.1, 0.5, 0.9]
    batch = run_batch(bowl(), [4.0, 3.0], gd(lrs), 50)
    for i, lr in enumerate(lrs):
        assert np.array_equal(batch[i].points, run(bowl(), [4.0, 3.0], gd(lr), 50).points)


OBJECTIVES = {"bowl": bowl(), "quartic": quartic(), "rosenbrock": rosenbrock()}
OPTIMIZERS = {
    "gd": gd,
    "momentum": lambda lr: momentum(lr, momentum=0.5, dampening=0.1),
    "nesterov": lambda lr: nesterov(lr, momentum=0.7),
    "adam": lambda lr: adam(lr, betas=(0.8, 0.99)),
    "rmsprop": lambda lr: rmsprop(lr, alpha=0.9, centered=True, momentum=0.5),
}


@st.composite
def batch_cases(draw):
    name = draw(st.sampled_from(sorted(OBJECTIVES)))
    objective = OBJECTIVES[name]
    n = draw(st.integers(1, 5))
    lows, highs = zip(*objective.domain, strict=True)
    coords = st.tuples(*(st.floats(lo, hi) for lo, hi in zip(lows, highs, strict=True)))
    starts = draw(st.lists(coords, min_size=n, max_size=n))
    exponents = draw(st.lists(st.floats(-3.0, 1.5), min_size=n, max_size=n))
    return {
        "objective": name,
        "optimizer": draw(st.sampled_from(sorted(OPTIMIZERS))),
        "starts": starts,
        "lrs": [10.0**e for e in exponents],
        "steps": draw(st.integers(0, 120)),
        "tol": draw(st.sampled_from([0.0, 1e-8, 1e-3, 0.1])),
    }


MIXED = {  # converges (lands on 0), runs out, diverges (|1 − 2·lr| = 59)
    "objective": "bowl",
    "optimizer": "gd",
    "starts": [(2.0, -1.0), (0.5, 0.5), (1.0, 2.0)],
    "lrs": [0.5, 0.01, 30.0],
    "steps": 120,
    "tol": 1e-8,
}


@settings(max_examples=40, deadline=None)
@given(batch_cases())
@example(MIXED)
@example({**MIXED, "objective": "quartic", "starts": [(4.0,), (4.0,)], "lrs": [0.05, 0.1]})
def test_run_batch_equals_run_row_by_row(case) -> None:
    objective, make = OBJECTIVES[case["objective"]], OPTIMIZERS[case["optimizer"]]
    starts, lrs, steps, tol = case["starts"], case["lrs"], case["steps"], case["tol"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batch = run_batch(objective, starts, make(np.array(lrs)), steps, tol)
        rows = [
            run(objective, x0, make(lr), steps, tol)
            for x0, lr in zip(starts, lrs, strict=True)
        ]
    assert batch.points.shape == (len(starts), steps + 1, objective.dim)
    for i, traj in enumerate(rows):
        got = batch[i]
        assert got.status == traj.status and got.diverged_at == traj.diverged_at
        assert got.n_steps == traj.n_steps == batch.n_steps[i]
        assert np.array_equal(got.points, traj.points)
        assert np.array_equal(got.losses, traj.losses)
        assert np.array_equal(got.grad_norms, traj.grad_norms)
        assert np.isfinite(batch.points[i]).all()
    if case == MIXED:
        assert batch.status.tolist() == ["converged", "max_steps", "diverged"]


def test_rosenbrock_batch_is_the_same_with_and_without_its_fused_evaluation() -> None:
    # Converged, still running and diverged runs, so both ways of stopping are hit.
    starts = [(1.0, 1.0), (-1.0, 1.0), (-1.2, 1.0), (2.0, 2.0)]
    lrs = np.array([1e-3, 1e-3, 2e-3, 5e-2])
    fused = rosenbrock()
    plain = dataclasses.replace(fused, f_df_into=None)
    for make in OPTIMIZERS.values():
        a, b = (run_batch(f, starts, make(lrs), 3000) for f in (fused, plain))
        assert a.status.tolist() == b.status.tolist()
        assert "diverged" in a.status.tolist() or make is not gd
        for field in ("points", "losses", "grad_norms", "diverged_at", "n_steps"):
            assert np.array_equal(getattr(a, field), getattr(b, field)), field
