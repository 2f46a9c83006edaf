"""Tests for mathcore.graph: every value and gradient is checked against PyTorch
autograd in float64 (or against the notebook's hand derivations), never against
numbers copied from our own output."""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import example, given, reject, settings
from hypothesis import strategies as st

from mathcore.graph import Edge, Node, Trace, Value, trace
from tests import notebook

# An expression written once, run on Values and on torch tensors alike (both have
# the same operators and .exp/.log/.sin/.cos/.tanh/.sigmoid/.relu methods).
Expr = Callable[..., Any]


def ours(f: Expr, *xs: float) -> tuple[float, list[float]]:
    leaves = [Value(x) for x in xs]
    y = f(*leaves)
    y.backward()
    return y.data, [v.grad for v in leaves]


def torch_ref(f: Expr, *xs: float) -> tuple[float, list[float]]:
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    y = f(*leaves)
    y.backward()
    return y.item(), [0.0 if t.grad is None else t.grad.item() for t in leaves]


def close(a: float, b: float, scale: float = 1.0) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-14 * scale)


def assert_matches_torch(f: Expr, *xs: float) -> None:
    value, grads = ours(f, *xs)
    ref_value, ref_grads = torch_ref(f, *xs)
    assert close(value, ref_value), (value, ref_value)
    for g, ref in zip(grads, ref_grads, strict=True):
        assert close(g, ref), (grads, ref_grads)


# ---------------------------------------------------------------- every op vs torch

ANY = (-2.3, -0.7, 0.4, 1.9)
NONZERO = (-2.3, -0.7, 0.4, 1.9)
POSITIVE = (0.3, 1.0, 2.7)
UNARY: dict[str, tuple[Expr, tuple[float, ...]]] = {
    "neg": (lambda x: -x, ANY),
    "add_number": (lambda x: x + 2.5, ANY),
    "radd_number": (lambda x: 2.5 + x, ANY),
    "sub_number": (lambda x: x - 1.5, ANY),
    "rsub_number": (lambda x: 1.5 - x, ANY),
    "mul_number": (lambda x: x * -3, ANY),
    "rmul_number": (lambda x: 0.25 * x, ANY),
    "div_number": (lambda x: x / 4, ANY),
    "rdiv_number": (lambda x: 4 / x, NONZERO),
    "pow_2": (lambda x: x**2, ANY),
    "pow_3": (lambda x: x**3, ANY),
    "pow_0": (lambda x: x**0, ANY),
    "pow_minus_2": (lambda x: x**-2, NONZERO),
    "pow_half": (lambda x: x**0.5, POSITIVE),
    "pow_minus_1.5": (lambda x: x**-1.5, POSITIVE),
    "rpow_number_base": (lambda x: 2.5**x, ANY),
    "exp": (lambda x: x.exp(), ANY),
    "log": (lambda x: x.log(), POSITIVE),
    "sin": (lambda x: x.sin(), ANY),
    "cos": (lambda x: x.cos(), ANY),
    "tanh": (lambda x: x.tanh(), ANY),
    "sigmoid": (lambda x: x.sigmoid(), (*ANY, -40.0, 40.0, -700.0)),
    "relu": (lambda x: x.relu(), (*ANY, 0.0)),
}
PAIRS = ((1.3, -0.4), (0.6, 2.2), (2.5, 1.7), (0.2, -3.1))
BINARY: dict[str, Expr] = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "pow_value_exponent": lambda x, y: x**y,
}


@pytest.mark.parametrize(
    ("f", "x"),
    [pytest.param(f, x, id=f"{name}({x})") for name, (f, xs) in UNARY.items() for x in xs],
)
def test_unary_op_value_and_gradient_match_torch(f: Expr, x: float) -> None:
    assert_matches_torch(f, x)


@pytest.mark.parametrize(
    ("f", "xy"),
    [pytest.param(f, xy, id=f"{name}{xy}") for name, f in BINARY.items() for xy in PAIRS],
)
def test_binary_op_value_and_gradients_match_torch(f: Expr, xy: tuple[float, ...]) -> None:
    assert_matches_torch(f, *xy)


def test_ops_record_their_local_derivatives() -> None:
    x, y = Value(3.0, "x"), Value(-2.0, "y")
    assert (x * y).local_grads == (-2.0, 3.0)
    assert (x / y).local_grads == (1 / -2.0, -3.0 / (-2.0) ** 2)
    assert (x - y).local_grads == (1.0, -1.0)
    assert (x**2).op == "**2" and (x**2).local_grads == (2 * 3.0,)
    assert (x**y).op == "**" and (x**y).parents == (x, y)
    assert (x.exp()).local_grads == (math.exp(3.0),)


