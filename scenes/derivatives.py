"""Part 1 of the lesson: the derivative as the slope of the tangent line.

Render one scene with plain Manim from the repo root::

    manim render scenes/derivatives.py TangentLine -ql
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Axes,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    MathTex,
    Text,
    ValueTracker,
    VGroup,
    Write,
    always_redraw,
    smooth,
)

from lesson import params
from mathcore import landscape, windows
from mathcore.calculus import (
    forward_difference,
    tangent_line,
)
from mathcore.functions import Objective
from mathcore.symbolic import derivative_table
from scenes.base import LessonScene
from scenes.kit import look, numbers, plots, text


@dataclass(frozen=True)
class TangentLineParams(params.Params):
    """The notebook's tangent-line figure: f(x) = x², tangents at −1, 0 and 2."""

    function: Annotated[str, params.Formula(1)] = "square"
    """The curve: a catalogue name or a formula in x."""
    x_range: params.Point = (-3.0, 3.0)
    """The x axis."""
    y_range: params.Point = (-2.0, 10.0)
    """The least the y axis shows (the notebook's ylim); grown to hold f."""
    limit_at: params.Coordinate = 1.0
    """The x where the secant through x and x + h turns into the tangent."""
    secant_steps: Annotated[tuple[params.Coordinate, ...], params.Items(1, 12)] = (
        1.5,
        1.0,
        0.5,
        0.25,
        0.1,
        0.01,
    )
    """The h of each secant, from far to close, as h shrinks towards 0."""
    rest_points: Annotated[tuple[params.Coordinate, ...], params.Items(1, 6)] = (
        -1.0,
        0.0,
        2.0,
    )
    """The x where the sweeping tangent stops, in order."""
    sweep_seconds: params.Seconds = 2.0
    """Seconds the tangent takes to move to each of ``rest_points``."""

    def check(self) -> None:
        """Refuse a function the scene cannot draw over ``x_range``."""
        y_window(self)


def y_window(p: TangentLineParams) -> tuple[float, float]:
    """The y axis: ``p.y_range`` (the notebook's ylim) grown to hold f over
    ``p.x_range``, so the curve and the point sweeping along it stay on the plot;
    ParamError when f cannot be drawn there."""
    f = params.objective(p.function, 1)
    with params.refused("x_range"):
        windows.check_window((p.x_range,), 1)
    with params.refused():
        landscape.require_finite(f, (p.x_range,))
    xs = np.linspace(*p.x_range, 401)
    heights = f.value(xs[:, None])[:, None]
    return windows.frame(heights, (p.y_range,), margin=0.05)[0]


def _tick_step(axis: tuple[float, float]) -> float | int:
    # A whole step as an int: Manim labels the ticks 2, 4, … rather than 2.0, 4.0, …
    step = windows.nice_step(axis[1] - axis[0], 6)
    return int(step) if step.is_integer() else step


