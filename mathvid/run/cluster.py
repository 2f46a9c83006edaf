"""Render scenes on a Dask cluster (:func:`render_on_cluster`, called by
:func:`mathvid.run.parallel.render_tasks` when given a scheduler).

A Dask worker renders in a fresh process of its own (``python -m
mathvid.run.cluster``, the job pickled on stdin) into a private folder and sends the
files back, which are stored here as safely as a local render's: nothing relies on a
file system shared with the client.

What the jobs share is made once on the cluster:

- **Speech.** Before sending the renders, the client finds every cue their scenes
  say (from their kept silent runs, as :func:`mathvid.run.ahead.say_ahead` finds
  them) and sends one task per distinct cue its own speech cache lacks
  (:func:`say_remote`), keyed by the cue and voice (:func:`cue_key`): Dask computes
  a key once, however many jobs say it, and a worker's voice stays warm from cue to
  cue. A render task takes the sounds of its cues as its dependencies (those the
  client had, sent once each) and puts them in its private speech cache first, so
  it says nothing itself; what the cue tasks said is kept in the client's cache.
- **Formulas.** A worker's render process typesets into the formula cache of the
  worker's own checkout (``media/Tex`` and ``media/TexPaths``,
  :func:`mathvid.run.manim_setup.tex_cache`), which lives on from job to job and
  worker to worker of that machine: a formula is typeset once a machine.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mathvid.media import check_target, replacing, temporary_folder
from mathvid.run.manim_setup import ROOT
from mathvid.run.render import (
    Job,
    Rendered,
    RenderError,
    Task,
    inputs_key,
    one_line,
    render,
    replace_folder,
    scene_folder,
    scene_lock,
    voice_cache,
    work_folder,
)

if TYPE_CHECKING:
    from distributed import Client, Future

    from lesson.words.said import SpokenCue
    from mathvid.sound.voice import Narration, Narrator

CONNECT_SECONDS = float(os.environ.get("MATHVID_SCHEDULER_SECONDS", 15.0))
"""How long a render tries to reach the Dask scheduler before saying it cannot: Dask
retries a refused connection until then (a test of that waits it out)."""

Sounds = dict[str, bytes]
"""Files of a speech cache, by name: what a cue's saying leaves there."""


def render_on_cluster(
    tasks: list[Task],
    scheduler: str,
    results: dict[str, Rendered],
    errors: dict[str, str],
    on_done: Callable[[str, Rendered | None, str | None], None] | None,
) -> None:
    """Render ``tasks`` on Dask workers and store what they send back in each
    task's media folder; their speech said once on the cluster (see the module)."""
    from distributed import Client, as_completed

    try:
        client = Client(scheduler, timeout=f"{CONNECT_SECONDS:g}s")
    except (OSError, TimeoutError) as err:
        raise RenderError(
            f"cannot reach the Dask scheduler at {scheduler}: {err}"
        ) from None
    with client:
        said, sounds = _speech(client, tasks)
        futures = {
            client.submit(render_remote, t.job, sounds[t.name], pure=False): t
            for t in tasks
        }
        for future in as_completed([*said, *futures]):
            if future in said:  # kept as it comes: the next render needs no cluster
                if future.status == "finished":
                    for cache in said[future]:
                        _keep(future.result(), cache)
                continue
            task = futures[future]
            try:
                stored = _store(task.job, future.result(), task.media.resolve())
                results[task.name] = stored
            except Exception as err:  # reported per scene; the others go on
                errors[task.name] = one_line(err)
            if on_done:
                on_done(task.name, results.get(task.name), errors.get(task.name))


def _speech(
    client: Client, tasks: list[Task]
) -> tuple[dict[Future, list[Path]], dict[str, list[Future]]]:
    """The cue tasks sent for what the client's speech caches lack (each with the
    caches its sounds go to), and each task's sounds, as futures, by task name."""
    from mathvid.sound.voice import Narrator

    wanted = _cues(tasks)
    futures: dict[str, Future] = {}
    said: dict[Future, list[Path]] = {}  # a cue said, for the client's caches lacking it
    held: dict[str, Sounds] = {}
    for cues in wanted.values():
        for voice, cache, cue in cues:
            key = cue_key(voice, cue)
            if key in held or cache in said.get(futures.get(key), ()):
                continue
            files = _cached_sounds(Narrator(voice, cache), cue)
            if files is not None:
                held[key] = files
                continue
            if key not in futures:
                futures[key] = client.submit(say_remote, voice, cue, key=key)
            said.setdefault(futures[key], []).append(cache)
    # Sent once each, named by their content: a worker fetches what its jobs need.
    if held:
        scattered = client.scatter(list(held.values()), hash=True)
        futures |= dict(zip(held, scattered, strict=True))
    sounds = {
        name: [futures[k] for k in dict.fromkeys(cue_key(v, c) for v, _, c in cues)]
        for name, cues in wanted.items()
    }
    return said, sounds


