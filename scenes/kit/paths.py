"""Runs on screen: paths that grow, dots that move, marks at the iterates, and
what a run's end is called.

Two ways to animate a run, for two kinds of run:

- a few dozen steps, each worth seeing (:func:`traced_path`, :func:`moving_dot`,
  :func:`iterate_marks`): a ``ValueTracker`` holds a fractional step ``s`` and the
  path is drawn up to it (:func:`mathcore.runs.cursor`), a straight jump per update;
- thousands of steps (:func:`growing_path`, :func:`follower`): the points worth
  drawing (:func:`mathcore.runs.sample_path`), paced by a
  :class:`~mathcore.runs.Timeline` read through :func:`stepper`.

Either way a path is ONE ``VMobject`` redrawn in place by an updater, so a run of
any length costs one mobject and one animation. With a window (``box``), a path,
its marks and its dot stop where the run leaves the plot.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
from manim import Axes, Circle, Dot, ManimColor, Mobject, Scene, ValueTracker, VMobject

from mathcore import landscape, windows
from mathcore.clipping import windowed
from mathcore.runs import PathSample, Timeline, cursor
from mathcore.trajectory import Trajectory
from scenes.kit import look
from scenes.kit.numbers import plural, readable
from scenes.kit.plots import ToPoints, Window, arrow

PATH_WIDTH = 4.0
STEP_ARROW_WIDTH = 5.0
MARK_RADIUS = 0.045  # the iterates along a path, as the notebook's 'o' markers
MARKER_RADIUS = 0.12  # a start or end marker


def _needed(box: Window | None, points: np.ndarray) -> Window | None:
    """``box``, or None when every point lies inside it: a window is convex, so
    such a run never leaves it and its updaters need not cut it each frame."""
    if box is None or windows.inside_each(points, box).all():
        return None
    return box


_PROBES = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])


def _rows(to_points: ToPoints, data: np.ndarray) -> np.ndarray:
    """``to_points(data)`` as an (n, 3) array, also for one row or none
    (``Axes.c2p`` returns a single point flat)."""
    if len(data) == 0:
        return np.zeros((0, 3))
    return np.reshape(to_points(np.asarray(data, dtype=np.float64)), (-1, 3))


def _redraw_on_change(
    tracker: ValueTracker, to_points: ToPoints, draw: Callable[[VMobject, float], None]
) -> Callable[[VMobject], None]:
    """An updater that calls ``draw(m, s)`` only when the step ``s`` or the plot's
    placement changed: a finished run's path is otherwise redrawn, unchanged, on
    every frame of every later animation."""
    last: list = [None]

    def update(m: VMobject) -> None:
        s = tracker.get_value()
        key = (s, to_points(_PROBES).tobytes())
        if key != last[0]:
            draw(m, s)
            last[0] = key

    return update


def traced_path(
    to_points: ToPoints,
    points: np.ndarray,
    tracker: ValueTracker,
    colour: ManimColor,
    box: Window | None = None,
    width: float = PATH_WIDTH,
) -> VMobject:
    """One path that follows ``tracker`` (a fractional step) along ``points``.

    ``to_points`` maps data rows to the scene (``axes.c2p``). With ``box``, the path
    stops where it first leaves that window.
    """
    path = VMobject(stroke_color=colour, stroke_width=width)
    box = _needed(box, points)

    def draw(m: VMobject, s: float) -> None:
        vertices = cursor(points, s).vertices
        if box is not None:
            vertices = windowed(vertices, box).vertices
        m.set_points_as_corners(_rows(to_points, vertices))

    draw(path, tracker.get_value())
    path.add_updater(_redraw_on_change(tracker, to_points, draw))
    return path


def iterate_marks(
    to_points: ToPoints,
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
    kept = np.ones(len(points), bool) if box is None else windows.inside_each(points, box)
    shown, index = points[kept], np.cumsum(kept) - 1

    def draw(m: VMobject, s: float) -> None:
        reached = shown[: index[cursor(points, s).step] + 1]
        centres = _rows(to_points, reached)
        m.set_points((template[None] + centres[:, None]).reshape(-1, 3))

    draw(marks, tracker.get_value())
    marks.add_updater(_redraw_on_change(tracker, to_points, draw))
    return marks


def moving_dot(
    to_points: ToPoints,
    points: np.ndarray,
    tracker: ValueTracker,
    colour: ManimColor,
    box: Window | None = None,
    radius: float = 0.11,
) -> Dot:
    """The current point of a run; hidden once it has left ``box`` (if given)."""
    dot = Dot(_rows(to_points, points[:1])[0], radius=radius, color=colour)
    box = _needed(box, points)

    def update(m: Dot) -> None:
        c = cursor(points, tracker.get_value())
        if box is not None and windowed(c.vertices, box).exited:
            m.set_opacity(0)
            return
        m.set_opacity(1).move_to(_rows(to_points, c.point[None])[0])

    dot.add_updater(update)
    return dot


def loss_text(value: float) -> str:
    """A loss as the viewer should read it: 4 decimals, scientific when tiny or
    huge, 0 if 0."""
    return readable(value, 4)


def outcome(v: landscape.Verdict) -> str:
    """How a run ended, in words, as LaTeX text."""
    return rf"\text{{{outcome_words(v)}}}"


def outcome_words(v: landscape.Verdict) -> str:
    """How a run ended, in words.

    >>> outcome_words(landscape.Verdict("converged", 1, None, None))
    'converged in 1 step'
    >>> outcome_words(landscape.Verdict("stopped", 50, None, None))
    'stopped after 50 steps'
    """
    unit = plural(v.step, "step")
    if v.status == "converged":
        return f"converged in {v.step} {unit}"
    if v.status == "diverged":
        return f"diverged at step {v.step}"
    return f"stopped after {v.step} {unit}"


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
    dot.set_stroke(look.BACKGROUND, width=1.5)
    dot.add_updater(lambda m: m.move_to(axes.c2p(sample.point(step()))))
    return dot


def stepper(tracker: ValueTracker, clock: Timeline) -> Callable[[], int]:
    """The step a frame shows: the progress tracker read through the timeline."""
    return lambda: clock.step_at(tracker.get_value())


def follower_on(plot: Axes, curve: PathSample, step: Callable[[], int]) -> Dot:
    """A dot at the tip of a growing curve drawn on ``plot``."""
    dot = Dot(plot.c2p(curve.point(step())), radius=0.06, color=look.INK)
    dot.add_updater(lambda m: m.move_to(plot.c2p(curve.point(step()))))
    return dot


def marker(point: np.ndarray, colour: ManimColor, radius: float = MARKER_RADIUS) -> Dot:
    """A start or end marker: a filled dot with a light rim, as the notebook's."""
    return Dot(
        point, radius=radius, color=colour, stroke_color=look.INK, stroke_width=2
    ).set_z_index(2)


