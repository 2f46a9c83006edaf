"""``mathvid script``: the narration script, for a teacher to read aloud and record.

Per scene and step: the words (the lesson's ``[scene.narration]`` text, else the
step's caption), the step's target length (its animation, without the frames a
silent render holds for reading: speech that fits in it changes nothing, longer
speech holds the last frame), and whether a recording
``narration/<scene-id>/<step>.wav`` (or ``.flac``, ``.mp3``) exists for it.
"""

from __future__ import annotations

from pathlib import Path

from lesson.file import Lesson
from lesson.words.said import for_step
from mathvid.media import write_text
from mathvid.run.render import current_manifest
from mathvid.sound.voice import NARRATION, recordings_of


def script(lesson: Lesson, media: Path, ids: list[str]) -> tuple[str, int, int]:
    """The script of scenes ``ids`` as Markdown, the steps in it, those recorded."""
    lines = [f"# {lesson.title}: narration script", ""]
    lines += [
        "Record a step as `narration/<scene-id>/<step>.wav` (or .flac, .mp3), the step",
        "by its number or its name as shown; any rate, mono or stereo.",
        "",
    ]
    steps = recorded = 0
    for entry in (lesson.entry(i) for i in ids):
        manifest = current_manifest(entry, media)  # silent: no speech in its lengths
        folder = lesson.path.parent / NARRATION / entry.id
        have = {r.step: r for r in recordings_of(folder)}
        texts = dict(entry.narration)
        lines += [f"## {entry.id}: {entry.title}", ""]
        spans = manifest.spans()
        for number, (step, (start, end)) in enumerate(
            zip(manifest.steps, spans, strict=True), start=1
        ):
            words = for_step(texts, number, step.name) or step.said
            done = for_step(have, number, step.name) is not None
            steps, recorded = steps + 1, recorded + done
            status = "recorded" if done else f"to record as `{folder.name}/{number}.wav`"
            length = end - start - (step.held or 0.0)
            lines += [
                f"### {number}. {step.name} ({length:.1f} s; {status})",
                "",
                words,
                "",
            ]
    return "\n".join(lines), steps, recorded


def save(lesson: Lesson, text: str) -> Path:
    """``text`` written as the lesson's ``narration/script.md``; its path.

    Replaced whole, and refused in one line (:class:`mathvid.media.UnsafePath`)
    when it is a symbolic link or a linked folder leads out of the lesson's folder:
    the script never overwrites a file elsewhere.
    """
    path = lesson.path.parent / NARRATION / "script.md"
    path.parent.mkdir(exist_ok=True)
    return write_text(path, text, within=lesson.path.parent)
