"""A teacher's own recording of a step: found beside the lesson file, checked, and
captioned along its speech.

A recording (``narration/<scene-id>/<step>.wav``, ``.flac`` or ``.mp3``) replaces
the voice for its step (:class:`mathvid.sound.voice.Narrator`); it is read whole
(:func:`recordings_of`, at most :data:`MAX_RECORDING_BYTES`), checked before anything
renders (:func:`recorded_sound`), and the step's cues are laid along its speech
(:func:`along_speech`).
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lesson.manifest import Cue
from lesson.reading import Unreadable, read_file
from lesson.words.said import slug
from mathvid.sound import audio, voice_activity

RECORDING_TYPES = (".wav", ".flac", ".mp3")
NARRATION = "narration"
"""The folder beside a lesson file that holds its recordings, a folder per scene."""
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
