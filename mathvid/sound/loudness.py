"""How loud a sound is, and setting it: integrated loudness (LUFS) and true peak
(dBTP) as ITU-R BS.1770-4 measures them (pyloudnorm's meter), and :func:`normalise`
to −16 LUFS with a true peak at most −1 dBTP, by a gain and a look-ahead limiter.

Examples
--------
>>> t = np.arange(2 * RATE) / RATE
>>> tone = np.where((t >= 0.5) & (t < 1.5), 0.5 * np.sin(2 * np.pi * 1000 * t), 0.0)
>>> voice = normalise(tone)
>>> round(loudness(voice), 1), true_peak(voice) <= -1.0
(-16.0, True)
"""

from __future__ import annotations

import functools

import numpy as np

from mathvid.sound.audio import RATE

OVERSAMPLE = 4
"""True-peak oversampling at 48 kHz (BS.1770-4 annex 2)."""


# SciPy's signal module and pyloudnorm (which imports it) are slow to import: they
# are imported where they are used, so that reading cached speech (a preview) does
# without them.


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
    x = np.asarray(samples, dtype=np.float64)
    return _db(float(_peaks_over(x, float(np.abs(x).max())).max())) if x.size else -np.inf


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
    if not x.size:
        return x.copy()
    # Only the peaks over the threshold are turned down: those under it (less than
    # a tenth of normalised speech's samples come near it) need not be computed.
    peaks = _peaks_over(x, float(_amplitude(ceiling - MARGIN)) * UNDER)
    if _db(float(peaks.max())) <= ceiling:
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

    # Held only near a need (a few hundredths of speech's samples): elsewhere none,
    # and a maximum is exact however it is found.
    held = np.zeros_like(need)
    stretches = _near(need, SMOOTH, 0.0)
    if stretches:
        laid, samples, places = _laid(need, stretches, 2 * SMOOTH)
        held[samples] = maximum_filter1d(laid, 2 * SMOOTH + 1)[places]
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
        # log(0) is -inf, by NumPy's slow path: most of ``held`` is 0.
        some = part > 0
        logged = np.where(some, np.log(np.where(some, part, 1.0)), -np.inf)
        logs = np.maximum.accumulate(np.maximum(logged + k, carry)) - k
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


UNDER = 0.999
"""A level this much under the limiter's threshold is not reached by any peak
:func:`limit` leaves uncomputed (the float error of a bound is 1e-15 of it)."""
BLOCK = 64
"""Samples a block: :func:`_near` finds the loud ones by block."""
GAP = 256
"""Samples between two stretches near a level under which :func:`_near` joins
them (fewer, longer windows)."""


@functools.cache
def _reach() -> float:
    """The most a phase of the oversampled signal can exceed the largest sample it
    reads: the largest sum of a phase's taps' magnitudes (2.24), with room for the
    float error of the sum."""
    taps = _interpolator()
    return max(float(np.abs(taps[p::OVERSAMPLE]).sum()) for p in range(OVERSAMPLE)) * (
        1 + 1e-9
    )


def _peaks_over(x: np.ndarray, level: float) -> np.ndarray:
    """:func:`_peaks` of ``x`` to the bit wherever it exceeds ``level``; elsewhere
    ``|x|``, which is at most that peak (so under ``level`` too).

    A phase's value at n is a sum of its 20 taps times the samples n - 9 … n + 10,
    so at most :func:`_reach` times the largest of them: the phases are computed
    only where that bound reaches ``level`` (:func:`_near`), the stretches' samples
    with 20 more either side laid end to end and convolved at once. Each value kept
    is then the same 20 products summed in the same order as :func:`_peaks`' (at
    either end of ``x``, from the same end), so the same float. Normalised speech
    comes near its limiter's threshold in about a tenth of its samples, and near its
    largest sample in a few hundredths.
    """
    taps = _interpolator()
    half = taps.size // (2 * OVERSAMPLE)  # each phase's delay, in samples
    out = np.abs(x)
    stretches = _near(out, 2 * half, level / _reach())
    if not stretches:
        return out
    laid, samples, places = _laid(x, stretches, 2 * half)
    if laid.size < 4 * half:  # np.convolve swaps a window shorter than the taps
        return _peaks(x)
    for phase in range(1, OVERSAMPLE):
        y = np.convolve(laid, taps[phase::OVERSAMPLE])
        out[samples] = np.maximum(out[samples], np.abs(y[places + half]))
    return out


def _laid(
    x: np.ndarray, stretches: list[tuple[int, int]], margin: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The samples of ``x`` in each of ``stretches`` with ``margin`` more either side
    (within ``x``) laid end to end; the stretches' samples, and where each is in it.
    A filter reading at most ``margin`` samples either side gives each of them what
    it gives over the whole of ``x``, from the same samples."""
    windows = [(max(0, a - margin), min(x.size, b + margin)) for a, b in stretches]
    laid = np.concatenate([x[low:high] for low, high in windows])
    firsts, stops = np.array(stretches).T
    lengths = stops - firsts
    lows, highs = np.array(windows).T
    # Each stretch's samples, counted on from its first: one arange, not one each.
    begins = np.cumsum(lengths) - lengths
    samples = np.arange(lengths.sum()) + np.repeat(firsts - begins, lengths)
    starts = np.cumsum(highs - lows) - (highs - lows)  # each window's place in laid
    return laid, samples, samples + np.repeat(starts - lows, lengths)


def _near(magnitude: np.ndarray, reach: int, level: float) -> list[tuple[int, int]]:
    """The stretches ``[start, stop)`` of samples that have a ``magnitude`` over
    ``level`` within ``reach`` samples, in blocks of :data:`BLOCK` (a stretch may
    hold a little more), stretches closer than :data:`GAP` joined."""
    whole = magnitude.size // BLOCK * BLOCK
    loud = magnitude[:whole].reshape(-1, BLOCK).max(axis=1) > level
    if whole < magnitude.size:
        loud = np.append(loud, magnitude[whole:].max() > level)
    for _ in range(reach // BLOCK + 1):  # the blocks either side a reach may touch
        spread = loud.copy()
        spread[1:] |= loud[:-1]
        spread[:-1] |= loud[1:]
        loud = spread
    edges = np.diff(loud.astype(np.int8), prepend=0, append=0)
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not starts.size:
        return []
    apart = starts[1:] - stops[:-1] >= GAP // BLOCK
    starts, stops = starts[np.r_[True, apart]], stops[np.r_[apart, True]]
    return [
        (a * BLOCK, min(b * BLOCK, magnitude.size))
        for a, b in zip(starts.tolist(), stops.tolist(), strict=True)
    ]


def _db(amplitude: float) -> float:
    return float(20 * np.log10(amplitude)) if amplitude > 0 else -np.inf


def _amplitude(db: float | np.ndarray) -> float | np.ndarray:
    return 10 ** (np.asarray(db) / 20)
