"""What a scene settles before it draws, shared by scenes that draw the same kind
of thing; or one ParamError naming the parameter to change.

- :func:`run_map`: runs on a map (the milestone, the race): the runs, the map
  framed around them, its contour levels and each run's verdict;
- :func:`field_survey`: a function's map, surface and gradient field (the
  gradient scenes): the window, ticks, heights, minima and arrows.

Every number here comes from ``mathcore``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lesson import params
from mathcore import critical, fields, landscape, windows
from mathcore.fields import log_levels
from mathcore.functions import Objective
from mathcore.trajectory import Trajectory
from mathcore.windows import Window
from scenes.kit import numbers


@dataclass(frozen=True)
class RunMap:
    """Runs and the map they are drawn on: f, the runs by name, the view (window,
    ticks, minima), each run's verdict and the contour levels."""

    f: Objective
    runs: dict[str, Trajectory]
    view: landscape.View
    verdicts: dict[str, landscape.Verdict]
    levels: np.ndarray


def run_map(
    f: Objective,
    runs: dict[str, Trajectory],
    window: windows.Window,
    levels: tuple[float, float, int],
    diverged: Callable[[str, landscape.Verdict], params.ParamError],
) -> RunMap:
    """Frame ``window`` (grown, square, on nice numbers) around the start and every
    run that does not run away, with its minima; levels are the log levels
    ``levels`` while most fall inside f's range there, otherwise levels that fit f.

    ParamError when f cannot be shown there (not finite, no minimum to reach, below
    0 where losses go on a log scale), and ``diverged(name, verdict)`` when a run
    diverges: the scene says which parameter to blame.
    """
    params.window("window", window, 2)
    shown = np.concatenate([landscape.shown_points(t) for t in runs.values()])
    with params.refused():
        view = landscape.view(f, shown, window, need_minimum=False)
        chosen = log_levels(*levels)
        _, z = landscape.sample(f, view.window)
        if np.count_nonzero((chosen > z.min()) & (chosen < z.max())) < len(chosen) / 2:
            chosen = landscape.contour_levels(f, view.window, int(levels[2])).values
    verdicts = {n: landscape.verdict(t, view.window, view.minima) for n, t in runs.items()}
    for name, v in verdicts.items():
        if v.status == "diverged":
            raise diverged(name, v)
    if not view.minima:  # after the runs: one that ran off explains an empty window
        shown_window = ", ".join(f"[{lo:g}, {hi:g}]" for lo, hi in view.window)
        raise params.ParamError(
            "function", f"f has no minimum in the window {shown_window} to descend to"
        )
    params.log_plottable([t.losses for t in runs.values()])
    return RunMap(f, runs, view, verdicts, chosen)


@dataclass(frozen=True)
class FieldSurvey:
    """What a gradient scene needs of its function, from mathcore: f itself, the
    map's window (the scene's least window grown to hold its arrows), where f is
    sampled (the surface, the arrows' grid and the contour levels: the notebook's
    meshgrid), the map's x and y ticks, the heights its surface spans (lo, hi, tick
    step), its minima in the window and, for a field, the arrow singled out."""

    f: Objective
    window: Window
    sampled: Window
    ticks: tuple[tuple[float, ...], tuple[float, ...]]
    heights: tuple[float, float, float] | None  # None: the scene draws no surface
    minima: tuple[critical.CriticalPoint, ...]
    focus: tuple[int, int] | None  # None: the scene singles out no arrow
    field: fields.GradientField | None  # the arrows' grid; None: no field drawn
    heads: np.ndarray | None  # where each arrow of the field ends

    def field_record(self, arrow_length: float) -> dict:
        """The field as a scene's manifest records it."""
        return {
            "points": self.field.points,
            "gradients": self.field.vectors,
            "unit_vectors": self.field.unit_vectors,
            "heads": self.heads,
            "arrow_length": arrow_length,
        }


TICK_TARGET = 6  # about this many ticks per edge: every whole number on [−3, 3]


