"""What each step shows, in words, for viewers who cannot see it (WCAG 1.2.3, 1.2.5).

A step's description is written from the scene's manifest: the step's name and
caption, then every number the scene recorded while the step ran (``LessonScene.record``
notes them in the step's ``shows``), with its name. The lecture player offers them as
a ``descriptions`` text track and reads them to screen readers (an ``aria-live``
region); the bundle has a WebVTT file per scene; the transcript includes them.

Examples
--------
>>> manifest = {"steps": [{"name": "The curve", "caption": "f(x) = x².", "start": 0.0,
...     "shows": ["tangent.at[2]"]}], "duration": 4.0,
...     "values": {"tangent.at[2]": {"x0": 2.0, "y0": 4.0, "slope": 4.0}}}
>>> description(manifest, 0)
'The curve. f(x) = x². Shown: tangent at 2: x0 2, y0 4, slope 4.'
>>> print(descriptions_vtt(manifest))
WEBVTT
<BLANKLINE>
1
00:00:00.000 --> 00:00:04.000
The curve. f(x) = x². Shown: tangent at 2: x0 2, y0 4, slope 4.
<BLANKLINE>
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import srt

from mathvid.vtt import to_webvtt

LONGEST = 600
"""Characters of a description at most: what a listener takes in during a step."""
LISTED = 6
"""Numbers of a list read out one by one; a longer list is summed up."""


def description(manifest: dict[str, Any], n: int) -> str:
    """Step ``n`` of the scene of ``manifest``, in words, with its numbers."""
    step = manifest["steps"][n]
    text = f"{step['name']}. {step['caption']}"
    shown = [
        f"{_name(key)}: {describe(manifest['values'][key])}"
        for key in step.get("shows", [])
        if key in manifest["values"]
    ]
    if shown:
        text += " Shown: " + "; ".join(shown) + "."
    return text if len(text) <= LONGEST else text[: LONGEST - 1].rstrip() + "…"


def describe(value: Any) -> str:
    """A recorded value as words and numbers.

    >>> describe(0.30000000000000004), describe([1, 2, 3]), describe(list(range(100)))
    ('0.3', '1, 2, 3', '100 values, from 0 to 99')
    >>> describe({"n_steps": 10000.0, "loss": 5.662e-05, "1.5": 3.5})
    'n steps 10,000, loss 5.662e-05, 1.5 3.5'
    >>> describe([[0.0, 1.0], [0.5, 0.25], [1.0, 0.0]])
    '3 points, from (0, 1) to (1, 0)'
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):,}" if abs(value) < 1e15 else f"{value:.4g}"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return ", ".join(f"{_name(k)} {describe(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, list | tuple) for v in value):
            return f"{len(value)} points, from {_point(value[0])} to {_point(value[-1])}"
        if len(value) <= LISTED:
            return ", ".join(describe(v) for v in value)
        return f"{len(value)} values, from {describe(value[0])} to {describe(value[-1])}"
    return str(value)


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


def _name(key: str) -> str:
    """A recorded value's key as words: ``tangent.at[2]`` → ``tangent at 2``; a
    number's decimal point stays."""
    return " ".join(re.sub(r"[_\[\]]+|(?<!\d)\.|\.(?!\d)", " ", key).split())


def _point(point: Any) -> str:
    return "(" + ", ".join(describe(v) for v in point) + ")"
