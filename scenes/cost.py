"""Part 3, Layer 3: backprop = chain rule + dynamic programming (BackpropCost).

A gradient by central differences costs two forward passes per parameter; backprop
costs one forward and one backward pass, because each node's upstream gradient is
computed once and reused by every input of it. The work is counted by
:mod:`mathcore.mlp` as it is done, for one small network and for a sweep of wider
ones, and plotted against the number of parameters P on log–log axes.

Render it with plain Manim from the repo root::

    manim render scenes/cost.py BackpropCost -ql
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    Mobject,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    always_redraw,
    linear,
)

from mathcore import mlp
from scenes.base import LessonScene
from scenes.cost_plan import BackpropCostParams, Plan, compared, plan
from scenes.kit import look, numbers, plots, text
from scenes.kit.graphs import GraphView, flash, partial, title


def count(n: int) -> str:
    """An integer as LaTeX with thousands separators: 1{,}488."""
    return f"{n:,}".replace(",", "{,}")


class BackpropCost(LessonScene):
    """One backward pass against one pass per parameter: counted, plotted, checked."""

    Params = BackpropCostParams

    def construct(self) -> None:
        p: BackpropCostParams = self.params
        plan_ = plan(p)
        self._record(plan_)
        diagram = NetworkDiagram(plan_.net.widths)
        facts = self._network(plan_, diagram)
        self._central(plan_, diagram, facts)
        self._backprop(plan_, diagram, facts)
        self._reuse(plan_)
        self._growth(plan_, p)
        self._agreement(plan_, p)

    def _record(self, q: Plan) -> None:
        """Every number the scene shows or says, in the manifest."""
        self.record("widths", q.net.widths)
        self.record("n_params", q.cost.n_params)
        self.record("forward_multiply_adds", q.cost.forward_pass.multiply_adds)
        self.record("backprop", vars(q.cost.backprop))
        self.record("central", vars(q.cost.central))
        self.record(
            "sweep",
            [
                {
                    "widths": c.widths,
                    "n_params": c.n_params,
                    "forward_multiply_adds": c.forward_pass.multiply_adds,
                    "backprop": vars(c.backprop),
                    "central": vars(c.central),
                    "ratio": c.ratio,
                }
                for c in q.sweep
            ],
        )
        self.record("slopes", {"central": q.central_slope, "backprop": q.backprop_slope})
        self.record("gradient.backprop", q.agreement.backprop)
        self.record("gradient.central", q.agreement.central)
        self.record("gradient.max_difference", q.agreement.max_difference)
        self.record("gradient.expected_error", q.agreement.expected_error)
        self.record("loss", mlp.loss(q.net))
        self.record("neuron.grads", {n.label: n.grad for n in q.neuron.nodes})

    # ------------------------------------------------------------- the steps

    def _network(self, q: Plan, diagram: NetworkDiagram) -> VGroup:
        """The step "The network": the MLP, P and F; returns the column of facts."""
        n, f = q.cost.n_params, q.cost.forward_pass.multiply_adds
        widths = q.net.widths
        hidden = f"{numbers.number_word(len(widths) - 2)} {q.net.activation} layer" + (
            "s" if len(widths) > 3 else ""
        )
        self.step(
            "The network",
            f"A network with {widths[0]} inputs, {hidden} of {widths[1]} and one output "
            f"has P = {n} parameters. One forward pass costs F = {f} multiply-adds.",
            draws="A network drawn as columns of "
            f"{numbers.listed(list(map(str, widths)))} neurons, a line for each weight, "
            "and its loss above the output. Beside it: "
            f"P = {n:,} weights and biases, and F = {f:,} multiply-adds a forward pass.",
        )
        sums = " + ".join(f"{a}\\cdot{b}" for a, b in itertools.pairwise(widths))
        facts = text.column(
            text.tex(rf"P = {count(n)}\ \text{{weights and biases}}"),
            text.tex(rf"F = {sums} = {count(f)}", colour=look.CURVE),
            text.tex(
                r"\text{multiply-adds per forward pass}",
                colour=look.CURVE,
                size=look.LABEL_SIZE,
            ),
            top=3.2,
        )
        loss = text.tex(r"L = \tfrac12\,(y - t)^2", colour=look.MUTED).next_to(
            diagram.output, UP, buff=0.75
        )
        self.play(Create(diagram.lines), FadeIn(diagram.neurons), run_time=1.5)
        self.play(FadeIn(diagram.sizes), FadeIn(loss), FadeIn(facts[0]), run_time=0.8)
        self.play(FadeIn(facts[1:]), run_time=0.8)
        self.wait(1.4)
        return VGroup(facts, loss)

    def _central(self, q: Plan, diagram: NetworkDiagram, facts: VGroup) -> None:
        """The step "Central differences": every parameter nudged in turn, two
        forward passes each, counted."""
        c = q.cost.central
        self.step(
            "Central differences",
            "Central differences nudge each parameter up and down, and run the whole "
            f"network again. That is 2P = {c.forward_passes:,} forward passes: "
            f"{c.multiply_adds:,} multiply-adds.",
            draws="Each weight and bias lights up in turn, while counters climb to "
            f"{c.forward_passes:,} forward passes and {c.multiply_adds:,} multiply-adds.",
        )
        parts = diagram.parameter_parts()
        k = ValueTracker(0)

        def done() -> int:
            return min(int(k.get_value()), len(parts))

        lit = always_redraw(
            lambda: (
                parts[min(done(), len(parts) - 1)]
                .copy()
                .set_stroke(look.SECANT, width=6, opacity=1)
            )
        )
        f = q.cost.forward_pass.multiply_adds
        passes = numbers.LightInteger(0, color=look.SECANT, font_size=look.TEXT_SIZE)
        adds = numbers.LightInteger(0, color=look.SECANT, font_size=look.TEXT_SIZE)
        rows = text.below(
            facts[0],
            text.tex(r"\text{central differences:}", colour=look.SECANT),
            VGroup(text.tex(r"\text{forward passes}\ 2P ="), passes).arrange(RIGHT),
            VGroup(text.tex(r"\text{multiply-adds}\ 2P\cdot F ="), adds).arrange(RIGHT),
            buff=0.6,
        )
        self.play(FadeIn(rows), FadeIn(lit), run_time=0.6)
        numbers.follow(passes, lambda: 2 * done())
        numbers.follow(adds, lambda: 2 * done() * f)
        seconds = self.params.nudge_seconds
        self.play(k.animate.set_value(len(parts)), run_time=seconds, rate_func=linear)
        passes.clear_updaters()
        adds.clear_updaters()
        passes.set_value(c.forward_passes)
        adds.set_value(c.multiply_adds)
        self.remove(lit)
        self.wait(1.2)
        facts.add(rows)

    def _backprop(self, q: Plan, diagram: NetworkDiagram, facts: VGroup) -> None:
        """The step "Backprop": one sweep forward, one back, counted."""
        b, f = q.cost.backprop, q.cost.forward_pass.multiply_adds
        back = b.multiply_adds - f
        self.step(
            "Backprop",
            f"Backpropagation runs forward once and backward once: {f} plus {back} is "
            f"{b.multiply_adds} multiply-adds, {numbers.fmt(q.cost.ratio, 1)} times fewer.",
            draws="Flashes sweep forward through the layers, then back, a layer at a time. "
            f"Beside: backprop's {b.multiply_adds:,} multiply-adds, for one forward and "
            "one backward pass.",
        )
        rows = text.below(
            facts[-1],
            text.tex(
                r"\text{backprop: one forward, one backward pass}", colour=look.TANGENT
            ),
            text.tex(
                rf"\text{{multiply-adds}}\ {f} + {back} = {count(b.multiply_adds)}",
                colour=look.TANGENT,
            ),
            buff=0.5,
        )
        for layer in diagram.edges:
            self.play(*(flash(e, look.CURVE) for e in layer), run_time=0.45)
        self.play(FadeIn(rows[0]), run_time=0.4)
        for layer, neurons in zip(
            reversed(diagram.edges), reversed(diagram.layers[1:]), strict=True
        ):
            # Each neuron's ∂L/∂z, once: then every weight into it uses that number.
            self.play(*(n.animate.set_fill(look.POINT, 0.9) for n in neurons), run_time=0.3)
            self.play(
                *(flash(e, look.TANGENT, backwards=True) for e in layer),
                *(n.animate.set_fill(look.BACKGROUND, 1) for n in neurons),
                run_time=0.45,
            )
        self.play(FadeIn(rows[1]), run_time=0.5)
        self.wait(1.2)

    def _reuse(self, q: Plan) -> None:
        """The step "Reuse": in one neuron, ∂y/∂z is found once and used three times."""
        t = q.neuron
        self.step(
            "Reuse",
            "Inside one neuron: the gradient at z is computed once and every input of "
            "z, x, w and b, reuses it. That sharing is the dynamic programming.",
            draws="The screen clears for the graph of one neuron, y = σ(w x + b). The "
            "gradient at z is marked as computed once, and the lines below show x, w "
            "and b each reusing it.",
        )
        heading = title(r"y = \sigma(w\,x + b)")
        view = GraphView(t, 4, center_y=0.35, row_step=1.5, zoom=1.0)
        self.play(*_clear(self), run_time=0.6)
        self.play(Write(heading), FadeIn(view.skeleton()), run_time=0.8)
        view.forward(self, run_time=0.2)
        view.seed(self)
        z = view.id("z")
        view.pass_back(self, view.operand_edges(view.root.id))
        mark = SurroundingRectangle(view.grads[z], color=look.POINT, buff=0.08)
        once = text.tex(r"\text{computed once}", colour=look.POINT, size=look.LABEL_SIZE)
        once.next_to(view.boxes[z], DOWN, buff=0.2)
        self.play(Create(mark), FadeIn(once), run_time=0.6)
        view.pass_back(self, view.operand_edges(z))
        uses = VGroup(
            *(
                text.tex(
                    rf"{partial('y', name)} = ",
                    partial("y", "z"),
                    rf"\cdot {partial('z', name)}",
                    size=look.LABEL_SIZE,
                )
                for name in ("x", "w", "b")
            )
        ).arrange(RIGHT, buff=0.6)
        for line in uses:
            line[1].set_color(look.POINT)
        uses.to_edge(DOWN, buff=0.4)
        self.play(FadeIn(uses, shift=0.2 * UP), run_time=0.6)
        self.wait(1.0)

    def _growth(self, q: Plan, p: BackpropCostParams) -> None:
        """The step "Growing P": both counts against P, log–log, and the ratio at the
        largest P."""
        last = q.sweep[-1]
        self.step(
            "Growing P",
            f"Grow the network from P = {q.sweep[0].n_params:,} to {last.n_params:,}: "
            "central differences grow like P squared, and backpropagation like P. At "
            f"the largest, the work of backpropagation is {last.ratio:,.0f} times less.",
            draws=f"Log-log axes of multiply-adds against P, from P = "
            f"{q.sweep[0].n_params:,} to {last.n_params:,}: a line of dots for central "
            f"differences, then one for backprop. Beside: their slopes, "
            f"{numbers.fmt(q.central_slope, 2)} and {numbers.fmt(q.backprop_slope, 2)}, "
            f"and {round(last.ratio):,} times less work at the largest P.",
        )
        plot = CostPlot(q.sweep)
        self.play(*_clear(self), run_time=0.6)
        self.play(Create(plot.frame), FadeIn(plot.names), run_time=0.8)
        for which in ("central", "backprop"):
            self.play(
                Create(plot.lines[which]),
                FadeIn(plot.dots[which], lag_ratio=0.3),
                run_time=p.sweep_seconds,
            )
        column = text.column(
            text.tex(r"\text{central differences}", colour=look.SECANT),
            text.tex(
                rf"\text{{slope}}\ {numbers.fmt(q.central_slope, 2)}\text{{, like }} P^2",
                colour=look.SECANT,
            ),
            text.tex(r"\text{backprop}", colour=look.TANGENT),
            text.tex(
                rf"\text{{slope}}\ {numbers.fmt(q.backprop_slope, 2)}\text{{, like }} P",
                colour=look.TANGENT,
            ),
            text.tex(rf"\text{{at}}\ P = {count(last.n_params)}\text{{:}}"),
            text.tex(
                rf"{numbers.sci(last.central.multiply_adds)}\ \text{{vs}}\ "
                rf"{numbers.sci(last.backprop.multiply_adds)}"
            ),
            text.tex(
                rf"{count(round(last.ratio))}\text{{ times less work}}", colour=look.GOOD
            ),
            left=plot.right + 0.5,
            top=2.9,
        )
        self.play(FadeIn(column[:4]), run_time=0.6)
        self.play(FadeIn(column[4:]), run_time=0.6)
        self.wait(1.2)

    def _agreement(self, q: Plan, p: BackpropCostParams) -> None:
        """The step "Same gradient": a few gradients both ways, the largest gap
        against what central differences are expected to miss by."""
        a = q.agreement
        within = a.max_difference <= a.expected_error
        largest, expected = map(numbers.sci_text, (a.max_difference, a.expected_error))
        self.step(
            "Same gradient",
            f"{'Both ways give the same gradient' if within else 'The two ways differ'}. "
            f"The largest of the {len(a.backprop)} differences is {largest}. Central "
            f"differences may miss by up to {expected}.",
            facts={"max_difference": a.max_difference, "expected_error": a.expected_error},
            draws=f"A table lists {numbers.number_word(len(compared(q, p)))} gradients "
            "both ways, backprop beside central differences. Below: the largest "
            f"difference, {largest}, and the expected error, {expected}.",
        )
        table = gradient_table(q, p).move_to(0.6 * UP)
        verdict = VGroup(
            text.tex(
                rf"\max_i |\text{{backprop}} - \text{{central}}| = "
                rf"{numbers.sci(a.max_difference)}",
                colour=look.GOOD,
            ),
            text.tex(
                rf"\text{{expected error}}\ 10\,\varepsilon^{{2/3}}\max(1, L) = "
                rf"{numbers.sci(a.expected_error)}",
                colour=look.MUTED,
            ),
        ).arrange(DOWN, buff=0.25)
        verdict.next_to(table, DOWN, buff=0.5)
        self.play(*_clear(self), run_time=0.6)
        self.play(FadeIn(table, lag_ratio=0.1), run_time=1.2)
        self.play(Write(verdict), run_time=1.0)
        self.wait(2)


# ----------------------------------------------------------------- drawing


def _clear(scene: LessonScene) -> list[FadeOut]:
    """Fade out everything on screen: the next step starts on an empty frame."""
    return [FadeOut(m) for m in scene.mobjects]


class NetworkDiagram(VGroup):
    """An MLP as columns of neurons joined by one line per weight.

    ``edges[l]`` lists layer l's weights in :meth:`mathcore.mlp.MLP.flat` order
    (row by row of W), ``layers[l]`` the neurons of column l.
    """

    RADIUS = 0.2

    def __init__(self, widths: tuple[int, ...], width: float = 5.6, height: float = 5.0):
        super().__init__()
        left, centre_y = -6.2, -0.3
        dx = width / (len(widths) - 1)
        dy = min(0.85, height / max(max(widths) - 1, 1))
        self.layers: list[list[Circle]] = []
        for col, n in enumerate(widths):
            self.layers.append(
                [
                    Circle(self.RADIUS, color=look.INK, stroke_width=3)
                    .set_fill(look.BACKGROUND, 1)
                    .move_to([left + col * dx, centre_y + (i - (n - 1) / 2) * -dy, 0])
                    for i in range(n)
                ]
            )
        self.edges: list[list[Line]] = [
            [
                Line(a.get_center(), b.get_center(), buff=self.RADIUS).set_stroke(
                    look.MUTED, 2
                )
                for b in outs
                for a in ins
            ]
            for ins, outs in itertools.pairwise(self.layers)
        ]
        self.lines = VGroup(*(e for layer in self.edges for e in layer))
        self.neurons = VGroup(*(c for layer in self.layers for c in layer))
        self.output = self.layers[-1][0]
        bottom = min(c.get_bottom()[1] for c in self.neurons)
        self.sizes = VGroup(
            *(
                text.tex(str(n), colour=look.MUTED, size=look.LABEL_SIZE).move_to(
                    [layer[0].get_x(), bottom - 0.35, 0]
                )
                for n, layer in zip(widths, self.layers, strict=True)
            )
        )
        self.add(self.lines, self.neurons, self.sizes)

    def parameter_parts(self) -> list[Mobject]:
        """One mobject per parameter, in :meth:`mathcore.mlp.MLP.flat` order: a
        layer's weights (lines), then its biases (the neurons they belong to)."""
        parts: list[Mobject] = []
        for edges, neurons in zip(self.edges, self.layers[1:], strict=True):
            parts += [*edges, *neurons]
        return parts


