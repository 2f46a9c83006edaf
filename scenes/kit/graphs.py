r"""Computation graphs on screen: boxes for the nodes of a
:func:`mathcore.graph.trace`, laid out left to right, with their values, local
derivatives on the edges and gradients carried back; and the TeX of the chain rule
that goes with them (node names, partials, readout lines, a table against PyTorch).
:class:`ChainGraph` draws f∘g of a :class:`mathcore.jacobians.BackwardPass`, three
columns (inputs, g's outputs, f), with what the pass carries back.

Examples
--------
>>> partial("L", "w")
'\\partial L/\\partial w'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

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
    FadeTransform,
    Line,
    ManimColor,
    MathTex,
    Mobject,
    RoundedRectangle,
    ShowPassingFlash,
    VGroup,
    Write,
)

from mathcore.graph import Node, Trace
from mathcore.jacobians import INPUTS, OUTPUTS, BackwardPass
from mathcore.networks import (
    GradientCheck,
)
from scenes.base import LessonScene
from scenes.kit import look, numbers, text

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
    text = numbers.fmt(value, digits)
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
        self.legend = legend(self.root.label)
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
            shape = Circle(CONST_RADIUS, color=look.MUTED, stroke_width=3)
            label = text.tex(tex_name(n.label), colour=look.MUTED, size=look.LABEL_SIZE)
            self.boxes[n.id] = VGroup(shape, label).move_to(at)
            return
        self.boxes[n.id] = node_box(n.label, at)
        self.values[n.id] = text.tex(
            numbers.fmt(n.value, self.digits), colour=look.CURVE, size=look.LABEL_SIZE
        ).move_to(at)
        if n.op:
            tag = text.tex(definition(self.t, n), colour=look.MUTED, size=look.LABEL_SIZE)
            self.tags[n.id] = tag.next_to(self.boxes[n.id][0], UP, buff=0.12)
        # The gradient goes inside the box, under the value: outside, a label wider
        # than the box would collide with the edges that come in from the side.
        self.grads[n.id] = text.tex(
            numbers.fmt(n.grad, self.digits), colour=look.TANGENT, size=look.LABEL_SIZE
        ).move_to(at + ROW * DOWN)

    def _edge(self, s: int, t: int, local: float) -> None:
        a, b = self.pos[s], self.pos[t]
        start = a + _to_border(b - a, self._half_size(s)) + 0.06 * _unit(b - a)
        end = b - _to_border(b - a, self._half_size(t)) - 0.06 * _unit(b - a)
        colour = look.MUTED if self.is_const(s) else look.INK
        self.arrows[(s, t)] = Arrow(
            start, end, buff=0, color=colour, stroke_width=3, tip_length=0.18
        )
        if self.is_const(s):
            return
        label = text.tex(
            numbers.fmt(local, self.digits), colour=look.TANGENT, size=look.LABEL_SIZE
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
                flash(arrow, look.CURVE)
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
            *(flash(self.arrows[e], look.POINT, backwards=True) for e in edges),
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


def legend(root: str) -> VGroup:
    """What the two colours in a box mean: its value, and the gradient of ``root``
    with respect to it."""
    return VGroup(
        text.tex(r"\text{value}", colour=look.CURVE, size=look.LABEL_SIZE),
        text.tex(
            rf"\partial {tex_name(root)}/\partial(\text{{node}})",
            colour=look.TANGENT,
            size=look.LABEL_SIZE,
        ),
    ).arrange(DOWN, aligned_edge=RIGHT, buff=0.15)


def node_box(name: str, at: np.ndarray) -> VGroup:
    """A node of a computation graph: a rounded box at ``at``, its name at the top
    (its value and gradient go on the lines below, :data:`ROW` apart)."""
    shape = RoundedRectangle(
        corner_radius=0.18,
        width=BOX_WIDTH,
        height=BOX_HEIGHT,
        color=look.INK,
        stroke_width=3,
    ).move_to(at)
    label = text.tex(tex_name(name), colour=look.INK, size=look.TEXT_SIZE)
    return VGroup(shape, label.move_to(at + ROW * UP))


def flash(arrow: Arrow, colour: ManimColor, backwards: bool = False) -> ShowPassingFlash:
    """A bright pulse running along an arrow (against it with ``backwards``)."""
    start, end = arrow.get_start(), arrow.get_end()
    line = Line(end, start) if backwards else Line(start, end)
    return ShowPassingFlash(line.set_stroke(colour, width=7), time_width=0.6)


def title(*parts: str) -> MathTex:
    """A scene's formula, across the top."""
    return text.tex(*parts, size=look.TITLE_SIZE).to_edge(UP, buff=0.35)


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
        return text.tex(
            rf"{partial(root.label, src.label)} = {name}",
            rf"= {numbers.fmt(src.grad, digits)}",
            size=look.TEXT_SIZE,
        )
    return text.tex(
        rf"{partial(root.label, src.label)} = {partial(root.label, dst.label)}"
        rf"\cdot {partial(dst.label, src.label)}",
        rf"= {factor_tex(dst.grad, digits)} \cdot {factor_tex(local, digits)}"
        rf" = {numbers.fmt(src.grad, digits)}",
        size=look.TEXT_SIZE,
    )


