"""Rendering on a Dask cluster gives, in the local media folder, byte for byte what a
local render gives; what the jobs share is made once on the cluster (each sentence
said once, however many jobs say it).

The local render is the session's: ``test_join.py``'s lesson of the same two scenes,
narrated at 480p15, rendered once (:func:`tests.mathvid.test_join.joined_media`);
its scenes' folders are copied into the local media folder, where ``mathvid render``
finds them current.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from distributed import LocalCluster

from mathvid.media import lesson_media
from mathvid.variants.pool_file import pool_path, write_pool
from tests.mathvid import test_join, test_variant_render
from tests.mathvid.command import ROOT, mathvid

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


BACKGROUND_FIXTURE = "joined_scenes"  # the tests that read the render started below


def start_in_background(session: Path, scene_media: Path) -> None:
    """The local render (``test_join.py``'s), started with the session."""
    test_join.start_in_background(session, scene_media)


@pytest.fixture
def joined_scenes(
    tmp_path_factory: pytest.TempPathFactory, scene_media: Path
) -> Callable[[], Path]:
    """The scenes folder of the session's local render, once it has ended: asked
    for when needed, so that the test's cluster render runs meanwhile."""
    media = test_join.joined_media
    return lambda: media(tmp_path_factory, scene_media) / "lesson" / "scenes"


def seeded(media: Path, lesson: Path, joined: Path) -> None:
    """``media`` holding copies of the session's local renders of the lesson's scenes
    (``joined``: their scenes folder)."""
    for ours, theirs in JOINED.items():
        shutil.copytree(
            joined / theirs / "l", lesson_media(media, lesson) / "scenes" / ours / "l"
        )


@pytest.fixture(scope="module")
def hook(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A folder whose ``sitecustomize.py`` makes every process started with it on its
    path log each sentence the voice says (:data:`SAID`), and that log."""
    folder = tmp_path_factory.mktemp("said")
    (folder / "hook").mkdir()
    (folder / "hook" / "sitecustomize.py").write_text(SAID)
    return {"path": folder / "hook", "said": folder / "said.txt"}


def hooked(monkeypatch: pytest.MonkeyPatch, hook: dict[str, Path]) -> None:
    """The processes started from now on log what the voice says (``hook``)."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hook["path"]), str(ROOT)]))
    monkeypatch.setenv("MATHVID_TEST_SAID", str(hook["said"]))


@pytest.fixture(scope="module")
def cluster(hook: dict[str, Path]):
    """The module's cluster of 2 workers: its workers, and the renders they start,
    log what the voice says (``hook``), for the test that counts it. One cluster
    for the module's tests: a cluster's start is a few CPU seconds a worker."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        hooked(monkeypatch, hook)  # while the workers start: they keep it
        local = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
    with local:
        yield local


def test_cluster_render_equals_local_render_byte_for_byte(
    cluster, tmp_path: Path, joined_scenes: Callable[[], Path]
) -> None:
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(LESSON)
    remote, local = tmp_path / "remote", tmp_path / "local"
    done = render(lesson, remote, "--scheduler", cluster.scheduler_address)
    assert done.returncode == 0, done.stderr
    # Each scene went to a worker: the scheduler saw two render tasks.
    assert len(cluster.scheduler.task_prefixes["render_remote"].states) > 0
    seeded(local, lesson, joined_scenes())
    done = render(lesson, local, "-j", "2")
    assert done.returncode == 0, done.stderr
    for scene_id in ("table", "steps"):
        ours, theirs = (
            files(m / "lesson" / "scenes" / scene_id / "l") for m in (local, remote)
        )
        assert set(ours) >= {"scene.mp4", "scene.srt", "scene.json", "inputs.key"}
        assert ours == theirs


def test_an_unreachable_scheduler_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Dask retries a refused connection until the render's time limit: 2 s, not the
    # 15 s a teacher's render waits (the message is the same).
    monkeypatch.setenv("MATHVID_SCHEDULER_SECONDS", "2")
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(LESSON)
    done = render(lesson, tmp_path / "m", "--scheduler", "tcp://127.0.0.1:9")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "Dask scheduler" in done.stderr


# Every process started with it on its path logs each sentence the voice says.
SAID = """import os
from mathvid.sound import piper_model

_say = piper_model.say


def say(words, speed):
    with open(os.environ["MATHVID_TEST_SAID"], "a", encoding="utf-8") as log:
        log.write(f"{speed!r} {words}\\n")
    return _say(words, speed)


piper_model.say = say
"""


def test_a_narrated_pool_says_each_sentence_once_across_the_cluster(
    cluster, hook: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two variants of a narrated descent, a coefficient apart (most of their
    sentences alike), on a cluster of 2 workers: each sentence is synthesised once
    in all its processes (the client's, the workers', their renders'). (That the
    videos so made are a local render's, byte for byte, the test above shows.)

    The module's cluster, its workers logging what they say since they started
    (``hook``): what this render said is what the log gained meanwhile."""
    hooked(monkeypatch, hook)  # the client's process too
    said = hook["said"]
    lesson = tmp_path / "lesson.toml"
    text = test_variant_render.LESSON.replace('voice = "none"\n', "")
    table = text.index("[[scene]]")  # the descent alone
    lesson.write_text(text[:table] + text[text.index("[[scene]]", table + 1) :])
    write_pool(test_variant_render.pool(), pool_path(lesson))
    remote = tmp_path / "remote"
    logged = said.stat().st_size if said.exists() else 0
    began = time.time()  # the scheduler's clock (it runs in this process)
    done = render(lesson, remote, "--variants", "--scheduler", cluster.scheduler_address)
    assert done.returncode == 0, done.stderr
    computed = [
        t.key
        for t in cluster.scheduler.transition_log
        if t.timestamp >= began
        and str(t.key).startswith("say-")
        and (t.start, t.finish) == ("processing", "memory")
    ]
    with said.open("rb") as log:
        log.seek(logged)
        lines = log.read().decode("utf-8").splitlines()
    assert lines and len(lines) == len(set(lines))  # each (pace, words) said once
    # All of it by a task a cue, each computed once, kept in the client's cache.
    assert (
        len(computed) == len(set(computed)) == len(list((remote / "voice").glob("*.pace")))
    )
    assert len(lines) == len(list((remote / "voice").glob("*.wav")))