class CostPlot:
    """Multiply–adds against P, log–log: a frame of decades, a line and dots per method."""

    WIDTH, HEIGHT = 7.2, 5.4
    CENTRE = np.array([-2.6, -0.25, 0.0])

    def __init__(self, sweep: tuple[mlp.Cost, ...]) -> None:
        sizes = np.log10([c.n_params for c in sweep])
        counts = {
            "central": np.log10([c.central.multiply_adds for c in sweep]),
            "backprop": np.log10([c.backprop.multiply_adds for c in sweep]),
        }
        low = math.floor(min(counts["backprop"].min(), counts["central"].min()))
        window: plots.Window = (
            (math.floor(sizes.min()), math.ceil(sizes.max())),
            (low, math.ceil(counts["central"].max())),
        )
        axes = plots.plot_axes(window, self.WIDTH, self.HEIGHT).move_to(self.CENTRE)
        (x0, x1), (y0, y1) = window
        y_step = 2 if y1 - y0 > 6 else 1

        def decade(k: float) -> str:
            return f"10^{{{k:g}}}"

        self.frame = plots.plot_frame(
            axes.c2p,
            window,
            list(range(x0, x1 + 1)),
            list(range(y0, y1 + 1, y_step)),
            x_label=decade,
            y_label=decade,
        )
        self.names = VGroup(
            text.tex(r"P\ \text{(parameters)}", size=look.LABEL_SIZE).next_to(
                self.frame, DOWN, buff=0.15
            ),
            text.tex(r"\text{multiply-adds per gradient}", size=look.LABEL_SIZE)
            .next_to(self.frame[0], UP, buff=0.15)
            .align_to(self.frame[0], LEFT),
        )
        colours = {"central": look.SECANT, "backprop": look.TANGENT}
        self.lines: dict[str, VMobject] = {}
        self.dots: dict[str, VGroup] = {}
        for which, ys in counts.items():
            points = [axes.c2p(x, y) for x, y in zip(sizes, ys, strict=True)]
            self.lines[which] = VMobject(stroke_color=colours[which], stroke_width=4)
            self.lines[which].set_points_as_corners(points)
            self.dots[which] = VGroup(
                *(Dot(pt, radius=0.07, color=colours[which]) for pt in points)
            )
        self.right = float(self.frame[0].get_right()[0])


