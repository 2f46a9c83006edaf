"""The audio toolbox: decoding, speech detection, loudness, muxing, the WAV cache."""

from __future__ import annotations

import hashlib
import itertools
import wave
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from scipy.signal import butter, correlate, lfilter, resample_poly, sosfilt

from mathvid.sound import audio, loudness, muxing, voice_activity
from mathvid.sound.audio import RATE


def tone(
    start: float, stop: float, total: float = 2.0, freq: float = 1000.0, amp: float = 0.5
) -> np.ndarray:
    """``total`` seconds of silence with a sine from ``start`` to ``stop`` s."""
    t = np.arange(round(total * RATE)) / RATE
    on = (t >= start) & (t < stop)
    return np.where(on, amp * np.sin(2 * np.pi * freq * t), 0.0).astype(np.float32)


def speechlike(
    bursts: tuple[tuple[float, float], ...] = ((0.3, 1.1), (1.8, 2.6)), total: float = 3.0
) -> np.ndarray:
    """Noise shaped like speech: a voice band, syllables at 4 Hz, hard plosives.

    Laplacian noise (speech's sample distribution) band-passed to 100 Hz–4 kHz,
    amplitude-modulated at 4 Hz down to −15 dB, with three 3 ms bursts six times
    louder: a crest factor near 29 dB, far peakier than real speech (15–20 dB).
    """
    rng = np.random.default_rng(0)
    t = np.arange(round(total * RATE)) / RATE
    band = butter(4, [100, 4000], btype="bandpass", fs=RATE, output="sos")
    voice = sosfilt(band, rng.laplace(size=t.size))
    on = np.zeros(t.size, bool)
    for a, b in bursts:
        on |= (t >= a) & (t < b)
    x = voice * (0.55 - 0.45 * np.cos(2 * np.pi * 4 * t)) * on
    for plosive in (0.5, 0.9, 2.0):
        i = round(plosive * RATE)
        x[i : i + 144] *= 6
    return (x * 0.05 / np.sqrt(np.mean(x[on] ** 2))).astype(np.float32)


def level(x: np.ndarray) -> float:
    """RMS level in dBFS."""
    return float(10 * np.log10(np.mean(np.square(x, dtype=np.float64))))


def assert_spans(found, expected, tolerance: float) -> None:
    assert len(found) == len(expected), found
    for (a, b), (c, d) in zip(found, expected, strict=True):
        assert abs(a - c) <= tolerance and abs(b - d) <= tolerance, (found, expected)


# ----------------------------------------------------------------------------- decode


def write_audio(
    path: Path,
    codec: str,
    rate: int,
    channels: np.ndarray,
    container: str | None = None,
    options: dict | None = None,
) -> Path:
    """Encode ``channels`` (one row each, float, at ``rate``) with PyAV."""
    layout = "mono" if len(channels) == 1 else "stereo"
    data = np.asarray(channels, np.float32)
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout, options=options or {})
        for i in range(0, data.shape[1], 1024):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(data[:, i : i + 1024]), format="fltp", layout=layout
            )
            frame.sample_rate, frame.pts, frame.time_base = rate, i, Fraction(1, rate)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def tone_at(rate: int, channels: int = 1) -> np.ndarray:
    """2 s with a 1 kHz, 0.5-amplitude tone from 0.5 to 1.5 s, at ``rate``."""
    t = np.arange(2 * rate) / rate
    x = np.where((t >= 0.5) & (t < 1.5), 0.5 * np.sin(2 * np.pi * 1000 * t), 0.0)
    return np.repeat(x[None], channels, axis=0)


FORMATS = [
    # name, codec, rate, channels, container, options, level tolerance (dB)
    ("s16.wav", "pcm_s16le", 44_100, 2, None, None, 0.05),
    ("f32.wav", "pcm_f32le", 16_000, 1, None, None, 0.05),
    ("s24.wav", "pcm_s24le", 96_000, 1, None, None, 0.05),
    ("s16.flac", "flac", 22_050, 2, None, None, 0.05),
    ("lame.mp3", "libmp3lame", 44_100, 2, None, None, 0.6),  # LAME reads 0.44 dB low
    ("vorbis.ogg", "vorbis", 22_050, 2, None, {"strict": "experimental"}, 0.1),
    ("opus.ogg", "libopus", 48_000, 1, "ogg", None, 0.1),
    ("aac.m4a", "aac", 44_100, 2, "mp4", None, 0.1),
]


