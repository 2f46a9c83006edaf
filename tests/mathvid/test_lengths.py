"""``mathvid list``, ``script`` and ``check`` without synthesis: a step's narrated
length is laid out from the scene's silent run as a render lays it out, exact where
the speech cache has its words and an estimate (``≈``) where it does not; the
estimate's error against the voice's real lengths stays within its bound."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import mathvid.sound.piper_model
from lesson.words.said import step_words
from mathvid.cli import main
from mathvid.lengths import ESTIMATED, narrated, silent_run, speech_lengths
from mathvid.run.stills import scene_manifest
from mathvid.sound.estimate import spoken_length
from mathvid.sound.voice import Narration, Narrator
from scenes.derivatives import TangentLine

LESSON = """title = "T"

[[scene]]
id = "tangent"
scene = "scenes.derivatives:TangentLine"
title = "Tangent"
[scene.narration]
1 = "A curve, and its slope."
2 = "A secant that becomes a tangent as the two points meet."
"""
ERROR_BOUND = 0.2
"""The most a step's estimated length may be off its synthesised one (the lesson's
steps: median 1.7 %, worst 11.6 %, bench/RESULTS.md)."""


def fake_piper(words: str, speed: float) -> tuple[np.ndarray, int]:
    """A stand-in voice: a tone as long as the words (longer, slower), at 22 kHz."""
    seconds = 0.06 * len(words) / speed
    t = np.arange(round(seconds * 22_050)) / 22_050
    return (8000 * np.sin(2 * np.pi * 220 * t)).astype(np.int16), 22_050


def no_piper(words: str, speed: float) -> tuple[np.ndarray, int]:
    raise AssertionError(f"synthesised {words!r}")


def entry_of(lesson_file: Path):
    from lesson.file import load_lesson

    return load_lesson(lesson_file).scenes[0]


def said_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, say: Callable[[Narrator], object]
) -> tuple[Path, Path]:
    """:data:`LESSON` written in ``tmp_path``, and its media folder, where ``say``
    has said (with :func:`fake_piper`) what the speech cache is to hold; from then
    on, any synthesis fails the test."""
    lesson, media = tmp_path / "lesson.toml", tmp_path / "media"
    lesson.write_text(LESSON)
    monkeypatch.setattr(mathvid.sound.piper_model, "say", fake_piper)
    say(Narrator(Narration(texts=entry_of(lesson).narration), media / "voice"))
    monkeypatch.setattr(mathvid.sound.piper_model, "say", no_piper)
    return lesson, media


def test_lengths_laid_out_from_the_silent_run_are_a_narrated_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mathvid.sound.piper_model, "say", fake_piper)
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(LESSON)
    entry = entry_of(lesson)
    narrator = Narrator(Narration(texts=entry.narration), tmp_path / "voice")
    real = scene_manifest(TangentLine, entry.params, narrator)  # synthesised
    silent, rate = silent_run(entry, tmp_path / "steps")
    spoken = speech_lengths(narrator, silent)
    assert all(exact for _, exact in spoken)  # all in the cache now
    laid = narrated(silent, rate, [seconds for seconds, _ in spoken])
    assert laid.duration == pytest.approx(real.duration, abs=1e-9)
    assert np.allclose(laid.spans(), real.spans(), atol=1e-9)
    assert [s.held for s in laid.steps] == pytest.approx([s.held for s in real.steps])


def test_list_script_and_check_synthesise_nothing_and_mark_estimates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    # Step 1's words in the speech cache (as a render would leave them), no other's.
    lesson, media = said_before(
        tmp_path,
        monkeypatch,
        lambda narrator: narrator.speak(step_words(1, "The curve", "", narrator.texts)),
    )
    args = ["--lesson", str(lesson), "--media", str(media)]

    assert main(["list", *args]) == 0
    listed = capsys.readouterr().out
    steps = [line for line in listed.splitlines() if line.startswith("   ")]
    assert len(steps) == 3 and "≈" not in steps[0], listed  # exact: its speech is cached
    assert all("≈" in line for line in steps[1:]), listed
    assert "(≈" in listed and f"≈: {ESTIMATED}" in listed

    assert main(["script", *args]) == 0
    capsys.readouterr()
    script = (tmp_path / "narration" / "script.md").read_text(encoding="utf-8")
    heads = [line for line in script.splitlines() if line.startswith("### ")]
    assert "voice says it in ≈" not in heads[0] and "voice says it in " in heads[0]
    assert all("voice says it in ≈" in head for head in heads[1:]), script
    assert f"≈: {ESTIMATED}." in script

    assert main(["check", *args]) == 0
    assert "no mistakes found" in capsys.readouterr().out


def test_a_cached_lesson_lists_without_estimates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    runs = []
    lesson, media = said_before(
        tmp_path,
        monkeypatch,  # every step said
        lambda narrator: runs.append(scene_manifest(TangentLine, narrator=narrator)),
    )
    real = runs[0]
    assert main(["list", "--lesson", str(lesson), "--media", str(media)]) == 0
    listed = capsys.readouterr().out
    assert "≈" not in listed
    assert f"({real.duration:.1f} s," in listed
    for (start, end), step in zip(real.spans(), real.steps, strict=True):
        assert f"{step.name:<36} {end - start:5.1f} s" in listed


def test_the_estimate_is_within_its_bound_of_the_voices_lengths(tmp_path: Path) -> None:
    # Real syntheses (Piper): a few of the lesson's steps, a second or so a cue.
    silent = scene_manifest(TangentLine)
    voiced = Narrator(Narration(), tmp_path / "voice")
    unsaid = Narrator(Narration(), tmp_path / "empty")
    for n, step in enumerate(silent.steps, start=1):
        words = step_words(n, step.name, step.said, {})
        guess, exact = spoken_length(unsaid, words)
        assert not exact
        real = voiced.speak(words).duration
        assert spoken_length(voiced, words) == (real, True)
        assert abs(guess - real) <= ERROR_BOUND * real, (step.name, guess, real)
