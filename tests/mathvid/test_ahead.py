"""A narrated render says its scenes' missing speech first, on a pool of all cores
(:func:`mathvid.run.ahead.say_ahead`), then renders: the renders say nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import mathvid.sound.chorus
from lesson.file import load_lesson
from mathvid.run import ahead
from mathvid.run.parallel import render_many
from mathvid.run.render import Job, scene_folder, voice_cache
from mathvid.run.stills import scene_manifest
from mathvid.sound.voice import Narrator, narration_of

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


def test_a_scene_rendered_before_with_every_cue_cached_is_not_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its last render's manifest says its cues; all cached, no silent run is made
    (nor anything said); one missing, the run is made as before."""
    lesson = load_lesson(ROOT / "lesson.toml")
    entry = lesson.entry("tangent-line")
    job = Job(entry.id, entry.scene, entry.params, "l", narration_of(lesson, entry))
    media = tmp_path / "media"
    manifest = scene_manifest(entry.scene_cls, entry.params)  # as a render keeps it
    folder = scene_folder(media.resolve(), job.id, "h", job.theme)  # another quality
    folder.mkdir(parents=True)
    (folder / "scene.json").write_text(json.dumps(manifest.as_dict()))
    narrator = Narrator(job.narration, voice_cache(media))
    cues = ahead.manifest_cues(manifest, narrator)
    missing: set = set()  # the cues the speech cache lacks
    monkeypatch.setattr(
        Narrator, "cue_frames", lambda _, cue: None if cue in missing else 1
    )
    runs: list[str] = []
    monkeypatch.setattr(ahead, "keep_runs", lambda entries, *_: runs.extend(entries))
    monkeypatch.setattr(ahead, "silent_run", lambda e, _: runs.append(e) or (manifest, 60))
    monkeypatch.setattr(ahead, "say_all", lambda voice, cache, cues, workers: len(cues))
    assert ahead.say_ahead([job], media) == 0 and runs == []

    missing.add(cues[-1])
    assert ahead.say_ahead([job], media) == len(cues) and len(runs) == 2
    # A caller holding the scene's entry and narrator gives them: not made again.
    monkeypatch.setattr(ahead, "_entry", lambda job: pytest.fail("imported again"))
    given = {"entries": [entry], "narrators": [narrator]}
    assert ahead.say_ahead([job], media, **given) == len(cues)