@pytest.mark.parametrize(
    ("name", "codec", "rate", "channels", "container", "options", "tolerance"), FORMATS
)
def test_decode_any_format_rate_and_layout(
    tmp_path, name, codec, rate, channels, container, options, tolerance
) -> None:
    path = write_audio(
        tmp_path / name, codec, rate, tone_at(rate, channels), container, options
    )
    x = audio.decode(path)
    assert x.dtype == np.float32 and x.ndim == 1
    # Lossless and gapless formats are exact; Ogg Vorbis keeps a partial frame.
    assert abs(x.size - 2 * RATE) <= (256 if codec == "vorbis" else 0), x.size
    middle = x[round(0.7 * RATE) : round(1.3 * RATE)]
    assert abs(level(middle) - level(tone(0, 2)[: middle.size])) <= tolerance
    assert_spans(voice_activity.speech_spans(x), [(0.5, 1.5)], 0.02)


def test_decode_mixes_channels_at_equal_weight(tmp_path) -> None:
    both = audio.decode(
        write_audio(tmp_path / "both.wav", "pcm_f32le", RATE, tone_at(RATE, 2))
    )
    left = tone_at(RATE, 2)
    left[1] = 0
    one = audio.decode(write_audio(tmp_path / "left.wav", "pcm_f32le", RATE, left))
    np.testing.assert_allclose(both, tone_at(RATE)[0], atol=1e-6)
    np.testing.assert_allclose(one, tone_at(RATE)[0] / 2, atol=1e-6)


def test_decode_errors_are_one_line(tmp_path) -> None:
    text = tmp_path / "notes.wav"
    text.write_text("not audio\n" * 100)
    with pytest.raises(ValueError, match=r"notes\.wav: cannot decode audio") as error:
        audio.decode(text)
    assert "\n" not in str(error.value)
    with pytest.raises(ValueError, match=r"silent\.mp4: no audio stream"):
        audio.decode(make_video(tmp_path / "silent.mp4"))
    with pytest.raises(FileNotFoundError):
        audio.decode(tmp_path / "missing.wav")


def test_resample_keeps_frequency_and_level() -> None:
    t = np.arange(44_100) / 44_100
    x = audio.resample(0.5 * np.sin(2 * np.pi * 1000 * t), 44_100)
    assert x.dtype == np.float32 and x.size == RATE
    expected = 0.5 * np.sin(2 * np.pi * 1000 * np.arange(RATE) / RATE)
    # Away from the ends, where the filter sees the zeros around the clip.
    np.testing.assert_allclose(x[1000:-1000], expected[1000:-1000], atol=1e-3)
    with pytest.raises(ValueError, match="rate"):
        audio.resample(x, 0)


# ----------------------------------------------------------------------------- speech


def test_no_speech_in_silence_or_low_noise() -> None:
    assert voice_activity.speech_spans(np.zeros(2 * RATE, np.float32)) == []
    assert voice_activity.speech_spans(np.zeros(0, np.float32)) == []
    noise = np.random.default_rng(1).standard_normal(2 * RATE) * 10 ** (-70 / 20)
    assert abs(level(noise) + 70) < 0.1
    assert voice_activity.speech_spans(noise) == []
    assert voice_activity.trim(noise).size == 0


def test_a_tone_is_found_where_it_is() -> None:
    assert_spans(voice_activity.speech_spans(tone(0.5, 1.5)), [(0.5, 1.5)], 0.02)
    # The same over a recording's noise floor (−60 dBFS).
    noise = np.random.default_rng(2).standard_normal(2 * RATE) * 10 ** (-60 / 20)
    assert_spans(voice_activity.speech_spans(tone(0.5, 1.5) + noise), [(0.5, 1.5)], 0.02)


def test_short_gaps_join_long_ones_split() -> None:
    close = tone(0.3, 0.8, 2.5) + tone(0.9, 1.4, 2.5)
    assert_spans(voice_activity.speech_spans(close), [(0.3, 1.4)], 0.02)
    apart = tone(0.3, 0.8, 2.5) + tone(1.3, 1.8, 2.5)
    assert_spans(voice_activity.speech_spans(apart), [(0.3, 0.8), (1.3, 1.8)], 0.02)
    assert_spans(voice_activity.speech_spans(apart, min_silence=0.6), [(0.3, 1.8)], 0.02)


