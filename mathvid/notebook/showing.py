"""A scene shown in a notebook: rendered as ``mathvid render`` renders it, its clip
displayed, and a failure said in one line as the ``mathvid`` command says it (the
:mod:`mathvid.notebook` functions, its magic and its scrubber share these)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mathvid.notebook.choice import Chosen
    from mathvid.run.render import Rendered

SAID = (ValueError, OSError, RuntimeError)
"""The failures said in one line, as the ``mathvid`` command says them (a refused
value is a LessonError, a ValueError; a failed render a RenderError, a
RuntimeError)."""


def show_chosen(chosen: Chosen, quality: str) -> None:
    """Render ``chosen`` at ``quality`` if need be, and show its clip (or say in one
    line why it cannot be)."""
    from IPython.display import HTML, display

    from mathvid.notebook.video import clip_html

    try:
        rendered = render(chosen, quality)
    except SAID as err:
        say(err)
        return
    display(HTML(clip_html(rendered, chosen.entry.title)))


def render(chosen: Chosen, quality: str) -> Rendered:
    """``chosen`` rendered at ``quality`` as ``mathvid render`` renders it (a worker
    process, the lesson's media folder, its cache); RenderError saying why not."""
    from mathvid.check import before_rendering
    from mathvid.run.parallel import render_many
    from mathvid.run.render import Job, RenderError, check_quality
    from mathvid.sound.voice import narration_of

    check_quality(quality)
    lesson, entry = chosen.lesson, chosen.entry
    before_rendering(lesson, [entry.id], voice=True)
    narration = narration_of(lesson, entry)
    job = Job(chosen.render_id, entry.scene, entry.params, quality, narration, lesson.theme)
    rendered, errors = render_many([job], chosen.media, workers=1)
    if not rendered:
        raise RenderError(f"{entry.id}: {errors.get(job.id, 'not rendered')}")
    return rendered[0]


def said(err: BaseException) -> str:
    """``err`` in one line, as the ``mathvid`` command says it."""
    lines = str(err).strip().splitlines() or [type(err).__name__]
    return f"mathvid: {lines[0]}"


def say(err: BaseException) -> None:
    """``err`` in one line on the cell's error stream, without a traceback."""
    print(said(err), file=sys.stderr)
