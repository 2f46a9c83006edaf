"""``mathvid check``: each mistake of a lesson and its ``narration/`` folder is one
line naming the file (and line), errors with exit status 1, warnings with 0; the
commands that render run the same check first and render nothing on an error; a
teacher's recording is captioned along its speech."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mathvid.studio.server
from lesson.words.said import step_words
from mathvid.cli import main
from mathvid.publish.transcript import transcript_text
from mathvid.run.stills import scene_manifest
from mathvid.sound.voice import Narration, Narrator, Recording, along_speech
from scenes.derivatives import TangentLine

# TangentLine has three steps: "The curve", "Secant becomes tangent", "The tangent
# slides". Line 8 of the lesson is the first line after HEAD.
HEAD = """title = "T"

[[scene]]
id = "tangent"
scene = "scenes.derivatives:TangentLine"
title = "Tangent"
[scene.narration]
"""
WORDS = HEAD + '1 = "A curve."\n2 = "A secant."\n'
RATE = 44_100  # a phone's rate, not the project's: recordings come at any rate


def write_wav(path: Path, mono: np.ndarray) -> Path:
    """``mono`` (floats in [-1, 1] at :data:`RATE`) as a 16-bit WAV file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=RATE, layout="mono")
        frame = av.AudioFrame.from_ndarray(
            (mono.reshape(1, -1) * 32767).astype(np.int16), format="s16", layout="mono"
        )
        frame.sample_rate = RATE
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return path


def bursts(*spans: tuple[float, float], seconds: float) -> np.ndarray:
    """``seconds`` of silence with sound in ``spans``: noise in the first, a 300 Hz
    tone in the others (a voice's level: 0.3 of full scale)."""
    t = np.arange(round(seconds * RATE)) / RATE
    noise = np.random.default_rng(1).uniform(-0.3, 0.3, t.size)
    tone = 0.3 * np.sin(2 * np.pi * 300 * t)
    sound = np.zeros_like(t)
    for i, (start, end) in enumerate(spans):
        inside = (t >= start) & (t < end)
        sound[inside] = (noise if i == 0 else tone)[inside]
    return sound


def tone(path: Path) -> Path:
    return write_wav(path, bursts((0.2, 1.2), seconds=1.5))


