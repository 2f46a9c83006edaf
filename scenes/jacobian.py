r"""Part 3, Layer 4 of the lesson: the multivariate chain rule as a vector–Jacobian
product (VectorJacobian).

g: R² → R³ then f: R³ → R at a point. The Jacobian J_g lights up entry by entry,
f's gradient v = ∇_g f arrives, and ∇_x(f∘g) = J_gᵀ v is added up as the notebook's
sum over j; then one backward pass of :mod:`mathcore.graph` over f∘g gets the same
numbers without ever forming J.

Render it with plain Manim from the repo root::

    manim render scenes/jacobian.py VectorJacobian -ql
"""

from __future__ import annotations

from collections.abc import Sequence

from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    MathTex,
    Mobject,
    MobjectMatrix,
    ReplacementTransform,
    SurroundingRectangle,
    Transform,
    VGroup,
    Write,
)

from mathcore.jacobians import INPUTS, OUTPUTS, ChainSum
from scenes.base import LessonScene
from scenes.jacobian_plan import Plan, VectorJacobianParams, plain, plan, term_text
from scenes.kit import look, numbers, text
from scenes.kit.graphs import ChainGraph, factor_tex, flash
from scenes.kit.text import keep_in_frame

FRAME_WIDTH = 13.4  # what a line of formulas may span (the frame is 14.2 wide)
READOUT_Y = -2.2  # the line that names the Jacobian's entry being lit
MATRIX_HEIGHT = 3.3  # the most the Jacobian's line may take, its column names included


