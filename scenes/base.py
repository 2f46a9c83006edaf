"""The base of every lesson scene: parameters, steps with captions, a data manifest.

A :class:`LessonScene` subclass declares ``Params``, a frozen dataclass whose
defaults are the notebook's values (a :class:`lesson.params.Params`: its ``check()``
refuses what the scene cannot show). Each pedagogical step starts with
:meth:`LessonScene.step` (a Manim section plus its caption), and every number the
scene shows is recorded with :meth:`LessonScene.record`, so that the manifest
(:class:`lesson.manifest.Manifest`) written beside the video (``<video>.json``) can
be checked against ``mathcore``.

Given a :class:`Narrator`, each step is also spoken: what it says is decided in
:func:`lesson.words.said.step_words` (the lesson's words for it, which the narrator
offers, else the scene's; in cues, each as shown and as said), and the narrator
turns that into sound. The step lasts as long as its animation or its speech,
whichever is longer, plus :data:`PAUSE` (the last frame is held while the words go
on); the captions are the speech's cues, timed to it; and the speeches are kept,
with when each starts, for mathvid to mix into the video.

A silent scene is paced the same way for the eye: its captions are cut into the same
cues (:func:`lesson.words.speech.cue_texts`), and a step lasts at least as long as
reading them at :data:`~lesson.words.speech.READING_RATE`, plus :data:`PAUSE`; its
cues share the step's time by their length, so none is read faster than that.

What a tool may hook into a run (mathvid's stills, previews and studio) is declared
here: it passes :class:`Observer` objects (``observers=``), told of each step, each
play and the end; a scene is never subclassed or patched from outside.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np
from manim import Scene, ThreeDScene, config

from lesson.manifest import AUDIO_RATE, Cue, Manifest, Step
from lesson.manifest import Speech as Spoken
from lesson.params import Params
from lesson.themes import DEFAULT, Theme
from lesson.words.said import StepWords, step_words
from lesson.words.speech import cue_texts, reading_time
from scenes.kit import look
from scenes.kit.mesh import SurfaceCamera

PAUSE = 0.5
"""Seconds of quiet after a step's speech (or reading) before the next step begins."""


@dataclasses.dataclass(frozen=True)
class NoParams(Params):
    """Parameters of a scene that has none."""


@dataclasses.dataclass(frozen=True)
class Speech:
    """What a step says: its cues, and the audio (mono float32 at
    :data:`lesson.manifest.AUDIO_RATE`)."""

    cues: tuple[Cue, ...]
    audio: np.ndarray = dataclasses.field(repr=False)
    source: str  # "voice", "recording", or "recording-step-text" (no words given)

    @property
    def duration(self) -> float:
        return len(self.audio) / AUDIO_RATE


def spread(texts: list[str], seconds: float) -> tuple[Cue, ...]:
    """Cues of ``texts`` one after another over ``seconds``, each on for a time
    proportional to its characters.

    >>> [(c.text, c.start, c.end) for c in spread(["ab", "abcdef"], 2.0)]
    [('ab', 0.0, 0.5), ('abcdef', 0.5, 2.0)]
    """
    weights = [max(len(t), 1) for t in texts]
    total, cues, at = sum(weights), [], 0
    for text, weight in zip(texts, weights, strict=True):
        # From the running count of characters: the last cue ends at ``seconds``.
        cues.append(Cue(text, seconds * at / total, seconds * (at + weight) / total))
        at += weight
    return tuple(cues)


class Narrator(Protocol):
    """Speaks a scene's steps (``mathvid.sound.voice.Narrator`` is one): it offers
    the lesson's words for them (``texts``: a step, by its number or its name's
    slug, → the words said instead of the scene's), and turns what a step says
    (:class:`lesson.words.said.StepWords`) into sound."""

    @property
    def texts(self) -> Mapping[str, str]: ...

    def speak(self, words: StepWords) -> Speech: ...


