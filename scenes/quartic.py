"""Exercise 2: learning rates on a 1-D function with several minima (QuarticRates).

Render it with plain Manim from the repo root::

    manim render scenes/quartic.py QuarticRates -ql
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    Dot,
    FadeIn,
    ManimColor,
    Mobject,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    config,
    linear,
)

from lesson.words import spoken
from mathcore import landscape
from mathcore.clipping import windowed
from mathcore.functions import Objective
from mathcore.runs import cursor, graph_points
from mathcore.trajectory import Trajectory
from mathcore.tuning import fastest_converged
from mathcore.windows import Window
from scenes.base import LessonScene
from scenes.kit import look, numbers, plots, text
from scenes.kit.paths import (
    moving_dot,
    outcome,
    step_arrow,
    traced_path,
    trajectory_record,
)
from scenes.kit.plots import inner_frame
from scenes.kit.text import below, column
from scenes.quartic_plan import (
    QUARTIC_COLOURS,
    Balls,
    QuarticRatesParams,
    balls,
    best_caption,
    best_draws,
    diverged_draws,
    function_draws,
    landmarks_text,
    minima_caption,
    too_large_caption,
)

PLOT_WIDTH, PLOT_HEIGHT = 6.6, 6.1
PLOT_CENTRE = np.array([-3.15, -0.05, 0.0])


def _keep_in_plot(label: Mobject, axes: Axes, window: Window) -> Mobject:
    """``label`` shifted just enough to lie inside the plot's box, clear of the
    ticks along its edges: off the tick labels around it, and in the frame."""
    (x_lo, x_hi), (y_lo, y_hi) = window
    return text.keep_in(label, axes.c2p(x_lo, y_lo), axes.c2p(x_hi, y_hi), buff=0.2)


def _ahead_in_frame(start: np.ndarray, ahead: np.ndarray, length: float) -> np.ndarray:
    """The point ``length`` from ``start`` towards ``ahead``, or nearer where the
    frame's edge (less a margin) comes first: an arrow leaving the plot stays whole.

    >>> _ahead_in_frame(np.array([0.0, 0, 0]), np.array([1.0, 0, 0]), 0.8).tolist()
    [0.8, 0.0, 0.0]
    >>> end = _ahead_in_frame(np.array([-6.5, 0, 0]), np.array([-1.0, 0, 0]), 0.8)
    >>> round(float(end[0]), 3)  # the frame's edge, less the margin
    -6.961
    """
    unit = ahead / np.linalg.norm(ahead)
    half = np.array([config.frame_width, config.frame_height]) / 2 - 0.15
    room = [
        (np.sign(unit[k]) * half[k] - start[k]) / unit[k] for k in (0, 1) if unit[k] != 0
    ]
    return start + min(length, *room) * unit


def ball_colour(i: int) -> ManimColor:
    """The colour of the ``i``-th run's ball, trail and legend row."""
    return look.swatch(QUARTIC_COLOURS[i % len(QUARTIC_COLOURS)])


