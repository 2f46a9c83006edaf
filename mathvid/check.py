"""``mathvid check``: a lesson's mistakes, found without rendering, a line each.

Errors stop a render before any scene renders; warnings are said and it goes on.

- every value the lesson loader refuses (error), as :func:`lesson.file.load_lesson`
  says it, all of them at once;
- a ``[scene.narration]`` key that names no step of its scene (error: its words
  would never be said), with the step names it could mean;
- a recording that cannot be used (error), by its path: it is not a regular file
  or is too large to read, does not decode, has a sample rate outside 8 to 192 kHz,
  is longer than 10 minutes, holds no samples, samples that are not numbers (NaN,
  infinite) or no speech (:func:`mathvid.sound.recording.recorded_sound`);
- a file under ``narration/`` that matches no scene or step (warning):
  ``narration/gd/7.wav`` for a scene of five steps, ``narration/gd/-1.wav``,
  ``narration/gdd/1.wav`` for no scene, a file that is not a recording (not used);
- a recorded step for which ``[scene.narration]`` gives no words (warning): its
  captions are then the step's own text, which the recording may not say.

A scene's steps are found by running its ``construct`` with every animation skipped,
silent (:func:`mathvid.run.stills.scene_manifest`: no speech synthesised, one small
frame drawn), which takes seconds a scene: only scenes with narration keys or
recordings need them, and ``mathvid check`` keeps those runs with the lesson's media
(:func:`mathvid.run.silent.silent_run`), so that it answers at once the next time.

Examples
--------
>>> problems = check_lesson(Path("lesson.toml"))
>>> [p.line for p in problems if p.error]
[]
"""

from __future__ import annotations

import difflib
import functools
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lesson.errors import LessonError
from lesson.file import Lesson, SceneEntry, load_lesson
from lesson.words.said import for_step, slug
from mathvid.run.silent import STEPS, keep_runs, silent_run
from mathvid.sound.recording import (
    NARRATION,
    RECORDING_TYPES,
    Recording,
    recorded_sound,
    recordings_of,
)

SCRIPT = "script.md"
"""``mathvid script``'s output, in that folder: no recording, and no mistake."""


@dataclass(frozen=True)
class Problem:
    """One mistake: ``line`` says where and what (``file:line: key: why``, or
    ``path: warning: why``); an error stops a render, a warning does not."""

    line: str
    error: bool = True


def _warning(where: object, why: str) -> Problem:
    return Problem(f"{where}: warning: {why}", error=False)


def check_lesson(path: Path, media: Path | None = None) -> list[Problem]:
    """Every mistake of the lesson file ``path`` and of its ``narration/`` folder;
    the scenes' silent runs kept under ``media`` (the outputs' folder) when given."""
    try:
        lesson = load_lesson(path)
    except LessonError as err:
        return [Problem(line) for line in err.problems]
    return narration_problems(lesson, runs=None if media is None else media / STEPS)


def narration_problems(
    lesson: Lesson, ids: Iterable[str] | None = None, runs: Path | None = None
) -> list[Problem]:
    """The mistakes in the narration of ``lesson``'s scenes ``ids`` (all by default):
    its ``[scene.narration]`` keys, recordings, and the files of ``narration/``; the
    scenes' silent runs kept in the folder ``runs`` when given."""
    folder = lesson.path.parent / NARRATION
    wanted = set(ids) if ids is not None else {e.id for e in lesson.scenes}
    problems = _stray_files(lesson, folder)
    if runs is not None:  # made on all cores, those that are not kept
        keep_runs([e for e in lesson.scenes if e.id in wanted and _worded(e, folder)], runs)
    for entry in lesson.scenes:
        if entry.id in wanted:
            problems += _scene_problems(entry, folder / entry.id, runs)
    return problems


def before_rendering(lesson: Lesson, ids: Iterable[str] | None, voice: bool) -> None:
    """Check the narration of ``lesson``'s scenes ``ids`` (when narrated: a silent
    render uses none of it), say each problem on stderr, and raise LessonError when
    one is an error, before anything renders."""
    if not voice or lesson.voice == "none":
        return
    problems = narration_problems(lesson, ids)
    for problem in problems:
        print(f"mathvid: {problem.line}", file=sys.stderr)
    errors = sum(p.error for p in problems)
    if errors:
        raise LessonError(
            f"{lesson.path}: {_count(errors, 'mistake')} in its narration (above); "
            "nothing was rendered"
        )


def summary(path: Path, problems: list[Problem]) -> str:
    """The last line ``mathvid check`` prints.

    >>> summary(Path("lesson.toml"), [Problem("a"), Problem("b", error=False)])
    'lesson.toml: 1 error, 1 warning'
    >>> summary(Path("lesson.toml"), [])
    'lesson.toml: no mistakes found'
    """
    if not problems:
        return f"{path}: no mistakes found"
    errors = sum(p.error for p in problems)
    counts = [(errors, "error"), (len(problems) - errors, "warning")]
    return f"{path}: {', '.join(_count(n, noun) for n, noun in counts if n)}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _scene_problems(entry: SceneEntry, folder: Path, runs: Path | None) -> list[Problem]:
    """The mistakes in one scene's narration keys and recordings (``folder``); its
    silent run kept in ``runs`` when given."""
    recordings = recordings_of(folder)
    if not entry.narration and not recordings:
        return []
    if runs is None:
        names = list(step_names(entry.scene_cls, entry.params))
    else:
        names = [step.name for step in silent_run(entry, runs)[0].steps]
    problems = [
        Problem(f"{at}: {_no_step(key, entry.id, names)}")
        for (key, _), at in zip(entry.narration, entry.narration_at, strict=True)
        if _step_of(key, names) is None
    ]
    return problems + [
        problem
        for recording in recordings
        for problem in _recording_problems(recording, recordings, entry, names)
    ]


