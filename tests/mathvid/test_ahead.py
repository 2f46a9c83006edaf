"""A narrated render says its scenes' missing speech first, on a pool of all cores
(:func:`mathvid.run.ahead.say_ahead`), then renders: the renders say nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import mathvid.sound.chorus
from lesson.file import load_lesson
from mathvid.run.parallel import render_many
from mathvid.run.render import Job, voice_cache
from mathvid.sound.voice import narration_of

ROOT = Path(__file__).resolve().parents[2]
SCENES = ("tangent-line", "derivative-table")


def test_a_two_scene_render_says_its_speech_on_the_pool_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lesson = load_lesson(ROOT / "lesson.toml")
    jobs = [
        Job(e.id, e.scene, e.params, "l", narration_of(lesson, e))
        for e in lesson.scenes
        if e.id in SCENES
    ]
    media = tmp_path / "media"
    pools, said = [], []

    class Counted(mathvid.sound.chorus.ProcessPoolExecutor):
        def __init__(self, workers: int, **options) -> None:
            pools.append(workers)
            super().__init__(workers, **options)

    real = mathvid.sound.chorus.say_all

    def say_all(*args, **options) -> int:
        said.append(real(*args, **options))
        said.append(set(voice_cache(media).glob("*.wav")))  # before any render
        return said[0]

    monkeypatch.setattr(mathvid.sound.chorus, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr("mathvid.run.ahead.say_all", say_all)
    rendered, errors = render_many(jobs, media, workers=2)
    assert not errors and len(rendered) == 2
    cues, files = said
    assert cues >= 6  # three cues a scene at least, none cached before
    cores = os.cpu_count() or 1
    assert pools == ([min(cores, cues)] if cores > 1 else [])  # one pool, all cores
    # The renders found every cue in the cache: none said again, none added.
    assert set(voice_cache(media).glob("*.wav")) == files
