"""What the tests of one session share: renders made once, by whichever of the
session's processes asks first.

``pytest -n 2 --dist loadfile`` sends whole test files to two worker processes, and a
session fixture is made once per process. A render that several files read is
therefore kept on disk, in a folder every worker of the session sees
(:func:`session_folder`), and built under a lock (:func:`built_once`): the first
worker to ask builds it, the other waits for it and reads the same files.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

BUILT, FAILED = ".built", ".failed"


def session_folder(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole session: the parent of the workers' own
    folders under xdist, the session's own folder without it."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def held(lock: Path) -> Iterator[None]:
    """Hold the lock file ``lock``, across processes, while the block runs."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def built_once(folder: Path, build: Callable[[Path], None]) -> Path:
    """``folder`` as ``build`` fills it, built by the first process that asks.

    The others wait for the build and get the same folder. A build that failed
    fails every test that asks for it, with its message, instead of being tried
    again by each (a narrated lesson takes minutes).
    """
    with held(folder.parent / f"{folder.name}.lock"):
        if (folder / FAILED).exists():
            pytest.fail((folder / FAILED).read_text(encoding="utf-8"), pytrace=False)
        if not (folder / BUILT).exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            try:
                build(folder)
            except BaseException as err:
                (folder / FAILED).write_text(f"{folder.name}: {err}", encoding="utf-8")
                raise
            (folder / BUILT).touch()
    return folder


def seeded(media: Path, lesson: Path, scene_media: Path, scenes: dict[str, type]) -> Path:
    """The folder of ``media`` that the lesson file ``lesson`` owns, holding a copy
    of each scene's -ql render in ``scene_media`` (rendered there first if need be):
    ``scenes`` maps the scene's id in the lesson to its class.

    A render's key is what it was made from (scene, parameters, quality, voice,
    code), not the lesson naming it: for a silent lesson giving these scenes their
    default parameters, ``mathvid`` finds them current and renders them no more.
    Copies, so that a test may render over them.
    """
    from mathvid.media import lesson_media
    from mathvid.run.render import render_scene, scene_folder

    folder = lesson_media(media, lesson)
    for scene_id, scene_cls in scenes.items():
        render = render_scene(scene_cls, "l", scene_media).parent
        shutil.copytree(render, scene_folder(folder, scene_id, "l"))
    return folder
