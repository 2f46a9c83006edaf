"""Every claim a scene's words make about its run, re-checked against the run.

The words are chosen from facts (``mathcore.trend``, the race's standings); here each
claim a caption or a step name makes is read back out of the words and checked
against a run this test computes itself (gradient descent written out again, not
``mathcore.optimize``), for random lessons: other functions, starts, rates and
budgets, rising and falling runs, optimizer subsets.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from lesson.params import ParamError
from mathcore.optimize import run
from mathcore.symbolic import resolve_objective
from mathcore.trend import loss_trend
from mathcore.tuning import OPTIMIZERS, fastest_converged
from mathvid.run.stills import scene_manifest
from scenes.descent import DescentBowl, descent
from scenes.kit.numbers import fmt
from scenes.quartic import QuarticRates
from scenes.quartic_plan import balls, best_caption, too_large_caption
from scenes.race import OptimizerRace
from scenes.race_plan import entrants
from scenes.rates import LearningRates, bound_caption, rates
from scenes.rosenbrock import RosenbrockMilestone
from scenes.rosenbrock_plan import descent_caption, loss_caption, milestone

COUNTS = {"once": 1, "twice": 2}
T = TypeVar("T")


def count(words: str) -> int:
    """'once', 'twice', '3 times', '1,204 times' as a number."""
    return COUNTS.get(words) or int(words.split()[0].replace(",", ""))


def gradient_descent(function: str, x0, lr: float, steps: int, tol: float) -> np.ndarray:
    """The notebook's loop, written out again: the losses f(x_0), f(x_1), …"""
    return descent_run(function, x0, lr, steps, tol)[0]


def descent_run(function: str, x0, lr: float, steps: int, tol: float):
    """The losses, the gradients' lengths and whether ‖∇f‖ < tol stopped the loop."""
    f = resolve_objective(function, dim=2)
    x, losses, norms = np.asarray(x0, dtype=float), [], []
    # As the notebook's loop: ‖∇f‖ is tested before each update, not after the last.
    with np.errstate(all="ignore"):
        for _ in range(steps + 1):
            losses.append(float(f.value(x)))
            norms.append(float(np.linalg.norm(f.gradient(x))))
            if len(losses) > steps or not np.isfinite(losses[-1]):
                break
            if norms[-1] < tol:
                return np.array(losses), np.array(norms), True
            x = x - lr * f.gradient(x)
    return np.array(losses), np.array(norms), False


def shown(plan: Callable[..., T], *args: Any) -> T:
    """``plan(*args)``, or the example dropped when the scene refuses its parameters:
    a run the scene refuses to show says nothing."""
    try:
        return plan(*args)
    except ParamError:
        assume(False)
        raise  # assume(False) does not return


def check_descent_words(caption: str, losses: np.ndarray) -> None:
    """Each claim of the descent step's caption, against the losses."""
    drops = np.diff(losses)
    rises = np.flatnonzero(drops > 0) + 1
    assert caption.startswith(f"{len(losses) - 1:,} small step")
    if "downhill every time" in caption:
        assert np.all(drops < 0)
    if "None goes up" in caption:
        assert len(rises) == 0
    if m := re.search(r"The loss rises (.+?) in the first ([\d,]+), then falls", caption):
        assert len(rises) == count(m[1])
        assert rises[-1] == int(m[2].replace(",", ""))
    if "Not every step goes down" in caption:
        assert len(rises) > 0
        m = re.search(r"rises (.+?), and ends (lower|higher)", caption)
        assert len(rises) == count(m[1])
        assert (losses[-1] < losses[0]) == (m[2] == "lower")


def check_loss_words(caption: str, losses: np.ndarray) -> None:
    """Each claim of the loss curve's caption, against the losses."""
    falls = bool(np.all(np.diff(losses) < 0))
    if "keeps falling" in caption:
        assert falls
    if "slower and slower" in caption:
        half = len(losses) // 2
        logs = np.log10(losses)
        assert logs[0] - logs[half] > logs[half] - logs[-1] > 0
    if "rises at first, then falls" in caption:
        assert not falls and losses[-1] < losses[0]
    if "ends higher" in caption:
        assert losses[-1] >= losses[0]
    if "ends lower" in caption:
        assert losses[-1] < losses[0]
    if "never rises" in caption:
        assert np.all(np.diff(losses) <= 0)


@given(st.lists(st.floats(0.01, 100.0), min_size=2, max_size=60))
def test_the_descent_words_hold_for_any_run(losses: list[float]) -> None:
    values = np.array(losses)
    trend = loss_trend(values)
    check_descent_words(descent_caption(trend, 0.01), values)
    check_loss_words(loss_caption(trend), values)


