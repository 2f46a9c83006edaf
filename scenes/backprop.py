"""Part 3 of the lesson: the chain rule as backpropagation, and Exercise 3.

A computation graph is drawn left to right from :func:`mathcore.graph.trace`: the
forward pass fills each node's value, the backward pass writes each edge's local
derivative on it and carries the product right to left, node by node.

Render one scene with plain Manim from the repo root::

    manim render scenes/backprop.py ChainRuleGraph -ql
    manim render scenes/backprop.py NeuronBackprop -ql
    manim render scenes/backprop.py TwoLayerBackprop -ql
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated

from manim import (
    DOWN,
    LEFT,
    UP,
    DecimalNumber,
    FadeIn,
    FadeOut,
    FadeTransform,
    Mobject,
    ReplacementTransform,
    Transform,
    VGroup,
    Write,
)
from manim.mobject.mobject import _AnimationBuilder

from lesson import params
from mathcore.graph import Trace
from mathcore.networks import (
    CompositionCheck,
    GradientCheck,
    Link,
    backprop,
    chain_example,
    chain_links,
    check_against_torch,
    composition_check,
    composition_example,
    edge_symbols,
    neuron,
    two_layer,
)
from mathcore.symbolic import Constant, parse_constant
from scenes.base import LessonScene
from scenes.kit import look, numbers, text
from scenes.kit.graphs import (
    GraphView,
    ProductReadout,
    comparison_table,
    factor_tex,
    flash,
    partial,
    readout_line,
    tex_name,
    title,
    verdict,
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
        _forward_step(
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
            *_clear_all_but(self, heading),
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


def _torch_draws(check: GradientCheck, root: str, shown: Sequence[str]) -> str:
    """What the step "Check with PyTorch" draws, in words.

    >>> check = check_against_torch("neuron", {"x": 2.0, "w": 0.5, "b": -1.0})
    >>> print(_torch_draws(check, "y", ("w", "b")))  # doctest: +ELLIPSIS
    A table sets our numbers beside PyTorch's, ... Below: all agree within ... 10^-12.
    """
    rows = ["output", *shown]
    crossed = [k for k in rows if not check.matches[k]]
    marks = (
        "Every row is ticked as a match."
        if not crossed
        else f"The rows of {numbers.listed(crossed)} are crossed: they differ."
    )
    below = (
        f"all agree within a relative error of {numbers.sci_text(check.rtol, 0)}"
        if check.all_match
        else "a mismatch"
    )
    return (
        "A table sets our numbers beside PyTorch's, a row for the output "
        f"{root} and one for each gradient of {numbers.listed(list(shown))}. "
        f"{marks} Below: {below}."
    )


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


def _forward_step(
    scene: LessonScene,
    view: GraphView,
    heading: Mobject,
    caption: str,
    duration: float,
    run_time: float = 0.5,
    rest: float = 1.0,
) -> None:
    """The step "Forward pass": the heading and the empty graph, then its values."""
    scene.record("forward", {n.label: n.value for n in view.t.nodes})
    leaves = [n for n in view.t.nodes if n.op == ""]
    root = view.root
    scene.step(
        "Forward pass",
        caption,
        duration=duration,
        draws=f"A computation graph of {numbers.number_word(len(view.t.nodes))} nodes, "
        "left to right, with its formula above. Each value is filled in, from "
        + numbers.listed(
            [f"{n.label} = {numbers.fmt(n.value, view.digits)}" for n in leaves]
        )
        + f" to {root.label} = {numbers.fmt(root.value, view.digits)}.",
    )
    scene.play(Write(heading), FadeIn(view.skeleton()), run_time=1.2)
    view.forward(scene, run_time=run_time)
    scene.wait(rest)


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
        _forward_step(
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

        _check_step(
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


def _clear_all_but(scene: LessonScene, keep: Mobject) -> list[FadeOut]:
    """Fade out whatever is on screen except ``keep`` (only what is shown: fading
    out a label never shown would first flash it in)."""
    return [FadeOut(m) for m in scene.mobjects if m is not keep]


def _check_step(
    scene: LessonScene,
    model: str,
    inputs: Mapping[str, float],
    heading: Mobject,
    root: str,
    p: NeuronParams | TwoLayerParams,
    caption: str,
    duration: float,
) -> None:
    """The step "Check with PyTorch": the same model in autograd, its numbers by ours."""
    check = check_against_torch(model, inputs, rtol=p.match_rtol)
    scene.step(
        "Check with PyTorch",
        caption,
        duration=duration,
        draws=_torch_draws(check, root, p.shown),
    )
    scene.record("torch.output", check.torch.output)
    scene.record("torch.grads", dict(check.torch.grads))
    scene.record("match", dict(check.matches))
    table = comparison_table(check, p.shown, root, p.digits).scale(1.15)
    table.move_to(0.3 * UP)
    note = verdict(check).next_to(table, DOWN, buff=0.6)
    scene.play(*_clear_all_but(scene, heading), run_time=0.8)
    # Columns first, so "ours" and "PyTorch" can be read side by side as they arrive.
    columns = [VGroup(*table[i::4]) for i in range(4)]
    scene.play(FadeIn(columns[0]), FadeIn(columns[1]), run_time=0.8)
    scene.play(FadeIn(columns[2], shift=0.2 * LEFT), run_time=0.8)
    scene.play(FadeIn(columns[3], scale=1.3), Write(note), run_time=0.8)
    scene.wait(2)


# ----------------------------------------------------------------- scene 3


TWO_LAYER_INPUTS = params.OneOf(("x", "w1", "b1", "w2", "b2"))
"""What the two-layer network's gradient can be taken with respect to."""


