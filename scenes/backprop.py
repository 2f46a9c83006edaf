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

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    DecimalNumber,
    FadeIn,
    FadeOut,
    FadeTransform,
    Line,
    ManimColor,
    MathTex,
    Mobject,
    ReplacementTransform,
    RoundedRectangle,
    ShowPassingFlash,
    VGroup,
    Write,
)

from mathcore.graph import Node, Trace
from mathcore.networks import (
    GradientCheck,
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
from scenes import style
from scenes.base import LessonScene

BOX_WIDTH, BOX_HEIGHT = 1.3, 1.2
ROW = 0.33  # label, value and gradient lines of a box, from its centre
CONST_RADIUS = 0.3
GRAPH_WIDTH = 11.4  # centre of the leftmost column to centre of the rightmost


# ----------------------------------------------------------------- naming and TeX


def tex_name(name: str) -> str:
    """A plain name from mathcore as TeX: w1 → w_{1}, σ'(z2) → \\sigma'(z_{2})."""
    tex = re.sub(r"([A-Za-z])(\d+)", r"\1_{\2}", name)
    return tex.replace("σ", r"\sigma").replace("cos(", r"\cos(")


def partial(of: str, wrt: str) -> str:
    """∂of/∂wrt, inline."""
    return rf"\partial {tex_name(of)}/\partial {tex_name(wrt)}"


def factor_tex(value: float, digits: int) -> str:
    """A number as a factor of a product: negatives in brackets."""
    text = style.fmt(value, digits)
    return f"({text})" if value < 0 else text


# ----------------------------------------------------------------- the drawn graph


def layout(t: Trace) -> dict[int, tuple[int, int]]:
    """(column, row) of every node: output on the right, its main chain on row 0.

    Each node's operands sit one column to its left. The deepest operand (ties:
    not a constant, then the first) continues the chain on the node's row; the
    others (weights, biases, constants) go above, then below it, so the chain
    reads as one straight line with the parameters feeding it from the sides.
    """
    parents = {n.id: [e.source for e in t.edges if e.target == n.id] for n in t.nodes}
    root = t.nodes[-1]
    place = {root.id: (root.layer, 0)}
    for n in reversed(t.nodes):  # consumers before their operands
        column, row = place[n.id]
        ps = parents[n.id]
        if not ps:
            continue
        ranked = sorted(
            ps, key=lambda i: (-t.nodes[i].layer, t.nodes[i].op == "const", ps.index(i))
        )
        sides = iter((1, -1, 2, -2))
        for p in ps:
            if p not in place:
                place[p] = (column - 1, row if p == ranked[0] else row + next(sides))
    return place


def definition(t: Trace, n: Node) -> str:
    """What a node computes, in TeX, from its operands' names: "x + 2", "\\sigma(z)"."""
    ps = [tex_name(t.nodes[e.source].label) for e in t.edges if e.target == n.id]
    if n.op == "+":
        return f"{ps[0]} + {ps[1]}"
    if n.op.startswith("**"):
        return f"{ps[0]}^{{{n.op[2:]}}}"
    if n.op == "sigmoid":
        return rf"\sigma({ps[0]})"
    if n.op == "sin":
        return rf"\sin {ps[0]}"
    if n.op == "affine":  # operands (x, w, b)
        return rf"{ps[1]}\,{ps[0]} + {ps[2]}"
    return n.op


class GraphView:
    """A traced graph drawn left to right, with every label ready to be shown.

    Drawing only: every number comes from the trace. ``skeleton`` holds the boxes,
    arrows, definitions and the inputs' values; ``values`` the computed nodes'
    values (the forward pass), ``locals`` each edge's local derivative and
    ``grads`` each node's gradient (the backward pass).
    """

    def __init__(
        self,
        t: Trace,
        digits: int,
        center_y: float = 0.1,
        row_step: float = 1.75,
        max_dx: float = 3.6,
        zoom: float = 1.0,
    ) -> None:
        self.t, self.digits = t, digits
        self.root = t.nodes[-1]
        grid = layout(t)
        columns = [c for c, _ in grid.values()]
        lo, hi = min(columns), max(columns)
        dx = min(max_dx, GRAPH_WIDTH / max(hi - lo, 1))
        self.row = {i: r for i, (_, r) in grid.items()}
        self.pos = {
            i: np.array([(c - (lo + hi) / 2) * dx, center_y + r * row_step, 0.0])
            for i, (c, r) in grid.items()
        }
        self.boxes: dict[int, VGroup] = {}
        self.values: dict[int, MathTex] = {}
        self.tags: dict[int, MathTex] = {}
        self.grads: dict[int, MathTex] = {}
        for n in t.nodes:
            self._node(n)
        self.arrows: dict[tuple[int, int], Arrow] = {}
        self.locals: dict[tuple[int, int], MathTex] = {}
        for e in t.edges:
            self._edge(e.source, e.target, e.local_grad)
        # A small graph is drawn larger, type and all, about the middle of its chain.
        for m in self._parts():
            m.scale(zoom, about_point=np.array([0.0, center_y, 0.0]))
        # What the two colours in a box mean; the gradient's line shows with the seed.
        self.legend = VGroup(
            MathTex(r"\text{value}", color=style.CURVE, font_size=style.LABEL_SIZE),
            MathTex(
                rf"\partial {tex_name(self.root.label)}/\partial(\text{{node}})",
                color=style.TANGENT,
                font_size=style.LABEL_SIZE,
            ),
        ).arrange(DOWN, aligned_edge=RIGHT, buff=0.15)
        self.legend.to_corner(UP + RIGHT, buff=0.4).shift(0.75 * DOWN)

    def _parts(self) -> list[Mobject]:
        return [
            *self.boxes.values(),
            *self.values.values(),
            *self.tags.values(),
            *self.grads.values(),
            *self.arrows.values(),
            *self.locals.values(),
        ]

    def is_const(self, i: int) -> bool:
        return self.t.nodes[i].op == "const"

    def id(self, label: str) -> int:
        return self.t.node(label).id

    def _node(self, n: Node) -> None:
        at = self.pos[n.id]
        if n.op == "const":
            # Constants are small grey leaves: they take part, but need no gradient.
            shape = Circle(CONST_RADIUS, color=style.MUTED, stroke_width=3)
            label = MathTex(
                tex_name(n.label), color=style.MUTED, font_size=style.LABEL_SIZE
            )
            self.boxes[n.id] = VGroup(shape, label).move_to(at)
            return
        shape = RoundedRectangle(
            corner_radius=0.18,
            width=BOX_WIDTH,
            height=BOX_HEIGHT,
            color=style.INK,
            stroke_width=3,
        ).move_to(at)
        label = MathTex(tex_name(n.label), color=style.INK, font_size=style.TEXT_SIZE)
        label.move_to(at + ROW * UP)
        self.boxes[n.id] = VGroup(shape, label)
        self.values[n.id] = MathTex(
            style.fmt(n.value, self.digits), color=style.CURVE, font_size=style.LABEL_SIZE
        ).move_to(at)
        if n.op:
            tag = MathTex(
                definition(self.t, n), color=style.MUTED, font_size=style.LABEL_SIZE
            )
            self.tags[n.id] = tag.next_to(shape, UP, buff=0.12)
        # The gradient goes inside the box, under the value: outside, a label wider
        # than the box would collide with the edges that come in from the side.
        self.grads[n.id] = MathTex(
            style.fmt(n.grad, self.digits), color=style.TANGENT, font_size=style.LABEL_SIZE
        ).move_to(at + ROW * DOWN)

    def _edge(self, s: int, t: int, local: float) -> None:
        a, b = self.pos[s], self.pos[t]
        start = a + _to_border(b - a, self._half_size(s)) + 0.06 * _unit(b - a)
        end = b - _to_border(b - a, self._half_size(t)) - 0.06 * _unit(b - a)
        colour = style.MUTED if self.is_const(s) else style.INK
        self.arrows[(s, t)] = Arrow(
            start, end, buff=0, color=colour, stroke_width=3, tip_length=0.18
        )
        if self.is_const(s):
            return
        label = MathTex(
            style.fmt(local, self.digits), color=style.TANGENT, font_size=style.LABEL_SIZE
        )
        d = _unit(end - start)
        normal = np.array([-d[1], d[0], 0.0])  # left of the direction: above for →
        if self.row[s] < self.row[t]:  # an edge rising from below: label below it
            normal = -normal
        reach = abs(normal[0]) * label.width / 2 + abs(normal[1]) * label.height / 2
        self.locals[(s, t)] = label.move_to((start + end) / 2 + normal * (0.14 + reach))

    def _half_size(self, i: int) -> np.ndarray:
        if self.is_const(i):
            return np.array([CONST_RADIUS, CONST_RADIUS])
        return np.array([BOX_WIDTH / 2, BOX_HEIGHT / 2])

    def skeleton(self) -> VGroup:
        """Boxes, arrows, definitions, and the inputs' values (known from the start)."""
        inputs = [self.values[n.id] for n in self.t.nodes if not n.op]
        return VGroup(
            *self.arrows.values(),
            *self.boxes.values(),
            *self.tags.values(),
            *inputs,
            self.legend[0],
        )

    def forward(self, scene: LessonScene, run_time: float = 0.5) -> None:
        """Fill the computed nodes left to right, each after a flash along its inputs."""
        for n in self.t.nodes:
            if not n.op or n.op == "const":
                continue
            flashes = [
                _flash(arrow, style.CURVE)
                for (s, t), arrow in self.arrows.items()
                if t == n.id
            ]
            scene.play(*flashes, run_time=run_time)
            scene.play(FadeIn(self.values[n.id], shift=0.15 * RIGHT), run_time=run_time)

    def seed(self, scene: LessonScene) -> None:
        """∂y/∂y = 1 appears at the output."""
        scene.play(Write(self.grads[self.root.id]), FadeIn(self.legend[1]), run_time=0.6)

    def pass_back(self, scene: LessonScene, edges: Sequence[tuple[int, int]]) -> None:
        """Carry the gradient back along ``edges`` (together): write each local
        derivative on its edge, then upstream gradient and local derivative slide
        back together and become the operand's gradient (their product)."""
        scene.play(*(FadeIn(self.locals[e], scale=1.3) for e in edges), run_time=0.6)
        scene.play(
            *(_flash(self.arrows[e], style.POINT, backwards=True) for e in edges),
            *(
                FadeTransform(
                    VGroup(self.grads[t].copy(), self.locals[(s, t)].copy()), self.grads[s]
                )
                for s, t in edges
            ),
            run_time=1.0,
        )

    def operand_edges(self, target: int) -> list[tuple[int, int]]:
        """The edges into ``target`` that carry a gradient back (not from constants)."""
        return [(s, t) for (s, t) in self.arrows if t == target and not self.is_const(s)]


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _to_border(direction: np.ndarray, half: np.ndarray) -> np.ndarray:
    """From a box's centre along ``direction`` to where it leaves the box."""
    d = _unit(direction)
    scale = min(
        half[0] / abs(d[0]) if d[0] else math.inf, half[1] / abs(d[1]) if d[1] else math.inf
    )
    return d * scale


def _flash(arrow: Arrow, colour: ManimColor, backwards: bool = False) -> ShowPassingFlash:
    """A bright pulse running along an arrow (against it with ``backwards``)."""
    start, end = arrow.get_start(), arrow.get_end()
    line = Line(end, start) if backwards else Line(start, end)
    return ShowPassingFlash(line.set_stroke(colour, width=7), time_width=0.6)


def title(*parts: str) -> MathTex:
    """A scene's formula, across the top."""
    return MathTex(*parts, font_size=style.TITLE_SIZE).to_edge(UP, buff=0.35)


def readout_line(
    t: Trace, s: int, tgt: int, digits: int, symbols: Mapping[tuple[str, str], str]
) -> MathTex:
    """One link of the chain rule as the notebook writes it, numbers from the trace.

    Next to the output: ∂y/∂s = (its local rate by name) = value. Further back:
    ∂y/∂s = ∂y/∂t · ∂t/∂s = upstream gradient · local rate = gradient.
    """
    root = t.nodes[-1]
    src, dst = t.nodes[s], t.nodes[tgt]
    local = t.edge(s, tgt).local_grad
    if dst.id == root.id:
        name = tex_name(symbols[src.label, dst.label])
        return MathTex(
            rf"{partial(root.label, src.label)} = {name}",
            rf"= {style.fmt(src.grad, digits)}",
            font_size=style.TEXT_SIZE,
        )
    return MathTex(
        rf"{partial(root.label, src.label)} = {partial(root.label, dst.label)}"
        rf"\cdot {partial(dst.label, src.label)}",
        rf"= {factor_tex(dst.grad, digits)} \cdot {factor_tex(local, digits)}"
        rf" = {style.fmt(src.grad, digits)}",
        font_size=style.TEXT_SIZE,
    )


def comparison_table(
    check: GradientCheck, rows: Iterable[str], root: str, digits: int
) -> VGroup:
    """The output and gradients, ours beside PyTorch's, a match mark on each row."""
    size = style.TEXT_SIZE
    cells: list[Mobject] = [
        MathTex("", font_size=size),
        MathTex(r"\text{ours}", color=style.TANGENT, font_size=size),
        MathTex(r"\text{PyTorch}", color=style.SECANT, font_size=size),
        MathTex(r"\text{match}", color=style.MUTED, font_size=size),
    ]
    entries = [(tex_name(root), check.ours.output, check.torch.output, "output")]
    entries += [
        (partial(root, n), check.ours.grads[n], check.torch.grads[n], n) for n in rows
    ]
    for name, ours, theirs, key in entries:
        ok = check.matches[key]
        cells += [
            MathTex(name, font_size=size),
            MathTex(style.fmt(ours, digits), font_size=size),
            MathTex(style.fmt(theirs, digits), font_size=size),
            MathTex(
                r"\checkmark" if ok else r"\times",
                color=style.GOOD if ok else style.TANGENT,
                font_size=size,
            ),
        ]
    return VGroup(*cells).arrange_in_grid(cols=4, buff=(0.9, 0.32))


def verdict(check: GradientCheck) -> MathTex:
    """One line under the table: do all gradients (and the output) agree?"""
    if check.all_match:
        rtol = style.sci(check.rtol, 0, drop_one=True)
        return MathTex(
            rf"\text{{all agree within a relative error of }} {rtol}",
            color=style.GOOD,
            font_size=style.TEXT_SIZE,
        )
    return MathTex(r"\text{mismatch!}", color=style.TANGENT, font_size=style.TEXT_SIZE)


# ----------------------------------------------------------------- scene 1


@dataclass(frozen=True)
class ChainRuleParams:
    """The notebook's chain rule examples: y = (x + 2)² at x = 3, sin²(x) at π/4."""

    x: float = 3.0
    """The input x at which y = (x + 2)² is computed forward and differentiated back."""
    composition_at: float = math.pi / 4
    """The x at which sin²(x) is differentiated and checked numerically."""
    composition_at_tex: str = r"\pi/4"
    """How ``composition_at`` is written on screen, as LaTeX (π/4 is ``\\pi/4``)."""
    digits: int = 4
    """Decimals shown for the values and gradients on the graph."""
    check_digits: int = 6
    """Decimals of the numerical check of sin²'s slope (the notebook prints 6)."""


class ChainRuleGraph(LessonScene):
    """y = (x + 2)²: values forward, gradients back; then sin²(x) checked numerically."""

    Params = ChainRuleParams

    def construct(self) -> None:
        p: ChainRuleParams = self.params
        t = backprop(chain_example(p.x))
        view = GraphView(t, p.digits, center_y=0.1, zoom=1.2)
        heading = title(r"y = (x + 2)^2", rf",\quad x = {style.fmt(p.x, p.digits)}")
        _forward_step(
            self,
            view,
            heading,
            "Forward: each node computes its value from the nodes that feed it.",
            duration=4.5,
        )

        _backward_step(
            self,
            t,
            "Backward: start from 1 at the output and multiply by each edge's local rate.",
        )
        _backward(self, view, edge_symbols(chain_example(p.x)), p.digits)
        self.wait(1)

        self.step(
            "A composition",
            "sin²(x) is sine, then squaring: the rates multiply, 2·sin x times cos x.",
            duration=9,
        )
        ct = backprop(composition_example(p.composition_at))
        self.record("composition.forward", {n.label: n.value for n in ct.nodes})
        self.record("composition.local", _locals(ct))
        self.record("composition.grads", {n.label: n.grad for n in ct.nodes})
        comp = GraphView(ct, p.digits, center_y=0.6, zoom=1.2)
        comp_heading = title(r"h(x) = \sin^2 x", rf",\quad x = {p.composition_at_tex}")
        self.play(
            *_clear_all_but(self, heading),
            ReplacementTransform(heading, comp_heading),
            run_time=0.8,
        )
        self.play(FadeIn(comp.skeleton()), run_time=0.6)
        comp.forward(self, run_time=0.35)
        comp_lines = _backward(
            self, comp, edge_symbols(composition_example(p.composition_at)), p.digits
        )
        self.wait(1)

        self.step(
            "Checking numerically",
            "A finite difference, with no chain rule at all, lands on the same slope.",
            duration=4,
        )
        check = composition_check(p.composition_at)
        self.record("composition.chain_rule", check.chain_rule)
        self.record("composition.numerical", check.numerical)
        self.record("composition.closed_form", check.closed_form)
        self.record("composition.difference", check.difference)
        d, at = p.check_digits, p.composition_at_tex
        off = style.sci(check.difference, drop_one=True)
        rows = VGroup(
            MathTex(
                rf"\text{{chain rule: }} h'({at}) = {style.fmt(check.chain_rule, d)}",
                color=style.TANGENT,
                font_size=style.TEXT_SIZE,
            ),
            MathTex(
                rf"\text{{central difference: }} {style.fmt(check.numerical, d)}",
                rf"\quad\text{{(off by }} {off}\text{{)}}",
                color=style.SECANT,
                font_size=style.TEXT_SIZE,
            ),
            MathTex(
                rf"\text{{by hand: }} 2\sin x\cos x = \sin(2\cdot {at})"
                rf" = {style.fmt(check.closed_form, d)}",
                font_size=style.TEXT_SIZE,
            ),
        ).arrange(DOWN, buff=0.3)
        rows.to_edge(DOWN, buff=0.45)
        self.play(FadeOut(comp_lines), run_time=0.4)
        self.play(FadeIn(rows[0], shift=0.2 * UP), run_time=0.6)
        self.play(FadeIn(rows[1], shift=0.2 * UP), run_time=0.6)
        self.play(Write(rows[2]), run_time=0.8)
        self.wait(1.5)


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
    scene.step("Forward pass", caption, duration=duration)
    scene.play(Write(heading), FadeIn(view.skeleton()), run_time=1.2)
    view.forward(scene, run_time=run_time)
    scene.wait(rest)


def _backward_step(scene: LessonScene, t: Trace, caption: str) -> None:
    """The step "Backward pass" begins: its caption, the numbers it will show."""
    scene.step("Backward pass", caption, duration=6)
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
class NeuronParams:
    """The notebook's neuron y = σ(w·x + b) at x = 2, w = 0.5, b = −1."""

    x: float = 2.0
    """The neuron's input x."""
    w: float = 0.5
    """The neuron's weight w."""
    b: float = -1.0
    """The neuron's bias b."""
    digits: int = 4
    """Decimals shown for the values and gradients."""
    shown: tuple[str, ...] = ("w", "b")
    """The gradients written out and compared with PyTorch (the notebook prints ∂y/∂w
    and ∂y/∂b)."""
    match_rtol: float = 1e-12
    """The relative error within which our gradients must agree with PyTorch's."""


class NeuronBackprop(LessonScene):
    """One sigmoid neuron: forward, backward, and PyTorch's gradients beside ours."""

    Params = NeuronParams

    def construct(self) -> None:
        p: NeuronParams = self.params
        inputs = {"x": p.x, "w": p.w, "b": p.b}
        t = backprop(neuron(**inputs))
        view = GraphView(t, p.digits, center_y=0.0, row_step=1.6, zoom=1.1)
        heading = title(
            r"y = \sigma(w\,x + b)",
            rf",\quad x = {style.fmt(p.x)},\ w = {style.fmt(p.w)},\ b = {style.fmt(p.b)}",
        )
        _forward_step(
            self,
            view,
            heading,
            "A neuron: weigh the input, add the bias, squash it with the sigmoid.",
            duration=4.5,
        )

        _backward_step(
            self,
            t,
            "Each gradient is the gradient above it times the local rate of its edge.",
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
            "PyTorch's autograd does the same bookkeeping and gets the same numbers.",
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
    scene.step("Check with PyTorch", caption, duration=duration)
    check = check_against_torch(model, inputs, rtol=p.match_rtol)
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


@dataclass(frozen=True)
class TwoLayerParams:
    """Exercise 3: y = σ(w2·σ(w1·x + b1) + b2) with the notebook's values."""

    x: float = 1.0
    """The network's input x."""
    w1: float = 0.5
    """The first neuron's weight."""
    b1: float = 0.1
    """The first neuron's bias."""
    w2: float = -0.3
    """The second neuron's weight."""
    b2: float = 0.2
    """The second neuron's bias."""
    wrt: str = "w1"
    """The parameter whose gradient ∂y/∂(it) is built link by link along the chain."""
    digits: int = 4
    """Decimals shown for the values and gradients."""
    shown: tuple[str, ...] = ("w1", "b1", "w2", "b2")
    """The gradients compared with PyTorch, one row each."""
    match_rtol: float = 1e-12
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

        self.step(
            f"The path to {p.wrt}",
            f"{p.wrt} reaches y along one path only: follow it back from the output.",
            duration=2.5,
        )
        links = chain_links(two_layer(**inputs), p.wrt)
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
        on_path = {i for e in path_edges for i in e}
        off = VGroup(
            *(a for e, a in view.arrows.items() if e not in path_edges),
            *(view.boxes[i][1] for i in view.boxes if i not in on_path),
            *(view.values[i] for i in view.values if i not in on_path),
            *(view.tags[i] for i in view.tags if i not in on_path),
        )
        self.play(
            off.animate.set_opacity(0.3),
            # The boxes are outlines: dim only their stroke, or they fill in grey.
            *(
                view.boxes[i][0].animate.set_stroke(opacity=0.3)
                for i in view.boxes
                if i not in on_path
            ),
            *(view.arrows[e].animate.set_color(style.POINT) for e in path_edges),
            *(view.boxes[i][0].animate.set_color(style.POINT) for i in on_path),
            run_time=1.0,
        )
        view.seed(self)
        self.wait(1)

        self.step(
            "Link by link",
            "Multiply the local rates one link at a time, like gears turning gears.",
            duration=10,
        )
        readout = ProductReadout(
            partial(view.root.label, p.wrt),
            [tex_name(k.symbol) for k in links],
            [factor_tex(k.factor, p.digits) for k in links],
            DecimalNumber(
                view.root.grad,
                num_decimal_places=p.digits,
                color=style.TANGENT,
                font_size=style.TEXT_SIZE,
            ),
        )
        readout.to_edge(DOWN, buff=0.3).set_x(0)
        symbols, numbers, product = readout.symbols, readout.numbers, readout.product
        self.play(FadeIn(readout.frame), run_time=0.6)
        for k, (edge, sym, num) in enumerate(
            zip(path_edges, symbols, numbers, strict=True)
        ):
            joiners = readout.dots[k - 1] if k else []
            self.play(
                FadeIn(view.locals[edge], scale=1.3),
                FadeIn(sym),
                *(FadeIn(j) for j in joiners),
                run_time=0.6,
            )
            s, tgt = edge
            self.play(
                _flash(view.arrows[edge], style.POINT, backwards=True),
                FadeTransform(
                    VGroup(view.grads[tgt].copy(), view.locals[edge].copy()), view.grads[s]
                ),
                ReplacementTransform(view.locals[edge].copy(), num),
                # Straight to the new product: counting through the numbers in
                # between would show values that are no product of these factors.
                product.animate.set_value(links[k].product),
                run_time=1.2,
            )
            self.wait(0.3)
        self.record(f"d{view.root.label}/d{p.wrt}", links[-1].product)
        self.wait(1)

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


class ProductReadout(VGroup):
    """Two lines under the graph: a gradient as a product of named local rates, and
    below each name its number, then ``=`` and the running product.

    ``frame`` is what shows from the start (the two heads and the product); the
    factors and the dots between them are revealed one link at a time.
    """

    def __init__(
        self,
        head: str,
        symbols: Sequence[str],
        numbers: Sequence[str],
        product: DecimalNumber,
        buff: float = 0.16,
        line_gap: float = 0.62,
    ) -> None:
        size = style.TEXT_SIZE
        self.head = MathTex(rf"{head} =", font_size=size)
        self.equals = MathTex("=", font_size=size)
        self.symbols = [MathTex(s, font_size=size) for s in symbols]
        self.numbers = [MathTex(n, font_size=size) for n in numbers]
        self.dots = [
            VGroup(MathTex(r"\cdot", font_size=size), MathTex(r"\cdot", font_size=size))
            for _ in symbols[1:]
        ]
        self.product = product
        self.tail = VGroup(MathTex("=", font_size=size), product)
        # Columns as wide as the wider of a name and its number, so they line up.
        top, low = 0.0, -line_gap
        cursor = self.head.width + buff
        self.head.move_to([self.head.width / 2, top, 0])
        self.equals.move_to([self.head.get_right()[0] - self.equals.width / 2, low, 0])
        for i, (sym, num) in enumerate(zip(self.symbols, self.numbers, strict=True)):
            if i:
                dot_top, dot_low = self.dots[i - 1]
                dot_top.move_to([cursor + dot_top.width / 2, top, 0])
                dot_low.move_to([cursor + dot_low.width / 2, low, 0])
                cursor += dot_top.width + buff
            width = max(sym.width, num.width)
            sym.move_to([cursor + width / 2, top, 0])
            num.move_to([cursor + width / 2, low, 0])
            cursor += width + buff
        self.tail.arrange(RIGHT, buff=buff).move_to([cursor, low, 0], aligned_edge=LEFT)
        super().__init__(
            self.head, self.equals, *self.symbols, *self.numbers, *self.dots, self.tail
        )
        self.frame = VGroup(self.head, self.equals, self.tail)