class TangentLine(LessonScene):
    """The secant through x and x + h turns into the tangent; then the tangent sweeps."""

    Params = TangentLineParams

    def construct(self) -> None:
        p: TangentLineParams = self.params
        f = params.objective(p.function, 1)
        axes = self._axes(p)
        curve = axes.plot(
            lambda x: float(f.value([x])), color=look.CURVE, x_range=p.x_range
        )
        formula = text.tex(f.latex, colour=look.CURVE, size=look.TITLE_SIZE)
        formula.next_to(axes, RIGHT, buff=0.8).to_edge(UP, buff=0.8)

        self.step(
            "The curve",
            "A derivative asks how fast f changes when we nudge the input.",
            draws=f"Axes from x = {numbers.fmt(p.x_range[0])} to "
            f"{numbers.fmt(p.x_range[1])}, with the curve of f and its formula.",
        )
        self.play(Create(axes), Create(curve), Write(formula), run_time=1.5)

        self.step(
            "Secant becomes tangent",
            "As the step h shrinks, the slope of the secant settles.",
            draws=_secant_draws(f, p),
        )
        self._secant_limit(f, axes, formula, p)

        self.step(
            "Sweeping the tangent",
            "The tangent's slope is the derivative, point by point.",
            draws=_sweep_draws(f, p),
        )
        # Each part on its own (they were added one by one), updaters off first: an
        # always_redraw part would otherwise be rebuilt, visible, after its fade.
        for part in self.secant_parts:
            part.clear_updaters()
        self.play(*[FadeOut(part) for part in self.secant_parts])
        self._tangent_sweep(f, axes, formula, p)

    def _axes(self, p: TangentLineParams) -> Axes:
        y_range = y_window(p)
        self.record("y_range", y_range)
        axes = Axes(
            x_range=[*p.x_range, 1],
            y_range=[*y_range, _tick_step(y_range)],
            x_length=7.2,
            y_length=6.0,
            axis_config={"color": look.MUTED, "font_size": look.LABEL_SIZE},
            tips=False,
        ).add_coordinates()
        return axes.to_edge(LEFT, buff=0.6)

    def _secant_limit(
        self, f: Objective, axes: Axes, formula: MathTex, p: TangentLineParams
    ) -> None:
        x0 = p.limit_at
        h = ValueTracker(p.secant_steps[0])
        self.record("secant.x0", x0)
        self.record(
            "secant.slopes",
            {f"{s:g}": float(forward_difference(f.value, [x0], s)) for s in p.secant_steps},
        )

        def secant_slope() -> float:
            return float(forward_difference(f.value, [x0], h.get_value()))

        line, dots = _secant(f, axes, x0, h, secant_slope)
        readout, slope = _secant_readout(h, secant_slope())
        readout.next_to(formula, DOWN, buff=0.8).align_to(formula, LEFT)
        self.play(Create(line), FadeIn(dots), FadeIn(readout))
        # Updaters start after the fade: a number that changes its digit count while
        # fading in would change the mobject's family mid-animation.
        numbers.follow(slope, secant_slope)
        for s in p.secant_steps[1:]:
            self.play(h.animate.set_value(s), run_time=0.8)
        limit = self._secant_settles(f, x0, readout)
        # The next step clears these away, so this step ends on its result.
        self.secant_parts = VGroup(line, dots, readout, limit)

    def _secant_settles(self, f: Objective, x0: float, readout: VGroup) -> MathTex:
        """Under the readout, written in: as h → 0 the slope is f'(x0)."""
        exact = tangent_line(f, x0).slope
        self.record("secant.limit", exact)
        limit = text.tex(
            rf"\xrightarrow{{\;h \to 0\;}} f'({numbers.fmt(x0)}) = {numbers.fmt(exact)}",
            colour=look.TANGENT,
            size=look.TEXT_SIZE,
        ).next_to(readout, DOWN, aligned_edge=LEFT, buff=0.4)
        self.play(Write(limit))
        self.wait(1)
        return limit

    def _tangent_sweep(
        self, f: Objective, axes: Axes, formula: MathTex, p: TangentLineParams
    ) -> None:
        x = ValueTracker(p.x_range[0] + 0.5)

        def tangent() -> Line:
            t = tangent_line(f, x.get_value())
            return plots.line_through(axes, (t.x0, t.y0), t.slope, color=look.TANGENT)

        line = always_redraw(tangent)
        dot = always_redraw(
            lambda: Dot(
                axes.c2p(x.get_value(), float(f.value([x.get_value()]))), color=look.POINT
            )
        )
        label = text.tex(r"f'(x) =", size=look.TEXT_SIZE)
        slope = numbers.LightDecimal(
            tangent_line(f, x.get_value()).slope,
            num_decimal_places=2,
            font_size=look.TEXT_SIZE,
        )
        readout = VGroup(label, slope).arrange(RIGHT)
        readout.next_to(formula, DOWN, buff=0.8).align_to(formula, LEFT)
        self.play(Create(line), FadeIn(dot), FadeIn(readout))
        numbers.follow(slope, lambda: tangent_line(f, x.get_value()).slope)
        rests = VGroup()
        for x0 in p.rest_points:
            self.play(x.animate.set_value(x0), run_time=p.sweep_seconds, rate_func=smooth)
            t = tangent_line(f, x0)
            self.record(f"tangent.at[{x0:g}]", {"x0": t.x0, "y0": t.y0, "slope": t.slope})
            rest = text.tex(
                rf"f'({numbers.fmt(x0)}) = {numbers.fmt(t.slope)}",
                colour=look.TANGENT,
                size=look.TEXT_SIZE,
            )
            rest.next_to(
                rests if len(rests) else readout, DOWN, aligned_edge=LEFT, buff=0.3
            )
            rests.add(rest)
            self.play(FadeIn(rest, shift=0.2 * UP), run_time=0.6)
            self.wait(0.6)
        self.wait(1)


