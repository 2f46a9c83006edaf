"""The render after a teacher edits one step's words (``make bench``): the scene's
animations taken from the render it replaces, only the steps' holds drawn
(:mod:`mathvid.run.reuse`), against the same render drawn from nothing but its
speech, in the same run, pair by pair (the machine is shared: the ratio is what
holds).

    python -m bench --only words_edit
"""

from __future__ import annotations

import filecmp
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENE = ("descent", "scenes.descent:DescentBowl")
QUALITY = "m"  # mathvid's default: what a teacher renders
LESSON = f"""title = "Words edited"

[[scene]]
id = "{SCENE[0]}"
title = "Gradient descent"
scene = "{SCENE[1]}"
"""


def measure_words_edit(repeats: int) -> dict:
    """Wall seconds of ``mathvid render`` of the descent at -qm after its second
    step's words change: where its previous render is (``reused``), and in a new
    folder (``drawn``); medians of ``repeats`` pairs, each edit's speech said first
    in both, and the two videos compared byte for byte."""
    folder = Path(tempfile.mkdtemp(prefix="bench-words-"))
    lesson = folder / "lesson.toml"
    lesson.write_text(LESSON)
    edited = folder / "edited"
    _render(lesson, edited, QUALITY)
    shutil.copytree(edited / "voice", folder / "speech" / "voice")
    reused, drawn, same = [], [], True
    for n in range(repeats):
        words = f"The second step, said again in other words, take {n + 1}."
        lesson.write_text(LESSON + f'\n[scene.narration]\n2 = "{words}"\n')
        _render(lesson, folder / "speech", "l")  # the new words' speech, said once
        shutil.copytree(folder / "speech" / "voice", edited / "voice", dirs_exist_ok=True)
        fresh = folder / f"drawn-{n}"
        for cache in ("voice", "steps"):  # as much known there as here
            shutil.copytree(edited / cache, fresh / cache)
        reused.append(_render(lesson, edited, QUALITY))
        drawn.append(_render(lesson, fresh, QUALITY))
        videos = [m / "lesson" / "scenes" / SCENE[0] / QUALITY / "scene.mp4"
                  for m in (edited, fresh)]  # fmt: skip
        same = same and filecmp.cmp(*videos, shallow=False)
    shutil.rmtree(folder, ignore_errors=True)
    ratios = [r / d for r, d in zip(reused, drawn, strict=True)]
    return {
        "reused": round(statistics.median(reused), 2),
        "drawn": round(statistics.median(drawn), 2),
        "ratio": round(statistics.median(ratios), 3),
        "same_bytes": same,
        "runs": repeats,
    }


def _render(lesson: Path, media: Path, quality: str) -> float:
    """``mathvid render`` of ``lesson`` into ``media`` at ``quality``; wall seconds."""
    command = [sys.executable, "-m", "mathvid.cli", "render", "-q", quality]
    command += ["--lesson", str(lesson), "--media", str(media)]
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start