def test_numbers_become_constant_leaves_labelled_with_g_format() -> None:
    x = Value(1.0, "x")
    t = trace(0.5 * x + 2)
    assert [(n.op, n.label, n.value, n.layer) for n in t.nodes if n.op == "const"] == [
        ("const", "0.5", 0.5, 0),
        ("const", "2", 2.0, 0),
    ]
    assert (2 - x).parents[0].label == "2" and (2 - x).parents[1] is x
    assert isinstance(np.float64(2.0) * x, Value)  # NumPy scalars defer to Value


# ---------------------------------------------------------------- the notebook's examples


def test_notebook_chain_rule_example_y_equals_x_plus_2_squared() -> None:
    x0 = 3.0
    x = Value(x0, "x")
    a = x + 2
    a.label = "a"
    y = a**2
    y.label = "y"
    y.backward()
    # Expected values from the formulas the notebook derives by hand ...
    assert a.data == x0 + 2
    assert y.data == (x0 + 2) ** 2
    assert x.grad == 2 * (x0 + 2)
    # ... which are the numbers it prints.
    assert (a.data, y.data, x.grad) == (5.0, 25.0, 10.0)
    assert_matches_torch(lambda x: (x + 2) ** 2, x0)

    t = trace(y)
    nx, na, ny = t.node("x"), t.node("a"), t.node("y")
    assert (nx.layer, na.layer, ny.layer) == (0, 1, 2)
    assert all(t.nodes[e.source].layer < t.nodes[e.target].layer for e in t.edges)
    assert t.edge(na.id, ny.id).local_grad == 2 * (x0 + 2)  # dy/da = 2a = 10
    assert t.edge(nx.id, na.id).local_grad == 1.0  # da/dx = 1
    assert (ny.grad, na.grad, nx.grad) == (1.0, 2 * (x0 + 2), 2 * (x0 + 2))
    assert ny.id == len(t.nodes) - 1 and nx.id == 0


def test_sin_squared_gradient_is_sin_2x_at_pi_over_4() -> None:
    x0 = math.pi / 4
    x = Value(x0)
    y = x.sin() ** 2
    y.backward()
    assert math.isclose(x.grad, math.sin(2 * x0), rel_tol=1e-15)
    assert_matches_torch(lambda x: x.sin() ** 2, x0)


def test_notebook_sigmoid_neuron_matches_torch() -> None:
    def neuron(x: Any, w: Any, b: Any) -> Any:
        return (w * x + b).sigmoid()

    x, w, b = 2.0, 0.5, -1.0
    value, (dx, dw, db) = ours(neuron, x, w, b)
    ref_value, ref_grads = torch_ref(neuron, x, w, b)
    assert close(value, ref_value) and value == pytest.approx(0.5)  # z = 0
    for g, ref in zip((dx, dw, db), ref_grads, strict=True):
        assert close(g, ref)
    # σ'(0) = 1/4, so dy/dw = x/4, dy/db = 1/4, dy/dx = w/4.
    assert (dw, db, dx) == pytest.approx((x / 4, 1 / 4, w / 4), rel=1e-15)


