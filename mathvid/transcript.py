"""The lesson as text, chapter by chapter: each step's words and what it shows (its
description), as ``transcript.txt`` and ``transcript.html`` (the full text
alternative of the video, WCAG 1.2.8).

A step's words are what its narration says (its cues, in order) or, in a silent
lesson, its caption; a teacher's recording that the lesson gives no words for is
captioned with the step's own text, and the transcript says so (:data:`NOTES`).

Examples
--------
>>> manifest = {"steps": [{"name": "The curve", "caption": "A curve."}], "values": {}}
>>> print(transcript_text("Calculus", [("tangent", "Tangents", manifest)]))
Calculus
<BLANKLINE>
1. Tangents
<BLANKLINE>
The curve
A curve.
[Shown: The curve. A curve.]
<BLANKLINE>
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from mathvid.descriptions import descriptions

TEMPLATE = Path(__file__).with_name("transcript.html")

Chapter = tuple[str, str, dict[str, Any]]  # scene id, chapter title, its manifest


def words(step: dict[str, Any]) -> str:
    """What a step says: its speech's cues, or its caption when it is not spoken."""
    speech = step.get("speech")
    if not speech:
        return step["caption"]
    return " ".join(" ".join(c["text"].split()) for c in speech["cues"])


NOTES = {"recording-step-text": "(recorded; captions from the step's text)"}
"""What the transcript adds to a step's words, by its speech's source (as
:mod:`mathvid.voice` names them), where they may not be what is heard."""


def said(step: dict[str, Any]) -> str:
    """A step's words as the transcript gives them, with its note (:data:`NOTES`).

    >>> said({"caption": "A curve.", "speech": {"source": "recording-step-text",
    ...       "cues": [{"text": "A curve."}]}})
    "A curve. (recorded; captions from the step's text)"
    """
    note = NOTES.get((step.get("speech") or {}).get("source", ""))
    return f"{words(step)} {note}" if note else words(step)


def transcript_text(title: str, chapters: list[Chapter]) -> str:
    """The transcript as plain text."""
    lines = [title, ""]
    for i, (_, chapter_title, manifest) in enumerate(chapters, start=1):
        lines += [f"{i}. {chapter_title}", ""]
        told = descriptions(manifest)
        for step, description in zip(manifest["steps"], told, strict=True):
            lines += [step["name"], said(step), f"[Shown: {description}]", ""]
    return "\n".join(lines)


def transcript_html(title: str, chapters: list[Chapter]) -> str:
    """The transcript as a page: a heading per chapter and per step (HTML-escaped).

    >>> html = transcript_html("<T>", [("s", "<C>", {"steps": []})])
    >>> "&lt;T&gt;" in html and "<T>" not in html
    True
    """
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    data = [
        {
            "id": scene_id,
            "title": chapter_title,
            "steps": [
                {"name": s["name"], "words": said(s), "description": d}
                for s, d in zip(manifest["steps"], descriptions(manifest), strict=True)
            ],
        }
        for scene_id, chapter_title, manifest in chapters
    ]
    return template.render(title=title, chapters=data)
