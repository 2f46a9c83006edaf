"""Rendering on a Dask cluster gives, in the local media folder, byte for byte what a
local render gives.

The local render is the session's: ``test_join.py``'s lesson of the same two scenes,
narrated at 480p15, rendered once (:func:`tests.mathvid.test_join.joined_media`);
its scenes' folders are copied into the local media folder, where ``mathvid render``
finds them current.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from distributed import LocalCluster

from mathvid.media import lesson_media
from tests.mathvid import test_join
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


# The session's two narrated scenes, under this lesson's ids.
JOINED = {"table": "table", "steps": "step-size"}


def start_in_background(session: Path) -> None:
    """The local render (``test_join.py``'s), started with the session."""
    test_join.start_in_background(session)


def seeded(media: Path, lesson: Path, factory: pytest.TempPathFactory) -> None:
    """``media`` holding copies of the session's local renders of the lesson's scenes."""
    joined = test_join.joined_media(factory) / "lesson" / "scenes"
    for ours, theirs in JOINED.items():
        shutil.copytree(
            joined / theirs / "l", lesson_media(media, lesson) / "scenes" / ours / "l"
        )


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def test_cluster_render_equals_local_render_byte_for_byte(
    cluster, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(LESSON)
    remote, local = tmp_path / "remote", tmp_path / "local"
    done = render(lesson, remote, "--scheduler", cluster.scheduler_address)
    assert done.returncode == 0, done.stderr
    # Each scene went to a worker: the scheduler saw two render tasks.
    assert len(cluster.scheduler.task_prefixes["render_remote"].states) > 0
    seeded(local, lesson, tmp_path_factory)
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
