"""Speech said ahead on all cores (:func:`mathvid.sound.chorus.say_all`) is the
narrator's own: the same cache files, byte for byte, and the narrator then says
nothing again."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

import mathvid.sound.piper_model
from lesson.words.said import step_words
from mathvid.sound.chorus import say_all
from mathvid.sound.voice import Narration, Narrator

# Short words, said slower than the lesson's pace; a longer one too (160 a minute).
WORDS = ["Here f is x**2.", "The slope of the curve at a point is its derivative."]


def test_cues_said_on_all_cores_are_the_narrators_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = [step_words(n, f"Step {n}", w, {}) for n, w in enumerate(WORDS, start=1)]
    alone = Narrator(Narration(), tmp_path / "alone")
    for words in steps:
        alone.speak(words)
    cues = [cue for words in steps for cue in words.cues]
    assert say_all(Narration(), tmp_path / "ahead", cues, workers=2) == len(cues)
    made = sorted(p.name for p in (tmp_path / "alone").iterdir())
    assert made == sorted(p.name for p in (tmp_path / "ahead").iterdir())
    assert len(made) >= len(cues)  # a try at a slower pace, when one was, as well
    for name in made:
        assert filecmp.cmp(tmp_path / "alone" / name, tmp_path / "ahead" / name, False)

    def no_piper(words: str, speed: float) -> None:
        raise AssertionError(f"synthesised {words!r} again")

    monkeypatch.setattr(mathvid.sound.piper_model, "say", no_piper)
    assert say_all(Narration(), tmp_path / "ahead", cues) == 0
    for words in steps:
        Narrator(Narration(), tmp_path / "ahead").speak(words)
