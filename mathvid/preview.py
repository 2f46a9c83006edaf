"""Previews for authoring: a still PNG of any moment of a scene, fast.

Animations are skipped up to the moment asked for, so a preview costs about as much
as building the scene, not rendering it. ``--watch`` makes a new still whenever a
scene, ``mathcore`` or the lesson file changes, for working beside an editor.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

from PIL import Image

from mathvid.lesson import LessonError, load_lesson
from mathvid.render import ROOT
from mathvid.stills import moment_still, step_stills

PREVIEW_SIZE = (960, 540)


def preview(lesson_path: Path, scene_id: str, at: str | None, media: Path) -> Path:
    """Write the still of ``scene_id`` at ``at`` and return its path.

    ``at`` is seconds ("3.5", "12s"), a step's number ("2") or name, or None for the
    scene's last frame.
    """
    entry = load_lesson(lesson_path).entry(scene_id)
    seconds = _seconds(at)
    if seconds is not None:
        frame, label = (
            moment_still(entry.scene_cls, seconds, entry.params, PREVIEW_SIZE),
            at,
        )
    else:
        stills = step_stills(entry.scene_cls, entry.params, PREVIEW_SIZE)
        index = _step_index(at, [name for name, _ in stills], scene_id)
        (label, frame) = stills[index]
    slug = re.sub(r"[^a-z0-9.]+", "-", str(label).lower()).strip("-") or "end"
    target = media / "previews" / f"{scene_id}-{slug}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.stem}.{uuid.uuid4().hex[:8]}.png")
    Image.fromarray(frame).save(tmp)
    os.replace(tmp, target)
    return target.resolve()


def watch(lesson_path: Path, scene_id: str, at: str | None, media: Path) -> int:
    """Preview again after every change to the scenes, ``mathcore`` or the lesson file.

    Each preview runs in a fresh process, so edited code is what gets drawn.
    """
    from watchfiles import watch as changes

    command = [
        sys.executable,
        "-m",
        "mathvid.cli",
        "preview",
        scene_id,
        "--lesson",
        str(lesson_path),
        "--media",
        str(media),
    ]
    command += ["--at", at] if at is not None else []
    watched = [ROOT / "scenes", ROOT / "mathcore", lesson_path.resolve()]
    batches = changes(
        *watched,
        watch_filter=lambda _, path: path.endswith((".py", ".toml")),
        yield_on_timeout=True,  # an empty batch every rust_timeout ms ...
        rust_timeout=500,
    )
    next(batches)  # ... so once the first one is back, the watcher is running and an
    # edit made while the first still is drawn is not missed.
    print(f"watching {', '.join(str(p) for p in watched)} (Ctrl-C to stop)", flush=True)
    subprocess.run(command, check=False)
    for batch in batches:
        if batch:
            subprocess.run(command, check=False)
    return 0


def _seconds(at: str | None) -> float | None:
    """Seconds, when ``at`` reads as seconds: "3.5" or "12s". A bare integer is a
    step number and anything else a step name, so those give None.
    """
    text = (at or "").strip().lower()
    number = text[:-1] if text.endswith("s") else text if "." in text else None
    try:
        value = float(number) if number else None
    except ValueError:
        return None
    if value is not None and not (math.isfinite(value) and value >= 0):
        raise LessonError(f"--at: seconds must be finite and ≥ 0, got {at!r}")
    return value


def _step_index(at: str | None, names: list[str], scene_id: str) -> int:
    if at is None:
        return len(names) - 1
    if at.isdigit() and 1 <= int(at) <= len(names):
        return int(at) - 1
    for i, name in enumerate(names):
        if name.lower() == at.lower():
            return i
    listed = "; ".join(f"{i + 1}. {n}" for i, n in enumerate(names))
    raise LessonError(f"{scene_id} has no step {at!r}; its steps: {listed}")