def raw(data: bytes) -> Callable[[Path], None]:
    """What writes ``data`` as a file (a recording that is not one)."""

    def make(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    return make


# Each mistake: the lesson file, a file to make under narration/ (and how), the
# line `mathvid check` must print ({lesson}, {file}: their paths), and whether it is
# an error.
MISTAKES = {
    "key naming no step": (
        HEAD + '"The curv" = "A curve."\n',
        None,
        "{lesson}:8: narration.The curv: no step of this name in tangent; did you mean "
        '"The curve"?',
        True,
    ),
    "key numbering no step": (
        HEAD + '9 = "Nine."\n',
        None,
        "{lesson}:8: narration.9: no step 9: tangent has 3 steps",
        True,
    ),
    "recording of no step": (
        WORDS,
        ("tangent/7.wav", tone),
        "{file}: warning: no step 7: tangent has 3 steps",
        False,
    ),
    "recording of no scene": (
        WORDS,
        ("tangnt/1.wav", tone),
        '{file}: warning: no scene "tangnt" in {lesson}; did you mean "tangent"?',
        False,
    ),
    "recording that does not decode": (
        WORDS,
        ("tangent/1.wav", raw(b"RIFF, but not a recording")),
        "{file}: cannot decode audio (Invalid data found when processing input)",
        True,
    ),
    "empty recording": (
        WORDS,
        ("tangent/2.wav", raw(b"")),
        "{file}: the file is empty",
        True,
    ),
    "silent recording": (
        WORDS,
        ("tangent/2.wav", lambda p: write_wav(p, np.zeros(RATE))),
        "{file}: no speech in it (silent, or too quiet)",
        True,
    ),
    "recorded step without words": (
        WORDS,
        ("tangent/3.wav", tone),
        "{file}: warning: no words for its captions in [scene.narration] "
        '(3 = "…"): they are the step\'s own text',
        False,
    ),
    "file that is not a recording": (
        WORDS,
        ("tangent/1.m4a", raw(b"...")),
        "{file}: warning: not a recording (.wav, .flac, .mp3): not used",
        False,
    ),
    "wrong type": (
        HEAD.replace("[scene.narration]", "[scene.params]") + "x_range = 3\n",
        None,
        "{lesson}:8: params.x_range: expected a list of two numbers, like [-3.0, 3.0]; "
        "got 3",
        True,
    ),
}


@pytest.mark.parametrize("case", MISTAKES)
def test_each_mistake_is_one_line_naming_its_file(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, made, line, error = MISTAKES[case]
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(text, encoding="utf-8")
    file = tmp_path / "narration" / made[0] if made else None
    if made:
        made[1](file)
    rc = main(["check", "--lesson", str(lesson)])
    out = capsys.readouterr().out.splitlines()
    assert out[0] == line.format(lesson=lesson, file=file)
    kind = "1 error" if error else "1 warning"
    assert out[1:] == [f"{lesson}: {kind}"]
    assert (rc != 0) == error


def test_every_mistake_is_said_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEAD.replace("[scene.narration]", "[scene.params]")
    text += 'x_range = 3\nrest_points = ["a"]\nsweep_seconds = nan\n'
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(text, encoding="utf-8")
    assert main(["check", "--lesson", str(lesson)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{lesson}:8: params.x_range: expected a list of two numbers, like "
        "[-3.0, 3.0]; got 3",
        f"{lesson}:9: params.rest_points: expected a list of numbers, like "
        '[-1.0, 0.0, 2.0]; got ["a"]',
        f"{lesson}:10: params.sweep_seconds: expected a finite number, got nan",
        f"{lesson}: 3 errors",
    ]


def test_a_lesson_without_mistakes_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(WORDS, encoding="utf-8")
    tone(tmp_path / "narration" / "tangent" / "2.wav")
    (tmp_path / "narration" / "script.md").write_text("# the script mathvid wrote\n")
    assert main(["check", "--lesson", str(lesson)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{lesson}: no mistakes found"]


@pytest.mark.parametrize(
    "command", [["render", "-q", "l"], ["lesson", "-q", "l"], ["export", "out"], ["studio"]]
)
def test_a_bad_recording_stops_a_command_before_anything_renders(
    command: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def serve(*args: object) -> None:
        raise AssertionError("the studio started with a bad recording")

    monkeypatch.setattr(mathvid.studio.server, "serve", serve)
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(WORDS, encoding="utf-8")
    bad = tmp_path / "narration" / "tangent" / "1.wav"
    raw(b"RIFF, but not a recording")(bad)
    media = tmp_path / "media"
    command = [*command, "--lesson", str(lesson), "--media", str(media)]
    assert main(command) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"mathvid: {bad}: cannot decode audio (Invalid data found when processing input)",
        f"mathvid: {lesson}: 1 mistake in its narration (above); nothing was rendered",
    ]
    assert not media.exists()


# The test recording: noise from 0.5 s to 1.7 s, a pause, a tone from 2.6 s to 4.1 s.
FIRST, SECOND = (0.5, 1.7), (2.6, 4.1)
EDGE = 0.03  # seconds: the detector's edges (10 ms frames) and the 10 ms trim margin


def test_a_recordings_cues_follow_its_speech(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "1.wav", bursts(FIRST, SECOND, seconds=4.6))
    # Sentences of unlike lengths: shared by characters, the first cue would end
    # inside the first burst (at a fifth of the speech).
    words = "It falls. Then, step after step, it keeps falling towards the minimum."
    narration = Narration(
        texts=(("1", words),), recordings=(Recording("1", str(path), path.read_bytes()),)
    )
    narrator = Narrator(narration, tmp_path / "voice")
    speech = narrator.speak(step_words(1, "The curve", "A curve.", narrator.texts))
    assert speech.source == "recording"
    assert [" ".join(c.text.split()) for c in speech.cues] == [
        "It falls.",
        "Then, step after step, it keeps falling towards the minimum.",
    ]
    # The trimmed recording starts where the first burst does.
    expected = [(a - FIRST[0], b - FIRST[0]) for a, b in (FIRST, SECOND)]
    for cue, (start, end) in zip(speech.cues, expected, strict=True):
        assert abs(cue.start - start) <= EDGE and abs(cue.end - end) <= EDGE, cue


def test_a_recording_without_words_is_captioned_with_the_steps_text_and_says_so(
    tmp_path: Path,
) -> None:
    path = tone(tmp_path / "1.wav")
    recording = Recording("1", str(path), path.read_bytes())
    narrator = Narrator(Narration(recordings=(recording,)), tmp_path / "voice")
    manifest = scene_manifest(TangentLine, None, narrator)
    first = manifest.steps[0]
    assert first.speech.source == "recording-step-text"
    text = " ".join(first.said.split())
    assert first.speech.words == text
    transcript = transcript_text("T", [("tangent", "Tangent", manifest)])
    said = f"{text} (recorded; captions from the step's text)"
    assert said in transcript.splitlines()
    assert transcript.count("(recorded;") == 1  # the voiced steps say nothing of it


def test_cues_of_one_sentence_share_one_burst_by_their_length() -> None:
    cues = along_speech(["a" * 10, "b" * 29 + "."], [(1.0, 3.0)])
    assert [dataclasses.astuple(c)[1:] for c in cues] == [(1.0, 1.5), (1.5, 3.0)]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    texts=st.lists(
        st.from_regex(r"[a-z ]{1,60}\.?", fullmatch=True), min_size=1, max_size=8
    ),
    steps=st.lists(
        st.tuples(st.floats(0.05, 1.0), st.floats(0.05, 3.0)), min_size=1, max_size=8
    ),
)
def test_cues_along_any_speech_are_in_order_and_cover_it(
    texts: list[str], steps: list[tuple[float, float]]
) -> None:
    spans, at = [], 0.0
    for silence, sound in steps:  # spans: a pause, then speech, again and again
        spans.append((at + silence, at + silence + sound))
        at += silence + sound
    cues = along_speech(texts, spans)
    assert [c.text for c in cues] == texts
    assert cues[0].start == spans[0][0] and cues[-1].end == pytest.approx(spans[-1][1])
    assert all(c.end > c.start for c in cues)
    assert all(b.start >= a.end - 1e-9 for a, b in itertools.pairwise(cues))
