"""The base of every lesson scene: parameters, steps with captions, a data manifest.

A :class:`LessonScene` subclass declares ``Params``, a frozen dataclass whose
defaults are the notebook's values. Each pedagogical step starts with
:meth:`LessonScene.step` (a Manim section plus its caption), and every number the
scene shows is recorded with :meth:`LessonScene.record`, so that the manifest
written beside the video (``<video>.json``) can be checked against ``mathcore``.

Given a :class:`Narrator`, each step is also spoken: the step lasts as long as its
animation or its speech, whichever is longer, plus :data:`PAUSE` (the last frame is
held while the words go on); the captions are the speech's cues, timed to it; and
the speeches are kept, with when each starts, for mathvid to mix into the video.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np
from manim import Scene, ThreeDScene, config

from scenes.kit.mesh import SurfaceCamera

PAUSE = 0.5
"""Seconds of quiet after a step's speech before the next step begins."""


@dataclasses.dataclass(frozen=True)
class NoParams:
    """Parameters of a scene that has none."""


@dataclasses.dataclass(frozen=True)
class Cue:
    """One caption cue of a step's speech: its text (at most two lines) and when it
    is heard, in seconds from the step's start."""

    text: str
    start: float
    end: float


@dataclasses.dataclass(frozen=True)
class Speech:
    """What a step says: its cues, and the audio (mono float32 at ``rate``)."""

    cues: tuple[Cue, ...]
    audio: np.ndarray = dataclasses.field(repr=False)
    source: str  # "voice" or "recording"
    rate: int = 48_000

    @property
    def duration(self) -> float:
        return len(self.audio) / self.rate


class Narrator(Protocol):
    """Speaks a scene's steps (``mathvid.voice.Narrator`` is one)."""

    def speak(self, number: int, name: str, caption: str) -> Speech: ...


class LessonScene(Scene):
    """A Manim scene with typed parameters, captioned steps and a data manifest."""

    Params: ClassVar[type] = NoParams

    def __init__(
        self, params: Any = None, narrator: Narrator | None = None, **kwargs: Any
    ) -> None:
        self._caption_durations: list[float | None] = []
        self._shows: list[str] = []  # values recorded before the first step
        self.narrator = narrator
        self.speeches: list[tuple[float, Speech]] = []  # (when, what) of each step
        self.params = params if params is not None else self.Params()
        self.manifest: dict[str, Any] = {
            "scene": type(self).__name__,
            "params": _plain(dataclasses.asdict(self.params)),
            "steps": [],
            "values": {},
        }
        super().__init__(**kwargs)

    def step(
        self, name: str, caption: str, duration: float | None = None, say: str = ""
    ) -> None:
        """Start a section called ``name`` whose caption is ``caption``.

        The caption stays on screen for the whole step, or ``duration`` seconds.
        With a narrator, the step is spoken, and the cues of what is said are the
        captions: ``say`` when the words for the ear differ from the caption's
        (the narrator puts a caption's numbers and formulas into words itself).
        """
        self._hold_for_speech()
        self.next_section(name)
        self._caption_durations.append(duration)
        start = self.renderer.time
        entry = {"name": name, "caption": caption, "start": start, "shows": []}
        if not self.manifest["steps"]:
            entry["shows"], self._shows = self._shows, []
        if say:
            entry["say"] = say
        self.manifest["steps"].append(entry)
        if self.narrator is not None:
            words = say or caption
            speech = self.narrator.speak(len(self.manifest["steps"]), name, words)
            self.speeches.append((start, speech))
            entry["speech"] = {
                "source": speech.source,
                "start": start,
                "end": start + speech.duration,
                "cues": [dataclasses.asdict(c) for c in speech.cues],
            }

    def _hold_for_speech(self) -> None:
        """Hold the last frame until the current step's speech (and a pause) ends."""
        if self.speeches:
            start, speech = self.speeches[-1]
            left = start + speech.duration + PAUSE - self.renderer.time
            if left > 1e-9:  # in whole frames, rounded up: never cut a word short
                fps = config.frame_rate
                # Frozen: the last frame, encoded again, not redrawn (a scene with
                # live updaters would otherwise draw every frame of the hold).
                self.wait(math.ceil(left * fps - 1e-6) / fps, frozen_frame=True)

    def record(self, key: str, value: Any) -> Any:
        """Note a number (or structure of numbers) the viewer sees; returns it. The
        step being shown notes it too (its description says what it shows)."""
        self.manifest["values"][key] = _plain(value)
        # Before the first step, what is recorded is shown by the first step.
        shows = (
            self.manifest["steps"][-1]["shows"] if self.manifest["steps"] else self._shows
        )
        if key not in shows:
            shows.append(key)
        return value

    def tear_down(self) -> None:
        self._hold_for_speech()
        self.manifest["duration"] = now = self.renderer.time
        if self.speeches:
            for start, speech in self.speeches:
                for cue in speech.cues:
                    self.add_subcaption(
                        cue.text,
                        duration=cue.end - cue.start,
                        offset=start + cue.start - now,
                    )
            return
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