def test_a_click_is_not_speech() -> None:
    click = tone(1.0, 1.02, 2.0)
    assert voice_activity.speech_spans(click) == []
    assert_spans(voice_activity.speech_spans(click, min_speech=0.0), [(1.0, 1.02)], 0.01)


def test_speechlike_bursts_are_covered() -> None:
    # Each syllable dips to −15 dB and at a burst's start the envelope rises from
    # there: the edges are within 30 ms, and the syllables join into one span.
    assert_spans(voice_activity.speech_spans(speechlike()), [(0.3, 1.1), (1.8, 2.6)], 0.03)


def test_trim_keeps_the_speech_and_a_margin() -> None:
    x = tone(0.5, 1.5)
    cut = voice_activity.trim(x, margin=0.02)
    assert abs(cut.size / RATE - 1.04) <= 0.02
    start = np.flatnonzero(cut)[0] / RATE
    assert 0.01 <= start <= 0.03  # the margin, give or take half a 10 ms frame
    first = round((voice_activity.speech_spans(x)[0][0] - 0.02) * RATE)
    assert np.array_equal(cut, x[first : first + cut.size])
    starts_speaking = x[RATE // 2 :]  # no room before the speech for a margin
    assert voice_activity.trim(starts_speaking, margin=0.05)[0] == starts_speaking[0]


# ----------------------------------------------------------------------------- loudness


def k_weighted_loudness(x: np.ndarray) -> float:
    """Ungated BS.1770-4 loudness of one channel, straight from the standard.

    The K-filter coefficients at 48 kHz are the standard's table 1 and 2; for a
    steady signal every gating block has the same loudness, so gating changes
    nothing and the integrated loudness is −0.691 + 10·log10(mean square).
    """
    shelf = lfilter(
        [1.53512485958697, -2.69169618940638, 1.19839281085285],
        [1.0, -1.69065929318241, 0.73248077421585],
        x,
    )
    weighted = lfilter([1.0, -2.0, 1.0], [1.0, -1.99004745483398, 0.99007225036621], shelf)
    # Skip the filters' first 100 ms (the high-pass at 38 Hz settling).
    return float(-0.691 + 10 * np.log10(np.mean(weighted[RATE // 10 :] ** 2)))


def test_loudness_of_a_sine_is_what_bs1770_says() -> None:
    # BS.1770-4: "a 0 dB FS 1 kHz sine wave applied to the left, centre or right
    # channel reads −3.01 LKFS" (mean square ½ is −3.01 dB, and the K-filter's
    # +0.691 dB at 997 Hz is what the −0.691 constant takes off). So at −20 dBFS
    # peak, one channel: −23.01. pyloudnorm's default cookbook filters read
    # −23.05; the meter here uses its exact-coefficient ("DeMan") filters.
    t = np.arange(5 * RATE) / RATE
    sine = 10 ** (-20 / 20) * np.sin(2 * np.pi * 997 * t)
    assert k_weighted_loudness(sine) == pytest.approx(-23.01, abs=0.005)
    assert loudness.loudness(sine) == pytest.approx(-23.01, abs=0.01)
    # Music-like material at other frequencies agrees with the standard too.
    for freq in (50, 440, 5000, 12_000):
        x = 0.3 * np.sin(2 * np.pi * freq * t)
        assert loudness.loudness(x) == pytest.approx(k_weighted_loudness(x), abs=0.01), freq


def test_loudness_of_silence_and_of_short_clips() -> None:
    assert loudness.loudness(np.zeros(RATE)) == -np.inf
    assert loudness.loudness(np.zeros(0)) == -np.inf
    assert loudness.loudness(np.full(RATE, 1e-5)) == -np.inf  # under the −70 LUFS gate
    t = np.arange(RATE) / RATE
    sine = 0.1 * np.sin(2 * np.pi * 997 * t)
    # Shorter than a 400 ms gating block: one block of its own length.
    for n in (RATE // 4, 12_345, 19_199):
        assert loudness.loudness(sine[:n]) == pytest.approx(-23.01, abs=0.1), n


def test_loudness_is_pyloudnorms_meter() -> None:
    # The meter is pyloudnorm's (its "DeMan" K-weighting, BS.1770-4's own
    # coefficients; its gating blocks), its blocks summed at once: the same reading.
    import pyloudnorm

    meter = pyloudnorm.Meter(RATE, filter_class="DeMan")
    stages = list(meter._filters.values())
    assert [(tuple(f.b), tuple(f.a)) for f in stages] == [
        loudness.SHELF,
        loudness.HIGH_PASS,
    ]
    rng = np.random.default_rng(6)
    t = np.arange(7 * RATE) / RATE
    quiet_tail = np.concatenate([speechlike(), 1e-3 * speechlike()])  # relative gate
    under_gate = np.concatenate([speechlike(), 1e-4 * rng.standard_normal(RATE)])
    for x in (
        speechlike(),
        speechlike(total=7.31),  # a length no block count divides
        0.3 * np.sin(2 * np.pi * 440 * t),
        quiet_tail,
        under_gate,
        8 * speechlike(),
    ):
        x = x.astype(np.float64)
        assert loudness.loudness(x) == pytest.approx(meter.integrated_loudness(x), abs=1e-9)
    for n in (RATE // 4, 12_345, 19_199):  # shorter than a block: one of its length
        short = speechlike()[RATE // 2 : RATE // 2 + n].astype(np.float64)
        block = loudness._gating_block(n)
        assert block * RATE <= n < block * RATE + 1e-6
        reading = pyloudnorm.Meter(RATE, "DeMan", block_size=block).integrated_loudness(
            short
        )
        assert loudness.loudness(short) == pytest.approx(reading, abs=1e-9), n


def test_true_peak_sees_the_crest_between_samples() -> None:
    n = np.arange(RATE)
    # fs/4 with a 45° phase: every sample is at ±0.707, the crests fall between.
    quarter = np.sin(np.pi / 2 * n + np.pi / 4)
    sample_peak = 20 * np.log10(np.abs(quarter).max())
    assert sample_peak == pytest.approx(-3.01, abs=0.01)
    faded = np.hanning(RATE) * quarter  # not abrupt at the ends, which would ring
    assert loudness.true_peak(faded) == pytest.approx(0.0, abs=0.05)
    assert loudness.true_peak(quarter) > sample_peak + 2.9
    # A sine whose samples do reach the crest reads its sample peak.
    sine = 0.5 * np.sin(2 * np.pi * 1000 * n / RATE)
    assert loudness.true_peak(sine) == pytest.approx(20 * np.log10(0.5), abs=0.02)
    assert loudness.true_peak(np.zeros(10)) == -np.inf
    assert loudness.true_peak(np.zeros(0)) == -np.inf


def test_true_peak_is_the_same_in_chunks() -> None:
    x = speechlike().astype(np.float64)
    whole = loudness._peaks(x, chunk=x.size)
    np.testing.assert_allclose(loudness._peaks(x, chunk=1000), whole, rtol=0, atol=1e-12)


def test_the_peaks_near_a_level_are_those_of_the_whole_signal_to_the_bit() -> None:
    # The limiter computes the oversampled phases only near its threshold: where a
    # peak is over the level it is the float the whole signal's convolution gives
    # (the speech cache's bytes depend on it), and nowhere is one under it said over.
    x = speechlike().astype(np.float64)
    end = np.random.default_rng(5).standard_normal(3000)
    end[-20:] *= 30  # loud at its very end, and at its start
    end[:5] *= 30
    for signal in (x, 8 * x, x[:50], end, end[:30]):
        whole = loudness._peaks(signal, chunk=signal.size)
        for level in np.quantile(whole, [0.0, 0.5, 0.9, 0.99, 1.0]):
            near = loudness._peaks_over(signal, float(level))
            over = whole > level
            assert np.array_equal(near[over], whole[over])
            assert (near[~over] <= level).all()
        assert loudness.true_peak(signal) == 20 * np.log10(whole.max())


def test_the_limiters_ramps_are_their_formulas_across_chunks(monkeypatch) -> None:
    # Release and attack are running maxima taken in chunks (the carry between
    # them exercised with short ones): each value is the formula's over the whole.
    monkeypatch.setattr(loudness, "_CHUNK", 700)
    held = np.zeros(2000)
    held[[100, 690, 705, 1500, 1999]] = [3.0, 6.0, 0.5, 12.0, 1.0]
    n = np.arange(held.size)
    later = n[None, :] - n[:, None]  # [m, n]: n − m
    for release, attack in (
        (loudness.RELEASE, loudness.ATTACK),  # a sample apart
        (loudness.RELEASE / loudness.HOP, loudness.ATTACK * loudness.HOP),  # hops
    ):
        # out[n] = max over m ≤ n of held[m]·exp(−(n − m)/release)
        decayed = np.where(later >= 0, held[:, None] * np.exp(-later / release), 0.0)
        released = loudness._released(held, release)
        np.testing.assert_allclose(released, decayed.max(axis=0), rtol=1e-12, atol=1e-12)
        # out[n] = max over m ≥ n of released[m] − attack·(m − n)
        ramped = np.where(later <= 0, released[:, None] + attack * later, -np.inf)
        np.testing.assert_allclose(
            loudness._attacked(released, attack), ramped.max(axis=0), rtol=1e-12, atol=1e-12
        )


def oversampled_peaks(x: np.ndarray) -> np.ndarray:
    """Each sample's largest magnitude of ``x`` 4× oversampled over [n, n + 1), by
    SciPy's ``resample_poly`` (the sample itself at n, as the true peak takes it)."""
    phases = resample_poly(x, 4, 1).reshape(-1, 4)
    phases[:, 0] = x  # resample_poly's normalised filter reads x 1.0006 times there
    return np.abs(phases).max(axis=1)


@pytest.mark.parametrize(
    "signal",
    [
        pytest.param(8 * speechlike().astype(np.float64), id="speechlike"),
        pytest.param(np.where(np.arange(RATE) == RATE // 2, 2.0, 0.0), id="click"),
        pytest.param(
            np.sin(2 * np.pi * 997 * np.arange(2 * RATE) / RATE)
            * (np.arange(2 * RATE) > RATE),
            id="sine",
        ),
    ],
)
def test_the_limiters_envelope_meets_every_peak_and_ramps_smoothly(signal) -> None:
    # The envelope is drawn every HOP samples and interpolated: the gain it gives
    # each sample still brings that sample's oversampled peak under the threshold.
    threshold = -1.1
    peaks = oversampled_peaks(signal)
    with np.errstate(divide="ignore"):
        hop_db = 20 * np.log10(loudness._hops(peaks, np.maximum))
    reduction = loudness._reduction(hop_db, threshold)
    gain = loudness._limited(np.ones(signal.size), 0.0, reduction, np.inf, np.float64)
    assert (peaks * gain <= 10 ** (threshold / 20) * (1 + 1e-12)).all()
    assert gain.max() <= 1.0
    # No click: at most 1 dB/ms either way (give or take the interpolation's 2 %).
    assert np.abs(np.diff(20 * np.log10(gain))).max() <= loudness.ATTACK * 1.05


def test_the_limiter_turns_a_click_down_ahead_and_lets_go_in_50_ms() -> None:
    # A click on a quiet constant, so the gain can be read at every sample.
    at, ms = RATE // 2, RATE // 1000
    signal = np.full(RATE, 0.01)
    signal[at] = 2.0
    need = 20 * np.log10(oversampled_peaks(signal).max()) + 1.1  # dB over −1.1 dBTP
    out = loudness.limit(signal)
    reduced = -20 * np.log10(out / signal)
    assert reduced[at] == pytest.approx(need, abs=0.02)
    assert -1.2 <= loudness.true_peak(out) <= -1.0
    # Down at 1 dB/ms ahead of it (so a 6 dB dip starts 6 ms ahead), not long before.
    assert reduced[at - 6 * ms] > 0.5 and not reduced[: at - 12 * ms].any()
    # Back up with a 50 ms time constant (the reduction in dB falls by e in 50 ms).
    assert reduced[at + 50 * ms] == pytest.approx(need / np.e, rel=0.1)
    assert reduced[at + 50 * ms :].max() < need / np.e * 1.1


@pytest.mark.parametrize(
    "signal",
    [
        pytest.param(speechlike(), id="speechlike"),
        pytest.param(
            0.01 * np.sin(2 * np.pi * 997 * np.arange(3 * RATE) / RATE), id="sine"
        ),
        pytest.param(np.sin(2 * np.pi * 997 * np.arange(3 * RATE) / RATE), id="loud sine"),
    ],
)
def test_normalise_meets_loudness_and_true_peak(signal) -> None:
    out = loudness.normalise(signal)
    assert out.dtype == np.float32 and out.shape == signal.shape
    assert loudness.loudness(out) == pytest.approx(-16.0, abs=0.5)
    assert loudness.true_peak(out) <= -1.0


@pytest.mark.parametrize("gain", [-30.0, 0.0, 6.0, 20.0])
@pytest.mark.parametrize(
    ("target", "ceiling"), [(-16.0, -1.0), (-23.0, -2.0), (-12.0, -1.0)]
)
def test_normalise_lands_within_its_tolerance(gain, target, ceiling) -> None:
    # Read by pyloudnorm's meter and SciPy's oversampling, not the module's own.
    import pyloudnorm

    x = speechlike(total=4.0) * 10 ** (gain / 20)
    out = loudness.normalise(x, target, ceiling).astype(np.float64)
    reading = pyloudnorm.Meter(RATE, filter_class="DeMan").integrated_loudness(out)
    assert abs(reading - target) <= loudness.TOLERANCE
    assert 20 * np.log10(oversampled_peaks(out).max()) <= ceiling


def test_normalise_estimates_the_limited_loudness_closely() -> None:
    # The gain is found on estimates (the K-weighted energy under the envelope):
    # they are within a few thousandths of an LU of the limited sound measured.
    import pyloudnorm

    meter = pyloudnorm.Meter(RATE, filter_class="DeMan")
    x = speechlike().astype(np.float64)
    power = np.square(lfilter(*loudness.HIGH_PASS, lfilter(*loudness.SHELF, x)))
    estimates = loudness._Estimates(x, power, -1.0, 30.0)
    for gain in (10.0, 15.0, 20.0, 25.0):  # 3 to 18 dB of the plosives limited
        reduction = estimates.reduction(gain)
        assert reduction.max() > 2.0
        limited = loudness._limited(x, gain, reduction, -1.0, np.float64)
        reading = meter.integrated_loudness(limited)
        assert estimates.loudness(gain, reduction) == pytest.approx(reading, abs=0.005)


def test_normalise_louder_targets_need_the_limiter() -> None:
    x = speechlike()
    crest = 20 * np.log10(np.abs(x).max() / np.sqrt(np.mean(x[x != 0] ** 2)))
    assert crest > 25
    # At −16 LUFS the plosives would peak near +12 dBTP: the limiter takes them
    # down, and only around them: most of the speech keeps its gain.
    out = loudness.normalise(x)
    gained = x.astype(np.float64) * 10 ** ((-16 - loudness.loudness(x)) / 20)
    reduced = np.abs(out) < np.abs(gained) * 10 ** (-0.5 / 20)
    assert reduced.mean() < 0.15
    for target, ceiling in ((-12.0, -1.0), (-20.0, -3.0)):
        out = loudness.normalise(x, target, ceiling)
        assert loudness.loudness(out) == pytest.approx(target, abs=0.5)
        assert loudness.true_peak(out) <= ceiling


def test_silence_stays_silence() -> None:
    for quiet in (np.zeros(RATE, np.float32), np.zeros(0, np.float32), np.full(RATE, 1e-5)):
        out = loudness.normalise(quiet)
        assert out.dtype == np.float32 and np.array_equal(out, quiet.astype(np.float32))
    with pytest.raises(ValueError, match="finite"):
        loudness.normalise(np.array([0.0, np.nan] * RATE))


def test_the_limiter_leaves_quiet_signals_alone() -> None:
    x = tone(0.2, 0.8, 1.0)
    assert np.array_equal(loudness.limit(x, -1.0), x)
    assert loudness.true_peak(loudness.limit(4 * x, -1.0)) <= -1.0


# ----------------------------------------------------------------------------- video


def make_video(path: Path, seconds: float = 2.0, fps: int = 15) -> Path:
    """A small H.264 video whose frames all differ (a bar moving over a fade)."""
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 160, 90, "yuv420p"
        for i in range(round(seconds * fps)):
            pixels = np.full((90, 160, 3), (i * 8) % 256, np.uint8)
            pixels[:, i * 5 % 150 : i * 5 % 150 + 10] = 255
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def video_packets(path: Path) -> list[tuple]:
    with av.open(str(path)) as src:
        return [
            (bytes(p), p.pts * p.time_base, p.dts * p.time_base, p.is_keyframe)
            for p in src.demux(video=0)
            if p.dts is not None
        ]


def test_mux_adds_aac_and_copies_the_video(tmp_path) -> None:
    video = make_video(tmp_path / "scene.mp4")
    sound = tone(0.5, 1.5)
    out = muxing.mux(video, sound, tmp_path / "narrated.mp4")
    assert out == tmp_path / "narrated.mp4"
    assert video_packets(out) == video_packets(video)
    with av.open(str(out)) as src:
        assert len(src.streams.video) == 1 and len(src.streams.audio) == 1
        stream = src.streams.audio[0]
        codec = stream.codec_context
        assert (codec.name, codec.sample_rate, codec.channels) == ("aac", RATE, 1)
        duration = float(stream.duration * stream.time_base)
        packets = [p for p in src.demux(stream) if p.dts is not None]
    # FFmpeg's AAC encoder primes with one frame (pts −1024); the MP4 edit list
    # hides it, and the last packet covers only the sound that is left.
    first = packets[0].pts
    end = packets[-1].pts + packets[-1].duration
    assert first == -muxing.AAC_FRAME
    assert abs(duration - 2.0) <= muxing.AAC_FRAME / RATE
    assert (end - first) / RATE <= 2.0 + 2 * muxing.AAC_FRAME / RATE
    # Decoded, it is the tone where it was put: no delay once priming is dropped.
    heard = muxing.audio_of(out)
    assert heard.size == 2 * RATE
    lags = correlate(heard, sound, mode="full", method="fft")
    lag = int(np.argmax(lags)) - (sound.size - 1)
    assert lag == 0
    assert np.corrcoef(heard, sound)[0, 1] > 0.999
    assert_spans(voice_activity.speech_spans(heard), [(0.5, 1.5)], 0.03)


def test_mux_encodes_about_128_kbps(tmp_path) -> None:
    # The encoder spends fewer bits on a tone or on silence: measure it on noise.
    video = make_video(tmp_path / "scene.mp4")
    noise = 0.1 * np.random.default_rng(4).standard_normal(2 * RATE).astype(np.float32)
    with av.open(str(muxing.mux(video, noise, tmp_path / "noise.mp4"))) as src:
        assert 110_000 <= src.streams.audio[0].bit_rate <= 140_000


def test_mux_cuts_long_audio_and_pads_short(tmp_path) -> None:
    video = make_video(tmp_path / "scene.mp4")
    long = muxing.audio_of(muxing.mux(video, tone(0.5, 2.8, 3.0), tmp_path / "long.mp4"))
    assert long.size == 2 * RATE
    assert_spans(voice_activity.speech_spans(long), [(0.5, 2.0)], 0.03)
    short = muxing.audio_of(muxing.mux(video, tone(0.2, 0.6, 0.7), tmp_path / "short.mp4"))
    assert short.size == 2 * RATE
    assert_spans(voice_activity.speech_spans(short), [(0.2, 0.6)], 0.03)
    assert np.abs(short[round(0.8 * RATE) :]).max() < 1e-3  # the padding is silent


def test_mux_over_its_own_input_and_again(tmp_path) -> None:
    video = make_video(tmp_path / "scene.mp4")
    before = video_packets(video)
    muxing.mux(video, tone(0.5, 1.5), video)
    muxing.mux(video, tone(1.0, 1.5), video)  # replaces the sound track it now has
    assert video_packets(video) == before
    with av.open(str(video)) as src:
        assert len(src.streams.audio) == 1
    assert_spans(voice_activity.speech_spans(muxing.audio_of(video)), [(1.0, 1.5)], 0.03)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.mp4"]


def test_mux_is_reproducible_and_keeps_chapters(tmp_path) -> None:
    video = make_video(tmp_path / "lesson.mp4")
    chaptered = tmp_path / "chaptered.mp4"
    with av.open(str(video)) as src, av.open(str(chaptered), "w", format="mp4") as out:
        stream = out.add_stream_from_template(src.streams.video[0])
        for packet in src.demux(video=0):
            if packet.dts is not None:
                packet.stream = stream
                out.mux(packet)
        out.set_chapters(
            [
                {"id": i + 1, "start": s, "end": e, "time_base": Fraction(1, 1000)}
                | {"metadata": {"title": t}}
                for i, (s, e, t) in enumerate([(0, 1000, "One"), (1000, 2000, "Two")])
            ]
        )
    a = muxing.mux(chaptered, tone(0.5, 1.5), tmp_path / "a.mp4")
    b = muxing.mux(chaptered, tone(0.5, 1.5), tmp_path / "b.mp4")
    assert (
        hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    )
    with av.open(str(a)) as src:
        titles = [c["metadata"]["title"] for c in src.chapters()]
    assert titles == ["One", "Two"]


def test_a_failed_mux_leaves_nothing_half_written(tmp_path, monkeypatch) -> None:
    video = make_video(tmp_path / "scene.mp4")
    out = tmp_path / "narrated.mp4"
    out.write_bytes(b"the previous good file")

    def failing(track, stream, first):
        yield from []
        raise OSError("disk full")

    monkeypatch.setattr(muxing, "_encoded", failing)
    with pytest.raises(OSError, match="disk full"):
        muxing.mux(video, tone(0.5, 1.5), out)
    assert out.read_bytes() == b"the previous good file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["narrated.mp4", "scene.mp4"]


def test_mux_needs_a_video_and_mono_audio(tmp_path) -> None:
    sound = write_audio(tmp_path / "voice.wav", "pcm_s16le", RATE, tone_at(RATE))
    with pytest.raises(ValueError, match="no video stream"):
        muxing.mux(sound, tone(0, 1), tmp_path / "out.mp4")
    video = make_video(tmp_path / "scene.mp4")
    with pytest.raises(ValueError, match="mono"):
        muxing.mux(video, np.zeros((2, RATE), np.float32), tmp_path / "out.mp4")


def test_cut_tiles_a_track() -> None:
    x = np.random.default_rng(3).standard_normal(RATE).astype(np.float32)
    bounds = [0.0, 1 / 3, 0.5, 0.77777, 1.0]
    parts = [audio.cut(x, a, b - a) for a, b in itertools.pairwise(bounds)]
    assert np.array_equal(np.concatenate(parts), x)
    tail = audio.cut(x, 0.9, 0.5)
    assert tail.size == round(0.5 * RATE) and np.array_equal(
        tail[: RATE // 10], x[-RATE // 10 :]
    )
    assert not tail[RATE // 10 :].any()
    with pytest.raises(ValueError):
        audio.cut(x, -0.1, 0.5)


# ----------------------------------------------------------------------------- WAV


def test_wav_round_trip(tmp_path) -> None:
    x = np.concatenate([0.5 * speechlike(), [1.5, -1.5, 1.0, -1.0]]).astype(np.float32)
    path = audio.write_wav(tmp_path / "voice.wav", x)
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE)
        assert w.getnframes() == x.size
    back = audio.decode(path)
    np.testing.assert_allclose(back[:-4], x[:-4], atol=0.5 / 32768 + 1e-7)
    np.testing.assert_allclose(back[-4:], [32767 / 32768, -1.0, 32767 / 32768, -1.0])
    assert [p.name for p in tmp_path.iterdir()] == ["voice.wav"]


def test_wav_samples_are_rounded_as_in_float64(tmp_path) -> None:
    # float32 samples are scaled and rounded in float32: the same integers.
    rng = np.random.default_rng(7)
    halves = (np.arange(-40, 40) + 0.5) / 32768  # ties: rounded to even either way
    x = np.concatenate([rng.uniform(-1.2, 1.2, 10_000), halves]).astype(np.float32)
    expected = np.clip(np.round(x.astype(np.float64) * 32768), -32768, 32767)
    with wave.open(str(audio.write_wav(tmp_path / "a.wav", x))) as w:
        written = np.frombuffer(w.readframes(w.getnframes()), "<i2")
    assert np.array_equal(written, expected.astype("<i2"))
