"""The base of every lesson scene: parameters, steps with captions, a data manifest.

A :class:`LessonScene` subclass declares ``Params``, a frozen dataclass whose
defaults are the notebook's values. Each pedagogical step starts with
:meth:`LessonScene.step` (a Manim section plus its caption), and every number the
scene shows is recorded with :meth:`LessonScene.record`, so that the manifest
written beside the video (``<video>.json``) can be checked against ``mathcore``.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any, ClassVar

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
    ThreeDScene,
    Wait,
    Write,
)
from manim.utils.exceptions import EndSceneEarlyException

from scenes.surface import SurfaceCamera


@dataclasses.dataclass(frozen=True)
class NoParams:
    """Parameters of a scene that has none."""


class LessonScene(Scene):
    """A Manim scene with typed parameters, captioned steps and a data manifest."""

    Params: ClassVar[type] = NoParams

    def __init__(
        self,
        params: Any = None,
        capture_steps: bool = False,
        capture_at: float | None = None,
        **kwargs: Any,
    ) -> None:
        self.capture_steps = capture_steps
        self.step_frames: list[tuple[str, np.ndarray]] = []
        # A still at ``capture_at`` seconds (previews): the scene stops once it has it.
        self.capture_at = capture_at
        self.moment_frame: np.ndarray | None = None
        self._caption_durations: list[float | None] = []
        self.params = params if params is not None else self.Params()
        self.manifest: dict[str, Any] = {
            "scene": type(self).__name__,
            "params": _plain(dataclasses.asdict(self.params)),
            "steps": [],
            "values": {},
        }
        super().__init__(**kwargs)

    def step(self, name: str, caption: str, duration: float | None = None) -> None:
        """Start a section called ``name`` whose caption is ``caption``.

        The caption stays on screen for the whole step, or ``duration`` seconds.
        """
        if self.manifest["steps"]:
            self._snapshot()
        self.next_section(name)
        self._caption_durations.append(duration)
        start = self.renderer.time
        self.manifest["steps"].append({"name": name, "caption": caption, "start": start})

    def record(self, key: str, value: Any) -> Any:
        """Note a number (or structure of numbers) the viewer sees; returns it."""
        self.manifest["values"][key] = _plain(value)
        return value

    def tear_down(self) -> None:
        self.manifest["duration"] = now = self.renderer.time
        # Captions are written once the steps' lengths are known: each lasts its step.
        steps = self.manifest["steps"]
        ends = [s["start"] for s in steps[1:]] + [now]
        for step, end, duration in zip(steps, ends, self._caption_durations, strict=True):
            length = duration if duration is not None else end - step["start"]
            if length > 0:
                self.add_subcaption(
                    step["caption"], duration=length, offset=step["start"] - now
                )
        if self.capture_at is not None and self.moment_frame is None:
            self._capture_moment()  # asked for a moment past the end: the last frame
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

    def render(self, preview: bool = False) -> bool:
        rerun = super().render(preview)
        writer = self.renderer.file_writer
        if writer.output_spec.is_video:  # stills (previews, golden frames) need none
            movie = Path(writer.movie_file_path)
            _write_atomically(
                movie.with_suffix(".json"), json.dumps(self.manifest, indent=2)
            )
        return rerun


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


def _plain(value: Any) -> Any:
    """JSON-ready copy of numbers, arrays, tuples and dicts."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _write_atomically(path: Path, text: str) -> None:
    # A reader never sees half a manifest: write beside it, then rename over it.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


class Lesson3DScene(LessonScene, ThreeDScene):
    """A :class:`LessonScene` with Manim's 3D camera (surfaces, camera moves).

    The camera is :class:`SurfaceCamera`, Manim's ``ThreeDCamera`` that can also draw
    a :class:`scenes.surface.MeshSurface`.
    """

    def __init__(self, params: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("camera_class", SurfaceCamera)
        super().__init__(params, **kwargs)
