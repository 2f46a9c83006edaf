"""How loud a sound is, and setting it: integrated loudness (LUFS) and true peak
(dBTP) as ITU-R BS.1770-4 measures them (as pyloudnorm's meter does), and
:func:`normalise` to −16 LUFS with a true peak at most −1 dBTP, by a gain and a
look-ahead limiter.

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


# SciPy's signal module is slow to import (it also brings SciPy's ndimage): it is
# imported where it is used, so that reading cached speech (a preview) does without.


@functools.cache
def _interpolator() -> np.ndarray:
    """The low-pass ``resample_poly(x, 4, 1)`` uses: 81 taps, 20 a phase."""
    from scipy.signal import firwin

    taps = firwin(20 * OVERSAMPLE + 1, 1 / OVERSAMPLE, window=("kaiser", 5.0))
    return taps * OVERSAMPLE


# BS.1770-4's K-weighting at 48 kHz, (b, a) of each stage: the coefficients
# pyloudnorm's "DeMan" filters compute, to the bit (the standard's table 1 and 2
# to 1e-12; pyloudnorm's default cookbook filters read a 997 Hz sine 0.04 LU low).
SHELF = (
    (1.5351248595864504, -2.691696189405335, 1.1983928108523243),
    (1.0, -1.6906592931824103, 0.7324807742158501),
)
HIGH_PASS = ((1.0, -2.0, 1.0), (1.0, -1.9900474548339802, 0.9900722503662102))
GATE_BLOCK = 0.4  # seconds: the gating block
GATE_STEP = 0.25  # of a block between blocks (75 % overlap)
ABSOLUTE = -70.0  # LUFS: blocks under it are silence
RELATIVE = -10.0  # LU under the blocks' loudness: quieter blocks are not counted

# The limiter's gain envelope, in dB of gain reduction: it ramps in straight
# ahead of a peak at ATTACK dB a sample, decays after it with the time constant
# RELEASE (as an analogue limiter's does: deep reductions let go fast at first),
# and a box blur of SMOOTH samples either side rounds the corners. It is drawn on
# a grid of HOP samples (the time constants are all longer) and interpolated
# between (_reduction says why every peak is still met).
ATTACK = 1.0 / (RATE / 1000)  # 1 dB/ms: a 6 dB dip starts 6 ms ahead
RELEASE = 0.050 * RATE  # samples: 50 ms, slow enough not to pump on speech
SMOOTH = RATE // 1000  # half-width of the corner-rounding box: 1 ms
HOP = 16  # samples a step of the envelope: a third of a millisecond
MARGIN = 0.1  # dB below the ceiling the limiter aims for: gain modulation overshoots
ROUNDS = 6  # normalise's gain-and-limit tries at most
TOLERANCE = 0.05  # LU from the target that normalise settles for
CLOSE = 0.002  # LU from its aim at which normalise's estimate stops
REACH = 6.0  # dB more gain than the first guess whose limiting is foreseen at once


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness (LUFS) of ``samples``: BS.1770-4 as pyloudnorm's meter
    measures it.

    With the standard's own K-weighting coefficients (:data:`SHELF`,
    :data:`HIGH_PASS`) and pyloudnorm's gating blocks, the blocks summed at once
    rather than one by one. −inf for silence (everything under the −70 LUFS gate).
    A clip shorter than the standard's 400 ms gating block is measured as one block
    of its length.

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
    return _integrated(np.square(_k_weighted(x)), RATE, _gating_block(x.size))


def _k_weighted(x: np.ndarray) -> np.ndarray:
    """``x`` through BS.1770-4's K-weighting filter (a high shelf, then a high pass)."""
    from scipy.signal import lfilter  # slow to import: only when measured

    return lfilter(*HIGH_PASS, lfilter(*SHELF, x))


def _gating_block(samples: int) -> float:
    """Seconds of a gating block for a clip of ``samples``: 400 ms, or the whole
    clip when it is shorter (not longer than it by a float's rounding)."""
    block = min(GATE_BLOCK, samples / RATE)
    while samples < block * RATE:
        block = float(np.nextafter(block, 0.0))
    return block


