"""Themes through the command: ``--theme`` or ``theme =`` in the lesson file; light
renders an MP4 on white, transparent a WebM whose alpha survives, each in a folder of
its own; a lesson or bundle in the transparent theme is refused in one line."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from mathvid.sound import muxing
from mathvid.sound.audio import RATE
from tests.mathvid.command import mathvid

LESSON = """title = "One scene"
voice = "none"
{theme}
[[scene]]
id = "tangent"
scene = "scenes.derivatives:TangentLine"
title = "The tangent line"
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The one-scene lesson, rendered at low quality in the light theme (named in
    the file) and in the transparent theme (named on the command line)."""
    folder = tmp_path_factory.mktemp("themes")
    lesson, media = folder / "lesson.toml", folder / "media"
    lesson.write_text(LESSON.format(theme='theme = "light"'))
    for theme in ([], ["--theme", "transparent"]):
        done = mathvid("render", "-q", "l", "--lesson", lesson, "--media", media, *theme)
        assert done.returncode == 0, done.stderr
    return {"lesson": lesson, "media": media, "scenes": media / "lesson" / "scenes"}


def rgba_frames(path: Path) -> list[tuple[float, np.ndarray]]:
    """Each frame's time and RGBA pixels; VP9's alpha needs libvpx's own decoder."""
    with av.open(str(path)) as src:
        stream = src.streams.video[0]
        name = "libvpx-vp9" if stream.codec_context.name == "vp9" else None
        decoder = av.CodecContext.create(name, "r") if name else stream.codec_context
        frames = []
        for packet in src.demux(stream):
            for frame in decoder.decode(packet):
                frames.append((float(packet.pts * stream.time_base), frame))
        return [(t, f.to_ndarray(format="rgba")) for t, f in frames]


def length(path: Path) -> float:
    with av.open(str(path)) as src:
        return float(Fraction(src.duration, av.time_base))


def test_each_theme_renders_into_a_folder_of_its_own(site: dict) -> None:
    folders = sorted(p.name for p in (site["scenes"] / "tangent").iterdir())
    assert folders == ["l-light", "l-transparent"]  # the dark render was not asked for
    light = site["scenes"] / "tangent" / "l-light"
    clear = site["scenes"] / "tangent" / "l-transparent"
    assert (light / "scene.mp4").exists() and (clear / "scene.webm").exists()
    assert sorted(p.suffix for p in (clear / "sections").iterdir()) == [".webm"] * len(
        list((light / "sections").iterdir())
    )
    # The same scene, the same length, whatever its colours.
    assert length(clear / "scene.webm") == pytest.approx(
        length(light / "scene.mp4"), abs=0.07
    )


def test_light_is_drawn_on_white(site: dict) -> None:
    _, first = rgba_frames(site["scenes"] / "tangent" / "l-light" / "scene.mp4")[-1]
    corner = first[:20, :20, :3].astype(int)
    assert np.all(np.abs(corner - 255) <= 3)
    assert np.mean(first[..., :3].max(axis=-1) < 128) > 0.001  # dark ink drawn on it


def test_transparent_keeps_its_alpha_in_the_webm(site: dict) -> None:
    video = site["scenes"] / "tangent" / "l-transparent" / "scene.webm"
    with av.open(str(video)) as src:
        assert src.streams.video[0].codec_context.name == "vp9"
    _, last = rgba_frames(video)[-1]
    alpha = last[..., 3]
    assert alpha[:20, :20].max() <= 3  # clear where nothing is drawn
    assert 0.001 < np.mean(alpha >= 250) < 0.5  # opaque where something is
    drawn = last[alpha >= 250][:, :3].astype(int)
    assert np.median(drawn.mean(axis=1)) < 160  # in the light palette: dark on white


def test_a_lesson_or_bundle_in_the_transparent_theme_is_one_line(
    site: dict, tmp_path: Path
) -> None:
    common = ("-q", "l", "--lesson", site["lesson"], "--media", site["media"])
    for command in (("lesson",), ("export", tmp_path / "out")):
        done = mathvid(*command, *common, "--theme", "transparent")
        assert done.returncode == 1
        assert done.stderr.count("\n") == 1 and "transparent" in done.stderr
    assert not (site["media"] / "lesson" / "lesson").exists()
    assert not (tmp_path / "out").exists()


