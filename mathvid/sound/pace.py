"""How fast the voice says a cue: the lesson's pace, never faster than the cue can
be read or than a lecturer speaks, and how long that takes, before it is said.

The narrator (:class:`mathvid.sound.voice.Narrator`) says each cue at
:data:`PACE`, slower when the voice would say it in less than
:func:`least_seconds`. How long the voice takes is estimated from the words
(:func:`estimate_seconds`): Piper's voice says a syllable in about
:data:`SYLLABLE` seconds at the lesson's pace and a word :data:`WORD_GAP` more, a
comma, colon or dash adds :data:`COMMA`. The constants were fitted to the lesson's
own cues as the voice says them (bench/RESULTS.md, "Speech synthesis", gives the
error; tests/mathvid/test_lengths.py checks its bound against real syntheses).

Examples
--------
>>> cue = SpokenCue("x²", "x squared")
>>> least_seconds(cue, PACE), round(estimate_seconds(cue.said), 2)
(0.75, 0.8)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lesson.words.said import SpokenCue
from lesson.words.speech import READING_RATE

PACE = 1 / 1.3
"""The voice's pace: Piper's length scale 1.3, about 150 words a minute on the
lesson's sentences (bench/pronunciation.py; 179 at 1.0). Lecturers speak 120 to
160 about mathematics."""
MOST_WORDS_A_MINUTE = 160
"""The fastest a cue is said at the default pace: short words (numbers, letters,
"x squared") come out faster than the lesson's mean at one length scale, and
lecturers speak 120 to 160 words a minute about mathematics (pauses between cues
slow a step further)."""
WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
"""A spoken word ("ee-tuh" and "f's" are one)."""
SYLLABLE = 0.157  # seconds a syllable, at PACE (fitted: see the docstring)
WORD_GAP = 0.119  # seconds a word adds besides its syllables (its edges)
COMMA = 0.393  # a comma, colon, semicolon or dash: a short pause
START = 0.095  # what a cue costs besides its words (the voice's onset)
AIM = 1.02
"""A slowed cue's predicted length is aimed this much over its least: the speech
kept is about 1.02 times the prediction (median; 1 in 10 under 0.98: said again
slower, :meth:`mathvid.sound.voice.Narrator.cue_speed`)."""
VOWELS = re.compile(r"[aeiouy]+")
BREAKS = re.compile(r"[,;:—–]| - ")


def least_seconds(cue: SpokenCue, speed: float) -> float:
    """The shortest ``cue`` is said in at the pace ``speed``: the time its text as
    shown takes to read (:data:`READING_RATE`), and its words at
    :data:`MOST_WORDS_A_MINUTE` (at the narration's pace).

    >>> least_seconds(SpokenCue("x²", "x squared"), PACE)
    0.75
    """
    most = MOST_WORDS_A_MINUTE * speed / PACE
    return max(len(cue.shown) / READING_RATE, 60 * len(WORD.findall(cue.said)) / most)


def syllables(word: str) -> int:
    """About how many syllables ``word`` has when said: its groups of vowels, a
    silent final ``e`` not counted; a number or letter by its letters' names is
    counted as one (the voice is given numbers in words). A rough count ("gradient"
    is two): the constants were fitted with it.

    >>> [syllables(w) for w in ("derivative", "slope", "the", "x", "ee-tuh")]
    [4, 1, 1, 1, 2]
    """
    word = word.lower()
    groups = len(VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(groups, 1)


def estimate_seconds(words: str, speed: float = PACE) -> float:
    """About how long the voice takes to say ``words`` at ``speed`` (silence
    trimmed), before the narrator slows a cue it says too fast.

    >>> round(estimate_seconds("The gradient points uphill."), 1)
    1.5
    """
    said = [syllables(w) for w in WORD.findall(words)]
    pauses = len(BREAKS.findall(words)) * COMMA
    return (START + sum(said) * SYLLABLE + len(said) * WORD_GAP + pauses) * PACE / speed


def paced(seconds: Callable[[float], float], speed: float, least: float) -> float:
    """The pace a cue is said at: ``speed`` when its speech lasts :data:`AIM` times
    ``least`` seconds at it (``seconds(pace)``: as predicted, shorter at a faster
    pace), else the fastest pace at which it does.

    >>> paced(lambda pace: 2 / pace, 1.0, 1.5)
    1.0
    >>> round(paced(lambda pace: 1 / pace, 1.0, 2.0), 3)
    0.49
    """
    if seconds(speed) >= AIM * least:
        return speed
    slow, fast = speed / 8, speed  # a cue is not said 8 times slower than its pace
    for _ in range(40):  # to about 1e-12 of the pace: the answer's float is fixed
        middle = (slow + fast) / 2
        slow, fast = (middle, fast) if seconds(middle) >= AIM * least else (slow, middle)
    return slow
