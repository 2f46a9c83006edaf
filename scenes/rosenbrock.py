"""The Week 1 milestone: gradient descent on Rosenbrock, 10,000 steps.

Render it with plain Manim from the repo root::

    manim render scenes/rosenbrock.py RosenbrockMilestone -ql

A run of 10,000 steps is drawn as ONE path that grows with a progress tracker
(:func:`scenes.kit.paths.growing_path`): each frame asks :mod:`mathcore.runs` for
the corners drawn so far and which step that frame shows. Counters read the true
step; the cost of a frame does not grow with the run's length.
"""

from __future__ import annotations

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
    FadeIn,
    FadeOut,
    Line,
    LogBase,
    Polygon,
    Square,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    linear,
)

from lesson.words import spoken
from mathcore import landscape
from mathcore.clipping import clip_polyline
from mathcore.fields import contour_lines, grid, log_levels
from mathcore.logaxis import LogScale, log_scale, loss_curve
from mathcore.runs import PathSample, Timeline, at_step, sample_path, timeline
from mathcore.trend import loss_trend
from mathcore.tuning import Outcome, outcome
from mathcore.windows import clear_corner, inset_box, zoom_box
from scenes.base import LessonScene
from scenes.kit import explore, look, numbers, plots, text
from scenes.kit.paths import (
    MARKER_RADIUS,
    PATH_WIDTH,
    follower,
    follower_on,
    growing_path,
    live_on_top,
    marker,
    stepper,
)
from scenes.kit.text import COLUMN_LEFT
from scenes.plans import RunMap
from scenes.rosenbrock_plan import (
    INSET_FROM,
    RosenbrockMilestoneParams,
    descent_caption,
    intro_caption,
    loss_caption,
    loss_digits,
    milestone,
    milestone_caption,
    milestone_draws,
)

INSET_SIDE = 2.5
INSET_GAP = 0.2


def inset_axes(
    axes: Axes,
    view: landscape.View,
    box: plots.Window,
    points: np.ndarray,
    result: Outcome,
) -> tuple[Axes, bool]:
    """Axes of the inset magnifying ``box``, in the corner of the map that covers no
    marker (start, end, minima, the magnified spot) and the least of the path
    (:func:`mathcore.windows.clear_corner`); and whether that corner is an upper one."""
    (x0, x1), (y0, _) = view.window
    unit = (x1 - x0) / (axes.c2p(x1, y0)[0] - axes.c2p(x0, y0)[0])  # data per scene unit
    spot = [[x, y] for x in box[0] for y in box[1]]
    markers = [points[0], result.final_point, *[m.point for m in view.minima], *spot]
    side, gap = INSET_SIDE * unit, INSET_GAP * unit
    corner = clear_corner(view.window, side, gap, markers, points)
    (a0, a1), (b0, b1) = inset_box(view.window, side, gap, corner)
    zoom = Axes(x_range=box[0], y_range=box[1], x_length=INSET_SIDE, y_length=INSET_SIDE)
    return zoom.move_to(axes.c2p((a0 + a1) / 2, (b0 + b1) / 2)), "upper" in corner


