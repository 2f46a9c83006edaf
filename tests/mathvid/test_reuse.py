"""A render made where another render of the same pictures is (silent, or said
otherwise): its plays taken from that video, only the steps' holds drawn, and every
output the same, byte for byte, as a render that drew every frame
(:mod:`mathvid.run.reuse`)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import av
import pytest

from lesson.manifest import Manifest
from mathvid.run import reuse
from mathvid.run.render import Job, render, render_scene, same_pictures, scene_folder
from mathvid.sound.voice import Narration
from scenes.derivatives import DerivativeTable, TangentLine

CUT = reuse.cut
OUTPUTS = ("scene.mp4", "scene.srt", "scene.json", "sections.json", "plays.json")


VOICE = Narration()


def job(scene_cls: type, narration: Narration | None = VOICE) -> Job:
    """``scene_cls`` at its defaults, at -ql, as ``render_scene`` names it."""
    name = scene_cls.__name__
    return Job(name, f"{scene_cls.__module__}:{name}", scene_cls.Params(), "l", narration)


def files(folder: Path) -> dict[str, bytes]:
    """A render's outputs, by name (the steps' clips too)."""
    names = [*OUTPUTS, *(f"sections/{p.name}" for p in (folder / "sections").iterdir())]
    return {name: (folder / name).read_bytes() for name in sorted(names)}


@pytest.fixture(scope="module")
def voices(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The module's speech cache: each sentence synthesised once."""
    return tmp_path_factory.mktemp("voice")


@pytest.fixture(scope="module")
def drawn(voices: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Narrated renders that drew every frame, made once: scene → render folder."""
    made: dict[str, Path] = {}

    def of(scene_cls: type) -> Path:
        if scene_cls.__name__ not in made:
            media = tmp_path_factory.mktemp("drawn")
            made[scene_cls.__name__] = render(job(scene_cls), media, voices=voices).folder
        return made[scene_cls.__name__]

    return of


@pytest.mark.parametrize(
    "scene_cls",
    # TangentLine's first step is held longer narrated; DerivativeTable's last two
    # steps are held narrated only (no silent hold to stretch).
    [TangentLine, DerivativeTable],
    ids=lambda c: c.__name__,
)
def test_a_narrated_render_after_the_silent_one_is_the_drawn_one_byte_for_byte(
    scene_cls: type, scene_media: Path, tmp_path: Path, voices: Path, drawn, monkeypatch
) -> None:
    silent = render_scene(scene_cls, "l", scene_media).parent
    after_silent = scene_folder(tmp_path / "a", scene_cls.__name__, "l")
    shutil.copytree(silent, after_silent)
    cuts = []
    monkeypatch.setattr(reuse, "cut", lambda *args: cuts.append(args) or CUT(*args))

    reused = render(job(scene_cls), tmp_path / "a", voices=voices)
    plays = json.loads((silent / "plays.json").read_text())["plays"]
    assert not reused.skipped and len(cuts) == sum(not hold for _, hold in plays)

    cuts.clear()
    reference = drawn(scene_cls)
    assert cuts == [] and files(reused.folder) == files(reference)
    steps = Manifest.read(reference / "scene.json").steps
    assert any(s.held for s in steps) and all(s.speech for s in steps)


def test_a_render_logs_where_each_play_starts_and_which_are_holds(
    scene_media: Path,
) -> None:
    folder = render_scene(DerivativeTable, "l", scene_media).parent
    log = json.loads((folder / "plays.json").read_text())
    assert log["rate"] == 15
    # Manim encodes each play as a segment of its own, which starts with a key
    # frame; the video has no other at this length (x264 puts one every 250 frames).
    with av.open(str(folder / "scene.mp4")) as video:
        stream = video.streams.video[0]
        keys = [
            round(p.pts * stream.time_base * 15)
            for p in video.demux(stream)
            if p.is_keyframe
        ]
        end = round(stream.duration * stream.time_base * 15)
    assert [start for start, _ in log["plays"]] == keys and log["end"] == end
    # The holds are where the steps' are: each step's last `held` seconds.
    manifest = Manifest.read(folder / "scene.json")
    held = [
        round((stop - s.held) * 15)
        for s, (_, stop) in zip(manifest.steps, manifest.spans(), strict=True)
        if s.held
    ]
    assert [start for start, hold in log["plays"] if hold] == held


def test_words_edited_for_one_step_draw_only_the_holds(
    tmp_path: Path, voices: Path, drawn, monkeypatch
) -> None:
    said = drawn(TangentLine)
    shutil.copytree(said, scene_folder(tmp_path / "b", "TangentLine", "l"))
    edited = Narration(texts=(("1", "A curve, and soon its tangent, said at length."),))
    cuts = []
    monkeypatch.setattr(reuse, "cut", lambda *args: cuts.append(args) or CUT(*args))

    reused = render(job(TangentLine, edited), tmp_path / "b", voices=voices)
    assert cuts and files(reused.folder) != files(said)
    cuts.clear()
    redrawn = render(job(TangentLine, edited), tmp_path / "c", voices=voices)
    assert cuts == [] and files(reused.folder) == files(redrawn.folder)


def test_another_scene_s_render_is_not_taken(tmp_path: Path, scene_media: Path) -> None:
    silent = render_scene(TangentLine, "l", scene_media).parent
    copy = scene_folder(tmp_path, "TangentLine", "l")
    shutil.copytree(silent, copy)
    other = dataclasses.replace(
        job(TangentLine), params=TangentLine.Params(function="x**3")
    )
    assert same_pictures(job(TangentLine), copy)
    assert same_pictures(job(TangentLine, None), copy)
    assert not same_pictures(other, copy)
    for damaged in ('{"plays": [[0, fa', '{"plays": [], "end": 1}', ""):
        (copy / "plays.json").write_text(damaged)
        assert not same_pictures(job(TangentLine), copy)  # drawn, as before logs
