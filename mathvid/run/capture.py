"""Stills taken while a scene runs with its animations skipped: previews and goldens.

A scene author writes a :class:`scenes.base.LessonScene` and never sees this.
:func:`capturing` makes a subclass of the scene that, run with animations skipped,

- keeps the last frame of every step (``capture_steps``), and
- draws the frame at one moment, mid-animation if need be, and ends the scene there
  (``capture_at``, in seconds),

and that jumps over animations whose end state is known without playing them.

Examples
--------
>>> from scenes.derivatives import TangentLine
>>> cls = capturing(TangentLine)
>>> (cls.__name__, issubclass(cls, TangentLine), capturing(TangentLine) is cls)
('TangentLine', True, True)
"""

from __future__ import annotations

import functools
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


@functools.cache
def capturing(scene_cls: type) -> type:
    """``scene_cls`` with :class:`CaptureMixin` in front: same name, same behaviour,
    plus the keyword arguments ``capture_steps`` and ``capture_at``.

    The name is kept because Manim names its output files and the manifest names
    the scene after the class.
    """
    return type(scene_cls.__name__, (CaptureMixin, scene_cls), {})


class CaptureMixin:
    """Keeps step stills and a moment's still of a :class:`LessonScene` being run.

    Goes in front of a lesson scene class (see :func:`capturing`); relies on its
    ``manifest`` (the steps so far) and on Manim's ``Scene``.
    """

    def __init__(
        self,
        *args: Any,
        capture_steps: bool = False,
        capture_at: float | None = None,
        **kwargs: Any,
    ) -> None:
        self.capture_steps = capture_steps
        self.step_frames: list[tuple[str, np.ndarray]] = []
        # A still at ``capture_at`` seconds (previews): the scene stops once it has it.
        self.capture_at = capture_at
        self.moment_frame: np.ndarray | None = None
        super().__init__(*args, **kwargs)

    def step(self, *args: Any, **kwargs: Any) -> None:
        if self.manifest["steps"]:
            self._snapshot()  # the step that is ending
        super().step(*args, **kwargs)  # whatever LessonScene.step takes

    def tear_down(self) -> None:
        super().tear_down()
        if self.capture_at is not None and self.moment_frame is None:
            self._capture_moment()  # asked for the scene's end, or a moment past it
        self._snapshot()

    def begin_animations(self) -> None:
        """Begin this play's animations; skipping towards a still, jump over those
        whose end is their mobject as it is (see :func:`_jump_to_end`)."""
        if self.renderer.skip_animations and not self._moment_in_this_play():
            self.animations = [_jump_to_end(a, self) for a in self.animations]
        super().begin_animations()
        if self.renderer.skip_animations:
            # Manim paints what stays still onto a background image, to draw only
            # what moves on top of it each frame. Skipping, no frame is drawn; and
            # a still drawn after a wait would paint the still parts twice over
            # that image (their antialiased edges twice as strong) where the video
            # paints them once.
            self.static_mobjects = []

    def play_internal(self, skip_rendering: bool = False) -> None:
        """Play the current animations; when a still at ``capture_at`` is wanted and
        this animation spans it, draw that moment and end the scene there.

        With animations skipped, the renderer has already moved its clock to the end
        of this animation, so it started at ``time − duration``.
        """
        skipping = self.renderer.skip_animations
        if skipping and self._moment_in_this_play():
            start = self.renderer.time - self.duration
            # Before start: the moment lies in a wait, whose picture is the current one.
            if self.capture_at > start:
                self.update_to_time(self.capture_at - start)
            self._capture_moment()
            raise EndSceneEarlyException()
        # Skipping, Manim still draws the end of each animation, for no frame.
        super().play_internal(skip_rendering or skipping)

    def _moment_in_this_play(self) -> bool:
        """Whether the still at ``capture_at`` is still wanted and falls before the
        end of the current play (skipping, the renderer's clock is at that end)."""
        at = self.capture_at
        return at is not None and self.moment_frame is None and at < self.renderer.time

    def _capture_moment(self) -> None:
        self.renderer.update_frame(self, ignore_skipping=True)
        self.moment_frame = self.renderer.get_frame()

    def _snapshot(self) -> None:
        """Keep the current frame as the last frame of the step that is ending.

        Only when asked (``capture_steps``): golden-frame tests and previews use it,
        usually with animations skipped, so the frame is drawn here on purpose.
        """
        if self.capture_steps:
            self.renderer.update_frame(self, ignore_skipping=True)
            name = self.manifest["steps"][-1]["name"] if self.manifest["steps"] else ""
            self.step_frames.append((name, self.renderer.get_frame()))


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