class Observer:
    """What a tool may hook into a run of a :class:`LessonScene`: each method is
    called at its moment with the scene, and does nothing here; an observer
    overrides those it needs (mathvid's stills and previews keep frames, the
    studio forks checkpoints).

    A run with its animations skipped (Manim's ``skip_animations``: stills,
    previews) is told :meth:`on_animations` and :meth:`on_frames` too, so that it can
    jump over animations or draw a moment in the middle of one.
    """

    def on_step(self, scene: LessonScene) -> None:
        """A step is about to begin (``scene.manifest.steps`` holds those before it;
        the last one's frame is on screen, its words not yet held out)."""

    def on_play(self, scene: LessonScene) -> None:
        """A play (animations, or a wait) is about to begin, at
        ``scene.renderer.time``: nothing of it is compiled yet."""

    def on_animations(self, scene: LessonScene) -> None:
        """Skipping animations: a play's ``scene.animations`` are compiled (the
        renderer's clock is already at its end) and about to begin; the observer
        may replace them."""

    def on_frames(self, scene: LessonScene) -> None:
        """Skipping animations: a play's frames are about to be drawn (Manim's
        ``play_internal``; a still wait has none); the play runs from
        ``scene.renderer.time - scene.duration``. The observer may draw a moment of
        it (``scene.update_to_time``) and end the scene there
        (``manim.utils.exceptions.EndSceneEarlyException``)."""

    def on_end(self, scene: LessonScene) -> None:
        """The scene has ended (its manifest has its duration, its captions are
        added); nothing is drawn after this."""


