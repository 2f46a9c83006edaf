"""The checks every scene test makes: its video, its captions, its golden frames.

- :func:`render_scenes` renders scenes at -ql (the ``rendered`` fixture of
  ``conftest.py``, into the session's one media folder for scenes, so that each is
  rendered once however many test files read it); :func:`read_manifest` reads the
  data manifest written beside a video.
- :func:`assert_video` decodes a video with PyAV: 854×480 at 15 frames/s, and a
  length strictly between the bounds given (in seconds of video).
- :func:`assert_captions` checks a manifest has at least three steps and that the
  captions file beside the video holds each step's caption, in the cues shown
  during that step, every cue keeping the caption rules
  (:func:`assert_caption_rules`: WCAG 1.2.2's 2 lines, 42 characters a line, 20
  characters a second).
- :func:`lesson_scenes` lists the scene classes ``lesson.toml`` names, so tests over
  every scene follow the lesson rather than a second list.
- :func:`assert_goldens` compares a scene's step stills with its golden frames;
  :func:`golden_matches` tells which steps still match, for the tests that change a
  scene on purpose and expect exactly some steps to fail.
"""

from __future__ import annotations

import importlib
import json
import tomllib
from pathlib import Path
from typing import Any

import av
import srt

from mathvid.publish.vtt import from_srt
from mathvid.run.render import render_scene
from tests.scenes.goldens import compare_with_goldens

WIDTH, HEIGHT, FPS = 854, 480, 15  # -ql
LESSON = Path(__file__).parents[2] / "lesson.toml"


def lesson_scenes() -> list[type]:
    """The scene classes ``lesson.toml`` names, in its order (imported, not checked)."""
    entries = tomllib.loads(LESSON.read_text(encoding="utf-8"))["scene"]
    specs = [entry["scene"].split(":") for entry in entries]
    return [getattr(importlib.import_module(mod), name) for mod, name in specs]


def render_scenes(scenes: list[type], media: Path) -> dict[str, Path]:
    """Each scene rendered at -ql into the media folder ``media`` (unless a render
    there is current): name → video."""
    return {cls.__name__: render_scene(cls, "l", media) for cls in scenes}


def all_scene_classes() -> list[type]:
    """Every lesson scene class the ``scenes`` package defines."""
    import importlib
    import pkgutil

    import scenes
    from scenes.base import LessonScene

    found = []
    for info in pkgutil.iter_modules(scenes.__path__):
        module = importlib.import_module(f"scenes.{info.name}")
        found += [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type)
            and issubclass(obj, LessonScene)
            and obj.__module__ == module.__name__ != "scenes.base"
        ]
    return found


def read_manifest(video: Path) -> dict[str, Any]:
    """The data manifest a render writes beside its video."""
    return json.loads(video.with_suffix(".json").read_text(encoding="utf-8"))


def assert_video(path: Path, min_seconds: float, max_seconds: float | None = None) -> float:
    """Decode the whole video: 854×480 at 15 frames/s, longer than ``min_seconds``
    and (if given) shorter than ``max_seconds``. Returns its length in seconds (a
    still moment is one frame shown for its length: count time, not frames)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        size = (stream.width, stream.height, stream.base_rate)
        assert size == (WIDTH, HEIGHT, FPS), f"{path.name}: {size}"
        times = [float(f.pts * f.time_base) for f in container.decode(stream)]
        seconds = container.duration / 1e6
    assert times == sorted(times) and times[-1] < seconds, f"{path.name}: frame times"
    assert seconds > min_seconds, f"{path.name}: only {seconds:.2f} s"
    if max_seconds is not None:
        assert seconds < max_seconds, f"{path.name}: {seconds:.2f} s"
    return seconds


MAX_LINES, MAX_LINE_CHARS, MAX_CHARS_A_SECOND = 2, 42, 20.0  # WCAG 1.2.2 practice


def assert_caption_rules(cues: list[srt.Subtitle]) -> None:
    """Each cue: at most two lines of 42 characters, read at 20 characters a second
    at most (its characters over its time on screen, as the .srt gives it)."""
    for cue in cues:
        lines = cue.content.split("\n")
        assert len(lines) <= MAX_LINES, cue.content
        assert max(map(len, lines)) <= MAX_LINE_CHARS, cue.content
        chars = len(" ".join(lines))  # a line break stands for a space
        seconds = (cue.end - cue.start).total_seconds()
        assert chars / seconds <= MAX_CHARS_A_SECOND + 1e-6, f"{cue.content!r}: {seconds} s"


def assert_captions(video: Path, manifest: dict[str, Any]) -> None:
    """At least three steps; the cues shown during each step, in the video's .srt,
    are its caption, word for word; every cue keeps the caption rules."""
    cues = from_srt(video.with_suffix(".srt").read_text(encoding="utf-8"))
    steps = manifest["steps"]
    assert len(steps) >= 3
    assert_caption_rules(cues)
    ends = [s["start"] for s in steps[1:]] + [manifest["duration"]]
    for step, end in zip(steps, ends, strict=True):
        # By a cue's middle: the .srt keeps whole milliseconds, the steps whole frames.
        shown = [
            c.content
            for c in cues
            if step["start"] < (c.start + c.end).total_seconds() / 2 < end
        ]
        assert " ".join(shown).split() == step["caption"].split(), step["name"]


def golden_matches(scene_cls: type, params: Any = None) -> list[bool]:
    """For each step of the scene (with ``params``): does it match its golden frame?"""
    return [d.ok for d in compare_with_goldens(scene_cls, params)]


def assert_goldens(
    scene_cls: type,
    update: bool = False,
    params: Any = None,
    name: str | None = None,
    theme: str = "dark",
) -> None:
    """At least three steps, each still within tolerance of its golden frame (of the
    set ``name``, by default the class name; the scene built with ``params``, drawn
    in ``theme``)."""
    diffs = compare_with_goldens(scene_cls, params, update, name, theme)
    assert len(diffs) >= 3
    bad = [f"{d.step}: {d.differing:.2%} of pixels differ" for d in diffs if not d.ok]
    assert not bad, "frames changed (if on purpose: make goldens): " + "; ".join(bad)
