"""The milestone scenes: they render fast, their numbers are true, their frames approved.

References nobody here wrote: the notebook's ``gradient_descent``, ``rosenbrock``
and ``rosenbrock_grad`` (``tests/notebook.py``), SciPy's ``rosen`` for
losses, ``np.logspace`` for the levels, and ``torch.optim`` replaying each
optimizer's tuned run in the race.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import scipy.optimize
import torch

from mathcore.functions import rosenbrock as rosenbrock_objective
from mathvid.run.render import render_scene
from mathvid.run.stills import run_skipping_animations
from scenes import race, race_plan, rosenbrock, rosenbrock_plan
from tests import notebook
from tests.scenes.checks import (
    assert_captions,
    assert_goldens,
    assert_video,
    golden_matches,
    read_manifest,
)

SCENES = [rosenbrock.RosenbrockMilestone, race.OptimizerRace]


@pytest.fixture(scope="module")
def renders(scene_media: Path) -> dict[str, Path]:
    """Each scene rendered at -ql once in the session: its video. (How long it takes
    is measured in bench/RESULTS.md, on a quiet machine, not here.)"""
    return {cls.__name__: render_scene(cls, "l", scene_media) for cls in SCENES}


def manifest(renders: dict, cls: type) -> dict:
    return read_manifest(renders[cls.__name__])


@pytest.mark.parametrize("scene_cls", SCENES, ids=lambda c: c.__name__)
def test_renders_at_low_quality_with_captions(scene_cls: type, renders: dict) -> None:
    video = renders[scene_cls.__name__]
    assert_video(video, 15, 40)  # 15-40 s of video
    assert_captions(video, manifest(renders, scene_cls))


def test_milestone_shows_the_notebooks_run(renders: dict) -> None:
    m = manifest(renders, rosenbrock.RosenbrockMilestone)
    p, v = m["params"], m["values"]
    assert (p["x0"], p["lr"], p["steps"]) == ([-1.0, 1.0], 0.001, 10_000)
    np.testing.assert_allclose(v["levels"], np.logspace(-1, 3, 20), rtol=1e-14)

    x0 = np.array(p["x0"])
    x_opt, history = notebook.gradient_descent(
        notebook.rosenbrock, notebook.rosenbrock_grad, x0, lr=p["lr"], n_steps=p["steps"]
    )
    assert v["start"]["point"] == [-1.0, 1.0]
    assert v["start"]["loss"] == scipy.optimize.rosen(x0) == 4.0
    shown = v["milestone"]
    np.testing.assert_allclose(shown["final_point"], x_opt, rtol=1e-12, atol=0)
    assert shown["final_loss"] == pytest.approx(scipy.optimize.rosen(x_opt), rel=1e-10)
    assert shown["final_loss"] == pytest.approx(history[-1][1], rel=1e-10)
    assert shown["distance"] == pytest.approx(np.linalg.norm(x_opt - [1, 1]), rel=1e-10)
    assert shown["history_length"] == len(history) == 10_001
    assert shown["n_steps"] == len(history) - 1 and shown["minimum"] == [1.0, 1.0]
    assert v["end"] == {"point": shown["final_point"], "loss": shown["final_loss"]}
    # The notebook's printout, digit for digit.
    assert f"{shown['final_loss']:.6f}" == "0.000057"
    assert f"{shown['distance']:.6f}" == "0.016788"

    losses = [h[1] for h in history]
    low, high = v["loss_curve.decades"]
    assert 10.0**low <= min(losses) < 10.0 ** (low + 1)
    assert 10.0 ** (high - 1) < max(losses) <= 10.0**high
    # A few hundred drawn points stand for 10,001 iterates.
    assert 300 <= v["path.drawn_points"] <= 1_000
    assert 100 <= v["loss_curve.points"] <= 300


def torch_final(optimizer: str, lr: float, steps: int) -> np.ndarray:
    """Where torch.optim ends after ``steps`` updates from (−1, 1) on Rosenbrock."""
    make = {
        "GD": lambda q: torch.optim.SGD(q, lr=lr, foreach=False),
        "Momentum": lambda q: torch.optim.SGD(q, lr=lr, momentum=0.9, foreach=False),
        "Nesterov": lambda q: torch.optim.SGD(
            q, lr=lr, momentum=0.9, nesterov=True, foreach=False
        ),
        "RMSprop": lambda q: torch.optim.RMSprop(q, lr=lr, foreach=False),
        "Adam": lambda q: torch.optim.Adam(q, lr=lr, foreach=False),
    }[optimizer]
    x = torch.tensor([-1.0, 1.0], dtype=torch.float64, requires_grad=True)
    opt = make([x])
    for _ in range(steps):
        opt.zero_grad()
        a, b = x[0], x[1]
        ((1 - a) ** 2 + 100 * (b - a**2) ** 2).backward()  # torch's own autograd
        opt.step()
    return x.detach().numpy()


def test_race_tunes_on_the_stated_grid_and_shows_true_runs(renders: dict) -> None:
    m = manifest(renders, race.OptimizerRace)
    p, v = m["params"], m["values"]
    np.testing.assert_allclose(v["lrs"], np.logspace(-5, 0, 21), rtol=1e-14)
    assert list(v["tuning"]) == ["GD", "Momentum", "Nesterov", "RMSprop", "Adam"]
    for name, rows in v["tuning"].items():
        assert [r["lr"] for r in rows] == v["lrs"]
        chosen = [r for r in rows if r["chosen"]]
        assert len(chosen) == 1
        best = chosen[0]
        # The stated criterion, re-applied to the table: nothing beats the choice.
        for r in rows:
            if r["status"] == "diverged" or r is best:
                continue
            if best["status"] == "converged":
                assert r["status"] != "converged" or r["n_steps"] >= best["n_steps"]
            else:
                assert r["status"] != "converged" and r["final_loss"] >= best["final_loss"]
        assert best["status"] != "diverged"
        assert v["chosen_lr"][name] == best["lr"]
        assert v["final_loss"][name] == best["final_loss"]
        assert v["status"][name] == best["status"]
        assert v["n_steps"][name] == best["n_steps"]
        # torch.optim, with torch's autograd, replays the chosen run.
        end = torch_final(name, best["lr"], best["n_steps"])
        assert best["final_loss"] == pytest.approx(
            scipy.optimize.rosen(end), rel=1e-6, abs=1e-12
        )
    # GD's chosen run is the notebook's loop at that lr.
    gd_row = next(r for r in v["tuning"]["GD"] if r["chosen"])
    x_opt, history = notebook.gradient_descent(
        notebook.rosenbrock,
        notebook.rosenbrock_grad,
        np.array([-1.0, 1.0]),
        gd_row["lr"],
        p["steps"],
    )
    assert gd_row["final_loss"] == pytest.approx(notebook.rosenbrock(x_opt), rel=1e-12)
    assert len(history) - 1 == gd_row["n_steps"]


def family_size(scene_cls: type, params: object = None) -> int:
    scene = run_skipping_animations(scene_cls, params, (64, 36))
    return len(scene.get_mobject_family_members())


def test_mobject_count_does_not_grow_with_the_number_of_steps() -> None:
    full = family_size(rosenbrock.RosenbrockMilestone)
    short = family_size(
        rosenbrock.RosenbrockMilestone,
        dataclasses.replace(rosenbrock_plan.RosenbrockMilestoneParams(), steps=1_000),
    )
    # 10,000 steps are one path: a few hundred mobjects (glyphs, contour levels),
    # the same as for 1,000 steps but for a digit or two of the numbers shown.
    assert full < 600 and abs(full - short) <= 4


@pytest.mark.parametrize("scene_cls", SCENES, ids=lambda c: c.__name__)
def test_golden_frames(scene_cls: type, update_goldens: bool) -> None:
    assert_goldens(scene_cls, update_goldens)


def test_golden_check_fails_for_a_different_learning_rate() -> None:
    params = dataclasses.replace(rosenbrock_plan.RosenbrockMilestoneParams(), lr=0.0002)
    # The valley has no path yet; every later step shows the run, which now stops
    # short of the minimum (loss ≈ 0.1 after 10,000 steps).
    matches = golden_matches(rosenbrock.RosenbrockMilestone, params)
    assert matches == [True, False, False, False]


def test_golden_check_fails_for_a_wrong_optimizer_colour(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(race_plan.OPTIMIZER_COLOURS, "Adam", "tangent")
    # The legend is always shown.
    assert golden_matches(race.OptimizerRace) == [False, False, False]


def test_the_objective_drawn_is_the_notebooks() -> None:
    f = rosenbrock_objective()
    pts = np.random.default_rng(0).uniform(-2, 2, size=(50, 2))
    np.testing.assert_allclose(
        f.value(pts), [notebook.rosenbrock(q) for q in pts], rtol=1e-14
    )
    np.testing.assert_allclose(
        f.gradient(pts), [notebook.rosenbrock_grad(q) for q in pts], rtol=1e-12, atol=1e-12
    )