class RosenbrockMilestone(LessonScene):
    """Gradient descent crawls along Rosenbrock's valley; its loss; how close it got."""

    Params = RosenbrockMilestoneParams

    def construct(self) -> None:
        p: RosenbrockMilestoneParams = self.params
        sv = milestone(p)
        traj = sv.runs["GD"]
        result = outcome(traj, [m.point for m in sv.view.minima])
        sample = sample_path(traj.points, p.path_arc_points, p.path_step_points)
        clock = timeline([traj.points], traj.n_steps, p.arc_weight)
        self._record_run(sv, result, len(sample.indices))
        axes = plots.map_axes(sv.view.window)

        intro = intro_caption(sv.f, sv.view.minima)
        self.step(
            "The function",
            intro,
            say=f"{spoken.objective(sv.f)}. {intro}",
            draws=f"The contour map of f over {numbers.window_text(sv.view.window)}, with "
            f"the start {numbers.point_text(traj.points[0])} as a green dot and the "
            f"minimum {numbers.point_text(result.minimum)} as a star. Beside: the "
            "formula of f and a key.",
        )
        header = self._show_function(p, sv, axes, result)

        trend = loss_trend(traj.losses)
        self.step(
            "Gradient descent",
            descent_caption(trend, p.lr),
            duration=p.descent_seconds,
            facts=trend,
            draws="The path grows step by step from the start, with counters of the step "
            f"and the loss. After {result.n_steps:,} steps it stops at "
            f"{numbers.point_text(result.final_point)}.",
        )
        self._offer_explore(p, sv, axes)
        self._descend(p, axes, sample, clock, traj.losses, header, result)

        self.step(
            "The loss curve",
            loss_caption(trend),
            duration=p.loss_seconds,
            facts=trend,
            draws="Beside the map, the loss is plotted against the step on a log scale, "
            "while a dot retraces the path.",
        )
        self._loss_curve(p, axes, sample, clock, traj.losses, header)

        self.step("Milestone", milestone_caption(result), draws=milestone_draws(p, result))
        self._milestone(p, sv, axes, result, header)

    def _offer_explore(self, p: RosenbrockMilestoneParams, sv: RunMap, axes: Axes) -> None:
        """The run, offered on this step for the viewer to explore
        (:func:`scenes.kit.explore.explorable`)."""
        racer = explore.Racer("GD", p.lr, look.TANGENT)
        spec = explore.explorable(
            axes,
            sv.view.window,
            p.function,
            p.x0,
            p.steps,
            p.tol,
            [racer],
            look.GOOD,
            MARKER_RADIUS,
            start_rim=True,
        )
        explore.offer(self, spec)

    def _record_run(self, sv: RunMap, result: Outcome, drawn_points: int) -> None:
        traj = sv.runs["GD"]
        self.record("levels", sv.levels)
        self.record("start", {"point": traj.points[0], "loss": traj.losses[0]})
        self.record("window", sv.view.window)
        self.record("minima", [m.point for m in sv.view.minima])
        self.record("minimum", result.minimum)
        self.record("path.drawn_points", drawn_points)

    def _show_function(
        self, p: RosenbrockMilestoneParams, sv: RunMap, axes: Axes, result: Outcome
    ) -> VGroup:
        """The formula, the contour map, the start and the minimum; returns the
        column's header (the formula and the key to the markers)."""
        view = sv.view
        lines = contour_lines(sv.f, grid(view.window, p.contour_samples), sv.levels)
        contours = plots.contour_map(lines, axes.c2p, look.CURVE, plots.faded(look.CURVE))
        start = marker(axes.c2p(sv.runs["GD"].points[0]), look.GOOD)
        star = plots.top_star(axes.c2p(result.minimum), look.POINT)
        formula = text.tex(sv.f.latex, colour=look.CURVE)
        key = VGroup(
            VGroup(marker(ORIGIN, look.GOOD), text.tex(r"\text{start}")).arrange(RIGHT),
            VGroup(plots.top_star(ORIGIN, look.POINT), text.tex(r"\text{minimum}")).arrange(
                RIGHT
            ),
        ).arrange(RIGHT, buff=0.6)
        header = text.column(formula, key)
        self.play(
            FadeIn(plots.plot_frame(axes.c2p, view.window, *view.ticks)),
            Write(formula),
            run_time=1,
        )
        self.play(Create(contours, lag_ratio=0.1), run_time=2)
        self.play(FadeIn(start, scale=1.5), FadeIn(star, scale=1.5), FadeIn(key))
        self.wait(0.5)
        return header

    def _milestone(
        self,
        p: RosenbrockMilestoneParams,
        sv: RunMap,
        axes: Axes,
        result: Outcome,
        header: VGroup,
    ) -> None:
        """The column makes way for the milestone's numbers, the inset for the gap
        (none when the gap is below the six decimals shown: nothing to magnify)."""
        self.record("milestone", result.__dict__)
        self.play(FadeOut(self.column_parts))
        if result.distance >= INSET_FROM:
            self.play(FadeIn(self._inset(p, sv, axes, result)), run_time=1)
        lines = self._result_lines(p, result)
        lines.next_to(header, DOWN, buff=0.8, aligned_edge=LEFT)
        for line in lines:
            self.play(FadeIn(line, shift=0.2 * RIGHT), run_time=0.6)
        self.wait(2)

    @staticmethod
    def _result_lines(p: RosenbrockMilestoneParams, result: Outcome) -> VGroup:
        """Steps and lr, the final point and loss, the distance to the minimum."""
        return VGroup(
            text.tex(rf"\text{{after {result.n_steps:,} steps, lr}} = {p.lr:g}"),
            text.tex(
                rf"\text{{final point}} \; ({numbers.fmt(result.final_point[0], 6)},\,"
                rf"{numbers.fmt(result.final_point[1], 6)})",
                colour=look.TANGENT,
            ),
            text.tex(
                rf"\text{{final loss}} \; {loss_digits(result.final_loss)}",
                colour=look.TANGENT,
            ),
            text.tex(
                rf"\text{{distance to }} ({numbers.fmt(result.minimum[0])},\,"
                rf"{numbers.fmt(result.minimum[1])}) \; {result.distance:.6f}",
                colour=look.POINT,
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.45)

    def _inset(
        self, p: RosenbrockMilestoneParams, sv: RunMap, axes: Axes, result: Outcome
    ) -> VGroup:
        """A magnified square around the end and the minimum, in a corner of the map
        that hides no marker and the least of the path.

        At the map's scale the gap between them is a few pixels; the inset shows the
        path's last stretch, the fine contours of the valley floor and the gap.
        """
        box = zoom_box([result.final_point, result.minimum], p.zoom_margin)
        points = sv.runs["GD"].points
        zoom, upper = inset_axes(axes, sv.view, box, points, result)
        background = Square(
            INSET_SIDE, fill_color=look.BACKGROUND, fill_opacity=1, stroke_color=look.MUTED
        ).move_to(zoom)
        lines = contour_lines(sv.f, grid(box, p.zoom_samples), log_levels(*p.zoom_levels))
        floor = plots.contour_map(lines, zoom.c2p, look.CURVE, plots.faded(look.CURVE))
        tail = VMobject(stroke_color=look.TANGENT, stroke_width=PATH_WIDTH)
        tail.set_points_as_corners(zoom.c2p(clip_polyline(points, box)[-1]))
        end, star = zoom.c2p(result.final_point), zoom.c2p(result.minimum)
        gap = DashedLine(end, star, color=look.POINT, stroke_width=3)
        (x0, x1), (y0, y1) = box
        spot = [axes.c2p(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
        # Matplotlib's indicate_inset_zoom: the magnified spot joined to the inset.
        near, far = (spot[3], spot[2]) if upper else (spot[0], spot[1])
        side = DOWN if upper else UP
        connectors = VGroup(
            Line(near, background.get_corner(side + LEFT)),
            Line(far, background.get_corner(side + RIGHT)),
        ).set_stroke(look.MUTED, 1.5)
        inset = VGroup(
            connectors,
            Polygon(*spot, stroke_color=look.INK, stroke_width=1.5),
            background,
            floor,
            tail,
            gap,
            marker(end, look.TANGENT),
            plots.top_star(star, look.POINT),
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
        result: Outcome,
    ) -> None:
        """The path grows with the step counter and the loss; the end is marked."""
        progress = ValueTracker(0.0)
        step = stepper(progress, clock)
        path = growing_path(axes, sample, step, look.TANGENT)
        head = follower(axes, sample, step, look.TANGENT)
        counter = numbers.LightInteger(0, font_size=look.TEXT_SIZE)
        loss = numbers.ReadableReadout(losses[0], look.INK, digits=6)
        readout = VGroup(
            text.tex(rf"\text{{lr}} = {p.lr:g}"),
            VGroup(text.tex(r"\text{step}"), counter).arrange(RIGHT, buff=0.25),
            VGroup(text.tex(r"f(x, y) ="), loss).arrange(RIGHT, buff=0.25),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        readout.next_to(header, DOWN, buff=0.8, aligned_edge=LEFT)
        self.add(path)
        self.play(FadeIn(readout), FadeIn(head))
        # Updaters start after the fade: a number changing its width while fading in
        # would change the mobject's family mid-animation.
        numbers.follow(counter, step)
        loss.add_updater(numbers.at_live_rate(lambda m: m.show(at_step(losses, step()))))
        live_on_top(self, path, head, counter, loss)
        self.play(
            progress.animate.set_value(1.0), run_time=p.descent_seconds, rate_func=linear
        )
        for m in (path, head, counter, loss):
            m.clear_updaters()
        self.remove(head)
        self.column_parts = readout
        end = marker(axes.c2p(result.final_point), look.TANGENT)
        self.record("end", {"point": result.final_point, "loss": result.final_loss})
        self.play(FadeIn(end, scale=1.5))
        self.wait(1)

    def _loss_curve(
        self,
        p: RosenbrockMilestoneParams,
        axes: Axes,
        sample: PathSample,
        clock: Timeline,
        losses: np.ndarray,
        header: VGroup,
    ) -> None:
        """The loss curve grows on a log plot while a dot retraces the path."""
        curve = loss_curve(losses, p.loss_points)
        scale = log_scale([losses], margin=0, step=1)
        self.record("loss_curve.decades", [scale.low_exp, scale.high_exp])
        self.record("loss_curve.points", len(curve.indices))
        plot, block = self._loss_plot(p, clock.steps, scale, header)
        progress = ValueTracker(0.0)
        step = stepper(progress, clock)
        line = VMobject(stroke_color=look.TANGENT, stroke_width=PATH_WIDTH)
        line.add_updater(lambda m: m.set_points_as_corners(plot.c2p(curve.corners(step()))))
        line.update()
        # The same step on the map: the dot shows where in the valley each loss is.
        tracer = follower(axes, sample, step, look.INK)
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

    @staticmethod
    def _loss_plot(
        p: RosenbrockMilestoneParams, steps: int, scale: LogScale, header: VGroup
    ) -> tuple[Axes, VGroup]:
        """Axes for loss (log scale) against step under ``header``, and the block of
        the axes with their names."""
        plot = Axes(
            x_range=[0, steps, p.loss_tick_steps],
            y_range=[scale.low_exp, scale.high_exp, 1],
            x_length=4.6,
            y_length=3.6,
            tips=False,
            axis_config={"color": look.MUTED, "font_size": look.LABEL_SIZE},
            x_axis_config={"numbers_to_exclude": []},
            y_axis_config={"scaling": LogBase(custom_labels=True)},
        )
        # Manim's Axes leave the origin's label out; step 0 deserves one.
        plot.add_coordinates([plot.x_axis.x_min, *plot.x_axis.get_tick_range()], None)
        names = VGroup(
            text.tex(r"\text{step}", colour=look.MUTED, size=look.LABEL_SIZE).next_to(
                plot.x_axis, DOWN, buff=0.55
            ),
            text.tex(
                r"\text{loss (log scale)}", colour=look.MUTED, size=look.LABEL_SIZE
            ).next_to(plot, UP, buff=0.2, aligned_edge=LEFT),
        )
        block = VGroup(plot, names)
        block.next_to(header, DOWN, buff=0.6).align_to([COLUMN_LEFT, 0, 0], LEFT)
        return plot, block


__all__ = ["RosenbrockMilestone"]
