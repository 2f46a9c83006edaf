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
>>> from lesson.manifest import Manifest, Step
>>> manifest = Manifest("TangentLine", {}, [Step("The curve", "f(x) = x².", 0.0,
...     draws="The curve of f, with a dot at x = 2.")], duration=4.0)
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

import srt

from lesson.manifest import Manifest
from mathvid.publish.vtt import to_webvtt


def description(manifest: Manifest, n: int) -> str:
    """Step ``n`` of the scene of ``manifest``, in words: what it draws.

    >>> from lesson.manifest import Manifest, Step
    >>> description(Manifest("S", {}, [Step("Where it stops", "…", 0.0)]), 0)
    'Where it stops.'
    """
    step = manifest.steps[n]
    drawn, name = " ".join(step.draws.split()), step.name
    return drawn or (name if name.endswith((".", "?", "!")) else f"{name}.")


def descriptions_vtt(manifest: Manifest) -> str:
    """The scene's descriptions as a WebVTT file: a cue per step, over the step."""
    cues = [
        srt.Subtitle(n + 1, dt.timedelta(seconds=a), dt.timedelta(seconds=b), text)
        for n, ((a, b), text) in enumerate(
            zip(manifest.spans(), descriptions(manifest), strict=True)
        )
    ]
    return to_webvtt(cues)


def descriptions(manifest: Manifest) -> list[str]:
    """Every step's description, in order."""
    return [description(manifest, n) for n in range(len(manifest.steps))]
