"""Where speech is in a sound: an energy-based voice-activity detector, to time
steps and captions by what is heard, and to trim speech of the silence around it.

Examples
--------
>>> t = np.arange(2 * RATE) / RATE
>>> tone = np.where((t >= 0.5) & (t < 1.5), 0.5 * np.sin(2 * np.pi * 1000 * t), 0.0)
>>> [(round(a, 3), round(b, 3)) for a, b in speech_spans(tone)]
[(0.495, 1.505)]
"""

from __future__ import annotations

import numpy as np

from mathvid.sound.audio import RATE

FRAME = RATE // 50
"""Voice-activity analysis frame: 20 ms."""
HOP = RATE // 100
"""Voice-activity frame step: 10 ms."""


def speech_spans(
    samples: np.ndarray,
    min_silence: float = 0.25,
    *,
    threshold: float = -30.0,
    floor: float = -50.0,
    min_speech: float = 0.05,
) -> list[tuple[float, float]]:
    """Where ``samples`` has speech (or any sound): ``(start, end)`` in seconds.

    An energy detector: the RMS level of 20 ms frames every 10 ms is speech when
    it is at least ``floor`` dBFS and at least the loud frames' level (the 95th
    percentile of the frames above ``floor``) plus ``threshold`` dB, so soft
    consonants count and a recording's noise floor does not. Gaps shorter than
    ``min_silence`` seconds (between words, at a plosive) join their neighbours;
    spans shorter than ``min_speech`` (a click) are dropped. Edges are within
    5 ms for a clean onset.

    Examples
    --------
    >>> speech_spans(np.zeros(RATE, np.float32))
    []
    """
    levels = _levels(np.asarray(samples, dtype=np.float64))
    loud = levels[levels >= floor]
    if loud.size == 0:
        return []
    active = levels >= max(floor, np.percentile(loud, 95) + threshold)
    duration = len(samples) / RATE
    spans: list[tuple[float, float]] = []
    for first, last in _runs(active):
        # A frame is credited with the hop around its centre (frame = 2 hops).
        start = max(0.0, (first * HOP + HOP / 2) / RATE)
        end = min(duration, (last * HOP + FRAME / 2 + HOP / 2) / RATE)
        if spans and start - spans[-1][1] < min_silence:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return [(a, b) for a, b in spans if b - a >= min_speech]


def trim(samples: np.ndarray, margin: float = 0.01) -> np.ndarray:
    """``samples`` from the start of its first speech span to the end of its last,
    with ``margin`` seconds kept either side; empty when there is no speech.

    Examples
    --------
    >>> t = np.arange(RATE) / RATE
    >>> beep = np.where((t >= 0.25) & (t < 0.75), np.sin(2 * np.pi * 440 * t), 0)
    >>> round(len(trim(beep)) / RATE, 2)
    0.53
    """
    x = np.asarray(samples)
    spans = speech_spans(x)
    if not spans:
        return x[:0]
    first = max(0, round((spans[0][0] - margin) * RATE))
    return x[first : round((spans[-1][1] + margin) * RATE)]


def _levels(x: np.ndarray) -> np.ndarray:
    """RMS level (dBFS, −inf for silence) of frame i, samples [i·HOP, i·HOP + FRAME).

    Frames run until one reaches the end (zeros past it).
    """
    count = max(1, -(-(x.size - FRAME) // HOP) + 1)
    padded = np.zeros((count - 1) * HOP + FRAME)
    padded[: x.size] = x
    energy = np.concatenate([[0.0], np.cumsum(padded * padded)])
    starts = np.arange(count) * HOP
    # Cumulative sums can leave tiny negative differences: clip before the root.
    mean_square = np.maximum(energy[starts + FRAME] - energy[starts], 0.0) / FRAME
    with np.errstate(divide="ignore"):
        return 10 * np.log10(mean_square)


def _runs(active: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True in ``active``.

    Examples
    --------
    >>> _runs(np.array([0, 1, 1, 0, 1], bool))
    [(1, 2), (4, 4)]
    """
    edges = np.diff(np.concatenate([[0], active.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(int(a), int(b) - 1) for a, b in zip(starts, stops, strict=True)]
