"""Render a lesson's pool of variants (``mathvid render|lesson|export --variants``):
each variant into a media folder of its own, what variants share rendered once.

::

    media/<lesson>/variants/<id>/     a variant's outputs, laid out as media/<lesson>/
        scenes/<scene>/<quality>/     (mathvid.run.render), lesson/<quality>/, ...

A scene's render depends only on its inputs key (:func:`mathvid.run.render.inputs_key`:
code, parameters, quality, words, theme), not on the lesson naming it. So the jobs of
every variant are grouped by key; each key is rendered once (locally or on the Dask
cluster, :func:`mathvid.run.parallel.render_tasks`), into the first variant that needs
it, unless the base lesson or a variant already holds it; every other variant with
that key gets hard links to those files (a copy across file systems), placed as
safely as a render (under the scene's lock, the folder swapped in whole). A scene no
variant changes is therefore rendered at most once for the whole pool.

The other caches were shared already or are made so: formulas (``media/Tex`` and
``media/TexPaths``, one per checkout), speech (``media/voice``, which a variant's
folder uses as its lesson's does: :func:`mathvid.run.render.voice_cache`), and the
grids of runs a viewer explores (computed once per process per spec,
:func:`mathvid.publish.explore.computed`).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from lesson.errors import LessonError
from mathvid.run.render import (
    Job,
    Rendered,
    RenderError,
    inputs_key,
    is_current,
    replace_folder,
    scene_folder,
    scene_lock,
    voice_cache,
    work_folder,
)

if TYPE_CHECKING:
    from lesson.file import Lesson
    from mathvid.variants.pool_file import Pool

VARIANTS = "variants"
"""The folder of a lesson's media folder that holds its variants' own."""

Done = Callable[[str, Rendered | None, str | None], None]
"""Told as each (variant, scene) is done: ``v01/descent``, its outputs or an error."""


def variant_media(media: Path, variant_id: str) -> Path:
    """The media folder of variant ``variant_id`` of the lesson whose media folder is
    ``media``.

    >>> variant_media(Path("media/lesson"), "v07").as_posix()
    'media/lesson/variants/v07'
    """
    return media / VARIANTS / variant_id


def pool_lessons(lesson: Lesson) -> tuple[Pool, list[tuple[str, Lesson]]]:
    """The pool of ``lesson`` (``variants/pool.toml`` beside its file) and each
    variant as a lesson of its own, in ``lesson``'s theme; LessonError in one line
    when there is no pool, it was drawn from another lesson file, or it is empty."""
    from mathvid.variants.pool_file import pool_path, read_pool, variant_lesson

    path = pool_path(lesson.path)
    pool = read_pool(path)
    if pool.lesson != lesson.path.name:
        raise LessonError(
            f"{path}: drawn from {pool.lesson}, not {lesson.path.name}; "
            f"run `mathvid variants --lesson {lesson.path}` again"
        )
    if not pool.variants:
        raise LessonError(f"{path}: holds no variant; run `mathvid variants` again")
    lessons = []
    for variant in pool.variants:
        drawn = variant_lesson(lesson, variant)
        lessons.append((variant.id, dataclasses.replace(drawn, theme=lesson.theme)))
    return pool, lessons


def check_words(lesson: Lesson, pool: Pool, voice: bool) -> None:
    """LessonError in one line when a scene the pool varies is narrated by words
    written by hand (``[scene.narration]``) or recorded (``narration/<id>/``): they
    say the lesson's numbers, not a variant's. Silent renders say none."""
    from mathvid.sound.voice import narration_of

    varied = {scene_id for v in pool.variants for scene_id in v.params}
    for entry in lesson.scenes:
        told = narration_of(lesson, entry, voice) if entry.id in varied else None
        if told is not None and (told.texts or told.recordings):
            how = "recorded" if told.recordings else "written in [scene.narration]"
            raise LessonError(
                f"{lesson.path}: {entry.id}: the pool varies its numbers but its words "
                f"are {how} for the lesson's; remove them, or render with --no-voice"
            )


def lesson_jobs(lesson: Lesson, ids: list[str], quality: str, voice: bool) -> list[Job]:
    """The render jobs of ``lesson``'s scenes ``ids``, in the lesson's order."""
    from mathvid.sound.voice import narration_of

    return [
        Job(e.id, e.scene, e.params, quality, narration_of(lesson, e, voice), lesson.theme)
        for e in lesson.scenes
        if e.id in ids
    ]


@dataclasses.dataclass(frozen=True)
class Plan:
    """Which (variant, scene) jobs render, which take another's render, which are
    current already.

    ``render``: a task per key no folder holds yet (rendered into its first
    variant); ``share``: task name → (job, its variant's media folder, its key, and
    the name of the task whose render it takes or a folder already holding it);
    ``current``: task name → job, for those whose own folder holds their render."""

    render: list
    share: dict[str, tuple[Job, Path, str, str | Path]]
    current: dict[str, tuple[Job, Path]]


def plan(media: Path, jobs: dict[str, list[Job]]) -> Plan:
    """Group ``jobs`` (variant id → its jobs) by inputs key: each key rendered once,
    into the first variant that needs it, unless a folder of the base lesson
    (``media``) or of a variant holds it already; the rest share it.

    >>> plan(Path("/nowhere"), {})
    Plan(render=[], share={}, current={})
    """
    from mathvid.run.render import Task

    held: dict[str, str | Path] = {}  # key -> where it is, or will be, rendered
    todo: list[tuple[str, Job, Path, str]] = []
    for vid, variant_jobs in jobs.items():
        vmedia = variant_media(media, vid)
        for job in variant_jobs:
            key = inputs_key(job)
            for m in (vmedia, media):
                folder = scene_folder(m, job.id, job.quality, job.theme)
                if key not in held and is_current(folder, key):
                    held[key] = folder
            todo.append((f"{vid}/{job.id}", job, vmedia, key))
    made = Plan([], {}, {})
    for name, job, vmedia, key in todo:
        own = scene_folder(vmedia, job.id, job.quality, job.theme)
        if key not in held:
            held[key] = name
            made.render.append(Task(name, job, vmedia, voice_cache(media)))
        elif held[key] == own or is_current(own, key):
            made.current[name] = (job, vmedia)
        else:
            made.share[name] = (job, vmedia, key, held[key])
    return made


def render_pool(
    media: Path,
    jobs: dict[str, list[Job]],
    workers: int | None = None,
    on_done: Callable[[str, str], None] | None = None,
    scheduler: str | None = None,
) -> tuple[dict[str, list[Rendered]], dict[str, str]]:
    """Render every variant's ``jobs`` (variant id → its jobs) as :func:`plan` says,
    locally on ``workers`` processes or on the Dask cluster at ``scheduler``.

    Returns each variant's outputs, in its jobs' order (only those done), and a
    one-line error per task that failed (``v01/descent``). ``on_done(name, note)``
    is told as each task is done: its render's seconds, "shared", "unchanged" or
    "failed".
    """
    from mathvid.run.parallel import render_tasks
    from mathvid.run.render import one_line

    tell = on_done or (lambda name, note: None)
    made = plan(media, jobs)
    results, errors = render_tasks(
        made.render,
        workers,
        lambda name, r, err: tell(name, _note(r, err)),
        scheduler,
    )
    for name, (job, vmedia, key, source) in made.share.items():
        if isinstance(source, str) and source not in results:
            errors[name] = f"not rendered: {source} failed"
        else:
            done = results[source].folder if isinstance(source, str) else source
            try:
                results[name] = share(job, key, done, vmedia)
            except (OSError, RenderError) as err:
                errors[name] = one_line(err)
        tell(name, "failed" if name in errors else "shared")
    for name, (job, vmedia) in made.current.items():
        folder = scene_folder(vmedia.resolve(), job.id, job.quality, job.theme)
        results[name] = Rendered(job.id, folder, skipped=True, suffix=job.suffix)
        tell(name, "unchanged")
    outputs = {
        vid: [results[f"{vid}/{j.id}"] for j in js if f"{vid}/{j.id}" in results]
        for vid, js in jobs.items()
    }
    return outputs, errors


def _note(rendered: Rendered | None, error: str | None) -> str:
    if error or rendered is None:
        return "failed"
    return "unchanged" if rendered.skipped else f"{rendered.seconds:.1f} s"


def share(job: Job, key: str, source: Path, vmedia: Path) -> Rendered:
    """The render of ``job`` (inputs ``key``) in ``source`` placed in the media
    folder ``vmedia`` as hard links (copies across file systems): under the scene's
    lock, the folder swapped in whole, as a render is."""
    vmedia = vmedia.resolve()
    folder = scene_folder(vmedia, job.id, job.quality, job.theme)
    with scene_lock(vmedia, job.id):
        if not is_current(folder, key):
            work = work_folder(vmedia, job)
            try:
                shutil.copytree(source, work, copy_function=link_or_copy)
                if not is_current(work, key):  # re-rendered meanwhile, by another key
                    raise RenderError(f"{source}: changed while it was shared; again")
                replace_folder(work, folder)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    return Rendered(job.id, folder, suffix=job.suffix)


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """``target`` as a hard link to ``source``; a copy where no link can be made.
    Safe to share: a render never writes into a published file, it replaces the
    folder (:func:`mathvid.run.render.replace_folder`)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def check_ours(folder: Path, mark: str, what: str) -> Path:
    """``folder`` if mathvid may write it: new, empty, or holding ``mark`` (made by
    the same command before); LessonError in one line saying ``what`` it is not."""
    from mathvid.media import check_target

    folder = check_target(folder)
    if folder.exists() and not (folder / mark).exists():
        if not folder.is_dir() or any(folder.iterdir()):
            raise LessonError(
                f"{folder}: exists and is not {what}; give a new or empty folder"
            )
    return folder