# A scene's manifest typesets its formulas, and drawn numbers are new formulas (about
# 20 s of LaTeX an example, against 1.5 s from the formula cache): the tests that build
# one draw the same examples every run (derandomize), so their formulas are cached
# after the first; the words they check are also checked on new draws every run,
# from the scene's own caption functions and run, without drawing (the tests beside).
SHOWN = settings(
    deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)

MILESTONE_DRAWS = {
    "function": st.sampled_from(["rosenbrock", "himmelblau", "x**2 + 3*y**2", "bowl"]),
    "x0": st.tuples(st.floats(-1.8, 1.8), st.floats(-0.8, 2.8)),
    "lr": st.floats(1e-4, 2e-3),
    "steps": st.integers(5, 2000),
}


def milestone_params(function: str, x0, lr: float, steps: int):
    """The milestone's parameters for a drawn lesson."""
    return dataclasses.replace(
        RosenbrockMilestone.Params(),
        function=function,
        x0=tuple(round(v, 2) for v in x0),
        lr=lr,
        steps=steps,
        descent_seconds=1.0,
        loss_seconds=1.0,
    )


def milestone_words(p) -> tuple[str, str, int]:
    """What RosenbrockMilestone says of its run, without drawing: the captions of
    "Gradient descent" and "The loss curve", and how often the loss rises."""
    trend = loss_trend(shown(milestone, p).runs["GD"].losses)
    return descent_caption(trend, p.lr), loss_caption(trend), trend.rises


def check_milestone_words(words: tuple[str, str, int], p) -> None:
    """Each claim of :func:`milestone_words`, against the run written out again."""
    losses = gradient_descent(p.function, p.x0, p.lr, p.steps, p.tol)
    check_descent_words(words[0], losses)
    check_loss_words(words[1], losses)
    assert words[2] == int(np.sum(np.diff(losses) > 0))


@given(**MILESTONE_DRAWS)
@settings(SHOWN, max_examples=4)
def test_the_milestone_says_only_what_its_run_did(function, x0, lr, steps) -> None:
    p = milestone_params(function, x0, lr, steps)
    manifest = shown(scene_manifest, RosenbrockMilestone, p)
    by_name = {s.name: s for s in manifest.steps}
    descent_step = by_name["Gradient descent"]
    words = (
        descent_step.caption,
        by_name["The loss curve"].caption,
        descent_step.facts["rises"],
    )
    assert words == milestone_words(p)  # the scene says what the words below say
    check_milestone_words(words, p)


@given(**MILESTONE_DRAWS)
@settings(max_examples=25, deadline=None)
def test_the_milestone_s_words_say_only_what_its_run_did(function, x0, lr, steps):
    p = milestone_params(function, x0, lr, steps)
    check_milestone_words(milestone_words(p), p)


def test_the_issue_s_rising_run_is_not_called_downhill() -> None:
    p = dataclasses.replace(
        RosenbrockMilestone.Params(), x0=(-1.5, 2.0), lr=0.0015, steps=5000
    )
    steps = {s.name: s for s in scene_manifest(RosenbrockMilestone, p).steps}
    caption = steps["Gradient descent"].caption
    assert "downhill every time" not in caption
    assert "The loss rises 15 times in the first 25, then falls." in caption


@given(st.sets(st.sampled_from(list(OPTIMIZERS)), min_size=1, max_size=5))
@settings(max_examples=4, deadline=None)
def test_the_race_names_its_entrants_and_its_leader_truly(chosen: set[str]) -> None:
    names = tuple(n for n in OPTIMIZERS if n in chosen)
    p = dataclasses.replace(
        OptimizerRace.Params(),
        optimizers=names,
        steps=300,
        lrs_per_decade=1,
        race_seconds=1.0,
    )
    manifest = scene_manifest(OptimizerRace, p)
    first = manifest.steps[0].name
    assert (
        first.split()[0].lower() == ["one", "two", "three", "four", "five"][len(names) - 1]
    )
    assert first == entrants(len(names))
    finals = {}
    for name, rows in manifest.values["tuning"].items():
        (chosen_row,) = [r for r in rows if r["chosen"]]
        f = resolve_objective(p.function, dim=2)
        finals[name] = float(
            run(f, p.x0, OPTIMIZERS[name](chosen_row["lr"]), p.steps, p.tol).losses[-1]
        )
    last = manifest.steps[-1].caption
    if len(names) == 1:
        assert last.startswith(f"{names[0]} races alone.")
    elif m := re.match(r"This time (\w+) ends lowest\.", last):
        assert finals[m[1]] == min(finals.values())
        assert sorted(finals.values())[1] > finals[m[1]]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_a_step_name_that_counts_says_the_count(n: int) -> None:
    words = ["One optimizer", "Two optimizers", "Three optimizers", "Four optimizers"]
    assert entrants(n) == [*words, "Five optimizers"][n - 1]