@dataclass(frozen=True)
class TwoLayerParams(params.Params):
    """Exercise 3: y = σ(w2·σ(w1·x + b1) + b2) with the notebook's values."""

    x: params.Coordinate = 1.0
    """The network's input x."""
    w1: params.Coordinate = 0.5
    """The first neuron's weight."""
    b1: params.Coordinate = 0.1
    """The first neuron's bias."""
    w2: params.Coordinate = -0.3
    """The second neuron's weight."""
    b2: params.Coordinate = 0.2
    """The second neuron's bias."""
    wrt: Annotated[str, TWO_LAYER_INPUTS] = "w1"
    """The parameter whose gradient ∂y/∂(it) is built link by link along the chain."""
    digits: params.Digits = 4
    """Decimals shown for the values and gradients."""
    shown: Annotated[tuple[Annotated[str, TWO_LAYER_INPUTS], ...], params.Items(1, 5)] = (
        "w1",
        "b1",
        "w2",
        "b2",
    )
    """The gradients compared with PyTorch, one row each."""
    match_rtol: params.Tolerance = 1e-12
    """The relative error within which our gradients must agree with PyTorch's."""


class TwoLayerBackprop(LessonScene):
    """∂y/∂w1 built link by link along the chain, then checked against PyTorch."""

    Params = TwoLayerParams

    def construct(self) -> None:
        p: TwoLayerParams = self.params
        inputs = {"x": p.x, "w1": p.w1, "b1": p.b1, "w2": p.w2, "b2": p.b2}
        t = backprop(two_layer(**inputs))
        view = GraphView(t, p.digits, center_y=0.35, row_step=1.7)
        heading = title(r"y = \sigma\big(w_2\,\sigma(w_1 x + b_1) + b_2\big)")
        _forward_step(
            self,
            view,
            heading,
            "Two neurons in a row: the first one's output h is the second one's input.",
            duration=5,
            run_time=0.4,
            rest=0.5,
        )

        links, path_edges = self._path_to(view, inputs, p)
        self._link_by_link(view, links, path_edges, p)
        _check_step(
            self,
            "two_layer",
            inputs,
            heading,
            view.root.label,
            p,
            "Autograd agrees with the hand-made chain, digit for digit.",
            duration=4.5,
        )

    def _path_to(
        self, view: GraphView, inputs: Mapping[str, float], p: TwoLayerParams
    ) -> tuple[tuple[Link, ...], list[tuple[int, int]]]:
        """The step "The path to w1": that path lit, the rest of the graph dimmed,
        the output seeded; returns the path's links and its edges, output first."""
        links = chain_links(two_layer(**inputs), p.wrt)
        self.step(
            f"The path to {p.wrt}",
            f"{p.wrt} reaches y along one path only: follow it back from the output.",
            duration=2.5,
            draws=_path_draws(links),
        )
        self.record(
            "links",
            [
                {
                    "source": k.source,
                    "target": k.target,
                    "symbol": k.symbol,
                    "factor": k.factor,
                    "product": k.product,
                }
                for k in links
            ],
        )
        path_edges = [(view.id(k.source), view.id(k.target)) for k in links]
        self.play(*_light_path(view, path_edges), run_time=1.0)
        view.seed(self)
        self.wait(1)
        return links, path_edges

    def _link_by_link(
        self,
        view: GraphView,
        links: tuple[Link, ...],
        path_edges: list[tuple[int, int]],
        p: TwoLayerParams,
    ) -> None:
        """The step "Link by link": the product ∂y/∂w1 built one factor at a time."""
        self.step(
            "Link by link",
            "Multiply the local rates one link at a time, like gears turning gears.",
            duration=10,
            draws=f"Under the graph, the gradient of {view.root.label} with respect to "
            f"{p.wrt} is built as a product of {numbers.number_word(len(links))} local "
            f"rates, a link at a time. It ends at "
            f"{numbers.fmt(links[-1].product, p.digits)}.",
        )
        readout = _product_readout(view, links, p)
        self.play(FadeIn(readout.frame), run_time=0.6)
        for k, (edge, link) in enumerate(zip(path_edges, links, strict=True)):
            self._take_link(view, readout, k, edge, link.product)
        self.record(f"d{view.root.label}/d{p.wrt}", links[-1].product)
        self.wait(1)

    def _take_link(
        self,
        view: GraphView,
        readout: ProductReadout,
        k: int,
        edge: tuple[int, int],
        product: float,
    ) -> None:
        """Link ``k``: its local rate appears on its edge and in the product, then
        moves the gradient back along the edge and the product to ``product``."""
        sym, num = readout.symbols[k], readout.numbers[k]
        joiners = readout.dots[k - 1] if k else []
        self.play(
            FadeIn(view.locals[edge], scale=1.3),
            FadeIn(sym),
            *(FadeIn(j) for j in joiners),
            run_time=0.6,
        )
        s, tgt = edge
        self.play(
            flash(view.arrows[edge], look.POINT, backwards=True),
            FadeTransform(
                VGroup(view.grads[tgt].copy(), view.locals[edge].copy()), view.grads[s]
            ),
            ReplacementTransform(view.locals[edge].copy(), num),
            # Straight to the new product: counting through the numbers in
            # between would show values that are no product of these factors.
            # (as a Transform to the new number: animating set_value fails when the
            # number of characters changes, as from -0.0219 to 0)
            Transform(readout.product, readout.product.copy().set_value(product)),
            run_time=1.2,
        )
        readout.product.set_value(product)  # the number it now shows, as its value
        self.wait(0.3)


