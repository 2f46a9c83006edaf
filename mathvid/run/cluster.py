"""Render scenes on a Dask cluster (:func:`render_on_cluster`, called by
:func:`mathvid.run.parallel.render_tasks` when given a scheduler).

A Dask worker renders in a fresh process of its own (``python -m
mathvid.run.cluster``, the job pickled on stdin) into a private folder and sends the
files back, which are stored here as safely as a local render's: nothing relies on a
file system shared with the client.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mathvid.media import check_target, temporary_folder
from mathvid.run.manim_setup import ROOT
from mathvid.run.render import (
    Job,
    Rendered,
    RenderError,
    inputs_key,
    one_line,
    render,
    replace_folder,
    scene_folder,
    scene_lock,
    work_folder,
)

if TYPE_CHECKING:
    from mathvid.run.parallel import Task


def render_on_cluster(
    tasks: list[Task],
    scheduler: str,
    results: dict[str, Rendered],
    errors: dict[str, str],
    on_done: Callable[[str, Rendered | None, str | None], None] | None,
) -> None:
    """Render ``tasks`` on Dask workers and store what they send back in each
    task's media folder."""
    from distributed import Client, as_completed

    try:
        client = Client(scheduler, timeout="15s")
    except (OSError, TimeoutError) as err:
        raise RenderError(
            f"cannot reach the Dask scheduler at {scheduler}: {err}"
        ) from None
    with client:
        futures = {client.submit(render_remote, t.job, pure=False): t for t in tasks}
        for future in as_completed(futures):
            task = futures[future]
            try:
                stored = _store(task.job, future.result(), task.media.resolve())
                results[task.name] = stored
            except Exception as err:  # reported per scene; the others go on
                errors[task.name] = one_line(err)
            if on_done:
                on_done(task.name, results.get(task.name), errors.get(task.name))


def render_remote(job: Job) -> dict[str, bytes]:
    """On a Dask worker: render ``job`` in a fresh process into a private folder and
    return its files as bytes, so nothing relies on a file system shared with the client.

    A fresh process, because Manim's configuration is global and a worker is reused.
    """
    import pickle
    import subprocess
    import sys

    with temporary_folder("mathvid-worker-") as media:
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