class QuarticRates(LessonScene):
    """One ball per learning rate on x⁴ − 3x³ + 2; one of them flies off and diverges."""

    Params = QuarticRatesParams

    def construct(self) -> None:
        p: QuarticRatesParams = self.params
        b = balls(p)
        runs = list(b.runs)
        best = fastest_converged(runs)
        self._record_runs(b, best)
        axes = plots.plot_axes(b.window, PLOT_WIDTH, PLOT_HEIGHT).move_to(PLOT_CENTRE)

        start = f"from x = {numbers.fmt(p.x0)}"
        self.step(
            "The function",
            f"Gradient descent on this function {start}.",
            say=f"Here {spoken.objective(b.f)}. Gradient descent starts {start}.",
            draws=function_draws(b),
        )
        formula = self._show_function(b, axes, p.curve_samples)

        self.step(
            f"{numbers.number_word(len(runs)).capitalize()} learning rates",
            f"Same start, and {numbers.number_word(len(runs))} step sizes η. Every ball "
            "follows the rule x ← x − η f′(x).",
            draws=f"{numbers.number_word(len(runs)).capitalize()} balls start at x = "
            f"{numbers.fmt(p.x0)}, one for each η: "
            f"{numbers.listed([numbers.fmt(t.lr) for t in runs])}. They roll along the "
            "curve, each leaving a trail, while a counter counts the steps.",
        )
        rows, results, exits = self._roll(b, axes, formula, p)

        diverged = [i for i, v in enumerate(b.verdicts) if v.status == "diverged"]
        self.step(
            "Too large",
            too_large_caption(b, diverged),
            draws=diverged_draws(b, diverged),
        )
        self._show_diverged(results, exits, diverged)

        self.step(
            "Which rate is best",
            best_caption(runs, best),
            draws=best_draws(b, best, diverged),
        )
        self._show_best(rows, results, best, diverged)

        self.step(
            "Where the minima are",
            minima_caption(b.landmarks),
            draws="A short flat line touches the curve where f′ = 0, with a note each: "
            f"{landmarks_text(b.landmarks)}.",
        )
        self._answer_minima(b.f, axes, b.landmarks, VGroup(rows, results))

    def _record_runs(self, b: Balls, best: int | None) -> None:
        for t, v in zip(b.runs, b.verdicts, strict=True):
            self.record(f"runs[{t.lr:g}]", trajectory_record(t, v))
        self.record("window", b.window)
        self.record(
            "landmarks",
            [{"x": m.x, "value": m.value, "kind": m.kind} for m in b.landmarks],
        )
        self.record("fastest", None if best is None else b.runs[best].lr)

    def _show_function(self, b: Balls, axes: Axes, samples: int) -> VGroup:
        """The framed graph of f, its formula, where f′ = 0; returns the formula (at
        the top of the text column)."""
        frame = inner_frame(axes.c2p, b.window, *b.ticks, look.LABEL_SIZE)
        curve = plots.function_curve(
            axes.c2p, b.window, lambda x: b.f.value(x[:, None]), samples
        )
        formula = column(text.tex(b.f.latex, colour=look.CURVE, size=look.TITLE_SIZE))
        marks = self._landmark_marks(b.f, axes, b.window, b.landmarks)
        self.play(Create(frame), Create(curve), Write(formula), run_time=1.5)
        self.play(FadeIn(marks))
        self.wait(0.5)
        return formula

    def _show_diverged(
        self, results: VGroup, exits: dict[int, VGroup], diverged: list[int]
    ) -> None:
        """The diverged runs' results, and how they left the plot."""
        marks_out = [FadeIn(exits[i][1]) for i in diverged if i in exits]
        if diverged:
            self.play(*[FadeIn(results[i]) for i in diverged], *marks_out)
        self.wait(2.5)

    def _show_best(
        self, rows: VGroup, results: VGroup, best: int | None, diverged: list[int]
    ) -> None:
        """The other runs' results, the fastest to converge boxed."""
        shown = [FadeIn(results[i]) for i in range(len(results)) if i not in diverged]
        if best is not None:
            box = SurroundingRectangle(
                VGroup(rows[best], results[best]), buff=0.1, color=look.GOOD
            )
            shown.append(Create(box))
        if shown:  # every run diverged: nothing more to show
            self.play(*shown)
        self.wait(4.0)  # the longest caption: the answer to "which rate is best"

    @staticmethod
    def _landmark_marks(f: Objective, axes: Axes, window: Window, landmarks) -> VGroup:
        """A star and "minimum x = …" under each minimum; a dot and f′ = 0 by each
        other point where f′ = 0 (above a maximum, where the curve is not)."""
        group = VGroup()
        for m in landmarks:
            at = axes.c2p(m.x, m.value)
            if m.kind == "minimum":
                group.add(plots.minimum_star(at))
                label = text.tex(
                    rf"\text{{minimum}}\ x = {numbers.fmt(m.x)}", colour=look.INK
                )
                label.next_to(at, DOWN, buff=0.3)
            else:
                group.add(Dot(at, radius=0.09, color=look.SECANT))
                # A root found numerically leaves f' a rounding error from 0, and
                # f' at the rounded x shown is not 0 either: "≈ 0" unless exact.
                exact = float(f.gradient([m.x])[0]) == 0.0
                relation = "=" if exact else r"\approx"
                label = text.tex(
                    rf"f'({numbers.fmt(m.x)}) {relation} 0", colour=look.SECANT
                )
                label.next_to(at, UP if m.kind == "maximum" else DOWN + LEFT, buff=0.15)
            group.add(_keep_in_plot(label, axes, window))
        return group

    def _roll(
        self,
        b: Balls,
        axes: Axes,
        formula: Mobject,
        p: QuarticRatesParams,
    ) -> tuple[VGroup, VGroup, dict[int, VGroup]]:
        """The balls roll; returns legend rows, their (hidden) results, exit marks."""
        s = ValueTracker(0)
        moving = self._rolling_balls(b, axes, s)
        rows, results = self._legend(b)
        exits = self._exits(b, axes)
        counter_row = self._step_counter(b.runs, s)
        entries = VGroup(
            *[VGroup(row, result) for row, result in zip(rows, results, strict=True)]
        )
        for row, result in entries:
            result.next_to(row, DOWN, buff=0.12, aligned_edge=LEFT).shift(0.45 * RIGHT)
        below(formula, counter_row, *entries)
        balls = [m for m in moving if isinstance(m, Dot)]
        self.play(FadeIn(counter_row), FadeIn(rows), *[FadeIn(ball) for ball in balls])
        self.add(*moving)
        self.play(s.animate.set_value(1), run_time=p.first_seconds, rate_func=linear)
        if exits:
            self.play(*[FadeIn(e[0]) for e in exits.values()])
        self.play(
            s.animate.set_value(p.early_steps), run_time=p.early_seconds, rate_func=linear
        )
        self.play(s.animate.set_value(p.steps), run_time=p.late_seconds, rate_func=linear)
        self.wait(0.5)
        return rows, results, exits

    @staticmethod
    def _rolling_balls(b: Balls, axes: Axes, s: ValueTracker) -> list[VMobject]:
        """Per run, its trail on the graph and its ball, both up to step ``s``."""
        moving = []
        for i, t in enumerate(b.runs):
            colour = ball_colour(i)
            gp = graph_points(t)
            moving += [
                traced_path(axes.c2p, gp, s, colour, box=b.window, width=2.5),
                moving_dot(axes.c2p, gp, s, colour, box=b.window, radius=0.12),
            ]
        return moving

    def _legend(self, b: Balls) -> tuple[VGroup, VGroup]:
        """A row per run (its ball and η) and, to show later, how it ended."""
        rows, results = VGroup(), VGroup()
        for i, (t, v) in enumerate(zip(b.runs, b.verdicts, strict=True)):
            colour = ball_colour(i)
            rows.add(
                VGroup(
                    Dot(radius=0.1, color=colour),
                    text.tex(rf"\eta = {numbers.fmt(t.lr)}", colour=colour),
                ).arrange(RIGHT, buff=0.25)
            )
            results.add(text.tex(self._result(t, v), colour=look.INK, size=look.LABEL_SIZE))
        return rows, results

    def _exits(self, b: Balls, axes: Axes) -> dict[int, VGroup]:
        """Where a ball leaves the plot: an arrow with "left the plot", and how the
        run ended; by the run's index."""
        to_point = axes.c2p
        exits = {}
        for i, (t, v) in enumerate(zip(b.runs, b.verdicts, strict=True)):
            w = windowed(graph_points(t), b.window)
            if not w.exited:
                continue
            colour = ball_colour(i)
            self.record(
                f"exit[{t.lr:g}]", {"point": w.exit_point, "segment": w.exit_segment}
            )
            start = to_point(*w.exit_point)
            # Screen direction of the leaving segment (x and y scale differently).
            ahead = to_point(*(w.exit_point + 1e-3 * w.exit_direction)) - start
            pointer = step_arrow(start, _ahead_in_frame(start, ahead, 0.8), colour)
            note = VGroup(
                text.tex(r"\text{left the plot}", colour=colour, size=look.LABEL_SIZE),
                text.tex(outcome(v), colour=colour, size=look.LABEL_SIZE),
            ).arrange(DOWN, aligned_edge=RIGHT, buff=0.12)
            note.next_to(start, DOWN + LEFT, buff=0.25)
            _keep_in_plot(note, axes, b.window)
            exits[i] = VGroup(VGroup(pointer, note[0]), note[1])
        return exits

    @staticmethod
    def _step_counter(runs: Sequence[Trajectory], s: ValueTracker) -> VGroup:
        """The step counter, t = …, following the longest run (the others stop
        earlier)."""
        longest = max(runs, key=lambda t: t.n_steps).points
        counter = numbers.LightInteger(0, font_size=look.TEXT_SIZE)
        numbers.follow(counter, lambda: cursor(longest, s.get_value()).step)
        return VGroup(text.tex("t ="), counter).arrange(RIGHT, buff=0.2)

    @staticmethod
    def _result(t: Trajectory, v: landscape.Verdict) -> str:
        """A run's outcome for the legend, with where it got to."""
        if v.status == "diverged":
            return outcome(v) + rf",\ x_1 = {numbers.fmt(float(t.points[1, 0]))}"
        if v.status == "stopped":
            return rf"\text{{not there after {t.n_steps} steps:}}\ x = " + numbers.fmt(
                float(t.final[0])
            )
        return outcome(v)

    def _answer_minima(self, f: Objective, axes: Axes, landmarks, legend: VGroup) -> None:
        flats = VGroup()
        for m in landmarks:
            slope = float(f.gradient([m.x])[0])
            flats.add(
                plots.line_through(
                    axes,
                    (m.x, m.value),
                    slope,
                    half_width=0.7,
                    color=look.SECANT,
                    stroke_width=3,
                )
            )
        only = [m.kind for m in landmarks].count("minimum") == 1
        kinds = {
            "minimum": r"\text{the only minimum}" if only else r"\text{a minimum}",
            "flat": r"f' = 0,\ \text{not a minimum}",
            "maximum": r"\text{a maximum}",
        }
        answer = below(
            legend,
            *[
                text.tex(
                    rf"x = {numbers.fmt(m.x)}:\ " + kinds[m.kind],
                    colour=look.GOOD if m.kind == "minimum" else look.SECANT,
                )
                for m in landmarks
            ],
            buff=0.45,
        )
        self.play(Create(flats), FadeIn(answer))
        self.wait(3.5)
