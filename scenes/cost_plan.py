"""What BackpropCost (:mod:`scenes.cost`) takes and settles before it draws: its
parameters (the network drawn and the widths swept), and from :mod:`mathcore.mlp`
the work of a gradient by central differences and by backprop, counted as it is
done, for the drawn network and the sweep, and the two gradients side by side; or
one ParamError naming the parameter to change.

Nothing here draws: every number comes from ``mathcore``.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Annotated

import numpy as np

from lesson import params
from mathcore import mlp
from mathcore.graph import Trace
from mathcore.networks import backprop, neuron

MAX_PARAMS = 20_000
"""The largest network swept: central differences on it take 2P forward passes of
~P multiply–adds each, a time that grows as P²."""

ACTIVATION = params.OneOf(mlp.ACTIVATIONS)
"""The activations a network may use."""


@dataclass(frozen=True)
class BackpropCostParams(params.Params):
    """A 4-input MLP with two tanh hidden layers, drawn at width 3 (P = 31) and swept
    from width 2 to 100 (P = 19 to 10 701). There is no ``function``: the object
    differentiated is a network's loss, not a formula of x and y."""

    inputs: Annotated[int, params.Between(1, 6)] = 4
    """n₀, the inputs of every network (the drawn one and the swept ones)."""
    hidden_layers: Annotated[int, params.Between(1, 3)] = 2
    """How many hidden layers each network has."""
    width: Annotated[int, params.Between(1, 6)] = 3
    """Neurons per hidden layer of the network that is drawn and whose gradient is
    checked both ways."""
    swept_widths: Annotated[
        tuple[Annotated[int, params.Between(1, 150)], ...], params.Items(3, 8)
    ] = (2, 5, 10, 20, 50, 100)
    """Hidden widths of the growing networks, increasing (at most 20 000 parameters)."""
    activation: Annotated[str, ACTIVATION] = "tanh"
    """The activation after every hidden layer (the output layer is linear)."""
    seed: Annotated[int, params.Between(0, 2**32 - 1)] = 0
    """Seed of the weights, the input and the target."""
    digits: Annotated[int, params.Between(4, 12)] = 10
    """Decimals of the gradients compared in the last step."""
    compared: Annotated[int, params.Between(1, 6)] = 4
    """How many gradients are listed both ways (spread over the parameters)."""
    nudge_seconds: params.Seconds = 3.5
    """Seconds the parameters take to be nudged one by one."""
    sweep_seconds: params.Seconds = 1.8
    """Seconds each line of the log–log plot takes to be drawn."""

    def check(self) -> None:
        """Refuse sweeps that do not grow or are too large to count quickly."""
        plan(self)


@dataclass(frozen=True)
class Plan:
    """What BackpropCost shows, all from mathcore."""

    net: mlp.MLP
    cost: mlp.Cost
    agreement: mlp.Agreement
    sweep: tuple[mlp.Cost, ...]
    central_slope: float
    backprop_slope: float
    neuron: Trace


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def plan(p: BackpropCostParams) -> Plan:
    """The drawn network's costs and gradients, and the sweep's costs; ParamError
    when the swept widths do not increase or give more than MAX_PARAMS parameters."""
    widths = [mlp.hidden_widths(p.inputs, w, p.hidden_layers) for w in p.swept_widths]
    if any(b <= a for a, b in itertools.pairwise(p.swept_widths)):
        raise params.ParamError("swept_widths", f"must increase, got {p.swept_widths}")
    params.within("swept_widths", mlp.n_params(widths[-1]), 1, MAX_PARAMS)
    ACTIVATION.check("activation", p.activation)
    net = mlp.mlp(
        mlp.hidden_widths(p.inputs, p.width, p.hidden_layers), p.activation, p.seed
    )
    sweep = tuple(mlp.gradient_cost(mlp.mlp(w, p.activation, p.seed)) for w in widths)
    sizes = [c.n_params for c in sweep]
    return Plan(
        net=net,
        cost=mlp.gradient_cost(net),
        agreement=mlp.agreement(net),
        sweep=sweep,
        central_slope=mlp.loglog_slope(sizes, [c.central.multiply_adds for c in sweep]),
        backprop_slope=mlp.loglog_slope(sizes, [c.backprop.multiply_adds for c in sweep]),
        neuron=backprop(neuron()),
    )


def compared(q: Plan, p: BackpropCostParams) -> np.ndarray:
    """The parameters whose gradients the last step lists, spread over all of them."""
    last = q.cost.n_params - 1
    return np.unique(np.linspace(0, last, p.compared).round().astype(int))
