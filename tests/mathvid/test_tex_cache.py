"""The LaTeX cache shared by processes: empty, filled by two renders at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.mathvid.command import ROOT

STILLS = (
    "from mathvid.run.stills import step_stills\n"
    "from scenes.{m} import {c}\n"
    "step_stills({c})\n"
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


FORMULAS = (
    "import json, sys\n"
    "from manim import MathTex, tempconfig\n"
    "from mathvid.run.manim_setup import manim_config\n"
    "with tempconfig(manim_config({'media_dir': sys.argv[1]})):\n"
    "    m = MathTex(r'\\frac{\\partial f}{\\partial x} = 2x', color='#ff8800')\n"
    "    colours = [c.to_hex() for c in m.get_fill_colors()]\n"
    "    print(json.dumps([m.get_all_points().tolist(), colours]))\n"
)


def _formula_in_a_new_process(tmp_path: Path) -> list:
    env = {**os.environ, "MATHVID_TEX_CACHE": str(tmp_path / "Tex")}
    command = [sys.executable, "-c", FORMULAS, str(tmp_path / "media")]
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_a_formula_read_back_from_the_path_cache_is_the_parsed_one(tmp_path: Path) -> None:
    parsed = _formula_in_a_new_process(tmp_path)  # compiles, parses, pickles
    pickles = list((tmp_path / "TexPaths").glob("*.pickle"))
    assert pickles
    read_back = _formula_in_a_new_process(tmp_path)  # reads the pickles
    assert read_back == parsed
    # A damaged entry is parsed again, not trusted or fatal.
    for p in pickles:
        p.write_bytes(b"not a pickle")
    assert _formula_in_a_new_process(tmp_path) == parsed