def test_exercise_3_two_layer_network() -> None:
    def network(x: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> Any:
        return (w2 * (w1 * x + b1).sigmoid() + b2).sigmoid()

    params = {"x": 1.0, "w1": 0.5, "b1": 0.1, "w2": -0.3, "b2": 0.2}
    value, grads = ours(network, *params.values())
    ref_value, ref_grads = torch_ref(network, *params.values())
    assert close(value, ref_value)
    for name, g, ref in zip(params, grads, ref_grads, strict=True):
        assert close(g, ref), name
        assert g != 0.0, name

    # By hand: y = σ(z2), z2 = w2·h + b2, h = σ(z1), z1 = w1·x + b1.
    x, w1, b1, w2, b2 = params.values()
    z1 = w1 * x + b1
    h = notebook.sigmoid(z1)
    z2 = w2 * h + b2
    dy_dw1 = notebook.sigmoid_derivative(z2) * w2 * notebook.sigmoid_derivative(z1) * x
    assert math.isclose(grads[1], dy_dw1, rel_tol=1e-13)
    assert math.isclose(value, notebook.sigmoid(z2), rel_tol=1e-15)


# ---------------------------------------------------------------- reuse, traces


def test_value_used_twice_accumulates_gradient() -> None:
    assert_matches_torch(lambda x: x * x + x, 1.7)
    x = Value(1.7)
    y = x * x + x
    y.backward()
    assert x.grad == pytest.approx(2 * 1.7 + 1)


def test_shared_subexpression_matches_torch() -> None:
    def f(x: Any, y: Any) -> Any:
        a = x * y - 0.3
        return a * a + a.sin() / (a.exp() + 1) + a.tanh() * x

    assert_matches_torch(f, 0.9, -1.4)
    assert_matches_torch(f, -2.1, 0.6)


def test_operand_used_twice_by_one_op_gives_one_edge_with_summed_local_grad() -> None:
    x = Value(-1.5, "x")
    y = x * x
    assert y.parents == (x, x)  # the Value keeps both operand slots ...
    t = trace(y)
    assert t.edges == (Edge(0, 1, 2 * -1.5),)  # ... the trace merges them: ∂(x²)/∂x = 2x


def test_trace_ids_are_deterministic_and_topological() -> None:
    def build() -> Trace:
        x, w = Value(0.3, "x"), Value(-1.2, "w")
        y = (w * x + x.sin()).tanh() * w
        y.backward()
        return trace(y)

    t = build()
    assert t == build()
    # Inputs first, in the order the formula reads (w before x in w * x).
    assert [n.id for n in t.nodes] == list(range(len(t.nodes)))
    assert t.nodes[0].label == "w" and t.nodes[1].label == "x"
    assert all(e.source < e.target for e in t.edges)
    assert t.nodes[-1].layer == max(n.layer for n in t.nodes)
    assert t.nodes[-1].grad == 1.0
    assert isinstance(t.nodes[0], Node)


def test_trace_node_lookup_errors() -> None:
    x = Value(1.0, "x")
    t = trace(x * 2 + 2)
    with pytest.raises(KeyError):
        t.node("nope")
    with pytest.raises(ValueError, match="2 nodes"):
        t.node("2")
    with pytest.raises(KeyError):
        t.edge(0, 0)


# ---------------------------------------------------------------- random expressions

# Each op keeps the expression inside its domain whatever its inputs (log and
# powers get a positive argument, division a non-zero one).
OPS: dict[str, Expr] = {
    "neg": lambda a: -a,
    "exp": lambda a: a.exp(),
    "log": lambda a: (a * a + 0.5).log(),
    "sin": lambda a: a.sin(),
    "cos": lambda a: a.cos(),
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "relu": lambda a: a.relu(),
    "square": lambda a: a**2,
    "cube": lambda a: a**3,
    "sqrt": lambda a: (a * a + 0.1) ** 0.5,
    "rpow": lambda a: 2 ** a.tanh(),
    "affine": lambda a: 1.5 - 0.7 * a,
    "recip": lambda a: 1 / (a * a + 1),
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1),
    "pow": lambda a, b: (a * a + 0.5) ** b,
}
ARITY = {name: f.__code__.co_argcount for name, f in OPS.items()}


@st.composite
def programs(draw: st.DrawFn) -> tuple[list[float], list[tuple[str, tuple[int, ...]]]]:
    """2-3 leaves in [-2, 2], then 1-6 ops, each on earlier leaves or results."""
    xs = draw(st.lists(st.floats(-2, 2), min_size=2, max_size=3))
    steps = []
    for k in range(draw(st.integers(1, 6))):
        name = draw(st.sampled_from(sorted(OPS)))
        args = tuple(draw(st.integers(0, len(xs) + k - 1)) for _ in range(ARITY[name]))
        steps.append((name, args))
    return xs, steps


def run(steps: list[tuple[str, tuple[int, ...]]], *leaves: Any) -> Any:
    pool = list(leaves)
    for name, args in steps:
        pool.append(OPS[name](*(pool[i] for i in args)))
    return pool[-1]


def build(xs: list[float], steps: list[tuple[str, tuple[int, ...]]]) -> tuple[list, Value]:
    leaves = [Value(x, f"x{i}") for i, x in enumerate(xs)]
    try:
        y = run(steps, *leaves)
    except ValueError as err:  # only overflow can happen (e.g. exp(exp(exp(2))))
        assert "overflows" in str(err)
        reject()
    values = [n.value for n in trace(y).nodes]
    if not all(math.isfinite(v) and abs(v) < 1e6 for v in values):
        reject()
    return leaves, y


