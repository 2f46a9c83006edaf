"""Part 3 of the lesson: the chain rule as backpropagation.

A computation graph is drawn left to right from :func:`mathcore.graph.trace`: the
forward pass fills each node's value, the backward pass writes each edge's local
derivative on it and carries the product right to left, node by node.

Render one scene with plain Manim from the repo root::

    manim render scenes/backprop.py ChainRuleGraph -ql
    manim render scenes/backprop.py NeuronBackprop -ql

Exercise 3, two neurons in a row, is :mod:`scenes.two_layer`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from manim import (
    DOWN,
    LEFT,
    UP,
    FadeIn,
    FadeOut,
    Mobject,
    ReplacementTransform,
    VGroup,
    Write,
)

from lesson import params
from mathcore.graph import Trace
from mathcore.networks import (
    CompositionCheck,
    backprop,
    chain_example,
    composition_check,
    composition_example,
    edge_symbols,
    neuron,
)
from mathcore.symbolic import Constant, parse_constant
from scenes.base import LessonScene
from scenes.graph_steps import check_step, clear_all_but, forward_step
from scenes.kit import look, numbers, text
from scenes.kit.graphs import (
    GraphView,
    readout_line,
    title,
)

# ----------------------------------------------------------------- scene 1


@dataclass(frozen=True)
class ChainRuleParams(params.Params):
    """The notebook's chain rule examples: y = (x + 2)² at x = 3, sin²(x) at π/4."""

    x: params.Coordinate = 3.0
    """The input x at which y = (x + 2)² is computed forward and differentiated back."""
    composition_at: Annotated[str, params.ConstantFormula()] = "pi/4"
    """The x at which sin²(x) is differentiated and checked numerically: a number or
    a constant formula ("pi/4"), written on screen as SymPy typesets it."""
    digits: params.Digits = 4
    """Decimals shown for the values and gradients on the graph."""
    check_digits: params.Digits = 6
    """Decimals of the numerical check of sin²'s slope (the notebook prints 6)."""

    def check(self) -> None:
        """Refuse a ``composition_at`` that is not a finite real constant."""
        composition_at(self)


@functools.lru_cache(maxsize=16)
def composition_at(p: ChainRuleParams) -> Constant:
    """``p.composition_at`` read as a constant: its value and its LaTeX, or a
    ParamError (no TeX from the lesson file reaches LaTeX)."""
    with params.refused("composition_at"):
        return parse_constant(str(p.composition_at))