class LessonScene(Scene):
    """A Manim scene with typed parameters, captioned steps and a data manifest."""

    Params: ClassVar[type[Params]] = NoParams

    def __init__(
        self,
        params: Params | None = None,
        narrator: Narrator | None = None,
        observers: Sequence[Observer] = (),
        theme: Theme = DEFAULT,
        **kwargs: Any,
    ) -> None:
        self.theme = theme  # what it is drawn in: render() draws inside look.drawing_in
        self._read: list[tuple[list[str], float | None]] = []  # silent: cues, duration
        self._held_until = 0.0  # the step goes on at least until then (its words)
        self.holding = False  # the play being made is a step's hold (_hold)
        self._shows: list[str] = []  # values recorded before the first step
        self.narrator = narrator
        self.observers = tuple(observers)
        self.speeches: list[tuple[float, Speech]] = []  # (when, what) of each step
        self.params = params if params is not None else self.Params()
        self.manifest = Manifest(
            type(self).__name__, _plain(dataclasses.asdict(self.params))
        )
        super().__init__(**kwargs)

    def step(
        self,
        name: str,
        caption: str,
        duration: float | None = None,
        say: str = "",
        facts: Any = None,
        draws: str = "",
    ) -> None:
        """Start a section called ``name`` whose caption is ``caption``.

        Silent, the caption's cues stay on screen for the whole step, or for
        ``duration`` seconds when that is shorter and leaves time to read them
        (:meth:`_silent_cues`); the step lasts at least their reading time and
        :data:`PAUSE`.
        With a narrator, the step is spoken, and the cues of what is said are the
        captions: ``say`` when the words for the ear differ from the caption's
        (:func:`lesson.words.said.step_words` puts a caption's numbers and formulas
        into words itself), unless the lesson gives its own for the step.
        ``facts`` (a dataclass or dict from ``mathcore``) are what the step's words
        assert, kept in the manifest so that a test can check them against the run.
        ``draws`` says in one to three plain sentences what the step puts on screen,
        for viewers who cannot see it (the descriptions track).
        """
        for observer in self.observers:
            observer.on_step(self)
        self._hold()
        self.next_section(name)
        start = self.renderer.time
        steps = self.manifest.steps
        entry = Step(name, caption, start, say=say, draws=draws)
        if not steps:
            entry.shows, self._shows = self._shows, []
        if facts is not None:
            entry.facts = _plain(facts)
        steps.append(entry)
        if self.narrator is not None:
            words = step_words(len(steps), name, entry.said, self.narrator.texts)
            speech = self.narrator.speak(words)
            self.speeches.append((start, speech))
            end = start + speech.duration
            entry.speech = Spoken(speech.source, start, end, speech.cues)
            self._held_until = end + PAUSE
        else:
            cues = cue_texts(caption)
            self._read.append((cues, duration))
            self._held_until = start + reading_time(cues) + PAUSE

    def _hold(self) -> None:
        """Hold the last frame until the current step's words, heard or read, and a
        pause end; the step's manifest entry says for how long (``held``)."""
        left = self._held_until - self.renderer.time
        if left > 1e-9:  # in whole frames, rounded up: never cut a word short
            held = math.ceil(left * config.frame_rate - 1e-6) / config.frame_rate
            # Frozen: the last frame, encoded again, not redrawn (a scene with
            # live updaters would otherwise draw every frame of the hold).
            self.holding = True  # the one play narrated and silent runs differ in
            try:
                self.wait(held, frozen_frame=True)
            finally:
                self.holding = False
            # The step's length less this is its animation's (a script's target).
            self.manifest.steps[-1].held = held

    def record(self, key: str, value: Any) -> Any:
        """Note a number (or structure of numbers) the viewer sees; returns it. The
        step being shown notes it too (its description says what it shows)."""
        self.manifest.values[key] = _plain(value)
        # Before the first step, what is recorded is shown by the first step.
        steps = self.manifest.steps
        shows = steps[-1].shows if steps else self._shows
        if key not in shows:
            shows.append(key)
        return value

    def tear_down(self) -> None:
        self._hold()
        self.manifest.duration = now = self.renderer.time
        timed = [(start, s.cues) for start, s in self.speeches] or self._silent_cues()
        for start, cues in timed:
            for cue in cues:
                self.add_subcaption(
                    cue.text, duration=cue.end - cue.start, offset=start + cue.start - now
                )
        for observer in self.observers:
            observer.on_end(self)

    def _silent_cues(self) -> list[tuple[float, tuple[Cue, ...]]]:
        """Each silent step's start and timed cues, once the steps' lengths are known.

        The cues share the step, or its ``duration`` when given, but never less than
        their reading time and :data:`PAUSE` (:meth:`_hold` gave every step that
        much), so that none is read faster than
        :data:`~lesson.words.speech.READING_RATE`, nor overlaps the next step's.
        """
        timed = []
        spans = self.manifest.spans()
        for (start, end), (cues, duration) in zip(spans, self._read, strict=True):
            length = end - start
            if duration is not None:
                length = min(length, max(duration, reading_time(cues) + PAUSE))
            timed.append((start, spread(cues, length)))
        return timed

    def play(self, *args: Any, **kwargs: Any) -> None:
        for observer in self.observers:
            observer.on_play(self)
        super().play(*args, **kwargs)

    def begin_animations(self) -> None:
        skipping = self.renderer.skip_animations
        if skipping:
            for observer in self.observers:
                observer.on_animations(self)
        super().begin_animations()
        if skipping:
            # Manim paints what stays still onto a background image, to draw only
            # what moves on top of it each frame. Skipping, no frame is drawn; and
            # a still drawn after a wait would paint the still parts twice over
            # that image (their antialiased edges twice as strong) where the video
            # paints them once.
            self.static_mobjects = []

    def play_internal(self, skip_rendering: bool = False) -> None:
        skipping = self.renderer.skip_animations
        if skipping:
            for observer in self.observers:
                observer.on_frames(self)
        # Skipping, Manim would still draw the end of each animation, for no frame.
        super().play_internal(skip_rendering or skipping)

    def render(self, preview: bool = False) -> bool:
        # The scene's theme for its render only: the swatches its mobjects take as
        # they are made, and Manim's default colour, restored after (even on error).
        with look.drawing_in(self.theme):
            rerun = super().render(preview)
        writer = self.renderer.file_writer
        if writer.output_spec.is_video:  # stills (previews, golden frames) need none
            movie = Path(writer.movie_file_path)
            _write_atomically(movie.with_suffix(".json"), self.manifest.to_json())
        return rerun


def _plain(value: Any) -> Any:
    """JSON-ready copy of numbers, arrays, tuples and dicts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
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