def _secant_draws(f: Objective, p: TangentLineParams) -> str:
    """What the step "Secant becomes tangent" draws, in words.

    >>> _secant_draws(params.objective("square", 1), TangentLineParams()).split(". ")[1]
    'The step h goes from 1.5 to 0.01, then f′(1) = 2 is written.'
    """
    x0, hs = numbers.fmt(p.limit_at), [numbers.fmt(h) for h in p.secant_steps]
    slope = numbers.fmt(tangent_line(f, p.limit_at).slope)
    moves = f"goes from {hs[0]} to {hs[-1]}" if len(hs) > 1 else f"is {hs[0]}"
    return (
        f"A secant line cuts the curve at x = {x0} and at x + h, with h and its slope "
        f"written beside. The step h {moves}, then f′({x0}) = {slope} is written."
    )


def _sweep_draws(f: Objective, p: TangentLineParams) -> str:
    """What the step "Sweeping the tangent" draws, in words.

    >>> _sweep_draws(params.objective("square", 1), TangentLineParams()).split(". ")[1]
    'It stops at x = -1, 0 and 2, where the slopes are -2, 0 and 4.'

    """
    xs = [numbers.fmt(x) for x in p.rest_points]
    slopes = [numbers.fmt(tangent_line(f, x).slope) for x in p.rest_points]
    where = "where the slope is" if len(xs) == 1 else "where the slopes are"
    return (
        "A tangent line and a dot slide along the curve, with the slope f′(x) beside. "
        f"It stops at x = {numbers.listed(xs)}, {where} {numbers.listed(slopes)}."
    )


def _secant(
    f: Objective,
    axes: Axes,
    x0: float,
    h: ValueTracker,
    secant_slope: Callable[[], float],
) -> tuple[Line, VGroup]:
    """The secant through x0 and x0 + h, and its two points, following ``h``."""
    y0 = float(f.value([x0]))
    line = always_redraw(
        lambda: plots.line_through(axes, (x0, y0), secant_slope(), color=look.SECANT)
    )
    dots = VGroup(
        Dot(axes.c2p(x0, float(f.value([x0]))), color=look.POINT),
        always_redraw(
            lambda: Dot(
                axes.c2p(x0 + h.get_value(), float(f.value([x0 + h.get_value()]))),
                color=look.SECANT,
            )
        ),
    )
    return line, dots


def _secant_readout(
    h: ValueTracker, slope_now: float
) -> tuple[VGroup, numbers.LightDecimal]:
    """h = …, and the difference quotient = its value (``slope_now``, not yet
    following h); the readout and that value."""
    quotient = text.tex(r"\frac{f(x+h) - f(x)}{h}", "=", size=look.TEXT_SIZE)
    slope = numbers.LightDecimal(slope_now, num_decimal_places=3, font_size=look.TEXT_SIZE)
    h_label = text.tex("h =", size=look.TEXT_SIZE)
    h_value = numbers.LightDecimal(
        h.get_value(), num_decimal_places=2, font_size=look.TEXT_SIZE
    )
    numbers.follow(h_value, h.get_value)
    readout = VGroup(
        VGroup(h_label, h_value).arrange(RIGHT),
        VGroup(quotient, slope).arrange(RIGHT),
    ).arrange(DOWN, aligned_edge=LEFT)
    return readout, slope


@dataclass(frozen=True)
class DerivativeTableParams(params.Params):
    """The notebook's table: central differences at x = 2 with its h = 1e-7."""

    x: Annotated[float, params.Between(0.0, 700.0, low_open=True)] = 2.0
    """The x at which every derivative in the table is evaluated: above 0, where
    ln x is defined, and up to 700, where eˣ is a finite number."""
    h: params.Tolerance = 1e-7
    """The step of the central difference that checks each row (the notebook's)."""

    def check(self) -> None:
        """Refuse an ``h`` that reaches x = 0, where ln x ends."""
        if self.h >= self.x:
            raise params.ParamError(
                "h", f"must be below x = {self.x:g}: ln x needs x − h > 0"
            )


