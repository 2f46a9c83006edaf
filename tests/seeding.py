"""A ``mathvid`` command of the tests run after its lesson's media folder is seeded
with the session's silent renders of the lesson's scenes, so that a narrated render
takes their pictures (:mod:`mathvid.run.reuse`) and draws only the steps' holds.

``python -m tests.seeding SCENE_MEDIA PYTHON -m mathvid.cli lesson ... --lesson L
--media M``: each scene of ``L`` is rendered silently at -ql into ``SCENE_MEDIA``
(the ``scene_media`` fixture's folder; a scene the scene tests have rendered is
found current, one being rendered waits on its lock) and copied into ``M``
(:func:`tests.sharing.seeded`); then this process becomes the command. Started by
:func:`tests.sharing.start` for the session's narrated lessons: a scene's silent
render is made once in the session, and the narrated render draws the holds alone.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def option(args: list[str], name: str) -> Path:
    """The path given to ``name`` in the command's ``args``.

    Examples
    --------
    >>> option(["lesson", "--lesson", "a/l.toml", "--media", "m"], "--media")
    PosixPath('m')
    """
    return Path(args[args.index(name) + 1])


def seed(scene_media: Path, command: list[str]) -> None:
    """The lesson's scenes that ``command`` renders, copied from their silent renders
    in ``scene_media`` into the media folder it names. Those renders are at the
    scenes' defaults: a scene the lesson gives other parameters finds no twin there,
    and is drawn."""
    from lesson.file import load_lesson
    from tests.sharing import seeded

    lesson = option(command, "--lesson")
    scenes = {e.id: e.scene_cls for e in load_lesson(lesson).scenes}
    seeded(option(command, "--media"), lesson, scene_media, scenes)


if __name__ == "__main__":
    scene_media, *command = sys.argv[1:]
    seed(Path(scene_media), command)
    sys.stdout.flush()
    os.execv(command[0], command)
