"""Previews for authoring: a still PNG of any moment of a scene, fast.

Animations are skipped up to the moment asked for, so a preview costs about as much
as building the scene, not rendering it. The moment is a time (``--at 3.5s``) or the
end of a step (``--step 2``, ``--step "The update rule"``); with neither, the
scene's last frame. ``--watch`` makes a new still whenever a scene, ``mathcore`` or
the lesson file changes, for working beside an editor.

``mathvid preview`` first asks the warm preview daemon
(:mod:`mathvid.run.preview_client`, :mod:`mathvid.run.preview_daemon`), which draws
with :func:`preview` too, without the second of start-up and imports; when none
answers, the command calls :func:`preview` itself.
"""

from __future__ import annotations

import importlib.abc
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from lesson.file import load_lesson
from mathvid.media import lesson_media, replacing
from mathvid.run.manim_setup import ROOT
from mathvid.run.stills import PastTheEnd, moment_still, step_stills

PREVIEW_SIZE = (960, 540)
WATCHED_CODE = ("scenes", "lesson", "mathcore")
"""The folders of the repository whose Python files a preview is drawn from."""


class PreviewError(ValueError):
    """A moment that cannot be previewed; the message says why in one line."""


def preview(
    lesson_path: Path,
    scene_id: str,
    media: Path,
    at: str | None = None,
    step: str | None = None,
) -> Path:
    """Write the still of ``scene_id`` into the lesson's ``previews`` folder of
    ``media`` and return its path.

    ``at`` is a time in seconds ("3.5s"); ``step`` a step's number from 1 or its
    name; with neither, the still is the scene's last frame.
    """
    from mathvid.media import CLIP_QUALITY
    from mathvid.run.ahead import say_ahead
    from mathvid.run.render import Job, voice_cache
    from mathvid.sound.voice import Narrator, narration_of

    seconds = check_moment(at, step)
    import_manim()
    lesson = load_lesson(lesson_path, only=scene_id)  # no other scene's imports
    entry = lesson.entry(scene_id)
    folder = lesson_media(media, lesson.path)
    narration = narration_of(lesson, entry)
    # Narrated, a step lasts as long as its speech: the moment is on that clock.
    narrator = None if narration is None else Narrator(narration, voice_cache(folder))
    if seconds is not None:
        # The cues not yet said, on all cores, when the scene's steps are known.
        job = Job(entry.id, entry.scene, entry.params, CLIP_QUALITY, narration)
        say_ahead([job], folder, make=False, entries=[entry], narrators=[narrator])
        try:
            frame = moment_still(
                entry.scene_cls, seconds, entry.params, PREVIEW_SIZE, narrator, lesson.theme
            )
        except PastTheEnd as err:
            raise PreviewError(
                f"--at {at}: {scene_id} lasts {err.duration:.2f} s; give a moment within it"
            ) from None
        label = f"{seconds:g}s"
    else:
        stills = step_stills(entry.scene_cls, entry.params, PREVIEW_SIZE, lesson.theme)
        label, frame = stills[_step_index(step, [name for name, _ in stills], scene_id)]
    previews = folder / "previews"
    return _save(frame, previews / f"{scene_id}-{_slug(label)}.png", folder)


def import_manim() -> None:
    """Manim, imported without IPython when no IPython runs in this process.

    Manim imports IPython (0.1 s of a cold preview's CPU) only to register its
    notebook magic with the IPython shell running it, and no shell runs where IPython
    is not imported: Manim's own ``except ImportError`` then skips what would have
    done nothing. IPython is refused during Manim's import alone; imported later, it
    is imported as ever.
    """
    if "manim" in sys.modules or "IPython" in sys.modules:
        return  # imported already (the daemon, the studio), or in a notebook
    refusal = _NoIPython()
    sys.meta_path.insert(0, refusal)
    try:
        import manim  # noqa: F401
    finally:
        sys.meta_path.remove(refusal)


class _NoIPython(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] == "IPython":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


def check_moment(at: str | None, step: str | None) -> float | None:
    """The seconds of ``at``, if given; PreviewError for a moment named both ways
    or a time that does not read as one (see :func:`parse_seconds`)."""
    if at is not None and step is not None:
        raise PreviewError("give --at (a time) or --step (a step), not both")
    return None if at is None else parse_seconds(at)