DESCENT_DRAWS = {
    "function": st.sampled_from(["bowl", "himmelblau", "x**2 + 3*y**2", "sincos"]),
    "x0": st.tuples(st.floats(-4.0, 4.0), st.floats(-4.0, 4.0)),
    "lr": st.floats(0.01, 1.2),
    "steps": st.integers(0, 80),
}


def descent_params(function: str, x0, lr: float, steps: int):
    """DescentBowl's parameters for a drawn lesson."""
    return dataclasses.replace(
        DescentBowl.Params(),
        function=function,
        x0=tuple(round(v, 2) for v in x0),
        lr=round(lr, 3),
        steps=steps,
        rest_seconds=1.0,
    )


def descent_words(p) -> list[str]:
    """DescentBowl's captions after the first (which says the idea, no number), from
    its caption functions and its run, without drawing."""
    d = shown(descent, p)
    worked = range(min(p.worked_steps, d.run.n_steps))
    return [
        *(DescentBowl._worked_caption(d.run, t) for t in worked),
        DescentBowl._rest_caption(d),
        DescentBowl._stop_caption(d, p),
    ]


def check_descent_claims(captions: list[str], p) -> None:
    """Each claim of DescentBowl's captions, against the run written out again."""
    losses, norms, converged = descent_run(p.function, p.x0, p.lr, p.steps, p.tol)
    for caption in captions:
        if m := re.match(
            r"Step (\d+), same rule: .* length (shrinks|grows) from (.+) to (.+?),", caption
        ):
            t = int(m[1]) - 1
            assert (m[3], m[4]) == (fmt(norms[t - 1]), fmt(norms[t]))
            assert (norms[t] < norms[t - 1]) == (m[2] == "shrinks")
        if "steps shrink as the slope flattens" in caption:
            assert norms[-1] < norms[0]
        if m := re.match(r"After (\d+) steps the gradient's length is below", caption):
            assert converged and int(m[1]) == len(losses) - 1
        if m := re.match(r"(\d+) steps later the run stops where it is", caption):
            assert not converged and int(m[1]) == p.steps == len(losses) - 1
        if "No step is taken" in caption:
            assert converged and len(losses) == 1
        if m := re.search(r"diverged at step (\d+)|leaves the map at step (\d+)", caption):
            assert not converged and losses[-1] > losses[0]


@given(**DESCENT_DRAWS)
@example(function="bowl", x0=(4.0, 3.0), lr=0.2, steps=50)  # converges, worked steps
@example(function="bowl", x0=(4.0, 3.0), lr=1.05, steps=50)  # diverges
@settings(SHOWN, max_examples=5)
def test_the_descent_says_only_what_its_run_did(function, x0, lr, steps) -> None:
    p = descent_params(function, x0, lr, steps)
    manifest = shown(scene_manifest, DescentBowl, p)
    captions = [step.caption for step in manifest.steps]
    assert captions[1:] == descent_words(p)  # the scene says what the words below say
    check_descent_claims(captions, p)


@given(**DESCENT_DRAWS)
@example(function="bowl", x0=(4.0, 3.0), lr=0.2, steps=0)  # no step allowed
@example(function="bowl", x0=(0.0, 0.0), lr=0.2, steps=5)  # at the minimum already
@example(function="bowl", x0=(4.0, 3.0), lr=0.2, steps=2)  # fewer steps than worked
@settings(max_examples=40, deadline=None)
def test_the_descent_s_words_say_only_what_its_run_did(function, x0, lr, steps):
    p = descent_params(function, x0, lr, steps)
    check_descent_claims(descent_words(p), p)


def quartic_run(x0: float, lr: float, steps: int, tol: float):
    """Gradient descent on f(x) = x⁴ − 3x³ + 2 written out again (f′ = 4x³ − 9x²):
    the points, and whether |f′| < tol stopped it."""
    xs = [np.float64(x0)]  # NumPy floats overflow to inf, as a run does
    with np.errstate(all="ignore"):
        for _ in range(steps):
            slope = 4 * xs[-1] ** 3 - 9 * xs[-1] ** 2
            if abs(slope) < tol:
                return np.array(xs), True
            xs.append(xs[-1] - lr * slope)
            if not np.isfinite(xs[-1]):
                break
    # As the notebook's loop: the point after the last allowed step is not tested.
    return np.array(xs), False