def gradient_table(q: Plan, p: BackpropCostParams) -> VGroup:
    """A few of ∂L/∂θ by backprop and by central differences, and their gap."""
    a, names = q.agreement, mlp.parameter_names(q.net.widths)
    head = [
        "",
        (r"\text{backprop}", look.TANGENT),
        (r"\text{central differences}", look.SECANT),
        (r"|\text{difference}|", look.MUTED),
    ]
    rows = [
        [
            rf"\partial L/\partial {parameter_tex(names[i])}",
            # Every decimal written out, 0s too: the columns line up digit by digit.
            f"{a.backprop[i]:.{p.digits}f}",
            f"{a.central[i]:.{p.digits}f}",
            (numbers.sci(abs(a.backprop[i] - a.central[i])), look.MUTED),
        ]
        for i in compared(q, p)
    ]
    table = text.table(head, rows, size=look.LABEL_SIZE, buff=(0.6, 0.3))
    return text.keep_in_frame(table.scale_to_fit_width(min(table.width, 13.0)))


def parameter_tex(name: str) -> str:
    """``W2[1,3]`` as W^{(2)}_{1,3}, ``b1[2]`` as b^{(1)}_{2}."""
    head, index = name.rstrip("]").split("[")
    return rf"{head[0]}^{{({head[1:]})}}_{{{index}}}"
