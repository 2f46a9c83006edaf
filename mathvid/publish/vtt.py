"""Captions and descriptions as WebVTT and SRT documents, their text escaped.

Every caption file mathvid writes (a scene's, the lesson's, the descriptions track)
is written by :func:`to_webvtt` or :func:`to_srt`, so no text can end a cue or start
one: a lesson's words (``[scene.narration]``) reach these files, and a line like
``00:00:00.000 --> 09:59:59.000`` in them would otherwise be read as a ten-hour cue.

- Both formats: a line break is a line feed (a carriage return, a form feed or a
  Unicode line separator would be one to some reader), and a cue's text has no
  blank line (which ends the cue in both) nor blank edges on a line.
- WebVTT (https://www.w3.org/TR/webvtt1/#cue-text): ``&``, ``<`` and ``>`` are
  written as ``&amp;``, ``&lt;`` and ``&gt;``, so ``-->`` (which ends a cue's text
  and starts a timing line) cannot appear, nor a tag.
- SRT has no escapes: an arrow (``-->``, or ``- >`` as lenient readers take it)
  and a line that is a number alone (an index, when a timing follows) are broken
  by a word joiner (U+2060), which shows as nothing.
"""

from __future__ import annotations

import datetime as dt
import re

import srt

JOINER = "\u2060"
"""WORD JOINER: an invisible character that keeps an SRT line from parsing as an
index or a timing (a reader that strips it shows the text unchanged)."""

_ARROW = re.compile(r"-[ -] *>")  # srt's own arrow (the strictest readers want -->)
_INDEX = re.compile(r"-?[0-9]+\.?[0-9]*")  # srt's index line, which a timing follows


def caption_text(text: str) -> str:
    """``text`` as a cue's text in either format: lines parted by a line feed, each
    without blank edges, and no blank line.

    >>> caption_text("One\\r\\n\\n  two \\u2028\\tthree")
    'One\\ntwo\\nthree'
    """
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def vtt_text(text: str) -> str:
    """``text`` as WebVTT cue text (see the module's docstring).

    >>> vtt_text("A --> B & <b>C</b>")
    'A --&gt; B &amp; &lt;b&gt;C&lt;/b&gt;'
    """
    escaped = caption_text(text).replace("&", "&amp;")
    return escaped.replace("<", "&lt;").replace(">", "&gt;")


def srt_text(text: str) -> str:
    """``text`` as SRT subtitle text (see the module's docstring); the same text
    again is left as it is.

    >>> srt_text("1\\n00:00:00,000 --> 09:59:59,000\\nA -- > B") == (
    ...     "1\\u2060\\n00:00:00,000 --\\u2060> 09:59:59,000\\nA -- \\u2060> B")
    True
    >>> srt_text(srt_text("2\\n-->")) == srt_text("2\\n-->")
    True
    """
    lines = caption_text(text).split("\n")
    lines = [line + JOINER if _INDEX.fullmatch(line) else line for line in lines]
    broken = (_ARROW.sub(lambda m: m[0][:-1] + JOINER + ">", line) for line in lines)
    return "\n".join(broken)


def to_webvtt(subtitles: list[srt.Subtitle]) -> str:
    """Subtitles as a WebVTT document, their text escaped (:func:`vtt_text`).

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
        f"{s.index}\n{stamp(s.start)} --> {stamp(s.end)}\n{vtt_text(s.content)}\n"
        for s in subtitles
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


def to_srt(subtitles: list[srt.Subtitle]) -> str:
    """Subtitles as an SRT document, their text escaped (:func:`srt_text`).

    >>> cue = srt.Subtitle(1, dt.timedelta(seconds=1.5), dt.timedelta(seconds=3), "Hi")
    >>> print(to_srt([cue]))
    1
    00:00:01,500 --> 00:00:03,000
    Hi
    <BLANKLINE>
    <BLANKLINE>
    """
    escaped = [
        srt.Subtitle(s.index, s.start, s.end, srt_text(s.content)) for s in subtitles
    ]
    return srt.compose(escaped)


def from_srt(document: str) -> list[srt.Subtitle]:
    """The subtitles of an SRT document :func:`to_srt` wrote, their text as given
    (its word joiners taken out).

    >>> cue = srt.Subtitle(1, dt.timedelta(seconds=1), dt.timedelta(seconds=2), "A --> B")
    >>> from_srt(to_srt([cue]))[0].content
    'A --> B'
    """
    return [
        srt.Subtitle(s.index, s.start, s.end, s.content.replace(JOINER, ""))
        for s in srt.parse(document)
    ]
