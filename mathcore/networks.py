"""The lesson's computation graphs (Part 3 and Exercise 3) as :mod:`mathcore.graph` values.

Each builder returns the *output* :class:`~mathcore.graph.Value` of one of the
notebook's examples, forward pass done, every value labelled as the notebook
names it; :func:`backprop` runs the backward pass and returns the
:class:`~mathcore.graph.Trace` a scene draws. The networks' pre-activations
``w·x + b`` are single nodes with three operands (:func:`affine`), as in the
notebook's hand derivation (∂z/∂w = x, ∂z/∂b = 1), rather than a product node
followed by a sum: the drawn graph then has the notebook's names and nothing else.

:func:`chain_links` walks the one path from the output back to a parameter and
lists the local derivatives met on the way with their running product: the hand
computation of ∂y/∂w1 in Exercise 3. :func:`torch_gradients` gets the same
gradients from PyTorch autograd (float64), and :func:`check_against_torch` puts
the two side by side.

Examples
--------
The notebook's neuron, y = σ(w·x + b) at x = 2, w = 0.5, b = −1:

>>> t = backprop(neuron())
>>> [(n.label, n.value) for n in t.nodes]
[('x', 2.0), ('w', 0.5), ('b', -1.0), ('z', 0.0), ('y', 0.5)]
>>> t.node("w").grad, t.node("b").grad
(0.5, 0.25)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from mathcore.calculus import central_difference
from mathcore.graph import Trace, Value, trace

Network = Literal["neuron", "two_layer"]


def affine(x: Value, w: Value, b: Value, label: str = "z") -> Value:
    """z = w·x + b as one node with operands (x, w, b) and local derivatives (w, x, 1).

    Operands come in that order so the input is the first: a drawing can keep the
    chain x → z → y on one line and put the parameters beside it.

    Examples
    --------
    >>> z = affine(Value(2.0, "x"), Value(0.5, "w"), Value(-1.0, "b"))
    >>> z.data, z.op, z.local_grads
    (0.0, 'affine', (0.5, 2.0, 1.0))
    """
    z = Value(w.data * x.data + b.data, label)
    z.op = "affine"
    z.parents = (x, w, b)
    z.local_grads = (w.data, x.data, 1.0)
    return z


def chain_example(x: float = 3.0) -> Value:
    """y = (x + 2)², the notebook's first computation graph: nodes x, 2, a, y.

    The 2 is a constant leaf (op ``"const"``); the square is written into the
    op of ``y`` (``"**2"``), so it has no node of its own.

    Examples
    --------
    >>> t = backprop(chain_example(3.0))
    >>> t.node("a").value, t.node("y").value, t.node("a").grad, t.node("x").grad
    (5.0, 25.0, 10.0, 10.0)
    """
    a = _named(Value(x, "x") + 2, "a")
    return _named(a**2, "y")


def composition_example(x: float = math.pi / 4) -> Value:
    """h = sin²(x) as f(g(x)) with g = sin, f(u) = u²: nodes x, u, h.

    Examples
    --------
    >>> t = backprop(composition_example())
    >>> round(t.node("h").value, 12), round(t.node("x").grad, 12)
    (0.5, 1.0)
    """
    u = _named(Value(x, "x").sin(), "u")
    return _named(u**2, "h")


@dataclass(frozen=True)
class CompositionCheck:
    """sin²'(x) three ways: chain rule (backprop), central difference, sin(2x).

    Examples
    --------
    >>> c = composition_check()
    >>> round(c.chain_rule, 12), round(c.numerical, 9), round(c.closed_form, 12)
    (1.0, 1.0, 1.0)
    >>> c.difference < 1e-9
    True
    """

    x: float
    value: float
    chain_rule: float
    numerical: float
    closed_form: float

    @property
    def difference(self) -> float:
        """|numerical − chain rule|: the finite difference's error."""
        return abs(self.numerical - self.chain_rule)


def composition_check(x: float = math.pi / 4) -> CompositionCheck:
    """The notebook's check of the chain rule on sin²(x) (at π/4 by default).

    The numerical derivative is :func:`~mathcore.calculus.central_difference`
    with its default (error-optimal) step.

    Examples
    --------
    >>> c = composition_check(0.0)  # sin²'(0) = sin(0) = 0
    >>> c.value, c.chain_rule, c.closed_form
    (0.0, 0.0, 0.0)
    """
    h = composition_example(x)
    t = backprop(h)
    return CompositionCheck(
        x=float(x),
        value=h.data,
        chain_rule=t.node("x").grad,
        numerical=float(central_difference(lambda s: np.sin(s) ** 2, x)),
        closed_form=math.sin(2 * x),
    )


