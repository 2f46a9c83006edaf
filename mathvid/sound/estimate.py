"""How long a step's speech lasts, without synthesising it: for ``mathvid list``
and ``script`` on a lesson whose words are new.

A step's length is exact when its speech is known: a teacher's recording, or cues
the voice has said before (the speech cache, read from the files' headers). A cue
not yet said is estimated from its words (:func:`mathvid.sound.pace.estimate_seconds`),
and the narrator never says a cue faster than
:func:`mathvid.sound.pace.least_seconds` (it slows it). The pauses
between cues are laid out as the narrator lays them
(:func:`mathvid.sound.voice.laid_out`).
"""

from __future__ import annotations

import math

from lesson.words.said import SpokenCue, StepWords
from mathvid.sound import audio
from mathvid.sound.pace import PACE, estimate_seconds, least_seconds
from mathvid.sound.recording import recorded_sound
from mathvid.sound.voice import Narrator, laid_out


def cue_seconds(cue: SpokenCue, speed: float = PACE) -> float:
    """About how long ``cue`` is heard: the voice's time, or the least the narrator
    allows (:func:`mathvid.sound.pace.least_seconds`)."""
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
        said = narrator.cue_frames(cue)
        if said is None:
            exact = False
            frames.append(cue_seconds(cue, narrator.narration.speed) * audio.RATE)
        else:
            frames.append(said)
    laid = laid_out(words.cues, frames)
    return sum(math.ceil(seconds * audio.RATE) for *_, seconds in laid) / audio.RATE, exact