def _path_draws(links: Sequence[Link]) -> str:
    """What the step "The path to …" draws, in words (``links``: output first).

    >>> from mathcore.networks import two_layer
    >>> links = chain_links(two_layer(x=1.0, w1=0.5, b1=0.1, w2=-0.3, b2=0.2), "b2")
    >>> print(_path_draws(links))
    The path b2, z2, y is lit and the rest of the graph dims. The output y is seeded with 1.
    """
    path = [links[-1].source, *(k.target for k in reversed(links))]
    return (
        f"The path {', '.join(path)} is lit and the rest of the graph dims. "
        f"The output {path[-1]} is seeded with 1."
    )


def _light_path(
    view: GraphView, path_edges: list[tuple[int, int]]
) -> list[_AnimationBuilder]:
    """The animations that dim every part of the graph off the path and colour the
    path's arrows and boxes."""
    on_path = {i for e in path_edges for i in e}
    off = VGroup(
        *(a for e, a in view.arrows.items() if e not in path_edges),
        *(view.boxes[i][1] for i in view.boxes if i not in on_path),
        *(view.values[i] for i in view.values if i not in on_path),
        *(view.tags[i] for i in view.tags if i not in on_path),
    )
    return [
        off.animate.set_opacity(0.3),
        # The boxes are outlines: dim only their stroke, or they fill in grey.
        *(
            view.boxes[i][0].animate.set_stroke(opacity=0.3)
            for i in view.boxes
            if i not in on_path
        ),
        *(view.arrows[e].animate.set_color(look.POINT) for e in path_edges),
        *(view.boxes[i][0].animate.set_color(look.POINT) for i in on_path),
    ]


def _product_readout(
    view: GraphView, links: tuple[Link, ...], p: TwoLayerParams
) -> ProductReadout:
    """∂y/∂w1 = (symbols) = (factors) = product, under the graph, all still hidden."""
    readout = ProductReadout(
        partial(view.root.label, p.wrt),
        [tex_name(k.symbol) for k in links],
        [factor_tex(k.factor, p.digits) for k in links],
        DecimalNumber(
            view.root.grad,
            num_decimal_places=p.digits,
            color=look.TANGENT,
            font_size=look.TEXT_SIZE,
        ),
    )
    readout.to_edge(DOWN, buff=0.3).set_x(0)
    return readout
