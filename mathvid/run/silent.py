"""A scene's silent run: its steps, their words and how long each one's animation
runs, without rendering, synthesising speech or drawing a frame; kept.

A scene's steps and their words are the same whether it is narrated or not (the
narration only holds a step's last frame while its words go on:
:meth:`scenes.base.LessonScene.step`). So a scene is run once with its animations
skipped and silent (:func:`silent_run`), and that run is kept, by a digest of
everything it depends on (the scene's code, its parameters, mathcore, Manim's
set-up), in ``steps/`` beside the speech cache, shared by every lesson file.
``mathvid list``, ``script`` and ``check`` lay its narrated lengths out from it
(:mod:`mathvid.lengths`); a render finds in it the cues to say ahead
(:mod:`mathvid.run.ahead`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from pathlib import Path

from lesson.file import SceneEntry
from lesson.manifest import Manifest
from mathvid.media import write_text
from mathvid.run.manim_setup import ROOT, SETUP_SOURCES
from mathvid.run.render import voice_cache

STEPS = "steps"
"""The folder of kept silent runs, beside the speech cache (``voice/``)."""
_RUN = Path(__file__).parent


def scene_workers() -> BaseContext:
    """Processes to run scenes in: started by a forkserver that has imported Manim
    and the scenes' base (each a fresh process, Manim's config being global, without
    paying for Manim's import every time; never forked from a process whose other
    threads may hold a lock)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["manim", "mathcore.functions", "scenes.base"])
    return context


def steps_cache(media: Path, voices: Path | None = None) -> Path:
    """Where silent runs are kept: beside the speech cache (``media/steps/``),
    shared by the lessons under one media folder; beside ``voices`` when the
    speech cache is given (a variant's is its lesson's)."""
    return (voices or voice_cache(media)).with_name(STEPS)


def silent_run(entry: SceneEntry, cache: Path) -> tuple[Manifest, float]:
    """The manifest of ``entry``'s scene run silent with its animations skipped,
    and the frame rate it ran at (a step's hold is whole frames); kept in
    ``cache`` by a digest of everything the run depends on."""
    path = cache / f"{run_key(entry)}.json"
    if path.exists():
        kept = json.loads(path.read_text(encoding="utf-8"))
        return Manifest.from_dict(kept["manifest"]), kept["frame_rate"]
    from mathvid.run.stills import run_skipping_animations

    scene = run_skipping_animations(entry.scene_cls, entry.params, (64, 36))
    rate = float(scene.renderer.camera.frame_rate)
    kept = {"manifest": scene.manifest.as_dict(), "frame_rate": rate}
    cache.mkdir(parents=True, exist_ok=True)
    write_text(path, json.dumps(kept))
    return scene.manifest, rate


def keep_runs(
    entries: list[SceneEntry], cache: Path, context: BaseContext | None = None
) -> None:
    """Make the silent runs of ``entries`` that ``cache`` does not keep yet, on all
    cores (a lesson listed for the first time, or after its code changed), in
    processes of ``context`` (forked by default: the scenes' code is imported
    already, reading the lesson did; a process with threads running, such as a
    progress display's, gives :func:`scene_workers`)."""
    keyed = {run_key(e): e for e in entries}
    missing = [e for key, e in keyed.items() if not (cache / f"{key}.json").exists()]
    if len(missing) < 2:
        return  # one is made where it is needed, without a process to start
    workers = min(len(missing), os.cpu_count() or 1)
    context = context or multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        # Longest first would be better; unknown before they run.
        list(pool.map(silent_run, missing, [cache] * len(missing)))


def kept(entry: SceneEntry, cache: Path) -> bool:
    """Whether ``cache`` keeps ``entry``'s silent run (as its code now is)."""
    return (cache / f"{run_key(entry)}.json").exists()


def run_key(entry: SceneEntry) -> str:
    """A digest of what a silent run of ``entry`` depends on: its scene and
    parameters, and the code any scene may run (:func:`_code_digest`)."""
    said = f"{entry.scene}\n{entry.params!r}\n{_code_digest()}"
    return hashlib.sha256(said.encode()).hexdigest()


@functools.cache
def _code_digest() -> str:
    """A digest of the code a scene's silent run may use: the scenes, the lesson's
    words and types, mathcore, Manim's set-up and how a run skips its animations.
    All of it, not only what a scene imports: one digest for every scene, read once
    (an edit re-runs every scene once, seconds each)."""
    sources = [ROOT / "manim.cfg", ROOT / "requirements.lock"]
    for folder in ("scenes", "lesson", "mathcore"):
        sources += sorted((ROOT / folder).rglob("*.py"))
    sources += [_RUN / "stills.py", _RUN / "capture.py", *SETUP_SOURCES]
    digest = hashlib.sha256()
    for path in sources:
        digest.update(f"{path.relative_to(ROOT)}\0".encode() + path.read_bytes())
    return digest.hexdigest()
