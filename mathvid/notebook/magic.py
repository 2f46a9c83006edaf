"""The ``%%mathvid`` cell magic: a scene written as in the lesson file, shown.

As Manim's ``%%manim -qm SceneName`` takes the scene's code, ``%%mathvid`` takes
the scene's ``[[scene]]`` block of TOML, options on its first line::

    %%mathvid -q l
    [[scene]]
    id = "slow-descent"
    scene = "scenes.descent:DescentBowl"
    title = "A smaller learning rate"
    [scene.params]
    lr = 0.05

The cell is read as a lesson file is (a mistake is one line naming
``%%mathvid:LINE``), in the voice and theme of the folder's lesson unless the cell
sets its own; each scene is then shown as :func:`mathvid.notebook.show` shows one.
"""

from __future__ import annotations

import shlex
from typing import Any

from lesson.errors import LessonError


def register(ipython: Any) -> None:
    """Add ``%%mathvid`` to the IPython shell ``ipython``."""
    ipython.register_magic_function(mathvid, magic_kind="cell", magic_name="mathvid")


def mathvid(line: str, cell: str) -> None:
    """``%%mathvid [-q QUALITY]``: show the scenes of the cell's TOML."""
    from mathvid.notebook.choice import from_cell
    from mathvid.notebook.showing import SAID, say, show_chosen

    try:
        quality = options(line)
        chosen = from_cell(cell)
    except SAID as err:
        say(err)
        return
    for one in chosen:
        show_chosen(one, quality)


def options(line: str) -> str:
    """The quality the magic's line names (``l`` unless ``-q``/``--quality``).

    >>> options(""), options("-q m"), options("-qh"), options("--quality=k")
    ('l', 'm', 'h', 'k')
    >>> options("-x")
    Traceback (most recent call last):
    ...
    lesson.errors.LessonError: %%mathvid -x: expected nothing, or -q l, m, h or k
    """
    words = shlex.split(line)
    if not words:
        return "l"
    if len(words) == 2 and words[0] in ("-q", "--quality"):
        return words[1]
    if len(words) == 1 and words[0].startswith("--quality="):
        return words[0].partition("=")[2]
    if len(words) == 1 and words[0].startswith("-q") and len(words[0]) > 2:
        return words[0][2:]
    raise LessonError(f"%%mathvid {line.strip()}: expected nothing, or -q l, m, h or k")