def _integrated(power: np.ndarray, rate: float, block: float) -> float:
    """Gated loudness (LUFS) of a K-weighted signal whose power (its square) is
    ``power``, ``rate`` values a second, in gating blocks of ``block`` seconds.

    The blocks are pyloudnorm's, to the sample (its count rounded, its bounds
    truncated, the last ones cut at the end yet divided by a whole block's
    length); each block's sum is taken at once (``np.add.reduceat``).
    """
    count = int(np.round((power.size / rate - block) / (block * GATE_STEP))) + 1
    j = np.arange(count)
    lows = np.minimum((block * (j * GATE_STEP) * rate).astype(np.int64), power.size)
    highs = np.minimum((block * (j * GATE_STEP + 1) * rate).astype(np.int64), power.size)
    # reduceat sums between consecutive indices: each block's, then a value between
    # two blocks, dropped. The zero appended lets a block end at the last sample.
    ends = np.stack([lows, highs], axis=1).ravel()
    sums = np.add.reduceat(np.append(power, 0.0), ends)[::2]
    sums[lows >= highs] = 0.0
    z = (1.0 / (block * rate)) * sums
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10.0 * np.log10(z)
    heard = levels >= ABSOLUTE
    if not heard.any():
        return -np.inf
    gate = -0.691 + 10.0 * np.log10(np.mean(z[heard])) + RELATIVE
    kept = (levels > gate) & heard
    if not kept.any():
        return -np.inf
    return float(-0.691 + 10.0 * np.log10(np.mean(z[kept])))


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

    A gain, and :func:`limit`'s limiter for the peaks the gain takes over the
    ceiling. Limiting lowers the loudness, by more the more gain: the gain is found
    on estimates (:class:`_Estimates`: the limiter's envelope on its grid, and
    the loudness the K-weighted energy under it gives, within a few thousandths
    of an LU of the loudness measured), then applied and the result measured;
    should it be more than ``TOLERANCE`` (0.05 LU) off, the estimates are
    corrected by what they missed and the round redone (up to ``ROUNDS`` times;
    the closest try is returned). Silence, and sound under the −70 LUFS gate,
    come back unchanged: there is no loudness to scale.

    Examples
    --------
    >>> normalise(np.zeros(4, np.float32))
    array([0., 0., 0., 0.], dtype=float32)
    """
    x = np.asarray(samples, dtype=np.float64)
    if not np.all(np.isfinite(x)):
        raise ValueError("normalise: samples must be finite (no NaN or inf)")
    if not np.any(x):
        return x.astype(np.float32)
    power = np.square(_k_weighted(x))
    level = _integrated(power, RATE, _gating_block(x.size))
    if not np.isfinite(level):
        return x.astype(np.float32)
    estimates = _Estimates(x, power, ceiling, target - level + REACH)
    gain, aim, tries = target - level, target, []
    for _ in range(ROUNDS):
        gain, reduction = estimates.solve(aim, gain)
        out = _limited(x, gain, reduction, ceiling)
        measured = loudness(out)
        tries.append((abs(target - measured), out))
        if tries[-1][0] <= TOLERANCE:
            break
        aim += target - measured  # what the estimate missed, at about this gain
    return min(tries, key=lambda t: t[0])[1]


class _Estimates:
    """The loudness of ``x`` (K-weighted ``power``) after a gain and the limiter
    at ``ceiling``, estimated on the limiter's grid (:data:`HOP` samples).

    K-weighting the signal once and scaling each hop's energy by the envelope's
    square there, rather than K-weighting the limited signal: the envelope
    changes over milliseconds, the filter's response to speech far faster, so
    the two agree within 0.002 LU on the lesson's speech. The oversampled peaks
    are found once for gains up to ``most`` dB (again should one ask for more).
    """

    def __init__(self, x: np.ndarray, power: np.ndarray, ceiling: float, most: float):
        self.x, self.ceiling = x, ceiling
        self.block = _gating_block(x.size)
        self.energy = _hops(power, np.add) / HOP  # the mean power of each hop
        self.floor = np.inf  # dB over which the peaks are exact
        self._peaks_for(most)

    def _peaks_for(self, gain: float) -> None:
        """Find each hop's oversampled peak wherever ``gain`` can take it over the
        limiter's threshold (and :data:`REACH` dB more, should ``gain`` be more
        than foreseen)."""
        floor = self.ceiling - MARGIN - gain
        if floor >= self.floor:
            return
        self.floor = floor if self.floor == np.inf else floor - REACH
        peaks = _peaks_over(self.x, float(_amplitude(self.floor)) * UNDER)
        with np.errstate(divide="ignore"):
            self.peak_db = 20 * np.log10(_hops(peaks, np.maximum))
        self.top = float(self.peak_db.max())

    def reduction(self, gain: float) -> np.ndarray:
        """The limiter's reduction (dB) at each hop's start and the end, after
        ``gain``: none when no peak then goes over the ceiling."""
        self._peaks_for(gain)
        if self.top + gain <= self.ceiling:
            return np.zeros(self.peak_db.size + 1)
        return _reduction(self.peak_db + gain, self.ceiling - MARGIN)

    def loudness(self, gain: float, reduction: np.ndarray) -> float:
        """The estimated loudness after ``gain`` and ``reduction``."""
        # A hop's mean square gain, as its ends' amplitudes' product.
        squared = _amplitude(2 * gain - reduction[:-1] - reduction[1:])
        return _integrated(self.energy * squared, RATE / HOP, self.block)

    def solve(self, aim: float, gain: float) -> tuple[float, np.ndarray]:
        """The gain whose estimated loudness is ``aim`` (from ``gain``, by secant
        steps), and its reduction."""
        reduction = self.reduction(gain)
        tries = [(gain, self.loudness(gain, reduction))]
        while abs(aim - tries[-1][1]) > CLOSE and len(tries) < 4 * ROUNDS:
            gain += (aim - tries[-1][1]) / _slope(tries)
            reduction = self.reduction(gain)
            tries.append((gain, self.loudness(gain, reduction)))
        return gain, reduction


def _slope(tries: list[tuple[float, float]]) -> float:
    """LU of loudness per dB of gain, from the last two (gain, loudness) tries.

    Deep limiting turns a dB of gain into less than a dB of loudness: a secant
    step gets there in two or three tries where a plain step would crawl.
    """
    if len(tries) < 2 or tries[-1][0] == tries[-2][0]:
        return 1.0
    (g0, l0), (g1, l1) = tries[-2:]
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
    # Only the peaks over the threshold are turned down: those under it need not be
    # computed.
    peaks = _peaks_over(x, float(_amplitude(ceiling - MARGIN)) * UNDER)
    if _db(float(peaks.max())) <= ceiling:
        return x.copy()
    with np.errstate(divide="ignore"):
        peak_db = 20 * np.log10(_hops(peaks, np.maximum))
    return _limited(x, 0.0, _reduction(peak_db, ceiling - MARGIN), ceiling, np.float64)


def _limited(
    x: np.ndarray,
    gain: float,
    reduction: np.ndarray,
    ceiling: float,
    dtype: type = np.float32,
) -> np.ndarray:
    """``x`` with ``gain`` dB and the limiter's ``reduction`` (dB at each hop's
    start and at the end), as ``dtype``; a little lower should the envelope's own
    modulation (or the rounding to ``dtype``) still take a peak over ``ceiling``."""
    if reduction.any():
        hops = reduction.size - 1
        padded = np.zeros(hops * HOP)
        padded[: x.size] = x
        # The gain at each sample, straight between its hop's ends: at most what
        # either end allows (_reduction).
        ends = _amplitude(gain - reduction)
        ramp = np.arange(HOP) / HOP
        envelope = ends[:-1, None] + (ends[1:] - ends[:-1])[:, None] * ramp
        limited = (padded.reshape(hops, HOP) * envelope).ravel()[: x.size]
    else:
        limited = x * _amplitude(gain)
    out = limited.astype(dtype)
    over = true_peak(out) - ceiling
    if over > 0:  # the margin did not absorb the envelope's own overshoot
        out = (limited * _amplitude(-over - 0.01)).astype(dtype)
    return out


def _hops(values: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
    """``ufunc`` (``np.add``, ``np.maximum``) over each :data:`HOP` samples of
    ``values`` (the last hop may be shorter)."""
    return ufunc.reduceat(values, np.arange(0, values.size, HOP))


def _reduction(peak_db: np.ndarray, threshold: float) -> np.ndarray:
    """Gain reduction (dB, ≥ 0) at the start of each hop, and at the end, so that
    no peak exceeds ``threshold`` when it is interpolated between (``peak_db``:
    each hop's largest oversampled peak, dB).

    With need[j] the reduction hop j's peak needs, the envelope is: a running
    maximum over ±(SMOOTH / HOP + 1) hops, then release and attack ramps
    (:func:`_released`, :func:`_attacked`: they only raise it), then a box average
    over ±SMOOTH / HOP hops. Each value averaged at hop j's start or end is at
    least need[j], so the average is too, and so the reduction at each sample of
    hop j, which is between the two (in amplitude): every peak is met, ramps
    included.
    """
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    box = SMOOTH // HOP
    need = np.maximum(np.append(peak_db, -np.inf) - threshold, 0.0)
    held = maximum_filter1d(need, 2 * (box + 1) + 1)
    ahead = _attacked(_released(held, RELEASE / HOP), ATTACK * HOP)
    return uniform_filter1d(ahead, 2 * box + 1, mode="nearest")


# Both ramps are running maxima, with no Python loop over samples: in logarithms
# the release decay is a straight line, and the attack ramp is one already. In
# chunks, carrying the value across, so the index arrays stay small.
_CHUNK = 1 << 18


def _released(held: np.ndarray, release: float = RELEASE) -> np.ndarray:
    """out[n] = max over m ≤ n of held[m]·exp(−(n − m)/release)."""
    out = np.empty_like(held)
    carry = -np.inf  # log of out[start − 1]
    for start in range(0, held.size, _CHUNK):
        part = held[start : start + _CHUNK]
        k = np.arange(1, part.size + 1) / release
        # log(0) is -inf, by NumPy's slow path: most of ``held`` is 0.
        some = part > 0
        logged = np.where(some, np.log(np.where(some, part, 1.0)), -np.inf)
        logs = np.maximum.accumulate(np.maximum(logged + k, carry)) - k
        out[start : start + part.size] = np.exp(logs)
        carry = logs[-1]
    return out


def _attacked(released: np.ndarray, attack: float = ATTACK) -> np.ndarray:
    """out[n] = max over m ≥ n of released[m] − attack·(m − n)."""
    out = np.empty_like(released)
    carry = 0.0  # out[stop], the first sample after the chunk
    for stop in range(released.size, 0, -_CHUNK):
        start = max(0, stop - _CHUNK)
        ramp = attack * np.arange(stop - start)
        tail = np.maximum.accumulate((released[start:stop] - ramp)[::-1])[::-1]
        out[start:stop] = np.maximum(tail, carry - attack * (stop - start)) + ramp
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
