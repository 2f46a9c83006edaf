"""What the tests of one session share: renders made once, by whichever of the
session's processes asks first.

``pytest -n 2 --dist loadfile`` sends whole test files to two worker processes, and a
session fixture is made once per process. A render that several files read is
therefore kept on disk, in a folder every worker of the session sees
(:func:`session_folder`); the render's own per-scene lock makes the second worker
to ask wait for it and find it current. :func:`seeded` gives a lesson of a test's
own copies of such renders.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def session_folder(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole session: the parent of the workers' own
    folders under xdist, the session's own folder without it."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


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
