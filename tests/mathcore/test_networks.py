"""Tests for mathcore.networks: the lesson's graphs against the notebook's hand
derivations (re-derived here from its formulas, with its ``sigmoid`` from
``tests/notebook.py``) and against PyTorch autograd written independently in this
file, never against numbers copied from our own output."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from mathcore import networks
from mathcore.graph import Value
from mathcore.networks import (
    affine,
    backprop,
    chain_example,
    chain_links,
    check_against_torch,
    composition_check,
    composition_example,
    edge_symbols,
    leaf_gradients,
    neuron,
    torch_gradients,
    two_layer,
)
from tests import notebook

EXERCISE3 = {"x": 1.0, "w1": 0.5, "b1": 0.1, "w2": -0.3, "b2": 0.2}
NEURON = {"x": 2.0, "w": 0.5, "b": -1.0}


def torch_leaves(values: dict[str, float]) -> dict[str, torch.Tensor]:
    return {
        k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
        for k, v in values.items()
    }


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


# ------------------------------------------------------------- y = (x + 2)², by hand


def test_chain_example_is_the_notebooks_hand_derivation() -> None:
    t = backprop(chain_example(3.0))
    x, a, y = t.node("x"), t.node("a"), t.node("y")
    # Forward: a = x + 2 = 5, y = a² = 25.
    assert (x.value, a.value, y.value) == (3.0, 5.0, 25.0)
    # Backward: dy/dy = 1, dy/da = 2a = 10, da/dx = 1, dy/dx = 10.
    assert y.grad == 1.0
    assert t.edge(a.id, y.id).local_grad == 10.0
    assert t.edge(x.id, a.id).local_grad == 1.0
    assert (a.grad, x.grad) == (10.0, 10.0)
    # Verification line of the notebook: d/dx (x+2)² = 2(x+2).
    assert x.grad == 2 * (3.0 + 2)


def test_chain_example_graph_shape() -> None:
    t = backprop(chain_example())
    assert [(n.label, n.op, n.layer) for n in t.nodes] == [
        ("x", "", 0),
        ("2", "const", 0),
        ("a", "+", 1),
        ("y", "**2", 2),
    ]
    assert edge_symbols(chain_example()) == {
        ("a", "y"): "2a",
        ("x", "a"): "1",
        ("2", "a"): "1",
    }


@pytest.mark.parametrize("x0", [-4.5, -2.0, 0.0, 1.25, 7.0])
def test_chain_example_anywhere_matches_torch(x0: float) -> None:
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    y = (x + 2) ** 2
    y.backward()
    t = backprop(chain_example(x0))
    assert close(t.node("y").value, y.item())
    assert close(t.node("x").grad, x.grad.item())


# ------------------------------------------------------------- sin²(x)


def test_composition_at_quarter_pi_is_one() -> None:
    check = composition_check(math.pi / 4)
    # The notebook: h'(π/4) = 2 sin cos = sin(2·π/4) = sin(π/2) = 1.
    assert check.value == pytest.approx(0.5, abs=1e-15)
    assert check.chain_rule == pytest.approx(math.sin(math.pi / 2), abs=1e-15)
    assert check.closed_form == pytest.approx(1.0, abs=1e-15)
    # Printed to 6 decimals, the numerical and exact derivatives agree.
    assert f"{check.numerical:.6f}" == f"{np.sin(np.pi / 2):.6f}" == "1.000000"
    assert 0 <= check.difference < 1e-9
    assert check.difference == abs(check.numerical - check.chain_rule)


@pytest.mark.parametrize("x0", [-1.3, 0.2, 2.9])
def test_composition_matches_torch_and_its_links(x0: float) -> None:
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    (torch.sin(x) ** 2).backward()
    check = composition_check(x0)
    assert close(check.chain_rule, x.grad.item())
    assert check.numerical == pytest.approx(x.grad.item(), abs=1e-9)
    links = chain_links(composition_example(x0), "x")
    assert [(k.source, k.target, k.symbol) for k in links] == [
        ("u", "h", "2u"),
        ("x", "u", "cos(x)"),
    ]
    assert close(links[0].factor, 2 * math.sin(x0))
    assert close(links[1].factor, math.cos(x0))


# ------------------------------------------------------------- the neuron


def test_neuron_prints_what_the_notebook_prints() -> None:
    x, w, b = NEURON.values()
    # The notebook's formulas, evaluated here.
    z = w * x + b
    y = notebook.sigmoid(z)
    dy_dz = notebook.sigmoid_derivative(z)
    expected = {"y": y, "dy/dz": dy_dz, "dy/dw": dy_dz * x, "dy/db": dy_dz * 1}
    t = backprop(neuron(**NEURON))
    z_node, y_node = t.node("z"), t.node("y")
    got = {
        "y": y_node.value,
        "dy/dz": t.edge(z_node.id, y_node.id).local_grad,
        "dy/dw": t.node("w").grad,
        "dy/db": t.node("b").grad,
    }
    assert t.node("z").value == z
    for key, value in expected.items():
        assert f"{got[key]:.4f}" == f"{value:.4f}", key
    # dz/dw = x, dz/db = 1, dz/dx = w on the edges.
    assert t.edge(t.node("w").id, z_node.id).local_grad == x
    assert t.edge(t.node("b").id, z_node.id).local_grad == 1.0
    assert t.edge(t.node("x").id, z_node.id).local_grad == w


def test_neuron_graph_has_the_notebooks_names() -> None:
    t = backprop(neuron())
    assert [n.label for n in t.nodes] == ["x", "w", "b", "z", "y"]
    assert [n.layer for n in t.nodes] == [0, 0, 0, 1, 2]
    assert edge_symbols(neuron()) == {
        ("z", "y"): "σ'(z)",
        ("x", "z"): "w",
        ("w", "z"): "x",
        ("b", "z"): "1",
    }


@pytest.mark.parametrize(
    "values", [NEURON, {"x": -1.5, "w": 2.0, "b": 0.3}, {"x": 0.0, "w": -0.7, "b": 4.0}]
)
def test_neuron_matches_torch(values: dict[str, float]) -> None:
    t = torch_leaves(values)
    y = torch.sigmoid(t["w"] * t["x"] + t["b"])
    y.backward()
    ours = leaf_gradients(neuron(**values))
    assert close(ours.output, y.item())
    assert set(ours.grads) == set(values)
    for k in values:
        assert close(ours.grads[k], t[k].grad.item()), k


# ------------------------------------------------------------- Exercise 3


def hand_two_layer(
    x: float, w1: float, b1: float, w2: float, b2: float
) -> dict[str, float]:
    """Exercise 3 by hand: the forward pass and ∂y/∂w1 = σ'(z2)·w2·σ'(z1)·x."""
    z1 = w1 * x + b1
    h = notebook.sigmoid(z1)
    z2 = w2 * h + b2
    y = notebook.sigmoid(z2)
    return {
        "z1": z1,
        "h": h,
        "z2": z2,
        "y": y,
        "s2": y * (1 - y),
        "s1": h * (1 - h),
        "dy_dw1": y * (1 - y) * w2 * h * (1 - h) * x,
    }


def test_two_layer_forward_and_names() -> None:
    hand = hand_two_layer(**EXERCISE3)
    t = backprop(two_layer(**EXERCISE3))
    assert [n.label for n in t.nodes] == ["x", "w1", "b1", "z1", "h", "w2", "b2", "z2", "y"]
    for label in ("z1", "h", "z2", "y"):
        assert close(t.node(label).value, hand[label]), label
    assert f"{t.node('y').value:.4f}" == f"{hand['y']:.4f}"


def test_two_layer_links_are_the_hand_chain() -> None:
    hand = hand_two_layer(**EXERCISE3)
    links = chain_links(two_layer(**EXERCISE3), "w1")
    assert [(k.source, k.target, k.symbol) for k in links] == [
        ("z2", "y", "σ'(z2)"),
        ("h", "z2", "w2"),
        ("z1", "h", "σ'(z1)"),
        ("w1", "z1", "x"),
    ]
    factors = [hand["s2"], EXERCISE3["w2"], hand["s1"], EXERCISE3["x"]]
    for link, factor in zip(links, factors, strict=True):
        assert close(link.factor, factor)
    running = np.cumprod(factors)
    for link, product in zip(links, running, strict=True):
        assert close(link.product, float(product))
    assert close(links[-1].product, hand["dy_dw1"])


@pytest.mark.parametrize(
    "values",
    [
        EXERCISE3,
        {"x": -2.0, "w1": 1.5, "b1": -0.4, "w2": 0.8, "b2": -1.1},
        {"x": 0.3, "w1": -3.0, "b1": 2.0, "w2": 2.5, "b2": 0.0},
    ],
)
def test_two_layer_matches_torch(values: dict[str, float]) -> None:
    t = torch_leaves(values)
    h = torch.sigmoid(t["w1"] * t["x"] + t["b1"])
    y = torch.sigmoid(t["w2"] * h + t["b2"])
    y.backward()
    ours = leaf_gradients(two_layer(**values))
    assert close(ours.output, y.item())
    for k in values:
        assert close(ours.grads[k], t[k].grad.item()), k
    # The path product is the gradient: w1 reaches y along one path only.
    assert close(chain_links(two_layer(**values), "w1")[-1].product, t["w1"].grad.item())
    theirs = torch_gradients("two_layer", values)
    assert close(theirs.output, y.item())
    for k in values:
        assert close(theirs.grads[k], t[k].grad.item()), k


# ------------------------------------------------------------- pieces and failures


def test_affine_matches_torch() -> None:
    x, w, b = Value(1.7, "x"), Value(-0.6, "w"), Value(0.25, "b")
    z = affine(x, w, b)
    (z * z).backward()
    tx, tw, tb = (
        torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (1.7, -0.6, 0.25)
    )
    tz = tw * tx + tb
    (tz * tz).backward()
    assert close(z.data, tz.item())
    for ours, ref in ((x, tx), (w, tw), (b, tb)):
        assert close(ours.grad, ref.grad.item())


def test_neuron_check_against_torch_matches() -> None:
    check = check_against_torch("neuron", NEURON)
    assert check.all_match
    assert set(check.matches) == {"x", "w", "b", "output"}
    assert check.torch.grads["w"] == pytest.approx(0.5, abs=1e-15)
    assert check.torch.grads["b"] == pytest.approx(0.25, abs=1e-15)


def test_check_against_torch_flags_a_wrong_gradient(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = networks.torch_gradients

    def off_by_a_little(network: str, inputs: dict[str, float]) -> networks.Gradients:
        g = real(network, inputs)  # type: ignore[arg-type]
        return networks.Gradients(g.output, {**g.grads, "b1": g.grads["b1"] * (1 + 1e-9)})

    monkeypatch.setattr(networks, "torch_gradients", off_by_a_little)
    check = check_against_torch("two_layer", EXERCISE3)
    assert not check.all_match
    assert [k for k, ok in check.matches.items() if not ok] == ["b1"]


def test_torch_gradients_rejects_bad_requests() -> None:
    with pytest.raises(ValueError, match="network"):
        torch_gradients("three_layer", NEURON)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs exactly x, w, b"):
        torch_gradients("neuron", {"x": 1.0, "w": 2.0})
    with pytest.raises(ValueError, match="network"):
        check_against_torch("resnet", NEURON)  # type: ignore[arg-type]


def test_chain_links_needs_exactly_one_path() -> None:
    with pytest.raises(ValueError, match="found 0"):
        chain_links(neuron(), "q")
    x = Value(2.0, "x")
    with pytest.raises(ValueError, match="found 2"):
        chain_links(x * x, "x")  # x reaches the product twice: no single chain


def test_constants_are_not_inputs() -> None:
    assert leaf_gradients(chain_example()).grads == {"x": 10.0}
