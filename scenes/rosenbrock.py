"""The Week 1 milestone: gradient descent on Rosenbrock, then five optimizers racing.

Render one scene with plain Manim from the repo root::

    manim render scenes/rosenbrock.py RosenbrockMilestone -ql
    manim render scenes/rosenbrock.py OptimizerRace -ql

A run of 10,000 steps is drawn as ONE path that grows with a progress tracker: each
frame asks :mod:`mathcore.runs` for the corners drawn so far (a few hundred
points spaced along the path, then the exact point of the current step) and which
step that frame shows. Counters read the true step; nothing here is per step, so
the number of mobjects and the cost of a frame do not grow with the run's length.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Axes,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    LogBase,
    ManimColor,
    MathTex,
    Polygon,
    Square,
    Star,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    linear,
)

from mathcore import landscape
from mathcore.fields import ContourLevel, contour_lines, grid, log_levels
from mathcore.functions import Objective
from mathcore.optimize import Trajectory, gd, run
from mathcore.runs import (
    PathSample,
    Timeline,
    at_step,
    clip_polyline,
    log_scale,
    loss_curve,
    sample_path,
    timeline,
    zoom_box,
)
from mathcore.tuning import LrSearch, Outcome, lr_grid, outcome, tune
from scenes import params, style
from scenes.base import LessonScene

# Screen layout (Manim units; the frame is 14.2 × 8): a square map on the left,
# equal scales so the valley's shape is true; text in a column on the right.
MAP_SIDE = 6.3
MAP_CENTRE = np.array([-3.35, -0.05, 0.0])
COLUMN_LEFT = 0.75
COLUMN_TOP = 3.55
COLUMN_WIDTH = 6.1
PATH_WIDTH = 4.0
RACE_WIDTH = 2.5  # five paths share one valley floor: thinner, so more of each shows
INSET_SIDE = 2.5
INSET_GAP = 0.2
# Contour lines fade from the function's colour (the valley floor, where the story
# is) towards the background (the steep walls).
CONTOUR_FADE = 0.65

OPTIMIZER_COLOURS = {
    "GD": style.TANGENT,
    "Momentum": style.SECANT,
    "Nesterov": style.INK,
    "RMSprop": style.CURVE,
    "Adam": style.GOOD,
}


# ----------------------------------------------------------------- drawing helpers


def map_axes(window: style.Window) -> Axes:
    """Invisible axes placing the window on the map square (equal scales)."""
    (x0, x1), (y0, y1) = window
    axes = style.plot_axes(window, MAP_SIDE, MAP_SIDE * (y1 - y0) / (x1 - x0))
    return axes.move_to(MAP_CENTRE)


def map_frame(axes: Axes, view: landscape.View) -> VGroup:
    """A box with the view's ticks on its bottom and left edges, like a Matplotlib
    axes."""
    return style.plot_frame(axes.c2p, view.window, *view.ticks)


def contour_map(axes: Axes, contours: list[ContourLevel], low: ManimColor) -> VGroup:
    """One path per level (its pieces as sub-paths), coloured low → faded high."""
    colours = style.shades(low, style.BACKGROUND, len(contours), CONTOUR_FADE)
    return style.contour_paths(contours, axes.c2p, colours, 1.6, joined=True)


def growing_path(
    axes: Axes,
    sample: PathSample,
    step: Callable[[], int],
    colour: ManimColor,
    width: float = PATH_WIDTH,
) -> VMobject:
    """ONE path showing ``sample`` up to ``step()``, redrawn in place every frame."""
    path = VMobject(stroke_color=colour, stroke_width=width)

    def redraw(m: VMobject) -> None:
        m.set_points_as_corners(axes.c2p(sample.corners(step())))

    redraw(path)
    path.add_updater(redraw)
    return path


def follower(
    axes: Axes,
    sample: PathSample,
    step: Callable[[], int],
    colour: ManimColor,
    radius: float = 0.07,
) -> Dot:
    """A dot at the exact point of ``step()``."""
    dot = Dot(axes.c2p(sample.point(step())), radius=radius, color=colour)
    dot.set_stroke(style.BACKGROUND, width=1.5)
    dot.add_updater(lambda m: m.move_to(axes.c2p(sample.point(step()))))
    return dot


def marker(point: np.ndarray, colour: ManimColor, radius: float = 0.12) -> Dot:
    """A start or end marker: a filled dot with a light rim, as the notebook's."""
    return Dot(
        point, radius=radius, color=colour, stroke_color=style.INK, stroke_width=2
    ).set_z_index(2)