def parse_seconds(text: str) -> float:
    """The seconds ``--at`` names: a number followed by ``s``.

    A bare number is refused: it was once a step's number, and reading it either way
    would surprise someone.

    Examples
    --------
    >>> parse_seconds("3.5s"), parse_seconds("12 s"), parse_seconds(".5s")
    (3.5, 12.0, 0.5)
    >>> parse_seconds("3")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathvid.run.preview.PreviewError: --at 3: write seconds as 3s, or say --step 3 ...
    """
    text = text.strip()
    seconds = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)\s*s", text, re.IGNORECASE)
    if seconds:
        return float(seconds[1])
    if text.isdigit():
        raise PreviewError(
            f"--at {text}: write seconds as {text}s, or say --step {text} for step {text}"
        )
    if re.fullmatch(r"\d*\.\d+|\d+\.", text):
        raise PreviewError(f"--at {text}: write seconds as {text}s")
    raise PreviewError(
        f"--at {text!r}: expected seconds such as 3.5s; for a step, say --step {text!r}"
    )


def watch(
    lesson_path: Path,
    scene_id: str,
    media: Path,
    at: str | None = None,
    step: str | None = None,
) -> int:
    """Preview again after every change to the scenes, ``mathcore`` or the lesson file.

    Each preview is a ``mathvid preview`` of its own (drawn by the warm daemon when
    one runs, which imports edited code afresh), so edited code is what gets drawn.
    """
    command = [sys.executable, "-m", "mathvid.cli", "preview", scene_id]
    command += ["--lesson", str(lesson_path), "--media", str(media)]
    command += ["--at", at] if at is not None else []
    command += ["--step", step] if step is not None else []
    batches = _changes(lesson_path.resolve())
    next(batches)  # once the first (empty) batch is back, the watcher is running, and
    # an edit made while the first still is drawn is not missed.
    code = " and ".join(f"{folder}/" for folder in WATCHED_CODE)
    print(f"watching {lesson_path}, {code} (Ctrl-C to stop)", flush=True)
    subprocess.run(command, check=False)
    for batch in batches:
        if batch:
            subprocess.run(command, check=False)
    return 0


def _changes(lesson: Path) -> Iterator[set]:
    """Batches of changes to the files :func:`watched` names; an empty batch every
    half second."""
    from watchfiles import watch as changes

    folders, wanted = watched(lesson)
    return changes(
        *folders,
        watch_filter=wanted,
        recursive=False,
        yield_on_timeout=True,  # an empty batch every rust_timeout ms
        rust_timeout=500,
    )


def watched(lesson: Path) -> tuple[list[Path], Callable[[object, str], bool]]:
    """The folders to watch (each on its own, not recursively) for changes to
    ``lesson`` and to the Python files of the scenes and ``mathcore``, and the filter
    that keeps just those files.

    Folders are watched, not files: an editor that saves by writing a new file and
    renaming it over the old one (``sed -i``, gedit, JetBrains, vim with some
    settings) replaces the file a watch on the file would follow. Not recursively:
    the lesson's folder is often the repository, whose ``.venv`` and ``media`` hold
    thousands of folders.
    """
    code = [ROOT / name for name in WATCHED_CODE]
    folders = {lesson.parent} | {
        folder
        for top in code
        for folder in [top, *top.rglob("*")]
        if folder.is_dir() and folder.name != "__pycache__"
    }

    def wanted(_: object, path: str) -> bool:
        changed = Path(path)
        if changed == lesson:
            return True
        return changed.suffix == ".py" and any(top in changed.parents for top in code)

    return sorted(folders), wanted


def _step_index(step: str | None, names: list[str], scene_id: str) -> int:
    """The index of the step numbered (from 1) or named ``step``; the last if None."""
    if step is None:
        return len(names) - 1
    if step.isdigit() and 1 <= int(step) <= len(names):
        return int(step) - 1
    for i, name in enumerate(names):
        if name.lower() == step.strip().lower():
            return i
    listed = "; ".join(f"{i + 1}. {n}" for i, n in enumerate(names))
    raise PreviewError(f"{scene_id} has no step {step!r}; its steps: {listed}")


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", label.lower()).strip("-") or "end"


def _save(frame: np.ndarray, target: Path, within: Path) -> Path:
    """``frame`` as the PNG ``target``, which is replaced whole, never half written,
    nor through a link or a folder that leads out of ``within``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with replacing(target, within) as tmp:
        Image.fromarray(frame).save(tmp)
    return target.resolve()
