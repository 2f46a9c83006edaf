"""The README's examples run as written."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def block_after(heading: str) -> str:
    section = README.split(heading, 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_starts_with_the_two_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert [line.split()[:2] for line in first_block.splitlines()] == [
        ["make", "lesson"],
        ["make", "test"],
    ]


def test_the_jupyter_example_renders_with_the_manim_magic(tmp_path: Path) -> None:
    # A fresh interpreter, as a notebook kernel is: the magic registers on import.
    cells = re.findall(r"```python\n(.*?)```", README.split("### In Jupyter", 1)[1], re.S)[
        :2
    ]
    kernel = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        f"for cell in {cells!r}:\n"
        "    assert shell.run_cell(cell).success, cell\n"
    )
    shutil.copy(ROOT / "manim.cfg", tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", kernel],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "IPython.core.display.Video" in done.stdout  # the magic showed the video
    [manifest] = tmp_path.glob("media/videos/**/TangentAtOne.json")
    assert json.loads(manifest.read_text())["params"]["rest_points"] == [1.0]


def test_the_numerics_example_runs() -> None:
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(block_after("### The numerics on their own"), {})
    assert out.getvalue().startswith("max_steps [")
