"""Speech said before a render asks for it: every cue of the scenes about to render
that the speech cache lacks, said on all cores at once.

A scene's narrator says each step's cues as the scene reaches them, on the one core
its render runs on. Before scenes render (:func:`mathvid.run.parallel.render_many`,
a preview, the studio's runs), :func:`say_ahead` finds every cue they will say, from
their kept silent runs (:func:`mathvid.run.silent.silent_run`, made on all cores
when not kept), and says those not cached on a pool of warm voices
(:func:`mathvid.sound.chorus.say_all`); the renders then find them all in the
cache. The pool and the renders take turns: never both on the cores at once.

A scene rendered before whose cues, as its last render said them, are all cached
needs no silent run: it is not run again only to find that nothing is left to say
(a scene whose words changed since says its new cues in its render). A scene whose
silent run fails is left to its render, which says why.

Examples
--------
>>> say_ahead([], Path("media"))  # nothing to render: nothing said
0
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lesson.file import SceneEntry, scene_names
from lesson.manifest import Manifest
from lesson.words.said import SpokenCue, step_words
from mathvid.run.render import QUALITIES, Job, scene_folder, voice_cache
from mathvid.run.silent import (
    keep_runs,
    run_key,
    scene_workers,
    silent_run,
    steps_cache,
)
from mathvid.sound.chorus import say_all
from mathvid.sound.voice import Narration, Narrator


@dataclass(frozen=True)
class _Ahead:
    """A narrated scene about to render, with what saying it ahead needs, each
    worked out once: its entry, narrator, media folder, kept runs' folder and the
    key of its silent run there."""

    job: Job
    entry: SceneEntry
    narrator: Narrator
    media: Path
    steps: Path
    run: Path  # its kept silent run (there or not)


def say_ahead(
    jobs: Iterable[Job],
    media: Path | Iterable[Path],
    workers: int | None = None,
    make: bool = True,
    *,
    voices: Sequence[Path | None] | None = None,
    entries: Sequence[SceneEntry | None] | None = None,
    narrators: Sequence[Narrator | None] | None = None,
) -> int:
    """Say every cue that ``jobs`` (rendering into ``media``: one folder, or one a
    job) will say and the speech cache lacks, on ``workers`` processes (all cores
    by default; in this process for a single cue); how many cues were said.

    ``make``: make the silent runs that are not kept (seconds a scene, on all
    cores); else only the scenes whose run is kept are said ahead (a preview, which
    must answer in a second, does not run its scene twice). A caller that holds
    them already may give, a job each (None: worked out here), the speech cache
    (``voices``; :func:`~mathvid.run.render.voice_cache` of its media folder by
    default), the scene's lesson ``entries`` and their ``narrators``."""
    ahead = _aheads(list(jobs), media, voices, entries, narrators)
    if make:
        ahead = [a for a in ahead if a.run.exists() or not _all_cached_before(a)]
        for steps in {a.steps for a in ahead}:
            # On all cores, those not kept; a scene that fails is left to its render.
            with contextlib.suppress(Exception):
                runs = [a.entry for a in ahead if a.steps == steps and not a.run.exists()]
                keep_runs(runs, steps, scene_workers())
    else:
        ahead = [a for a in ahead if a.run.exists()]
    said: dict[tuple[Narration, Path], list[SpokenCue]] = {}
    for a in ahead:
        # Cues are said alike whatever a scene's own words and recordings.
        narration = a.narrator.narration
        voice = Narration(narration.voice, narration.speed)
        cues = said.setdefault((voice, a.narrator.cache), [])
        with contextlib.suppress(Exception):  # the scene's own mistake: its render says it
            silent, _ = silent_run(a.entry, a.steps)
            cues += manifest_cues(silent, a.narrator)
    return sum(
        say_all(voice, cache, cues, workers) for (voice, cache), cues in said.items()
    )


def _aheads(
    jobs: list[Job],
    media: Path | Iterable[Path],
    voices: Sequence[Path | None] | None,
    entries: Sequence[SceneEntry | None] | None,
    narrators: Sequence[Narrator | None] | None,
) -> list[_Ahead]:
    """The narrated ``jobs`` whose scene can be imported, each with what saying it
    ahead needs (the arguments as :func:`say_ahead` takes them)."""
    medias = [media] * len(jobs) if isinstance(media, Path) else list(media)
    out = []
    for n, (job, m) in enumerate(zip(jobs, medias, strict=True)):
        if job.narration is None:
            continue
        entry = (entries[n] if entries else None) or _entry(job)
        if entry is None:
            continue
        m = m.resolve()
        cache = (voices[n] if voices else None) or voice_cache(m)
        narrator = (narrators[n] if narrators else None) or Narrator(job.narration, cache)
        steps = steps_cache(m, cache)
        out.append(_Ahead(job, entry, narrator, m, steps, steps / f"{run_key(entry)}.json"))
    return out


def _all_cached_before(a: _Ahead) -> bool:
    """Whether every cue of ``a``'s scene as its last render said them (at any
    quality, its own first) is in the speech cache; False when it was never
    rendered (or its manifest cannot be read)."""
    qualities = sorted(QUALITIES, key=lambda q: q != a.job.quality)
    for quality in qualities:
        path = scene_folder(a.media, a.job.id, quality, a.job.theme) / "scene.json"
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            cues = manifest_cues(Manifest.read(path), a.narrator)
            return all(a.narrator.cue_frames(cue) is not None for cue in cues)
    return False


def scene_cues(entry: SceneEntry, narrator: Narrator, media: Path) -> list[SpokenCue]:
    """The cues ``narrator`` says in ``entry``'s scene, step by step (those of steps
    a teacher's recording says left out), from its silent run kept under ``media``
    (made here if it is not); none when that run fails."""
    try:
        silent, _ = silent_run(entry, steps_cache(media))
    except Exception:  # the scene's own mistake: its render says it
        return []
    return manifest_cues(silent, narrator)


def manifest_cues(manifest: Manifest, narrator: Narrator) -> list[SpokenCue]:
    """The cues ``narrator`` says for the steps of ``manifest`` (a silent run's, or
    a render's), but for those of steps a teacher's recording says."""
    cues = []
    for n, step in enumerate(manifest.steps, start=1):
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
