"""Does a video flash more than three times in any second (WCAG 2.2, 2.3.1)?

WCAG's general flash is a pair of opposing changes in relative luminance of 10 % or
more of the maximum, the darker state below 0.80, over an area of at least a quarter
of a 10° visual field. WCAG's understanding document takes that field as any
341 × 256 rectangle of a 1024 × 768 screen: a third of the width, a third of the
height. So here:

- each pixel is followed through the video, and a change is a swing of its relative
  luminance of at least 0.1 from its last extreme, the darker end below 0.8 (a slow
  fade is one change, however many frames it takes);
- a window a third of the frame wide and high (placed every sixth of the frame)
  changes when at least a quarter of its pixels change the same way within a tenth
  of a second;
- a flash is two opposing changes of a window; more than three in any one second
  fails.

Saturated red flashes, WCAG's second threshold, are not measured: the scenes'
palette has no saturated red fields.

Examples
--------
>>> import numpy as np
>>> dark, light = np.zeros((48, 64, 3), np.uint8), np.full((48, 64, 3), 255, np.uint8)
>>> flicker = [(t / 30, light if (t // 3) % 2 else dark) for t in range(60)]  # 5 Hz
>>> most_flashes_in_a_second(flicker)
5
>>> most_flashes_in_a_second([(t / 30, dark) for t in range(60)])
0
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import av
import numpy as np

CHANGE = 0.1
"""A pixel's change of relative luminance that counts (WCAG: 10 % of the maximum)."""
AREA = 0.25
"""The share of a window that changes together for the window to change."""
TOGETHER = 0.1
"""Seconds within which a window's pixels count as changing together."""
DARKER_BELOW = 0.8
"""A change counts only if its darker state is darker than this (WCAG)."""
LIMIT = 3
"""The most flashes allowed in any one second."""


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG's relative luminance of sRGB pixels (``... × 3``, 0–255), 0 to 1."""
    c = rgb.astype(np.float64) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def window_means(values: np.ndarray) -> np.ndarray:
    """The mean of ``values`` (a frame's) over every window a third of the frame
    wide and high, placed every sixth of it (5 × 5 windows)."""
    h, w = values.shape
    table = np.pad(values.astype(np.float64), ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    ys = np.linspace(0, h - h // 3, 5).astype(int)
    xs = np.linspace(0, w - w // 3, 5).astype(int)
    y0, x0 = np.meshgrid(ys, xs, indexing="ij")
    y1, x1 = y0 + h // 3, x0 + w // 3
    sums = table[y1, x1] - table[y0, x1] - table[y1, x0] + table[y0, x0]
    return sums / ((h // 3) * (w // 3))


class _Pixels:
    """Each pixel's last extremes and the way it last changed (+1 up, -1 down)."""

    def __init__(self, first: np.ndarray) -> None:
        self.low, self.high = first.copy(), first.copy()
        self.way = np.zeros(first.shape, np.int8)

    def step(self, now: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The pixels completing a change up, and down, at this frame."""
        self.low, self.high = np.minimum(self.low, now), np.maximum(self.high, now)
        down = (self.way >= 0) & (self.high - now >= CHANGE) & (now < DARKER_BELOW)
        up = (
            (self.way <= 0) & (now - self.low >= CHANGE) & (self.low < DARKER_BELOW) & ~down
        )
        moved = up | down
        self.way[up], self.way[down] = 1, -1
        self.low, self.high = (
            np.where(moved, now, self.low),
            np.where(moved, now, self.high),
        )
        return up, down


def window_changes(
    frames: Iterable[tuple[float, np.ndarray]],
) -> list[list[tuple[float, int]]]:
    """For each window, its changes: (time, +1 up or -1 down), in order."""
    frames = iter(frames)
    first = next(frames, None)
    if first is None:
        return []
    pixels = _Pixels(relative_luminance(first[1]))
    recent: list[tuple[float, np.ndarray, np.ndarray]] = []
    found: list[list[tuple[float, int]]] = [[] for _ in range(25)]
    for t, rgb in frames:
        up, down = pixels.step(relative_luminance(rgb))
        recent = [r for r in recent if t - r[0] < TOGETHER] + [(t, up, down)]
        # A window changes the way its pixels change now, counting those that
        # changed the same way in the last TOGETHER seconds (a sweeping edge).
        ups = window_means(np.logical_or.reduce([r[1] for r in recent])).ravel()
        downs = window_means(np.logical_or.reduce([r[2] for r in recent])).ravel()
        up_now, down_now = window_means(up).ravel(), window_means(down).ravel()
        for n in range(25):
            way = 1 if up_now[n] > down_now[n] else -1 if down_now[n] > 0 else 0
            if (ups[n] if way > 0 else downs[n]) < AREA:
                way = 0
            last = found[n][-1][1] if found[n] else 0
            if way and way != last:  # one change, however many frames it spans
                found[n].append((t, way))
    return found


def most_flashes_in_a_second(frames: Iterable[tuple[float, np.ndarray]]) -> int:
    """The most flashes any window shows in any one second of ``frames`` (each a
    time in seconds and an RGB picture); a flash is a pair of opposing changes."""
    most = 0
    for changes in window_changes(frames):
        times = np.array([t for t, _ in changes])
        for start in times:
            within = np.count_nonzero((times >= start) & (times < start + 1.0))
            most = max(most, int(within) // 2)
    return most


def video_frames(path: Path, width: int = 160) -> Iterable[tuple[float, np.ndarray]]:
    """The frames of the video at ``path`` (time, RGB), shrunk to ``width`` pixels
    wide: windows a third of the screen wide average far more than that."""
    with av.open(str(path)) as video:
        stream = video.streams.video[0]
        height = round(stream.height * width / stream.width)
        for frame in video.decode(stream):
            picture = frame.to_ndarray(format="rgb24", width=width, height=height)
            yield float(frame.pts * frame.time_base), picture


def check(path: Path) -> int:
    """The most flashes in a second of the video at ``path``; ValueError if more
    than :data:`LIMIT` (one line, saying when)."""
    most = most_flashes_in_a_second(video_frames(path))
    if most > LIMIT:
        raise ValueError(
            f"{path.name}: {most} flashes in one second (WCAG 2.3.1: at most 3)"
        )
    return most
