"""Audio for narration: decode, find the speech, set the loudness, mux into videos.

Inside mathvid, audio is one convention only: mono ``float32`` samples in
[-1, 1] at :data:`RATE` (48 kHz, the rate of AAC in MP4 and of the voice). Files
come in through :func:`decode` (any format, rate and channels) and go out through
:func:`write_wav` (the speech cache) or :func:`mux` (into a rendered video, as AAC).

Between the two: :func:`speech_spans` and :func:`trim`, an energy-based
voice-activity detector (where speech is, to time steps and captions);
:func:`loudness`, :func:`true_peak` and :func:`normalise` (−16 LUFS integrated,
true peak at most −1 dBTP, ITU-R BS.1770-4 as measured by pyloudnorm).

Examples
--------
>>> t = np.arange(2 * RATE) / RATE
>>> tone = np.where((t >= 0.5) & (t < 1.5), 0.5 * np.sin(2 * np.pi * 1000 * t), 0.0)
>>> [(round(a, 3), round(b, 3)) for a, b in speech_spans(tone)]
[(0.495, 1.505)]
>>> voice = normalise(tone)
>>> round(loudness(voice), 1), true_peak(voice) <= -1.0
(-16.0, True)
"""

from __future__ import annotations

import functools
import heapq
import wave
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO

import av
import numpy as np

from lesson.manifest import AUDIO_RATE
from mathvid.media import replacing

RATE = AUDIO_RATE
"""Samples a second of every track inside mathvid (a scene's speech is at it)."""

SOUND_CODECS = {".mp4": "aac", ".webm": "libopus"}
"""The sound's codec in each kind of video :func:`mux` writes."""
AAC_BIT_RATE = 128_000
"""Bits a second asked of the AAC encoder (it spends fewer on silence or a tone)."""
AAC_FRAME = 1024
"""Samples in one AAC frame; FFmpeg's encoder also primes with one such frame."""

FRAME = RATE // 50
"""Voice-activity analysis frame: 20 ms."""
HOP = RATE // 100
"""Voice-activity frame step: 10 ms."""

OVERSAMPLE = 4
"""True-peak oversampling at 48 kHz (BS.1770-4 annex 2)."""


# SciPy's signal module and pyloudnorm (which imports it) take most of a second to
# import: they are imported where they are used, so that reading cached speech (a
# preview) does without them.


@functools.cache
def _interpolator() -> np.ndarray:
    """The low-pass ``resample_poly(x, 4, 1)`` uses: 81 taps, 20 a phase."""
    from scipy.signal import firwin

    taps = firwin(20 * OVERSAMPLE + 1, 1 / OVERSAMPLE, window=("kaiser", 5.0))
    return taps * OVERSAMPLE


# The limiter's gain envelope, in dB of gain reduction: it ramps in straight
# ahead of a peak at ATTACK dB a sample, decays after it with the time constant
# RELEASE (as an analogue limiter's does: deep reductions let go fast at first),
# and a SMOOTH-sample box blur rounds the corners (_reduction says why every
# peak is still met).
ATTACK = 1.0 / (RATE / 1000)  # 1 dB/ms: a 6 dB dip starts 6 ms ahead
RELEASE = 0.050 * RATE  # samples: 50 ms, slow enough not to pump on speech
SMOOTH = RATE // 1000  # half-width of the corner-rounding box: 1 ms
ROUNDS = 6  # normalise's gain-and-limit tries at most
MARGIN = 0.1  # dB below the ceiling the limiter aims for: gain modulation overshoots


# ----------------------------------------------------------------------------- files


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
    from scipy.signal import resample_poly

    return resample_poly(x, factor.numerator, factor.denominator).astype(np.float32)


def write_wav(path: str | Path, samples: np.ndarray) -> Path:
    """Write ``samples`` to ``path`` as 16-bit PCM WAV at :data:`RATE`; atomically.

    The scale is FFmpeg's (×32768, clipped), so :func:`decode` reads back each
    sample to within 1/65536.
    """
    path = Path(path)
    x = np.asarray(samples, dtype=np.float64)
    pcm = np.clip(np.round(x * 32768), -32768, 32767).astype("<i2")
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
    return _fitted(np.asarray(samples)[first:stop], stop - first)


def _fitted(samples: np.ndarray, length: int) -> np.ndarray:
    """``samples`` as float32, cut or zero-padded to ``length``."""
    out = np.zeros(length, dtype=np.float32)
    part = samples[:length]
    out[: part.size] = part
    return out