def test_an_unknown_theme_in_the_file_names_the_line(tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(LESSON.format(theme='theme = "sepia"'))
    done = mathvid("list", "--lesson", lesson)
    assert done.returncode == 1
    assert f"{lesson}:3: theme:" in done.stderr and '"light"' in done.stderr


def test_a_clear_video_keeps_its_alpha_when_narrated(tmp_path: Path) -> None:
    video = tmp_path / "clear.webm"
    with av.open(str(video), "w", format="webm") as out:
        stream = out.add_stream("libvpx-vp9", rate=15)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuva420p"
        stream.metadata["alpha_mode"] = "1"
        for i in range(30):
            pixels = np.zeros((48, 64, 4), np.uint8)
            pixels[10:30, i : i + 10] = (20, 40, 200, 255)
            out.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgba")))
        out.mux(stream.encode(None))
    t = np.arange(2 * RATE) / RATE
    sound = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    narrated = muxing.mux(video, sound, tmp_path / "narrated.webm")
    with av.open(str(narrated)) as src:
        assert src.streams.audio[0].codec_context.name == "opus"
    _, frame = rgba_frames(narrated)[5]
    assert frame[0, 0, 3] == 0 and frame[20, 10, 3] == 255
    heard = muxing.audio_of(narrated)
    spectrum = np.abs(np.fft.rfft(heard[: RATE // 2 * 2]))
    assert np.fft.rfftfreq(RATE // 2 * 2, 1 / RATE)[np.argmax(spectrum)] == pytest.approx(
        440, abs=2
    )


# What the player shows, read back from Chromium: (element, property of its text,
# property of what is behind it). The caption's band, the current chapter, the
# status line and a button.
SHOWN = """const style = (q, p) => getComputedStyle(document.querySelector(q))[p];
return {body: [style('body', 'color'), style('body', 'backgroundColor')],
        caption: [style('#caption span', 'color'),
                  style('#caption span', 'backgroundColor')],
        current: [style('nav li.current', 'color'), style('body', 'backgroundColor')],
        status: [style('#status', 'color'), style('body', 'backgroundColor')],
        button: [style('#explore-button', 'color'),
                 style('#explore-button', 'backgroundColor')]};"""


def css_hex(colour: str) -> str:
    """A colour as Chromium computes it, ``rgb(r, g, b)`` or, mixed,
    ``color(srgb r g b)`` (fractions), as ``#RRGGBB``."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", colour)][:3]
    if colour.startswith("color("):
        numbers = [255 * n for n in numbers]
    return "#" + "".join(f"{round(n):02X}" for n in numbers)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_player_is_drawn_in_the_lessons_theme_and_reads(
    theme: str, tmp_path: Path, browser
) -> None:
    from lesson.themes import THEMES
    from mathvid.publish.export import PLAYER, page
    from tests.scenes.test_themes import contrast

    step = {"name": "A step", "clip": "clip.mp4", "duration": 2.0, "poster": "",
            "cues": [{"text": "A caption", "start": 0.0, "end": 2.0}],
            "notes": "", "description": ""}  # fmt: skip
    data = {"title": "T", "channel": "c", "scenes": [
        {"id": "s", "title": "S", "poster": "", "steps": [step]}]}  # fmt: skip
    (tmp_path / "index.html").write_text(page("T", data, PLAYER, theme))
    browser.get((tmp_path / "index.html").as_uri())
    shown = {k: [css_hex(c) for c in v] for k, v in browser.execute_script(SHOWN).items()}
    palette = THEMES[theme]
    assert shown["body"] == [palette.ink, palette.background]
    ratios = {k: round(contrast(text, behind), 1) for k, (text, behind) in shown.items()}
    assert all(r >= 4.5 for r in ratios.values()), ratios