class ChainRuleGraph(LessonScene):
    """y = (x + 2)²: values forward, gradients back; then sin²(x) checked numerically."""

    Params = ChainRuleParams

    def construct(self) -> None:
        p: ChainRuleParams = self.params
        t = backprop(chain_example(p.x))
        view = GraphView(t, p.digits, center_y=0.1, zoom=1.2)
        heading = title(r"y = (x + 2)^2", rf",\quad x = {numbers.fmt(p.x, p.digits)}")
        forward_step(
            self,
            view,
            heading,
            "Forward: each node computes its value from the nodes that feed it.",
            duration=4.5,
        )

        self._backward_pass(view, p)
        comp_lines = self._composition(p, heading)
        self._numerical_check(p, comp_lines)

    def _backward_pass(self, view: GraphView, p: ChainRuleParams) -> None:
        """The step "Backward pass": each edge's rate, carried back from y to x."""
        _backward_step(
            self,
            view.t,
            "Backward: start from 1 at the output, then multiply by each edge's local "
            "rate.",
            p.digits,
        )
        _backward(self, view, edge_symbols(chain_example(p.x)), p.digits)
        self.wait(1)

    def _composition(self, p: ChainRuleParams, heading: Mobject) -> VGroup:
        """The step "A composition": sin²(x)'s graph, forward then backward; returns
        the chain rule's lines written under it."""
        at = composition_at(p)
        ct = backprop(composition_example(at.value))
        self.step(
            "A composition",
            "sin²(x) is sine, then squaring: the rates multiply, 2·sin x times cos x.",
            duration=9,
            draws="The graph gives way to one of h(x) = sin² x at x = "
            f"{numbers.fmt(at.value, p.digits)}, its values filled in. "
            + _back_draws(ct, p.digits)
            + " The chain rule's lines are written under it.",
        )
        self.record("composition.forward", {n.label: n.value for n in ct.nodes})
        self.record("composition.local", _locals(ct))
        self.record("composition.grads", {n.label: n.grad for n in ct.nodes})
        comp = GraphView(ct, p.digits, center_y=0.6, zoom=1.2)
        comp_heading = title(r"h(x) = \sin^2 x", rf",\quad x = {at.latex}")
        self.play(
            *clear_all_but(self, heading),
            ReplacementTransform(heading, comp_heading),
            run_time=0.8,
        )
        self.play(FadeIn(comp.skeleton()), run_time=0.6)
        comp.forward(self, run_time=0.35)
        comp_lines = _backward(
            self, comp, edge_symbols(composition_example(at.value)), p.digits
        )
        self.wait(1)
        return comp_lines

    def _numerical_check(self, p: ChainRuleParams, comp_lines: VGroup) -> None:
        """The step "Checking numerically": chain rule, finite difference and the
        closed form, one row each, in place of the chain rule's lines."""
        at = composition_at(p)
        check = composition_check(at.value)
        self.step(
            "Checking numerically",
            "A finite difference, with no chain rule at all, lands on the same slope.",
            duration=4,
            draws=_check_draws(check, p.check_digits),
        )
        self.record("composition.chain_rule", check.chain_rule)
        self.record("composition.numerical", check.numerical)
        self.record("composition.closed_form", check.closed_form)
        self.record("composition.difference", check.difference)
        rows = _check_rows(check, at.latex, p.check_digits)
        rows.to_edge(DOWN, buff=0.45)
        self.play(FadeOut(comp_lines), run_time=0.4)
        self.play(FadeIn(rows[0], shift=0.2 * UP), run_time=0.6)
        self.play(FadeIn(rows[1], shift=0.2 * UP), run_time=0.6)
        self.play(Write(rows[2]), run_time=0.8)
        self.wait(1.5)


def _check_draws(check: CompositionCheck, d: int) -> str:
    """What the step "Checking numerically" draws, in words (``d``: the decimals).

    >>> print(_check_draws(composition_check(0.5), 6))  # doctest: +ELLIPSIS
    Three rows replace those lines. The chain rule gives 0.841471; a central ...
    """
    return (
        "Three rows replace those lines. The chain rule gives "
        f"{numbers.fmt(check.chain_rule, d)}; a central difference gives "
        f"{numbers.fmt(check.numerical, d)}, off by "
        f"{numbers.readable_text(check.difference)}; by hand, sin 2x gives "
        f"{numbers.fmt(check.closed_form, d)}."
    )


def _back_draws(t: Trace, digits: int) -> str:
    """Where the gradients of graph ``t`` flow back to, in words.

    >>> print(_back_draws(backprop(neuron(x=2.0, w=0.5, b=-1.0)), 4))
    The gradients flow back to x, w and b: 0.125, 0.5 and 0.25.
    """
    leaves = [n for n in t.nodes if n.op == ""]
    flow = "gradient flows" if len(leaves) == 1 else "gradients flow"
    return (
        f"The {flow} back to {numbers.listed([n.label for n in leaves])}: "
        f"{numbers.listed([numbers.fmt(n.grad, digits) for n in leaves])}."
    )


def _check_rows(check: CompositionCheck, at: str, d: int) -> VGroup:
    """h'(x) three ways, one row each: by the chain rule, by a central difference
    (and how far off it is), by hand; ``at`` is x as LaTeX, ``d`` the decimals."""
    off = numbers.sci(check.difference, drop_one=True)
    return VGroup(
        text.tex(
            rf"\text{{chain rule: }} h'({at}) = {numbers.fmt(check.chain_rule, d)}",
            colour=look.TANGENT,
            size=look.TEXT_SIZE,
        ),
        text.tex(
            rf"\text{{central difference: }} {numbers.fmt(check.numerical, d)}",
            rf"\quad\text{{(off by }} {off}\text{{)}}",
            colour=look.SECANT,
            size=look.TEXT_SIZE,
        ),
        text.tex(
            rf"\text{{by hand: }} 2\sin x\cos x = \sin(2\cdot {at})"
            rf" = {numbers.fmt(check.closed_form, d)}",
            size=look.TEXT_SIZE,
        ),
    ).arrange(DOWN, buff=0.3)


