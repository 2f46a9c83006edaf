"""What each step shows, in words, for viewers who cannot see it (WCAG 1.2.3, 1.2.5).

A step's description is what the scene says it draws (``LessonScene.step``'s
``draws``: one to three plain sentences, written from the numbers of the run
shown). A manifest without it (one cached before descriptions were written) gets
the step's name as a sentence: never a dump of recorded values. The lecture player
offers them as a ``descriptions`` text track and reads them to screen readers (an
``aria-live`` region); the bundle has a WebVTT file per scene; the transcript
includes them.

Examples
--------
>>> manifest = {"steps": [{"name": "The curve", "caption": "f(x) = x².", "start": 0.0,
...     "draws": "The curve of f, with a dot at x = 2."}], "duration": 4.0}
>>> description(manifest, 0)
'The curve of f, with a dot at x = 2.'
>>> print(descriptions_vtt(manifest))
WEBVTT
<BLANKLINE>
1
00:00:00.000 --> 00:00:04.000
The curve of f, with a dot at x = 2.
<BLANKLINE>
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import srt

from mathvid.publish.vtt import to_webvtt


def description(manifest: dict[str, Any], n: int) -> str:
    """Step ``n`` of the scene of ``manifest``, in words: what it draws.

    >>> description({"steps": [{"name": "Where it stops", "caption": "…"}]}, 0)
    'Where it stops.'
    """
    step = manifest["steps"][n]
    drawn, name = " ".join(step.get("draws", "").split()), step["name"]
    return drawn or (name if name.endswith((".", "?", "!")) else f"{name}.")


def descriptions_vtt(manifest: dict[str, Any]) -> str:
    """The scene's descriptions as a WebVTT file: a cue per step, over the step."""
    starts = [s["start"] for s in manifest["steps"]]
    ends = [*starts[1:], manifest["duration"]]
    cues = [
        srt.Subtitle(n + 1, dt.timedelta(seconds=a), dt.timedelta(seconds=b), text)
        for n, (a, b, text) in enumerate(
            zip(starts, ends, descriptions(manifest), strict=True)
        )
    ]
    return to_webvtt(cues)


def descriptions(manifest: dict[str, Any]) -> list[str]:
    """Every step's description, in order."""
    return [description(manifest, n) for n in range(len(manifest["steps"]))]
