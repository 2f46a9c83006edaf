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
from manim import Scene, ThreeDScene

from scenes.kit.mesh import SurfaceCamera


@dataclasses.dataclass(frozen=True)
class NoParams:
    """Parameters of a scene that has none."""


class LessonScene(Scene):
    """A Manim scene with typed parameters, captioned steps and a data manifest."""

    Params: ClassVar[type] = NoParams

    def __init__(self, params: Any = None, **kwargs: Any) -> None:
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

    def render(self, preview: bool = False) -> bool:
        rerun = super().render(preview)
        writer = self.renderer.file_writer
        if writer.output_spec.is_video:  # stills (previews, golden frames) need none
            movie = Path(writer.movie_file_path)
            _write_atomically(
                movie.with_suffix(".json"), json.dumps(self.manifest, indent=2)
            )
        return rerun


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
    a :class:`scenes.kit.mesh.MeshSurface`.
    """

    def __init__(self, params: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("camera_class", SurfaceCamera)
        super().__init__(params, **kwargs)