def minimum_star(point: np.ndarray, colour: ManimColor) -> Star:
    """:func:`style.minimum_star`, larger, above the paths and markers."""
    star = style.minimum_star(point, colour, radius=0.2, stroke_width=1.5)
    return star.set_z_index(3)


def stepper(tracker: ValueTracker, clock: Timeline) -> Callable[[], int]:
    """The step a frame shows: the progress tracker read through the timeline."""
    return lambda: clock.step_at(tracker.get_value())


class SciReadout(VGroup):
    """A live number as m × 10^e: a DecimalNumber mantissa and an Integer exponent.

    Losses in a race span 16 orders of magnitude; a fixed number of decimals would
    show most of them as 0. Both parts are updated in place, never re-typeset.
    """

    def __init__(self, value: float, colour: ManimColor, size: int = style.TEXT_SIZE):
        mantissa, exponent = style.scientific(value)
        self.mantissa = style.LightDecimal(
            mantissa, num_decimal_places=2, font_size=size, color=colour
        )
        self.times = MathTex(r"\times 10", font_size=size, color=colour)
        self.exponent = style.LightInteger(exponent, font_size=0.7 * size, color=colour)
        super().__init__(self.mantissa, self.times, self.exponent)
        self._place()

    def _place(self) -> None:
        # Digits differ in width ("1" is narrow): re-seat the tail after every change.
        self.times.next_to(self.mantissa, RIGHT, buff=0.1)
        self.exponent.next_to(self.times, RIGHT, buff=0.05)
        self.exponent.align_to(self.times, UP).shift(0.12 * UP)

    def show(self, value: float) -> None:
        mantissa, exponent = style.scientific(value)
        style.show(self.mantissa, mantissa)
        style.show(self.exponent, exponent)
        self._place()


# ------------------------------------------------------------------ the milestone


@dataclass(frozen=True)
class Survey:
    """What a map of the milestone or the race shows, from mathcore: f, the runs
    (one per optimizer; the milestone's is ``"GD"``), the map framed around them
    (window, ticks, minima), each run's verdict, the contour levels and, for the
    race, each optimizer's learning-rate search."""

    f: Objective
    runs: dict[str, Trajectory]
    view: landscape.View
    verdicts: dict[str, landscape.Verdict]
    levels: np.ndarray
    searches: dict[str, LrSearch] | None = None


def race_searches(f: Objective, p: OptimizerRaceParams) -> dict[str, LrSearch]:
    """Each optimizer's learning-rate search on ``p``'s grid; ParamError naming the
    parameter when an optimizer is unknown, the grid is not one, or every rate of
    the grid diverges for an optimizer."""
    unknown = [name for name in p.optimizers if name not in OPTIMIZER_COLOURS]
    if unknown or not p.optimizers:
        raise params.ParamError(
            "optimizers",
            f"choose among {', '.join(OPTIMIZER_COLOURS)}, got {list(p.optimizers)}",
        )
    params.within("lrs_per_decade", p.lrs_per_decade, 1, 20)
    try:
        lrs = lr_grid(*p.lr_range, p.lrs_per_decade)
    except ValueError as err:
        raise params.ParamError("lr_range", str(err)) from None
    searches = {}
    for name in p.optimizers:
        try:
            searches |= tune(f, p.x0, [name], lrs, p.steps, p.tol)
        except ValueError as err:  # every run of this optimizer diverged
            why = str(err).removeprefix("lrs: ")
            raise params.ParamError("lr_range", f"{name}: {why}") from None
    return searches


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def survey(p: RosenbrockMilestoneParams | OptimizerRaceParams) -> Survey:
    """Run ``p``'s runs and frame the map around them: ``p.window`` grown (square,
    on nice numbers) to hold the start and every run that does not run away, with
    its minima (:func:`mathcore.landscape.view`). The levels are the notebook's log
    levels ``p.levels`` while most of them fall inside f's range there, otherwise
    levels that fit f (:func:`mathcore.landscape.contour_levels`).

    ParamError when f cannot be shown there (not finite, no minimum to reach, below
    0 where the log-scale losses need it above), and when a run diverges or runs off
    the map: the milestone names ``lr``, the race ``lr_range`` (its rates come from
    that grid), since neither scene can show such a run.
    """
    f = params.objective(p.function, 2)
    params.within("steps", p.steps, 1, params.MAX_STEPS)
    params.window("window", p.window, 2)
    searches = None
    if isinstance(p, OptimizerRaceParams):
        searches = race_searches(f, p)
        runs = {name: s.best_run for name, s in searches.items()}
    else:
        params.within("lr", p.lr, 0.0, math.inf, low_open=True)
        runs = {"GD": run(f, p.x0, gd(p.lr), p.steps, p.tol)}
    shown = np.concatenate([landscape.shown_points(t) for t in runs.values()])
    with params.refused():
        view = landscape.view(f, shown, p.window, need_minimum=False)
        levels = log_levels(*p.levels)
        _, z = landscape.sample(f, view.window)
        if np.count_nonzero((levels > z.min()) & (levels < z.max())) < len(levels) / 2:
            levels = landscape.contour_levels(f, view.window, int(p.levels[2])).values
    verdicts = {
        name: landscape.verdict(t, view.window, view.minima) for name, t in runs.items()
    }
    for name, v in verdicts.items():
        if v.status != "diverged":
            continue
        if searches is None:
            raise params.ParamError(
                "lr",
                f"with η = {p.lr:g} the run diverges at step {v.step}: "
                "try a smaller learning rate",
            )
        raise params.ParamError(
            "lr_range",
            f"{name}'s best rate on the grid, {searches[name].best_lr:g}, diverges at "
            f"step {v.step}: a race cannot show it; try smaller learning rates",
        )
    if not view.minima:  # after the runs: one that ran off explains an empty window
        shown = ", ".join(f"[{lo:g}, {hi:g}]" for lo, hi in view.window)
        raise params.ParamError(
            "function", f"f has no minimum in the window {shown} to descend to"
        )
    losses = [t.losses for t in runs.values()]
    params.log_plottable(
        losses + [s.final_losses[s.kept] for s in (searches or {}).values()]
    )
    return Survey(f, runs, view, verdicts, levels, searches)