def _backward_step(scene: LessonScene, t: Trace, caption: str, digits: int) -> None:
    """The step "Backward pass" begins: its caption, the numbers it will show."""
    scene.step(
        "Backward pass",
        caption,
        duration=6,
        draws=f"The output {t.nodes[-1].label} is seeded with 1, and each edge gets its "
        "local rate, written on it. " + _back_draws(t, digits),
    )

    scene.record("local", _locals(t))
    scene.record("grads", {n.label: n.grad for n in t.nodes if n.op != "const"})


def _backward(
    scene: LessonScene,
    view: GraphView,
    symbols: Mapping[tuple[str, str], str],
    digits: int,
) -> VGroup:
    """Seed the output, then pass back one edge at a time (output first), writing
    each link of the chain rule under the graph; returns those lines."""
    view.seed(scene)
    lines = VGroup()
    for n in reversed(view.t.nodes):
        for s, tgt in view.operand_edges(n.id):
            view.pass_back(scene, [(s, tgt)])
            line = readout_line(view.t, s, tgt, digits, symbols)
            lines.add(line)
            lines.arrange(DOWN, aligned_edge=LEFT, buff=0.25).to_edge(DOWN, buff=0.5).set_x(
                0
            )
            scene.play(FadeIn(line, shift=0.2 * UP), run_time=0.6)
    return lines


# ----------------------------------------------------------------- scene 2


@dataclass(frozen=True)
class NeuronParams(params.Params):
    """The notebook's neuron y = σ(w·x + b) at x = 2, w = 0.5, b = −1."""

    x: params.Coordinate = 2.0
    """The neuron's input x."""
    w: params.Coordinate = 0.5
    """The neuron's weight w."""
    b: params.Coordinate = -1.0
    """The neuron's bias b."""
    digits: params.Digits = 4
    """Decimals shown for the values and gradients."""
    shown: Annotated[
        tuple[Annotated[str, params.OneOf(("x", "w", "b"))], ...], params.Items(1, 3)
    ] = ("w", "b")
    """The gradients written out and compared with PyTorch (the notebook prints ∂y/∂w
    and ∂y/∂b)."""
    match_rtol: params.Tolerance = 1e-12
    """The relative error within which our gradients must agree with PyTorch's."""


class NeuronBackprop(LessonScene):
    """One sigmoid neuron: forward, backward, and PyTorch's gradients beside ours."""

    Params = NeuronParams

    def construct(self) -> None:
        p: NeuronParams = self.params
        inputs = {"x": p.x, "w": p.w, "b": p.b}
        t = backprop(neuron(**inputs))
        view = GraphView(t, p.digits, center_y=0.0, row_step=1.6, zoom=1.1)
        x, w, b = (numbers.fmt(v) for v in (p.x, p.w, p.b))
        heading = title(r"y = \sigma(w\,x + b)", rf",\quad x = {x},\ w = {w},\ b = {b}")
        forward_step(
            self,
            view,
            heading,
            "A neuron weighs its input, adds a bias, and squashes the sum with the "
            "sigmoid.",
            duration=4.5,
        )

        _backward_step(
            self,
            t,
            "Each gradient is the gradient above it times the local rate of its edge.",
            p.digits,
        )
        view.seed(self)
        z = view.id("z")
        view.pass_back(self, view.operand_edges(view.root.id))
        view.pass_back(self, view.operand_edges(z))
        lines = VGroup(
            *(readout_line(t, view.id(name), z, p.digits, {}) for name in p.shown)
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        lines.to_edge(DOWN, buff=0.3)
        self.play(FadeIn(lines, shift=0.2 * UP), run_time=0.8)
        self.wait(1.5)

        check_step(
            self,
            "neuron",
            inputs,
            heading,
            view.root.label,
            p,
            "Autograd, in PyTorch, keeps the same books and gets the same numbers.",
            duration=5,
        )


def _locals(t: Trace) -> dict[str, float]:
    return {
        f"{t.nodes[e.source].label}->{t.nodes[e.target].label}": e.local_grad
        for e in t.edges
    }