def _cues(tasks: list[Task]) -> dict[str, list[tuple[Narration, Path, SpokenCue]]]:
    """Each task's cues, by task name: with the voice that says them and the
    client's speech cache for them (none for a silent job, or one whose silent run
    fails: its render says why). As :func:`mathvid.run.ahead.say_ahead` finds them:
    from the scenes' kept silent runs, those not kept made first on all cores."""
    from mathvid.run.ahead import _entry, manifest_cues
    from mathvid.run.silent import keep_runs, scene_workers, silent_run, steps_cache
    from mathvid.sound.voice import Narration, Narrator

    told = []  # (task, its scene's entry, its speech cache, its kept runs' folder)
    for t in tasks:
        if t.job.narration is not None and (entry := _entry(t.job)) is not None:
            cache = t.voices or voice_cache(t.media.resolve())
            told.append((t, entry, cache, steps_cache(t.media.resolve(), cache)))
    for steps in {steps for *_, steps in told}:
        with contextlib.suppress(Exception):  # a scene that fails: its render says why
            keep_runs([e for _, e, _, s in told if s == steps], steps, scene_workers())
    wanted: dict[str, list] = {t.name: [] for t in tasks}
    for task, entry, cache, steps in told:
        narration = task.job.narration
        # Cues are said alike whatever a scene's own words and recordings.
        voice = Narration(narration.voice, narration.speed)
        with contextlib.suppress(Exception):
            silent, _ = silent_run(entry, steps)
            cues = manifest_cues(silent, Narrator(narration, cache))
            wanted[task.name] = [(voice, cache, cue) for cue in cues]
    return wanted


def cue_key(voice: Narration, cue: SpokenCue) -> str:
    """The Dask key of saying ``cue`` in ``voice``: the same wherever it is asked.

    >>> from lesson.words.said import SpokenCue
    >>> from mathvid.sound.voice import Narration
    >>> cue_key(Narration(), SpokenCue("x = 1.", "x equals one.")).startswith("say-")
    True
    """
    from mathvid.sound.voice import engine

    said = repr((voice.voice, voice.speed, cue.shown, cue.said, engine()))
    return f"say-{hashlib.sha256(said.encode()).hexdigest()}"


def _cached_sounds(narrator: Narrator, cue: SpokenCue) -> Sounds | None:
    """The files of ``narrator``'s cache that saying ``cue`` reads, by the cache's
    own names (what a render's narrator looks up); None when it was never said."""
    paths = narrator.cue_files(cue)
    return None if paths is None else {path.name: path.read_bytes() for path in paths}


def say_remote(voice: Narration, cue: SpokenCue) -> Sounds:
    """On a Dask worker: say ``cue`` in ``voice`` as a narrator would (its pace
    found as :meth:`~mathvid.sound.voice.Narrator.cue_speed` finds it) into a
    private speech cache; its files as bytes. The worker's voice session is made
    once and kept (:mod:`mathvid.sound.piper_model`)."""
    from mathvid.sound.voice import Narrator

    with temporary_folder("mathvid-say-") as cache:
        Narrator(voice, cache).cue_speed(cue)
        return {path.name: path.read_bytes() for path in sorted(cache.iterdir())}


def _keep(files: Sounds, cache: Path) -> None:
    """``files`` (a cue's sounds, from a worker) into the speech cache ``cache``,
    each written whole; a name from elsewhere within ``cache``, or refused."""
    cache.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = cache / name
        if not path.exists():
            with replacing(path, within=cache) as tmp:
                tmp.write_bytes(data)


def render_remote(job: Job, sounds: list[Sounds] | None = None) -> dict[str, bytes]:
    """On a Dask worker: render ``job`` in a fresh process into a private folder, its
    speech cache holding ``sounds`` (its cues' files), and return its files as
    bytes, so nothing relies on a file system shared with the client.

    A fresh process, because Manim's configuration is global and a worker is reused.
    """
    import pickle
    import subprocess
    import sys

    with temporary_folder("mathvid-worker-") as media:
        cache = voice_cache(media)
        for files in sounds or []:
            _keep(files, cache)
        done = subprocess.run(
            [sys.executable, "-m", "mathvid.run.cluster"],
            input=pickle.dumps((job, str(media))),
            capture_output=True,
            cwd=ROOT,
        )
        if done.returncode != 0:
            lines = done.stderr.decode(errors="replace").strip().splitlines()
            raise RenderError(
                lines[-1] if lines else f"worker exit status {done.returncode}"
            )
        folder = scene_folder(Path(media), job.id, job.quality, job.theme)
        return {
            str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }


def _store(job: Job, files: dict[str, bytes], media: Path) -> Rendered:
    """Write a scene's files, as a worker sent them, into ``media``, safely."""
    if files.get("inputs.key", b"").decode() != inputs_key(job):
        raise RenderError("the worker's code or parameters differ from this checkout's")
    folder = scene_folder(media, job.id, job.quality, job.theme)
    with scene_lock(media, job.id):
        work = work_folder(media, job)
        try:
            for name, data in files.items():
                # A name from elsewhere: within the work folder, or refused.
                target = check_target(work / name, within=work)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            replace_folder(work, folder)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return Rendered(job.id, folder, suffix=job.suffix)


if __name__ == "__main__":  # a render job sent by render_remote, pickled on stdin
    import pickle
    import sys

    job, media = pickle.loads(sys.stdin.buffer.read())
    try:
        render(job, Path(media))
    except RenderError as err:
        sys.exit(str(err))
