"""Part 4 of the lesson and Exercise 2: gradient descent and its learning rate.

Render one scene with plain Manim from the repo root::

    manim render scenes/descent.py DescentBowl -ql
    manim render scenes/descent.py LearningRates -ql
    manim render scenes/descent.py QuarticRates -ql

Every run is one :class:`~mathcore.optimize.Trajectory`, drawn with one step
counter (a ``ValueTracker`` holding a fractional step ``s``): each path is a single
``VMobject`` whose points an updater sets from :func:`mathcore.runs.cursor`, so
fifty steps cost one mobject and one animation, not fifty.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Circle,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    Line,
    ManimColor,
    MathTex,
    Mobject,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    interpolate_color,
    linear,
)

from mathcore import fields, landscape
from mathcore.functions import Objective
from mathcore.optimize import Trajectory, gd, run
from mathcore.runs import (
    LogCurve,
    LogScale,
    clip_polyline,
    cursor,
    graph_points,
    log_curve,
    log_scale,
    windowed,
)
from mathcore.tuning import StabilityProbe, fastest_converged, stability_probe
from scenes import params, style
from scenes.base import LessonScene

Window = style.Window
ToPoint = style.ToPoint

# Contour lines recede (dim, low contrast) so that paths, drawn bright, lead.
CONTOUR_LOW = interpolate_color(style.BACKGROUND, style.CURVE, 0.6)
CONTOUR_HIGH = interpolate_color(style.BACKGROUND, style.MUTED, 0.4)
CONTOUR_WIDTH = 1.6
PATH_WIDTH = 4.0
MARK_RADIUS = 0.045  # the iterates along a path, as the notebook's 'o' markers
ARROW_WIDTH = 5.0
LABEL_OFFSET = 0.38  # from an arrow's middle to its label
# One colour per learning rate, the same in every figure of a scene; a rate past
# the stability bound is drawn in the colour of derivatives gone wrong.
RATE_COLOURS = (style.SECANT, style.CURVE, style.INK, style.GOOD, style.POINT)
UNSTABLE = style.TANGENT

MAX_STEPS = 100_000  # a run longer than this is not watched step by step

# Screen layout (Manim units, frame 14.2 × 8): a square map on the left, text on
# the right.
MAP_SIDE = 6.4
MAP_CENTRE = np.array([-3.3, -0.15, 0.0])
COLUMN_LEFT = 0.75
COLUMN_TOP = 3.55
FRAME_RIGHT = 6.85  # text stays left of this (the frame's edge is at 7.1)


# ----------------------------------------------------------------------------------
# Drawing helpers (they draw; the numbers come from mathcore).


def plot_frame(
    to_point: ToPoint,
    window: Window,
    x_ticks: Sequence[float],
    y_ticks: Sequence[float],
    font_size: int,
    y_label: Callable[[float], str] = style.fmt,
) -> VGroup:
    """:func:`style.plot_frame` as these scenes draw it: marks inside the box."""
    return style.plot_frame(
        to_point,
        window,
        x_ticks,
        y_ticks,
        y_label=y_label,
        font_size=font_size,
        tick=-0.1,
        label_buff=0.12,
    )


def contour_map(
    f: Objective,
    window: Window,
    levels: np.ndarray,
    samples: int,
    to_points: style.ToPoints,
) -> VGroup:
    """Level lines of ``f`` at ``levels`` over ``window``; low levels brighter."""
    contours = fields.contour_lines(f, fields.grid(window, samples), levels)
    colours = style.shades(CONTOUR_LOW, CONTOUR_HIGH, len(contours))
    return style.contour_paths(contours, to_points, colours, CONTOUR_WIDTH)


def shown_points(t: Trajectory) -> np.ndarray:
    """The points a map must hold: the start, and the whole run unless it ran away
    (ended higher than it started: that part is clipped at the map's edge)."""
    if t.status == "diverged" or t.losses[-1] > t.losses[0]:
        return t.points[:1]
    return t.points


def _needed(box: Window | None, points: np.ndarray) -> Window | None:
    """``box``, or None when every point lies inside it: a window is convex, so
    such a run never leaves it and its updaters need not cut it each frame."""
    if box is None or landscape.inside_each(points, box).all():
        return None
    return box


def traced_path(
    to_point: ToPoint,
    points: np.ndarray,
    tracker: ValueTracker,
    colour: ManimColor,
    box: Window | None = None,
    width: float = PATH_WIDTH,
) -> VMobject:
    """One path that follows ``tracker`` (a fractional step) along ``points``.

    With ``box``, the path stops where it first leaves that window.
    """
    path = VMobject(stroke_color=colour, stroke_width=width)
    box = _needed(box, points)

    def update(m: VMobject) -> None:
        vertices = cursor(points, tracker.get_value()).vertices
        if box is not None:
            vertices = windowed(vertices, box).vertices
        m.set_points_as_corners([to_point(*v) for v in vertices])

    update(path)
    path.add_updater(update)
    return path


def iterate_marks(
    to_point: ToPoint,
    points: np.ndarray,
    tracker: ValueTracker,
    colour: ManimColor,
    radius: float = MARK_RADIUS,
    box: Window | None = None,
) -> VMobject:
    """A dot at every iterate reached so far, as ONE mobject (one subpath per dot);
    with ``box``, only those inside it."""
    template = Circle(radius=radius).points
    marks = VMobject(fill_color=colour, fill_opacity=1, stroke_width=0)
    box = _needed(box, points)
    kept = np.ones(len(points), bool) if box is None else landscape.inside_each(points, box)
    shown, index = points[kept], np.cumsum(kept) - 1

    def update(m: VMobject) -> None:
        reached = shown[: index[cursor(points, tracker.get_value()).step] + 1]
        m.set_points(np.concatenate([template + to_point(*p) for p in reached]))

    update(marks)
    marks.add_updater(update)
    return marks


def moving_dot(
    to_point: ToPoint,
    points: np.ndarray,
    tracker: ValueTracker,
    colour: ManimColor,
    box: Window | None = None,
    radius: float = 0.11,
) -> Dot:
    """The current point of a run; hidden once it has left ``box`` (if given)."""
    dot = Dot(to_point(*points[0]), radius=radius, color=colour)
    box = _needed(box, points)

    def update(m: Dot) -> None:
        c = cursor(points, tracker.get_value())
        if box is not None and windowed(c.vertices, box).exited:
            m.set_opacity(0)
            return
        m.set_opacity(1).move_to(to_point(*c.point))

    dot.add_updater(update)
    return dot


# Every arrow here has the same weight; a shorter tip than style's default.
arrow = partial(style.arrow, width=ARROW_WIDTH, tip_ratio=0.3)


def _normal(direction: np.ndarray) -> np.ndarray:
    """The unit normal a quarter turn counter-clockwise from a screen direction."""
    n = np.array([-direction[1], direction[0], 0.0])
    return n / np.linalg.norm(n)


def column(
    *rows: Mobject, buff: float = 0.3, top: float = COLUMN_TOP, left: float = COLUMN_LEFT
) -> VGroup:
    """Rows at the top of a text column that may reach the frame's right edge."""
    return style.column(*rows, left=left, top=top, width=FRAME_RIGHT - left, buff=buff)


def below(anchor: Mobject, *rows: Mobject, buff: float = 0.45, gap: float = 0.22) -> VGroup:
    """Rows stacked in the text column under ``anchor`` (aligned to its left)."""
    width = FRAME_RIGHT - anchor.get_left()[0]
    return style.below(anchor, *rows, width=width, buff=buff, gap=gap)


def loss_text(value: float) -> str:
    """A loss as the viewer should read it: 4 decimals, scientific when tiny or
    huge, 0 if 0."""
    return style.readable(value, 4)


def outcome(v: landscape.Verdict) -> str:
    """How a run ended, in words, as LaTeX text."""
    if v.status == "converged":
        unit = "step" if v.step == 1 else "steps"
        return rf"\text{{converged in {v.step} {unit}}}"
    if v.status == "diverged":
        return rf"\text{{diverged at step {v.step}}}"
    return rf"\text{{stopped after {v.step} steps}}"


def trajectory_record(t: Trajectory, v: landscape.Verdict | None = None) -> dict:
    """A run as the manifest records it, with how it was shown to end."""
    record = {
        "lr": t.lr,
        "points": t.points,
        "losses": t.losses,
        "status": t.status,
        "n_steps": t.n_steps,
        "diverged_at": t.diverged_at,
    }
    if v is not None:
        record["shown"] = {"status": v.status, "step": v.step}
    return record


# ----------------------------------------------------------------------------------
# DescentBowl


@dataclass(frozen=True)
class DescentBowlParams:
    """The notebook's first descent: x² + y² from (4, 3), lr 0.2, 50 steps, tol 1e-8."""

    function: str = "bowl"
    """The function to descend: a catalogue name or a formula in x and y."""
    x0: tuple[float, float] = (4.0, 3.0)
    """Where the run starts."""
    lr: float = 0.2
    """The learning rate η."""
    steps: int = 50
    """The most updates the run takes."""
    tol: float = 1e-8
    """The run stops once ‖∇f‖ is below this."""
    window: Window = ((-5.0, 5.0), (-5.0, 5.0))
    """The least the map shows (the notebook's meshgrid); grown to hold the start,
    the run and the minimum it reaches."""
    n_levels: int = 15
    """How many contour lines."""
    contour_samples: int = 61
    """Grid points per side the contour lines are traced on."""
    worked_steps: int = 3
    """How many updates are worked out by hand, with their numbers."""
    gradient_arrow_length: float = 1.1
    """∇f is drawn by its direction only, this long (in the map's units)."""
    step_seconds: float = 1.2
    """Seconds each worked update takes."""
    rest_seconds: float = 4.0
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
    shown (not finite, no minimum in the window) or the steps are out of range."""
    f = params.objective(p.function, 2)
    params.within("steps", p.steps, 0, MAX_STEPS)
    params.within("lr", p.lr, 0.0, math.inf, low_open=True)
    with params.refused():
        traj = run(f, p.x0, gd(p.lr), p.steps, p.tol)
        view = landscape.view(f, shown_points(traj), p.window)
        levels = landscape.contour_levels(f, view.window, p.n_levels, p.contour_samples)
    return Descent(f, traj, view, levels, landscape.verdict(traj, view.window, view.minima))


class DescentBowl(LessonScene):
    """Gradient descent on the bowl: the rule with its numbers, then the whole path."""

    Params = DescentBowlParams

    def construct(self) -> None:
        p: DescentBowlParams = self.params
        d = descent(p)
        f, traj, view = d.f, d.run, d.view
        self.record("trajectory", trajectory_record(traj))
        self.record("window", view.window)
        axes = style.square_axes(view.window, MAP_SIDE).move_to(MAP_CENTRE)
        to_point = axes.c2p
        contours = contour_map(f, view.window, d.levels.values, p.contour_samples, to_point)
        self.record("contour.levels", d.levels.values)
        frame = plot_frame(to_point, view.window, *view.ticks, style.LABEL_SIZE)
        star = style.minimum_stars(to_point, view.minima)
        self.record("minima", [m.point for m in view.minima])
        start = Dot(to_point(*traj.points[0]), radius=0.13, color=style.GOOD)

        s = ValueTracker(0)
        box = view.window  # a run that leaves the map is cut at its edge
        path = traced_path(to_point, traj.points, s, style.POINT, box)
        marks = iterate_marks(to_point, traj.points, s, style.POINT, box=box)
        current = moving_dot(to_point, traj.points, s, style.POINT, box)

        formula = style.tex(f.latex, style.CURVE, style.TITLE_SIZE)
        rule = style.tex(r"x_{t+1} = x_t - \eta\, \nabla f(x_t)")
        eta = style.tex(rf"\eta = {style.fmt(p.lr)}")
        counter, loss = self._readout(traj, s, view.window)
        head = column(formula, VGroup(rule, eta).arrange(RIGHT, buff=0.6), counter, loss)

        self.step(
            "The function",
            "Gradient descent: find which way is uphill, step the other way, repeat.",
        )
        self.play(FadeIn(frame), Create(contours), run_time=1.2)
        self.play(FadeIn(star), FadeIn(start), Write(formula), FadeIn(head[1:]))
        self.add(path, marks, current)
        self.wait(0.8)

        worked = VGroup()
        for t in range(min(p.worked_steps, traj.n_steps)):
            self.step(f"Step {t + 1} by hand", self._worked_caption(traj, t))
            worked = self._worked_step(f, traj, t, s, to_point, head, worked, p)

        self.step("The rest, faster", self._rest_caption(d))
        self.play(FadeOut(worked))
        self.play(
            s.animate.set_value(traj.n_steps), run_time=p.rest_seconds, rate_func=linear
        )
        self.wait(0.5)

        self.step("Where it stops", self._stop_caption(d, p))
        self._ending(d, to_point, head, star, p)

    def _ending(self, d: Descent, to_point: ToPoint, head: VGroup, star: VGroup, p) -> None:
        """How the run ended, where, and at what loss."""
        traj, v = d.run, d.verdict
        rows = [
            style.tex(outcome(v), style.GOOD if v.status == "converged" else style.TANGENT)
        ]
        if v.status == "converged":
            rows.append(
                style.tex(
                    rf"\lVert \nabla f \rVert < {style.sci(p.tol, 0, drop_one=True)}",
                    style.MUTED,
                )
            )
        elif v.status == "stopped":
            rows.append(style.tex(r"\text{(step limit)}", style.MUTED))
        n = traj.n_steps
        rows.append(style.tex(rf"x_{{{n}}} = {style.readable_vector(traj.final)}"))
        rows.append(style.tex(rf"f(x_{{{n}}}) = {loss_text(float(traj.losses[-1]))}"))
        if v.minimum is not None:
            rows.append(
                style.tex(
                    rf"\text{{minimum }} {style.vector(v.minimum.point)}:\ "
                    rf"{style.sci(v.distance)}\ \text{{away}}",
                    style.MUTED,
                    style.LABEL_SIZE,
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
                FadeIn(Dot(to_point(*traj.final), radius=0.15, color=style.TANGENT))
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
        off_map = np.flatnonzero(~landscape.inside_each(traj.points, window))
        last = int(off_map[0]) - 1 if len(off_map) else traj.n_steps

        def shown_step() -> int:
            return min(cursor(traj.points, s.get_value()).step, max(last, 0))

        step = style.LightInteger(0, font_size=style.TEXT_SIZE)
        style.follow(step, shown_step)
        value = style.LightDecimal(
            float(traj.losses[0]), num_decimal_places=4, font_size=style.TEXT_SIZE
        )
        style.follow(value, lambda: float(traj.losses[shown_step()]))
        counter = VGroup(style.tex("t ="), step).arrange(RIGHT, buff=0.2)
        loss = VGroup(style.tex("f(x_t) ="), value).arrange(RIGHT, buff=0.2)
        step.align_to(counter[0], DOWN)
        return counter, loss

    def _worked_step(
        self,
        f: Objective,
        traj: Trajectory,
        t: int,
        s: ValueTracker,
        to_point: ToPoint,
        head: VGroup,
        previous: VGroup,
        p: DescentBowlParams,
    ) -> VGroup:
        """One update with its numbers: ∇f at x_t, the step −η∇f, and x_{t+1}."""
        x_t, x_next = traj.points[t], traj.points[t + 1]
        field = fields.gradient_field(f, x_t)
        grad = field.vectors
        self.record(
            f"worked[{t}]",
            {"t": t, "x": x_t, "gradient": grad, "lr": p.lr, "x_next": x_next},
        )
        tip = fields.arrow_heads(field, length=p.gradient_arrow_length)
        up = arrow(to_point(*x_t), to_point(*tip), style.TANGENT)
        down = arrow(to_point(*x_t), to_point(*x_next), style.GOOD)
        # Labels sit either side of the line the two arrows share.
        side = _normal(up.get_end() - up.get_start())
        up_label = style.tex(r"\nabla f", style.TANGENT, style.LABEL_SIZE)
        up_label.move_to(up.get_center() + LABEL_OFFSET * side)
        down_label = style.tex(r"-\eta \nabla f", style.GOOD, style.LABEL_SIZE)
        down_label.move_to(down.get_center() - LABEL_OFFSET * side)
        x_name = rf"x_{{{t + 1}}}"
        plugged = MathTex(
            x_name,
            "=",
            rf"{style.vector(x_t)} - {style.fmt(p.lr)}\, {style.vector(grad)}",
            font_size=style.TEXT_SIZE,
        )
        result = MathTex(
            "=", style.vector(x_next), color=style.POINT, font_size=style.TEXT_SIZE
        )
        lines = below(
            head,
            style.tex(rf"\nabla f(x_{{{t}}}) = {style.vector(grad)}", style.TANGENT),
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
            return "The gradient points uphill; we move η times it, downhill."
        shrinking = traj.grad_norms[t] < traj.grad_norms[t - 1]
        return "Same rule at the new point: " + (
            "a smaller gradient, a smaller step."
            if shrinking
            else "a larger gradient, a larger step."
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
        return "The same update over and over."

    @staticmethod
    def _stop_caption(d: Descent, p: DescentBowlParams) -> str:
        v, n = d.verdict, d.run.n_steps
        if v.status == "diverged":
            return (
                f"η = {style.fmt(p.lr)} is too large here: the run diverged at step "
                f"{v.step}."
            )
        at = f"the minimum at {style.point_text(v.minimum.point)}"
        if v.status == "converged":
            tol = f"{p.tol:.0e}".replace("e-0", "e-")
            return (
                f"After {n} steps the gradient's length is below {tol}: we stop, at {at}."
            )
        return (
            f"{n} steps later the run stops where it is, {style.fmt(v.distance)} from {at}."
        )


# ----------------------------------------------------------------------------------
# LearningRates


@dataclass(frozen=True)
class LearningRatesParams:
    """The notebook's comparisons: four rates on the bowl, then loss curves."""

    function: str = "bowl"
    """The function to descend: a catalogue name or a formula in x and y."""
    x0: tuple[float, float] = (4.0, 3.0)
    """Where every run starts."""
    panel_rates: tuple[float, float, float, float] = (0.01, 0.1, 0.5, 0.9)
    """The four learning rates of the 2 × 2 panels."""
    panel_steps: int = 50
    """The most updates each panel's run takes."""
    window: Window = ((-6.0, 6.0), (-6.0, 6.0))
    """The least each panel shows (the notebook's xlim, ylim); grown to hold the
    start and the runs that do not run away."""
    n_levels: int = 15
    """How many contour lines per panel."""
    contour_samples: int = 41
    """Grid points per side the contour lines are traced on."""
    curve_rates: tuple[float, ...] = (0.01, 0.1, 0.3, 0.5)
    """The learning rates whose loss curves are compared."""
    curve_steps: int = 100
    """The most updates each loss curve's run takes."""
    tol: float = 1e-8
    """A run stops once ‖∇f‖ is below this."""
    past_bound: float = 1.05
    """The unstable run's rate, as a multiple of 2/L (L: f's largest curvature)."""
    panel_seconds: float = 5.0
    """Seconds the panels' runs take."""
    curve_seconds: float = 2.5
    """Seconds the loss curves take to draw."""

    def check(self) -> None:
        """Refuse a function or start the scene cannot show (see :func:`rates`)."""
        rates(self)


@dataclass(frozen=True)
class Rates:
    """What LearningRates shows: the panels' runs on one shared map, the loss
    curves' runs, and the run past the stability bound."""

    f: Objective
    panels: tuple[Trajectory, ...]
    verdicts: tuple[landscape.Verdict, ...]
    view: landscape.View
    levels: landscape.Levels
    curves: tuple[Trajectory, ...]
    curve_verdicts: tuple[landscape.Verdict, ...]
    probe: StabilityProbe


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def rates(p: LearningRatesParams) -> Rates:
    """The runs of ``p`` and the map they share; ParamError when f cannot be shown."""
    f = params.objective(p.function, 2)
    for key, steps in (("panel_steps", p.panel_steps), ("curve_steps", p.curve_steps)):
        params.within(key, steps, 1, MAX_STEPS)
    for key, lrs in (("panel_rates", p.panel_rates), ("curve_rates", p.curve_rates)):
        params.within(key, min(lrs, default=1.0), 0.0, math.inf, low_open=True)
    params.within("curve_rates", len(p.curve_rates), 1, len(RATE_COLOURS))
    params.within("past_bound", p.past_bound, 1.0, 10.0, low_open=True)
    with params.refused():
        panels = tuple(run(f, p.x0, gd(lr), p.panel_steps, p.tol) for lr in p.panel_rates)
        shown = np.concatenate([shown_points(t) for t in panels])
        view = landscape.view(f, shown, p.window)
        levels = landscape.contour_levels(f, view.window, p.n_levels, p.contour_samples)
        curves = tuple(run(f, p.x0, gd(lr), p.curve_steps, p.tol) for lr in p.curve_rates)
    with params.refused("past_bound"):
        probe = stability_probe(f, p.x0, p.past_bound, p.curve_steps, p.tol, view.window)

    def judged(runs: Sequence[Trajectory]) -> tuple[landscape.Verdict, ...]:
        return tuple(landscape.verdict(t, view.window, view.minima) for t in runs)

    return Rates(f, panels, judged(panels), view, levels, curves, judged(curves), probe)


PANEL_SIDE = 2.75
PANEL_TICK_SIZE = 24  # small panels, small ticks: the maps are the same bowl
PANEL_CELLS = (  # centre of each 2×2 cell's map, reading order
    np.array([-5.0, 1.85, 0.0]),
    np.array([2.1, 1.85, 0.0]),
    np.array([-5.0, -2.15, 0.0]),
    np.array([2.1, -2.15, 0.0]),
)
LOG_AXES_CENTRE = np.array([-2.45, 0.25, 0.0])
LOG_COLUMN_LEFT = 1.75
LOG_PLOT_WIDTH, LOG_PLOT_HEIGHT = 7.0, 5.6
CURVE_TICKS = 6  # tick labels along the step axis, ends included


def number_word(n: int) -> str:
    """Small counts in words, as a caption says them: 4 → "four"."""
    words = ("zero", "one", "two", "three", "four", "five", "six")
    return words[n] if 0 <= n < len(words) else str(n)


def rate_colour(lr: float, rates: Sequence[float]) -> ManimColor:
    """The colour of ``lr``: by its place in the sorted union of a scene's rates."""
    return RATE_COLOURS[sorted(set(rates)).index(lr) % len(RATE_COLOURS)]


class LearningRates(LessonScene):
    """Four learning rates side by side, their loss curves, and the bound 2/L."""

    Params = LearningRatesParams

    def construct(self) -> None:
        p: LearningRatesParams = self.params
        r = rates(p)
        all_rates = (*p.panel_rates, *p.curve_rates)
        self.record("window", r.view.window)
        self.record("minima", [m.point for m in r.view.minima])
        self.record("contour.levels", r.levels.values)

        self.step(
            "Four learning rates",
            f"Same function, same start, {p.panel_steps} steps: "
            "only the learning rate changes.",
        )
        panels = self._panels(r, p, all_rates)

        probe = r.probe
        scale = log_scale([t.losses for t in r.curves] + [probe.trajectory.losses])
        curves = [log_curve(t.losses, scale.floor) for t in r.curves]
        self.step("Loss on a log scale", self._log_caption(r.curves, curves))
        axes, legend = self._loss_curves(p, all_rates, r, curves, scale, panels)

        self.step("The stability bound", self._bound_caption(probe))
        self._stability(
            probe,
            log_curve(probe.trajectory.losses, scale.floor),
            p.past_bound,
            axes,
            legend,
        )

    @staticmethod
    def _log_caption(runs: Sequence[Trajectory], curves: Sequence[LogCurve]) -> str:
        caption = "On a log scale steady progress is a straight line"
        zero = [(t, c) for t, c in zip(runs, curves, strict=True) if c.first_zero]
        if zero:
            t, c = zero[0]
            unit = "step" if c.first_zero == 1 else "steps"
            caption += (
                f"; η = {style.fmt(t.lr)} lands exactly on 0 after {c.first_zero} {unit}"
            )
        return caption + "."

    @staticmethod
    def _bound_caption(probe: StabilityProbe) -> str:
        bound = f"η = 2/L = {style.fmt(probe.bound)}"
        if probe.growth > 1:
            return (
                f"Past {bound} each step jumps over the minimum to a point higher up: "
                "the loss grows instead."
            )
        return (
            f"Below {bound} descent is sure; past it nothing promises descent, "
            "though this run still happens to go down."
        )

    def _panels(self, r: Rates, p: LearningRatesParams, rates: Sequence[float]) -> VGroup:
        s = ValueTracker(0)
        window, ticks = r.view.window, r.view.ticks
        panels, moving, results = VGroup(), [], VGroup()
        cells = zip(r.panels, r.verdicts, PANEL_CELLS, strict=True)
        for traj, verdict, centre in cells:
            lr = traj.lr
            self.record(f"panels[{lr:g}]", trajectory_record(traj, verdict))
            colour = rate_colour(lr, rates)
            axes = style.square_axes(window, PANEL_SIDE).move_to(centre)
            to_point = axes.c2p
            contours = contour_map(
                r.f, window, r.levels.values, p.contour_samples, to_point
            )
            frame = plot_frame(to_point, window, *ticks, PANEL_TICK_SIZE)
            start = Dot(to_point(*traj.points[0]), radius=0.08, color=style.GOOD)
            star = style.minimum_stars(to_point, r.view.minima, radius=0.12)
            title = style.tex(rf"\eta = {style.fmt(lr)}", colour)
            title.next_to(frame[0], RIGHT, buff=0.35).align_to(frame[0], UP)
            result = VGroup(
                style.tex(r"\text{final } f =", size=style.LABEL_SIZE),
                style.tex(loss_text(float(traj.losses[-1])), colour, style.TEXT_SIZE),
                style.tex(outcome(verdict), style.MUTED, style.LABEL_SIZE),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
            result.next_to(title, DOWN, buff=0.3, aligned_edge=LEFT)
            panels.add(VGroup(contours, frame, star, start, title))
            results.add(result)
            moving += [
                traced_path(to_point, traj.points, s, colour, window, width=3),
                iterate_marks(to_point, traj.points, s, colour, radius=0.035, box=window),
                moving_dot(to_point, traj.points, s, colour, window, radius=0.08),
            ]
        self.play(FadeIn(panels), run_time=1.2)
        self.add(*moving)
        self.add(*[panel[2] for panel in panels])  # stars stay on top of the paths
        self.play(
            s.animate.set_value(p.panel_steps), run_time=p.panel_seconds, rate_func=linear
        )
        self.play(FadeIn(results))
        self.wait(1.2)
        return VGroup(panels, results, *moving)

    def _loss_curves(
        self,
        p: LearningRatesParams,
        rates: Sequence[float],
        r: Rates,
        log_curves: list[LogCurve],
        scale: LogScale,
        previous: VGroup,
    ) -> tuple[Axes, VGroup]:
        self.record(
            "log_axis",
            {"low_exp": scale.low_exp, "high_exp": scale.high_exp, "floor": scale.floor},
        )
        # A linear axis of exponents: curves arrive as (step, log10 f) from mathcore,
        # so a pen moving between two steps moves straight on the log plot.
        window: Window = ((0.0, float(p.curve_steps)), (scale.low_exp, scale.high_exp))
        axes = style.plot_axes(window, LOG_PLOT_WIDTH, LOG_PLOT_HEIGHT).move_to(
            LOG_AXES_CENTRE
        )

        def decade(k: float) -> str:
            # The floor stands for an exact 0, so it is labelled 0, not 10^k.
            return "0" if k == scale.low_exp else f"10^{{{k:g}}}"

        x_ticks = np.linspace(0, p.curve_steps, CURVE_TICKS)
        frame = plot_frame(axes.c2p, window, x_ticks, scale.ticks, 24, decade)
        # A break in the axis just above the floor: the gap between 0 and the
        # smallest decade is not to scale (0 is infinitely far down a log axis).
        gap = axes.c2p(0, scale.low_exp + scale.step / 2)
        axis_break = VGroup(
            *[
                Line(
                    gap + dy * UP + 0.14 * LEFT + 0.05 * DOWN,
                    gap + dy * UP + 0.14 * RIGHT + 0.05 * UP,
                    color=style.MUTED,
                    stroke_width=3,
                )
                for dy in (-0.05, 0.05)
            ]
        )
        names = VGroup(
            style.tex(r"\text{step}", size=style.LABEL_SIZE).next_to(frame, DOWN, 0.2),
            style.tex(r"f(x_t)\ \text{(log scale)}", size=style.LABEL_SIZE)
            .next_to(frame, UP, buff=0.15)
            .align_to(frame[0], LEFT),
        )
        s = ValueTracker(0)
        curves, rows, notes = VGroup(), VGroup(), VGroup()
        for t, v, c in zip(r.curves, r.curve_verdicts, log_curves, strict=True):
            self.record(
                f"curves[{t.lr:g}]",
                trajectory_record(t, v) | {"first_zero": c.first_zero},
            )
            colour = rate_colour(t.lr, rates)
            curves.add(traced_path(axes.c2p, c.points, s, colour))
            rows.add(style.tex(rf"\eta = {style.fmt(t.lr)}:\ " + outcome(v), colour))
            if c.first_zero is not None:
                unit = "step" if c.first_zero == 1 else "steps"
                at_zero = axes.c2p(*c.points[c.first_zero])
                note = style.tex(
                    rf"\text{{exactly 0 after {c.first_zero} {unit}}}",
                    colour,
                    style.LABEL_SIZE,
                ).next_to(at_zero, UP + RIGHT, buff=0.15)
                notes.add(note, Dot(at_zero, radius=0.08, color=colour))
        legend = column(*rows, top=COLUMN_TOP - 0.3, left=LOG_COLUMN_LEFT)
        self.play(FadeOut(previous), run_time=0.6)
        self.play(Create(frame), FadeIn(axis_break), FadeIn(names))
        self.add(curves)
        self.play(
            s.animate.set_value(p.curve_steps),
            FadeIn(legend),
            run_time=p.curve_seconds,
            rate_func=linear,
        )
        self.play(FadeIn(notes))
        self.wait(1.2)
        return axes, legend

    def _stability(
        self,
        probe: StabilityProbe,
        curve: LogCurve,
        factor: float,
        axes: Axes,
        legend: VGroup,
    ) -> None:
        t = probe.trajectory
        self.record(
            "stability",
            {"bound": probe.bound, "growth": probe.growth} | trajectory_record(t),
        )
        rule = VGroup(
            style.tex(r"\text{descent is sure for } \eta < 2/L"),
            style.tex(r"L:\ \text{largest curvature of } f", style.MUTED, style.LABEL_SIZE),
            style.tex(rf"2/L = {style.fmt(probe.bound)}"),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        rule.next_to(legend, DOWN, buff=0.5, aligned_edge=LEFT)
        s = ValueTracker(0)
        path = traced_path(axes.c2p, curve.points, s, UNSTABLE)
        label = VGroup(
            style.tex(
                rf"\eta = {style.fmt(t.lr)} = {style.fmt(factor)} \cdot 2/L", UNSTABLE
            ),
            style.tex(
                rf"f \times {style.fmt(probe.growth, 2)} \text{{ per step}}", UNSTABLE
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        label.next_to(rule, DOWN, buff=0.45, aligned_edge=LEFT)
        end = style.tex(
            rf"f(x_{{{t.n_steps}}}) = {style.sci(float(t.losses[-1]))}", UNSTABLE
        ).next_to(label, DOWN, buff=0.15, aligned_edge=LEFT)
        self.play(FadeIn(rule))
        self.add(path)
        self.play(
            s.animate.set_value(t.n_steps), FadeIn(label), run_time=2.0, rate_func=linear
        )
        self.play(FadeIn(end))
        self.wait(1.2)


# ----------------------------------------------------------------------------------
# QuarticRates (Exercise 2)


@dataclass(frozen=True)
class QuarticRatesParams:
    """Exercise 2: f(x) = x⁴ − 3x³ + 2 from x0 = 4 with four learning rates.

    The exercise names no step count; 100 is ``gradient_descent``'s default.
    """

    function: str = "quartic"
    """The function to descend: a catalogue name or a formula in x."""
    x0: float = 4.0
    """Where every run starts."""
    rates: tuple[float, ...] = (0.001, 0.01, 0.05, 0.1)
    """The learning rates compared, one ball each (at most four)."""
    steps: int = 100
    """The most updates each run takes."""
    tol: float = 1e-8
    """A run stops once |f′| is below this."""
    window: Window = ()
    """The least the plot shows, x then f; grown to hold the start, the points
    where f′ = 0 and the runs that do not run away. Empty: framed around those
    alone (x at least over the function's own domain)."""
    curve_samples: int = 400
    """Points the curve of f is drawn through."""
    first_seconds: float = 2.0
    """Seconds for step 0 → 1, slowed down: the jumps happen there."""
    early_steps: float = 20.0
    """Steps shown at the early pace."""
    early_seconds: float = 4.0
    """Seconds the early steps take."""
    late_seconds: float = 3.0
    """Seconds the remaining steps take."""

    def check(self) -> None:
        """Refuse a function or start the scene cannot show (see :func:`balls`)."""
        balls(self)


@dataclass(frozen=True)
class Balls:
    """What QuarticRates shows: the runs, the plot's window and ticks, where f′ = 0."""

    f: Objective
    runs: tuple[Trajectory, ...]
    verdicts: tuple[landscape.Verdict, ...]
    window: Window
    ticks: tuple[tuple[float, ...], tuple[float, ...]]
    landmarks: tuple[landscape.StationaryPoint, ...]


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def balls(p: QuarticRatesParams) -> Balls:
    """The runs of ``p`` on the graph of f; ParamError when it cannot be shown."""
    f = params.objective(p.function, 1)
    params.within("steps", p.steps, 1, MAX_STEPS)
    params.within("rates", len(p.rates), 1, len(QUARTIC_COLOURS))
    params.within("rates", min(p.rates), 0.0, math.inf, low_open=True)
    with params.refused():
        runs = tuple(run(f, [p.x0], gd(lr), p.steps, p.tol) for lr in p.rates)
        xs = np.concatenate([[p.x0], *[shown_points(t)[:, 0] for t in runs]])
        least = p.window[0] if p.window else f.domain[0]
        x_window = landscape.frame(xs[:, None], (least,), margin=0.05)
        landscape.require_finite(f, x_window)
        marks = landscape.stationary_points(f, x_window[0])
        if not any(m.kind == "minimum" for m in marks):
            raise landscape.UnshowableError(f"f has no minimum for x in {x_window[0]}")
        shown = np.concatenate([xs, [m.x for m in marks]])
        heights = np.column_stack([shown, f.value(shown[:, None])])
        # Headroom above and below: a ball that leaves the plot gets an arrow.
        window = landscape.frame(heights, margin=0.15)
        if p.window:
            window = landscape.frame(heights, (x_window[0], p.window[1]), margin=0.15)
    verdicts = tuple(landscape.verdict(t, window, (), graph_points(t)) for t in runs)
    ticks = (landscape.ticks(window[0], 7), landscape.ticks(window[1], 5))
    return Balls(f, runs, verdicts, window, ticks, tuple(marks))


# The function's own colour (blue) is left to its curve.
QUARTIC_COLOURS = (style.POINT, style.INK, style.GOOD, style.TANGENT)
PLOT_WIDTH, PLOT_HEIGHT = 6.6, 6.1
PLOT_CENTRE = np.array([-3.15, -0.05, 0.0])


class QuarticRates(LessonScene):
    """One ball per learning rate on x⁴ − 3x³ + 2; one of them flies off and diverges."""

    Params = QuarticRatesParams

    def construct(self) -> None:
        p: QuarticRatesParams = self.params
        b = balls(p)
        f, runs, window = b.f, list(b.runs), b.window
        for t, v in zip(runs, b.verdicts, strict=True):
            self.record(f"runs[{t.lr:g}]", trajectory_record(t, v))
        self.record("window", window)
        self.record(
            "landmarks",
            [{"x": m.x, "value": m.value, "kind": m.kind} for m in b.landmarks],
        )
        best = fastest_converged(runs)
        self.record("fastest", None if best is None else runs[best].lr)

        axes = style.plot_axes(window, PLOT_WIDTH, PLOT_HEIGHT).move_to(PLOT_CENTRE)
        frame = plot_frame(axes.c2p, window, *b.ticks, style.LABEL_SIZE)
        curve = self._curve(f, axes, window, p.curve_samples)
        formula = column(style.tex(f.latex, style.CURVE, style.TITLE_SIZE))
        marks = self._landmark_marks(f, axes, b.landmarks)

        self.step(
            "The function",
            f"Gradient descent on this function from x = {style.fmt(p.x0)}.",
        )
        self.play(Create(frame), Create(curve), Write(formula), run_time=1.5)
        self.play(FadeIn(marks))
        self.wait(0.5)

        self.step(
            f"{number_word(len(runs)).capitalize()} learning rates",
            f"Same start, {number_word(len(runs))} step sizes: "
            "every ball follows x ← x − η f′(x).",
        )
        rows, results, exits = self._roll(b, axes, formula, p)

        diverged = [i for i, v in enumerate(b.verdicts) if v.status == "diverged"]
        self.step("Too large", self._too_large_caption(b, diverged))
        marks_out = [FadeIn(exits[i][1]) for i in diverged if i in exits]
        if diverged:
            self.play(*[FadeIn(results[i]) for i in diverged], *marks_out)
        self.wait(2.5)

        self.step("Which rate is best", self._best_caption(runs, best))
        shown = [FadeIn(results[i]) for i in range(len(runs)) if i not in diverged]
        if best is not None:
            box = SurroundingRectangle(
                VGroup(rows[best], results[best]), buff=0.1, color=style.GOOD
            )
            shown.append(Create(box))
        self.play(*shown)
        self.wait(4.0)  # the longest caption: the answer to "which rate is best"

        self.step("Where the minima are", self._minima_caption(b.landmarks))
        self._answer_minima(f, axes, b.landmarks, VGroup(rows, results))

    @staticmethod
    def _curve(f: Objective, axes: Axes, window: Window, samples: int) -> VGroup:
        """The graph of f, cut where it leaves the plot."""
        xs = np.linspace(*window[0], samples)
        curve = VGroup()
        for piece in clip_polyline(np.column_stack([xs, f.value(xs[:, None])]), window):
            path = VMobject(stroke_color=style.CURVE, stroke_width=4)
            path.set_points_smoothly([axes.c2p(*v) for v in piece])
            curve.add(path)
        return curve

    def _landmark_marks(self, f: Objective, axes: Axes, landmarks) -> VGroup:
        group = VGroup()
        for m in landmarks:
            at = axes.c2p(m.x, m.value)
            if m.kind == "minimum":
                group.add(style.minimum_star(at))
                label = style.tex(rf"\text{{minimum}}\ x = {style.fmt(m.x)}", style.INK)
                label.next_to(at, DOWN, buff=0.3)
                style.keep_in_frame(label)
            else:
                slope = float(f.gradient([m.x])[0])
                group.add(Dot(at, radius=0.09, color=style.SECANT))
                label = style.tex(
                    rf"f'({style.fmt(m.x)}) = {style.fmt(slope)}", style.SECANT
                )
                label.next_to(at, DOWN + LEFT, buff=0.15)
            group.add(style.keep_in_frame(label))
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
        to_point = axes.c2p
        runs, window = b.runs, b.window
        rows, results, moving, exits = VGroup(), VGroup(), [], {}
        for i, (t, v) in enumerate(zip(runs, b.verdicts, strict=True)):
            colour = QUARTIC_COLOURS[i % len(QUARTIC_COLOURS)]
            gp = graph_points(t)
            moving += [
                traced_path(to_point, gp, s, colour, box=window, width=2.5),
                moving_dot(to_point, gp, s, colour, box=window, radius=0.12),
            ]
            rows.add(
                VGroup(
                    Dot(radius=0.1, color=colour),
                    style.tex(rf"\eta = {style.fmt(t.lr)}", colour),
                ).arrange(RIGHT, buff=0.25)
            )
            results.add(style.tex(self._result(t, v), style.INK, style.LABEL_SIZE))
            w = windowed(gp, window)
            if w.exited:
                self.record(
                    f"exit[{t.lr:g}]", {"point": w.exit_point, "segment": w.exit_segment}
                )
                start = to_point(*w.exit_point)
                # Screen direction of the leaving segment (x and y scale differently).
                ahead = to_point(*(w.exit_point + 1e-3 * w.exit_direction)) - start
                pointer = arrow(start, start + 0.8 * ahead / np.linalg.norm(ahead), colour)
                note = VGroup(
                    style.tex(r"\text{left the plot}", colour, style.LABEL_SIZE),
                    style.tex(outcome(v), colour, style.LABEL_SIZE),
                ).arrange(DOWN, aligned_edge=RIGHT, buff=0.12)
                note.next_to(start, DOWN + LEFT, buff=0.25)
                style.keep_in_frame(note)
                exits[i] = VGroup(VGroup(pointer, note[0]), note[1])
        # The step counter follows the longest run (the others stop earlier).
        longest = max(runs, key=lambda t: t.n_steps).points
        counter = style.LightInteger(0, font_size=style.TEXT_SIZE)
        style.follow(counter, lambda: cursor(longest, s.get_value()).step)
        entries = VGroup(
            *[VGroup(row, result) for row, result in zip(rows, results, strict=True)]
        )
        for row, result in entries:
            result.next_to(row, DOWN, buff=0.12, aligned_edge=LEFT).shift(0.45 * RIGHT)
        counter_row = VGroup(style.tex("t ="), counter).arrange(RIGHT, buff=0.2)
        below(formula, counter_row, *entries)
        balls = [m for m in moving if isinstance(m, Dot)]
        self.play(FadeIn(counter_row), FadeIn(rows), *[FadeIn(b) for b in balls])
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
    def _result(t: Trajectory, v: landscape.Verdict) -> str:
        """A run's outcome for the legend, with where it got to."""
        if v.status == "diverged":
            return outcome(v) + rf",\ x_1 = {style.fmt(float(t.points[1, 0]))}"
        if v.status == "stopped":
            return rf"\text{{not there after {t.n_steps} steps:}}\ x = " + style.fmt(
                float(t.final[0])
            )
        return outcome(v)

    def _answer_minima(self, f: Objective, axes: Axes, landmarks, legend: VGroup) -> None:
        flats = VGroup()
        for m in landmarks:
            slope = float(f.gradient([m.x])[0])
            flats.add(
                style.line_through(
                    axes,
                    (m.x, m.value),
                    slope,
                    half_width=0.7,
                    color=style.SECANT,
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
                style.tex(
                    rf"x = {style.fmt(m.x)}:\ " + kinds[m.kind],
                    style.GOOD if m.kind == "minimum" else style.SECANT,
                )
                for m in landmarks
            ],
            buff=0.45,
        )
        self.play(Create(flats), FadeIn(answer))
        self.wait(3.5)

    @staticmethod
    def _too_large_caption(b: Balls, diverged: list[int]) -> str:
        if not diverged:
            return "None of these rates is too large for this start."
        t, v = b.runs[diverged[0]], b.verdicts[diverged[0]]
        fate = (
            f"by step {t.diverged_at} the numbers overflow"
            if t.status == "diverged"
            else f"from step {v.step} on it is off the plot, climbing"
        )
        return (
            f"Too large: with η = {style.fmt(t.lr)} the first step throws x to "
            f"{style.fmt(float(t.points[1, 0]))}; {fate}: the run diverges."
        )

    @staticmethod
    def _best_caption(runs: list[Trajectory], best: int | None) -> str:
        if best is None:
            return "None of these rates converges within the step limit."
        parts = []
        for i, t in enumerate(runs):
            if i == best:
                continue
            if t.status == "converged":
                parts.append(f"η = {style.fmt(t.lr)} takes {t.n_steps} steps")
            elif t.status == "max_steps" and t.losses[-1] <= t.losses[0]:
                parts.append(
                    f"η = {style.fmt(t.lr)} is still at x = {style.fmt(float(t.final[0]))} "
                    f"after {t.n_steps} steps"
                )
        return (
            f"Best here: η = {style.fmt(runs[best].lr)}, converged in "
            f"{runs[best].n_steps} steps; " + "; ".join(parts) + "."
        )

    @staticmethod
    def _minima_caption(landmarks) -> str:
        minima = [m for m in landmarks if m.kind == "minimum"]
        parts = []
        for m in minima:
            which = "The only minimum" if len(minima) == 1 else "A minimum"
            value = style.fmt(m.value, 2)
            parts.append(f"{which} is x = {style.fmt(m.x)} (f = {value}).")
        for m in landmarks:
            if m.kind == "flat":
                trend = "falling" if m.slope_signs[0] < 0 else "rising"
                parts.append(
                    f"At x = {style.fmt(m.x)}, f′ = 0 too, but f keeps {trend}: "
                    "not a minimum."
                )
            elif m.kind == "maximum":
                parts.append(f"At x = {style.fmt(m.x)} f has a maximum.")
        return " ".join(parts) if parts else "No point in this window has f′ = 0."
