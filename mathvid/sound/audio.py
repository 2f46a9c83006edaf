"""Audio inside mathvid: one convention, and the files it comes from and goes to.

Inside mathvid, audio is one convention only: mono ``float32`` samples in
[-1, 1] at :data:`RATE` (48 kHz, the rate of AAC in MP4 and of the voice). Files
come in through :func:`decode` (any format, rate and channels) and go out through
:func:`write_wav` (the speech cache) or :func:`mathvid.sound.muxing.mux` (into a
rendered video, as AAC).

Between the two: :mod:`mathvid.sound.voice_activity` finds where the speech is (to
time steps and captions), and :mod:`mathvid.sound.loudness` measures and sets how
loud it is (−16 LUFS integrated, true peak at most −1 dBTP, ITU-R BS.1770-4).

Examples
--------
>>> import tempfile
>>> wav = write_wav(Path(tempfile.mkdtemp()) / "a.wav", np.full(480, 0.5, np.float32))
>>> samples = decode(wav)
>>> samples.shape, samples.dtype, float(samples[0])
((480,), dtype('float32'), 0.5)
"""

from __future__ import annotations

import wave
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO

import av
import numpy as np

from lesson.manifest import AUDIO_RATE
from mathvid.media import replacing

RATE = AUDIO_RATE
"""Samples a second of every track inside mathvid (a scene's speech is at it)."""

RATES = (8_000, 192_000)
"""The sample rates (Hz) a sound may come at, a telephone's to a studio's highest.
A header outside them is wrong, and resampled from 1 Hz a file's every sample
would become 48,000 (a WAV claiming 14 hours at 1 Hz asked for 18 GB)."""


def decode(path: str | Path | BinaryIO, max_seconds: float | None = None) -> np.ndarray:
    """The first audio stream of ``path`` (a file, or its bytes in a file object) as
    mono float32 at :data:`RATE`.

    Any format FFmpeg reads (WAV, FLAC, MP3, Ogg, MP4…), any rate within
    :data:`RATES`, integer or float samples; channels are averaged. The rate is
    checked before a sample is decoded, and the length (at most ``max_seconds``,
    when given) as they are: what a header claims is never trusted to size memory.

    Raises
    ------
    ValueError
        ``path`` has no audio stream, cannot be decoded, has a rate outside
        :data:`RATES` or more than ``max_seconds`` of sound (one line, with the path).
    FileNotFoundError
        ``path`` does not exist.
    """
    try:
        with av.open(path if hasattr(path, "read") else str(path)) as container:
            if not container.streams.audio:
                raise ValueError("no audio stream")
            stream = container.streams.audio[0]
            samples, rate = _decoded(container, stream, _header_rate(stream), max_seconds)
    except FileNotFoundError:
        raise
    except av.FFmpegError as error:
        raise ValueError(f"{path}: cannot decode audio ({error})") from None
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    return resample(samples, rate)


def _header_rate(stream: av.AudioStream) -> int:
    """The sample rate ``stream``'s header gives, checked (:data:`RATES`)."""
    # No decoder opens for what the header describes (0 bits a sample): PyAV then
    # has no codec context, and the stream no rate.
    if stream.codec_context is None:
        raise ValueError("cannot decode audio (no decoder for what its header describes)")
    return _checked_rate(stream.codec_context.sample_rate)


