"""The flash check against flickers whose flashes are known by construction."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from mathvid.publish.flashes import check, most_flashes_in_a_second, relative_luminance

W, H, FPS = 96, 54, 60


def flicker(hz: float, seconds: float = 2.0, area: float = 1.0, levels=(0, 255)):
    """Frames alternating between two grey levels ``hz`` times a second (a full
    cycle: one flash), over a centred square of ``area`` of the frame."""
    side_y, side_x = round(H * np.sqrt(area)), round(W * np.sqrt(area))
    y0, x0 = (H - side_y) // 2, (W - side_x) // 2
    frames = []
    for n in range(round(seconds * FPS)):
        t = n / FPS
        picture = np.full((H, W, 3), levels[0], np.uint8)
        if int(t * hz * 2) % 2:
            picture[y0 : y0 + side_y, x0 : x0 + side_x] = levels[1]
        frames.append((t, picture))
    return frames


@pytest.mark.parametrize(("hz", "expected"), [(1, 1), (2, 2), (3, 3), (5, 5), (10, 10)])
def test_full_screen_flicker_counts_one_flash_a_cycle(hz, expected) -> None:
    assert most_flashes_in_a_second(flicker(hz)) == expected


def test_a_small_flicker_is_no_flash_and_a_large_one_is() -> None:
    # A window is a ninth of the frame; a quarter of one is 1/36 of the frame.
    assert most_flashes_in_a_second(flicker(8, area=0.01)) == 0
    assert most_flashes_in_a_second(flicker(8, area=0.15)) == 8


def test_changes_among_bright_states_are_no_flash() -> None:
    bright = round(255 * 0.93)  # relative luminance about 0.85: above WCAG's 0.80
    assert relative_luminance(np.array([bright, bright, bright])) > 0.8
    assert most_flashes_in_a_second(flicker(8, levels=(bright, 255))) == 0


def test_a_slow_fade_is_no_flash() -> None:
    frames = [(n / FPS, np.full((H, W, 3), n * 2, np.uint8)) for n in range(120)]
    assert most_flashes_in_a_second(frames) == 0


def test_luminance_is_wcags() -> None:
    # WCAG 2.2's definition: sRGB channels linearised, weighted 0.2126/0.7152/0.0722.
    assert relative_luminance(np.array([255, 255, 255])) == pytest.approx(1.0)
    assert relative_luminance(np.array([255, 0, 0])) == pytest.approx(0.2126)
    assert relative_luminance(np.array([0, 128, 0])) == pytest.approx(
        0.7152 * 0.2158605, 1e-5
    )


def write(frames, path: Path) -> Path:
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=FPS, options={"crf": "10"})
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
        for n, (_, picture) in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts, frame.time_base = n, Fraction(1, FPS)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def test_check_reads_a_video_and_refuses_a_flashing_one_in_one_line(tmp_path) -> None:
    assert check(write(flicker(2), tmp_path / "calm.mp4")) == 2
    with pytest.raises(ValueError, match=r"fast\.mp4: 6 flashes in one second") as err:
        check(write(flicker(6), tmp_path / "fast.mp4"))
    assert "\n" not in str(err.value)