class DerivativeTable(LessonScene):
    """The table of common derivatives, filled in row by row, with the numbers checked."""

    Params = DerivativeTableParams

    def construct(self) -> None:
        p: DerivativeTableParams = self.params
        rows = derivative_table(p.x, p.h)
        self.record("rows", [dataclasses.asdict(r) | {"error": r.error} for r in rows])
        headers = [
            "f(x)",
            "f'(x)",
            rf"\text{{numerical at }} x = {numbers.fmt(p.x)}",
            r"\text{exact}",
            r"\text{error}",
        ]
        cells = [
            [
                rf"{r.name}",
                r.derivative_latex,
                numbers.fmt(r.numerical, 6),
                numbers.fmt(r.exact, 6),
                numbers.sci(r.error),
            ]
            for r in rows
        ]
        table = _Table(
            headers,
            cells,
            col_colors=[look.CURVE, look.TANGENT, look.SECANT, look.INK, look.GOOD],
        )
        title = Text(
            "Derivatives you should know", font_size=look.TITLE_SIZE, color=look.INK
        )
        title.to_edge(UP, buff=0.4)
        table.group.next_to(title, DOWN, buff=0.45)

        self.step(
            "The rules",
            "Each function has a rule for its slope: its derivative.",
            draws=f"A table titled Derivatives you should know. Row by row, "
            f"{numbers.number_word(len(rows))} functions appear, each with its derivative.",
        )
        table.reveal(self, range(2), 0.5, FadeIn(title))
        self.wait(0.5)

        self.step(
            f"Numbers at x = {numbers.fmt(p.x)}",
            f"Check each rule at x = {numbers.fmt(p.x)} with a central difference.",
            draws=f"Two columns fill in beside each rule: its value at x = "
            f"{numbers.fmt(p.x)} from a central difference, and the exact value.",
        )
        table.reveal(self, range(2, 4), 0.5)
        self.wait(0.5)

        self.step(
            "How close?",
            f"With h = {p.h:g} every estimate lands a hair from the exact value.",
            draws="The last column fills in: each estimate's error, at most "
            f"{numbers.readable_text(max(r.error for r in rows))}.",
        )

        table.reveal(self, range(4, 5), 0.4)
        self.wait(1.5)


class _Table:
    """A grid of MathTex cells in fixed-width columns, built once, revealed in parts."""

    def __init__(self, headers: list[str], rows: list[list[str]], col_colors: list) -> None:
        size = look.TEXT_SIZE + 4
        self.header = [text.tex(h, size=size, colour=look.MUTED) for h in headers]
        self.rows = [
            [text.tex(c, size=size, colour=col_colors[j]) for j, c in enumerate(row)]
            for row in rows
        ]
        grid = [self.header, *self.rows]
        widths = [max(r[j].width for r in grid) + 0.5 for j in range(len(headers))]
        lefts = [sum(widths[:j]) - sum(widths) / 2 for j in range(len(widths))]
        for i, row in enumerate(grid):
            for j, cell in enumerate(row):
                cell.move_to([lefts[j] + widths[j] / 2, -0.9 * i, 0])
        self.group = VGroup(*[c for row in grid for c in row])

    def header_row(self, cols: range) -> VGroup:
        return VGroup(*[self.header[j] for j in cols])

    def cells_of(self, i: int, cols: range) -> VGroup:
        return VGroup(*[self.rows[i][j] for j in cols])

    def reveal(
        self, scene: LessonScene, cols: range, run_time: float, *also: Animation
    ) -> None:
        """Fade in the headers of ``cols`` (with ``also``), then their cells row by row."""
        scene.play(*also, FadeIn(self.header_row(cols)))
        for i in range(len(self.rows)):
            scene.play(FadeIn(self.cells_of(i, cols), shift=0.2 * RIGHT), run_time=run_time)
