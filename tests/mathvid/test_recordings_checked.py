"""A teacher's recordings are checked before anything renders: each that cannot be
used (not audio, no samples, a rate outside 8 to 192 kHz, longer than 10 minutes,
samples that are not numbers, no speech, a header that lies, a file that is not
one) is one line of ``mathvid check`` naming the file, with exit status 1, never a
traceback nor an allocation the size of what a header claims; a name or key ``-1``
is no step."""

from __future__ import annotations

import io
import os
import re
import resource
import struct
import subprocess
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from lesson.words.said import for_step
from mathvid.cli import main
from mathvid.sound.voice import Recording, recorded_sound, recordings_of
from tests.mathvid.command import ROOT, cli_args

# TangentLine's steps: "The curve", "Secant becomes tangent", "The tangent slides".
SCENE = """
[[scene]]
id = "{id}"
scene = "scenes.derivatives:TangentLine"
title = "Tangent"
[scene.narration]
1 = "A curve."
2 = "A secant."
3 = "A tangent."
"""


def header(
    rate: int, data: bytes, *, bits: int = 16, kind: int = 1, claimed: int | None = None
) -> bytes:
    """A mono WAV file: its header as given (``kind`` 1 integer, 3 float samples;
    ``claimed``: the data's size it states, its true size by default), ``data``."""
    block = bits // 8
    fmt = struct.pack("<HHIIHH", kind, 1, rate, rate * block, block, bits)
    size = len(data) if claimed is None else claimed
    chunks = b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", size)
    body = b"WAVE" + chunks + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def pcm16(samples: np.ndarray, rate: int) -> bytes:
    """``samples`` (floats in [-1, 1]) as a 16-bit WAV file, by the ``wave`` module."""
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return out.getvalue()


def floats(samples: np.ndarray, rate: int = 48_000) -> bytes:
    """``samples`` as a 32-bit float WAV file (``wave`` writes integers only)."""
    return header(rate, samples.astype("<f4").tobytes(), bits=32, kind=3)


def voice(seconds: float, rate: int = 48_000) -> np.ndarray:
    """``seconds`` of a tone at a voice's level, between 0.2 s of silence each side."""
    t = np.arange(round((seconds + 0.4) * rate)) / rate
    return np.where((t >= 0.2) & (t < seconds + 0.2), 0.3 * np.sin(2 * np.pi * 300 * t), 0)


def spoilt(value: float, at: float) -> bytes:
    """A second of voice with one sample of ``value`` at ``at`` seconds."""
    samples = voice(1.0)
    samples[round(at * 48_000)] = value
    return floats(samples)


