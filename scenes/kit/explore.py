"""What the lecture player needs to let a viewer explore a scene's runs: where the
scene's map sits on the frame, in what colours it draws a run, and which run it
shows (function, start, optimizers, learning rates, budget).

The player draws the explored runs itself, on a canvas over the paused video, so a
start point it draws must land where the video draws it: it maps a point of the
map's window to the frame as ``axes.c2p`` does, from the corners recorded here.
The runs are not computed here: ``mathvid.publish.explore`` runs them with ``mathcore``
when a bundle is exported.

Examples
--------
>>> from scenes.kit import plots
>>> axes = plots.map_axes(((-5.0, 5.0), (-5.0, 5.0)))
>>> spec = explorable(axes, ((-5.0, 5.0), (-5.0, 5.0)), "bowl", (4.0, 3.0), 50, 1e-8,
...                   [Racer("GD", 0.2, look.POINT)], look.GOOD, 0.13)
>>> spec.map == [round(v, 6) for v in (*axes.c2p(-5, -5)[:2], *axes.c2p(5, 5)[:2])]
True
>>> spec.optimizers[0].colour == look.POINT.to_hex()
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from manim import Axes, ManimColor, config

from lesson import manifest
from lesson.manifest import Explore, Manifest, Marker
from mathcore.windows import Window
from scenes.kit import look
from scenes.kit.paths import PATH_WIDTH

STROKE_UNIT = 0.01
"""Scene units per unit of Manim's ``stroke_width`` (its Cairo camera's multiple)."""


class HasManifest(Protocol):
    """A scene with a manifest of steps (``scenes.base.LessonScene``)."""

    manifest: Manifest


@dataclass(frozen=True)
class Racer:
    """An optimizer the viewer may pick: its name (a key of
    ``mathcore.tuning.OPTIMIZERS``), the learning rate the scene runs it with and
    the colour its path is drawn in."""

    name: str
    lr: float
    colour: ManimColor


def explorable(
    axes: Axes,
    window: Window,
    function: str,
    start: Sequence[float],
    steps: int,
    tol: float,
    racers: Sequence[Racer],
    start_colour: ManimColor,
    start_radius: float,
    *,
    lrs: Sequence[float] = (),
    start_rim: bool = False,
    path_width: float = PATH_WIDTH,
) -> Explore:
    """A run on the map ``axes`` places ``window`` on, as plain data for the player.

    The runs' colours are read from :mod:`scenes.kit.look` now, so they are the
    theme's the scene is drawn in; the page's own colours come from the lesson's
    theme (``palette.css``).

    Parameters
    ----------
    axes, window
        The map: its axes (``axes.c2p``) and the data window they place.
    function
        The scene's function, a catalogue name or a formula (its ``function``).
    start, steps, tol
        The scene's run: where it starts, its most updates, its tolerance.
    racers
        The optimizers, each with the scene's learning rate and its path's colour.
    start_colour, start_radius
        The scene's start marker: its fill and radius in scene units.
    lrs
        Further learning rates the scene shows, kept among those explored.
    start_rim
        Whether the marker has a light rim (``scenes.kit.paths.marker``).
    path_width
        The paths' stroke width, as Manim's ``stroke_width``.
    """
    (x0, x1), (y0, y1) = window
    low, high = axes.c2p(x0, y0), axes.c2p(x1, y1)
    return Explore(
        frame=[float(config.frame_width), float(config.frame_height)],
        map=[round(float(v), 6) for v in (low[0], low[1], high[0], high[1])],
        window=[[float(x0), float(x1)], [float(y0), float(y1)]],
        function=function,
        start=[float(v) for v in start],
        steps=int(steps),
        tol=float(tol),
        optimizers=[manifest.Racer(r.name, float(r.lr), r.colour.to_hex()) for r in racers],
        lrs=sorted({float(lr) for lr in lrs}),
        marker=Marker(
            start_colour.to_hex(),
            float(start_radius),
            look.INK.to_hex() if start_rim else None,
        ),
        path_width=path_width * STROKE_UNIT,
    )


def offer(scene: HasManifest, spec: Explore) -> None:
    """Let the viewer explore ``spec`` (:func:`explorable`) on the step ``scene`` is
    showing; a scene offers one map, on one or more steps.

    It goes in the manifest beside the steps, not among the recorded values: it is
    what the player draws with, not a number the step shows (a description would
    read it out).

    >>> from lesson.manifest import Step
    >>> from scenes.kit import plots
    >>> class Scene:
    ...     manifest = Manifest("S", {}, [Step("a", "A.", 0.0), Step("b", "B.", 1.0)])
    >>> window = ((-5.0, 5.0), (-5.0, 5.0))
    >>> scene, spec = Scene(), explorable(plots.map_axes(window), window, "bowl",
    ...     (4.0, 3.0), 50, 1e-8, [Racer("GD", 0.2, look.POINT)], look.GOOD, 0.13)
    >>> offer(scene, spec); offer(scene, spec)
    >>> scene.manifest.explore.offered
    [1]
    """
    step = len(scene.manifest.steps) - 1
    if scene.manifest.explore is None:  # the scene's first offer: its spec, kept
        scene.manifest.explore = dataclasses.replace(spec, offered=[])
    shown = scene.manifest.explore
    if step not in shown.offered:
        shown.offered.append(step)
