"""What a video site needs beside the lesson's video: ``chapters.txt``, the chapter
list in the form sites read from a video's description, and ``description.txt``,
a description to paste (the lesson's title, its chapters, where its transcript is).

The sites' rules for a chapter list (YouTube's, which the others follow): one line
per chapter, ``M:SS Title`` (``H:MM:SS`` from an hour on), the first at ``0:00``,
times rising, each chapter at least 10 s long, and at least three chapters, or the
site shows none. A site reads the seconds as written, whole and truncated, so the
10 s are checked on the times as written. A scene too short to be a chapter of its
own is joined to the chapter before it (the first, to the one after), and the
joined chapter is called by both titles.

Examples
--------
>>> from mathvid.publish.assemble import Chapter
>>> chapters = [Chapter("Tangents", 0.0, 22.1), Chapter("A table", 22.1, 28.5),
...     Chapter("Step size", 28.5, 61.0), Chapter("Descent", 61.0, 3700.0)]
>>> print(chapters_text(chapters), end="")
0:00 Tangents · A table
0:28 Step size
1:01 Descent
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

SHORTEST = 10
"""Seconds: a video site's shortest chapter."""

FEWEST = 3
"""A video site shows a chapter list of at least this many chapters, else none."""

JOINED = " · "
"""Between the titles of scenes joined into one chapter."""


class Timed(Protocol):
    """A chapter of the lesson's video: its title, start and end in seconds."""

    title: str
    start: float
    end: float


@dataclass(frozen=True)
class Mark:
    """A chapter as a video site reads it: whole seconds and a title."""

    at: int
    title: str


def marks(chapters: Sequence[Timed]) -> list[Mark]:
    """``chapters`` as a site's chapter list: short ones joined to a neighbour.

    >>> from mathvid.publish.assemble import Chapter
    >>> [m.at for m in marks([Chapter("a", 0, 4), Chapter("b", 4, 30)])]
    [0]
    >>> marks([Chapter("a", 0, 4), Chapter("b", 4, 30)])[0].title
    'a · b'
    """
    if not chapters:
        return []
    end = math.floor(chapters[-1].end)
    kept: list[Mark] = []
    for chapter in chapters:
        at = math.floor(chapter.start) if kept else 0
        if not kept or at - kept[-1].at >= SHORTEST:
            kept.append(Mark(at, chapter.title))
        elif len(kept) == 1:  # the first is too short: it takes in this one
            kept[0] = _joined(kept[0], chapter.title)
        else:  # the one before is too short: the chapter before it takes it in
            short = kept.pop()
            kept[-1] = _joined(kept[-1], short.title)
            kept.append(Mark(at, chapter.title))
    if len(kept) > 1 and end - kept[-1].at < SHORTEST:  # the last is too short
        last = kept.pop()
        kept[-1] = _joined(kept[-1], last.title)
    return kept


def _joined(mark: Mark, title: str) -> Mark:
    return Mark(mark.at, mark.title + JOINED + title)


def clock(seconds: int) -> str:
    """``seconds`` as a site writes a time: ``M:SS``, or ``H:MM:SS`` from an hour.

    >>> clock(0), clock(75), clock(3725)
    ('0:00', '1:15', '1:02:05')
    """
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def chapters_text(chapters: Sequence[Timed]) -> str:
    """``chapters.txt``: a line per chapter, as a site reads it from a description."""
    return "".join(f"{clock(m.at)} {' '.join(m.title.split())}\n" for m in marks(chapters))


def description_text(
    title: str, chapters: Sequence[Timed], transcript_url: str | None
) -> str:
    """``description.txt``: the lesson's title, its chapter list and its transcript's
    address (``transcript_url``, when the lesson gives one).

    >>> from mathvid.publish.assemble import Chapter
    >>> print(description_text("Calculus", [Chapter("Tangents", 0, 30)],
    ...     "https://example.org/t.html"), end="")
    Calculus
    <BLANKLINE>
    Chapters:
    0:00 Tangents
    <BLANKLINE>
    Transcript: https://example.org/t.html
    """
    parts = [" ".join(title.split()), f"Chapters:\n{chapters_text(chapters)}"]
    if transcript_url:
        parts.append(f"Transcript: {transcript_url}\n")
    return "\n\n".join(p.rstrip("\n") for p in parts) + "\n"


def notes(chapters: Sequence[Timed], transcript_url: str | None) -> list[str]:
    """What a teacher pasting the chapter list should know, one line each.

    >>> from mathvid.publish.assemble import Chapter
    >>> for line in notes([Chapter("a", 0, 4), Chapter("b", 4, 30)], None):
    ...     print(line)
    1 scene shorter than 10 s is joined to a neighbouring chapter
    1 chapter: a video site shows a chapter list of 3 or more only
    no transcript link: the lesson file sets none (transcript_url = "https://…")
    """
    kept, lines = marks(chapters), []
    if joined := len(chapters) - len(kept):
        scenes = "scene" if joined == 1 else "scenes"
        lines.append(
            f"{joined} {scenes} shorter than {SHORTEST} s "
            f"{'is' if joined == 1 else 'are'} joined to a neighbouring chapter"
        )
    if len(kept) < FEWEST:
        count = f"{len(kept)} chapter{'s' if len(kept) != 1 else ''}"
        lines.append(f"{count}: a video site shows a chapter list of {FEWEST} or more only")
    if not transcript_url:
        lines.append(
            'no transcript link: the lesson file sets none (transcript_url = "https://…")'
        )
    return lines
