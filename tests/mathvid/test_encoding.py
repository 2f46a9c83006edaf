"""The faster frame path shows the very pictures Manim's own shows, at every tick,
for as long, with a still moment stored as two frames instead of one per tick."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from manim import RIGHT, Circle, Create, Scene, Square, tempconfig
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from mathvid.run import encoding
from mathvid.run.manim_setup import manim_config

FPS = 30


class MovesAndWaits(Scene):
    """Moving frames, still ones (a wait: one frame repeated), and a still end."""

    def construct(self) -> None:
        square = Square(color="#ff8800")
        self.play(Create(square), run_time=0.5)
        self.wait(0.7)
        self.play(square.animate.shift(RIGHT), Create(Circle()), run_time=0.5)
        self.wait(0.3)


def render(media: Path, width: int) -> Path:
    """Render ``width`` × 240 at :data:`FPS`: the video's path."""
    options = {
        "media_dir": str(media),
        "pixel_width": width,
        "pixel_height": 240,
        "frame_rate": FPS,
        "progress_bar": "none",
        "verbosity": "WARNING",
    }
    with tempconfig(manim_config(options)):
        scene = MovesAndWaits()
        scene.render()
        return Path(scene.renderer.file_writer.movie_file_path)


def shown(path: Path) -> tuple[list[np.ndarray], float, list[tuple[int, int]]]:
    """The picture shown at each tick (the last frame whose time has come), the
    container's duration in seconds, and every packet's (pts, dts) in ticks."""
    with av.open(str(path)) as video:
        stream = video.streams.video[0]
        tick = stream.time_base * FPS
        stamps = [
            (round(p.pts * tick), round(p.dts * tick))
            for p in video.demux(stream)
            if p.pts is not None
        ]
        video.seek(0)
        frames = [
            (round(f.pts * tick), f.to_ndarray(format="rgb24"))
            for f in video.decode(stream)
        ]
        duration = video.duration / 1e6
    ticks = round(duration * FPS)
    pictures = [
        max((f for f in frames if f[0] <= t), key=lambda f: f[0])[1] for t in range(ticks)
    ]
    return pictures, duration, stamps


# 426 px: rows of 1704 bytes, which PyAV pads; 640 px: rows that need no padding.
@pytest.mark.parametrize("width", [426, 640])
def test_same_pictures_at_every_tick_as_manims_own_frame_path(
    tmp_path, monkeypatch, width
) -> None:
    ours, our_length, our_stamps = shown(render(tmp_path / "ours", width))
    assert VideoSegmentEncoder.write_frame is encoding.write_frame
    monkeypatch.setattr(encoding, "install", lambda: None)
    monkeypatch.setattr(VideoSegmentEncoder, "write_frame", encoding.MANIMS["write_frame"])
    manims, manims_length, manims_stamps = shown(render(tmp_path / "manims", width))

    assert our_length == pytest.approx(manims_length, abs=1e-6) == pytest.approx(2.0)
    assert len(ours) == len(manims) == 2 * FPS
    for tick, (a, b) in enumerate(zip(ours, manims, strict=True)):
        # The same picture, up to the encoder's rounding (a moved square differs by 100s).
        difference = np.abs(a.astype(int) - b.astype(int)).mean()
        assert difference < 1.0, f"tick {tick}: mean difference {difference:.2f}"
    # Manim stores every tick; a wait here is its first and last tick.
    assert [p for p, _ in manims_stamps] == list(range(2 * FPS))
    assert len(our_stamps) == 15 + 2 + 15 + 2
    assert our_stamps[15:17] == [(15, 15), (35, 35)]
    # Stored in the order shown: what keeps a variable frame rate's timing in MP4.
    assert all(p == d for p, d in our_stamps)
