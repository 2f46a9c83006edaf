"""The lesson as text, chapter by chapter: each step's words and what it shows (its
description), as ``transcript.txt`` and ``transcript.html`` (the full text
alternative of the video, WCAG 1.2.8).

A step's words are what its narration says (its cues, in order) or, in a silent
lesson, the words the lesson gives for it (``[scene.narration]``, passed in as
``overrides``), else its caption; a teacher's recording that the lesson gives no
words for is captioned with the step's own text, and the transcript says so (:data:`NOTES`).

Examples
--------
>>> from lesson.manifest import Manifest, Step
>>> manifest = Manifest("S", {}, [Step("The curve", "A curve.", 0.0,
...     draws="The curve of f.")])
>>> print(transcript_text("Calculus", [("tangent", "Tangents", manifest)]))
Calculus
<BLANKLINE>
1. Tangents
<BLANKLINE>
The curve
A curve.
[Shown: The curve of f.]
<BLANKLINE>
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import jinja2

from lesson.manifest import Manifest, Step
from lesson.words.said import for_step
from mathvid.publish.descriptions import descriptions
from mathvid.sound.voice import RECORDING_STEP_TEXT

TEMPLATE = Path(__file__).with_name("transcript.html")

Chapter = tuple[str, str, Manifest]  # scene id, chapter title, its manifest
Overrides = Mapping[str, Mapping[str, str]]
"""By scene id, the words ``[scene.narration]`` gives: step (number or slug) → words."""


def words(step: Step, given: str | None = None) -> str:
    """What a step says: its speech's cues; when it is not spoken, the words
    ``given`` for it by the lesson, else its caption.

    >>> step = Step("The curve", "A curve.", 0.0)
    >>> words(step), words(step, "Look.")
    ('A curve.', 'Look.')
    """
    if step.speech is None:
        return given or step.caption
    return step.speech.words


NOTES = {RECORDING_STEP_TEXT: "(recorded; captions from the step's text)"}
"""What the transcript adds to a step's words, by its speech's source (as
:mod:`mathvid.sound.voice` names them), where they may not be what is heard."""


def said(step: Step, given: str | None = None) -> str:
    """A step's words as the transcript gives them, with its note (:data:`NOTES`).

    >>> from lesson.manifest import Cue, Speech
    >>> speech = Speech("recording-step-text", 0.0, 1.0, (Cue("A curve.", 0.0, 1.0),))
    >>> said(Step("The curve", "A curve.", 0.0, speech=speech))
    "A curve. (recorded; captions from the step's text)"
    """
    note = NOTES.get(step.speech.source if step.speech else "")
    return f"{words(step, given)} {note}" if note else words(step, given)


def transcript_text(
    title: str, chapters: list[Chapter], overrides: Overrides | None = None
) -> str:
    """The transcript as plain text (``overrides``: the lesson's words per step)."""
    lines = [title, ""]
    for i, (scene_id, chapter_title, manifest) in enumerate(chapters, start=1):
        lines += [f"{i}. {chapter_title}", ""]
        for step in _steps(scene_id, manifest, overrides):
            lines += [step["name"], step["words"], f"[Shown: {step['description']}]", ""]
    return "\n".join(lines)


def transcript_html(
    title: str, chapters: list[Chapter], overrides: Overrides | None = None
) -> str:
    """The transcript as a page: a heading per chapter and per step (HTML-escaped).

    >>> html = transcript_html("<T>", [("s", "<C>", Manifest("S", {}))])
    >>> "&lt;T&gt;" in html and "<T>" not in html
    True
    """
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    data = [
        {
            "id": scene_id,
            "title": chapter_title,
            "steps": _steps(scene_id, manifest, overrides),
        }
        for scene_id, chapter_title, manifest in chapters
    ]
    return template.render(title=title, chapters=data)


def _steps(
    scene_id: str, manifest: Manifest, overrides: Overrides | None
) -> list[dict[str, str]]:
    """Each step of scene ``scene_id`` as the transcript gives it: its name, its words
    (:func:`said`, with the lesson's words for it) and its description."""
    given = (overrides or {}).get(scene_id, {})
    steps = zip(manifest.steps, descriptions(manifest), strict=True)
    return [
        {
            "name": step.name,
            "words": said(step, for_step(given, number, step.name)),
            "description": shown,
        }
        for number, (step, shown) in enumerate(steps, start=1)
    ]
