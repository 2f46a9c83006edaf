"""mathvid in a Jupyter notebook whose kernel is the project's venv.

::

    from mathvid import notebook
    notebook.show("descent", lr=0.3)     # the clip, its captions and its steps
    notebook.scrub("descent", lr=0.3)    # a slider over its time, its parameters
    notebook.show(DescentBowl, lr=0.3)   # a scene class, in or out of the lesson

A scene id names a scene of ``lesson.toml`` in the kernel's working directory (the
notebook's folder); its parameters are checked as the lesson file checks them, and
a refused one is said in one line, as ``mathvid`` says it (:mod:`.choice`).
:func:`show` renders at the quality it names (``"l"``, 480p15, by default) the way
``mathvid render`` does, into the same ``media/`` folder: either finds the other's
render. ``%load_ext mathvid`` adds the ``%%mathvid`` cell magic (:mod:`.magic`),
which shows the ``[[scene]]`` blocks of TOML the cell holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mathvid.notebook.choice import choose
from mathvid.notebook.showing import SAID, say, show_chosen

if TYPE_CHECKING:
    from mathvid.notebook.scrub import Scrubber


def show(scene: str | type, quality: str = "l", **params: Any) -> None:
    """Render ``scene`` (an id of the folder's lesson, or a scene class) with
    ``params`` at ``quality`` (l, m, h or k), unless its render is current, and
    show it: the video with its captions and its steps as chapters, and the steps
    to jump to."""
    try:
        chosen = choose(scene, params)
    except SAID as err:
        say(err)
        return
    show_chosen(chosen, quality)


def scrub(scene: str | type, **params: Any) -> Scrubber | None:
    """An interactive view of ``scene`` with ``params``: a slider over its time,
    its steps, its parameters as fields, and the frame at the slider (drawn as
    ``mathvid preview`` draws it). Returned, so that it shows as a cell's value
    and its widgets can be moved from code (``view.time.value = 3.0``)."""
    from mathvid.notebook.scrub import Scrubber

    try:
        return Scrubber(scene, params)
    except SAID as err:
        say(err)
        return None


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext mathvid.notebook``: the ``%%mathvid`` cell magic."""
    from mathvid.notebook.magic import register

    register(ipython)