@dataclass(frozen=True)
class RosenbrockMilestoneParams:
    """The notebook's milestone: GD from (−1, 1), lr 0.001, 10,000 steps."""

    function: str = "rosenbrock"
    """The function to descend: a catalogue name or a formula in x and y."""
    x0: tuple[float, float] = (-1.0, 1.0)
    """Where the run starts."""
    lr: float = 0.001
    """The learning rate η."""
    steps: int = 10_000
    """The most updates the run takes."""
    tol: float = 1e-8
    """The run stops once ‖∇f‖ is below this."""
    window: landscape.Window = ((-2.0, 2.0), (-1.0, 3.0))
    """The least the map shows (the notebook's axes); grown to hold the start, the
    run and the minimum it reaches."""
    contour_samples: int = 200
    """Grid points per side the contour lines are traced on (the notebook's 200)."""
    levels: tuple[float, float, int] = (0.1, 1000.0, 20)
    """Contour levels (lowest, highest, how many), evenly spaced on a log scale (the
    notebook's np.logspace(-1, 3, 20)); levels that fit f when most miss its range."""
    path_arc_points: int = 600
    """Points of the drawn path spaced evenly along its length."""
    path_step_points: int = 100
    """Points of the drawn path at its first steps, where each step still shows."""
    loss_points: int = 300
    """Points the loss curve is drawn with."""
    loss_tick_steps: int = 5000
    """Steps between the ticks of the loss curve's step axis."""
    zoom_margin: float = 0.5
    """The inset around the end and the minimum: this fraction of their gap on
    every side."""
    zoom_levels: tuple[float, float, int] = (1e-6, 1e-2, 9)
    """The inset's contour levels (lowest, highest, how many), log-spaced."""
    zoom_samples: int = 120
    """Grid points per side the inset's contour lines are traced on."""
    arc_weight: float = 0.5
    """How screen time is shared: this part by distance travelled, the rest by steps."""
    descent_seconds: float = 12.0
    """Seconds the run takes on screen."""
    loss_seconds: float = 6.0
    """Seconds the loss curve takes to draw."""

    def check(self) -> None:
        """Refuse a function, start or rate the scene cannot show (see :func:`survey`)."""
        survey(self)


def loss_digits(value: float) -> str:
    """A loss with the notebook's six decimals, or scientific when that would
    show only zeros or too many digits."""
    if value == 0 or 1e-6 <= abs(value) < 1e5:
        return f"{value:.6f}"
    return style.sci(value)