# A step or a gradient on a run's map: one weight, a shorter tip than arrow's.
step_arrow = partial(arrow, width=STEP_ARROW_WIDTH, tip_ratio=0.3)


def freeze(*mobjects: Mobject) -> None:
    """Stop the updaters of finished runs. Manim redraws on every frame each mobject
    with an updater and every mobject added after it, so a finished path left live
    would have all later text redrawn, glyph by glyph, frame after frame."""
    for m in mobjects:
        for member in m.get_family():
            member.clear_updaters()


def live_on_top(scene: Scene, *live: Mobject) -> None:
    """Put the ``live`` mobjects (those with updaters) last in ``scene``, and the rest
    of any group holding one of them back in place as separate pieces.

    Manim redraws, on every frame, the first mobject with an updater in its family
    and everything after it: one live number inside a table makes the whole table,
    and all added later, be redrawn frame after frame, glyph by glyph.
    """
    keep = set(map(id, live))

    def pieces(m: Mobject) -> list[Mobject]:
        if id(m) in keep:
            return []
        if not any(id(member) in keep for member in m.get_family()):
            return [m]
        return [p for sub in m.submobjects for p in pieces(sub)]

    for top in list(scene.mobjects):
        if id(top) not in keep and any(id(member) in keep for member in top.get_family()):
            index = scene.mobjects.index(top)
            scene.mobjects[index : index + 1] = pieces(top)
    scene.remove(*live)
    scene.add(*live)
