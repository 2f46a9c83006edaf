"""The backprop scenes render, show the notebook's numbers, and match their golden frames.

Every number in a manifest is checked against a reference written here: the
notebook's hand derivations re-done from its formulas (its ``sigmoid``, from
``tests/notebook.py``), and PyTorch autograd (float64) run independently of
mathcore.networks.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import pytest
import torch

from lesson import themes
from scenes import backprop, two_layer
from tests import notebook
from tests.scenes.checks import (
    assert_captions,
    assert_goldens,
    assert_video,
    golden_matches,
    read_manifest,
)

SCENES = [backprop.ChainRuleGraph, backprop.NeuronBackprop, two_layer.TwoLayerBackprop]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


def torch_grads(f: Any, **values: float) -> tuple[float, dict[str, float]]:
    leaves = {
        k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
        for k, v in values.items()
    }
    y = f(**leaves)
    y.backward()
    return y.item(), {k: t.grad.item() for k, t in leaves.items()}


# ----------------------------------------------------------------- renders


@pytest.mark.parametrize("name", [cls.__name__ for cls in SCENES])
def test_renders_at_480p15_with_captions(rendered: dict[str, Path], name: str) -> None:
    assert_video(rendered[name], 15, 40)  # 15 to 40 seconds, as the brief asks
    assert_captions(rendered[name], read_manifest(rendered[name]))


# ----------------------------------------------------------------- manifests


def test_chain_rule_numbers_are_the_notebooks(rendered: dict[str, Path]) -> None:
    m = read_manifest(rendered["ChainRuleGraph"])
    x = m["params"]["x"]
    assert x == 3.0
    values = m["values"]
    # Forward: a = x + 2 = 5, y = a² = 25.
    assert values["forward"] == {"x": 3.0, "2": 2.0, "a": 5.0, "y": 25.0}
    # Backward: dy/da = 2a = 10 and da/dx = 1 on the edges; dy/dy = 1, dy/dx = 10.
    assert values["local"] == {"x->a": 1.0, "2->a": 1.0, "a->y": 10.0}
    assert values["grads"] == {"x": 10.0, "a": 10.0, "y": 1.0}
    assert values["grads"]["x"] == 2 * (x + 2)  # the notebook's verification line


def test_composition_numbers_are_sin_squared(rendered: dict[str, Path]) -> None:
    values = read_manifest(rendered["ChainRuleGraph"])["values"]
    at = math.pi / 4
    ref_value, ref = torch_grads(lambda x: torch.sin(x) ** 2, x=at)
    fwd = values["composition.forward"]
    assert close(fwd["x"], at)
    assert close(fwd["u"], math.sin(at))
    assert close(fwd["h"], ref_value)
    assert close(values["composition.local"]["x->u"], math.cos(at))
    assert close(values["composition.local"]["u->h"], 2 * math.sin(at))
    assert close(values["composition.grads"]["x"], ref["x"])
    # sin²'(π/4) = sin(π/2) = 1, by the chain rule and (to ~1e-10) numerically.
    assert values["composition.chain_rule"] == pytest.approx(
        math.sin(math.pi / 2), abs=1e-15
    )
    assert values["composition.closed_form"] == pytest.approx(1.0, abs=1e-15)
    assert values["composition.numerical"] == pytest.approx(1.0, abs=1e-9)
    assert values["composition.numerical"] != values["composition.chain_rule"]
    assert values["composition.difference"] == abs(
        values["composition.numerical"] - values["composition.chain_rule"]
    )


def test_neuron_numbers_match_the_notebook_and_torch(rendered: dict[str, Path]) -> None:
    m = read_manifest(rendered["NeuronBackprop"])
    p, values = m["params"], m["values"]
    x, w, b = p["x"], p["w"], p["b"]
    assert (x, w, b) == (2.0, 0.5, -1.0)
    # The notebook's prints, from its formulas, to its 4 decimals.
    z = w * x + b
    y = notebook.sigmoid(z)
    dy_dz = notebook.sigmoid_derivative(z)
    assert values["forward"]["z"] == z
    assert f"{values['forward']['y']:.4f}" == f"{y:.4f}"
    assert f"{values['local']['z->y']:.4f}" == f"{dy_dz:.4f}"
    assert values["local"]["w->z"] == x and values["local"]["b->z"] == 1.0
    assert f"{values['grads']['w']:.4f}" == f"{dy_dz * x:.4f}"
    assert f"{values['grads']['b']:.4f}" == f"{dy_dz:.4f}"
    # Every gradient shown, ours and "PyTorch's", against autograd run here.
    ref_y, ref = torch_grads(lambda x, w, b: torch.sigmoid(w * x + b), x=x, w=w, b=b)
    assert close(values["torch.output"], ref_y)
    for k in ("x", "w", "b"):
        assert close(values["grads"][k], ref[k]), k
        assert close(values["torch.grads"][k], ref[k]), k
    assert values["match"] == {"x": True, "w": True, "b": True, "output": True}


def test_two_layer_chain_is_the_hand_derivation(rendered: dict[str, Path]) -> None:
    m = read_manifest(rendered["TwoLayerBackprop"])
    p, values = m["params"], m["values"]
    x, w1, b1, w2, b2 = (p[k] for k in ("x", "w1", "b1", "w2", "b2"))
    assert (x, w1, b1, w2, b2) == (1.0, 0.5, 0.1, -0.3, 0.2)
    h = notebook.sigmoid(w1 * x + b1)
    y = notebook.sigmoid(w2 * h + b2)
    for label, ref in (("z1", w1 * x + b1), ("h", h), ("z2", w2 * h + b2), ("y", y)):
        assert close(values["forward"][label], ref), label
    factors = [y * (1 - y), w2, h * (1 - h), x]  # σ'(z2) · w2 · σ'(z1) · x
    links = values["links"]
    assert [k["symbol"] for k in links] == ["σ'(z2)", "w2", "σ'(z1)", "x"]
    assert [(k["source"], k["target"]) for k in links] == [
        ("z2", "y"),
        ("h", "z2"),
        ("z1", "h"),
        ("w1", "z1"),
    ]
    running = 1.0
    for link, factor in zip(links, factors, strict=True):
        running *= factor
        assert close(link["factor"], factor)
        assert close(link["product"], running)
    ref_y, ref = torch_grads(
        lambda x, w1, b1, w2, b2: torch.sigmoid(w2 * torch.sigmoid(w1 * x + b1) + b2),
        x=x,
        w1=w1,
        b1=b1,
        w2=w2,
        b2=b2,
    )
    assert close(values["dy/dw1"], ref["w1"])
    assert f"{values['dy/dw1']:.4f}" == "-0.0172"
    assert close(values["torch.output"], ref_y)
    for k in ("x", "w1", "b1", "w2", "b2"):
        assert close(values["torch.grads"][k], ref[k]), k
    assert all(values["match"].values()) and len(values["match"]) == 6


# ----------------------------------------------------------------- golden frames


@pytest.mark.parametrize("scene_cls", SCENES, ids=lambda c: c.__name__)
def test_scene_matches_its_golden_frames(scene_cls: type, update_goldens: bool) -> None:
    assert_goldens(scene_cls, update_goldens)


def test_another_composition_point_changes_only_the_composition_steps() -> None:
    params = dataclasses.replace(backprop.ChainRuleParams(), composition_at="pi/3")
    assert golden_matches(backprop.ChainRuleGraph, params) == [True, True, False, False]


def test_a_wrong_path_colour_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # The path highlight and the backward flash use POINT; the forward pass and the
    # PyTorch table do not, so exactly the two middle steps must fail.
    dark = themes.DARK  # the scene drawn in a theme whose point is its good colour
    monkeypatch.setitem(themes.THEMES, "dark", dataclasses.replace(dark, point=dark.good))
    assert golden_matches(two_layer.TwoLayerBackprop) == [True, False, False, True]