def comparison_table(
    check: GradientCheck, rows: Iterable[str], root: str, digits: int
) -> VGroup:
    """The output and gradients, ours beside PyTorch's, a match mark on each row."""
    head = [
        "",
        (r"\text{ours}", look.TANGENT),
        (r"\text{PyTorch}", look.SECANT),
        (r"\text{match}", look.MUTED),
    ]
    entries = [(tex_name(root), check.ours.output, check.torch.output, "output")]
    entries += [
        (partial(root, n), check.ours.grads[n], check.torch.grads[n], n) for n in rows
    ]
    cells: list[list[text.Cell]] = []
    for name, ours, theirs, key in entries:
        ok = check.matches[key]
        mark = (r"\checkmark", look.GOOD) if ok else (r"\times", look.TANGENT)
        cells.append([name, numbers.fmt(ours, digits), numbers.fmt(theirs, digits), mark])
    return text.table(head, cells)


def verdict(check: GradientCheck) -> MathTex:
    """One line under the table: do all gradients (and the output) agree?"""
    if check.all_match:
        rtol = numbers.sci(check.rtol, 0, drop_one=True)
        return text.tex(
            rf"\text{{all agree within a relative error of }} {rtol}",
            colour=look.GOOD,
            size=look.TEXT_SIZE,
        )
    return text.tex(r"\text{mismatch!}", colour=look.TANGENT, size=look.TEXT_SIZE)


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
        size = look.TEXT_SIZE
        self.head = text.tex(rf"{head} =", size=size)
        self.equals = text.tex("=", size=size)
        self.symbols = [text.tex(s, size=size) for s in symbols]
        self.numbers = [text.tex(n, size=size) for n in numbers]
        self.dots = [
            VGroup(text.tex(r"\cdot", size=size), text.tex(r"\cdot", size=size))
            for _ in symbols[1:]
        ]
        self.product = product
        self.tail = VGroup(text.tex("=", size=size), product)
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


# ----------------------------------------------------------------- f∘g, backwards


class ChainGraph:
    """f∘g as a three-column graph: x, y → g1, g2, g3 → f, each box with its value
    (``skeleton``) and, hidden, its gradient ∂f/∂(node) (``grads``: x, y, g1, g2,
    g3, f). Every number comes from the :class:`BackwardPass`."""

    def __init__(self, bp: BackwardPass, digits: int) -> None:
        centre = np.array([0.0, -0.35, 0.0])
        spots = [centre + np.array([-4.6, y, 0.0]) for y in (0.95, -0.95)]
        spots += [centre + np.array([0.0, y, 0.0]) for y in (1.75, 0.0, -1.75)]
        spots.append(centre + np.array([4.6, 0.0, 0.0]))
        names = [*INPUTS, *OUTPUTS, "f"]
        values = [*bp.inputs, *bp.outputs, bp.f]
        grads = [*bp.grads, *bp.upstream, 1.0]
        boxes = [
            _chain_box(n, v, s, digits)
            for n, v, s in zip(names, values, spots, strict=True)
        ]
        self.grads = [
            text.tex(
                numbers.fmt(g, digits), colour=look.TANGENT, size=look.LABEL_SIZE
            ).move_to(s + ROW * DOWN)
            for g, s in zip(grads, spots, strict=True)
        ]
        self.to_g = [_chain_arrow(boxes[i], boxes[j]) for j in (2, 3, 4) for i in (0, 1)]
        self.to_f = [_chain_arrow(boxes[j], boxes[5]) for j in (2, 3, 4)]
        self.legend = legend("f")
        self.legend.move_to(boxes[5]).shift(1.6 * UP).align_to(boxes[5], RIGHT)
        self.skeleton = VGroup(*self.to_g, *self.to_f, *boxes)


def _chain_box(name: str, value: float, at: np.ndarray, digits: int) -> VGroup:
    number = text.tex(
        numbers.fmt(value, digits), colour=look.CURVE, size=look.LABEL_SIZE
    ).move_to(at)
    return node_box(name, at).add(number)


def _chain_arrow(source: VGroup, target: VGroup) -> Arrow:
    return Arrow(
        source[0].get_right(),
        target[0].get_left(),
        buff=0.08,
        color=look.INK,
        stroke_width=3,
        tip_length=0.18,
    )
