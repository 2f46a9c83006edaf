"""What a gradient costs: backprop against central differences on a small MLP, counted.

"Backpropagation = chain rule + dynamic programming" (notebook, Part 3, Layer 3):
a forward pass costs O(model size), the backward pass the same order, and numerical
differentiation O(parameters × model size). Here that is *measured*: every forward,
backward and central-difference run below takes an :class:`OpCounter` and adds to
it, as it does the work, the multiply–adds of its matrix products and the passes it
makes. Nothing is asserted from a formula; the tests derive the closed forms on
their own and compare.

The network is an MLP on one sample: layers of widths n_0 (inputs), n_1, …, n_L = 1,
a tanh or sigmoid after every hidden layer, a linear output y and the loss
L = ½(y − target)². A layer's product W·a costs n_out·n_in multiply–adds (its bias
is where the sums start, so it costs none of its own); activations, their
derivatives and the loss are O(widths), not O(P), and are not counted.

- forward: F = Σ n_in·n_out multiply–adds;
- backward: per layer, ∂L/∂W = δ aᵀ (n_out·n_in) and, below the first layer,
  δ_prev = Wᵀδ (n_in·n_out), so 2F − n_0·n_1 (no gradient for the input is needed);
- central differences: two forward passes per parameter, 2P passes, 2P·F.

Examples
--------
>>> net = mlp((4, 3, 3, 1))
>>> net.n_params
31
>>> c = OpCounter()
>>> _ = backprop(net, c)
>>> c.forward_passes, c.backward_passes, c.multiply_adds  # F = 24, then 2F − 12
(1, 1, 60)
>>> c = OpCounter()
>>> _ = central_gradient(net, c)
>>> c.forward_passes, c.multiply_adds  # 2P passes of F each
(62, 1488)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.calculus import EPS, numerical_gradient

Activation = Literal["tanh", "sigmoid"]
ACTIVATIONS: tuple[Activation, ...] = ("tanh", "sigmoid")


@dataclass
class OpCounter:
    """The work done so far: multiply–adds, forward passes, backward passes.

    Examples
    --------
    >>> c = OpCounter()
    >>> _ = loss(mlp((2, 2, 1)), c)
    >>> c
    OpCounter(multiply_adds=6, forward_passes=1, backward_passes=0)
    """

    multiply_adds: int = 0
    forward_passes: int = 0
    backward_passes: int = 0


@dataclass(frozen=True)
class MLP:
    """A multilayer perceptron with its one training sample.

    ``weights[l]`` has shape (n_{l+1}, n_l) and ``biases[l]`` shape (n_{l+1},);
    the parameters, flattened, are W_1, b_1, W_2, b_2, … (row-major), the order
    PyTorch's ``nn.Linear`` layers list them in.

    Examples
    --------
    >>> net = mlp((2, 2, 1))
    >>> net.widths, net.n_params, net.flat().shape
    ((2, 2, 1), 9, (9,))
    """

    widths: tuple[int, ...]
    activation: Activation
    weights: tuple[NDArray, ...]
    biases: tuple[NDArray, ...]
    x: NDArray
    target: float

    @property
    def n_params(self) -> int:
        """P, the number of weights and biases."""
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases, strict=True))

    def flat(self) -> NDArray:
        """Every parameter in one vector: W_1, b_1, W_2, b_2, …"""
        return np.concatenate(
            [
                a.ravel()
                for w, b in zip(self.weights, self.biases, strict=True)
                for a in (w, b)
            ]
        )

    def with_flat(self, theta: ArrayLike) -> MLP:
        """The same network with parameters ``theta`` (laid out as :meth:`flat`).

        >>> net = mlp((2, 2, 1))
        >>> bool(np.array_equal(net.with_flat(net.flat()).flat(), net.flat()))
        True
        """
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape != (self.n_params,):
            raise ValueError(f"theta: expected {self.n_params} numbers, got {theta.shape}")
        weights, biases, k = [], [], 0
        for w, b in zip(self.weights, self.biases, strict=True):
            weights.append(theta[k : k + w.size].reshape(w.shape))
            k += w.size
            biases.append(theta[k : k + b.size])
            k += b.size
        return MLP(
            self.widths, self.activation, tuple(weights), tuple(biases), self.x, self.target
        )


def n_params(widths: Sequence[int]) -> int:
    """P of an MLP with these widths: Σ (n_in + 1)·n_out, without building it.

    >>> n_params((4, 3, 3, 1))
    31
    """
    return sum((a + 1) * b for a, b in itertools.pairwise(widths))


def mlp(widths: Sequence[int], activation: Activation = "tanh", seed: int = 0) -> MLP:
    """An MLP of ``widths`` (inputs first, one output last), its weights, input and
    target drawn from ``seed``.

    Weights are N(0, 1/n_in) so every layer's pre-activations stay of order one
    (tanh and sigmoid neither saturate nor vanish); biases, input and target
    N(0, 0.1²), N(0, 1) and N(0, 1).

    Examples
    --------
    >>> net = mlp((4, 3, 1), "sigmoid", seed=1)
    >>> [w.shape for w in net.weights], net.activation
    ([(3, 4), (1, 3)], 'sigmoid')
    >>> mlp((4, 3, 2))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: widths: need at least two positive widths ending in 1 (a scalar ...
    """
    widths = tuple(int(n) for n in widths)
    if len(widths) < 2 or widths[-1] != 1 or min(widths) < 1:
        raise ValueError(
            "widths: need at least two positive widths ending in 1 (a scalar output), "
            f"got {widths}"
        )
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation: expected one of {ACTIVATIONS}, got {activation!r}")
    rng = np.random.default_rng(seed)
    pairs = list(itertools.pairwise(widths))
    weights = tuple(rng.normal(0.0, 1.0 / np.sqrt(a), (b, a)) for a, b in pairs)
    biases = tuple(rng.normal(0.0, 0.1, b) for _, b in pairs)
    x = rng.normal(0.0, 1.0, widths[0])
    target = float(rng.normal())
    return MLP(widths, activation, weights, biases, x, target)


def _act(name: Activation, z: NDArray) -> NDArray:
    if name == "tanh":
        return np.tanh(z)
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # σ(z), with no overflow for any z


def _act_grad(name: Activation, a: NDArray) -> NDArray:
    """σ' or tanh' from the activation's *output* a (what the forward pass kept)."""
    return 1.0 - a * a if name == "tanh" else a * (1.0 - a)


def _matvec(w: NDArray, v: NDArray, counter: OpCounter) -> NDArray:
    counter.multiply_adds += w.size  # one multiply–add per entry of W
    return w @ v


@dataclass(frozen=True)
class Forward:
    """A forward pass: the activations a_0 = x, …, a_L = (y,), and the loss."""

    activations: tuple[NDArray, ...]
    loss: float


def forward(net: MLP, counter: OpCounter | None = None) -> Forward:
    """Run the network on its sample, counting the multiply–adds and the pass.

    >>> c = OpCounter()
    >>> f = forward(mlp((4, 3, 3, 1)), c)
    >>> len(f.activations), c.multiply_adds  # 4·3 + 3·3 + 3·1
    (4, 24)
    """
    counter = OpCounter() if counter is None else counter
    counter.forward_passes += 1
    a = net.x
    acts = [a]
    last = len(net.weights) - 1
    for i, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        z = _matvec(w, a, counter) + b
        a = z if i == last else _act(net.activation, z)  # the output layer is linear
        acts.append(a)
    return Forward(tuple(acts), 0.5 * float(a[0] - net.target) ** 2)


def loss(net: MLP, counter: OpCounter | None = None) -> float:
    """L = ½(y − target)², by one (counted) forward pass.

    >>> round(loss(mlp((4, 3, 3, 1))), 6)
    0.19028
    """
    return forward(net, counter).loss


def backprop(net: MLP, counter: OpCounter | None = None) -> tuple[float, NDArray]:
    """L and ∂L/∂θ (laid out as :meth:`MLP.flat`): one forward, one backward pass.

    The backward pass is the dynamic programme: δ_l = ∂L/∂z_l is computed once per
    layer, from δ_{l+1}, and every weight into layer l reuses it (∂L/∂W_l = δ_l a_{l-1}ᵀ).

    >>> L, g = backprop(mlp((2, 2, 1)))
    >>> g.shape
    (9,)
    """
    counter = OpCounter() if counter is None else counter
    f = forward(net, counter)
    counter.backward_passes += 1
    acts = f.activations
    delta = np.array([acts[-1][0] - net.target])  # ∂L/∂y
    grads: list[NDArray] = []
    for layer in range(len(net.weights) - 1, -1, -1):
        a_in = acts[layer]
        counter.multiply_adds += delta.size * a_in.size  # the outer product δ a_inᵀ
        grads[:0] = [np.outer(delta, a_in).ravel(), delta]
        if layer:  # the input needs no gradient: stop at the first layer
            upstream = _matvec(net.weights[layer].T, delta, counter)
            delta = upstream * _act_grad(net.activation, a_in)
    return f.loss, np.concatenate(grads)


def central_gradient(net: MLP, counter: OpCounter | None = None) -> NDArray:
    """∂L/∂θ by central differences, one parameter at a time, at the optimal step.

    :func:`mathcore.calculus.numerical_gradient` nudges each parameter by
    ±h with h = ∛ε·max(1, |θ_i|) (:func:`~mathcore.calculus.optimal_step`): two
    full forward passes per parameter, each counted.

    >>> g = central_gradient(mlp((2, 2, 1)))
    >>> bool(np.max(np.abs(g - backprop(mlp((2, 2, 1)))[1])) < 1e-9)
    True
    """
    counter = OpCounter() if counter is None else counter
    return numerical_gradient(lambda theta: loss(net.with_flat(theta), counter), net.flat())


CENTRAL_ERROR_FACTOR = 10.0
"""How far past the scale ε^(2/3)·max(1, |L|) a central difference's error may go."""


def central_error(net: MLP) -> float:
    """The most error to expect of :func:`central_gradient`: 10·ε^(2/3)·max(1, |L|).

    At h = ∛ε the truncation error (h²/6)·|L'''| and the round-off ≈ ε·|L|/h are
    both of order ε^(2/3) ≈ 3.7e-11 times the loss's scale: the best a central
    difference can do in float64. The factor 10 (:data:`CENTRAL_ERROR_FACTOR`)
    leaves room for |L'''|/6 and for rounding piled up over the layers (more than
    one ε): over many seeds and widths the worst error measured is about 2.3 times
    the scale (``tests/mathcore/test_mlp.py``).

    >>> f"{central_error(mlp((4, 3, 3, 1))):.2e}"
    '3.67e-10'
    """
    return CENTRAL_ERROR_FACTOR * EPS ** (2 / 3) * max(1.0, abs(loss(net)))


@dataclass(frozen=True)
class Cost:
    """What one gradient of an MLP cost, both ways, as counted; and one forward pass.

    Examples
    --------
    >>> c = gradient_cost(mlp((4, 3, 3, 1)))
    >>> c.n_params, c.backprop.multiply_adds, c.central.multiply_adds, round(c.ratio, 1)
    (31, 60, 1488, 24.8)
    """

    widths: tuple[int, ...]
    n_params: int
    forward_pass: OpCounter = field(default_factory=OpCounter)
    backprop: OpCounter = field(default_factory=OpCounter)
    central: OpCounter = field(default_factory=OpCounter)

    @property
    def ratio(self) -> float:
        """How many times more multiply–adds central differences took."""
        return self.central.multiply_adds / self.backprop.multiply_adds


def gradient_cost(net: MLP) -> Cost:
    """What the gradient of ``net`` costs both ways: backprop taken and counted;
    central differences' 2P forward passes counted from the one forward pass, since
    every pass of a network does the same work (the tests take them and count).

    >>> gradient_cost(mlp((2, 1))).central.forward_passes  # 2P, P = 3
    6
    """
    cost = Cost(net.widths, net.n_params)
    forward(net, cost.forward_pass)
    backprop(net, cost.backprop)
    # Counted, not taken: 2P passes of O(P) each are too slow for the sweep's largest.
    cost.central.forward_passes = 2 * net.n_params
    cost.central.multiply_adds = 2 * net.n_params * cost.forward_pass.multiply_adds
    return cost


def hidden_widths(inputs: int, width: int, layers: int) -> tuple[int, ...]:
    """The widths of an MLP with ``layers`` hidden layers of ``width``, one output.

    >>> hidden_widths(4, 3, 2)
    (4, 3, 3, 1)
    """
    return (inputs, *([width] * layers), 1)


@dataclass(frozen=True)
class Agreement:
    """∂L/∂θ both ways at one network, how far apart, and how far they may be."""

    backprop: NDArray
    central: NDArray
    expected_error: float

    @property
    def max_difference(self) -> float:
        """max_i |backprop_i − central_i|."""
        return float(np.max(np.abs(self.backprop - self.central)))


def agreement(net: MLP) -> Agreement:
    """The gradient of ``net`` by backprop and by central differences, side by side.

    >>> a = agreement(mlp((4, 3, 3, 1)))
    >>> a.max_difference < a.expected_error
    True
    """
    return Agreement(backprop(net)[1], central_gradient(net), central_error(net))


def loglog_slope(n_params: ArrayLike, counts: ArrayLike) -> float:
    """The slope of log(count) against log(P), fitted by least squares over a sweep:
    2 for work that grows like P², 1 for work that grows like P.

    >>> loglog_slope([10, 100, 1000], [200, 20_000, 2_000_000])
    2.0
    """
    slope = np.polyfit(np.log10(n_params), np.log10(counts), 1)[0]
    return round(float(slope), 12)


def parameter_names(widths: Sequence[int]) -> tuple[str, ...]:
    """The name of every parameter, in the order of :meth:`MLP.flat`, 1-based:
    ``W1[2,3]`` is the weight from input 3 to neuron 2 of layer 1, ``b1[2]`` its bias.

    >>> parameter_names((2, 1))
    ('W1[1,1]', 'W1[1,2]', 'b1[1]')
    """
    names: list[str] = []
    for layer, (n_in, n_out) in enumerate(itertools.pairwise(widths), start=1):
        rows, columns = range(1, n_out + 1), range(1, n_in + 1)
        names += [f"W{layer}[{i},{j}]" for i in rows for j in columns]
        names += [f"b{layer}[{i}]" for i in rows]
    return tuple(names)
