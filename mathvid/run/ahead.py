"""Speech said before a render asks for it: every cue of the scenes about to render
that the speech cache lacks, said on all cores at once.

A scene's narrator says each step's cues as the scene reaches them, on the one core
its render runs on. Before scenes render (:func:`mathvid.run.parallel.render_many`,
a preview, the studio's runs), :func:`say_ahead` finds every cue they will say, from
their kept silent runs (:func:`mathvid.run.silent.silent_run`, made on all cores
when not kept), and says those not cached on a pool of warm voices
(:func:`mathvid.sound.chorus.say_all`); the renders then find them all in the
cache. The pool and the renders take turns: never both on the cores at once.

A scene whose silent run fails is left to its render, which says why.

Examples
--------
>>> say_ahead([], Path("media"))  # nothing to render: nothing said
0
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterable
from pathlib import Path

from lesson.file import SceneEntry, scene_names
from lesson.words.said import SpokenCue, step_words
from mathvid.run.render import Job, voice_cache
from mathvid.run.silent import (
    keep_runs,
    kept,
    scene_workers,
    silent_run,
    steps_cache,
)
from mathvid.sound.chorus import say_all
from mathvid.sound.voice import Narration, Narrator


def say_ahead(
    jobs: Iterable[Job],
    media: Path | Iterable[Path],
    workers: int | None = None,
    make: bool = True,
) -> int:
    """Say every cue that ``jobs`` (rendering into ``media``: one folder, or one a
    job) will say and the speech cache lacks, on ``workers`` processes (all cores
    by default; in this process for a single cue); how many cues were said.

    ``make``: make the silent runs that are not kept (seconds a scene, on all
    cores); else only the scenes whose run is kept are said ahead (a preview, which
    must answer in a second, does not run its scene twice)."""
    jobs = list(jobs)
    medias = [media] * len(jobs) if isinstance(media, Path) else list(media)
    entries = [
        (job, entry, m.resolve())
        for job, m in zip(jobs, medias, strict=True)
        if job.narration is not None and (entry := _entry(job)) is not None
    ]
    if not make:
        entries = [(j, e, m) for j, e, m in entries if kept(e, steps_cache(m))]
    for cache in {steps_cache(m) for *_, m in entries}:
        # On all cores, those not kept; a scene that fails is left to its render.
        with contextlib.suppress(Exception):
            runs = [e for _, e, m in entries if steps_cache(m) == cache]
            keep_runs(runs, cache, scene_workers())
    said: dict[tuple[Narration, Path], list[SpokenCue]] = {}
    for job, entry, media in entries:
        # Cues are said alike whatever a scene's own words and recordings.
        voice = Narration(job.narration.voice, job.narration.speed)
        said.setdefault((voice, voice_cache(media)), []).extend(
            scene_cues(entry, Narrator(job.narration, voice_cache(media)), media)
        )
    return sum(
        say_all(voice, cache, cues, workers) for (voice, cache), cues in said.items()
    )


def scene_cues(entry: SceneEntry, narrator: Narrator, media: Path) -> list[SpokenCue]:
    """The cues ``narrator`` says in ``entry``'s scene, step by step (those of steps
    a teacher's recording says left out), from its silent run kept under ``media``
    (made here if it is not); none when that run fails."""
    try:
        silent, _ = silent_run(entry, steps_cache(media))
    except Exception:  # the scene's own mistake: its render says it
        return []
    cues = []
    for n, step in enumerate(silent.steps, start=1):
        words = step_words(n, step.name, step.said, narrator.texts)
        if narrator.recording(words) is None:
            cues += words.cues
    return cues


def _entry(job: Job) -> SceneEntry | None:
    """``job``'s scene as a lesson's entry (what a silent run is made from); None
    when its class cannot be imported (its render says why)."""
    module, name = scene_names(job.scene)
    try:
        scene_cls = getattr(importlib.import_module(module), name)
    except Exception:
        return None
    return SceneEntry(job.id, job.id, job.scene, scene_cls, job.params)
