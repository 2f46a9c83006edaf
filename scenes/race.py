"""Optimizers race down Rosenbrock's valley, each at its best learning rate
from one grid; then the tuning behind the result.

Render it with plain Manim from the repo root::

    manim render scenes/race.py OptimizerRace -ql
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

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
    LogBase,
    ManimColor,
    ValueTracker,
    VGroup,
    Write,
    linear,
)

from mathcore.fields import contour_lines, grid
from mathcore.logaxis import log_scale
from mathcore.runs import at_step, sample_path, timeline
from mathcore.trajectory import Trajectory
from mathcore.tuning import LrSearch, lr_grid
from scenes.base import LessonScene
from scenes.kit import explore, look, numbers, plots, text
from scenes.kit.numbers import SciReadout
from scenes.kit.paths import follower, growing_path, live_on_top, marker, stepper
from scenes.kit.text import COLUMN_LEFT, COLUMN_TOP, MAP_CENTRE, MAP_SIDE
from scenes.plans import RunMap
from scenes.race_plan import (
    OPTIMIZER_COLOURS,
    OptimizerRaceParams,
    entrants,
    line_up_draws,
    race,
    race_facts,
    standings,
)

START_RADIUS = 0.1  # the start: a ring, as the five colours are the optimizers'
RACE_WIDTH = 2.5  # five paths share one valley floor: thinner, so more of each shows


class _Course(NamedTuple):
    """The race's map: contours in a frame, the start as a ring, the minima as stars."""

    axes: Axes
    frame: VGroup
    contours: VGroup
    start: Dot
    stars: VGroup


def course(p: OptimizerRaceParams, sv: RunMap) -> _Course:
    """The map the optimizers race on, nothing on it yet."""
    window = sv.view.window
    axes = plots.map_axes(window)
    frame = plots.plot_frame(axes.c2p, window, *sv.view.ticks)
    lines = contour_lines(sv.f, grid(window, p.contour_samples), sv.levels)
    contours = plots.contour_map(lines, axes.c2p, look.MUTED, plots.faded(look.MUTED))
    # The start as a ring and the minimum as a star: shapes, since the five
    # colours belong to the optimizers.
    start = marker(axes.c2p(np.asarray(p.x0)), look.BACKGROUND, radius=START_RADIUS)
    stars = VGroup(*[plots.top_star(axes.c2p(m.point), look.POINT) for m in sv.view.minima])
    return _Course(axes, frame, contours, start, stars)


