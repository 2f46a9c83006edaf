"""Part 4 of the lesson: gradient descent, step by step (DescentBowl).

Render it with plain Manim from the repo root::

    manim render scenes/descent.py DescentBowl -ql

The run is one :class:`~mathcore.trajectory.Trajectory`, drawn with one step counter
(a ``ValueTracker`` holding a fractional step ``s``; see :mod:`scenes.kit.paths`):
fifty steps cost one mobject and one animation, not fifty.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Annotated

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
    FadeOut,
    GrowArrow,
    ValueTracker,
    VGroup,
    Write,
    linear,
)

from lesson import params
from lesson.words import spoken
from mathcore import fields, landscape, windows
from mathcore.functions import Objective
from mathcore.optimize import run
from mathcore.optimizers import gd
from mathcore.runs import (
    cursor,
)
from mathcore.trajectory import Trajectory
from scenes.base import LessonScene
from scenes.kit import explore, look, numbers, plots, text
from scenes.kit.paths import (
    iterate_marks,
    loss_text,
    moving_dot,
    outcome,
    outcome_words,
    step_arrow,
    traced_path,
    trajectory_record,
)
from scenes.kit.plots import contour_map, inner_frame
from scenes.kit.text import below, column

Window = plots.Window
ToPoint = plots.ToPoint


LABEL_OFFSET = 0.38  # from an arrow's middle to its label
START_RADIUS = 0.13


def _normal(direction: np.ndarray) -> np.ndarray:
    """The unit normal a quarter turn counter-clockwise from a screen direction."""
    n = np.array([-direction[1], direction[0], 0.0])
    return n / np.linalg.norm(n)


@dataclass(frozen=True)
class DescentBowlParams(params.Params):
    """The notebook's first descent: x² + y² from (4, 3), lr 0.2, 50 steps, tol 1e-8."""

    function: Annotated[str, params.Formula(2)] = "bowl"
    """The function to descend: a catalogue name or a formula in x and y."""
    x0: params.Point = (4.0, 3.0)
    """Where the run starts."""
    lr: params.Rate = 0.2
    """The learning rate η."""
    steps: Annotated[int, params.Between(0, params.MAX_STEPS)] = 50
    """The most updates the run takes."""
    tol: params.Tolerance = 1e-8
    """The run stops once ‖∇f‖ is below this."""
    window: Annotated[plots.Window, params.Region(2)] = ((-5.0, 5.0), (-5.0, 5.0))
    """The least the map shows (the notebook's meshgrid); grown to hold the start,
    the run and the minimum it reaches."""
    n_levels: params.LevelCount = 15
    """How many contour lines."""
    contour_samples: params.Samples = 61
    """Grid points per side the contour lines are traced on."""
    worked_steps: Annotated[int, params.Between(0, 10)] = 3
    """How many updates are worked out by hand, with their numbers."""
    gradient_arrow_length: params.Length = 1.1
    """∇f is drawn by its direction only, this long (in the map's units)."""
    step_seconds: params.Seconds = 1.2
    """Seconds each worked update takes."""
    rest_seconds: params.Seconds = 4.0
    """Seconds the rest of the run takes."""

    def check(self) -> None:
        """Refuse a function or start the scene cannot show (see :func:`descent`)."""
        descent(self)


@dataclass(frozen=True)
class Descent:
    """What DescentBowl shows, from mathcore: the run, its map and how it ended."""

    f: Objective
    run: Trajectory
    view: landscape.View
    levels: landscape.Levels
    verdict: landscape.Verdict


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def descent(p: DescentBowlParams) -> Descent:
    """The run of ``p`` and the map framed around it; ParamError when f cannot be
    shown (not finite, no minimum in the window)."""
    f = params.objective(p.function, 2)
    with params.refused():
        traj = run(f, p.x0, gd(p.lr), p.steps, p.tol)
        view = landscape.view(f, landscape.shown_points(traj), p.window)
        levels = landscape.contour_levels(f, view.window, p.n_levels, p.contour_samples)
    return Descent(f, traj, view, levels, landscape.verdict(traj, view.window, view.minima))


def _map_draws(d: Descent, p: DescentBowlParams) -> str:
    """What the step "The function" draws, in words.

    >>> print(_map_draws(descent(DescentBowlParams()), DescentBowlParams()))
    ... # doctest: +ELLIPSIS
    The contour map of f over x from -5 to 5 and y from -5 to 5, with the start (4, 3) ...
    """
    return (
        f"The contour map of f over {numbers.window_text(d.view.window)}, with "
        f"{plots.start_text(d.run.points[0], d.view.minima)}. Beside it: the formula "
        f"of f, the update rule with η = {numbers.fmt(p.lr)}, and counters of the step "
        "and the loss."
    )


