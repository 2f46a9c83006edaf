"""A lesson's steps and their lengths without rendering or synthesising speech:
what ``mathvid list``, ``script`` and ``check`` show, in a second or two.

A scene's steps, their words and how long each one's animation runs are the same
whether it is narrated or not, so they come from its silent run, kept
(:func:`mathvid.run.silent.silent_run`). Its narrated lengths are then laid out as
a render would (:func:`narrated`), from each step's speech: a teacher's recording,
the speech cache, or, for words not yet synthesised, an estimate from the words
(:mod:`mathvid.sound.estimate`), which the commands mark with ``≈``. A render, a
preview and the studio never use these: they synthesise and take the real lengths.

Examples
--------
>>> from lesson.manifest import Manifest, Step
>>> silent = Manifest("S", {}, [Step("a", "A", 0.0), Step("b", "B", 2.0)], duration=3.0)
>>> silent.steps[1].held = 0.5  # read for half a second after a half-second animation
>>> narrated(silent, 60, [1.0, 1.0]).spans()  # each said in 1 s, then a pause
[(0.0, 2.0), (2.0, 3.5)]
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from pathlib import Path

from lesson.file import Lesson, SceneEntry
from lesson.manifest import Manifest
from lesson.words.said import step_words
from mathvid.run.render import (
    QUALITIES,
    Job,
    inputs_key,
    is_current,
    scene_folder,
    voice_cache,
)
from mathvid.run.silent import keep_runs, silent_run, steps_cache
from mathvid.sound.estimate import spoken_length
from mathvid.sound.voice import Narration, Narrator, narration_of

ESTIMATED = "lengths marked ≈ are estimates until the speech is synthesised"
"""The line the commands add when a length is an estimate."""


@dataclass(frozen=True)
class Lengths:
    """A scene's manifest with its steps' narrated lengths, and which of them are
    estimates (``estimated``, by step; all False when every length is known)."""

    manifest: Manifest
    estimated: tuple[bool, ...]

    def mark(self, step: int | None = None) -> str:
        """``≈`` before a length that is an estimate (step ``step``'s, or the
        scene's when None), else nothing."""
        guessed = any(self.estimated) if step is None else self.estimated[step]
        return "≈" if guessed else ""


def lesson_lengths(lesson: Lesson, media: Path) -> list[Lengths]:
    """Every scene of ``lesson`` as narrated (silent when the lesson is), in order:
    from a current render when there is one, else from its silent run (made on all
    cores when not kept: :func:`keep_runs`) and its steps' speech."""
    narrations = [narration_of(lesson, entry) for entry in lesson.scenes]
    rendered = [
        _rendered(Job(e.id, e.scene, e.params, "m", narration), media)
        for e, narration in zip(lesson.scenes, narrations, strict=True)
    ]
    cache = steps_cache(media)
    keep_runs([e for e, r in zip(lesson.scenes, rendered, strict=True) if r is None], cache)
    return [
        Lengths(r, (False,) * len(r.steps)) if r is not None else _lengths(e, n, media)
        for e, n, r in zip(lesson.scenes, narrations, rendered, strict=True)
    ]


def _lengths(entry: SceneEntry, narration: Narration | None, media: Path) -> Lengths:
    """``entry``'s lengths from its silent run and its steps' speech."""
    silent, rate = silent_run(entry, steps_cache(media))
    if narration is None:
        return Lengths(silent, (False,) * len(silent.steps))
    spoken = speech_lengths(Narrator(narration, voice_cache(media)), silent)
    manifest = narrated(silent, rate, [seconds for seconds, _ in spoken])
    return Lengths(manifest, tuple(not exact for _, exact in spoken))


def speech_lengths(narrator: Narrator, silent: Manifest) -> list[tuple[float, bool]]:
    """How long ``narrator`` speaks each step of ``silent`` (a scene's manifest),
    and whether that is exact (:func:`mathvid.sound.estimate.spoken_length`)."""
    return [
        spoken_length(narrator, step_words(n, step.name, step.said, narrator.texts))
        for n, step in enumerate(silent.steps, start=1)
    ]


def _rendered(job: Job, media: Path) -> Manifest | None:
    """The manifest of ``job``'s current render at any quality, if there is one
    (timings are the scene's own, the same at every quality)."""
    for quality in QUALITIES:
        at = Job(job.id, job.scene, job.params, quality, job.narration)
        folder = scene_folder(media.resolve(), job.id, quality)
        # Its key digests the scene's code: only for a render there is.
        if (folder / "inputs.key").exists() and is_current(folder, inputs_key(at)):
            return Manifest.read(folder / "scene.json")
    return None


def narrated(silent: Manifest, frame_rate: float, speech: list[float]) -> Manifest:
    """``silent``'s manifest with each step said in ``speech`` seconds (by step), laid
    out as :meth:`scenes.base.LessonScene.step` does: a step lasts its animation, or
    its speech and :data:`scenes.base.PAUSE` when that is longer, its last frame held
    for whole frames at ``frame_rate``."""
    from scenes.base import PAUSE  # Manim: loaded already by the lesson's scenes

    out = copy.deepcopy(silent)
    at = silent.steps[0].start if silent.steps else 0.0
    for step, (start, end), said in zip(out.steps, silent.spans(), speech, strict=True):
        animation = end - start - (step.held or 0.0)
        left = said + PAUSE - animation
        held = math.ceil(left * frame_rate - 1e-6) / frame_rate if left > 1e-9 else None
        step.start, step.held = at, held
        at += animation + (held or 0.0)
    out.duration = at
    return out