# ----------------------------------------------------------------------------- speech


def speech_spans(
    samples: np.ndarray,
    min_silence: float = 0.25,
    *,
    threshold: float = -30.0,
    floor: float = -50.0,
    min_speech: float = 0.05,
) -> list[tuple[float, float]]:
    """Where ``samples`` has speech (or any sound): ``(start, end)`` in seconds.

    An energy detector: the RMS level of 20 ms frames every 10 ms is speech when
    it is at least ``floor`` dBFS and at least the loud frames' level (the 95th
    percentile of the frames above ``floor``) plus ``threshold`` dB, so soft
    consonants count and a recording's noise floor does not. Gaps shorter than
    ``min_silence`` seconds (between words, at a plosive) join their neighbours;
    spans shorter than ``min_speech`` (a click) are dropped. Edges are within
    5 ms for a clean onset.

    Examples
    --------
    >>> speech_spans(np.zeros(RATE, np.float32))
    []
    """
    levels = _levels(np.asarray(samples, dtype=np.float64))
    loud = levels[levels >= floor]
    if loud.size == 0:
        return []
    active = levels >= max(floor, np.percentile(loud, 95) + threshold)
    duration = len(samples) / RATE
    spans: list[tuple[float, float]] = []
    for first, last in _runs(active):
        # A frame is credited with the hop around its centre (frame = 2 hops).
        start = max(0.0, (first * HOP + HOP / 2) / RATE)
        end = min(duration, (last * HOP + FRAME / 2 + HOP / 2) / RATE)
        if spans and start - spans[-1][1] < min_silence:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return [(a, b) for a, b in spans if b - a >= min_speech]


def trim(samples: np.ndarray, margin: float = 0.01) -> np.ndarray:
    """``samples`` from the start of its first speech span to the end of its last,
    with ``margin`` seconds kept either side; empty when there is no speech.

    Examples
    --------
    >>> t = np.arange(RATE) / RATE
    >>> beep = np.where((t >= 0.25) & (t < 0.75), np.sin(2 * np.pi * 440 * t), 0)
    >>> round(len(trim(beep)) / RATE, 2)
    0.53
    """
    x = np.asarray(samples)
    spans = speech_spans(x)
    if not spans:
        return x[:0]
    first = max(0, round((spans[0][0] - margin) * RATE))
    return x[first : round((spans[-1][1] + margin) * RATE)]


