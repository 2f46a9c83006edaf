"""Rendering on a Dask cluster gives, in the local media folder, byte for byte what a
local render gives."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from distributed import LocalCluster

from tests.mathvid.command import mathvid

LESSON = """title = "Two scenes"
[[scene]]
id = "table"
scene = "scenes.derivatives:DerivativeTable"
title = "Table"
[[scene]]
id = "steps"
scene = "scenes.step_size:StepSizeError"
title = "Step size"
"""


def render(lesson: Path, media: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return mathvid("render", "-q", "l", "--lesson", lesson, "--media", media, *extra)


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def test_cluster_render_equals_local_render_byte_for_byte(cluster, tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(LESSON)
    remote, local = tmp_path / "remote", tmp_path / "local"
    done = render(lesson, remote, "--scheduler", cluster.scheduler_address)
    assert done.returncode == 0, done.stderr
    # Each scene went to a worker: the scheduler saw two render tasks.
    assert len(cluster.scheduler.task_prefixes["render_remote"].states) > 0
    done = render(lesson, local, "-j", "2")
    assert done.returncode == 0, done.stderr
    for scene_id in ("table", "steps"):
        ours, theirs = (
            files(m / "lesson" / "scenes" / scene_id / "l") for m in (local, remote)
        )
        assert set(ours) >= {"scene.mp4", "scene.srt", "scene.json", "inputs.key"}
        assert ours == theirs


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(LESSON)
    done = render(lesson, tmp_path / "m", "--scheduler", "tcp://127.0.0.1:9")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "Dask scheduler" in done.stderr
