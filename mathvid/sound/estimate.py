"""How long a step's speech lasts, without synthesising it: for ``mathvid list``
and ``script`` on a lesson whose words are new.

A step's length is exact when its speech is known: a teacher's recording, or cues
the voice has said before (the speech cache, read from the files' headers). A cue
not yet said is estimated from its words: Piper's voice says a syllable in about
:data:`SYLLABLE` seconds at the lesson's pace and a word :data:`WORD_GAP` more, a
comma, colon or dash adds :data:`COMMA`, and the narrator never
says a cue faster than :func:`mathvid.sound.voice.least_seconds` (it says it again,
slower). The pauses between cues are laid out as the narrator lays them
(:func:`mathvid.sound.voice.laid_out`). The constants were fitted to the lesson's
own cues as the voice says them (bench/RESULTS.md, "Speech synthesis", gives the
error; tests/mathvid/test_lengths.py checks its bound against real syntheses).
"""

from __future__ import annotations

import math
import re

from lesson.words.said import SpokenCue, StepWords
from mathvid.sound import audio
from mathvid.sound.voice import (
    WORD,
    Narration,
    Narrator,
    laid_out,
    least_seconds,
    recorded_sound,
)

SYLLABLE = 0.157  # seconds a syllable, at Narration.speed (fitted: see the docstring)
WORD_GAP = 0.119  # seconds a word adds besides its syllables (its edges)
COMMA = 0.393  # a comma, colon, semicolon or dash: a short pause
START = 0.095  # what a cue costs besides its words (the voice's onset)
VOWELS = re.compile(r"[aeiouy]+")
BREAKS = re.compile(r"[,;:—–]| - ")


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


def estimate_seconds(words: str, speed: float = Narration.speed) -> float:
    """About how long the voice takes to say ``words`` at ``speed`` (silence
    trimmed), before the narrator slows a cue it says too fast.

    >>> round(estimate_seconds("The gradient points uphill."), 1)
    1.5
    """
    said = [syllables(w) for w in WORD.findall(words)]
    pauses = len(BREAKS.findall(words)) * COMMA
    return (
        (START + sum(said) * SYLLABLE + len(said) * WORD_GAP + pauses)
        * Narration.speed
        / speed
    )


def cue_seconds(cue: SpokenCue, speed: float = Narration.speed) -> float:
    """About how long ``cue`` is heard: the voice's time, or the least the narrator
    allows (:func:`mathvid.sound.voice.least_seconds`)."""
    return max(estimate_seconds(cue.said, speed), least_seconds(cue, speed))


def spoken_length(narrator: Narrator, words: StepWords) -> tuple[float, bool]:
    """How long ``narrator`` speaks the step ``words`` say, in seconds, and whether
    that is exact (its recording, or every cue in the speech cache) or estimated
    (:func:`cue_seconds` for the cues not yet said). Nothing is synthesised.

    Raises ValueError, as speaking it would, when its recording cannot be used.
    """
    recording = narrator.recording(words)
    if recording is not None:
        return len(recorded_sound(recording)) / audio.RATE, True
    frames, exact = [], True
    for cue in words.cues:
        speed = narrator.cue_speed(cue, narrator.cached_frames)
        if speed is None:
            exact = False
            frames.append(cue_seconds(cue, narrator.narration.speed) * audio.RATE)
        else:
            frames.append(narrator.cached_frames(cue.said, speed))
    laid = laid_out(words.cues, frames)
    return sum(math.ceil(seconds * audio.RATE) for *_, seconds in laid) / audio.RATE, exact
