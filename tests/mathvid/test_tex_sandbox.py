"""TeX from a lesson never reaches LaTeX, and LaTeX itself can read and write only
its own cache and run nothing: payloads that read a file, write one elsewhere or in
the cache, run a shell command or change TeX's syntax."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from lesson.errors import LessonError
from lesson.file import load_lesson
from tests.lesson.test_params import SCENES, spec
from tests.mathvid.command import ROOT

PAYLOADS = [
    r"\input{/etc/hostname}",
    r"\newwrite\f\immediate\openout\f=../escaped.txt\immediate\closeout\f",
    r"\immediate\write18{touch PWNED}",
    r"\catcode`\^=12 x^2",
    r"\csname input\endcsname{/etc/hostname}",
]


def text_fields(scene_cls: type) -> list[str]:
    """The fields of ``scene_cls``'s Params that hold text (a str, or strs in a tuple)."""
    hints = typing.get_type_hints(scene_cls.Params)
    return [
        f.name
        for f in dataclasses.fields(scene_cls.Params)
        if hints[f.name] is str or str in typing.get_args(hints[f.name])
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_tex_in_any_text_field_is_refused_at_load(tmp_path: Path, payload: str) -> None:
    fields = [(s, f) for s in SCENES for f in text_fields(s)]
    assert len(fields) >= 14  # every scene's function, names and constants
    for scene_cls, field in fields:
        default = getattr(scene_cls.Params(), field)
        value = [payload] if isinstance(default, tuple) else payload
        path = tmp_path / "lesson.toml"
        quoted = repr(value).replace("'", '"') if isinstance(value, list) else None
        literal = "'''" + payload + "'''"
        path.write_text(
            f'title = "t"\n[[scene]]\nid = "s"\nscene = "{spec(scene_cls)}"\n'
            f'title = "S"\n[scene.params]\n{field} = '
            + (f"[{literal}]" if quoted else literal)
            + "\n"
        )
        with pytest.raises(LessonError, match=rf"params\.{field}:"):
            load_lesson(path)


COMPILE = """
import json
from manim import MathTex, tempconfig
from mathvid.run.manim_setup import manim_config
typeset = []
with tempconfig(manim_config({"verbosity": "CRITICAL"})):
    for payload in PAYLOADS:
        try:
            MathTex(payload)
            typeset.append(payload)
        except Exception:
            pass
print(json.dumps(typeset))
"""


def test_latex_reads_and_writes_only_its_cache_and_runs_nothing(tmp_path: Path) -> None:
    # The payloads given to LaTeX itself (as a formula of mathvid's would be):
    # refused reads, no file outside the cache, no command run.
    cache, work = tmp_path / "media" / "Tex", tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "MATHVID_TEX_CACHE": str(cache)}
    code = f"PAYLOADS = {PAYLOADS!r}\n" + COMPILE
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=work,
        env={**env, "PYTHONPATH": str(ROOT)},
        check=True,
        timeout=300,
        capture_output=True,
    )
    typeset = json.loads(done.stdout.strip().splitlines()[-1])
    # Reading /etc/hostname is refused (without openin_any = p it typesets).
    assert not any("/etc/hostname" in p for p in typeset)
    assert not (work / "PWNED").exists() and not (cache / "PWNED").exists()
    assert not (cache.parent / "escaped.txt").exists()
    assert not any(tmp_path.rglob("PWNED")) and not any(tmp_path.rglob("escaped.txt"))
    # The cache holds only what mathvid writes: .tex sources and their .svg.
    assert {p.suffix for p in cache.iterdir()} <= {".tex", ".svg", ".log", ".aux", ".dvi"}
