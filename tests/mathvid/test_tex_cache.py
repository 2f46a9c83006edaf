"""The LaTeX cache shared by processes: empty, filled by two renders at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.mathvid.command import ROOT

STILLS = (
    "from mathvid.stills import step_stills\nfrom scenes.{m} import {c}\nstep_stills({c})\n"
)


def test_two_processes_fill_an_empty_cache_at_once(tmp_path: Path) -> None:
    # Without the lock, Manim's clean-up and its temporary SVG copies make one of the
    # two fail within a few formulas (seen on every fresh checkout before the fix).
    env = {**os.environ, "MATHVID_TEX_CACHE": str(tmp_path / "Tex")}
    scenes = [("derivatives", "DerivativeTable"), ("descent", "DescentBowl")]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", STILLS.format(m=m, c=c)],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for m, c in scenes
    ]
    errors = [p.communicate(timeout=600)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    assert len(list((tmp_path / "Tex").glob("*.svg"))) > 40
    assert not list((tmp_path / "Tex").glob("*_.svg"))  # no temporary copies left