class OptimizerRace(LessonScene):
    """GD, momentum, Nesterov, RMSprop and Adam race down the valley; then, why so."""

    Params = OptimizerRaceParams

    def construct(self) -> None:
        p: OptimizerRaceParams = self.params
        sv, searches = race(p)
        lrs = lr_grid(*p.lr_range, p.lrs_per_decade)
        self._record_tuning(sv, lrs, searches)
        colours = {name: look.swatch(OPTIMIZER_COLOURS[name]) for name in p.optimizers}
        ground = course(p, sv)
        table = _Legend(searches, colours, sv.runs)

        facts = race_facts(sv.runs)
        self.step(
            entrants(len(sv.runs)),
            f"Same start, the same budget of {p.steps:,} steps; each optimizer gets "
            f"its best learning rate from the same grid of {len(lrs)}.",
            duration=4,
            facts=facts,
            draws=line_up_draws(p, sv, searches, len(lrs)),
        )
        rule = self._line_up(ground, table, lrs)

        self.step(
            "The race",
            "Side by side, one step at a time: where each one is, and its loss.",
            duration=p.race_seconds,
            draws="Each optimizer's path grows from the start, step by step, while the "
            f"legend counts the steps and each loss, for up to {p.steps:,} steps. "
            f"{standings(facts)}",
        )
        self._offer_explore(p, sv, ground.axes, lrs, searches, colours)
        paths, heads = self._race(p, sv.runs, ground.axes, colours, table)

        self.step(
            "It depends on tuning",
            f"{standings(facts)} Change the learning rates, the budget or the start, "
            "and the order can change.",
            duration=5,
            facts=facts,
            draws="The map gives way to a plot of each optimizer's loss against its "
            "learning rate, with its chosen rate marked. A note says that what the race "
            "shows depends on tuning, and on the start.",
        )
        race_view = VGroup(
            ground.frame, ground.contours, paths, heads, ground.start, ground.stars
        )
        self._tuning(p, searches, colours, race_view, rule)

    def _record_tuning(
        self, sv: RunMap, lrs: np.ndarray, searches: dict[str, LrSearch]
    ) -> None:
        self.record("window", sv.view.window)
        self.record("minima", [m.point for m in sv.view.minima])
        self.record("lrs", lrs)
        self.record("tuning", {name: s.rows() for name, s in searches.items()})
        self.record("chosen_lr", {name: s.best_lr for name, s in searches.items()})

    def _offer_explore(
        self,
        p: OptimizerRaceParams,
        sv: RunMap,
        axes: Axes,
        lrs: np.ndarray,
        searches: dict[str, LrSearch],
        colours: dict[str, ManimColor],
    ) -> None:
        """The viewer may race any optimizer from any start at rates of the grid."""
        racers = [explore.Racer(n, s.best_lr, colours[n]) for n, s in searches.items()]
        spec = explore.explorable(
            axes,
            sv.view.window,
            p.function,
            p.x0,
            p.steps,
            p.tol,
            racers,
            look.BACKGROUND,
            START_RADIUS,
            lrs=lrs,
            start_rim=True,
            path_width=RACE_WIDTH,
        )
        explore.offer(self, spec)

    def _line_up(self, ground: _Course, table: _Legend, lrs: np.ndarray) -> VGroup:
        """The map, the start, the minimum and the legend; returns how lrs were chosen."""
        self.play(
            FadeIn(ground.frame), Create(ground.contours, lag_ratio=0.1), run_time=1.5
        )
        _, low_exponent = numbers.scientific(lrs[0], 0)
        rule = VGroup(
            text.tex(
                rf"\text{{best of {len(lrs)} lrs from }} 10^{{{low_exponent}}}"
                rf"\text{{ to }} {numbers.fmt(lrs[-1])}\text{{:}}",
                colour=look.MUTED,
            ),
            text.tex(
                r"\text{fewest steps to converge, else lowest loss}", colour=look.MUTED
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        rule.next_to(table.group, DOWN, buff=0.45, aligned_edge=LEFT)
        self.play(
            FadeIn(ground.start), FadeIn(ground.stars), FadeIn(table.group), FadeIn(rule)
        )
        self.wait(1)
        return rule

    def _race(
        self,
        p: OptimizerRaceParams,
        runs: dict[str, Trajectory],
        axes: Axes,
        colours: dict[str, ManimColor],
        table: _Legend,
    ) -> tuple[VGroup, VGroup]:
        """Every path grows at once, the legend counting steps and losses; returns
        the paths and the dots at their heads."""
        samples = {
            name: sample_path(r.points, p.path_arc_points, p.path_step_points)
            for name, r in runs.items()
        }
        clock = timeline([r.points for r in runs.values()], p.steps, p.arc_weight)
        progress = ValueTracker(0.0)
        step = stepper(progress, clock)
        # The first optimizer listed (GD, the slowest) is drawn on top.
        order = p.optimizers[::-1]
        paths = VGroup(
            *[growing_path(axes, samples[n], step, colours[n], RACE_WIDTH) for n in order]
        )
        heads = VGroup(*[follower(axes, samples[n], step, colours[n], 0.1) for n in order])
        self.add(paths)
        self.play(FadeIn(heads), FadeIn(table.counter_row))
        table.follow(step, runs)
        live = [*paths, *heads, table.counter, *table.losses.values()]
        live_on_top(self, *live)
        self.play(
            progress.animate.set_value(1.0), run_time=p.race_seconds, rate_func=linear
        )
        for m in live:
            m.clear_updaters()
        self.record("final_loss", {name: float(r.losses[-1]) for name, r in runs.items()})
        self.record("status", {name: r.status for name, r in runs.items()})
        self.record("n_steps", {name: r.n_steps for name, r in runs.items()})
        self.wait(1.5)
        return paths, heads

    def _tuning(
        self,
        p: OptimizerRaceParams,
        searches: dict[str, LrSearch],
        colours: dict[str, ManimColor],
        race_view: VGroup,
        rule: VGroup,
    ) -> None:
        """The race makes way for each optimizer's loss against its learning rate."""
        self.play(FadeOut(race_view))
        plot = _TuningPlot(p, searches, colours)
        note = VGroup(
            text.tex(r"\text{What the race shows depends}", colour=look.POINT),
            text.tex(r"\text{on tuning (and on the start point).}", colour=look.POINT),
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
            text.tex(r"\text{optimizer}", colour=look.MUTED),
            text.tex(r"\text{best lr}", colour=look.MUTED),
            text.tex(r"\text{loss}", colour=look.MUTED),
        ]
        rows, self.losses = [], {}
        for name, search in searches.items():
            label = text.tex(rf"\text{{{name}}}", colour=colours[name])
            readout = SciReadout(float(runs[name].losses[0]), colours[name])
            self.losses[name] = readout
            rows.append(
                [
                    label,
                    text.tex(numbers.fmt(search.best_lr, 5), colour=colours[name]),
                    readout,
                ]
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
        self.counter = numbers.LightInteger(first.steps, font_size=look.TEXT_SIZE)
        self.counter_row = VGroup(
            text.tex(r"\text{step}"),
            self.counter,
            text.tex(rf"\text{{of {first.steps:,}}}", colour=look.MUTED),
        ).arrange(RIGHT, buff=0.25)
        self.counter.set_value(0)
        self.counter_row.move_to([COLUMN_LEFT, COLUMN_TOP, 0], aligned_edge=UP + LEFT)

    def follow(self, step: Callable[[], int], runs: dict[str, Trajectory]) -> None:
        """Keep the counter at ``step()`` and each loss at its run's loss there."""
        numbers.follow(self.counter, step)
        for name, readout in self.losses.items():
            losses = runs[name].losses
            readout.add_updater(
                numbers.at_live_rate(
                    lambda m, losses=losses: m.show(at_step(losses, step()))
                )
            )


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
            axis_config={"color": look.MUTED, "font_size": look.LABEL_SIZE},
            x_axis_config={"scaling": LogBase(custom_labels=True)},
            y_axis_config={"scaling": LogBase(custom_labels=True)},
        ).add_coordinates()
        self.axes.move_to(MAP_CENTRE + 0.35 * RIGHT + 0.1 * UP)
        names = VGroup(
            text.tex(
                r"\text{learning rate}", colour=look.MUTED, size=look.LABEL_SIZE
            ).next_to(self.axes.x_axis, DOWN, buff=0.55),
            text.tex(
                rf"\text{{loss after {p.steps:,} steps (diverged: left out)}}",
                colour=look.MUTED,
                size=look.LABEL_SIZE,
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


__all__ = ["OptimizerRace"]