class VectorJacobian(LessonScene):
    """∇_x(f∘g) = J_gᵀ ∇_g f: the sum over j, then one backward pass, same numbers."""

    Params = VectorJacobianParams

    def construct(self) -> None:
        p: VectorJacobianParams = self.params
        pl = plan(p)
        self._record(pl)
        heading, point = self._maps(p, pl)
        J_values, J_formulas = self._jacobian(p, pl, point)
        v_values = self._upstream(p, pl, J_values, J_formulas)
        self._chain_sum(p, pl, J_values, v_values)
        self._backward(p, pl, heading)
        self._agree(p, pl, heading)

    def _record(self, pl: Plan) -> None:
        p: VectorJacobianParams = self.params
        self.record("point", p.x0)
        self.record("g", pl.gx)
        self.record("f", pl.fx)
        self.record("J", pl.J.values)
        self.record("J_latex", pl.J.latex)
        self.record("v", pl.v.values)
        self.record("v_latex", pl.v.latex)
        self.record("sum.terms", {s.wrt: s.terms for s in pl.sums})
        self.record("sum.result", [s.total for s in pl.sums])
        self.record("vjp.result", pl.backward.grads)
        self.record("vjp.upstream", pl.backward.upstream)
        self.record("vjp.held_v", pl.vjp)
        self.record("vjp.f", pl.backward.f)
        # Forming J takes a backward pass per output or a forward pass per input.
        self.record(
            "cost",
            {"jacobian_backward": len(pl.gx), "jacobian_forward": len(p.x0), "vjp": 1},
        )

    # ------------------------------------------------------------- the steps

    def _maps(self, p: VectorJacobianParams, pl: Plan) -> tuple[MathTex, VGroup]:
        """The step "Two maps and a point": g and f, the point, g's values, f's;
        returns the heading, and the values shown with the one line (not yet shown)
        that they shrink into."""
        d = p.digits
        self.step(
            "Two maps and a point",
            f"g turns the point {numbers.point_text(p.x0)} into three numbers, "
            f"{plain(pl.gx, d)}, and f turns those three into one: "
            f"f = {numbers.fmt(pl.fx, d)}.",
            draws="The formulas of g and f are written at the top. Below them: the point "
            f"{plain(p.x0, d)}, g there, {plain(pl.gx, d)}, and f = "
            f"{numbers.fmt(pl.fx, d)}.",
        )
        heading = _fit(
            text.tex(
                r"g(x, y) = \big(" + r",\ ".join(pl.g_latex) + r"\big),\qquad "
                r"f(g_1, g_2, g_3) = " + pl.f_latex,
                size=look.TEXT_SIZE + 4,
            )
        ).to_edge(UP, buff=0.35)
        point, gx, fx = (numbers.vector(p.x0, d), numbers.vector(pl.gx, d), pl.fx)
        block = VGroup(
            text.tex(rf"(x, y) = {point}", colour=look.POINT, size=look.TITLE_SIZE),
            text.tex(rf"g(x, y) = {gx}", colour=look.CURVE, size=look.TITLE_SIZE),
            text.tex(rf"f(g(x, y)) = {numbers.fmt(fx, d)}", size=look.TITLE_SIZE),
        ).arrange(DOWN, buff=0.45)
        _fit(block).move_to(0.3 * DOWN)
        self.play(Write(heading), run_time=1.2)
        for line in block:
            self.play(FadeIn(line, shift=0.2 * DOWN), run_time=0.6)
        self.wait(1.2)
        at = _fit(
            text.tex(
                rf"\text{{at }} (x, y) = {point}:\quad g = {gx},\quad"
                rf" f = {numbers.fmt(fx, d)}",
                colour=look.MUTED,
                size=look.LABEL_SIZE,
            )
        ).next_to(heading, DOWN, buff=0.3)
        return heading, VGroup(block, at)

    def _jacobian(
        self, p: VectorJacobianParams, pl: Plan, point: VGroup
    ) -> tuple[MobjectMatrix, VGroup]:
        """The step "The Jacobian": the point's values shrink to one line, then J_g's
        formulas and values, one entry at a time; returns the matrix of values, and
        the rest (its formulas), which goes when v arrives."""
        rows, cols = len(OUTPUTS), len(INPUTS)
        self.step(
            "The Jacobian",
            "The Jacobian of g has a row for each output and a column for each input. "
            f"Entry by entry it holds the slope of g_j along x_i: {rows * cols} numbers "
            f"at {numbers.point_text(p.x0)}.",
            draws="Those values shrink to one line. The Jacobian of g appears, a row per "
            "output and a column per input, each entry's formula and value lit in turn. "
            "Its rows: " + numbers.listed([plain(r, p.digits) for r in pl.J.values]) + ".",
        )
        formulas = _matrix(pl.J.latex)
        values = _matrix([[numbers.fmt(c, p.digits) for c in r] for r in pl.J.values])
        head, eq = text.tex("J_g =", size=look.TEXT_SIZE), text.tex("=")
        line = VGroup(head, formulas, eq, values).arrange(RIGHT, buff=0.3)
        tags = VGroup(
            *(
                text.tex(name, colour=look.MUTED, size=look.LABEL_SIZE)
                .set_x(column.get_x())
                .set_y(formulas.get_top()[1] + 0.3)
                for name, column in zip(INPUTS, formulas.get_columns(), strict=True)
            )
        )
        # Between the line of values above and the readout below, however tall.
        block = _fit(VGroup(line, tags))
        if block.height > MATRIX_HEIGHT:
            block.scale_to_fit_height(MATRIX_HEIGHT)
        block.move_to(0.45 * UP)
        readout: MathTex | None = None
        block, at = point
        # The values shrink into their line as it fades in: a morph of three lines of
        # glyphs into one would align every part of every glyph.
        self.play(
            FadeOut(block, target_position=at, scale=0.4),
            FadeIn(at, scale=1.5),
            run_time=0.8,
        )
        self.play(
            FadeIn(head),
            FadeIn(eq),
            FadeIn(tags),
            *(FadeIn(m.get_brackets()) for m in (formulas, values)),
            run_time=0.8,
        )
        for j in range(rows):
            for i in range(cols):
                readout = self._light_entry(p, pl, formulas, values, readout, j, i)
        self.play(
            look.Recolor(formulas.get_entries(), look.INK),
            look.Recolor(values.get_entries(), look.INK),
            FadeOut(readout),
            run_time=0.5,
        )
        self.wait(1.0)
        return values, VGroup(head, formulas, eq, tags)

    def _light_entry(
        self,
        p: VectorJacobianParams,
        pl: Plan,
        formulas: MobjectMatrix,
        values: MobjectMatrix,
        readout: MathTex | None,
        j: int,
        i: int,
    ) -> MathTex:
        """Entry (j, i) lights up in both matrices, its derivative written below."""
        k = j * len(INPUTS) + i
        formula, value = formulas.get_entries()[k], values.get_entries()[k]
        line = _fit(
            text.tex(
                rf"\partial g_{j + 1}/\partial {INPUTS[i]} = {pl.J.latex[j][i]}"
                rf" = {numbers.fmt(pl.J.values[j][i], p.digits)}",
                colour=look.POINT,
                size=look.TEXT_SIZE,
            )
        ).move_to(READOUT_Y * UP)
        # The entry lit before goes back to ink as this one lights up (only it: the
        # whole matrix would bring in the entries not shown yet). At once, not
        # animated: copying an entry for .animate copies the matrix it sits in.
        if k:
            for m in (formulas, values):
                m.get_entries()[k - 1].set_color(look.INK)
        self.play(
            FadeIn(formula.set_color(look.POINT), scale=1.3),
            FadeIn(value.set_color(look.POINT)),
            # A cross-fade: morphing one line of glyphs into another copies and
            # aligns every glyph, for no clearer a picture.
            FadeIn(line),
            *([] if readout is None else [FadeOut(readout)]),
            run_time=p.entry_seconds,
        )
        self.wait(0.25)
        return line

    def _upstream(
        self,
        p: VectorJacobianParams,
        pl: Plan,
        J_values: MobjectMatrix,
        J_formulas: VGroup,
    ) -> MobjectMatrix:
        """The step "The upstream gradient": v = ∇_g f at g(x), beside J's values;
        returns the column of v's values."""
        d = p.digits
        self.step(
            "The upstream gradient",
            f"f's own gradient at g = {plain(pl.gx, d)} is v = {plain(pl.v.values, d)}: "
            "how fast f changes with each output of g.",
            draws="The formulas go, and beside the Jacobian's values comes v, the "
            f"gradient of f at g, as a column: {plain(pl.v.values, d)}.",
        )
        head = text.tex(r"J_g =")
        v_head = text.tex(r"v = \nabla_g f =")
        formulas = _matrix([[c] for c in pl.v.latex])
        values = _matrix([[numbers.fmt(c, d)] for c in pl.v.values], look.TANGENT)
        target = J_values.copy()
        row = VGroup(head, target, v_head, formulas, text.tex("="), values)
        row.arrange(RIGHT, buff=0.3)
        row[2:].shift(0.6 * RIGHT)  # a gap between J and v
        _fit(row).move_to(0.45 * UP)
        self.play(
            FadeOut(J_formulas), Transform(J_values, target), FadeIn(head), run_time=0.8
        )
        self.play(FadeIn(VGroup(*row[2:])), run_time=1.0)
        self.wait(1.5)
        return values

    def _chain_sum(
        self,
        p: VectorJacobianParams,
        pl: Plan,
        J_values: MobjectMatrix,
        v_values: MobjectMatrix,
    ) -> None:
        """The step "Sum over j": each input's slope, term by term, as the notebook
        writes it; J's and v's entries in each term are boxed as it appears."""
        d = p.digits
        sums = " ".join(
            f"For {s.wrt}, {' + '.join(term_text(s, j, d) for j in range(len(OUTPUTS)))}"
            f" = {numbers.fmt(s.total, d)}."
            for s in pl.sums
        )
        self.step(
            "Sum over j",
            f"Each input's slope adds up v_j times the slope of g_j. {sums} "
            "That is J transpose times v.",
            draws="The rule for the sum is written below. Term by term, each boxed in "
            "the Jacobian and in v, the lines add up to "
            + numbers.listed([f"{numbers.fmt(s.total, d)} for {s.wrt}" for s in pl.sums])
            + ".",
        )
        rule = _fit(
            text.tex(
                r"\frac{\partial (f\circ g)}{\partial x_i} = \sum_j "
                r"\frac{\partial f}{\partial g_j}\,\frac{\partial g_j}{\partial x_i}"
                r" = (J_g^\top v)_i",
                size=look.TEXT_SIZE,
            )
        ).move_to(1.45 * DOWN)
        self.play(Write(rule), run_time=1.0)
        lines = [_sum_line(s, d) for s in pl.sums]
        VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.3).next_to(
            rule, DOWN, buff=0.35
        )
        for i, line in enumerate(lines):
            self._sum_terms(p, line, J_values, v_values, i)
        self.wait(1.2)

    def _sum_terms(
        self,
        p: VectorJacobianParams,
        line: MathTex,
        J_values: MobjectMatrix,
        v_values: MobjectMatrix,
        i: int,
    ) -> None:
        """One line of the sum: its head, then a term per j, then its total."""
        n = len(OUTPUTS)
        self.play(FadeIn(line[0]), run_time=0.4)
        boxes: VGroup | None = None
        for j in range(n):
            entries = (
                J_values.get_entries()[j * len(INPUTS) + i],
                v_values.get_entries()[j],
            )
            new = VGroup(
                *(SurroundingRectangle(e, color=look.POINT, buff=0.08) for e in entries)
            )
            box_in = Create(new) if boxes is None else ReplacementTransform(boxes, new)
            self.play(box_in, FadeIn(line[1 + j], shift=0.15 * UP), run_time=p.term_seconds)
            boxes = new
        self.play(FadeOut(boxes), FadeIn(line[1 + n], scale=1.2), run_time=0.5)

    def _backward(self, p: VectorJacobianParams, pl: Plan, heading: Mobject) -> None:
        """The step "One backward pass": f∘g as a graph; 1 seeded at f flows back
        to the g nodes as v, then to x and y as their slopes, in one pass."""
        d, bp = p.digits, pl.backward
        self.step(
            "One backward pass",
            "Backpropagation gets there in one pass. Seeded with 1 at f, it brings "
            f"v = {plain(bp.upstream, d)} to g1, g2, g3. On the way back, x and y "
            f"collect {plain(bp.grads, d)}. J is never built.",
            draws="The screen clears for a graph: x and y, then g1, g2 and g3, then f. "
            f"A 1 at f flows back to the g nodes as {plain(bp.upstream, d)}, then to x "
            f"and y as {plain(bp.grads, d)}, written below.",
        )
        graph = ChainGraph(bp, d)
        self.play(
            *(FadeOut(m) for m in self.mobjects if m is not heading),
            FadeIn(graph.skeleton),
            run_time=1.0,
        )
        self.play(Write(graph.grads[-1]), FadeIn(graph.legend), run_time=0.6)
        self.play(
            *(flash(a, look.POINT, backwards=True) for a in graph.to_f),
            *(FadeIn(gr, shift=0.3 * LEFT) for gr in graph.grads[2:5]),
            run_time=p.pass_seconds,
        )
        self.play(
            *(flash(a, look.POINT, backwards=True) for a in graph.to_g),
            *(FadeIn(gr, shift=0.3 * LEFT) for gr in graph.grads[:2]),
            run_time=p.pass_seconds,
        )
        note = _fit(
            text.tex(
                rf"\text{{one backward pass: }} \nabla_x (f\circ g) = "
                rf"{numbers.vector(bp.grads, d)}",
                colour=look.TANGENT,
                size=look.TEXT_SIZE,
            )
        ).to_edge(DOWN, buff=0.35)
        self.play(FadeIn(note, shift=0.2 * UP), run_time=0.6)
        self.wait(1.2)

    def _agree(self, p: VectorJacobianParams, pl: Plan, heading: Mobject) -> None:
        """The step "Both agree": the sum and the backward pass side by side, and
        what forming J would have cost."""
        d = p.digits
        self.step(
            "Both agree",
            f"Both ways give {plain(pl.backward.grads, d)}. Building J takes three "
            "backward passes, one per output, or two forward passes, one per input. "
            "But the vector–Jacobian product takes only one.",
            draws="A table sets the sum beside the backward pass: "
            f"{plain([s.total for s in pl.sums], d)} and {plain(pl.backward.grads, d)}. "
            "Below: forming the Jacobian takes three backward passes or two forward "
            "ones; the vector–Jacobian product takes one.",
        )

        table = _agreement(pl, d).scale(1.3).move_to(0.6 * UP)
        cost = VGroup(
            text.tex(
                r"\text{forming } J_g:\ 3 \text{ backward passes (one per output)}"
                r"\text{ or } 2 \text{ forward passes (one per input)}",
                colour=look.MUTED,
            ),
            text.tex(
                r"\text{the VJP } v^\top J_g:\ 1 \text{ backward pass}", colour=look.GOOD
            ),
        ).arrange(DOWN, buff=0.3)
        _fit(cost).next_to(table, DOWN, buff=0.7)
        self.play(*(FadeOut(m) for m in self.mobjects if m is not heading), run_time=0.6)
        self.play(FadeIn(table), run_time=1.0)
        self.play(FadeIn(cost[0], shift=0.2 * UP), run_time=0.7)
        self.play(FadeIn(cost[1], shift=0.2 * UP), run_time=0.7)
        self.wait(1.5)