def _levels(x: np.ndarray) -> np.ndarray:
    """RMS level (dBFS, −inf for silence) of frame i, samples [i·HOP, i·HOP + FRAME).

    Frames run until one reaches the end (zeros past it).
    """
    count = max(1, -(-(x.size - FRAME) // HOP) + 1)
    padded = np.zeros((count - 1) * HOP + FRAME)
    padded[: x.size] = x
    energy = np.concatenate([[0.0], np.cumsum(padded * padded)])
    starts = np.arange(count) * HOP
    # Cumulative sums can leave tiny negative differences: clip before the root.
    mean_square = np.maximum(energy[starts + FRAME] - energy[starts], 0.0) / FRAME
    with np.errstate(divide="ignore"):
        return 10 * np.log10(mean_square)


def _runs(active: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True in ``active``.

    Examples
    --------
    >>> _runs(np.array([0, 1, 1, 0, 1], bool))
    [(1, 2), (4, 4)]
    """
    edges = np.diff(np.concatenate([[0], active.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(int(a), int(b) - 1) for a, b in zip(starts, stops, strict=True)]


# ----------------------------------------------------------------------------- loudness


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness (LUFS) of ``samples``: pyloudnorm's BS.1770-4 meter.

    With the standard's own K-weighting coefficients (pyloudnorm's "DeMan"
    filters, equal to BS.1770-4's 48 kHz table): its default cookbook filters read
    a 997 Hz sine 0.04 LU low. −inf for silence (everything under the −70 LUFS
    gate). A clip shorter than the standard's 400 ms gating block is measured as
    one block of its length.

    Examples
    --------
    >>> t = np.arange(RATE) / RATE
    >>> round(loudness(0.1 * np.sin(2 * np.pi * 997 * t)), 1)  # −20 dBFS: BS.1770
    -23.0
    >>> loudness(np.zeros(RATE))
    -inf
    """
    x = np.asarray(samples, dtype=np.float64)
    if not np.any(x):
        return -np.inf
    block = min(0.4, x.size / RATE)
    while x.size < block * RATE:  # the meter's own check, against float rounding
        block = float(np.nextafter(block, 0.0))
    import pyloudnorm

    meter = pyloudnorm.Meter(RATE, filter_class="DeMan", block_size=block)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(meter.integrated_loudness(x))


def true_peak(samples: np.ndarray) -> float:
    """True peak (dBTP) of ``samples``: the peak of the signal oversampled 4×.

    As BS.1770-4 annex 2 at 48 kHz, with ``resample_poly``'s interpolation
    filter (flatter than the annex's 48 taps: 0.02 dB of ripple at 12 kHz); the
    peak between samples, which a DAC or an AAC decoder will produce, counts.

    Examples
    --------
    >>> n = np.arange(RATE)
    >>> quarter = np.hanning(RATE) * np.sin(np.pi / 2 * n + np.pi / 4)  # fs/4
    >>> round(_db(np.abs(quarter).max()), 1), round(true_peak(quarter), 1)
    (-3.0, 0.0)
    """
    peaks = _peaks(np.asarray(samples, dtype=np.float64))
    return _db(float(peaks.max())) if peaks.size else -np.inf


def normalise(
    samples: np.ndarray, target: float = -16.0, ceiling: float = -1.0
) -> np.ndarray:
    """``samples`` at ``target`` LUFS integrated with a true peak at most ``ceiling``.

    A gain to the target, then :func:`limit` for the peaks; limiting lowers the
    loudness a little, so the gain is corrected and the two redone (up to
    ``ROUNDS`` times, until within 0.05 LU; the closest try is returned).
    Silence, and sound under the −70 LUFS gate, come back unchanged: there is
    no loudness to scale.

    Examples
    --------
    >>> normalise(np.zeros(4, np.float32))
    array([0., 0., 0., 0.], dtype=float32)
    """
    x = np.asarray(samples, dtype=np.float64)
    if not np.all(np.isfinite(x)):
        raise ValueError("normalise: samples must be finite (no NaN or inf)")
    level = loudness(x)
    if not np.isfinite(level):
        return x.astype(np.float32)
    gain, tries = target - level, []
    for _ in range(ROUNDS):
        out = limit(x * _amplitude(gain), ceiling)
        tries.append((gain, loudness(out), out))
        if abs(target - tries[-1][1]) <= 0.05:
            break
        gain += (target - tries[-1][1]) / _slope(tries)
    best = min(tries, key=lambda t: abs(target - t[1]))
    return best[2].astype(np.float32)


def _slope(tries: list[tuple[float, float, np.ndarray]]) -> float:
    """LU of loudness per dB of gain, from the last two (gain, loudness) tries.

    Deep limiting turns a dB of gain into less than a dB of loudness: a secant
    step gets there in two or three rounds where a plain step would crawl.
    """
    if len(tries) < 2 or tries[-1][0] == tries[-2][0]:
        return 1.0
    (g0, l0, _), (g1, l1, _) = tries[-2:]
    return float(np.clip((l1 - l0) / (g1 - g0), 0.2, 1.0))


def limit(samples: np.ndarray, ceiling: float = -1.0) -> np.ndarray:
    """``samples`` with a true peak at most ``ceiling`` dBTP, by a look-ahead limiter.

    Only the peaks over the ceiling are turned down, by a gain envelope that
    ramps smoothly down before each (1 dB/ms) and back up after (50 ms), so
    there is no clipping and no click. Signals under the ceiling are returned as
    they are (float64).

    Examples
    --------
    >>> t = np.arange(RATE) / RATE
    >>> loud = np.sin(2 * np.pi * 997 * t)  # 0 dBFS
    >>> round(true_peak(limit(loud)), 1)
    -1.1
    """
    x = np.asarray(samples, dtype=np.float64)
    peaks = _peaks(x)
    if not x.size or _db(float(peaks.max())) <= ceiling:
        return x.copy()
    out = x * _amplitude(-_reduction(peaks, ceiling - MARGIN))
    over = true_peak(out) - ceiling
    if over > 0:  # the margin did not absorb the envelope's own overshoot
        out *= _amplitude(-over - 0.01)
    return out


def _reduction(peaks: np.ndarray, threshold: float) -> np.ndarray:
    """Gain reduction (dB, ≥ 0) for each sample so that no peak exceeds ``threshold``.

    With need[n] the reduction sample n's peak (from :func:`_peaks`) needs, the
    envelope is: a running maximum over ±SMOOTH, then release and attack ramps
    (:func:`_released`, :func:`_attacked`: they only raise it), then a box
    average over ±SMOOTH. Each value averaged at n is at least need[n], so the
    average is too: every peak is met, ramps included.
    """
    with np.errstate(divide="ignore"):
        need = np.maximum(20 * np.log10(peaks) - threshold, 0.0)
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    held = maximum_filter1d(need, 2 * SMOOTH + 1)
    ahead = _attacked(_released(held))
    return uniform_filter1d(ahead, 2 * SMOOTH + 1, mode="nearest")


# Both ramps are running maxima, with no Python loop over samples: in logarithms
# the release decay is a straight line, and the attack ramp is one already. In
# chunks, carrying the value across, so the index arrays stay small.
_CHUNK = 1 << 18


def _released(held: np.ndarray) -> np.ndarray:
    """out[n] = max over m ≤ n of held[m]·exp(−(n − m)/RELEASE)."""
    out = np.empty_like(held)
    carry = -np.inf  # log of out[start − 1]
    for start in range(0, held.size, _CHUNK):
        part = held[start : start + _CHUNK]
        k = np.arange(1, part.size + 1) / RELEASE
        with np.errstate(divide="ignore"):
            logs = np.maximum.accumulate(np.maximum(np.log(part) + k, carry)) - k
        out[start : start + part.size] = np.exp(logs)
        carry = logs[-1]
    return out


def _attacked(released: np.ndarray) -> np.ndarray:
    """out[n] = max over m ≥ n of released[m] − ATTACK·(m − n)."""
    out = np.empty_like(released)
    carry = 0.0  # out[stop], the first sample after the chunk
    for stop in range(released.size, 0, -_CHUNK):
        start = max(0, stop - _CHUNK)
        ramp = ATTACK * np.arange(stop - start)
        tail = np.maximum.accumulate((released[start:stop] - ramp)[::-1])[::-1]
        out[start:stop] = np.maximum(tail, carry - ATTACK * (stop - start)) + ramp
        carry = out[start]
    return out


def _peaks(x: np.ndarray, chunk: int = 1 << 20) -> np.ndarray:
    """For each sample n, the largest magnitude of the 4× oversampled signal on
    [n, n + 1).

    The oversampling is ``resample_poly(x, 4, 1)``'s, done as its three
    fractional-delay phases (phase 0 is ``x`` itself): a quarter of the work and
    memory, in chunks so that an hour of audio needs no 4× copy.
    """
    out = np.abs(x)
    interpolator = _interpolator()
    half = interpolator.size // (2 * OVERSAMPLE)  # each phase's delay, in samples
    for start in range(0, x.size, chunk):
        stop = min(start + chunk, x.size)
        low, high = max(0, start - 2 * half), min(x.size, stop + 2 * half)
        for phase in range(1, OVERSAMPLE):
            y = np.convolve(x[low:high], interpolator[phase::OVERSAMPLE])
            inner = y[half + start - low : half + stop - low]
            np.maximum(out[start:stop], np.abs(inner), out=out[start:stop])
    return out


def _db(amplitude: float) -> float:
    return float(20 * np.log10(amplitude)) if amplitude > 0 else -np.inf


def _amplitude(db: float | np.ndarray) -> float | np.ndarray:
    return 10 ** (np.asarray(db) / 20)


# ----------------------------------------------------------------------------- video


def mux(video: str | Path, audio: np.ndarray, out: str | Path) -> Path:
    """``video`` with ``audio`` as its sound track, written to ``out`` (an MP4, or a
    WebM when ``out`` is one: the transparent theme's, its sound in Opus).

    The video stream (and chapters) are copied as they are, packet for packet; any
    audio ``video`` had is replaced. ``audio`` (mono, :data:`RATE`) is encoded AAC
    at 128 kb/s, cut or padded with silence to the video's duration. ``out`` is
    written under a temporary name and renamed, so it is never half written, and
    may be ``video`` itself.
    """
    video, out = Path(video), Path(out)
    samples = np.asarray(audio, dtype=np.float32)
    if samples.ndim != 1:
        raise ValueError(f"mux: audio must be mono (one dimension), got {samples.shape}")
    start, end = video_span(video)
    track = _fitted(samples, round((end - start) * RATE))
    with (
        replacing(out) as tmp,
        av.open(str(video)) as src,
        av.open(str(tmp), "w", format=out.suffix[1:]) as dst,
    ):
        source = src.streams.video[0]
        copy = dst.add_stream_from_template(source)
        copy.metadata.update(source.metadata)  # a WebM's alpha_mode, for one
        sound = dst.add_stream(SOUND_CODECS[out.suffix], rate=RATE, layout="mono")
        sound.bit_rate = AAC_BIT_RATE
        if chapters := src.chapters():
            dst.set_chapters(chapters)
        # Interleaved by time, as a player streaming the file wants them.
        packets = heapq.merge(
            _copied(src, source, copy),
            _encoded(track, sound, round(start * RATE)),
            key=lambda p: p.dts * p.time_base,
        )
        for packet in packets:
            dst.mux(packet)
    return out


def mux_normalised(
    video: str | Path,
    track: np.ndarray,
    out: str | Path,
    target: float = -16.0,
    ceiling: float = -1.0,
) -> np.ndarray:
    """:func:`mux` ``track`` into ``video`` at ``target`` LUFS, its true peak *as
    decoded from the file* at most ``ceiling``; the sound that went in.

    AAC's coding error lifts peaks by a fraction of a dB to more than one, depending
    on the sound; so the file is measured, and the limiter set lower by what it
    went over, until the file keeps the ceiling (a few tries at most).
    """
    limit = ceiling - 0.5
    for _ in range(ROUNDS):
        sound = normalise(track, target, limit)
        mux(video, sound, out)
        over = true_peak(audio_of(out)) - ceiling
        if not over > 0:
            break
        limit -= over + 0.1
    return sound


def silence(samples: int) -> Iterator[av.Packet]:
    """``samples`` of silence as :func:`mux` encodes sound into an MP4: AAC
    packets from the priming frame's (pts −:data:`AAC_FRAME`), time base 1/RATE.

    Examples
    --------
    >>> [(p.pts, p.duration) for p in silence(1500)]
    [(-1024, 1024), (0, 1024), (1024, 476)]
    """
    codec = av.CodecContext.create(SOUND_CODECS[".mp4"], "w")
    codec.sample_rate, codec.layout, codec.format = RATE, "mono", "fltp"
    codec.bit_rate, codec.time_base = AAC_BIT_RATE, Fraction(1, RATE)
    for packet in _encoded(np.zeros(samples, np.float32), codec, 0):
        packet.time_base = codec.time_base
        yield packet


def audio_of(path: str | Path) -> np.ndarray:
    """The sound track of the video at ``path`` (mono float32 at :data:`RATE`).

    FFmpeg drops the AAC encoder's priming and :func:`decode` its end padding,
    so sample 0 is the video's first instant.
    """
    return decode(path)


def video_span(path: Path) -> tuple[Fraction, Fraction]:
    """(first, end) presentation time of ``path``'s video, in seconds."""
    with av.open(str(path)) as src:
        if not src.streams.video:
            raise ValueError(f"{path}: no video stream")
        stream = src.streams.video[0]
        times = [
            (p.pts, p.pts + (p.duration or 0))
            for p in src.demux(stream)
            if p.pts is not None
        ]
        if not times:
            raise ValueError(f"{path}: the video has no frames")
        first, end = min(t[0] for t in times), max(t[1] for t in times)
        return first * stream.time_base, end * stream.time_base


def _copied(
    src: av.container.InputContainer, source: av.VideoStream, copy: av.VideoStream
) -> Iterator[av.Packet]:
    for packet in src.demux(source):
        if packet.dts is None:  # the flushing packet
            continue
        packet.stream = copy
        yield packet


def _encoded(
    track: np.ndarray, stream: av.AudioStream | av.AudioCodecContext, first: int
) -> Iterator[av.Packet]:
    """``track`` encoded by ``stream``'s encoder, its sample 0 at ``first`` (1/RATE s)."""
    for offset in range(0, track.size, AAC_FRAME):
        frame = av.AudioFrame.from_ndarray(
            track[None, offset : offset + AAC_FRAME], format="fltp", layout="mono"
        )
        frame.sample_rate = RATE
        frame.time_base = Fraction(1, RATE)
        frame.pts = first + offset
        yield from stream.encode(frame)
    yield from stream.encode(None)