def _worked_draws(field: fields.GradientField, x_next: np.ndarray) -> str:
    """What the step "Step t + 1 by hand" draws, in words (``field``: the gradient at
    x_t)."""
    return (
        f"At {numbers.point_text(field.points)} one arrow shows the gradient, "
        f"{numbers.point_text(field.vectors)}, uphill, and another the step η times "
        f"it, downhill. The dot moves along it to {numbers.point_text(x_next)}, the "
        "sum written beside."
    )


def _rest_draws(d: Descent) -> str:
    """What the step "The rest, faster" draws, in words."""
    v, run_ = d.verdict, d.run
    if v.status == "diverged":
        return f"The path grows step by step until the run diverges, at step {v.step}."
    return (
        f"The path grows step by step, {run_.n_steps:,} in all, with the counters, and "
        f"ends at {numbers.point_text(run_.final, numbers.readable_text)}."
    )


def _end_draws(d: Descent) -> str:
    """What the step "Where it stops" draws, in words."""
    v, run_ = d.verdict, d.run
    if v.status == "diverged":
        return f"Beside the map: {outcome_words(v)}."
    said = (
        f"Beside the map: {outcome_words(v)}, the last point "
        f"{numbers.point_text(run_.final, numbers.readable_text)} and its loss, "
        f"{numbers.readable_text(float(run_.losses[-1]), 4)}."
    )
    if v.minimum is None:
        return said + " A dot marks where it ends."
    return (
        f"{said} A dot marks where it ends, {numbers.readable_text(v.distance)} from the "
        f"minimum {numbers.point_text(v.minimum.point)}."
    )