def _worded(entry: SceneEntry, narration: Path) -> bool:
    """Whether ``entry`` has words, or may have recordings (files in
    ``narration/<id>/``), to check against its steps."""
    folder = narration / entry.id
    return bool(entry.narration) or (folder.is_dir() and any(folder.iterdir()))


@functools.lru_cache(maxsize=32)
def step_names(scene_cls: type, params: Any) -> tuple[str, ...]:
    """The names of the steps of ``scene_cls`` with ``params``: its ``construct`` run
    silent with every animation skipped. Kept for the process: a lesson that shows
    one scene twice, or the tests, check it again (a render runs in its own process
    and does not use it).

    >>> from scenes.derivatives import TangentLine
    >>> step_names(TangentLine, TangentLine.Params())[0]
    'The curve'
    """
    from mathvid.run.stills import scene_manifest  # Manim: only for a scene that needs it

    return tuple(s.name for s in scene_manifest(scene_cls, params).steps)


def _recording_problems(
    recording: Recording,
    recordings: tuple[Recording, ...],
    entry: SceneEntry,
    names: list[str],
) -> list[Problem]:
    """The mistakes of one of ``entry``'s ``recordings``: a step it names not among
    ``names``, another file recording its step, no sound, no words to caption it."""
    number = _step_of(recording.step, names)
    if number is None:
        return [_warning(recording.name, _no_step(recording.step, entry.id, names))]
    # The one the narrator takes (by number before name; of two, the last).
    used = for_step({r.step: r for r in recordings}, number, names[number - 1])
    if used is not recording:
        return [_warning(recording.name, f"not used: step {number} is {used.name}")]
    try:
        recorded_sound(recording)
    except ValueError as err:
        return [Problem(str(err))]
    if for_step(dict(entry.narration), number, names[number - 1]) is None:
        why = (
            f'no words for its captions in [scene.narration] ({number} = "…"): '
            "they are the step's own text"
        )
        return [_warning(recording.name, why)]
    return []


def _step_of(key: str, names: list[str]) -> int | None:
    """The number (from 1) of the step of ``names`` that ``key`` (a number or a
    name's slug, as a lesson file or a recording names a step) means, if any."""
    steps = enumerate(names, start=1)
    return next((n for n, name in steps if for_step({key: n}, n, name)), None)


def _no_step(key: str, scene_id: str, names: list[str]) -> str:
    """Why ``key`` names no step of the scene ``scene_id``, and what it could mean.

    >>> _no_step("7", "gd", ["The rule", "Where it stops"])
    'no step 7: gd has 2 steps'
    >>> _no_step("-1", "gd", ["The rule", "Where it stops"])
    'no step -1: steps are named by their number from 1 or their name; gd has 2 steps'
    >>> _no_step("where-it-stop", "gd", ["The rule", "Where it stops"])
    'no step of this name in gd; did you mean "Where it stops"?'
    """
    has = f"{scene_id} has {_count(len(names), 'step')}"
    if key.isascii() and key.isdigit() and int(key) > 0:
        return f"no step {key}: {has}"
    if key.isdigit() or slug(key).isdigit():
        return f"no step {key}: steps are named by their number from 1 or their name; {has}"
    by_slug = {slug(name): name for name in names}
    close = difflib.get_close_matches(key, list(by_slug), n=3, cutoff=0.6)
    said = " or ".join(f'"{by_slug[c]}"' for c in close)
    if said:
        return f"no step of this name in {scene_id}; did you mean {said}?"
    steps = ", ".join(f'"{name}"' for name in names)
    return f"no step of this name in {scene_id} (its steps: {steps})"


def _stray_files(lesson: Lesson, folder: Path) -> list[Problem]:
    """Warnings for the files of ``folder`` (``narration/``) that no scene uses."""
    ids = [e.id for e in lesson.scenes]
    problems = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        parts = path.relative_to(folder).parts
        # Folders, and hidden files (an editor's, the system's) are no one's mistake.
        if path.is_file() and not any(p.startswith(".") for p in parts):
            why = _why_unused(parts, ids, lesson.path)
            problems += [_warning(path, why)] if why else []
    return problems


def _why_unused(parts: tuple[str, ...], ids: list[str], lesson: Path) -> str | None:
    """Why no scene of ``lesson`` (its ``ids``) uses the file ``narration/<parts>``;
    None when one does (or it is :data:`SCRIPT`).

    >>> _why_unused(("gdd", "1.wav"), ["gd"], Path("lesson.toml"))
    'no scene "gdd" in lesson.toml; did you mean "gd"?'
    >>> _why_unused(("gd", "2.m4a"), ["gd"], Path("lesson.toml"))
    'not a recording (.wav, .flac, .mp3): not used'
    """
    if len(parts) == 1:
        where = f"{NARRATION}/<scene-id>/<step>.wav"
        return None if parts[0] == SCRIPT else f"not in a scene's folder ({where})"
    if parts[0] not in ids:
        close = difflib.get_close_matches(parts[0], ids, n=1)
        could = f'; did you mean "{close[0]}"?' if close else ""
        return f'no scene "{parts[0]}" in {lesson}{could}'
    if len(parts) > 2:
        return f"in a folder of its own: recordings go in {NARRATION}/{parts[0]}/"
    if Path(parts[-1]).suffix.lower() not in RECORDING_TYPES:
        return f"not a recording ({', '.join(RECORDING_TYPES)}): not used"
    return None
