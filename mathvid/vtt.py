"""Captions and descriptions as WebVTT documents (the lesson's, the bundle's)."""

from __future__ import annotations

import datetime as dt

import srt


def to_webvtt(subtitles: list[srt.Subtitle]) -> str:
    """Subtitles as a WebVTT document.

    Examples
    --------
    >>> cue = srt.Subtitle(1, dt.timedelta(seconds=1.5), dt.timedelta(seconds=3), "Hi")
    >>> print(to_webvtt([cue]))
    WEBVTT
    <BLANKLINE>
    1
    00:00:01.500 --> 00:00:03.000
    Hi
    <BLANKLINE>
    """

    def stamp(t: dt.timedelta) -> str:
        ms = round(t.total_seconds() * 1000)
        hours, minutes, seconds = ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60
        return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{ms % 1000:03d}"

    cues = [
        f"{s.index}\n{stamp(s.start)} --> {stamp(s.end)}\n{s.content}\n" for s in subtitles
    ]
    return "WEBVTT\n\n" + "\n".join(cues)
