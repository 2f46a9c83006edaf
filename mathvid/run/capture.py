"""Stills taken while a scene runs with its animations skipped: previews and goldens.

A scene author writes a :class:`scenes.base.LessonScene` and never sees this.
:class:`Capture` is an observer (:class:`scenes.base.Observer`) that, passed to a
scene run with animations skipped,

- keeps the last frame of every step (``steps``), and
- draws the frame at one moment, mid-animation if need be, and ends the scene there
  (``at``, in seconds),

and that jumps over animations whose end state is known without playing them.

Examples
--------
>>> from scenes.derivatives import TangentLine
>>> capture = Capture(steps=True)
>>> scene = TangentLine(observers=[capture])  # then run it skipping animations
>>> (capture.step_frames, capture.moment_frame)
([], None)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import (
    Animation,
    AnimationGroup,
    Create,
    DrawBorderThenFill,
    FadeIn,
    FadeOut,
    GrowArrow,
    GrowFromCenter,
    GrowFromEdge,
    GrowFromPoint,
    LaggedStart,
    Scene,
    SpinInFromNothing,
    Wait,
    Write,
)
from manim.utils.exceptions import EndSceneEarlyException

from scenes.base import Observer


class Capture(Observer):
    """Keeps step stills (``steps``) and a moment's still (``at`` seconds into the
    scene) of the :class:`scenes.base.LessonScene` it observes.

    ``step_frames`` holds each step's name and last frame, ``moment_frame`` the
    moment's once drawn; ``at`` may be set while the scene runs (the studio sets
    it in a fork of a run, before the play holding the moment begins).
    """

    def __init__(self, steps: bool = False, at: float | None = None) -> None:
        self.steps = steps
        self.step_frames: list[tuple[str, np.ndarray]] = []
        # A still at ``at`` seconds (previews): the scene stops once it has it.
        self.at = at
        self.moment_frame: np.ndarray | None = None

    def on_step(self, scene: Any) -> None:
        if scene.manifest.steps:
            self._snapshot(scene)  # the step that is ending

    def on_end(self, scene: Any) -> None:
        if self.at is not None and self.moment_frame is None:
            self._capture_moment(scene)  # asked for the scene's end, or a moment past it
        self._snapshot(scene)

    def on_animations(self, scene: Any) -> None:
        """Jump over the animations whose end is their mobject as it is (see
        :func:`_jump_to_end`), unless the moment falls in this play."""
        if not self._moment_in_this_play(scene):
            scene.animations = [_jump_to_end(a, scene) for a in scene.animations]

    def on_frames(self, scene: Any) -> None:
        """When the still at ``at`` is wanted and this play spans it, draw that
        moment and end the scene there.

        With animations skipped, the renderer has already moved its clock to the end
        of this animation, so it started at ``time − duration``.
        """
        if self._moment_in_this_play(scene):
            start = scene.renderer.time - scene.duration
            # Before start: the moment lies in a wait, whose picture is the current one.
            if self.at > start:
                scene.update_to_time(self.at - start)
            self._capture_moment(scene)
            raise EndSceneEarlyException()

    def _moment_in_this_play(self, scene: Any) -> bool:
        """Whether the still at ``at`` is still wanted and falls before the end of
        the current play (skipping, the renderer's clock is at that end)."""
        at = self.at
        return at is not None and self.moment_frame is None and at < scene.renderer.time

    def _capture_moment(self, scene: Any) -> None:
        scene.renderer.update_frame(scene, ignore_skipping=True)
        self.moment_frame = scene.renderer.get_frame()

    def _snapshot(self, scene: Any) -> None:
        """Keep the current frame as the last frame of the step that is ending.

        Only when asked (``steps``): golden-frame tests and previews use it,
        usually with animations skipped, so the frame is drawn here on purpose.
        """
        if self.steps:
            scene.renderer.update_frame(scene, ignore_skipping=True)
            steps = scene.manifest.steps
            name = steps[-1].name if steps else ""
            self.step_frames.append((name, scene.renderer.get_frame()))


# Animations that only bring a mobject in or take it out: at their end the mobject
# is exactly as it was built, added to the scene or removed from it.
_INS_AND_OUTS = (
    Create,
    DrawBorderThenFill,
    FadeIn,
    FadeOut,
    GrowArrow,
    GrowFromCenter,
    GrowFromEdge,
    GrowFromPoint,
    SpinInFromNothing,
    Write,
)


def _jump_to_end(animation: Animation, scene: Scene) -> Animation:
    """``animation`` itself, or when it only brings its mobject in or out, an
    animation already at its end, having added or removed the mobject.

    Stills skip animations, but Manim still begins each one, and beginning a
    FadeIn or a Write copies its mobject (twice for a FadeIn, the whole family):
    most of a preview's time in scenes with large groups. Jumping is exact: the
    ends are the mobjects unchanged, which the golden-frame tests check.
    """
    if not _only_in_or_out(animation):
        return animation
    for part in getattr(animation, "animations", [animation]):
        part._setup_scene(scene)  # an introducer adds its mobject here, as Manim does
        part._on_finish(scene)
        if part.is_remover():
            scene.remove(part.mobject)
    return Wait(animation.run_time)


def _only_in_or_out(animation: Animation) -> bool:
    if animation.rate_func(1.0) != 1.0 or animation.reverse_rate_function:
        return False  # it would end elsewhere (there and back, reversed)
    if type(animation) in (AnimationGroup, LaggedStart):
        plain = not (animation.introducer or animation.remover)
        return plain and all(
            type(a) in _INS_AND_OUTS and _only_in_or_out(a)  # no nested groups
            for a in animation.animations
        )
    return type(animation) in _INS_AND_OUTS
