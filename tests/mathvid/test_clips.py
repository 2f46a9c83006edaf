"""A clip as GIF and WebM: the same pictures at the same times, as long, with its sound."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from mathvid.publish.clips import to_gif, to_webm

RATE = 30
# (colour, first tick, ticks shown): a still moment of 1.5 s is one frame, as renders
# store them (mathvid.run.encoding).
SHOTS = [((220, 40, 40), 0, 15), ((40, 200, 60), 15, 45), ((40, 60, 220), 60, 15)]
SECONDS = 75 / RATE
TONE = 440.0


def make_clip(path: Path) -> Path:
    """A 2.5 s MP4 of three colours (the middle one held) over a 440 Hz tone."""
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=RATE, options={"bf": "0"})
        video.width, video.height, video.pix_fmt = 320, 180, "yuv420p"
        sound = out.add_stream("aac", rate=48000, layout="mono")
        for colour, first, ticks in SHOTS:
            picture = np.zeros((180, 320, 3), np.uint8) + np.array(colour, np.uint8)
            for tick in sorted({first, first + ticks - 1}):
                frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
                frame.pts, frame.time_base = tick, Fraction(1, RATE)
                out.mux(video.encode(frame))
        t = np.arange(int(SECONDS * 48000)) / 48000
        wave = (0.3 * np.sin(2 * np.pi * TONE * t)).astype(np.float32)
        for start in range(0, wave.size, 1024):
            frame = av.AudioFrame.from_ndarray(
                wave[None, start : start + 1024], format="fltp", layout="mono"
            )
            frame.sample_rate, frame.pts = 48000, start
            out.mux(sound.encode(frame))
        out.mux(video.encode(None))
        out.mux(sound.encode(None))
    return path


def shown(path: Path, t: float) -> np.ndarray:
    """The picture shown at ``t`` seconds (the last frame whose time has come)."""
    with av.open(str(path)) as clip:
        last = None
        for frame in clip.decode(video=0):
            if frame.pts * frame.time_base > t:
                break
            last = frame
        return last.to_ndarray(format="rgb24").astype(int)


def sound(path: Path) -> np.ndarray:
    with av.open(str(path)) as clip:
        return np.concatenate(
            [f.to_ndarray().reshape(-1) for f in clip.decode(audio=0)]
        ).astype(float)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clips") / "step.mp4")


@pytest.mark.parametrize("convert", [to_webm, to_gif])
def test_the_same_pictures_at_the_same_times(clip, tmp_path, convert) -> None:
    out = convert(clip, tmp_path / f"step.{convert.__name__[3:]}")
    with av.open(str(out)) as converted:
        assert converted.duration / 1e6 == pytest.approx(SECONDS, abs=0.05)
    for colour, first, ticks in SHOTS:
        # 0.1 s inside each shot: a GIF's frames come every 1/25 s.
        for t in ((first + 3) / RATE, (first + ticks - 3) / RATE):
            picture = shown(out, t)
            assert np.abs(picture - np.array(colour)).mean() < 12, (t, picture[90, 160])


def test_webm_keeps_the_sound_and_its_pitch(clip, tmp_path) -> None:
    samples = sound(to_webm(clip, tmp_path / "step.webm"))
    assert samples.size / 48000 == pytest.approx(SECONDS, abs=0.05)
    middle = samples[12000:36000]
    spectrum = np.abs(np.fft.rfft(middle * np.hanning(middle.size)))
    assert np.fft.rfftfreq(middle.size, 1 / 48000)[spectrum.argmax()] == pytest.approx(
        TONE, abs=3
    )
    assert 0.15 < np.sqrt(np.mean(middle**2)) < 0.3  # about 0.3 / √2: the tone, kept


def test_a_gif_is_silent_and_nothing_half_written_is_left(clip, tmp_path) -> None:
    out = to_gif(clip, tmp_path / "step.gif")
    with av.open(str(out)) as gif:
        assert [s.type for s in gif.streams] == ["video"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["step.gif"]
