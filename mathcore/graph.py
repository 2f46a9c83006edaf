"""Scalar reverse-mode automatic differentiation, for the backprop scenes.

A :class:`Value` is one number in a computation graph. Each operation records its
operands (``parents``) and, for each operand, the *local derivative*
∂result/∂operand at the forward values, so a scene can write it on that edge of
the drawn graph. :meth:`Value.backward` applies the chain rule from the output
back to the inputs: a node's gradient is the sum, over the edges leaving it, of
local derivative × gradient of the edge's target. :func:`trace` turns a graph
into plain frozen data (layered nodes, edges with local derivatives) for drawing.

Examples
--------
The notebook's chain rule example, y = (x + 2)² at x = 3:

>>> from mathcore.graph import Value, trace
>>> x = Value(3.0, "x")
>>> a = x + 2
>>> y = a**2
>>> y.backward()
>>> a.data, y.data, x.grad
(5.0, 25.0, 10.0)
>>> [(e.source, e.target, e.local_grad) for e in trace(y).edges]
[(0, 2, 1.0), (1, 2, 1.0), (2, 3, 10.0)]
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass


class Value:
    """One scalar in a computation graph, with its gradient.

    Supports ``+ - * /`` (also with a plain number on either side), unary ``-``,
    and ``**`` with a number or a Value exponent. A plain number mixed in becomes
    a constant leaf (op ``"const"``, labelled with the number formatted by ``:g``);
    a number *exponent* is written into the op instead (``x**2`` has op ``"**2"``).

    Parameters
    ----------
    data : float
        The number.
    label : str, optional
        A name to show in drawings, e.g. ``"x"``; results start unlabelled.

    Attributes
    ----------
    grad : float
        ∂output/∂self after ``output.backward()``; 0 before.
    op : str
        What made this value: ``""`` for an input, ``"const"``, ``"+"``, ``"-"``,
        ``"*"``, ``"/"``, ``"neg"``, ``"**"`` (Value exponent), ``"**p"`` (number
        exponent p), or the name of the method (``"exp"``, ``"sigmoid"``, ...).
    parents : tuple of Value
        The operands, in order (``x * x`` lists ``x`` twice).
    local_grads : tuple of float
        ∂self/∂parent for each operand, evaluated at the forward values.

    Examples
    --------
    >>> x = Value(2.0, "x")
    >>> y = 3 * x - x / 4 + 2**x
    >>> y.data, y.op, [p.op for p in y.parents]
    (9.5, '+', ['-', '**'])
    >>> y.backward()
    >>> round(x.grad, 6)  # 3 - 1/4 + 2**x·log 2
    5.522589
    """

    __slots__ = ("data", "grad", "label", "local_grads", "op", "parents")
    # Makes NumPy scalars defer to our reflected operators: np.float64(2) * x is a Value.
    __array_ufunc__ = None

    def __init__(self, data: float, label: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple[float, ...] = ()

    def __repr__(self) -> str:
        d, g = self.data, self.grad
        return f"Value({d:g}, label={self.label!r}, op={self.op!r}, grad={g:g})"

    def __add__(self, other: Value | float) -> Value:
        o = _lift(other)
        return _node(self.data + o.data, "+", (self, o), (1.0, 1.0))

    def __sub__(self, other: Value | float) -> Value:
        o = _lift(other)
        return _node(self.data - o.data, "-", (self, o), (1.0, -1.0))

    def __mul__(self, other: Value | float) -> Value:
        o = _lift(other)
        return _node(self.data * o.data, "*", (self, o), (o.data, self.data))

    def __truediv__(self, other: Value | float) -> Value:
        o = _lift(other)
        if o.data == 0:
            raise ValueError(f"division by zero: {self.data:g} / 0")
        q = self.data / o.data
        return _node(q, "/", (self, o), (1.0 / o.data, -q / o.data))

    def __neg__(self) -> Value:
        return _node(-self.data, "neg", (self,), (-1.0,))

    def __pow__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            return self._pow_value(other)
        a, p = self.data, _real(other)
        if a < 0 and not p.is_integer():
            raise ValueError(f"x**{p:g} is not a real number for x = {a:g} < 0")
        if a == 0 and p != 0 and p < 1:
            raise ValueError(f"x**{p:g} is not differentiable at x = 0")
        # p == 0 is special so that 0**0 = 1 gets slope 0 rather than 0 · 0**-1.
        local = p * _power(a, p - 1) if p != 0 else 0.0
        return _node(_power(a, p), f"**{p:g}", (self,), (local,))

    def _pow_value(self, exponent: Value) -> Value:
        a, b = self.data, exponent.data
        if a <= 0:  # ∂(a**b)/∂b = a**b · log a needs a > 0
            raise ValueError(f"a**b with a Value exponent b needs a > 0, got a = {a:g}")
        y = _power(a, b)
        return _node(y, "**", (self, exponent), (b * _power(a, b - 1), y * math.log(a)))

    def __radd__(self, other: float) -> Value:
        return _lift(other) + self

    def __rsub__(self, other: float) -> Value:
        return _lift(other) - self

    def __rmul__(self, other: float) -> Value:
        return _lift(other) * self

    def __rtruediv__(self, other: float) -> Value:
        return _lift(other) / self

    def __rpow__(self, other: float) -> Value:
        return _lift(other)._pow_value(self)

    def exp(self) -> Value:
        """Return e**self; its local derivative is e**self again.

        >>> Value(0.0).exp().local_grads
        (1.0,)
        """
        try:
            y = math.exp(self.data)
        except OverflowError:
            raise ValueError(f"exp({self.data:g}) overflows a float") from None
        return _node(y, "exp", (self,), (y,))

    def log(self) -> Value:
        """Return the natural log; local derivative 1/self. Needs self > 0.

        >>> Value(4.0).log().local_grads
        (0.25,)
        """
        if self.data <= 0:
            raise ValueError(f"log needs a positive number, got {self.data:g}")
        return _node(math.log(self.data), "log", (self,), (1.0 / self.data,))

    def sin(self) -> Value:
        """Return sin(self); local derivative cos(self).

        >>> Value(0.0).sin().local_grads
        (1.0,)
        """
        return _node(math.sin(self.data), "sin", (self,), (math.cos(self.data),))

    def cos(self) -> Value:
        """Return cos(self); local derivative -sin(self).

        >>> Value(0.0).cos().data
        1.0
        """
        return _node(math.cos(self.data), "cos", (self,), (-math.sin(self.data),))

    def tanh(self) -> Value:
        """Return tanh(self); local derivative 1 - tanh²(self).

        >>> Value(0.0).tanh().local_grads
        (1.0,)
        """
        t = math.tanh(self.data)
        return _node(t, "tanh", (self,), (1.0 - t * t,))

    def tan(self) -> Value:
        """Return tan(self); local derivative 1/cos²(self).

        >>> Value(0.0).tan().local_grads
        (1.0,)
        """
        c = math.cos(self.data)
        return _node(math.tan(self.data), "tan", (self,), (1.0 / (c * c),))

    def atan(self) -> Value:
        """Return atan(self); local derivative 1/(1 + self²).

        >>> Value(1.0).atan().local_grads
        (0.5,)
        """
        return _node(math.atan(self.data), "atan", (self,), (1.0 / (1.0 + self.data**2),))

    def sinh(self) -> Value:
        """Return sinh(self); local derivative cosh(self).

        >>> Value(0.0).sinh().local_grads
        (1.0,)
        """
        return _node(math.sinh(self.data), "sinh", (self,), (math.cosh(self.data),))

    def cosh(self) -> Value:
        """Return cosh(self); local derivative sinh(self).

        >>> Value(0.0).cosh().data
        1.0
        """
        return _node(math.cosh(self.data), "cosh", (self,), (math.sinh(self.data),))

    def __abs__(self) -> Value:
        """Return |self|; local derivative the sign of self. Not at 0, where |u| has
        no derivative (PyTorch would say 0 and hide the kink).

        >>> abs(Value(-2.0)).local_grads
        (-1.0,)
        """
        if self.data == 0:
            raise ValueError("|u| is not differentiable at u = 0")
        return _node(abs(self.data), "abs", (self,), (math.copysign(1.0, self.data),))

    def alias(self, label: str) -> Value:
        """Return a node of its own equal to self (local derivative 1), named
        ``label``: an output that is a bare input still gets a node and a gradient.

        >>> x = Value(2.0, "x")
        >>> g = x.alias("g1")
        >>> g.backward()
        >>> g.label, x.grad
        ('g1', 1.0)
        """
        out = _node(self.data, label, (self,), (1.0,))
        out.label = label
        return out

    def sigmoid(self) -> Value:
        """Return σ(self) = 1 / (1 + e**-self); local derivative σ(1 - σ).

        >>> s = Value(0.0).sigmoid()
        >>> s.data, s.local_grads
        (0.5, (0.25,))
        >>> Value(-1000.0).sigmoid().data  # stable: no overflow
        0.0
        """
        z = self.data
        # Only ever exponentiate a non-positive number, so nothing can overflow.
        if z >= 0:
            s = 1.0 / (1.0 + math.exp(-z))
        else:
            e = math.exp(z)
            s = e / (1.0 + e)
        return _node(s, "sigmoid", (self,), (s * (1.0 - s),))

    def relu(self) -> Value:
        """Return max(self, 0); local derivative 1 if self > 0 else 0 (as in PyTorch).

        >>> Value(-2.0).relu().data, Value(3.0).relu().local_grads
        (0.0, (1.0,))
        """
        z = self.data
        return _node(z if z > 0 else 0.0, "relu", (self,), (1.0 if z > 0 else 0.0,))

    def backward(self) -> None:
        """Set ``grad`` = ∂self/∂v on every value v of self's graph.

        Gradients are *set*, not accumulated across calls (unlike PyTorch): every
        node's grad is zeroed and self's is seeded with 1, so calling it twice
        gives the same result. Within one call a value used several times sums
        the contributions of all its uses (the multivariate chain rule).

        >>> x = Value(3.0)
        >>> y = x * x + x
        >>> y.backward()
        >>> y.backward()
        >>> x.grad
        7.0
        """
        order = _topological_order(self)
        for v in order:
            v.grad = 0.0
        self.grad = 1.0
        # Reverse topological order: a node's grad is complete before it is passed on.
        for v in reversed(order):
            for parent, local in zip(v.parents, v.local_grads, strict=True):
                parent.grad += local * v.grad


def _real(x: object) -> float:
    if isinstance(x, numbers.Real):
        return float(x)
    raise TypeError(f"expected a Value or a real number, got {type(x).__name__}")


def _lift(x: Value | float) -> Value:
    """``x`` itself if it is a Value, else a constant leaf holding the number."""
    if isinstance(x, Value):
        return x
    number = _real(x)
    const = Value(number, label=f"{number:g}")
    const.op = "const"
    return const


def _node(
    data: float, op: str, parents: tuple[Value, ...], local_grads: tuple[float, ...]
) -> Value:
    out = Value(data)
    out.op, out.parents, out.local_grads = op, parents, local_grads
    return out


def _power(a: float, p: float) -> float:
    try:
        return a**p
    except OverflowError:
        raise ValueError(f"{a:g}**{p:g} overflows a float") from None


def _topological_order(root: Value) -> list[Value]:
    """Every value ``root`` depends on, each after its parents; ``root`` last."""
    order: list[Value] = []
    visited: set[int] = set()
    # An explicit stack, not recursion: a 5000-step chain would hit the recursion limit.
    # (value, True) means "its parents are done, emit it".
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        v, parents_done = stack.pop()
        if parents_done:
            order.append(v)
        elif id(v) not in visited:
            visited.add(id(v))
            stack.append((v, True))
            # Reversed, so parents are visited left to right and ids read like the formula.
            stack.extend((p, False) for p in reversed(v.parents))
    return order


@dataclass(frozen=True)
class Node:
    """One value of a traced graph; ``layer`` is its column, left to right.

    Examples
    --------
    >>> trace(Value(2.0, "x") * 3).nodes[0]
    Node(id=0, op='', label='x', value=2.0, grad=0.0, layer=0)
    """

    id: int
    op: str
    label: str
    value: float
    grad: float
    layer: int


@dataclass(frozen=True)
class Edge:
    """Operand ``source`` feeds ``target``; ``local_grad`` = ∂target/∂source.

    Examples
    --------
    >>> trace(Value(2.0) * 3).edges[0]
    Edge(source=0, target=2, local_grad=3.0)
    """

    source: int
    target: int
    local_grad: float


@dataclass(frozen=True)
class Trace:
    """A computation graph as plain data: nodes in topological order, then edges.

    Examples
    --------
    >>> t = trace(Value(2.0, "x").exp())
    >>> len(t.nodes), len(t.edges), t.node("x").id
    (2, 1, 0)
    """

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, label: str) -> Node:
        """The one node labelled ``label`` (KeyError if none, ValueError if several).

        >>> trace(Value(1.0, "x") + 5).node("5").op
        'const'
        """
        found = [n for n in self.nodes if n.label == label]
        if not found:
            raise KeyError(f"no node labelled {label!r}")
        if len(found) > 1:
            raise ValueError(f"{len(found)} nodes are labelled {label!r}")
        return found[0]

    def edge(self, source: int, target: int) -> Edge:
        """The edge from node id ``source`` to node id ``target`` (KeyError if none).

        >>> trace(Value(3.0) * 2).edge(0, 2).local_grad
        2.0
        """
        for e in self.edges:
            if (e.source, e.target) == (source, target):
                return e
        raise KeyError(f"no edge {source} -> {target}")


def trace(root: Value) -> Trace:
    """Snapshot the graph of ``root`` (values and current grads) for drawing.

    Node ids follow a topological order: inputs first, ``root`` last, the same
    ids every time for the same expression. Leaves are in layer 0, every other
    node one layer right of its rightmost parent. An operand used twice by one
    op (``x * x``) gives *one* edge whose local grad is the sum (x + x = 2x), so
    every edge is a true partial derivative ∂target/∂source and no two edges
    overlap in a drawing. Call ``root.backward()`` first to trace gradients.

    Examples
    --------
    >>> x = Value(3.0, "x")
    >>> y = x * x
    >>> y.backward()
    >>> t = trace(y)
    >>> t.edges, [n.layer for n in t.nodes], t.node("x").grad
    ((Edge(source=0, target=1, local_grad=6.0),), [0, 1], 6.0)
    """
    order = _topological_order(root)
    index = {id(v): i for i, v in enumerate(order)}
    layers: list[int] = []
    edges: dict[tuple[int, int], float] = {}
    for i, v in enumerate(order):
        layers.append(1 + max(layers[index[id(p)]] for p in v.parents) if v.parents else 0)
        for p, local in zip(v.parents, v.local_grads, strict=True):
            key = (index[id(p)], i)
            edges[key] = edges.get(key, 0.0) + local
    nodes = (Node(i, v.op, v.label, v.data, v.grad, layers[i]) for i, v in enumerate(order))
    return Trace(tuple(nodes), tuple(Edge(s, t, g) for (s, t), g in edges.items()))