# ----------------------------------------------------------------- drawing


def _fit(m: Mobject, width: float = FRAME_WIDTH) -> Mobject:
    """``m`` shrunk to ``width`` if wider, and kept inside the frame."""
    if m.width > width:
        m.scale_to_fit_width(width)
    return keep_in_frame(m)


def _matrix(cells: Sequence[Sequence[str]], colour=None) -> MobjectMatrix:
    """A matrix of TeX cells in ``colour`` (ink unless told), centred in columns
    spaced for the widest of them (Manim's spacing is centre to centre: long
    formulas would overlap)."""
    rows = [[text.tex(c, colour=colour) for c in row] for row in cells]
    wide = max(m.width for row in rows for m in row)
    tall = max(m.height for row in rows for m in row)
    return MobjectMatrix(
        rows,
        h_buff=max(1.1, wide + 0.5),
        v_buff=max(0.75, tall + 0.3),
        element_alignment_corner=ORIGIN,
    )


def _sum_line(s: ChainSum, d: int) -> MathTex:
    """∂(f∘g)/∂x_i = v_1·J_1i + v_2·J_2i + v_3·J_3i = total, one part per term."""
    terms = [
        ("+ " if j else "") + rf"{factor_tex(vj, d)}\cdot {factor_tex(jji, d)}"
        for j, (vj, jji) in enumerate(s.factors)
    ]
    return text.tex(
        rf"\partial (f\circ g)/\partial {s.wrt} =",
        *terms,
        rf"= {numbers.fmt(s.total, d)}",
        size=look.TEXT_SIZE,
    )


def _agreement(pl: Plan, d: int) -> VGroup:
    """Rows ∂/∂x and ∂/∂y: by the sum J_gᵀ v, and by the backward pass."""
    head = [
        "",
        (r"\text{sum over } j\ (J_g^\top v)", look.POINT),
        (r"\text{backward pass}", look.TANGENT),
    ]
    rows = [
        [
            rf"\partial (f\circ g)/\partial {s.wrt}",
            numbers.fmt(s.total, d),
            numbers.fmt(g, d),
        ]
        for s, g in zip(pl.sums, pl.backward.grads, strict=True)
    ]
    return text.table(head, rows, buff=(0.9, 0.4))
