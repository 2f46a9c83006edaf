"""BackpropCost renders, counts the work both ways truly, and keeps its golden frames.

References written here: the operation counts in closed form from the widths
(Σ n_in·n_out per pass), and PyTorch autograd (float64) on the same network (its
weights drawn by ``mathcore.mlp.mlp`` from the seed: inputs, not results).
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pytest
import torch

from lesson import params
from mathcore import mlp
from scenes import cost, cost_plan
from tests.scenes.checks import (
    assert_captions,
    assert_goldens,
    assert_video,
    golden_matches,
    read_manifest,
)

SCENES = [cost.BackpropCost]


def widths_of(p: dict, width: int) -> tuple[int, ...]:
    return (p["inputs"], *([width] * p["hidden_layers"]), 1)


def counts(widths: tuple[int, ...]) -> dict[str, int]:
    """P, F and both methods' multiply-adds and passes, in closed form."""
    pairs = list(itertools.pairwise(widths))
    p = sum((a + 1) * b for a, b in pairs)
    f = sum(a * b for a, b in pairs)
    backward = 2 * f - widths[0] * widths[1]  # δaᵀ everywhere, Wᵀδ above layer 1
    return {
        "P": p,
        "F": f,
        "backprop": {
            "multiply_adds": f + backward,
            "forward_passes": 1,
            "backward_passes": 1,
        },
        "central": {
            "multiply_adds": 2 * p * f,
            "forward_passes": 2 * p,
            "backward_passes": 0,
        },
    }


def torch_gradient(net: mlp.MLP) -> tuple[float, np.ndarray]:
    ws = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in net.weights]
    bs = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in net.biases]
    act = {"tanh": torch.tanh, "sigmoid": torch.sigmoid}[net.activation]
    model = []
    for w, b in zip(ws, bs, strict=True):
        model += [w, b]
    a = torch.tensor(net.x, dtype=torch.float64)
    for i, (w, b) in enumerate(zip(ws, bs, strict=True)):
        a = w @ a + b
        if i < len(ws) - 1:
            a = act(a)
    loss = 0.5 * (a[0] - net.target) ** 2
    loss.backward()
    return loss.item(), np.concatenate([t.grad.numpy().ravel() for t in model])


# ----------------------------------------------------------------- renders


def test_renders_at_480p15_with_captions(rendered: dict[str, Path]) -> None:
    assert_video(rendered["BackpropCost"], 15, 50)  # 40 s, and time to read its captions
    assert_captions(rendered["BackpropCost"], read_manifest(rendered["BackpropCost"]))


# ----------------------------------------------------------------- manifest


def test_counts_are_the_closed_forms(rendered: dict[str, Path]) -> None:
    m = read_manifest(rendered["BackpropCost"])
    p, v = m["params"], m["values"]
    widths = widths_of(p, p["width"])
    ref = counts(widths)
    assert tuple(v["widths"]) == widths == (4, 3, 3, 1)
    assert v["n_params"] == ref["P"] == 31
    assert v["forward_multiply_adds"] == ref["F"] == 24
    assert v["backprop"] == ref["backprop"]
    assert v["central"] == ref["central"]
    assert len(v["sweep"]) == len(p["swept_widths"])
    for entry, width in zip(v["sweep"], p["swept_widths"], strict=True):
        ref = counts(widths_of(p, width))
        assert entry["n_params"] == ref["P"]
        assert entry["forward_multiply_adds"] == ref["F"]
        assert entry["backprop"] == ref["backprop"]
        assert entry["central"] == ref["central"]
        assert (
            entry["ratio"]
            == ref["central"]["multiply_adds"] / ref["backprop"]["multiply_adds"]
        )
    sizes = [e["n_params"] for e in v["sweep"]]
    assert sizes[0] < 100 and 10_000 < sizes[-1] <= 20_000  # ~10 to ~10⁴
    # The slopes shown are least-squares fits of the closed forms on log–log axes.
    for which in ("central", "backprop"):
        ys = [counts(widths_of(p, w))[which]["multiply_adds"] for w in p["swept_widths"]]
        fit = np.polyfit(np.log10(sizes), np.log10(ys), 1)[0]
        assert v["slopes"][which] == pytest.approx(fit, abs=1e-9)
    assert 1.9 < v["slopes"]["central"] < 2.1 and 0.9 < v["slopes"]["backprop"] < 1.1


def test_gradients_match_pytorch(rendered: dict[str, Path]) -> None:
    m = read_manifest(rendered["BackpropCost"])
    p, v = m["params"], m["values"]
    net = mlp.mlp(widths_of(p, p["width"]), p["activation"], p["seed"])
    ref_loss, ref = torch_gradient(net)
    assert v["loss"] == pytest.approx(ref_loss, rel=1e-12)
    ours, central = np.array(v["gradient.backprop"]), np.array(v["gradient.central"])
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-15)
    bound = 10 * np.finfo(np.float64).eps ** (2 / 3) * max(1.0, abs(ref_loss))
    assert v["gradient.expected_error"] == pytest.approx(bound, rel=1e-12)
    assert np.max(np.abs(central - ref)) <= bound
    assert v["gradient.max_difference"] == np.max(np.abs(ours - central))
    assert 0 < v["gradient.max_difference"] <= bound


def test_the_neuron_is_the_notebooks(rendered: dict[str, Path]) -> None:
    grads = read_manifest(rendered["BackpropCost"])["values"]["neuron.grads"]
    x, w, b = (
        torch.tensor(t, dtype=torch.float64, requires_grad=True) for t in (2, 0.5, -1)
    )
    torch.sigmoid(w * x + b).backward()
    assert grads["x"] == x.grad.item() and grads["w"] == w.grad.item()
    assert grads["b"] == b.grad.item() == grads["z"] == 0.25


# ----------------------------------------------------------------- golden frames


def test_scene_matches_its_golden_frames(update_goldens: bool) -> None:
    assert_goldens(cost.BackpropCost, update_goldens)


def test_another_seed_changes_only_the_gradients() -> None:
    params_ = dataclasses.replace(cost_plan.BackpropCostParams(), seed=1)
    assert golden_matches(cost.BackpropCost, params_) == [True] * 5 + [False]


# ----------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"swept_widths": (5, 5, 10)}, "must increase"),
        ({"swept_widths": (10, 100, 150), "hidden_layers": 3}, "at most 20000"),
        ({"activation": "relu"}, "choose among"),
    ],
)
def test_refusals_are_one_line(change: dict, match: str) -> None:
    p = dataclasses.replace(cost_plan.BackpropCostParams(), **change)
    with pytest.raises(params.ParamError, match=match) as err:
        p.check()
    assert "\n" not in str(err.value)