def written(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def fifo(path: Path) -> None:
    os.mkfifo(path)  # nobody ever writes to it: reading it would never end


RNG = np.random.default_rng(7)
# 8 kHz, 8 bits (unsigned, 128 the middle): 601 seconds of a hum in 4.8 MB.
TEN_MINUTES_AND_ONE_SECOND = (
    (128 + 40 * np.sin(np.arange(8_000 * 601))).astype("u1").tobytes()
)
# Each bad recording: how to make it at a path, and the line that refuses it.
BAD: dict[str, tuple[Callable[[Path], None], str]] = {
    "not audio": (
        written(b"RIFF, and then not a recording at all"),
        "cannot decode audio (Invalid data found when processing input)",
    ),
    "a header and no data": (
        written(pcm16(np.zeros(0), 44_100)),
        "no samples in it: a header and no sound",
    ),
    "a header claiming data that is not there": (
        written(header(44_100, b"", claimed=0x7FFF_FFF0)),
        "no samples in it: a header and no sound",
    ),
    "NaN samples": (
        written(spoilt(np.nan, 0.5)),
        "samples that are not numbers (NaN or infinite), from 0.50 s",
    ),
    "an infinite sample": (
        written(spoilt(np.inf, 0.75)),
        "samples that are not numbers (NaN or infinite), from 0.75 s",
    ),
    "samples past any sound's range": (
        written(floats(voice(1.0) * 1e38)),
        "samples up to 3e+37: a sound's are within ±1",
    ),
    "two seconds of silence": (
        written(pcm16(np.zeros(88_200), 44_100)),
        "no speech in it (silent, or too quiet)",
    ),
    "a hiss at -70 dBFS": (
        written(pcm16(RNG.normal(0, 10 ** (-70 / 20), 96_000), 48_000)),
        "no speech in it (silent, or too quiet)",
    ),
    "a constant offset": (
        written(pcm16(np.full(96_000, 0.5), 48_000)),
        "no speech in it (silent, or too quiet)",
    ),
    "14 hours at 1 Hz": (
        written(header(1, bytes([128]) * 50_400, bits=8)),
        "a sample rate of 1 Hz (a sound's is 8 to 192 kHz)",
    ),
    "0 bits a sample": (
        written(header(44_100, bytes(1000), bits=0)),
        "cannot decode audio (no decoder for what its header describes)",
    ),
    "a rate under 8 kHz": (
        written(pcm16(voice(1.0, 4_000), 4_000)),
        "a sample rate of 4000 Hz (a sound's is 8 to 192 kHz)",
    ),
    "a rate over 192 kHz": (
        written(pcm16(voice(0.5, 384_000), 384_000)),
        "a sample rate of 384000 Hz (a sound's is 8 to 192 kHz)",
    ),
    "longer than 10 minutes": (
        written(header(8_000, TEN_MINUTES_AND_ONE_SECOND, bits=8)),
        "longer than 10 minutes, the most it may be",
    ),
    "a folder": (lambda path: path.mkdir(), "not a regular file"),
    "a FIFO": (fifo, "not a regular file"),
}
# Checked in this process, but for those that would hang it (a FIFO) or fill its
# memory (a header believed) if the check failed: the CLI's test has them, limited.
IN_PROCESS = [case for case in BAD if case not in ("a FIFO", "14 hours at 1 Hz")]


def lesson_with(tmp_path: Path, scenes: int) -> Path:
    lesson = tmp_path / "lesson.toml"
    text = 'title = "T"\n' + "".join(SCENE.format(id=f"s{i}") for i in range(scenes))
    lesson.write_text(text, encoding="utf-8")
    return lesson


@pytest.mark.parametrize("case", IN_PROCESS)
def test_each_bad_recording_is_one_line_naming_it(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lesson = lesson_with(tmp_path, 1)
    make, why = BAD[case]
    path = tmp_path / "narration" / "s0" / "2.wav"
    path.parent.mkdir(parents=True)
    make(path)
    assert main(["check", "--lesson", str(lesson)]) == 1
    assert capsys.readouterr().out.splitlines() == [f"{path}: {why}", f"{lesson}: 1 error"]


def test_mathvid_check_refuses_every_bad_recording_at_once(tmp_path: Path) -> None:
    """All of them in one lesson, ``mathvid check`` run as a user runs it, in a
    process that may not take more than 4 GiB (a header believed would ask 18)."""
    lesson = lesson_with(tmp_path, -(-len(BAD) // 3))
    expected = []
    for n, (make, why) in enumerate(BAD.values()):
        path = tmp_path / "narration" / f"s{n // 3}" / f"{n % 3 + 1}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        make(path)
        expected.append(f"{path}: {why}")

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    done = subprocess.run(
        cli_args("check", "--lesson", lesson),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limited,
    )
    assert "Traceback" not in done.stderr, done.stderr
    out = done.stdout.splitlines()
    assert sorted(out[:-1]) == sorted(expected)
    assert out[-1] == f"{lesson}: {len(BAD)} errors"
    assert done.returncode == 1


def test_a_few_words_at_the_rates_allowed_are_taken(tmp_path: Path) -> None:
    for rate in (8_000, 44_100, 192_000):
        sound = recorded_sound(Recording("1", "1.wav", pcm16(voice(0.5, rate), rate)))
        # Trimmed to the tone (10 ms kept either side), at the project's 48 kHz.
        assert abs(sound.size / 48_000 - 0.52) < 0.03, rate


def test_a_recordings_offset_is_removed_and_its_speech_kept() -> None:
    samples = voice(1.0) + 0.2
    sound = recorded_sound(Recording("1", "1.wav", pcm16(samples, 48_000)))
    assert abs(sound.size / 48_000 - 1.02) < 0.03
    assert abs(float(sound.mean())) < 0.01


def test_a_short_click_is_not_speech() -> None:
    with pytest.raises(ValueError) as refused:
        recorded_sound(Recording("1", "n/1.wav", pcm16(voice(0.1), 48_000)))
    assert re.fullmatch(
        r"n/1\.wav: no speech in it \(only 0\.1\d s of sound\)", str(refused.value)
    )


@pytest.mark.parametrize("name", ["-1", "+1", " 1", "0", "²"])
def test_a_recording_named_like_a_number_it_is_not_is_no_step(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lesson = lesson_with(tmp_path, 1)
    path = tmp_path / "narration" / "s0" / f"{name}.wav"
    path.parent.mkdir(parents=True)
    path.write_bytes(pcm16(voice(1.0), 48_000))
    recordings = {r.step: r for r in recordings_of(path.parent)}
    assert for_step(recordings, 1, "The curve") is None  # was step 1 for "-1"
    assert for_step(recordings, 2, "Secant becomes tangent") is None
    assert main(["check", "--lesson", str(lesson)]) == 0  # a file not used: a warning
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: warning: no step {name}: steps are named by their number from 1 or "
        "their name; s0 has 3 steps",
        f"{lesson}: 1 warning",
    ]


def test_a_narration_key_minus_one_is_no_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lesson = tmp_path / "lesson.toml"
    text = SCENE.format(id="s0").replace('1 = "A curve."', '"-1" = "A curve."')
    lesson.write_text('title = "T"\n' + text, encoding="utf-8")
    assert main(["check", "--lesson", str(lesson)]) == 1
    # Refused in one line where it is written (by the loader, which says how).
    refusal, summary = capsys.readouterr().out.splitlines()
    assert refusal.startswith(f"{lesson}:8: narration.-1: ")
    assert "step" in refusal and summary == f"{lesson}: 1 error"


def test_a_recording_numbered_with_a_leading_zero_is_that_step(tmp_path: Path) -> None:
    # As the lesson loader reads a key "02": the files sort as a teacher lists them.
    path = tmp_path / "02.wav"
    path.write_bytes(pcm16(voice(1.0), 48_000))
    recordings = {r.step: r for r in recordings_of(tmp_path)}
    assert for_step(recordings, 2, "Secant becomes tangent").name == str(path)
