"""The faster frame path gives the very bytes Manim's own gives."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from manim import RIGHT, Circle, Create, Scene, Square, tempconfig
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from mathvid import encoding
from mathvid.manim_setup import manim_config


class MovesAndWaits(Scene):
    """Moving frames, then still ones (a wait: one frame repeated)."""

    def construct(self) -> None:
        square = Square(color="#ff8800")
        self.play(Create(square), run_time=0.5)
        self.wait(0.7)
        self.play(square.animate.shift(RIGHT), Create(Circle()), run_time=0.5)
        self.wait(0.3)


def render(media: Path, width: int) -> tuple[str, int]:
    """Render ``width`` × 240: the video's digest and size."""
    options = {
        "media_dir": str(media),
        "pixel_width": width,
        "pixel_height": 240,
        "frame_rate": 30,
        "progress_bar": "none",
        "verbosity": "WARNING",
    }
    with tempconfig(manim_config(options)):
        scene = MovesAndWaits()
        scene.render()
        video = Path(scene.renderer.file_writer.movie_file_path).read_bytes()
    return hashlib.sha256(video).hexdigest(), len(video)


# 426 px: rows of 1704 bytes, which PyAV pads; 640 px: rows that need no padding.
@pytest.mark.parametrize("width", [426, 640])
def test_same_video_bytes_as_manims_own_frame_path(tmp_path, monkeypatch, width) -> None:
    ours = render(tmp_path / "ours", width)
    assert VideoSegmentEncoder.write_frame is encoding.write_frame
    monkeypatch.setattr(encoding, "install", lambda: None)
    monkeypatch.setattr(VideoSegmentEncoder, "write_frame", encoding.MANIMS["write_frame"])
    manims = render(tmp_path / "manims", width)
    assert ours == manims
    assert ours[1] > 1000  # a real video, not an empty container
