"""mathcore.mlp against references written here: closed-form operation counts derived
from the widths, and PyTorch autograd (float64) on the same network written in torch."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from mathcore import mlp

SHAPES = [(4, 3, 3, 1), (1, 1), (3, 7, 1), (6, 5, 4, 3, 1), (2, 20, 20, 1)]


def closed_forms(widths: tuple[int, ...]) -> dict[str, int]:
    """P, F and both gradients' multiply-adds, from the widths alone."""
    pairs = list(itertools.pairwise(widths))
    p = sum((a + 1) * b for a, b in pairs)  # a weight per pair of neurons, a bias each
    f = sum(a * b for a, b in pairs)  # one multiply-add per weight
    # Backward: ∂L/∂W = δ aᵀ in every layer (a·b each), δ_prev = Wᵀδ in all but the
    # first (no gradient for the input).
    backward = sum(a * b for a, b in pairs) + sum(a * b for a, b in pairs[1:])
    return {"P": p, "F": f, "backprop": f + backward, "central": 2 * p * f}


def torch_loss_and_grad(net: mlp.MLP) -> tuple[float, np.ndarray]:
    """The same network in PyTorch, float64: L and ∂L/∂θ in W1, b1, W2, b2, … order."""
    ws = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in net.weights]
    bs = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in net.biases]
    act = torch.tanh if net.activation == "tanh" else torch.sigmoid
    a = torch.tensor(net.x, dtype=torch.float64)
    for i, (w, b) in enumerate(zip(ws, bs, strict=True)):
        z = torch.nn.functional.linear(a, w, b)
        a = z if i == len(ws) - 1 else act(z)
    loss = 0.5 * (a[0] - net.target) ** 2
    loss.backward()
    grads = [t.grad.numpy().ravel() for pair in zip(ws, bs, strict=True) for t in pair]
    return loss.item(), np.concatenate(grads)


@pytest.mark.parametrize("widths", SHAPES)
def test_counted_work_is_the_closed_form(widths: tuple[int, ...]) -> None:
    ref = closed_forms(widths)
    cost = mlp.gradient_cost(mlp.mlp(widths))
    assert cost.n_params == mlp.n_params(widths) == ref["P"]
    assert vars(cost.forward_pass) == {
        "multiply_adds": ref["F"],
        "forward_passes": 1,
        "backward_passes": 0,
    }
    assert vars(cost.backprop) == {
        "multiply_adds": ref["backprop"],
        "forward_passes": 1,
        "backward_passes": 1,
    }
    assert vars(cost.central) == {
        "multiply_adds": ref["central"],
        "forward_passes": 2 * ref["P"],
        "backward_passes": 0,
    }


@pytest.mark.parametrize("activation", mlp.ACTIVATIONS)
@pytest.mark.parametrize("widths", SHAPES)
def test_backprop_is_torch_autograd(widths: tuple[int, ...], activation: str) -> None:
    net = mlp.mlp(widths, activation, seed=3)
    ref_loss, ref_grad = torch_loss_and_grad(net)
    loss, grad = mlp.backprop(net)
    assert loss == pytest.approx(ref_loss, rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("activation", mlp.ACTIVATIONS)
@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("widths", [(4, 3, 3, 1), (8, 8, 8, 8, 1), (1, 1, 1)])
def test_central_differences_are_within_their_expected_error(
    widths: tuple[int, ...], activation: str, seed: int
) -> None:
    net = mlp.mlp(widths, activation, seed)
    ref_loss, ref_grad = torch_loss_and_grad(net)
    bound = 10 * np.finfo(np.float64).eps ** (2 / 3) * max(1.0, abs(ref_loss))
    assert mlp.central_error(net) == pytest.approx(bound, rel=1e-12)
    error = np.max(np.abs(mlp.central_gradient(net) - ref_grad))
    assert 0 < error <= bound  # a true difference quotient, never exact...
    assert error > bound / 10_000  # ...and not suspiciously good either


@pytest.mark.parametrize("widths", SHAPES)
def test_central_differences_cost_what_taking_them_counts(widths: tuple[int, ...]) -> None:
    net = mlp.mlp(widths)
    taken = mlp.OpCounter()
    mlp.central_gradient(net, taken)
    assert mlp.gradient_cost(net).central == taken


def test_the_ratio_grows_linearly_in_p() -> None:
    sizes, ratios = [], []
    for width in (2, 5, 10, 20, 50):
        cost = mlp.gradient_cost(mlp.mlp((4, width, width, 1)))
        sizes.append(cost.n_params)
        ratios.append(cost.ratio)
    slope = np.polyfit(np.log10(sizes), np.log10(ratios), 1)[0]
    assert 0.9 < slope < 1.1
    assert all(b > a for a, b in itertools.pairwise(ratios))
    # ratio = 2P·F / (3F − n0·n1), which tends to 2P/3 once F ≫ n0·n1
    ref = closed_forms((4, 50, 50, 1))
    assert ratios[-1] == ref["central"] / ref["backprop"]
    assert ratios[-1] / sizes[-1] == pytest.approx(2 / 3, rel=0.03)


def test_loglog_slope_of_power_laws() -> None:
    p = np.array([10.0, 300.0, 7000.0])
    assert mlp.loglog_slope(p, 3 * p**2) == pytest.approx(2.0, abs=1e-12)
    assert mlp.loglog_slope(p, 5 * p) == pytest.approx(1.0, abs=1e-12)


def test_parameter_names_follow_the_flat_layout() -> None:
    net = mlp.mlp((2, 3, 1))
    names = mlp.parameter_names(net.widths)
    flat = net.flat()
    assert len(names) == net.n_params
    assert flat[names.index("W1[2,1]")] == net.weights[0][1, 0]
    assert flat[names.index("b1[3]")] == net.biases[0][2]
    assert flat[names.index("W2[1,3]")] == net.weights[1][0, 2]
    assert names[-1] == "b2[1]"


def test_refusals() -> None:
    with pytest.raises(ValueError, match="ending in 1"):
        mlp.mlp((3, 2))
    with pytest.raises(ValueError, match="activation"):
        mlp.mlp((3, 1), "relu")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="theta"):
        mlp.mlp((3, 1)).with_flat([1.0, 2.0])
