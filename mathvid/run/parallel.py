"""Render many scenes at once: in worker processes of this machine, one scene per
process, or on a Dask cluster (:func:`render_many`; the cluster's side is
:mod:`mathvid.run.cluster`).

A worker renders with :func:`mathvid.run.render.render`, into the same media folder
and under the same per-scene lock as a render in this process.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
from collections.abc import Callable
from pathlib import Path

from mathvid.run.ahead import say_ahead
from mathvid.run.render import (
    Job,
    Rendered,
    Task,
    check_latex,
    clean_left_behind,
    inputs_key,
    is_current,
    one_line,
    render,
    scene_folder,
)
from mathvid.run.silent import scene_workers


def _die_with(main: int) -> None:
    """In a worker: end at once when the process ``main`` that asked for it ends.

    Not the parent's death signal: a worker's parent is the forkserver, which lives on
    while any worker does. A thread waits on a pidfd of ``main`` (Linux), so a main
    process killed with ``kill -9`` leaves no worker rendering on and publishing.
    """
    import select
    import threading

    fd = os.pidfd_open(main)

    def wait() -> None:
        select.select([fd], [], [])
        os._exit(1)

    threading.Thread(target=wait, daemon=True, name="die-with-main").start()


def render_many(
    jobs: list[Job],
    media: Path,
    workers: int | None = None,
    on_done: Callable[[str, Rendered | None, str | None], None] | None = None,
    scheduler: str | None = None,
) -> tuple[list[Rendered], dict[str, str]]:
    """Render ``jobs`` in parallel worker processes, one scene per process, or on the
    Dask cluster whose scheduler is at ``scheduler``.

    Returns the outputs in job order and a one-line error per scene that failed; the
    other scenes' outputs are kept. ``on_done(id, rendered, error)`` is called as each
    scene finishes.
    """
    tasks = [Task(job.id, job, media) for job in jobs]
    results, errors = render_tasks(tasks, workers, on_done, scheduler)
    return [results[j.id] for j in jobs if j.id in results], errors


def render_tasks(
    tasks: list[Task],
    workers: int | None = None,
    on_done: Callable[[str, Rendered | None, str | None], None] | None = None,
    scheduler: str | None = None,
) -> tuple[dict[str, Rendered], dict[str, str]]:
    """Render ``tasks`` as :func:`render_many` does, each into its own media folder;
    the outputs and the one-line errors, by task name."""
    results: dict[str, Rendered] = {}
    errors: dict[str, str] = {}
    keys = {task.name: inputs_key(task.job) for task in tasks}  # passed on: read once
    # Scenes already current need no worker process (nor Manim): answer them here.
    for task in tasks:
        job = task.job
        folder = scene_folder(task.media.resolve(), job.id, job.quality, job.theme)
        if is_current(folder, keys[task.name]):
            results[task.name] = Rendered(job.id, folder, skipped=True, suffix=job.suffix)
            if on_done:
                on_done(task.name, results[task.name], None)
    stale = [task for task in tasks if task.name not in results]
    if not stale:
        return results, errors
    if scheduler:
        from mathvid.run.cluster import render_on_cluster

        render_on_cluster(stale, scheduler, results, errors, on_done)
        return results, errors
    check_latex()
    for media in dict.fromkeys(task.media.resolve() for task in stale):
        clean_left_behind(media)
    # The speech the scenes will say, first, on all cores: not one core a render.
    say_ahead(
        [task.job for task in stale],
        [task.media for task in stale],
        voices=[task.voices for task in stale],
    )
    workers = max(1, min(workers or os.cpu_count() or 1, len(stale)))
    ctx = scene_workers()  # a fresh process a scene, Manim imported
    with cf.ProcessPoolExecutor(
        workers,
        mp_context=ctx,
        max_tasks_per_child=1,
        initializer=_die_with,
        initargs=(os.getpid(),),
    ) as pool:
        futures = {
            pool.submit(render, t.job, t.media, keys[t.name], t.voices): t for t in stale
        }
        for future in cf.as_completed(futures):
            name = futures[future].name
            try:
                results[name] = future.result()
            except Exception as err:  # reported per scene; the others go on
                errors[name] = one_line(err)
            if on_done:
                on_done(name, results.get(name), errors.get(name))
    return results, errors