@settings(max_examples=150, deadline=None)
@given(programs())
@example(  # cos of a cube of a cube: found by a fresh clone's run
    (
        [1.3396550472121636, 0.0, 0.0],
        [
            ("cube", (0,)),
            ("cube", (3,)),
            ("add", (0, 0)),
            ("add", (0, 0)),
            ("cube", (4,)),
            ("cos", (7,)),
        ],
    )
)
def test_random_expressions_match_torch(program: tuple[list[float], list]) -> None:
    xs, steps = program
    leaves, y = build(xs, steps)
    y.backward()
    ref_value, ref_grads = torch_ref(lambda *ts: run(steps, *ts), *xs)
    # Gradients are sums; rounding is relative to the largest term summed.
    t = trace(y)
    scale = max([1.0] + [abs(e.local_grad * t.nodes[e.target].grad) for e in t.edges])
    # A node's rounding (an ulp or so of its value: ours and torch's x**3 may differ
    # in the last bit) reaches y times dy/dnode: cos(x**3) at x**3 = 2681 moves by
    # 2681 * ulp. So the value's tolerance is relative to the largest such term.
    carried = max([1.0] + [abs(n.value * n.grad) for n in t.nodes])
    assert close(y.data, ref_value, carried)
    # And a gradient multiplies local derivatives taken at those values (-sin(2681)),
    # which move as much relative to the value: so relative to the largest value.
    widest = max([1.0] + [abs(n.value) for n in t.nodes])
    for v, ref in zip(leaves, ref_grads, strict=True):
        assert math.isclose(v.grad, ref, rel_tol=1e-12 * widest, abs_tol=1e-13 * scale)


@settings(max_examples=100, deadline=None)
@given(programs())
def test_random_expressions_backward_twice_and_trace_invariants(
    program: tuple[list[float], list],
) -> None:
    xs, steps = program
    _, y = build(xs, steps)
    y.backward()
    first = trace(y)
    y.backward()
    second = trace(y)
    assert first == second  # values, grads, ids, layers and edges all identical

    # Each layer is one past its deepest parent; each grad is the chain rule sum
    # over the edges leaving the node (the last node is the output, seeded with 1).
    nodes = first.nodes
    out_terms: list[list[float]] = [[] for _ in nodes]
    parent_layers: list[list[int]] = [[] for _ in nodes]
    for e in first.edges:
        assert e.source < e.target
        out_terms[e.source].append(e.local_grad * nodes[e.target].grad)
        parent_layers[e.target].append(nodes[e.source].layer)
    assert nodes[-1].grad == 1.0
    for n in nodes:
        assert n.layer == (1 + max(parent_layers[n.id]) if parent_layers[n.id] else 0)
        if n.id != len(nodes) - 1:
            scale = max([1.0] + [abs(term) for term in out_terms[n.id]])
            assert math.isclose(n.grad, math.fsum(out_terms[n.id]), abs_tol=1e-13 * scale)


# ---------------------------------------------------------------- errors, stability, depth


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(lambda: Value(0.0).log(), "positive", id="log(0)"),
        pytest.param(lambda: Value(-1.0).log(), "positive", id="log(-1)"),
        pytest.param(lambda: Value(-8.0) ** (1 / 3), "not a real", id="(-8)**(1/3)"),
        pytest.param(lambda: Value(0.0) ** -1, "x = 0", id="0**-1"),
        pytest.param(lambda: Value(0.0) ** 0.5, "x = 0", id="0**0.5"),
        pytest.param(lambda: Value(1.0) / 0, "division by zero", id="1/0"),
        pytest.param(lambda: 1 / Value(0.0), "division by zero", id="1/Value(0)"),
        pytest.param(lambda: Value(-2.0) ** Value(0.5), "a > 0", id="(-2)**Value"),
        pytest.param(lambda: 0 ** Value(2.0), "a > 0", id="0**Value"),
        pytest.param(lambda: Value(1000.0).exp(), "overflows", id="exp(1000)"),
        pytest.param(lambda: Value(10.0) ** 400, "overflows", id="10**400"),
    ],
)
def test_domain_errors_raise_value_errors(make: Callable[[], Any], message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        make()
    assert "math domain error" not in str(info.value)


def test_non_numbers_are_rejected() -> None:
    with pytest.raises(TypeError, match="real number"):
        Value(1.0) + "2"  # type: ignore[operator]


@pytest.mark.parametrize("z", [1000.0, -1000.0])
def test_sigmoid_is_stable_for_large_inputs(z: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = Value(z)
        y = x.sigmoid()
        y.backward()
    assert math.isfinite(y.data) and math.isfinite(x.grad)
    ref_value, (ref_grad,) = torch_ref(lambda t: t.sigmoid(), z)
    assert (y.data, x.grad) == (ref_value, ref_grad)
    assert y.data == (1.0 if z > 0 else 0.0)


def test_deep_chain_backward_does_not_hit_recursion_limit() -> None:
    depth = 5000
    assert depth > sys.getrecursionlimit()  # a recursive topological sort would fail
    x = Value(0.5, "x")
    y = x
    for _ in range(depth):
        y = y + x
    y.backward()
    assert x.grad == depth + 1
    assert y.data == 0.5 * (depth + 1)
    assert trace(y).nodes[-1].layer == depth