@given(
    x0=st.floats(-1.5, 4.5),
    rates=st.lists(
        st.sampled_from([0.001, 0.005, 0.01, 0.02, 0.05, 0.1]),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    steps=st.integers(5, 300),
)
@example(x0=4.0, rates=[0.001, 0.01, 0.05, 0.1], steps=100)  # the exercise
@example(x0=2.12, rates=[0.001, 0.05], steps=5)  # at the minimum just as the steps end
@settings(max_examples=25, deadline=None)
def test_the_exercise_names_the_best_rate_and_the_too_large_one_truly(x0, rates, steps):
    p = dataclasses.replace(
        QuarticRates.Params(), x0=round(x0, 2), rates=tuple(rates), steps=steps
    )
    b = shown(balls, p)
    runs = list(b.runs)
    best = best_caption(runs, fastest_converged(runs))
    truth = {lr: quartic_run(p.x0, lr, steps, p.tol) for lr in rates}
    if m := re.match(r"Best here: η = (\S+), converged in (\d+) steps\.", best):
        lr = float(m[1])
        points, converged = truth[lr]
        assert converged and len(points) - 1 == int(m[2])
        fewer = [len(x) for x, c in truth.values() if c]
        assert len(points) == min(fewer)  # no rate converged in fewer steps
    else:
        assert best.startswith("None of these rates converges within the step limit.")
        assert not any(c for _, c in truth.values())
    for m in re.finditer(r"η = (\S+) is still at x = (\S+) after (\d+) steps", best):
        points, converged = truth[float(m[1])]  # lower and flatter than its start
        assert not converged and len(points) - 1 == int(m[3]) == steps
        assert fmt(float(points[-1])) == m[2]
        ends = (points[0], points[-1])
        height = [x**4 - 3 * x**3 + 2 for x in ends]
        slope = [abs(4 * x**3 - 9 * x**2) for x in ends]
        assert height[1] <= height[0] and slope[1] < slope[0]
    for m in re.finditer(r"η = (\S+) takes (\d+) steps", best):
        points, converged = truth[float(m[1])]
        assert converged and len(points) - 1 == int(m[2])
    diverged = [i for i, v in enumerate(b.verdicts) if v.status == "diverged"]
    large = too_large_caption(b, diverged)
    if m := re.match(
        r"Too large: with η = (\S+) the first step throws x to (\S+)\.", large
    ):
        points, _ = truth[float(m[1])]
        assert fmt(float(points[1])) == m[2]
        assert not truth[float(m[1])][1]  # it does not converge


@given(
    function=st.sampled_from(["bowl", "himmelblau", "x**2 + 3*y**2", "x**4 + y**2"]),
    x0=st.tuples(st.floats(-3.0, 3.0), st.floats(-3.0, 3.0)),
    past=st.floats(1.01, 1.5),
)
@example(function="bowl", x0=(4.0, 3.0), past=1.05)  # the lesson's
@settings(max_examples=15, deadline=None)
def test_the_stability_bound_says_what_its_run_past_it_did(function, x0, past) -> None:
    p = dataclasses.replace(
        LearningRates.Params(), function=function, x0=x0, past_bound=round(past, 3)
    )
    probe = shown(rates, p).probe
    losses = gradient_descent(function, p.x0, probe.lr, p.curve_steps, p.tol)
    caption = bound_caption(probe, loss_trend(probe.trajectory.losses))
    if "each step jumps over the minimum to a point higher up" in caption:
        assert np.all(np.diff(losses) > 0)
    if "ends higher than it started" in caption:
        assert losses[-1] >= losses[0]
    if "happens to end lower" in caption:
        assert losses[-1] < losses[0]


def test_an_exercise_where_every_rate_diverges_says_so_and_builds() -> None:
    # x³ − 2x falls without end to the left of its maximum: every ball heads away.
    p = dataclasses.replace(QuarticRates.Params(), function="x**3 - 2*x", x0=-1.0)
    captions = [s.caption for s in scene_manifest(QuarticRates, p).steps]
    assert "None of these rates converges within the step limit." in captions
    for lr in p.rates:
        x = -1.0
        for _ in range(p.steps):
            x -= lr * (3 * x**2 - 2)
            if abs(x) > 1e6:
                break
        assert x < -1.1 and abs(3 * x**2 - 2) > p.tol  # leftwards, nowhere flat
