"""Golden frames: the last frame of every step of a scene, compared with a tolerance.

Frames are the small stills of :func:`mathvid.run.stills.step_stills`, stored as PNG in
``tests/scenes/goldens/<Scene>/``, or ``tests/scenes/goldens/<name>/`` for a set
given its own name (a scene with other parameters than its defaults, e.g.
``DescentBowl-himmelblau``, or a theme: ``TangentLine-light``; a transparent
theme's frames keep their alpha). Rewrite them after an intended change with
``make goldens``, then look at them before committing.

Tolerance: a pixel differs when one of its channels moves by more than
``PIXEL_THRESHOLD`` levels of 255 (antialiasing noise stays below it), and a frame
fails when more than ``MAX_DIFFERING`` of its pixels differ (0.1 %, about 130
pixels of 480×270: less than a moved tick label).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from lesson.words.said import slug
from mathvid.run.stills import step_stills

GOLDENS = Path(__file__).parent / "goldens"
PIXEL_THRESHOLD = 40
MAX_DIFFERING = 0.001


@dataclass(frozen=True)
class FrameDiff:
    step: str
    differing: float  # fraction of pixels that differ beyond the threshold

    @property
    def ok(self) -> bool:
        return self.differing <= MAX_DIFFERING


def golden_path(scene_name: str, index: int, step: str) -> Path:
    return GOLDENS / scene_name / f"{index:02d}-{slug(step)}.png"


def differing_fraction(frame: np.ndarray, golden: np.ndarray) -> float:
    if frame.shape != golden.shape:
        return 1.0
    delta = np.abs(frame.astype(np.int16) - golden.astype(np.int16)).max(axis=-1)
    return float(np.mean(delta > PIXEL_THRESHOLD))


def compare_with_goldens(
    scene_cls: type,
    params: Any = None,
    update: bool = False,
    name: str | None = None,
    theme: str = "dark",
) -> list[FrameDiff]:
    """Render ``scene_cls``'s step stills and compare each with its golden frame.

    The frames are those of the set ``name`` (by default the class name).
    With ``update``, write the stills as the new goldens (and report them equal).
    A step with no golden frame, or a golden with no step, counts as differing.
    """
    name = name or scene_cls.__name__
    stills = step_stills(scene_cls, params, theme=theme)
    paths = [golden_path(name, i, step) for i, (step, _) in enumerate(stills)]
    if update:
        (GOLDENS / name).mkdir(parents=True, exist_ok=True)
        for old in (GOLDENS / name).glob("*.png"):
            old.unlink()
        for path, (_, frame) in zip(paths, stills, strict=True):
            Image.fromarray(frame).save(path, optimize=True)
    diffs = []
    for path, (step, frame) in zip(paths, stills, strict=True):
        mode = "RGBA" if frame.shape[-1] == 4 else "RGB"
        golden = np.asarray(Image.open(path).convert(mode)) if path.exists() else None
        diffs.append(
            FrameDiff(step, 1.0 if golden is None else differing_fraction(frame, golden))
        )
    extra = set((GOLDENS / name).glob("*.png")) - set(paths)
    diffs += [FrameDiff(f"(no step for {p.name})", 1.0) for p in sorted(extra)]
    return diffs