def _checked_rate(rate: int) -> int:
    """``rate``, when it is within :data:`RATES`.

    >>> _checked_rate(1)
    Traceback (most recent call last):
    ...
    ValueError: a sample rate of 1 Hz (a sound's is 8 to 192 kHz)
    """
    if not RATES[0] <= rate <= RATES[1]:
        low, high = (r // 1000 for r in RATES)
        raise ValueError(f"a sample rate of {rate} Hz (a sound's is {low} to {high} kHz)")
    return rate


def _decoded(
    container: av.container.InputContainer,
    stream: av.AudioStream,
    rate: int,
    max_seconds: float | None = None,
) -> tuple[np.ndarray, int]:
    """(mono float32 samples, rate) of ``stream``, at its own rate (``rate``, as its
    header says, until a frame says otherwise), at most ``max_seconds`` of them."""
    # Planar float keeps the layout, so averaging the rows mixes the channels at
    # equal weight: a stereo file with the same signal in both reads at its level
    # (swresample's own downmix would scale each side by 1/√2).
    resampler = av.AudioResampler(format="fltp")
    chunks: list[np.ndarray] = []
    start, end, last, seconds = None, None, 0, 0.0
    for packet in container.demux(stream):
        if packet.pts is not None and packet.duration:
            stop = (packet.pts + packet.duration) * packet.time_base
            end = stop if end is None else max(end, stop)
        for frame in packet.decode():
            if start is None and frame.pts is not None:
                start = frame.pts * frame.time_base
            last = frame.samples
            for out in resampler.resample(frame):
                rate = _checked_rate(out.sample_rate)
                seconds += out.samples / rate
                if max_seconds is not None and seconds > max_seconds:
                    raise ValueError(
                        f"longer than {_minutes(max_seconds)}, the most it may be"
                    )
                chunks.append(out.to_ndarray().mean(axis=0))
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    # Decoders return whole codec frames; the last packet's duration says how much
    # of the last frame is sound (AAC's end padding), when it says anything sane.
    if start is not None and end is not None:
        excess = samples.size - round((end - start) * rate)
        if 0 < excess < last:
            samples = samples[: samples.size - excess]
    return samples.astype(np.float32), rate


def _minutes(seconds: float) -> str:
    """``seconds`` as a length in words.

    >>> _minutes(600), _minutes(90), _minutes(1)
    ('10 minutes', '1.5 minutes', '1 second')
    """
    if seconds < 60:
        return f"{seconds:g} second{'' if seconds == 1 else 's'}"
    return f"{seconds / 60:g} minute{'' if seconds == 60 else 's'}"


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """``samples`` taken at ``rate`` Hz, resampled to :data:`RATE` (float32).

    A polyphase filter with the exact rational factor (``RATE / rate``), so the
    output has ``ceil(len × RATE / rate)`` samples and no delay.

    Examples
    --------
    >>> resample(np.ones(441, np.float32), 44_100).shape
    (480,)
    >>> resample(np.ones(3), RATE).dtype
    dtype('float32')
    """
    if rate <= 0:
        raise ValueError(f"resample: rate must be positive, got {rate}")
    factor = Fraction(RATE, int(rate))
    x = np.asarray(samples, dtype=np.float64)
    if factor == 1:
        return x.astype(np.float32)
    from scipy.signal import resample_poly  # slow to import: only when used

    return resample_poly(x, factor.numerator, factor.denominator).astype(np.float32)


def write_wav(path: str | Path, samples: np.ndarray) -> Path:
    """Write ``samples`` to ``path`` as 16-bit PCM WAV at :data:`RATE`; atomically.

    The scale is FFmpeg's (×32768, clipped), so :func:`decode` reads back each
    sample to within 1/65536.
    """
    path = Path(path)
    x = np.asarray(samples)
    # Scaling float32 by a power of two is exact, and so then is its rounding: the
    # same integers as in float64, without a copy twice the size.
    x = x if x.dtype == np.float32 else x.astype(np.float64)
    pcm = np.clip(np.round(x * np.float32(32768)), -32768, 32767).astype("<i2")
    with replacing(path) as tmp, wave.open(str(tmp), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    return path


def soundtrack(speeches: list[tuple[float, Any]], seconds: float) -> np.ndarray:
    """A scene's sound, ``seconds`` long: each speech (a ``scenes.base.Speech``,
    at :data:`RATE`) from its start time, silence between.

    >>> class Say:  # a Speech's shape: its audio
    ...     audio = np.ones(2, np.float32)
    >>> soundtrack([(1 / RATE, Say())], 4 / RATE)
    array([0., 1., 1., 0.], dtype=float32)
    """
    track = np.zeros(round(seconds * RATE), dtype=np.float32)
    for start, speech in speeches:
        at = round(start * RATE)
        piece = speech.audio[: max(0, track.size - at)]
        track[at : at + piece.size] += piece
    return track


def cut(samples: np.ndarray, start: float, duration: float) -> np.ndarray:
    """The ``duration`` seconds of ``samples`` from ``start`` s; zeros past the end.

    Ends are rounded to samples, so consecutive cuts tile the track exactly.

    Examples
    --------
    >>> x = np.arange(1, 5, dtype=np.float32)
    >>> cut(x, 2 / RATE, 3 / RATE)
    array([3., 4., 0.], dtype=float32)
    """
    first, stop = round(start * RATE), round((start + duration) * RATE)
    if first < 0 or stop < first:
        raise ValueError(f"cut: need start ≥ 0 and duration ≥ 0, got {start}, {duration}")
    return fitted(np.asarray(samples)[first:stop], stop - first)


def fitted(samples: np.ndarray, length: int) -> np.ndarray:
    """``samples`` as float32, cut or zero-padded to ``length``."""
    out = np.zeros(length, dtype=np.float32)
    part = samples[:length]
    out[: part.size] = part
    return out
