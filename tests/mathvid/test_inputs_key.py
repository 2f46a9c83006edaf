"""A scene is rendered again when, and only when, something it is built from changes."""

from __future__ import annotations

import shutil
from pathlib import Path

from mathvid.run import render
from mathvid.run.render import Job, inputs_key

ROOT = Path(__file__).resolve().parents[2]


def keys(root: Path) -> dict[str, str]:
    jobs = {
        "gradients": Job("bowl", "scenes.gradients:GradientBowl", None, "l"),
        "derivatives": Job("tangent", "scenes.derivatives:TangentLine", None, "l"),
    }
    return {name: inputs_key(job) for name, job in jobs.items()}


def test_keys_follow_the_scene_modules_each_scene_imports(tmp_path, monkeypatch) -> None:
    shutil.copytree(ROOT / "scenes", tmp_path / "scenes")
    shutil.copytree(ROOT / "mathcore", tmp_path / "mathcore")
    monkeypatch.setattr(render, "ROOT", tmp_path)
    before = keys(tmp_path)

    with (tmp_path / "scenes/gradients.py").open("a") as f:
        f.write("\n# an edit\n")
    after_gradients = keys(tmp_path)
    assert after_gradients["gradients"] != before["gradients"]
    assert after_gradients["derivatives"] == before["derivatives"]  # not its module

    # kit/mesh.py is imported by gradients.py and, through base.py, by every scene.
    with (tmp_path / "scenes/kit/mesh.py").open("a") as f:
        f.write("\n# an edit\n")
    after_surface = keys(tmp_path)
    assert all(after_surface[k] != after_gradients[k] for k in after_surface)