def surface_heights(
    f: Objective, window: Window, given: tuple[float, float, float]
) -> tuple[float, float, float]:
    """``given`` (low, high, tick step) while f stays inside it over ``window``,
    otherwise f's own range on nice steps (:func:`mathcore.landscape.height_range`)."""
    low, high = landscape.height_range(f, window, at_least=given[:2])
    if (low, high) == tuple(given[:2]):
        return given
    return (low, high, windows.nice_step(high - low, 4))


def normalised_field(f: Objective, p) -> tuple[fields.GradientField, np.ndarray]:
    """The notebook's normalised gradient field on ``p``'s arrow grid, and where
    each arrow ends."""
    field = fields.gradient_field(f, fields.grid(p.arrow_window, p.arrow_grid))
    return field, fields.arrow_heads(field, length=p.arrow_length)


def map_window(p, field: tuple[fields.GradientField, np.ndarray] | None) -> Window:
    """``p.window`` grown (square, on nice numbers) to hold what the map shows: the
    bowl's arrow bases, or every normalised arrow of a field whole."""
    if field is None:
        return windows.frame(p.arrow_points, p.window, square=True)
    points, heads = field[0].points, field[1]
    arrows = np.concatenate([points.reshape(-1, 2), heads.reshape(-1, 2)])
    return windows.frame(arrows, p.window, margin=0.0, square=True)


def focus_cell(field: fields.GradientField, p) -> tuple[int, int]:
    """The arrow ``p.focus`` (row, column), or the steepest in the middle of the
    grid when it is empty; ParamError when that arrow has no direction (∇f = 0)."""
    if not p.focus:
        cell = fields.steepest_middle_cell(field)
        if cell is None:
            raise params.ParamError(
                "function",
                "∇f is 0 all over the middle of the arrow grid: no arrow to follow",
            )
        return cell
    n = p.arrow_grid
    if len(p.focus) != 2 or not all(0 <= i < n for i in p.focus):
        raise params.ParamError(
            "focus", f"need [row, column], each from 0 to {n - 1}, got {list(p.focus)}"
        )
    row, col = p.focus
    magnitudes = np.nan_to_num(field.magnitudes)
    if not magnitudes[row, col] > 1e-12 * max(1.0, float(magnitudes.max())):
        where = numbers.point_text(field.points[row, col])
        raise params.ParamError(
            "focus",
            f"∇f is 0 at {where}: its arrow has no direction; pick another arrow, "
            "or [] to let the scene choose",
        )
    return row, col


@functools.lru_cache(maxsize=16)  # check() at load, then construct(): once
def field_survey(p, need_minimum: bool = False) -> FieldSurvey:
    """Check that ``p.function`` can be shown (finite over the map, with relief
    where it is sampled, with a minimum in the window when ``need_minimum``) and
    derive what the scene draws from it.

    A surface's height range is ``p.height_range`` while f stays inside it, and
    otherwise f's own range on nice steps, so the surface stays in frame.
    """
    f = params.objective(p.function, 2)
    params.window("window", p.window, 2)
    sampled = None
    if hasattr(p, "arrow_window"):
        sampled = params.window("arrow_window", p.arrow_window, 2)
    elif tuple(p.downhill_point) not in p.arrow_points:
        raise params.ParamError("downhill_point", "must be one of arrow_points")
    field = None
    with params.refused():
        if sampled is not None:
            landscape.require_finite(f, sampled)
            field = normalised_field(f, p)
        window = map_window(p, field)
        sampled = sampled or window
        landscape.require_finite(f, window)
        landscape.require_relief(f, sampled)
        found = tuple(critical.minima(f, window))
        if need_minimum and not found:
            raise landscape.UnshowableError(
                "f has no minimum in the window to point down to"
            )
        heights = None
        if hasattr(p, "height_range"):  # the scenes that draw a surface
            heights = surface_heights(f, sampled, p.height_range)
    x_ticks, y_ticks = windows.plot_ticks(window, TICK_TARGET, about=sampled)
    if p.ticks:
        x_ticks = y_ticks = tuple(p.ticks)
    focus = focus_cell(field[0], p) if hasattr(p, "focus") else None
    points, heads = field if field is not None else (None, None)
    return FieldSurvey(
        f, window, sampled, (x_ticks, y_ticks), heights, found, focus, points, heads
    )