def neuron(x: float = 2.0, w: float = 0.5, b: float = -1.0) -> Value:
    """y = σ(w·x + b), the notebook's neuron: nodes x, w, b, z, y.

    Examples
    --------
    >>> y = neuron()
    >>> y.label, y.op, [p.label for p in y.parents[0].parents]
    ('y', 'sigmoid', ['x', 'w', 'b'])
    """
    z = affine(Value(x, "x"), Value(w, "w"), Value(b, "b"), "z")
    return _named(z.sigmoid(), "y")


def two_layer(
    x: float = 1.0, w1: float = 0.5, b1: float = 0.1, w2: float = -0.3, b2: float = 0.2
) -> Value:
    """Exercise 3, y = σ(w2·σ(w1·x + b1) + b2): nodes x, w1, b1, z1, h, w2, b2, z2, y.

    Examples
    --------
    >>> t = backprop(two_layer())
    >>> round(t.node("h").value, 4), round(t.node("y").value, 4)
    (0.6457, 0.5016)
    >>> round(t.node("w1").grad, 4)
    -0.0172
    """
    z1 = affine(Value(x, "x"), Value(w1, "w1"), Value(b1, "b1"), "z1")
    h = _named(z1.sigmoid(), "h")
    z2 = affine(h, Value(w2, "w2"), Value(b2, "b2"), "z2")
    return _named(z2.sigmoid(), "y")


NETWORKS: dict[str, Callable[..., Value]] = {"neuron": neuron, "two_layer": two_layer}
"""The builders :func:`torch_gradients` has a PyTorch twin of, by name."""


def backprop(root: Value) -> Trace:
    """Run ``root.backward()`` and return the trace, values and gradients filled in.

    Examples
    --------
    >>> backprop(chain_example()).node("y").grad
    1.0
    """
    root.backward()
    return trace(root)


@dataclass(frozen=True)
class Link:
    """One edge on the way back from the output to a parameter.

    ``factor`` is the local derivative ∂target/∂source, ``symbol`` its name in the
    notebook's notation (``"σ'(z2)"``, ``"w2"``, ``"2a"``), and ``product`` the
    running product of the factors from the output down to this edge: the
    gradient ∂output/∂source when this is the only path.

    Examples
    --------
    >>> chain_links(chain_example(), "x")[0]
    Link(source='a', target='y', symbol='2a', factor=10.0, product=10.0)
    """

    source: str
    target: str
    symbol: str
    factor: float
    product: float


def chain_links(root: Value, leaf: str) -> tuple[Link, ...]:
    """The local derivatives along the one path from ``root`` back to ``leaf``.

    Links run from the output backwards. Raises ``ValueError`` when there is no
    path or more than one (then no single product is the gradient).

    Examples
    --------
    Exercise 3's ∂y/∂w1 = σ'(z2) · w2 · σ'(z1) · x:

    >>> links = chain_links(two_layer(), "w1")
    >>> [link.symbol for link in links]
    ["σ'(z2)", 'w2', "σ'(z1)", 'x']
    >>> [round(link.product, 4) for link in links]
    [0.25, -0.075, -0.0172, -0.0172]
    """
    paths = _paths(root, leaf)
    if len(paths) != 1:
        raise ValueError(
            f"expected one path from {root.label!r} to {leaf!r}, found {len(paths)}"
        )
    links: list[Link] = []
    product = 1.0  # ∂root/∂root
    for target, index in paths[0]:
        source = target.parents[index]
        factor = target.local_grads[index]
        product *= factor
        links.append(
            Link(source.label, target.label, _symbol(target, index), factor, product)
        )
    return tuple(links)


def edge_symbols(root: Value) -> dict[tuple[str, str], str]:
    """The local derivative of every edge, by (source label, target label), as a name.

    Examples
    --------
    >>> edge_symbols(chain_example())
    {('a', 'y'): '2a', ('x', 'a'): '1', ('2', 'a'): '1'}
    """
    symbols: dict[tuple[str, str], str] = {}
    stack, seen = [root], set()
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        for i, p in enumerate(v.parents):
            symbols.setdefault((p.label, v.label), _symbol(v, i))
        stack.extend(reversed(v.parents))
    return symbols


@dataclass(frozen=True)
class Gradients:
    """An output value and ∂output/∂input for each named input.

    Examples
    --------
    >>> Gradients(output=25.0, grads={"x": 10.0}).grads["x"]
    10.0
    """

    output: float
    grads: Mapping[str, float]


def leaf_gradients(root: Value) -> Gradients:
    """Our backprop's gradients of ``root`` for every labelled, non-constant input.

    Examples
    --------
    >>> leaf_gradients(neuron()).grads
    {'x': 0.125, 'w': 0.5, 'b': 0.25}
    """
    t = backprop(root)
    return Gradients(
        output=t.nodes[-1].value,
        grads={n.label: n.grad for n in t.nodes if not n.op and n.label},
    )