class DescentBowl(LessonScene):
    """Gradient descent on the bowl: the rule with its numbers, then the whole path."""

    Params = DescentBowlParams

    def construct(self) -> None:
        p: DescentBowlParams = self.params
        d = descent(p)
        f, traj, view = d.f, d.run, d.view
        self.record("trajectory", trajectory_record(traj))
        self.record("window", view.window)
        axes = plots.map_axes(view.window)
        to_point = axes.c2p
        grid = fields.grid(view.window, p.contour_samples)
        contours = contour_map(fields.contour_lines(f, grid, d.levels.values), to_point)
        self.record("contour.levels", d.levels.values)
        frame = inner_frame(to_point, view.window, *view.ticks, look.LABEL_SIZE)
        star = plots.minimum_stars(to_point, view.minima)
        self.record("minima", [m.point for m in view.minima])
        start = Dot(to_point(*traj.points[0]), radius=START_RADIUS, color=look.GOOD)

        s = ValueTracker(0)
        box = view.window  # a run that leaves the map is cut at its edge
        path = traced_path(to_point, traj.points, s, look.POINT, box)
        marks = iterate_marks(to_point, traj.points, s, look.POINT, box=box)
        current = moving_dot(to_point, traj.points, s, look.POINT, box)

        formula = text.tex(f.latex, colour=look.CURVE, size=look.TITLE_SIZE)
        rule = text.tex(r"x_{t+1} = x_t - \eta\, \nabla f(x_t)")
        eta = text.tex(rf"\eta = {numbers.fmt(p.lr)}")
        counter, loss = self._readout(traj, s, view.window)
        head = column(formula, VGroup(rule, eta).arrange(RIGHT, buff=0.6), counter, loss)

        idea = "Gradient descent: find which way is uphill, step the other way, repeat."
        self.step(
            "The function",
            idea,
            say=f"Here {spoken.objective(f)}. {idea}",
            draws=_map_draws(d, p),
        )
        self.play(FadeIn(frame), Create(contours), run_time=1.2)
        self.play(FadeIn(star), FadeIn(start), Write(formula), FadeIn(head[1:]))
        self.add(path, marks, current)
        self.wait(0.8)

        worked = VGroup()
        for t in range(min(p.worked_steps, traj.n_steps)):
            field = fields.gradient_field(f, traj.points[t])
            self.step(
                f"Step {t + 1} by hand",
                self._worked_caption(traj, t),
                draws=_worked_draws(field, traj.points[t + 1]),
            )
            worked = self._worked_step(field, traj, t, s, to_point, head, worked, p)

        self.step("The rest, faster", self._rest_caption(d), draws=_rest_draws(d))
        self.play(FadeOut(worked))
        self.play(
            s.animate.set_value(traj.n_steps), run_time=p.rest_seconds, rate_func=linear
        )
        self.wait(0.5)

        self.step("Where it stops", self._stop_caption(d, p), draws=_end_draws(d))
        self._offer_explore(p, view, axes)
        self._ending(d, to_point, head, star, p)

    def _offer_explore(
        self, p: DescentBowlParams, view: landscape.View, axes: Axes
    ) -> None:
        """The run, offered on this step for the viewer to explore
        (:func:`scenes.kit.explore.explorable`)."""
        racer = explore.Racer("GD", p.lr, look.POINT)
        spec = explore.explorable(
            axes,
            view.window,
            p.function,
            p.x0,
            p.steps,
            p.tol,
            [racer],
            look.GOOD,
            START_RADIUS,
        )
        explore.offer(self, spec)

    def _ending(self, d: Descent, to_point: ToPoint, head: VGroup, star: VGroup, p) -> None:
        """How the run ended, where, and at what loss."""
        traj, v = d.run, d.verdict
        rows = [
            text.tex(
                outcome(v), colour=look.GOOD if v.status == "converged" else look.TANGENT
            )
        ]
        if v.status == "converged":
            rows.append(
                text.tex(
                    rf"\lVert \nabla f \rVert < {numbers.sci(p.tol, 0, drop_one=True)}",
                    colour=look.MUTED,
                )
            )
        elif v.status == "stopped":
            rows.append(text.tex(r"\text{(step limit)}", colour=look.MUTED))
        n = traj.n_steps
        rows.append(text.tex(rf"x_{{{n}}} = {numbers.readable_vector(traj.final)}"))
        rows.append(text.tex(rf"f(x_{{{n}}}) = {loss_text(float(traj.losses[-1]))}"))
        if v.minimum is not None:
            rows.append(
                text.tex(
                    rf"\text{{minimum }} {numbers.vector(v.minimum.point)}:\ "
                    rf"{numbers.readable(v.distance)}\ \text{{away}}",
                    colour=look.MUTED,
                    size=look.LABEL_SIZE,
                )
            )
        final = below(head, *rows)
        self.record(
            "final",
            {
                "point": traj.final,
                "loss": traj.losses[-1],
                "status": v.status,
                "step": v.step,
                "minimum": None if v.minimum is None else v.minimum.point,
                "distance": v.distance,
            },
        )
        shown = [FadeIn(final)]
        if v.status != "diverged":
            shown.append(
                FadeIn(Dot(to_point(*traj.final), radius=0.15, color=look.TANGENT))
            )
        self.play(*shown)
        self.bring_to_front(star)  # a run that ends on a minimum: both stay visible
        self.wait(1.5)

    def _readout(
        self, traj: Trajectory, s: ValueTracker, window: Window
    ) -> tuple[VGroup, VGroup]:
        """``t = …`` and ``f(x_t) = …``, following the step counter; they stop at
        the run's last step before it first leaves the map, where its path and dot
        stop too (the losses of a run flying off would run off the frame)."""
        off_map = np.flatnonzero(~windows.inside_each(traj.points, window))
        last = int(off_map[0]) - 1 if len(off_map) else traj.n_steps

        def shown_step() -> int:
            return min(cursor(traj.points, s.get_value()).step, max(last, 0))

        step = numbers.LightInteger(0, font_size=look.TEXT_SIZE)
        numbers.follow(step, shown_step)
        value = numbers.ReadableReadout(float(traj.losses[0]), look.INK)
        value.add_updater(
            numbers.at_live_rate(lambda m: m.show(float(traj.losses[shown_step()])))
        )
        counter = VGroup(text.tex("t ="), step).arrange(RIGHT, buff=0.2)
        label = text.tex("f(x_t) =")
        value.next_to(label, RIGHT, buff=0.2)
        value.shift((label.get_y() - value.mantissa.get_y()) * UP)  # the digits' line
        loss = VGroup(label, value)
        step.align_to(counter[0], DOWN)
        return counter, loss

    def _worked_step(
        self,
        field: fields.GradientField,
        traj: Trajectory,
        t: int,
        s: ValueTracker,
        to_point: ToPoint,
        head: VGroup,
        previous: VGroup,
        p: DescentBowlParams,
    ) -> VGroup:
        """One update with its numbers: ∇f at x_t (``field``), the step −η∇f, and
        x_{t+1}."""
        x_t, x_next = traj.points[t], traj.points[t + 1]
        grad = field.vectors
        self.record(
            f"worked[{t}]",
            {"t": t, "x": x_t, "gradient": grad, "lr": p.lr, "x_next": x_next},
        )
        tip = fields.arrow_heads(field, length=p.gradient_arrow_length)
        up = step_arrow(to_point(*x_t), to_point(*tip), look.TANGENT)
        down = step_arrow(to_point(*x_t), to_point(*x_next), look.GOOD)
        # Labels sit either side of the line the two arrows share.
        side = _normal(up.get_end() - up.get_start())
        up_label = text.tex(r"\nabla f", colour=look.TANGENT, size=look.LABEL_SIZE)
        up_label.move_to(up.get_center() + LABEL_OFFSET * side)
        down_label = text.tex(r"-\eta \nabla f", colour=look.GOOD, size=look.LABEL_SIZE)
        down_label.move_to(down.get_center() - LABEL_OFFSET * side)
        x_name = rf"x_{{{t + 1}}}"
        plugged = text.tex(
            x_name,
            "=",
            rf"{numbers.vector(x_t)} - {numbers.fmt(p.lr)}\, {numbers.vector(grad)}",
            size=look.TEXT_SIZE,
        )
        result = text.tex(
            "=", numbers.vector(x_next), colour=look.POINT, size=look.TEXT_SIZE
        )
        lines = below(
            head,
            text.tex(rf"\nabla f(x_{{{t}}}) = {numbers.vector(grad)}", colour=look.TANGENT),
            plugged,
            result,
        )
        result.align_to(plugged[1], LEFT)  # under the first "="
        if len(previous):
            self.play(FadeOut(previous), run_time=0.5)
        self.play(GrowArrow(up), FadeIn(up_label), FadeIn(lines[0]))
        self.play(GrowArrow(down), FadeIn(down_label), FadeIn(lines[1]))
        self.play(s.animate.set_value(t + 1), run_time=p.step_seconds, rate_func=linear)
        self.play(FadeIn(lines[2]))
        self.wait(0.8)
        return VGroup(up, up_label, down, down_label, lines)

    @staticmethod
    def _worked_caption(traj: Trajectory, t: int) -> str:
        if t == 0:
            return (
                "The gradient points uphill. We move against it, scaled by the "
                "learning rate η."
            )
        norms = traj.grad_norms[t - 1 : t + 1]
        before, now = (numbers.fmt(n) for n in norms)
        if before == now:  # as written: a change the screen does not show is not said
            return f"Step {t + 1}, same rule: the gradient's length stays {now}."
        change = "shrinks" if norms[1] < norms[0] else "grows"
        return (
            f"Step {t + 1}, same rule: the gradient's length {change} from {before} to "
            f"{now}, and so does the step."
        )

    @staticmethod
    def _rest_caption(d: Descent) -> str:
        v = d.verdict
        if v.status == "diverged":
            return (
                "The same update over and over: each step overshoots further, "
                f"and the run leaves the map at step {v.step}."
            )
        norms = d.run.grad_norms
        if len(norms) > 1 and norms[-1] < norms[0]:
            return "The same update over and over: steps shrink as the slope flattens."
        taken = norms[: d.run.n_steps]  # the step from x_t is η‖∇f(x_t)‖
        if len(taken) > 1 and taken[-1] > taken[0]:
            return (
                "The same update over and over, but the steps grow: the last is "
                "longer than the first."
            )
        return "The same update over and over."

    @staticmethod
    def _stop_caption(d: Descent, p: DescentBowlParams) -> str:
        v, n = d.verdict, d.run.n_steps
        if v.status == "diverged":
            return (
                f"η = {numbers.fmt(p.lr)} is too large here: the run diverged at step "
                f"{v.step}."
            )
        at = f"the minimum at {numbers.point_text(v.minimum.point)}"
        if n == 0:
            return (
                "No step is taken: the start is already at " + at + "."
                if v.status == "converged"
                else "No step is allowed: the run stays at its start."
            )
        if v.status == "converged":
            tol = f"{p.tol:.0e}".replace("e-0", "e-")
            return (
                f"After {n} steps the gradient's length is below {tol}: we stop, at {at}."
            )
        # Written as the picture writes it (numbers.readable): 3.3 × 10^-4, not 0.0003.
        away = numbers.readable_text(v.distance)
        start = float(np.linalg.norm(np.subtract(p.x0, v.minimum.point)))
        began = numbers.readable_text(start)
        # Said only when the numbers shown say so too: 3.999 against 2.5, not 2.5 twice.
        farther = (
            f": farther than it started, {began}"
            if v.distance > start and away != began
            else ""
        )
        return f"{n} steps later the run stops where it is, {away} from {at}{farther}."