class RosenbrockMilestone(LessonScene):
    """Gradient descent crawls along Rosenbrock's valley; its loss; how close it got."""

    Params = RosenbrockMilestoneParams

    def construct(self) -> None:
        p: RosenbrockMilestoneParams = self.params
        sv = survey(p)
        f, view = sv.f, sv.view
        traj = sv.runs["GD"]
        result = outcome(traj, [m.point for m in view.minima])
        sample = sample_path(traj.points, p.path_arc_points, p.path_step_points)
        clock = timeline([traj.points], traj.n_steps, p.arc_weight)
        levels = sv.levels
        self.record("levels", levels)
        self.record("start", {"point": traj.points[0], "loss": traj.losses[0]})
        self.record("window", view.window)
        self.record("minima", [m.point for m in view.minima])
        self.record("minimum", result.minimum)
        self.record("path.drawn_points", len(sample.indices))

        axes = map_axes(view.window)
        contours = contour_map(
            axes,
            contour_lines(f, grid(view.window, p.contour_samples), levels),
            style.CURVE,
        )
        start = marker(axes.c2p(traj.points[0]), style.GOOD)
        star = minimum_star(axes.c2p(result.minimum), style.POINT)

        self.step("The function", self._intro_caption(f, view.minima))
        formula = style.tex(f.latex, style.CURVE)
        key = VGroup(
            VGroup(marker(ORIGIN, style.GOOD), style.tex(r"\text{start}")).arrange(RIGHT),
            VGroup(minimum_star(ORIGIN, style.POINT), style.tex(r"\text{minimum}")).arrange(
                RIGHT
            ),
        ).arrange(RIGHT, buff=0.6)
        header = style.column(
            formula, key, left=COLUMN_LEFT, top=COLUMN_TOP, width=COLUMN_WIDTH
        )
        self.play(FadeIn(map_frame(axes, view)), Write(formula), run_time=1)
        self.play(Create(contours, lag_ratio=0.1), run_time=2)
        self.play(FadeIn(start, scale=1.5), FadeIn(star, scale=1.5), FadeIn(key))
        self.wait(0.5)

        self.step(
            "Gradient descent",
            f"{p.steps:,} small steps of size {p.lr:g}, downhill every time.",
            duration=p.descent_seconds,
        )
        self._descend(p, axes, sample, clock, traj.losses, header)
        end = marker(axes.c2p(result.final_point), style.TANGENT)
        self.record("end", {"point": result.final_point, "loss": result.final_loss})
        self.play(FadeIn(end, scale=1.5))
        self.wait(1)

        self.step(
            "The loss curve",
            "On a log scale the loss keeps falling, slower and slower along the floor.",
            duration=p.loss_seconds,
        )
        self._loss_curve(p, axes, sample, clock, traj.losses, header)

        self.step(
            "Milestone",
            self._milestone_caption(result),
        )
        self.record("milestone", result.__dict__)
        self.play(FadeOut(self.column_parts))
        inset = self._inset(p, f, axes, view.window, traj.points, result)
        self.play(FadeIn(inset), run_time=1)
        lines = VGroup(
            style.tex(rf"\text{{after {result.n_steps:,} steps, lr}} = {p.lr:g}"),
            style.tex(
                rf"\text{{final point}} \; ({style.fmt(result.final_point[0], 6)},\,"
                rf"{style.fmt(result.final_point[1], 6)})",
                style.TANGENT,
            ),
            style.tex(
                rf"\text{{final loss}} \; {loss_digits(result.final_loss)}", style.TANGENT
            ),
            style.tex(
                rf"\text{{distance to }} ({style.fmt(result.minimum[0])},\,"
                rf"{style.fmt(result.minimum[1])}) \; {result.distance:.6f}",
                style.POINT,
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        lines.next_to(header, DOWN, buff=0.8, aligned_edge=LEFT)
        for line in lines:
            self.play(FadeIn(line, shift=0.2 * RIGHT), run_time=0.6)
        self.wait(2)

    @staticmethod
    def _intro_caption(f: Objective, minima) -> str:
        if len(minima) == 1:
            where = style.point_text(minima[0].point)
            return f"Its minimum is at {where}: gradient descent sets off to find it."
        return (
            f"This function has {len(minima)} minima in view: "
            "gradient descent will find one of them."
        )

    @staticmethod
    def _milestone_caption(result: Outcome) -> str:
        where = style.point_text(result.minimum)
        if result.status == "converged":
            return f"After {result.n_steps:,} steps: at the minimum {where}."
        return (
            f"After {result.n_steps:,} steps: {style.fmt(result.distance)} from {where}, "
            "not there yet."
        )

    def _inset(
        self,
        p: RosenbrockMilestoneParams,
        f: Objective,
        axes: Axes,
        window: style.Window,
        points: np.ndarray,
        result: Outcome,
    ) -> VGroup:
        """A magnified square around the end and the minimum, in the map's empty corner.

        At the map's scale the gap between them is a few pixels; the inset shows the
        path's last stretch, the fine contours of the valley floor and the gap.
        """
        box = zoom_box([result.final_point, result.minimum], p.zoom_margin)
        zoom = Axes(
            x_range=box[0], y_range=box[1], x_length=INSET_SIDE, y_length=INSET_SIDE
        )
        corner = axes.c2p(window[0][0], window[1][1])
        zoom.move_to(corner + INSET_GAP * (RIGHT + DOWN), aligned_edge=UP + LEFT)
        background = Square(
            INSET_SIDE,
            fill_color=style.BACKGROUND,
            fill_opacity=1,
            stroke_color=style.MUTED,
        ).move_to(zoom)
        floor = contour_map(
            zoom,
            contour_lines(f, grid(box, p.zoom_samples), log_levels(*p.zoom_levels)),
            style.CURVE,
        )
        tail = VMobject(stroke_color=style.TANGENT, stroke_width=PATH_WIDTH)
        tail.set_points_as_corners(zoom.c2p(clip_polyline(points, box)[-1]))
        end, star = zoom.c2p(result.final_point), zoom.c2p(result.minimum)
        gap = DashedLine(end, star, color=style.POINT, stroke_width=3)
        (x0, x1), (y0, y1) = box
        spot = [axes.c2p(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
        # Matplotlib's indicate_inset_zoom: the magnified spot joined to the inset.
        connectors = VGroup(
            Line(spot[3], background.get_corner(DOWN + LEFT)),
            Line(spot[2], background.get_corner(DOWN + RIGHT)),
        ).set_stroke(style.MUTED, 1.5)
        inset = VGroup(
            connectors,
            Polygon(*spot, stroke_color=style.INK, stroke_width=1.5),
            background,
            floor,
            tail,
            gap,
            marker(end, style.TANGENT),
            minimum_star(star, style.POINT),
        )
        return inset.set_z_index(4)

    def _descend(
        self,
        p: RosenbrockMilestoneParams,
        axes: Axes,
        sample: PathSample,
        clock: Timeline,
        losses: np.ndarray,
        header: VGroup,
    ) -> None:
        progress = ValueTracker(0.0)
        step = stepper(progress, clock)
        path = growing_path(axes, sample, step, style.TANGENT)
        head = follower(axes, sample, step, style.TANGENT)
        counter = style.LightInteger(0, font_size=style.TEXT_SIZE)
        loss = style.LightDecimal(
            losses[0], num_decimal_places=6, font_size=style.TEXT_SIZE
        )
        readout = VGroup(
            style.tex(rf"\text{{lr}} = {p.lr:g}"),
            VGroup(style.tex(r"\text{step}"), counter).arrange(RIGHT, buff=0.25),
            VGroup(style.tex(r"f(x, y) ="), loss).arrange(RIGHT, buff=0.25),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        readout.next_to(header, DOWN, buff=0.8, aligned_edge=LEFT)
        self.add(path)
        self.play(FadeIn(readout), FadeIn(head))
        # Updaters start after the fade: a number changing its width while fading in
        # would change the mobject's family mid-animation.
        style.follow(counter, step)
        style.follow(loss, lambda: at_step(losses, step()))
        self.play(
            progress.animate.set_value(1.0), run_time=p.descent_seconds, rate_func=linear
        )
        for m in (path, head, counter, loss):
            m.clear_updaters()
        self.remove(head)
        self.column_parts = readout

    def _loss_curve(
        self,
        p: RosenbrockMilestoneParams,
        axes: Axes,
        sample: PathSample,
        clock: Timeline,
        losses: np.ndarray,
        header: VGroup,
    ) -> None:
        curve = loss_curve(losses, p.loss_points)
        scale = log_scale([losses], margin=0, step=1)
        low, high = scale.low_exp, scale.high_exp
        self.record("loss_curve.decades", [low, high])
        self.record("loss_curve.points", len(curve.indices))
        plot = Axes(
            x_range=[0, clock.steps, p.loss_tick_steps],
            y_range=[low, high, 1],
            x_length=4.6,
            y_length=3.6,
            tips=False,
            axis_config={"color": style.MUTED, "font_size": style.LABEL_SIZE},
            x_axis_config={"numbers_to_exclude": []},
            y_axis_config={"scaling": LogBase(custom_labels=True)},
        )
        # Manim's Axes leave the origin's label out; step 0 deserves one.
        plot.add_coordinates([plot.x_axis.x_min, *plot.x_axis.get_tick_range()], None)
        names = VGroup(
            style.tex(r"\text{step}", style.MUTED, style.LABEL_SIZE).next_to(
                plot.x_axis, DOWN, buff=0.55
            ),
            style.tex(r"\text{loss (log scale)}", style.MUTED, style.LABEL_SIZE).next_to(
                plot, UP, buff=0.2, aligned_edge=LEFT
            ),
        )
        block = VGroup(plot, names)
        block.next_to(header, DOWN, buff=0.6).align_to([COLUMN_LEFT, 0, 0], LEFT)
        progress = ValueTracker(0.0)
        step = stepper(progress, clock)
        line = VMobject(stroke_color=style.TANGENT, stroke_width=PATH_WIDTH)
        line.add_updater(lambda m: m.set_points_as_corners(plot.c2p(curve.corners(step()))))
        line.update()
        # The same step on the map: the dot shows where in the valley each loss is.
        tracer = follower(axes, sample, step, style.INK)
        tip = follower_on(plot, curve, step)
        self.play(FadeOut(self.column_parts), FadeIn(block))
        self.add(line, tracer, tip)
        self.play(
            progress.animate.set_value(1.0), run_time=p.loss_seconds, rate_func=linear
        )
        for m in (line, tracer, tip):
            m.clear_updaters()
        self.remove(tracer, tip)
        self.wait(1)
        self.column_parts = VGroup(block, line)


def follower_on(plot: Axes, curve: PathSample, step: Callable[[], int]) -> Dot:
    """A dot at the tip of a growing curve drawn on ``plot``."""
    dot = Dot(plot.c2p(curve.point(step())), radius=0.06, color=style.INK)
    dot.add_updater(lambda m: m.move_to(plot.c2p(curve.point(step()))))
    return dot


# ------------------------------------------------------------------------ the race


@dataclass(frozen=True)
class OptimizerRaceParams:
    """Five optimizers on Rosenbrock from (−1, 1), each at its best lr from one grid."""

    function: str = "rosenbrock"
    """The function to descend: a catalogue name or a formula in x and y."""
    x0: tuple[float, float] = (-1.0, 1.0)
    """Where every run starts."""
    optimizers: tuple[str, ...] = ("GD", "Momentum", "Nesterov", "RMSprop", "Adam")
    """The optimizers that race, the first drawn on top (of GD, Momentum, Nesterov,
    RMSprop, Adam)."""
    steps: int = 2000
    """The most updates each run takes, in the race and in the tuning."""
    tol: float = 1e-8
    """A run stops once ‖∇f‖ is below this."""
    lr_range: tuple[float, float] = (1e-5, 1.0)
    """The smallest and largest learning rate tried for each optimizer."""
    lrs_per_decade: int = 4
    """Learning rates tried per power of ten (log-spaced); each optimizer races
    with its best."""
    window: landscape.Window = ((-2.0, 2.0), (-1.0, 3.0))
    """The least the map shows (the notebook's axes); grown to hold the start, the
    runs and the minima they reach."""
    contour_samples: int = 200
    """Grid points per side the contour lines are traced on (the notebook's 200)."""
    levels: tuple[float, float, int] = (0.1, 1000.0, 20)
    """Contour levels (lowest, highest, how many), evenly spaced on a log scale (the
    notebook's np.logspace(-1, 3, 20)); levels that fit f when most miss its range."""
    path_arc_points: int = 400
    """Points of each drawn path spaced evenly along its length."""
    path_step_points: int = 60
    """Points of each drawn path at its first steps, where each step still shows."""
    arc_weight: float = 0.5
    """How screen time is shared: this part by distance travelled, the rest by steps."""
    race_seconds: float = 12.0
    """Seconds the race takes on screen."""
    loss_tick_decades: int = 3
    """Powers of ten between the ticks of the tuning plot's loss axis."""

    def check(self) -> None:
        """Refuse a function, start or learning-rate grid the scene cannot show (an
        optimizer whose best run still diverges: see :func:`survey`)."""
        survey(self)


class OptimizerRace(LessonScene):
    """GD, momentum, Nesterov, RMSprop and Adam race down the valley; then, why so."""

    Params = OptimizerRaceParams

    def construct(self) -> None:
        p: OptimizerRaceParams = self.params
        sv = survey(p)
        f, view, searches, runs = sv.f, sv.view, sv.searches, sv.runs
        lrs = lr_grid(*p.lr_range, p.lrs_per_decade)
        self.record("window", view.window)
        self.record("minima", [m.point for m in view.minima])
        self.record("lrs", lrs)
        self.record("tuning", {name: s.rows() for name, s in searches.items()})
        self.record("chosen_lr", {name: s.best_lr for name, s in searches.items()})
        samples = {
            name: sample_path(r.points, p.path_arc_points, p.path_step_points)
            for name, r in runs.items()
        }
        clock = timeline([r.points for r in runs.values()], p.steps, p.arc_weight)
        colours = {name: OPTIMIZER_COLOURS[name] for name in p.optimizers}

        axes = map_axes(view.window)
        frame = map_frame(axes, view)
        contours = contour_map(
            axes,
            contour_lines(f, grid(view.window, p.contour_samples), sv.levels),
            style.MUTED,
        )
        # The start as a ring and the minimum as a star: shapes, since the five
        # colours belong to the optimizers.
        start = marker(axes.c2p(np.asarray(p.x0)), style.BACKGROUND, radius=0.1)
        star = VGroup(*[minimum_star(axes.c2p(m.point), style.POINT) for m in view.minima])
        table = _Legend(searches, colours, runs)

        self.step(
            "Five optimizers",
            f"Same start, same {p.steps:,} steps; each optimizer gets its best "
            f"learning rate from the same grid of {len(lrs)}.",
            duration=4,
        )
        self.play(FadeIn(frame), Create(contours, lag_ratio=0.1), run_time=1.5)
        _, low_exponent = style.scientific(lrs[0], 0)
        rule = VGroup(
            style.tex(
                rf"\text{{best of {len(lrs)} lrs from }} 10^{{{low_exponent}}}"
                rf"\text{{ to }} {style.fmt(lrs[-1])}\text{{:}}",
                style.MUTED,
            ),
            style.tex(r"\text{fewest steps to converge, else lowest loss}", style.MUTED),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        rule.next_to(table.group, DOWN, buff=0.45, aligned_edge=LEFT)
        self.play(FadeIn(start), FadeIn(star), FadeIn(table.group), FadeIn(rule))
        self.wait(1)

        self.step(
            "The race",
            "Step by step, side by side: where each one is, and its loss.",
            duration=p.race_seconds,
        )
        progress = ValueTracker(0.0)
        step = stepper(progress, clock)
        # The first optimizer listed (GD, the slowest) is drawn on top.
        paths = VGroup(
            *[
                growing_path(axes, samples[n], step, colours[n], RACE_WIDTH)
                for n in p.optimizers[::-1]
            ]
        )
        heads = VGroup(
            *[follower(axes, samples[n], step, colours[n], 0.1) for n in p.optimizers[::-1]]
        )
        self.add(paths)
        self.play(FadeIn(heads), FadeIn(table.counter_row))
        style.follow(table.counter, step)
        for name, readout in table.losses.items():
            losses = runs[name].losses
            readout.add_updater(lambda m, losses=losses: m.show(at_step(losses, step())))
        self.play(
            progress.animate.set_value(1.0), run_time=p.race_seconds, rate_func=linear
        )
        for m in [*paths, *heads, table.counter, *table.losses.values()]:
            m.clear_updaters()
        self.record("final_loss", {name: float(r.losses[-1]) for name, r in runs.items()})
        self.record("status", {name: r.status for name, r in runs.items()})
        self.record("n_steps", {name: r.n_steps for name, r in runs.items()})
        self.wait(1.5)

        self.step(
            "It depends on tuning",
            "Change the learning rates, the budget or the start, and the order can change.",
            duration=5,
        )
        self.play(FadeOut(VGroup(frame, contours, paths, heads, start, star)))
        plot = _TuningPlot(p, searches, colours)
        note = VGroup(
            style.tex(r"\text{What the race shows depends}", style.POINT),
            style.tex(r"\text{on tuning (and on the start point).}", style.POINT),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        note.next_to(rule, DOWN, buff=0.45, aligned_edge=LEFT)
        self.play(FadeIn(plot.group))
        self.play(*[Create(c) for c in plot.curves], run_time=2)
        self.play(FadeIn(plot.chosen), Write(note))
        self.wait(2)


class _Legend:
    """Name, tuned lr and live loss per optimizer, with the shared step counter."""

    def __init__(
        self,
        searches: dict[str, LrSearch],
        colours: dict[str, ManimColor],
        runs: dict[str, Trajectory],
    ) -> None:
        header = [
            style.tex(r"\text{optimizer}", style.MUTED),
            style.tex(r"\text{best lr}", style.MUTED),
            style.tex(r"\text{loss}", style.MUTED),
        ]
        rows, self.losses = [], {}
        for name, search in searches.items():
            label = style.tex(rf"\text{{{name}}}", colours[name])
            readout = SciReadout(float(runs[name].losses[0]), colours[name])
            self.losses[name] = readout
            rows.append(
                [label, style.tex(style.fmt(search.best_lr, 5), colours[name]), readout]
            )
        # Fixed columns: each cell left-aligned at its column's x, rows 0.62 apart.
        lefts = [0.0, 2.35, 3.85]
        grid_rows = [header, *rows]
        for i, row in enumerate(grid_rows):
            for x, cell in zip(lefts, row, strict=True):
                cell.move_to([x, -0.62 * i, 0], aligned_edge=LEFT)
        self.group = VGroup(*[c for row in grid_rows for c in row])
        self.group.move_to([COLUMN_LEFT, COLUMN_TOP - 0.95, 0], aligned_edge=UP + LEFT)
        first = next(iter(searches.values()))
        # Laid out at its widest value, then reset: the number keeps its left edge
        # as it grows, so the text after it never moves or overlaps.
        self.counter = style.LightInteger(first.steps, font_size=style.TEXT_SIZE)
        self.counter_row = VGroup(
            style.tex(r"\text{step}"),
            self.counter,
            style.tex(rf"\text{{of {first.steps:,}}}", style.MUTED),
        ).arrange(RIGHT, buff=0.25)
        self.counter.set_value(0)
        self.counter_row.move_to([COLUMN_LEFT, COLUMN_TOP, 0], aligned_edge=UP + LEFT)


class _TuningPlot:
    """Final loss against learning rate for every optimizer; the chosen lr marked."""

    def __init__(
        self,
        p: OptimizerRaceParams,
        searches: dict[str, LrSearch],
        colours: dict[str, ManimColor],
    ) -> None:
        tick = p.loss_tick_decades
        kept = [s.final_losses[s.kept] for s in searches.values()]
        losses = log_scale(kept, margin=0, step=tick)
        lrs = log_scale([p.lr_range], margin=0, step=1)
        low, high, lo_lr, hi_lr = losses.low_exp, losses.high_exp, lrs.low_exp, lrs.high_exp
        self.axes = Axes(
            x_range=[lo_lr, hi_lr, 1],
            y_range=[low, high, tick],
            x_length=MAP_SIDE - 0.4,
            y_length=MAP_SIDE - 0.9,
            tips=False,
            axis_config={"color": style.MUTED, "font_size": style.LABEL_SIZE},
            x_axis_config={"scaling": LogBase(custom_labels=True)},
            y_axis_config={"scaling": LogBase(custom_labels=True)},
        ).add_coordinates()
        self.axes.move_to(MAP_CENTRE + 0.35 * RIGHT + 0.1 * UP)
        names = VGroup(
            style.tex(r"\text{learning rate}", style.MUTED, style.LABEL_SIZE).next_to(
                self.axes.x_axis, DOWN, buff=0.55
            ),
            style.tex(
                rf"\text{{loss after {p.steps:,} steps (diverged: left out)}}",
                style.MUTED,
                style.LABEL_SIZE,
            ).next_to(self.axes, UP, buff=0.2, aligned_edge=LEFT),
        )
        self.group = VGroup(self.axes, names)
        self.curves, self.chosen = VGroup(), VGroup()
        for name, s in searches.items():
            self.curves.add(
                self.axes.plot_line_graph(
                    s.lrs[s.kept],
                    s.final_losses[s.kept],
                    line_color=colours[name],
                    add_vertex_dots=True,
                    vertex_dot_radius=0.04,
                    vertex_dot_style={"color": colours[name]},
                    stroke_width=3,
                )
            )
            self.chosen.add(
                marker(self.axes.c2p(s.best_lr, s.best_loss), colours[name], radius=0.11)
            )


__all__ = [
    "OptimizerRace",
    "OptimizerRaceParams",
    "RosenbrockMilestone",
    "RosenbrockMilestoneParams",
]