def torch_gradients(network: Network, inputs: Mapping[str, float]) -> Gradients:
    """The same network in PyTorch (float64), differentiated by autograd.

    ``inputs`` names every input of the builder in :data:`NETWORKS` (for
    ``"neuron"``: x, w, b; for ``"two_layer"``: x, w1, b1, w2, b2).

    Examples
    --------
    >>> g = torch_gradients("neuron", {"x": 2.0, "w": 0.5, "b": -1.0})
    >>> g.output, g.grads["w"], g.grads["b"]
    (0.5, 0.5, 0.25)
    """
    import torch  # slow to import: only when a scene or test asks PyTorch

    names = {"neuron": ("x", "w", "b"), "two_layer": ("x", "w1", "b1", "w2", "b2")}
    if network not in names:
        raise ValueError(f"network: expected one of {sorted(names)}, got {network!r}")
    if set(inputs) != set(names[network]):
        raise ValueError(
            f"inputs: {network} needs exactly {', '.join(names[network])}, "
            f"got {', '.join(sorted(inputs)) or 'none'}"
        )
    t = {
        k: torch.tensor(float(inputs[k]), dtype=torch.float64, requires_grad=True)
        for k in names[network]
    }
    if network == "neuron":
        y = torch.sigmoid(t["w"] * t["x"] + t["b"])
    else:
        h = torch.sigmoid(t["w1"] * t["x"] + t["b1"])
        y = torch.sigmoid(t["w2"] * h + t["b2"])
    y.backward()
    return Gradients(output=y.item(), grads={k: t[k].grad.item() for k in names[network]})


@dataclass(frozen=True)
class GradientCheck:
    """Our gradients beside PyTorch's, with which of them agree to ``rtol``.

    Examples
    --------
    >>> check = check_against_torch("neuron", {"x": 2.0, "w": 0.5, "b": -1.0})
    >>> check.matches
    {'x': True, 'w': True, 'b': True, 'output': True}
    """

    ours: Gradients
    torch: Gradients
    rtol: float
    matches: Mapping[str, bool]

    @property
    def all_match(self) -> bool:
        """Every gradient, and the output value, agree."""
        return all(self.matches.values())


def check_against_torch(
    network: Network, inputs: Mapping[str, float], rtol: float = 1e-12
) -> GradientCheck:
    """Build ``network`` at ``inputs`` here and in PyTorch, and compare the gradients.

    Two float64 runs of the same formulas differ only by rounding, so the
    default tolerance is tight. ``matches`` has one entry per input and one,
    ``"output"``, for the value itself.

    Examples
    --------
    >>> check = check_against_torch("two_layer", dict(x=1, w1=.5, b1=.1, w2=-.3, b2=.2))
    >>> check.all_match, round(check.torch.grads["w1"], 4)
    (True, -0.0172)
    """
    if network not in NETWORKS:
        raise ValueError(f"network: expected one of {sorted(NETWORKS)}, got {network!r}")
    theirs = torch_gradients(network, inputs)
    ours = leaf_gradients(NETWORKS[network](**inputs))

    def close(a: float, b: float) -> bool:
        # A tiny absolute floor: a gradient that is exactly 0 in one run may be ±1e-17.
        return math.isclose(a, b, rel_tol=rtol, abs_tol=1e-15)

    matches = {k: close(ours.grads[k], theirs.grads[k]) for k in theirs.grads}
    matches["output"] = close(ours.output, theirs.output)
    return GradientCheck(ours, theirs, rtol, matches)


def _named(v: Value, label: str) -> Value:
    v.label = label
    return v


def _paths(root: Value, leaf: str) -> list[list[tuple[Value, int]]]:
    """Every path from ``root`` to the value labelled ``leaf``, as (node, operand index)."""
    if root.label == leaf:
        return [[]]
    found = []
    for i, p in enumerate(root.parents):
        found += [[(root, i), *rest] for rest in _paths(p, leaf)]
    return found


def _symbol(node: Value, index: int) -> str:
    """The notebook's name for ∂node/∂(operand ``index``), e.g. σ'(z) or x."""
    parent = node.parents[index]
    op = node.op
    if op == "sigmoid":
        return f"σ'({parent.label})"
    if op == "affine":  # operands (x, w, b): ∂/∂x = w, ∂/∂w = x, ∂/∂b = 1
        return (node.parents[1].label, node.parents[0].label, "1")[index]
    if op == "+":
        return "1"
    if op == "*":
        return node.parents[1 - index].label
    if op == "sin":
        return f"cos({parent.label})"
    if op.startswith("**"):
        p = float(op[2:])
        return f"{p:g}{parent.label}" if p == 2 else f"{p:g}{parent.label}^{p - 1:g}"
    return f"∂{node.label}/∂{parent.label}"
