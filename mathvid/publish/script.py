"""``mathvid script``: the narration script, for a teacher to read aloud and record.

Per scene and step: the words (the lesson's ``[scene.narration]`` text, else the
step's caption), the step's target length (its animation, without the frames a
silent render holds for reading: speech that fits in it changes nothing, longer
speech holds the last frame), and whether a recording
``narration/<scene-id>/<step>.wav`` (or ``.flac``, ``.mp3``) exists for it; if not,
how long the lesson's voice says it (``≈`` when estimated: its words are not yet
synthesised, :mod:`mathvid.lengths`). Nothing is rendered or synthesised.
"""

from __future__ import annotations

from pathlib import Path

from lesson.file import Lesson, SceneEntry
from lesson.manifest import Manifest
from lesson.words.said import for_step
from mathvid.lengths import ESTIMATED, keep_runs, silent_run, speech_lengths, steps_cache
from mathvid.media import write_text
from mathvid.run.render import voice_cache
from mathvid.sound.voice import NARRATION, Narrator, narration_of, recordings_of


def script(lesson: Lesson, media: Path, ids: list[str]) -> tuple[str, int, int]:
    """The script of scenes ``ids`` as Markdown, the steps in it, those recorded."""
    lines = [f"# {lesson.title}: narration script", ""]
    lines += [
        "Record a step as `narration/<scene-id>/<step>.wav` (or .flac, .mp3), the step",
        "by its number or its name as shown; any rate, mono or stereo.",
        "",
    ]
    steps = recorded = 0
    estimated = False
    entries = [lesson.entry(i) for i in ids]
    keep_runs(entries, steps_cache(media))
    for entry in entries:
        manifest, _ = silent_run(entry, steps_cache(media))  # its animation's lengths
        folder = lesson.path.parent / NARRATION / entry.id
        have = {r.step: r for r in recordings_of(folder)}
        voice = _voice_lengths(lesson, entry, media, manifest)
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
            if not done and voice:
                seconds, exact = voice[number - 1]
                status += f"; the voice says it in {'' if exact else '≈'}{seconds:.1f} s"
                estimated |= not exact
            length = end - start - (step.held or 0.0)
            lines += [
                f"### {number}. {step.name} ({length:.1f} s; {status})",
                "",
                words,
                "",
            ]
    if estimated:
        lines += [f"≈: {ESTIMATED}.", ""]
    return "\n".join(lines), steps, recorded


def _voice_lengths(
    lesson: Lesson, entry: SceneEntry, media: Path, manifest: Manifest
) -> list[tuple[float, bool]]:
    """How long the lesson's voice says each step of ``entry`` (of ``manifest``),
    and whether exactly (else estimated); none when the lesson is silent (a
    recorded step's is its recording's)."""
    narration = narration_of(lesson, entry)
    if narration is None:
        return []
    return speech_lengths(Narrator(narration, voice_cache(media)), manifest)


def save(lesson: Lesson, text: str) -> Path:
    """``text`` written as the lesson's ``narration/script.md``; its path.

    Replaced whole, and refused in one line (:class:`mathvid.media.UnsafePath`)
    when it is a symbolic link or a linked folder leads out of the lesson's folder:
    the script never overwrites a file elsewhere.
    """
    path = lesson.path.parent / NARRATION / "script.md"
    path.parent.mkdir(exist_ok=True)
    return write_text(path, text, within=lesson.path.parent)
